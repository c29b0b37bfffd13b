# PC UDP client: sends each typed line as a datagram and prints the echo.
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for i in range(3):
    line = input()
    s.sendto(line.encode(), ('192.168.2.231', 10001))
    data, addr = s.recvfrom(1024)
    print('echo from', addr[0], ':', data.decode())
s.close()
