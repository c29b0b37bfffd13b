# main.py -- runs after boot.py: a small data logger. Readings live in readings.json and every
# command is appended to the log file, so both survive a reset (the flash is the board's).
import json
import os
import socket
import machine
from protocol import parse, answer   # lib/protocol.py (/lib is on sys.path)

with open('config.json') as f:
    config = json.load(f)


def load(name, default):
    try:
        with open(name) as f:
            return f.read()
    except OSError:          # ENOENT: not written yet
        return default


boots = int(load('boots.txt', '0')) + 1
with open('boots.txt', 'w') as f:
    f.write(str(boots))
readings = json.loads(load('readings.json', '{}'))


def log(line):
    with open(config['log'], 'a') as f:
        f.write('%d %s\n' % (boots, line))


def handle(line):
    verb, args = parse(line)
    if verb is None:
        return None
    log(line.strip())
    if verb == 'SET' and len(args) == 2:
        readings[args[0]] = args[1]
        with open('readings.json', 'w') as f:
            json.dump(readings, f)
        return answer(True)
    if verb == 'GET' and len(args) == 1:
        v = readings.get(args[0])
        return answer(v is not None, v if v is not None else 'no ' + args[0])
    if verb == 'LOG?':
        with open(config['log']) as f:
            return answer(True, '%d lines' % len(f.readlines()))
    if verb == 'RESET':
        return answer(True, 'rebooting')
    return answer(False, 'unknown command')


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('0.0.0.0', config['port']))
server.listen(1)
print('%s listening on %d (boot %d, %d bytes free on the flash)' % (config['name'], config['port'], boots, os.statvfs('/')[0] * os.statvfs('/')[3]))
while True:
    conn, addr = server.accept()
    f = conn.makefile('rwb')
    while True:
        line = f.readline()
        if not line:
            break
        reply = handle(line.decode())
        if reply:
            conn.send(reply.encode())
        if line.strip().upper() == b'RESET':
            conn.close()
            machine.reset()
    conn.close()
