# The README's example: the PC sends each line the user types and prints the echo.
import socket

s = socket.socket()
s.connect(('192.168.2.231', 10000))
while True:
    line = input()
    s.send(line.encode())
    print('echo:', s.recv(100).decode())
