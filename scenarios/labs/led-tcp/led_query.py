# A second client: connects while the first one is still connected, asks, and leaves.
import socket

s = socket.socket()
s.connect(('192.168.2.231', 5000))
s.send(b'LED?\n')
print('LED? ->', s.recv(64).decode().strip())
s.close()
