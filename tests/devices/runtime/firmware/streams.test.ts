import { lines, py, runEsp32, esp32With, ended } from '../micropython-real/helpers';

/** A server socket and a client connected to it over loopback: conn (accepted) and c. */
const PAIR = [
  'import socket, time',
  'srv = socket.socket()',
  'srv.bind(("0.0.0.0", 8000))',
  'srv.listen()',
  'c = socket.socket()',
  'c.connect(("127.0.0.1", 8000))',
  'conn, addr = srv.accept()',
];

describe('socket stream methods as MicroPython stream protocol (ESP32, real Simulation)', () => {
  test('non-blocking: read/read(n)/readline/readinto give None when nothing is there, then what has arrived', async () => {
    const { esp } = await runEsp32([
      ...PAIR,
      'conn.setblocking(False)',
      'print(conn.read(), conn.read(5), conn.readline(), conn.readinto(bytearray(4)))',
      'c.write(b"hello\\nwor")',
      'time.sleep(0.1)',
      'print(conn.readline(), conn.readline(), conn.readline())',
      'c.write("ld!\\n")  # a str goes as UTF-8',
      'time.sleep(0.3)',
      'print(conn.read(100), conn.read())',
      'c.send(b"0123456789")',
      'time.sleep(0.3)',
      'b = bytearray(4)',
      'print(conn.readinto(b), b, conn.read(), conn.read(3))',
      'n = 0',
      'while True:',
      '    r = conn.write(b"x" * 1000)',
      '    if r is None:',
      '        break',
      '    n += r',
      'print("wrote", n, r)',
    ]);
    expect(lines(esp)).toEqual([
      'None None None None',
      "b'hello\\n' b'wor' None",
      "b'ld!\\n' None",
      "4 bytearray(b'0123') b'456789' None",
      // the peer never reads: the send buffer (5760) and the peer's window fill up
      expect.stringMatching(/^wrote \d+ None$/),
    ]);
    const wrote = Number(/^wrote (\d+)/.exec(lines(esp)[4])![1]);
    expect(wrote).toBeGreaterThanOrEqual(5760);
    expect(wrote).toBeLessThan(20_000);
  }, 30_000);

  test('blocking: read(n) and readinto wait for n bytes across segments; readline for the newline; read() for the end', async () => {
    const { esp } = await runEsp32([
      ...PAIR,
      'c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)',
      'c.send(b"ab")',
      'c.send(b"cd\\nef")',
      'print(conn.read(4), conn.readline(), conn.read(1))',
      'c.send(b"ghij")',
      'b = bytearray(3)',
      'print(conn.readinto(b), b)',
      'print(conn.readinto(b, 1), b)',
      'c.write(b"rest of it")',
      'c.close()',
      'print(conn.read(), conn.read(), conn.readline())',
    ]);
    expect(lines(esp)).toEqual(["b'abcd' b'\\n' b'e'", "3 bytearray(b'fgh')", "1 bytearray(b'igh')", "b'jrest of it' b'' b''"]);
  }, 30_000);

  test("listen() without a backlog takes the ESP32 default (2): a third pending connection is not accepted", async () => {
    const { s, esp } = esp32With(
      [
        'import socket, time',
        'srv = socket.socket()',
        'srv.bind(("0.0.0.0", 8000))',
        'srv.listen()',
        'print("listening")',
        'time.sleep(5)',
      ],
      {
        others: [
          {
            id: 'pc',
            board: 'pc',
            startUs: 2_000_000,
            script: py([
              'import socket',
              'for i in range(3):',
              '    s = socket.socket()',
              '    s.settimeout(1.5)',
              '    try:',
              '        s.connect(("esp32", 8000))',
              '        print(i, "connected")',
              '    except OSError as e:',
              '        print(i, e)',
            ]),
          },
        ],
      },
    );
    await s.run({ stopWhen: ended(s.device('pc')), forUs: 20_000_000 });
    await s.close();
    expect(lines(esp)).toEqual(['listening']);
    expect(lines(s.device('pc'))).toEqual(['0 connected', '1 connected', '2 timed out']);
  }, 30_000);
});
