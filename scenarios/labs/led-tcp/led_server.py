# led_server.py -- switch the ESP32's LED (GPIO 2) from anywhere on the LAN.
# Protocol (TCP port 5000): one command per line, e.g. "LED ON\n"; see README.md.
import socket
import select
from ledproto import Led   # lib/ledproto.py on the board's flash, shared with the led-udp lab

PORT = 5000

led = Led(2)


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('0.0.0.0', PORT))
server.listen(4)
server.setblocking(False)
poller = select.poll()
poller.register(server, select.POLLIN)
clients = []       # [socket, address, unfinished bytes]
print('led server listening on port', PORT)


def find(sock):
    for c in clients:
        if c[0] is sock:
            return c
    return None


def drop(c):
    poller.unregister(c[0])
    c[0].close()
    clients.remove(c)
    print(c[1], 'left')


def serve(c):
    try:
        data = c[0].recv(256)
    except OSError:
        data = b''
    if not data:
        drop(c)
        return
    c[2] += data
    while b'\n' in c[2]:
        raw, c[2] = c[2].split(b'\n', 1)
        try:
            line = raw.decode()
        except UnicodeError:
            line = None
        answer = 'ERR not text' if line is None else led.command(line)
        if answer is None:
            continue
        print(c[1], repr(line.strip()) if line else '?', '->', answer)
        try:
            c[0].send((answer + '\n').encode())
        except OSError:
            drop(c)
            return
    if len(c[2]) > 128:
        c[2] = b''
        c[0].send(b'ERR line too long\n')


while True:
    for ev in poller.poll(led.timeout()):
        sock = ev[0]
        if sock is server:
            try:
                conn, addr = server.accept()
            except OSError:
                continue
            conn.setblocking(False)
            poller.register(conn, select.POLLIN)
            clients.append([conn, addr, b''])
            print(addr, 'connected')
        else:
            c = find(sock)
            if c is not None:
                serve(c)
    led.tick()
