# PC client: stores readings, asks for them back, reboots the station and checks what it kept.
import socket
import time


def session(commands):
    s = socket.socket()
    for attempt in range(40):      # the station may still be booting
        try:
            s.connect(('192.168.2.231', 7000))
            break
        except OSError:
            s.close()
            time.sleep(0.25)
            s = socket.socket()
    pending = b''
    for c in commands:
        s.send((c + '\n').encode())
        while b'\n' not in pending:
            data = s.recv(256)
            if not data:
                break
            pending += data
        line, _, pending = pending.partition(b'\n')
        print(c, '->', line.decode())
    s.close()


session(['SET temp 21.5', 'SET hum 40', 'GET temp', 'LOG?', 'RESET'])
time.sleep(1)
session(['GET temp', 'GET wind', 'LOG?'])
print('bye')
