/**
 * The configurable HTTP/1.1 server (RFC 9112) against raw requests from a
 * PC's socket layer: Content-Length and chunked bodies both ways, persistent
 * connections and pipelining, Connection: close, HTTP/1.0, HEAD, 404/405 with
 * Allow, a delay in virtual time, malformed requests, the request log.
 */
import type { PcBoard } from '../../../devices/pc/board';
import { Simulation } from '../../../devices/simulation/simulation';
import { AF_INET, SOCK_STREAM } from '../../../stack/socket/api';
import type { HttpRoute } from '../../../devices/internet/spec';
import { RequestReader } from '../../../devices/internet/http/request';

const ROUTES: HttpRoute[] = [
  { path: '/api/weather', contentType: 'application/json', body: '{"city":"Oslo","temp":-3.5}' },
  { path: '/slow', body: 'finally', delayUs: 1_500_000 },
  { path: '/big', body: 'x'.repeat(1300), chunked: true },
  { method: 'POST', path: '/api/readings', status: 201, body: 'stored', headers: { Location: '/api/readings/1' } },
  { path: '/static/*', body: 'any file' },
];

async function lab() {
  const s = new Simulation({ seed: 1, network: { internet: [{ name: 'api.example', ip: '93.184.216.40', service: 'http', routes: ROUTES, latencyUs: 10_000 }] } });
  const pc = s.addDevice({ id: 'pc', board: 'pc' });
  await s.run({ stopWhen: () => pc.ip() !== '0.0.0.0', forUs: 5_000_000 });
  return { s, api: (pc.board as PcBoard).sockets, server: s.service('api.example') };
}

/** Sends `req` on one connection and collects everything until the server closes (or `forUs`). */
async function exchange(s: Simulation, api: PcBoard['sockets'], req: string | string[], forUs = 3_000_000) {
  const fd = (api.socket(AF_INET, SOCK_STREAM, 0) as { value: number }).value;
  let text = '';
  let closedAt: number | undefined;
  api.connect(fd, { ip: '93.184.216.40', port: 80 }, () => {
    for (const r of Array.isArray(req) ? req : [req]) api.sendall(fd, new Uint8Array(Buffer.from(r, 'latin1')), () => {});
    const read = () =>
      api.recv(fd, 4096, 0, (r) => {
        if (!r.ok || r.value.length === 0) return void (closedAt = s.sim.now);
        text += Buffer.from(r.value).toString('latin1');
        read();
      });
    read();
  });
  const t0 = s.sim.now;
  await s.run({ stopWhen: () => closedAt !== undefined, forUs });
  return { text, closedAfter: closedAt === undefined ? undefined : closedAt - t0 };
}

describe('HTTP/1.1 server with routes', () => {
  test('keep-alive: two pipelined requests answered in order on one connection, closed after 5 s idle', async () => {
    const { s, api, server } = await lab();
    const r = await exchange(s, api, 'GET /api/weather?city=Oslo HTTP/1.1\r\nHost: api.example\r\n\r\nHEAD /api/weather HTTP/1.1\r\nHost: api.example\r\n\r\n', 10_000_000);
    const parts = r.text.split('HTTP/1.1 ');
    expect(parts.length).toBe(3);
    expect(parts[1]).toMatch(/^200 OK\r\nDate: Thu, 01 Jan 2026 00:00:0\d GMT\r\nServer: esp32sim\r\nContent-Type: application\/json\r\nContent-Length: 27\r\n\r\n\{"city":"Oslo","temp":-3.5\}$/);
    expect(parts[2]).toMatch(/Content-Length: 27\r\n\r\n$/); // HEAD: the headers of GET, no body
    expect(r.closedAfter! / 1e6).toBeGreaterThan(5);
    expect(r.closedAfter! / 1e6).toBeLessThan(5.2);
    expect(server.http!.requests.map((q) => [q.method, q.target, q.path, q.status, q.bytes])).toEqual([
      ['GET', '/api/weather?city=Oslo', '/api/weather', 200, 27],
      ['HEAD', '/api/weather', '/api/weather', 200, 0],
    ]);
    expect(server.log.lines.map((l) => l.text)[1]).toMatch(/^192\.168\.1\.\d+:\d+ "GET \/api\/weather\?city=Oslo HTTP\/1\.1" 200 27$/);
    await s.close();
  });

  test('Connection: close and HTTP/1.0 close after the answer; HTTP/1.0 keep-alive stays open', async () => {
    const { s, api } = await lab();
    const a = await exchange(s, api, 'GET /api/weather HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(a.text).toContain('Connection: close\r\n');
    expect(a.closedAfter! / 1e6).toBeLessThan(0.2);
    const b = await exchange(s, api, 'GET /api/weather HTTP/1.0\r\n\r\n');
    expect(b.text).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: close\r\n/);
    const c = await exchange(s, api, 'GET /api/weather HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', 1_000_000);
    expect(c.text).toContain('Connection: keep-alive\r\n');
    expect(c.closedAfter).toBeUndefined();
    await s.close();
  });

  test('404 for an unknown path, 405 with Allow for another method, OPTIONS, a prefix route, POST with a chunked body', async () => {
    const { s, api, server } = await lab();
    const r = await exchange(s, api, [
      'GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n',
      'DELETE /api/weather HTTP/1.1\r\nHost: x\r\n\r\n',
      'OPTIONS /api/weather HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /static/logo.png HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /api/readings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4;ext=1\r\n{"t"\r\n6\r\n:21.5}\r\n0\r\nX-Trailer: y\r\n\r\n',
    ]);
    const statuses = [...r.text.matchAll(/HTTP\/1\.1 (\d+ [^\r]+)\r\n/g)].map((m) => m[1]);
    expect(statuses).toEqual(['404 Not Found', '405 Method Not Allowed', '204 No Content', '200 OK', '201 Created']);
    expect(r.text).toContain('Allow: GET, HEAD\r\n');
    expect(r.text).toContain('Allow: GET, HEAD, OPTIONS\r\n');
    expect(r.text).toContain('Location: /api/readings/1\r\n');
    expect(server.http!.requests.at(-1)).toMatchObject({ method: 'POST', body: '{"t":21.5}', status: 201 });
    await s.close();
  });

  test('a chunked response in 512-byte chunks, and a delay in virtual time', async () => {
    const { s, api } = await lab();
    const r = await exchange(s, api, 'GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const [head, body] = r.text.split('\r\n\r\n', 2).length === 2 ? [r.text.slice(0, r.text.indexOf('\r\n\r\n')), r.text.slice(r.text.indexOf('\r\n\r\n') + 4)] : ['', ''];
    expect(head).toContain('Transfer-Encoding: chunked');
    expect(head).not.toContain('Content-Length');
    expect(body).toBe(`200\r\n${'x'.repeat(512)}\r\n200\r\n${'x'.repeat(512)}\r\n114\r\n${'x'.repeat(276)}\r\n0\r\n\r\n`);
    const t0 = s.sim.now;
    const slow = await exchange(s, api, 'GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(slow.text).toMatch(/finally$/);
    expect((s.sim.now - t0) / 1e6).toBeGreaterThan(1.5);
    await s.close();
  });

  test('malformed requests: 400 (no Host, bad request line), 505, 501, and the connection closes', async () => {
    const { s, api } = await lab();
    const cases: [string, string][] = [
      ['GET /api/weather HTTP/1.1\r\n\r\n', '400 Bad Request'],
      ['GARBAGE\r\n\r\n', '400 Bad Request'],
      ['GET / HTTP/2.0\r\n\r\n', '505 HTTP Version Not Supported'],
      ['POST /api/readings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', '501 Not Implemented'],
    ];
    for (const [req, status] of cases) {
      const r = await exchange(s, api, req);
      expect(r.text.split('\r\n')[0]).toBe(`HTTP/1.1 ${status}`);
      expect(r.closedAfter).toBeDefined();
    }
    await s.close();
  });

  test('PCs use it too: Python requests (GET json, POST) and a TypeScript script on one keep-alive connection', async () => {
    const { s, server } = await lab();
    const py = s.addDevice({
      id: 'pcpy',
      board: 'pc',
      script: {
        filename: 'client.py',
        language: 'micropython',
        source: [
          'import requests',
          "r = requests.get('http://api.example/api/weather')",
          "print(r.status_code, r.json()['temp'])",
          "r = requests.post('http://api.example/api/readings', json={'t': 1})",
          "print(r.status_code, r.text, r.headers.get('Location'))",
        ].join('\n'),
      },
    });
    const ts = s.addDevice({ id: 'pcts', board: 'pc', script: { filename: 'http-get.ts', language: 'typescript', source: '', modulePath: require('node:path').join(__dirname, 'fixtures', 'http-get.ts') } });
    const done = () => [py, ts].every((h) => ['exited', 'crashed'].includes(h.scriptState()));
    await s.run({ stopWhen: done, forUs: 20_000_000 });
    await s.close();
    expect(py.console.lines.map((l) => l.text)).toEqual(['200 -3.5', '201 stored /api/readings/1']);
    expect(ts.console.lines.map((l) => l.text)).toEqual(['HTTP/1.1 200 OK keep-alive {"city":"Oslo","temp":-3.5}', 'HTTP/1.1 200 OK close {"city":"Oslo","temp":-3.5}']);
    const seen = server.http!.requests.map((r) => `${r.method} ${r.path} ${r.version} ${r.status}`).sort();
    expect(seen).toEqual(['GET /api/weather HTTP/1.0 200', 'GET /api/weather HTTP/1.1 200', 'GET /api/weather HTTP/1.1 200', 'POST /api/readings HTTP/1.0 201']);
  });

  test('the request reader never throws on random bytes', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let i = 0; i < 300; i++) {
      const r = new RequestReader();
      const junk = new Uint8Array(1 + (rnd() % 200)).map(() => (rnd() % 3 === 0 ? 10 : rnd()));
      r.push(new Uint8Array(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n')));
      r.push(junk);
      expect(() => {
        for (let k = 0; k < 5 && r.next() !== undefined; k++);
      }).not.toThrow();
    }
  });
});
