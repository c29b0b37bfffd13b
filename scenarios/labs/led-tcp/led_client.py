# PC client for led_server.py: sends a sequence of commands and prints each answer.
import socket
import time

s = socket.socket()
s.connect(('192.168.2.231', 5000))
pending = b''


def answer():
    global pending
    while b'\n' not in pending:
        data = s.recv(256)
        if not data:
            return '(connection closed)'
        pending += data
    line, pending = pending.split(b'\n', 1)
    return line.decode()


def send(text, show=None):
    s.send(text.encode())
    print((show or text.strip()), '->', answer())


send('LED ON\n')
time.sleep(1)
send('led off\n')                  # case does not matter
time.sleep(1)
send('   LED TOGGLE  \n')          # surrounding blanks are ignored
send('LED?\n')
time.sleep(1)
send('LED BLINK 500\n')
time.sleep(2.2)
send('LED PWM 40\n')
time.sleep(1)
send('LED DANCE\n')
send('LED PWM 140\n')
s.send(b'LED O')                   # one command split over two segments
time.sleep(0.1)
send('FF\n', 'LED O + FF (one line sent in two pieces)')
s.send(b'\n  \n')                  # blank lines: no answer
s.send(b'LED ON\nLED?\n')          # two commands in one segment
print('LED ON ->', answer())
print('LED? ->', answer())
s.close()
print('bye')
