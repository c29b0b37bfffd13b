import { Simulation } from '../../devices/simulation/simulation';
import type { PcBoard } from '../../devices/pc/board';
import { AF_INET, SOCK_STREAM, type SocketApi } from '../../stack/socket/api';
import { CLEAR_HOME } from '../../devices/internet/starwars';

/** Connects from a PC's socket layer and reads everything until EOF. */
function fetchAll(api: SocketApi, ip: string, port: number, request: string | undefined, done: (text: string, err?: number) => void): void {
  const s = api.socket(AF_INET, SOCK_STREAM, 0);
  if (!s.ok) return done('', s.errno);
  const fd = s.value;
  let text = '';
  api.connect(fd, { ip, port }, (c) => {
    if (!c.ok) return done('', c.errno);
    const read = () =>
      api.recv(fd, 4096, 0, (r) => {
        if (!r.ok) return done(text, r.errno);
        if (r.value.length === 0) {
          api.close(fd);
          return done(text);
        }
        text += Buffer.from(r.value).toString('latin1');
        read();
      });
    if (request) api.sendall(fd, new Uint8Array(Buffer.from(request)), () => read());
    else read();
  });
}

function lab() {
  const s = new Simulation({
    seed: 4,
    network: {
      internet: [
        { name: 'towel.example', ip: '94.142.241.111', service: 'starwars', port: 23, latencyUs: 40_000 },
        { name: 'web.example', ip: '93.184.216.34', service: 'http', port: 80 },
        { name: 'echo.example', ip: '93.184.216.35', service: 'echo', port: 7 },
        { name: 'time.example', ip: '93.184.216.36', service: 'daytime', port: 13 },
      ],
    },
  });
  const pc = s.addDevice({ id: 'pc', board: 'pc' });
  return { s, pc, board: pc.board as PcBoard };
}

describe('simulated internet behind the router', () => {
  test('PC on the LAN connecting to the telnet movie host receives the animation, then the server closes', async () => {
    const { s, pc, board } = lab();
    await s.run({ stopWhen: () => pc.ip() !== '0.0.0.0', forUs: 10_000_000 });
    let result: { text: string; err?: number } | undefined;
    let ip: string | undefined;
    board.resolve('towel.example', (a) => (ip = a));
    await s.run({ stopWhen: () => ip !== undefined, forUs: 5_000_000 });
    expect(ip).toBe('94.142.241.111');
    const t0 = s.sim.now;
    fetchAll(board.sockets, ip!, 23, undefined, (text, err) => (result = { text, err }));
    await s.run({ stopWhen: () => result !== undefined, forUs: 60_000_000 });
    expect(result?.err).toBeUndefined();
    const frames = result!.text.split(CLEAR_HOME).length - 1;
    expect(frames).toBe(100);
    expect(result!.text).toContain('E S P 3 2   W A R S');
    expect(result!.text).toContain('Goodbye!');
    // 100 frames at 12 fps: a little over 8 s of virtual time
    expect(s.sim.now - t0).toBeGreaterThan(8_000_000);
    expect(s.sim.now - t0).toBeLessThan(12_000_000);
    expect(s.router.counters()['ipv4.forwarded']).toBeGreaterThan(100);
    await s.close();
  });

  test('http, echo and daytime hosts answer through the router', async () => {
    const { s, pc, board } = lab();
    await s.run({ stopWhen: () => pc.ip() !== '0.0.0.0', forUs: 10_000_000 });
    const got: Record<string, string> = {};
    fetchAll(board.sockets, '93.184.216.34', 80, 'GET / HTTP/1.0\r\n\r\n', (t) => (got.http = t));
    fetchAll(board.sockets, '93.184.216.36', 13, undefined, (t) => (got.daytime = t));
    await s.run({ stopWhen: () => got.http !== undefined && got.daytime !== undefined, forUs: 10_000_000 });
    expect(got.http).toMatch(/^HTTP\/1\.1 200 OK\r\n/); // a 1.1 server answers a 1.0 request with its own version (RFC 9110 section 6.2)
    expect(got.http).toContain('Connection: close\r\n');
    expect(got.http).toContain('Hello from the simulated internet');
    expect(got.daytime).toMatch(/^Thursday, January 1, 2026 00:00:\d\d-UTC\r\n$/);
    const api = board.sockets;
    const fd = api.socket(AF_INET, SOCK_STREAM, 0);
    let echoed = '';
    if (fd.ok)
      api.connect(fd.value, { ip: '93.184.216.35', port: 7 }, () =>
        api.sendall(fd.value, new Uint8Array(Buffer.from('ping?')), () => api.recv(fd.value, 100, 0, (r) => r.ok && (echoed = Buffer.from(r.value).toString()))),
      );
    await s.run({ stopWhen: () => echoed !== '', forUs: 5_000_000 });
    expect(echoed).toBe('ping?');
    await s.close();
  });
});
