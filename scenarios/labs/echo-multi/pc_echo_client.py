# PC TCP client that reads every echo and then closes politely.
import socket

s = socket.socket()
s.connect(('192.168.2.231', 10000))
name = input()
for word in ['hello', 'from', name]:
    s.send(word.encode())
    echo = s.recv(1024)          # read the echo: nothing is left unread
    print('echo:', echo.decode())
s.close()                        # FIN, not RST: the server sees b'' and prints "close socket"
print('done')
