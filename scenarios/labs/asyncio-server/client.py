# A PC client: sends `count` lines, one every `pace` seconds, and prints the answers.
# Its settings come from the scenario's stdin line: "<name> <pace> <count>".
import socket
import time

name, pace, count = input().split()
pace = float(pace)
count = int(count)

s = socket.socket()
s.connect(socket.getaddrinfo('esp32', 7000)[0][-1])
s.settimeout(10)
for i in range(count):
    s.send(('%s line %d\n' % (name, i + 1)).encode())
    print(s.recv(100).decode().strip())
    time.sleep(pace)
if count == 1:
    print(s.recv(100).decode().strip())   # the server's goodbye after its timeout
s.close()
