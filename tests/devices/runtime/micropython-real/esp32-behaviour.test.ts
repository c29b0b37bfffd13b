import type { Esp32Board } from '../../../../devices/esp32/board';
import { ended, esp32With, lines, py, runEsp32 } from './helpers';

/** A server socket and a client connected to it over loopback: conn (accepted) and c. */
const LOOP_PAIR = [
  'srv = socket.socket()',
  'srv.bind(("0.0.0.0", 8000))',
  'srv.listen(1)',
  'c = socket.socket()',
  'c.connect(("127.0.0.1", 8000))',
  'conn, addr = srv.accept()',
];
const PC = { id: 'pc', board: 'pc' as const, ip: '192.168.1.50', static: true };

describe('ESP32 behaviour on the real Simulation', () => {
  test('connect to a PC port nobody listens on raises ECONNRESET (104)', async () => {
    const { esp } = await runEsp32(
      ['import socket', 's = socket.socket()', 'try:', '    s.connect(("192.168.1.50", 9))', 'except OSError as e:', '    print(e, e.errno)'],
      { others: [PC] },
    );
    expect(lines(esp)).toEqual(['[Errno 104] ECONNRESET 104']);
    expect(esp.exitCode()).toBe(0);
  }, 30_000);

  test('connected socket with settimeout(0.5) and no data raises ETIMEDOUT after 0.5-0.6 s virtual', async () => {
    const { esp } = await runEsp32(
      [
        'import socket, time',
        ...LOOP_PAIR,
        'c.settimeout(0.5)',
        't0 = time.ticks_ms()',
        'try:',
        '    c.recv(10)',
        'except OSError as e:',
        '    print(e, time.ticks_diff(time.ticks_ms(), t0))',
      ],
    );
    const out = lines(esp);
    expect(out).toHaveLength(1);
    const m = /^\[Errno 116\] ETIMEDOUT (\d+)$/.exec(out[0]);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(500);
    expect(Number(m![1])).toBeLessThanOrEqual(600);
  }, 30_000);

  test('connected non-blocking socket without data: recv raises EAGAIN (11)', async () => {
    const { esp } = await runEsp32(
      [
        'import socket',
        ...LOOP_PAIR,
        'conn.setblocking(False)',
        'try:',
        '    conn.recv(10)',
        'except OSError as e:',
        '    print(e)',
      ],
    );
    expect(lines(esp)).toEqual(['[Errno 11] EAGAIN']);
  }, 30_000);

  test('fresh sockets: recv ENOTCONN, 11th socket ENFILE, second bind EADDRINUSE, repr <socket>', async () => {
    const { esp } = await runEsp32([
      'import socket',
      's = socket.socket()',
      'print(s)',
      'try:',
      '    s.recv(10)',
      'except OSError as e:',
      '    print(e)',
      's.bind(("0.0.0.0", 10000))',
      'd = socket.socket()',
      'try:',
      '    d.bind(("0.0.0.0", 10000))',
      'except OSError as e:',
      '    print(e)',
      'socks = [s, d]',
      'try:',
      '    while True: socks.append(socket.socket())',
      'except OSError as e:',
      '    print(len(socks), e)',
    ]);
    expect(lines(esp)).toEqual(['<socket>', '[Errno 128] ENOTCONN', '[Errno 112] EADDRINUSE', '10 23']);
  }, 30_000);

  test('getaddrinfo: unknown name -202, device name and internet host give the ESP32 tuple shape', async () => {
    const { esp } = await runEsp32(
      [
        'import socket',
        'try:',
        '    socket.getaddrinfo("no.such.host", 80)',
        'except OSError as e:',
        '    print(e, e.args)',
        'print(socket.getaddrinfo("pc", 10000))',
        'print(socket.getaddrinfo("towel.blinkenlights.nl", 23))',
      ],
      {
        others: [PC],
        sim: { network: { internet: [{ name: 'towel.blinkenlights.nl', ip: '213.136.8.188', service: 'starwars', port: 23 }] } },
      },
    );
    expect(lines(esp)).toEqual([
      '-202 (-202,)',
      "[(2, 1, 0, 'pc', ('192.168.1.50', 10000))]",
      "[(2, 1, 0, 'towel.blinkenlights.nl', ('213.136.8.188', 23))]",
    ]);
  }, 30_000);

  test('time.sleep(1.5) advances ticks_ms by 1500 and the line is stamped 1.5 s later', async () => {
    const { esp } = await runEsp32(['import time, utime', 'print("start")', 't0 = time.ticks_ms()', 'time.sleep(1.5)', 'print(time.ticks_diff(utime.ticks_ms(), t0))']);
    expect(lines(esp)).toEqual(['start', '1500']);
    const [a, b] = esp.console.lines;
    expect(b.t - a.t).toBeGreaterThanOrEqual(1_500_000);
    expect(b.t - a.t).toBeLessThan(1_510_000);
  }, 30_000);

  test('select/poll quirks: fresh socket WR|HUP, closed POLLNVAL, readable after data, select lists', async () => {
    const { esp } = await runEsp32([
      'import socket, select',
      'p = select.poll()',
      'n = socket.socket()',
      'p.register(n, select.POLLIN | select.POLLOUT)',
      'print("fresh", p.poll(0))',
      'n.close()',
      'print("closed", p.poll(0)[0][1])',
      'srv = socket.socket()',
      'srv.bind(("0.0.0.0", 8000))',
      'srv.listen(1)',
      'c = socket.socket()',
      'c.connect(("127.0.0.1", 8000))',
      'r, w, x = select.select([srv], [], [], 1)',
      'print("listen readable", len(r))',
      'conn, addr = srv.accept()',
      'print("none yet", select.select([conn], [], [], 0.1))',
      'c.send(b"hi")',
      'r, w, x = select.select([conn], [conn], [conn], 1)',
      'print(len(r), len(w), len(x), conn.recv(10))',
    ]);
    const out = lines(esp);
    expect(out[0]).toMatch(/^fresh \[\(<socket>, 20\)\]$/);
    expect(out.slice(1)).toEqual(['closed 32', 'listen readable 1', 'none yet ([], [], [])', "1 1 0 b'hi'"]);
  }, 30_000);

  test('uncaught exception: traceback names main.py and the line; the device stops, another runs on', async () => {
    const r = esp32With(['import time', '', 'def f():', '    raise ValueError("boom")', '', 'f()'], {
      others: [{ id: 'ticker', board: 'esp32', script: py(['import time', 'for i in range(5):', '    time.sleep(1)', '    print(i)']) }],
    });
    const ticker = r.s.device('ticker');
    await r.s.run({ stopWhen: ended(r.esp, ticker), forUs: 30_000_000 });
    await r.s.close();
    expect(r.esp.console.text()).toBe(
      'Traceback (most recent call last):\n  File "main.py", line 6, in <module>\n  File "main.py", line 4, in f\nValueError: boom\n',
    );
    expect(r.esp.scriptState()).toBe('crashed');
    expect(r.esp.exitCode()).toBe(1);
    expect(lines(ticker)).toEqual(['0', '1', '2', '3', '4']);
  }, 30_000);

  test('syntax error is reported with file:line before anything runs', async () => {
    const { esp } = await runEsp32(['print("never")', 'if x', '    pass']);
    expect(esp.console.text()).toBe('Traceback (most recent call last):\n  File "main.py", line 2\nSyntaxError: invalid syntax\n');
    expect(esp.scriptState()).toBe('crashed');
  }, 30_000);

  test('while True: pass trips the watchdog; another device keeps running', async () => {
    const r = esp32With(['print("spin")', 'while True:', '    pass'], {
      sim: { watchdogMs: 300 },
      others: [{ id: 'ticker', board: 'esp32', script: py(['import time', 'for i in range(3):', '    time.sleep(1)', '    print(i)']) }],
    });
    const ticker = r.s.device('ticker');
    await r.s.run({ stopWhen: ended(r.esp, ticker), forUs: 30_000_000 });
    await r.s.close();
    expect(r.esp.scriptState()).toBe('crashed');
    expect(r.esp.failure()).toMatch(/^Watchdog: script ran 0.3 s of wall time without a kernel call/);
    expect(lines(r.esp)[0]).toBe('spin');
    expect(lines(ticker)).toEqual(['0', '1', '2']);
  }, 30_000);

  test('WLAN from a wifi:none script: wrong password 202, unknown SSID 201, right ones 1010', async () => {
    const { esp } = await runEsp32(
      [
        'import network, time',
        'w = network.WLAN(network.STA_IF)',
        'w.active(True)',
        'def join(ssid, pw):',
        '    w.connect(ssid, pw)',
        '    t0 = time.ticks_ms()',
        '    while w.status() == network.STAT_CONNECTING and time.ticks_diff(time.ticks_ms(), t0) < 30000:',
        '        time.sleep_ms(100)',
        '    print(ssid, w.status(), w.isconnected())',
        '    w.disconnect()',
        'print(w.status())',
        'join("esp32-lab", "wrong-password")',
        'join("no-such-net", "micropython")',
        'join("esp32-lab", "micropython")',
      ],
      { esp: { wifi: 'none' } },
    );
    expect(lines(esp)).toEqual(['1000', 'esp32-lab 202 False', 'no-such-net 201 False', 'esp32-lab 1010 True']);
  }, 30_000);

  test('machine.Pin(2) writes show in pinHistory; machine.reset() restarts the script', async () => {
    const r = esp32With([
      'import machine, time',
      'led = machine.Pin(2, machine.Pin.OUT)',
      'print("boot", led.value())',
      'led.on()',
      'time.sleep_ms(100)',
      'led.off()',
      'time.sleep_ms(100)',
      'led.value(1)',
      'time.sleep(1)',
      'machine.reset()',
    ]);
    await r.s.run({ stopWhen: () => lines(r.esp).length >= 2, forUs: 30_000_000 });
    await r.s.close();
    expect(lines(r.esp)).toEqual(['boot 0', 'boot 0']);
    // Output at 0, on, off, on; the reset puts it back to an input (0); the rebooted script drives 0 again.
    expect(r.esp.pinHistory(2).map(([, v]) => v)).toEqual([0, 1, 0, 1, 0]);
    expect((r.esp.board as Esp32Board).gpio.level(2)).toBe(0);
  }, 30_000);
});
