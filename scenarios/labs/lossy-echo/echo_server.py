# TCP echo server that sends back exactly what it receives, and counts the bytes.
import socket

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('0.0.0.0', 10000))
srv.listen(1)
print('echo server ready')
while True:
    conn, addr = srv.accept()
    print(addr, 'connected')
    total = 0
    while True:
        data = conn.recv(512)
        if not data:
            break
        conn.sendall(data)
        total += len(data)
    conn.close()
    print('echoed', total, 'bytes')
