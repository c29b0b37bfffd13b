import { runPy } from './helpers';

describe('ESP32 modules', () => {
  test('socket constants, repr, getaddrinfo shape, -202 and errno texts', async () => {
    const r = await runPy(
      [
        'import socket, usocket, errno',
        'print(socket.AF_INET, socket.AF_INET6, socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_RAW, socket.SO_REUSEADDR)',
        'print(socket.IPPROTO_TCP, socket.IPPROTO_UDP, hex(socket.SOL_SOCKET), socket.MSG_PEEK, socket.MSG_DONTWAIT, usocket is socket)',
        'print(socket.socket())',
        'print(socket.getaddrinfo("192.168.2.9", 80))',
        'print(socket.getaddrinfo("towel.blinkenlights.nl", 23))',
        'try:',
        '    socket.getaddrinfo("no.such.host", 80)',
        'except OSError as e:',
        '    print(e, e.args)',
        'print(OSError(104), errno.ETIMEDOUT, errno.EADDRINUSE, errno.errorcode[128])',
        's = socket.socket()',
        'print(hasattr(s, "getsockopt"), hasattr(s, "shutdown"), hasattr(s, "getpeername"), s.makefile("rwb") is s)',
        's.setsockopt(socket.SOL_SOCKET, 0x80, 1)',
        's.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
        'socks = [s]',
        'try:',
        '    while True: socks.append(socket.socket())',
        'except OSError as e:',
        '    print(len(socks), e)',
      ].join('\n'),
    );
    expect(r.out()).toBe(
      [
        '2 10 1 2 3 4',
        '6 17 0xfff 1 8 True',
        '<socket>',
        "[(2, 1, 0, '192.168.2.9', ('192.168.2.9', 80))]",
        "[(2, 1, 0, 'towel.blinkenlights.nl', ('213.136.8.188', 23))]",
        '-202 (-202,)',
        '[Errno 104] ECONNRESET 116 112 ENOTCONN',
        'False False False True',
        'Warning: lwip.setsockopt() option not implemented',
        '9 23', // 10 sockets: the one printed above is still open (no finaliser runs)
        '',
      ].join('\n'),
    );
  });

  test('TCP on the fake LAN: refused connect, EAGAIN, timeout, poll quirks, accept and echo', async () => {
    const r = await runPy(
      [
        'import socket, select, time',
        'c = socket.socket()',
        'try:',
        '    c.connect(("192.168.2.231", 9))',
        'except OSError as e:',
        '    print("refused", e)',
        'p = select.poll()',
        'n = socket.socket()',
        'p.register(n, select.POLLIN | select.POLLOUT)',
        'print("fresh", p.poll(0)[0][1])',
        'n.close()',
        'print("closed", p.poll(0)[0][1])',
        'srv = socket.socket()',
        'srv.bind(("0.0.0.0", 10000))',
        'srv.listen(1)',
        'dup = socket.socket()',
        'try:',
        '    dup.bind(("0.0.0.0", 10000))',
        'except OSError as e:',
        '    print("dup", e)',
        'c2 = socket.socket()',
        'c2.connect(("192.168.2.231", 10000))',
        'conn, addr = srv.accept()',
        'print(addr)',
        'conn.setblocking(False)',
        'try:',
        '    conn.recv(10)',
        'except OSError as e:',
        '    print("nb", e)',
        'conn.settimeout(0.5)',
        't0 = time.ticks_ms()',
        'try:',
        '    conn.recv(10)',
        'except OSError as e:',
        '    print("to", e, time.ticks_diff(time.ticks_ms(), t0) // 100)',
        'c2.send(b"hello")',
        'r, w, x = select.select([conn], [], [], 1)',
        'print(len(r), conn.recv(10))',
        'c2.close()',
        'print(conn.recv(10), conn.recv(10))',
      ].join('\n'),
    );
    expect(r.out()).toBe(
      [
        'refused [Errno 104] ECONNRESET',
        'fresh 20',
        'closed 32',
        'dup [Errno 112] EADDRINUSE',
        "('192.168.2.231', 50000)",
        'nb [Errno 11] EAGAIN',
        'to [Errno 116] ETIMEDOUT 5',
        "1 b'hello'",
        "b'' b''",
        '',
      ].join('\n'),
    );
  });

  test('network, machine and emp_wifi: WLAN singleton, ifconfig()[0][0], Pin and PWM on the board GPIO', async () => {
    const r = await runPy(
      [
        'import network, machine',
        'from emp_wifi import Wifi',
        'w = network.WLAN(network.STA_IF)',
        'print(w is network.WLAN(network.STA_IF), w.status() == network.STAT_IDLE)',
        'print(Wifi.connect(), w.isconnected(), w.status() == network.STAT_GOT_IP, w.status("rssi"))',
        'print(Wifi.ifconfig()[0][0], w.config("mac"))',
        'led = machine.Pin(2, machine.Pin.OUT)',
        'led.on(); led.toggle(); led(1)',
        'print(led.value(), machine.unique_id())',
        'pwm = machine.PWM(machine.Pin(4), freq=1000, duty=512)',
        'pwm.duty_u16(65535)',
        'print(pwm.duty(), pwm.freq())',
      ].join('\n'),
    );
    expect(r.out()).toBe(
      [
        'True True',
        'True True True -50',
        "192.168.2.231 b'$\\n\\xc4\\x00\\x00\\x01'",
        "1 b'$\\n\\xc4\\x00\\x00\\x01'",
        '1023 1000',
        '',
      ].join('\n'),
    );
    expect(r.board.gpio.history(2).map((h) => h[1])).toEqual([1, 0, 1]);
  });

  test('a loop polling a non-blocking socket still advances virtual time (syscall cost)', async () => {
    const r = await runPy(
      'import socket, time\ns = socket.socket()\ns.setblocking(False)\nn = 0\nwhile time.ticks_ms() < 200:\n    n += 1\nprint(n > 1000)\n',
    );
    expect(r.out()).toBe('True\n');
    expect(r.board.sim.now).toBeGreaterThanOrEqual(200_000);
  });
});
