/**
 * --forward: real clients on this machine (curl, CPython's socket) reach MicroPython servers on
 * the simulated ESP32 through 127.0.0.1; each host connection is a real TCP connection from the
 * host gateway on the router's WAN side, and the session's trace replays identically.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LABS } from '../paths';
import { freePort, need, replay, Session } from './helpers/session';

jest.setTimeout(240_000);
const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-fwd-'));
const sessions: Session[] = [];
afterAll(() => {
  for (const s of sessions) s.kill();
  rmSync(dir, { recursive: true, force: true });
});

function curl(url: string): { status: number | null; body: string } {
  const r = spawnSync('curl', ['-s', '-S', '--max-time', '30', url], { encoding: 'utf8', timeout: 40_000 });
  return { status: r.status, body: r.stdout + r.stderr };
}

function python(code: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('curl fetches the web-led page and switches the LED through --forward', async () => {
  need('curl', 'curl');
  const port = await freePort();
  const trace = path.join(dir, 'web.jsonl');
  const s = new Session(['run', path.join(LABS, 'web-led'), '--forward', `${port}:esp32:80`, '--trace', trace]);
  sessions.push(s);
  await s.waitFor('web server on');
  const page = curl(`http://127.0.0.1:${port}/`);
  expect(page).toEqual({ status: 0, body: expect.stringContaining('The LED is <strong>off</strong>') });
  expect(curl(`http://127.0.0.1:${port}/on`).body).toContain('The LED is <strong>on</strong>');
  expect(curl(`http://127.0.0.1:${port}/nothing-here`).body).toMatch(/404|Not Found/i);
  expect(await s.stop()).toBe(0);
  expect(s.out).toMatch(/forwarding 127\.0\.0\.1:\d+ → esp32:80/);
  const r = replay(trace);
  expect(r.out).toMatch(/✔ identical/);
  expect(r.status).toBe(0);
});

const ECHO_CLIENT = `
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)
for msg in [b'hello', b'ESP32', b'socket programming is fun']:
    s.sendall(msg)
    got = b''
    while len(got) < len(msg):
        got += s.recv(1024)
    print(got.decode())
s.close()
`;

test("CPython does the tutorial's echo exchange with the ESP32 through --forward, and a UDP forward echoes datagrams", async () => {
  const tcp = await freePort();
  const udp = await freePort();
  const trace = path.join(dir, 'echo.jsonl');
  const s = new Session(['run', path.join(LABS, 'echo', 'esp32_tcp_server.py'), '--forward', `${tcp}:esp32:10000`, '--trace', trace]);
  sessions.push(s);
  await s.waitFor('accepting.....');
  const r = python(ECHO_CLIENT, String(tcp));
  expect(r).toEqual({ status: 0, out: 'hello\nESP32\nsocket programming is fun\n' });
  await s.waitFor('close socket'); // our FIN reached the ESP32 as recv() == b''
  expect(s.out).toMatch(/esp32 │ \('100\.127\.255\.254', \d+\) connected/);
  // A client that resets its connection (SO_LINGER 0): the ESP32's recv() raises ECONNRESET and the
  // tutorial's bare except ends the server, as on real hardware.
  const rst = python(
    "import socket,struct,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])),timeout=20)\ns.sendall(b'bye')\nprint(s.recv(16).decode())\ns.setsockopt(socket.SOL_SOCKET,socket.SO_LINGER,struct.pack('ii',1,0))\ns.close()",
    String(tcp),
  );
  expect(rst).toEqual({ status: 0, out: 'bye\n' });
  await s.waitFor('script ended (exit 0)');
  expect(await s.stop()).toBe(0);
  expect(replay(trace).out).toMatch(/✔ identical/);

  const u = new Session(['run', path.join(LABS, 'udp-echo'), '--forward', `udp:${udp}:esp32:10001`]);
  sessions.push(u);
  await u.waitFor('udp echo on port 10001');
  const d = python(
    "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.settimeout(20)\ns.sendto(b'ping over udp',('127.0.0.1',int(sys.argv[1])))\nprint(s.recvfrom(2048)[0].decode())",
    String(udp),
  );
  expect(d).toEqual({ status: 0, out: 'ping over udp\n' });
  expect(await u.stop()).toBe(0);
});

test('guard rails: a busy port, a privileged port and an unknown device exit 2 before the simulation starts', async () => {
  const busy = await freePort();
  const blocker = new Session(['run', path.join(LABS, 'echo', 'esp32_tcp_server.py'), '--forward', `${busy}:esp32:10000`]);
  sessions.push(blocker);
  await blocker.waitFor('forwarding');
  const again = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scenarios', 'cli', 'bin.js'), 'run', path.join(LABS, 'echo'), '--forward', `${busy}:esp32:10000`], { encoding: 'utf8', timeout: 60_000 });
  expect(again.status).toBe(2);
  expect(again.stderr).toMatch(new RegExp(`port ${busy} on 127\\.0\\.0\\.1 is busy`));
  await blocker.stop();
  const bin = path.join(__dirname, '..', '..', 'scenarios', 'cli', 'bin.js');
  const bad = (args: string[]) => spawnSync(process.execPath, [bin, 'run', path.join(LABS, 'echo'), ...args], { encoding: 'utf8', timeout: 60_000 });
  const nodev = bad(['--forward', '8080:kettle:80']);
  expect(nodev.status).toBe(2);
  expect(nodev.stderr).toMatch(/no device "kettle"/);
  const far = bad(['--expose', 'broker.local=192.168.1.5:1883']);
  expect(far.status).toBe(2);
  expect(far.stderr).toMatch(/only services on this machine's loopback/);
  const badTap = bad(['--tap', 'no such name!']);
  expect(badTap.status).toBe(2);
  expect(badTap.stderr).toMatch(/a Linux interface name is 1 to 15 letters/);
  // Without socat on PATH the TAP bridge has no helper: said before anything starts.
  const noHelper = spawnSync(process.execPath, [bin, 'run', path.join(LABS, 'echo'), '--tap', 'e32none'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, PATH: '/nonexistent' } });
  expect(noHelper.status).toBe(2);
  expect(noHelper.stderr).toMatch(/needs socat|needs Linux|\/dev\/net\/tun is missing/);
  if (process.getuid?.() !== 0) {
    const priv = bad(['--forward', '80:esp32:80']);
    expect(priv.status).toBe(2);
    expect(priv.stderr).toMatch(/privileged/);
  }
});
