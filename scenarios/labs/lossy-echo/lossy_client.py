# PC client: sends 4000 bytes of a known pattern over a link that loses 30% of frames,
# reads the echo back and checks it byte for byte. TCP retransmits what the air loses.
import socket

N = 4000
payload = bytes((i * 7 + 3) % 256 for i in range(N))
s = socket.socket()
s.connect(('192.168.2.231', 10000))
s.sendall(payload)
got = b''
while len(got) < N:
    data = s.recv(1024)
    if not data:
        break
    got += data
print('received', len(got), 'bytes')
print('byte-exact' if got == payload else 'CORRUPTED')
s.close()
