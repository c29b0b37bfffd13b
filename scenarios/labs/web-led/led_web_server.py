# A web page that switches the LED: the socket tutorial's server, answering HTTP.
# Open http://<esp32 address>/ in a browser; the links go to /on and /off.
import machine
import socket

led = machine.Pin(2, machine.Pin.OUT)

PAGE = """<!DOCTYPE html>
<html>
<head><title>ESP32 LED</title></head>
<body>
<h1>ESP32 LED</h1>
<p>The LED is <strong>%s</strong>.</p>
<p><a href="/on">Turn it on</a> | <a href="/off">Turn it off</a></p>
</body>
</html>
"""

addr = socket.getaddrinfo('0.0.0.0', 80)[0][-1]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(addr)
s.listen(1)
print('web server on', addr)

while True:
    cl, remote = s.accept()
    cl_file = cl.makefile('rwb', 0)
    request = cl_file.readline()          # e.g. b'GET /on HTTP/1.1\r\n'
    while True:                           # skip the header lines
        line = cl_file.readline()
        if not line or line == b'\r\n':
            break
    parts = request.split()
    path = parts[1] if len(parts) > 1 else b'/'
    print(remote[0], request.strip())
    if path == b'/on':
        led.on()
    elif path == b'/off':
        led.off()
    if path in (b'/', b'/on', b'/off'):
        cl.send(b'HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n')
        cl.send(PAGE % ('on' if led.value() else 'off'))
    else:
        cl.send(b'HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnot found\r\n')
    cl.close()
