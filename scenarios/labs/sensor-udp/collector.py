# collector.py -- the PC side: listens on UDP port 5005, prints every reading the ESP32 sends
# and raises an alarm when the temperature goes above 30 C (and says when it is back).
import socket

LIMIT = 30.0

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 5005))
print('collector listening on udp 5005')
hot = False
while True:
    data, addr = s.recvfrom(256)
    text = data.decode()
    fields = {}
    for word in text.split():
        if '=' in word:
            key, _, value = word.partition('=')
            fields[key] = value
    t = float(fields['t'])
    print('%s: %s' % (addr[0], text))
    if t > LIMIT and not hot:
        hot = True
        print('ALARM: %.1f C is above %.1f C' % (t, LIMIT))
    elif t <= LIMIT and hot:
        hot = False
        print('back to normal: %.1f C' % t)
