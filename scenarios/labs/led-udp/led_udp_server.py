# led_udp_server.py -- the LED protocol of the led-tcp lab, one command per UDP datagram
# on port 5001. A datagram may start with "#<n> "; the answer then starts with the same tag.
# A repeated tag from the same sender is answered from a cache instead of being run twice,
# so a client that retries after a lost answer never toggles the LED twice.
import socket
import select
from ledproto import Led, number   # lib/ledproto.py on the flash: the led-tcp lab's module

PORT = 5001

led = Led(2)
last = {}          # sender address -> (tag, answer)


def datagram(data, addr):
    try:
        text = data.decode()
    except UnicodeError:
        return 'ERR not text'
    tag = ''
    if text.startswith('#'):
        head, _, rest = text.partition(' ')
        if number(head[1:]) is None:
            return 'ERR bad tag'
        tag, text = head + ' ', rest
        seen = last.get(addr)
        if seen and seen[0] == tag:
            print(addr, tag.strip(), 'again: answering from the cache')
            return seen[1]
    answer = led.command(text)
    if answer is None:
        return None
    answer = tag + answer
    if tag:
        last[addr] = (tag, answer)
    print(addr, repr(text.strip()), '->', answer)
    return answer


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('0.0.0.0', PORT))
poller = select.poll()
poller.register(sock, select.POLLIN)
print('led udp server on port', PORT)

while True:
    if poller.poll(led.timeout()):
        data, addr = sock.recvfrom(512)
        answer = datagram(data, addr)
        if answer is not None:
            sock.sendto(answer.encode(), addr)
    led.tick()
