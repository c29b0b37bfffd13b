# Ask a web API for the weather and print what it says.
import requests

API = 'http://api.weather.example/v1'

r = requests.get(API + '/current?city=Oslo')
print('status', r.status_code, r.headers.get('Content-Type'))
data = r.json()
now = data['current']
print('%s: %s C, %s' % (data['city'], now['temperature'], now['summary']))

r = requests.get(API + '/forecast?city=Oslo&days=2')
for day in r.json()['days']:
    print('%s: %d .. %d C' % (day['day'], day['min'], day['max']))

r = requests.post(API + '/reports', json={'station': 'esp32', 'temperature': now['temperature']})
print('report stored:', r.json()['stored'])

r = requests.get(API + '/history')
if r.status_code != 200:
    print('no such endpoint:', r.status_code)
