# PC client for led_udp_server.py: each command goes out as one datagram tagged "#<n> ".
# If no answer with our tag arrives within 300 ms, the same datagram is sent again.
import socket
import time

SERVER = ('192.168.2.231', 5001)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.3)
n = 0


def ask(cmd, tries=10):
    global n
    n += 1
    tag = '#%d ' % n
    for attempt in range(1, tries + 1):
        s.sendto((tag + cmd).encode(), SERVER)
        try:
            while True:
                data, addr = s.recvfrom(512)
                reply = data.decode()
                if reply.startswith(tag):          # an older, late answer is skipped
                    retry = ' (try %d)' % attempt if attempt > 1 else ''
                    print(cmd, '->', reply[len(tag):] + retry)
                    return reply[len(tag):]
        except socket.timeout:
            pass
    print(cmd, '-> no answer')
    return None


# The first datagram also waits for ARP (the PC must learn the ESP32's hardware address,
# and those frames get lost too): give it 30 tries (9 s) instead of 10.
ask('LED ON', 30)
time.sleep(1)
ask('LED TOGGLE')
time.sleep(1)
ask('LED TOGGLE')
ask('LED?')
time.sleep(1)
ask('LED BLINK 200')
time.sleep(1)
ask('led pwm 25')
ask('LED JUMP')
ask('LED OFF')
print('done')
