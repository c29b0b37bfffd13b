# A PC that browses the ESP32's page like a person would: open it, click "on", then "off".
import re
import time
import requests

BASE = 'http://esp32'    # the router's DNS knows the ESP32 by its device id


def visit(path):
    r = requests.get(BASE + path)
    m = re.search('The LED is <strong>([a-z]+)</strong>', r.text)
    print('GET', path, '->', r.status_code, 'LED', m.group(1) if m else '?')
    return r


page = visit('/')
for label in ('on', 'off'):              # follow the page's own links, as a click would
    link = re.search('href="(/[a-z]*)">Turn it ' + label, page.text).group(1)
    time.sleep(1)
    page = visit(link)
time.sleep(1)
visit('/favicon.ico')                    # what browsers ask for by themselves
