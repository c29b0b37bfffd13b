# The README's example: a TCP echo server that lights the LED (GPIO 2) for a second
# after each message and reports the BOOT button (GPIO 0, pulled up: 0 when pressed).
import machine
import select
import socket
import time

led = machine.Pin(2, machine.Pin.OUT)
button = machine.Pin(0, machine.Pin.IN, machine.Pin.PULL_UP)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('0.0.0.0', 10000))
srv.listen(1)
print('tcp waiting...')
conn, addr = srv.accept()
print(addr, 'connected')
poll = select.poll()
poll.register(conn, select.POLLIN)
off_at = None
was_pressed = False
while True:
    if poll.poll(50):
        data = conn.recv(100)
        if not data:
            break
        print(data)
        conn.send(data)
        led.value(1)
        off_at = time.ticks_add(time.ticks_ms(), 1000)
    if off_at is not None and time.ticks_diff(time.ticks_ms(), off_at) >= 0:
        led.value(0)
        off_at = None
    pressed = button.value() == 0
    if pressed and not was_pressed:
        print('button pressed')
    was_pressed = pressed
conn.close()
srv.close()
print('client left')
