/**
 * --tap: the simulated lab WiFi bridged to a Linux TAP device (socat) in a network namespace
 * this test creates. Linux's own curl fetches a page from the MicroPython server on the
 * simulated ESP32, and a 10 MB upload from Linux arrives byte-exact (SHA-256 on both ends):
 * our lwIP-like TCP against Linux's TCP, cleanly and under `tc netem` 5% loss and delay on
 * the TAP.
 *
 * Needs root (network namespaces, TAP devices), socat, iproute2 and the kernel's netem
 * qdisc: .ci/run runs as root and installs the packages. A missing prerequisite fails the test
 * with what is missing; it never skips.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BIN, need, Session } from './helpers/session';

jest.setTimeout(900_000);
const FIXTURE = path.join(__dirname, 'fixtures', 'tap');
const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-tap-'));
const namespaces: string[] = [];
const sessions: Session[] = [];
afterAll(async () => {
  for (const s of sessions) await s.stop(10_000);
  for (const ns of namespaces) spawnSync('ip', ['netns', 'del', ns]);
  rmSync(dir, { recursive: true, force: true });
});

function sh(args: string[], timeout = 60_000): { status: number | null; out: string } {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout, maxBuffer: 16 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function prerequisites(): void {
  if (process.getuid?.() !== 0) throw new Error('the TAP tests need root (network namespaces and TAP devices): run them as root, as .ci/run does');
  need('ip', 'iproute2');
  need('tc', 'iproute2');
  need('socat', 'socat');
  need('curl', 'curl');
}

/** A fresh namespace with its loopback up; esp32sim runs inside it, so socat's loopback is its own. */
function namespace(tag: string): string {
  const ns = `esp32sim-${tag}-${process.pid}`;
  spawnSync('ip', ['netns', 'del', ns]);
  const r = sh(['ip', 'netns', 'add', ns]);
  if (r.status !== 0) throw new Error(`cannot create network namespace ${ns}: ${r.out}`);
  namespaces.push(ns);
  sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  return ns;
}

const UPLOAD = `
import socket, sys
data = open(sys.argv[1], 'rb').read()
s = socket.create_connection(('192.168.1.231', 9000), timeout=120)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
got = b''
while not got.endswith(b'\\n'):
    d = s.recv(128)
    if not d:
        break
    got += d
print(got.decode().strip())
`;

async function tapSession(tag: string, extra: string[], netem?: string): Promise<void> {
  prerequisites();
  const ns = namespace(tag);
  const tap = `e32${tag}`.slice(0, 15);
  const s = new Session(['netns', 'exec', ns, process.execPath, BIN, 'run', FIXTURE, '--tap', tap, ...extra], { cmd: ['ip'] });
  sessions.push(s);
  await s.waitFor(`TAP ${tap} bridged`);
  await s.waitFor('serving on port 80 and 9000');
  const inNs = (args: string[], timeout?: number) => sh(['ip', 'netns', 'exec', ns, ...args], timeout);
  expect(inNs(['ip', 'addr', 'add', '192.168.1.50/24', 'dev', tap])).toEqual({ status: 0, out: '' });
  if (netem) {
    const q = inNs(['tc', 'qdisc', 'add', 'dev', tap, 'root', 'netem', ...netem.split(' ')]);
    if (q.status !== 0) throw new Error(`tc netem on ${tap} failed (the kernel needs the sch_netem module): ${q.out}`);
  }
  const page = inNs(['curl', '-s', '-S', '--max-time', '60', 'http://192.168.1.231/'], 90_000);
  expect(page).toEqual({ status: 0, out: 'hello from the simulated ESP32\n' });
  await s.waitFor("GET from 192.168.1.50 b'GET / HTTP/1.1'");
  const file = path.join(dir, `upload-${tag}.bin`);
  const data = randomBytes(10 * 1024 * 1024);
  writeFileSync(file, data);
  const sha = createHash('sha256').update(data).digest('hex');
  const up = inNs(['python3', '-c', UPLOAD, file], 800_000);
  expect(up).toEqual({ status: 0, out: `${sha}\n` });
  await s.waitFor(`upload of 10485760 bytes, sha256 ${sha}`);
  expect(await s.stop()).toBe(0);
}

test('Linux curl and a 10 MB upload through a TAP', async () => {
  await tapSession('clean', []);
});

test('Linux curl and a 10 MB upload through a TAP under tc netem 5% loss and 10 ms delay', async () => {
  await tapSession('netem', [], 'loss 5% delay 10ms');
});
