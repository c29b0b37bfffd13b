import { Simulation } from '../../../../devices/simulation/simulation';
import type { DeviceHandle } from '../../../../devices/simulation/api';
import { ended, lines, py } from '../micropython-real/helpers';

/** An asyncio TCP echo server as ESP32 users write it: one task per client, a timeout per client. */
const SERVER = [
  'import asyncio',
  '',
  'async def handle(reader, writer):',
  '    name = (await reader.readline()).strip().decode()',
  "    print('hello', name, writer.get_extra_info('peername')[0])",
  '    try:',
  '        while True:',
  '            line = await asyncio.wait_for(reader.readline(), 3)',
  '            if not line:',
  '                break',
  "            writer.write(b'echo: ' + line)",
  '            await writer.drain()',
  '    except asyncio.TimeoutError:',
  "        print('timeout', name)",
  '    except OSError as e:',
  "        print('error', name, e)",
  '    writer.close()',
  '    await writer.wait_closed()',
  "    print('bye', name)",
  '',
  'async def main():',
  "    server = await asyncio.start_server(handle, '0.0.0.0', 7000)",
  "    print('listening')",
  '    async with server:',
  '        await asyncio.sleep(12)',
  "    print('server closed')",
  '',
  'asyncio.run(main())',
];

/** A PC client (CPython style): its name, `n` lines read back one by one, then it closes or stays silent. */
function pcClient(name: string, n: number, then: 'close' | 'silent' | 'no-read'): string[] {
  return [
    'import socket, time',
    "s = socket.create_connection(('esp32', 7000))",
    `s.sendall(b'${name}\\n')`,
    ...(then === 'no-read'
      ? ["s.sendall(b'one\\n')", 'time.sleep(60)']
      : [
          `for i in range(${n}):`,
          `    s.sendall(b'${name} line %d\\n' % i)`,
          '    print(s.recv(100))',
          '    time.sleep(0.2)',
          ...(then === 'close' ? ['s.close()'] : ['print(s.recv(100))', "print('closed by server')"]),
        ]),
  ];
}

const asyncClient = [
  'import asyncio',
  'async def main():',
  "    r, w = await asyncio.open_connection('esp32', 7000)",
  "    w.write(b'c6\\n')",
  '    for i in range(2):',
  "        w.write(b'async %d\\n' % i)",
  '        await w.drain()',
  '        print(await r.readline())',
  '    w.close()',
  '    await w.wait_closed()',
  'asyncio.run(main())',
];

describe('asyncio networking on the real Simulation', () => {
  test('echo server with several concurrent clients, a timeout per client, a reset peer and an asyncio client', async () => {
    const s = new Simulation({ seed: 3 });
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', ip: '192.168.1.50', script: py(SERVER) });
    const pcs: DeviceHandle[] = [];
    const add = (id: string, src: string[], startUs: number) => {
      const d = s.addDevice({ id, board: id.startsWith('c') ? 'esp32' : 'pc', script: py(src), startUs });
      pcs.push(d);
      return d;
    };
    add('pc1', pcClient('pc1', 3, 'close'), 1_500_000);
    add('pc2', pcClient('pc2', 3, 'close'), 1_550_000);
    add('pc3', pcClient('pc3', 2, 'close'), 1_600_000);
    const pc4 = add('pc4', pcClient('pc4', 1, 'silent'), 1_650_000);
    const pc5 = add('pc5', pcClient('pc5', 0, 'no-read'), 1_700_000);
    const c6 = add('c6', asyncClient, 1_400_000); // an ESP32: boots and joins the WiFi first
    await s.run({ stopWhen: () => lines(esp).some((l) => l.startsWith('hello pc5')), forUs: 20_000_000 });
    await s.run({ untilUs: s.sim.now + 500_000 });
    pc5.interrupt(); // Ctrl-C: its OS closes a socket with unread data, so it resets the connection
    await s.run({ stopWhen: ended(esp), forUs: 30_000_000 });
    await s.close();

    const out = lines(esp);
    expect(out[0]).toBe('listening');
    expect(out.at(-1)).toBe('server closed');
    for (const n of ['pc1', 'pc2', 'pc3', 'pc4', 'pc5', 'c6']) {
      expect(out.filter((l) => l.startsWith(`hello ${n} 192.168.1.`))).toHaveLength(1);
      expect(out).toContain(`bye ${n}`);
    }
    expect(out).toContain('timeout pc4');
    expect(out).toContain('error pc5 [Errno 104] ECONNRESET');
    // The clients were served at the same time: every hello comes before the first bye.
    const lastHello = out.map((l) => l.startsWith('hello')).lastIndexOf(true);
    expect(out.findIndex((l) => l.startsWith('bye'))).toBeGreaterThan(lastHello);
    expect(lines(s.device('pc1'))).toEqual(["b'echo: pc1 line 0\\n'", "b'echo: pc1 line 1\\n'", "b'echo: pc1 line 2\\n'"]);
    expect(lines(s.device('pc3'))).toEqual(["b'echo: pc3 line 0\\n'", "b'echo: pc3 line 1\\n'"]);
    expect(lines(pc4)).toEqual(["b'echo: pc4 line 0\\n'", "b''", 'closed by server']);
    expect(lines(c6)).toEqual(["b'echo: async 0\\n'", "b'echo: async 1\\n'"]);
    // pc4's timeout: 3 s after the server answered its last line (pc4 prints that echo a few ms later)
    const t = (dev: DeviceHandle, text: string) => dev.console.lines.find((l) => l.text.startsWith(text))!.t;
    const silentFor = t(esp, 'timeout pc4') - t(pc4, "b'echo: pc4 line 0");
    expect(silentFor).toBeGreaterThanOrEqual(2_950_000);
    expect(silentFor).toBeLessThan(3_150_000);
    for (const d of pcs.filter((d) => d !== pc5)) expect(d.exitCode()).toBe(0);
  }, 60_000);

  test('open_connection to an internet echo host; a refused connection and an unknown host raise as on the board', async () => {
    const s = new Simulation({
      seed: 1,
      network: { internet: [{ name: 'echo.example', ip: '93.184.216.35', service: 'echo', port: 7, latencyUs: 30_000 }] },
    });
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py([
        'import asyncio, time',
        'async def main():',
        '    t0 = time.ticks_ms()',
        "    r, w = await asyncio.open_connection('echo.example', 7)",
        "    w.write(b'ping\\n')",
        '    await w.drain()',
        '    print(await r.readexactly(5), time.ticks_diff(time.ticks_ms(), t0) // 10)',
        "    w.write(b'abc')",
        '    await w.drain()',
        '    buf = bytearray(3)',
        '    print(await r.readinto(buf), buf)',
        '    await w.aclose()',
        '    try:',
        "        await asyncio.open_connection('no.such.host', 7)",
        '    except OSError as e:',
        "        print('unknown host', e)",
        "    r, w = await asyncio.open_connection('echo.example', 8)",
        '    try:',
        '        print(await r.read(10))',
        '    except OSError as e:',
        "        print('refused', e)",
        'asyncio.run(main())',
      ]),
    });
    await s.run({ stopWhen: ended(esp), forUs: 30_000_000 });
    await s.close();
    const out = lines(esp);
    // DNS, then SYN/SYN-ACK (the router's first ARP on the WAN too) and the echo over a 30 ms WAN: ~200 ms
    expect(out[0]).toMatch(/^b'ping\\n' (1[89]|2[0-2])$/);
    expect(out.slice(1)).toEqual(["3 bytearray(b'abc')", 'unknown host -202', 'refused [Errno 104] ECONNRESET']);
  }, 30_000);

  test('drain() waits for a slow reader: 30 kB through the ESP32 send buffer arrive whole and in order', async () => {
    const s = new Simulation({ seed: 1 });
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py([
        'import asyncio',
        'async def handle(r, w):',
        '    data = bytes(range(256)) * 120',
        '    for i in range(0, len(data), 3000):',
        '        w.write(data[i:i + 3000])',
        '        await w.drain()',
        "    print('sent', len(data), len(w.out_buf))",
        '    await w.wait_closed()',
        'async def main():',
        "    srv = await asyncio.start_server(handle, '0.0.0.0', 9000)",
        '    await asyncio.sleep(10)',
        '    srv.close()',
        '    await srv.wait_closed()',
        'asyncio.run(main())',
      ]),
    });
    const pc = s.addDevice({
      id: 'pc',
      board: 'pc',
      startUs: 2_000_000,
      script: py([
        'import socket, time',
        "s = socket.create_connection(('esp32', 9000))",
        "got = b''",
        'while True:',
        '    d = s.recv(1000)',
        '    if not d:',
        '        break',
        '    got += d',
        '    time.sleep(0.01)',
        "print(len(got), got == bytes(range(256)) * 120)",
      ]),
    });
    await s.run({ stopWhen: ended(esp, pc), forUs: 30_000_000 });
    await s.close();
    expect(lines(esp)).toEqual(['sent 30720 0']);
    expect(lines(pc)).toEqual(['30720 True']);
  }, 30_000);
});
