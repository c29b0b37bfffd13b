# A clock that sets itself from the internet: NTP, then print the time every second.
import time
import ntptime

DAYS = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')


def show():
    y, mo, d, h, mi, s, wd, yd = time.localtime()
    print('%s %04d-%02d-%02d %02d:%02d:%02d' % (DAYS[wd], y, mo, d, h, mi, s))


show()                  # before NTP: the RTC counts from 2000-01-01 at power-on
ntptime.settime()       # asks pool.ntp.org (UTC)
print('set from', ntptime.host)
for i in range(5):
    show()
    time.sleep(1)
