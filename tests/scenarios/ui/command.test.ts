/**
 * `esp32sim ui` as a command, without a browser: the URL it prints serves the
 * page from the package (loopback only), the WebSocket speaks the protocol, and
 * bad input is a clear line with exit 2 (an unknown lab, a busy port), while a
 * scenario with errors is printed and shown to the page.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { main } from '../../../scenarios/cli/main';
import type { Io } from '../../../scenarios/cli/io';
import { startUi } from '../../../scenarios/cli/ui';
import type { ServerMsg } from '../../../scenarios/ui/protocol';
import type { UiServer } from '../../../scenarios/ui/server';

const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-ui-'));
// A stand-in for the bundled page: the server only serves files (the browser test bundles the real one).
const assets = path.join(dir, 'page');
mkdirSync(assets);
for (const f of ['index.html', 'app.js', 'app.css']) writeFileSync(path.join(assets, f), `/* ${f} */`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const x: Io = { out: (l) => out.push(l), err: (l) => err.push(l), color: false };
  return { io: x, out, err };
}

/** The first message of a new WebSocket connection. */
function firstMessage(url: string): Promise<ServerMsg> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace('http', 'ws') + 'ws');
    ws.on('message', (d) => {
      resolve(JSON.parse(String(d)) as ServerMsg);
      ws.close();
    });
    ws.on('error', reject);
  });
}

test('it prints a loopback URL that serves the page and the protocol', async () => {
  const t = io();
  const srv = (await startUi('echo', {}, t.io, assets)) as UiServer;
  try {
    expect(t.out.join('\n')).toMatch(/open http:\/\/127\.0\.0\.1:\d+\/ in a browser/);
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(srv.url);
    expect([page.status, await page.text()]).toEqual([200, '/* index.html */']);
    expect((await fetch(srv.url + '../../etc/passwd')).status).toBe(404);
    // Another site's page (a DNS-rebound name, a cross-site WebSocket) is refused.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => request(srv.url, { headers: { host: 'evil.example:80' } }, (r) => resolve(r.statusCode ?? 0)).end());
    expect(status).toBe(403);
    await expect(new Promise((resolve, reject) => {
      const ws = new WebSocket(srv.url.replace('http', 'ws') + 'ws', { origin: 'http://evil.example' });
      ws.on('open', () => resolve('open'));
      ws.on('error', reject);
    })).rejects.toThrow();
    const m = await firstMessage(srv.url);
    expect(m).toMatchObject({ type: 'view', reset: true, lab: { name: 'TCP echo (tutorial)' } });
    // The trace and the report wait for the end of the run; the capture is there at once.
    expect((await fetch(srv.url + 'download/junit.xml')).status).toBe(409);
    expect((await fetch(srv.url + 'download/capture.pcap')).status).toBe(200);
  } finally {
    await srv.close();
  }
}, 60_000);

test('an unknown lab is exit 2 with one clear line', async () => {
  const t = io();
  expect(await main(['ui', 'no-such-lab'], t.io)).toBe(2);
  expect(t.err.join('\n')).toMatch(/no-such-lab: no such file or folder \(no bundled lab of that name either: esp32sim list shows them\)/);
});

test('a busy port is exit 2 with one clear line', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const t = io();
    expect(await startUi('echo', { port: String(port) }, t.io, assets)).toBe(2);
    expect(t.err).toEqual([`esp32sim ui: port ${port} on 127.0.0.1 is already in use (another esp32sim ui?): pick another with --port, or leave --port out for a free one`]);
  } finally {
    blocker.close();
  }
});

test('a scenario with errors is printed with file:line and shown to the page', async () => {
  const lab = path.join(dir, 'broken');
  mkdirSync(lab);
  writeFileSync(path.join(lab, 'scenario.yaml'), 'name: broken\ndevices:\n  esp32: { board: esp32, script: missing.py }\n');
  const t = io();
  const srv = (await startUi(lab, {}, t.io, assets)) as UiServer;
  try {
    expect(t.err.join('\n')).toMatch(/broken\/scenario\.yaml:3: .*missing\.py/);
    const m = await firstMessage(srv.url);
    expect(m.type).toBe('labs');
    if (m.type === 'labs') expect(m.problems?.join('\n')).toMatch(/scenario\.yaml:3: .*missing\.py/);
  } finally {
    await srv.close();
  }
});

test('esp32sim ui --help teaches', async () => {
  const t = io();
  expect(await main(['ui', '--help'], t.io)).toBe(0);
  expect(t.out.join('\n')).toMatch(/127\.0\.0\.1[\s\S]*time slider[\s\S]*Exit codes: 0 stopped with Ctrl-C; 2 unknown lab/);
});
