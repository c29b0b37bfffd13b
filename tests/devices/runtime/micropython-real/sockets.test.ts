/**
 * Socket behaviour on the real Simulation with MicroPython: the PC personality's
 * options (SO_REUSEADDR, SO_LINGER) as CPython on Linux has them, and the
 * ESP32's ten sockets whatever connections linger from before.
 */
import { ended, lines, py } from './helpers';
import { Simulation } from '../../../../devices/simulation/simulation';

const ESP = { id: 'esp32', board: 'esp32' as const, wifi: 'auto' as const };
const PC = { id: 'pc', board: 'pc' as const, ip: '192.168.1.50', static: true };

async function run(devices: Parameters<Simulation['addDevice']>[0][], forUs = 60_000_000) {
  const s = new Simulation({ seed: 1 });
  const hs = devices.map((d) => s.addDevice(d));
  try {
    await s.run({ stopWhen: ended(...hs), forUs });
  } finally {
    await s.close();
  }
  return hs;
}

describe('PC personality socket options (MicroPython, CPython numbers)', () => {
  test('setsockopt(SOL_SOCKET, SO_REUSEADDR, 1) lets a server rebind a port in TIME-WAIT; without it EADDRINUSE 98', async () => {
    const [pc] = await run([
      {
        ...PC,
        script: py([
          'import socket, time',
          'srv = socket.socket()',
          'srv.bind(("0.0.0.0", 7000))',
          'srv.listen(1)',
          'c = socket.socket()',
          'c.connect(("127.0.0.1", 7000))',
          'conn, addr = srv.accept()',
          'conn.close()  # the server side closes first: port 7000 goes to TIME-WAIT',
          'srv.close()',
          'time.sleep(0.2)',
          'c.close()',
          'time.sleep(0.2)',
          'a = socket.socket()',
          'try:',
          '    a.bind(("0.0.0.0", 7000))',
          'except OSError as e:',
          '    print("plain", e.errno)',
          'b = socket.socket()',
          'b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
          'b.bind(("0.0.0.0", 7000))',
          'print("reuse", socket.SOL_SOCKET, socket.SO_REUSEADDR)',
        ]),
      },
    ]);
    expect(lines(pc)).toEqual(['plain 98', 'reuse 1 2']);
  }, 30_000);

  test('SO_LINGER struct.pack("ii", 1, 0): close() resets the connection; the ESP32 server sees ECONNRESET', async () => {
    const [esp, pc] = await run([
      {
        ...ESP,
        script: py([
          'import socket',
          'srv = socket.socket()',
          'srv.bind(("0.0.0.0", 7000))',
          'srv.listen(1)',
          'conn, addr = srv.accept()',
          'print("got", conn.recv(10))',
          'try:',
          '    print("then", conn.recv(10))',
          'except OSError as e:',
          '    print(e)',
        ]),
      },
      {
        ...PC,
        script: py([
          'import socket, struct, time',
          'time.sleep(3)',
          's = socket.socket()',
          's.connect(("192.168.1.100", 7000))',
          's.send(b"hello")',
          'time.sleep(0.5)',
          's.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))',
          's.close()',
          'print("closed", socket.SO_LINGER)',
        ]),
      },
    ]);
    expect(lines(pc)).toEqual(['closed 13']);
    expect(lines(esp)).toEqual(["got b'hello'", '[Errno 104] ECONNRESET']);
  }, 30_000);
});

describe('ESP32 socket table', () => {
  test('ten sockets at once after ten connections closed earlier, while those linger in FIN-WAIT-2 and TIME-WAIT', async () => {
    const [esp] = await run([
      {
        ...ESP,
        script: py([
          'import socket, time',
          'time.sleep(3)',
          'for i in range(10):',
          '    s = socket.socket()',
          '    s.connect(("192.168.1.50", 7000 + i % 2))',
          '    s.send(b"x")',
          '    s.close()',
          'time.sleep(1)',
          'b = []',
          'for i in range(10):',
          '    x = socket.socket()',
          '    x.connect(("192.168.1.50", 7000))',
          '    b.append(x)',
          'print(len(b), [x.fileno() for x in b][0], [x.fileno() for x in b][-1])',
          'try:',
          '    socket.socket()',
          'except OSError as e:',
          '    print(e)',
        ]),
      },
      {
        ...PC,
        script: py([
          'import socket, select',
          '# 7000 keeps every connection open (the ESP32 side waits in FIN-WAIT-2);',
          '# 7001 closes at once (the ESP32 side goes through TIME-WAIT).',
          'keep = socket.socket()',
          'keep.bind(("0.0.0.0", 7000))',
          'keep.listen(32)',
          'drop = socket.socket()',
          'drop.bind(("0.0.0.0", 7001))',
          'drop.listen(32)',
          'held = []',
          'while True:',
          '    r, w, x = select.select([keep, drop], [], [], 30)',
          '    if not r:',
          '        break',
          '    for l in r:',
          '        c, a = l.accept()',
          '        if l is keep:',
          '            held.append(c)',
          '        else:',
          '            c.recv(10)',
          '            c.close()',
        ]),
      },
    ]);
    // MicroPython's errno module has no ENFILE: the error prints bare.
    expect(lines(esp)).toEqual(['10 54 63', '23']);
  }, 30_000);
});
