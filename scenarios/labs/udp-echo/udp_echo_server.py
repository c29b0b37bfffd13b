# UDP echo server on the ESP32: every datagram is printed and sent back to its sender.
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('0.0.0.0', 10001))
print('udp echo on port 10001')
while True:
    data, addr = s.recvfrom(1024)
    print(addr, data)
    s.sendto(data, addr)
