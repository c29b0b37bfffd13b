import { Simulation } from '../../../../devices/simulation/simulation';
import { ended, lines, py } from '../micropython-real/helpers';
import { startHttpServer, type HttpRoute } from './peers';

const ROUTES: HttpRoute[] = [
  { path: '/weather', body: { city: 'Lyon', temp: 21.5, sky: 'clear' } },
  { method: 'POST', path: '/readings', status: 201, reason: 'Created', body: { id: 7 } },
  { method: 'PUT', path: '/readings/7', body: 'replaced' },
  { method: 'PATCH', path: '/readings/7', body: 'patched' },
  { method: 'DELETE', path: '/readings/7', status: 204, reason: 'No Content', body: '' },
  { method: 'HEAD', path: '/weather', headers: { 'X-Cache': 'hit' } },
  { path: '/moved', status: 302, reason: 'Found', headers: { Location: 'http://api.example/weather' } },
];

/** An ESP32 and a PC on the LAN, an HTTP API on the internet (our test peer on an internet host). */
function lab(script: string[], latencyUs = 20_000) {
  const s = new Simulation({ seed: 1 });
  const host = s.addInternetHost({ name: 'api.example', ip: '203.0.113.7', service: 'discard', port: 9, latencyUs });
  const http = startHttpServer(s.sim, host.sockets, 80, ROUTES);
  const esp = s.addDevice({ id: 'esp32', board: 'esp32', script: py(script) });
  return { s, esp, http };
}

describe('requests / urequests on the real Simulation', () => {
  test('get(...).json() from a simulated HTTP API, the way ESP32 users write it', async () => {
    const { s, esp, http } = lab([
      'import requests',
      "r = requests.get('http://api.example/weather')",
      'data = r.json()',
      "print(r.status_code, r.reason, data['city'], data['temp'])",
      "print(r.headers['Content-Type'], r.headers['Content-Length'])",
      'r.close()',
    ]);
    await s.run({ stopWhen: ended(esp), forUs: 20_000_000 });
    await s.close();
    expect(lines(esp)).toEqual(["200 b'OK' Lyon 21.5", 'application/json 41']);
    expect(http.requests).toHaveLength(1);
    expect(http.requests[0].raw).toBe('GET /weather HTTP/1.0\r\nHost: api.example\r\nConnection: close\r\n\r\n');
  }, 30_000);

  test('post(json=), put/patch/delete(data=, headers=), head, a redirect, urequests, text/content', async () => {
    const { s, esp, http } = lab([
      'import requests, urequests',
      "r = requests.post('http://api.example/readings', json={'t': 21}, headers={'X-Key': 'abc'})",
      'print(r.status_code, r.reason, r.json())',
      "r = urequests.put('http://api.example/readings/7', data='v=1')",
      'print(r.status_code, r.text)',
      "r = requests.patch('http://api.example/readings/7', data=b'v=2')",
      'print(r.content)',
      "r = requests.delete('http://api.example/readings/7')",
      'print(r.status_code, r.reason, r.content)',
      "r = requests.head('http://api.example/weather')",
      "print(r.status_code, r.headers['X-Cache'], r.content)",
      "r = requests.request('GET', 'http://api.example/moved')",
      "print(r.status_code, r.json()['sky'])",
      "r = requests.get('http://api.example/nope')",
      'print(r.status_code, r.reason, r.text.strip())',
      "r = requests.get('http://api.example:80/weather', parse_headers=False)",
      'print(r.headers, len(r.content))',
    ]);
    await s.run({ stopWhen: ended(esp), forUs: 20_000_000 });
    await s.close();
    expect(lines(esp)).toEqual([
      "201 b'Created' {'id': 7}",
      '200 replaced',
      "b'patched'",
      "204 b'No Content' b''",
      "200 hit b''",
      '200 clear',
      "404 b'Not Found' 404 Not Found",
      '{} 41',
    ]);
    const post = http.requests[0];
    expect(post.raw).toBe(
      'POST /readings HTTP/1.0\r\nHost: api.example\r\nX-Key: abc\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{"t": 21}',
    );
    expect(http.requests.map((r) => `${r.method} ${r.path} ${r.body}`)).toEqual([
      'POST /readings {"t": 21}',
      'PUT /readings/7 v=1',
      'PATCH /readings/7 v=2',
      'DELETE /readings/7 ',
      'HEAD /weather ',
      'GET /moved ',
      'GET /weather ',
      'GET /nope ',
      'GET /weather ',
    ]);
  }, 30_000);

  test('https:// says TLS is not simulated; an unknown host, a refused port and timeout= raise OSError as on the board', async () => {
    const s = new Simulation({ seed: 1 });
    // A host that accepts but never answers (the discard service), for timeout=.
    s.addInternetHost({ name: 'slow.example', ip: '203.0.113.9', service: 'discard', port: 80 });
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py([
        'import requests, time',
        'for url in ("https://api.example/", "ftp://x/", "http://no.such.host/", "http://slow.example:81/"):',
        '    try:',
        '        requests.get(url)',
        '    except Exception as e:',
        '        print(type(e).__name__, e)',
        't0 = time.ticks_ms()',
        'try:',
        "    requests.get('http://slow.example/', timeout=2)",
        'except OSError as e:',
        '    print(e, time.ticks_diff(time.ticks_ms(), t0) // 100)',
      ]),
    });
    await s.run({ stopWhen: ended(esp), forUs: 30_000_000 });
    await s.close();
    expect(lines(esp)).toEqual([
      'NotImplementedError TLS is not simulated in esp32sim: https:// URLs cannot be fetched (use http://)',
      'ValueError Unsupported protocol: ftp:',
      'OSError -202',
      'OSError [Errno 104] ECONNRESET',
      '[Errno 116] ETIMEDOUT 21',
    ]);
  }, 30_000);

  test('on the PC personality too: requests.get().json() with CPython-style errors', async () => {
    const s = new Simulation({ seed: 1 });
    const host = s.addInternetHost({ name: 'api.example', ip: '203.0.113.7', service: 'discard', port: 9 });
    startHttpServer(s.sim, host.sockets, 80, ROUTES);
    const pc = s.addDevice({
      id: 'pc',
      board: 'pc',
      script: py([
        'import requests',
        "print(requests.get('http://api.example/weather').json()['sky'])",
        'try:',
        "    requests.get('http://api.example:81/')",
        'except OSError as e:',
        '    print(type(e).__name__, e)',
      ]),
    });
    await s.run({ stopWhen: ended(pc), forUs: 20_000_000 });
    await s.close();
    expect(lines(pc)).toEqual(['clear', 'ConnectionRefusedError [Errno 111] Connection refused']);
  }, 30_000);
});
