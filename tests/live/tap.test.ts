/**
 * --tap: the simulated lab WiFi bridged to a Linux TAP device (socat) in a network namespace
 * this test creates. Linux's own curl fetches a page from the MicroPython server on the
 * simulated ESP32, and a 10 MB upload from Linux arrives byte-exact (SHA-256 on both ends):
 * our lwIP-like TCP against Linux's TCP, cleanly and over a bad link: 5% of Linux's frames to
 * the ESP32 lost and 10 ms of delay.
 *
 * The bad link: with the kernel's netem qdisc, `tc netem loss 5% delay 10ms` on the TAP (as the
 * README shows). Kernels without sch_netem (this CI's) cannot delay, so there Linux sits in a
 * second namespace behind a veth and a bridge, nftables drops 5% of its frames on the bridge (on
 * the wire: Linux's TCP is not told, as with netem) and the ESP32's own WiFi link in the scenario
 * carries the delay: 5 ms each way, the 10 ms netem adds to the round trip. Never skipped.
 *
 * Linux's sender is pinned so the upload's time does not depend on the host: cubic (a namespace
 * inherits the host's default congestion control; bbr's pacing fell to about 75 kB/s against the
 * ESP32's 4-segment window in one run here), one segment per frame (the bridge would drop a GSO
 * super-packet of two or three segments at once), and tcp_max_reordering 3. The last one because
 * the ESP32, like lwIP, sends no SACK: after a retransmission timeout Linux resends everything
 * outstanding, our receiver ACKs each copy it already holds (as lwIP's tcp_receive does), Linux
 * counts those ACKs as duplicates beyond what it had in flight, takes that for reordering and
 * raises its duplicate-ACK threshold to 4, which a 4-segment window never reaches: from then on
 * every loss waits for a timeout (measured: twice as many timeouts, the upload 1.5x slower).
 *
 * Bounded: the upload has UPLOAD_LIMIT_MS in all (it takes 65-85 s here) and fails after STALL_S
 * without progress (a stall), saying how far it got; the namespaces go in afterAll whatever happened.
 *
 * Needs root (network namespaces, TAP devices), socat, iproute2, nftables (without netem):
 * .ci/run runs as root and installs the packages. A missing prerequisite fails the test with what
 * is missing; it never skips.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BIN, need, Session } from './helpers/session';

// A safety net only: each step has its own deadline (the upload UPLOAD_LIMIT_MS) and says what failed.
jest.setTimeout(180_000);
const FIXTURE = path.join(__dirname, 'fixtures', 'tap');
const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-tap-'));
const namespaces: string[] = [];
const sessions: Session[] = [];
afterAll(async () => {
  for (const s of sessions) await s.stop(10_000);
  for (const ns of namespaces) {
    // Whatever still runs in our namespace (a run killed before it could stop its socat) goes with it.
    const pids = sh(['ip', 'netns', 'pids', ns]).out.split(/\s+/).filter((p) => /^\d+$/.test(p));
    for (const pid of pids) spawnSync('kill', ['-9', pid]);
    spawnSync('ip', ['netns', 'del', ns]);
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A command with its own deadline (killed then: status null), its stdout and stderr apart. */
function run(args: string[], timeout = 60_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout, maxBuffer: 16 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function sh(args: string[], timeout = 60_000): { status: number | null; out: string } {
  const r = run(args, timeout);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
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

/** How long the upload may take in all, and without any progress (then it is a stall). */
const UPLOAD_LIMIT_MS = 110_000;
const STALL_S = 30;

// Not sendall() with a timeout: since Python 3.5 that bounds the whole transfer, so a slow upload
// reads as a stall. Each send() here waits at most STALL_S for room (that is, for ACKs).
const UPLOAD = `
import socket, sys, time
data = memoryview(open(sys.argv[1], 'rb').read())
s = socket.socket()
try:
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b'cubic')
except OSError as e:
    sys.exit('cannot choose the cubic congestion control: %s' % e)
s.settimeout(${STALL_S})
start = time.monotonic()
off = 0
try:
    s.connect(('192.168.1.231', 9000))
    while off < len(data):
        off += s.send(data[off:off + 65536])
    s.shutdown(socket.SHUT_WR)
    got = b''
    while not got.endswith(b'\\n'):
        d = s.recv(128)
        if not d:
            break
        got += d
except socket.timeout:
    sys.exit('stalled: no progress for ${STALL_S} s, %d of %d bytes handed to TCP, %.1f s into the upload' % (off, len(data), time.monotonic() - start))
print(got.decode().strip())
print('upload took %.1f s' % (time.monotonic() - start), file=sys.stderr)
`;

/** Can this kernel run netem? Tried on a dummy interface in a namespace of our own. */
function kernelHasNetem(): boolean {
  const ns = namespace('probe');
  sh(['ip', 'netns', 'exec', ns, 'ip', 'link', 'add', 'probe0', 'type', 'dummy']);
  return sh(['ip', 'netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'probe0', 'root', 'netem', 'delay', '1ms']).status === 0;
}

/**
 * The fixture with 5 ms latency on the ESP32's WiFi link. A link's latency delays each direction,
 * so the round trip gains the 10 ms that netem's delay on Linux's frames would have added.
 */
function delayedFixture(): string {
  const out = path.join(dir, 'tap-delay');
  mkdirSync(out, { recursive: true });
  copyFileSync(path.join(FIXTURE, 'server.py'), path.join(out, 'server.py'));
  const yaml = readFileSync(path.join(FIXTURE, 'scenario.yaml'), 'utf8');
  writeFileSync(path.join(out, 'scenario.yaml'), `${yaml.trimEnd()}\n    link:\n      latency: 5ms\n`);
  return out;
}

type BadLink = 'netem' | 'nftables';

/**
 * Linux's side: the TAP itself, or (nftables) a second namespace whose veth is bridged to the
 * TAP, 5% of its frames toward the ESP32 dropped in the bridge. Returns the namespace Linux's side is in.
 */
function linuxSide(ns: string, tap: string, bad?: BadLink): string {
  const inNs = (args: string[], timeout?: number) => sh(['ip', 'netns', 'exec', ns, ...args], timeout);
  const ok = (r: { status: number | null; out: string }, what: string) => {
    if (r.status !== 0) throw new Error(`${what} failed: ${r.out}`);
  };
  if (bad !== 'nftables') {
    expect(inNs(['ip', 'addr', 'add', '192.168.1.50/24', 'dev', tap])).toEqual({ status: 0, out: '' });
    if (bad === 'netem') {
      ok(inNs(['tc', 'qdisc', 'add', 'dev', tap, 'root', 'netem', 'loss', '5%', 'delay', '10ms']), `tc netem on ${tap}`);
      pinSender(inNs, tap, ok);
    }
    return ns;
  }
  const linux = namespace('linux');
  // The TAP station took the MAC of the TAP's first frame: Linux's eth0 takes it over, the TAP
  // (now a bridge port) another one, so the bridge forwards that MAC to the veth.
  const mac = inNs(['cat', `/sys/class/net/${tap}/address`]).out.trim();
  ok(inNs(['ip', 'link', 'add', 'br0', 'type', 'bridge']), 'a bridge');
  ok(inNs(['sysctl', '-q', '-w', 'net.ipv6.conf.br0.disable_ipv6=1']), 'no IPv6 on the bridge');
  ok(inNs(['ip', 'link', 'add', 'wire', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', linux]), 'a veth pair');
  ok(inNs(['ip', 'link', 'set', tap, 'address', '02:e3:2b:00:00:01', 'master', 'br0']), `${tap} into the bridge`);
  ok(sh(['ip', 'netns', 'exec', linux, 'ip', 'link', 'set', 'eth0', 'address', mac]), "the TAP's MAC on Linux's eth0");
  ok(inNs(['ip', 'link', 'set', 'wire', 'master', 'br0']), 'the veth into the bridge');
  for (const dev of ['br0', 'wire']) ok(inNs(['ip', 'link', 'set', dev, 'up']), `${dev} up`);
  const inLinux = (args: string[], timeout?: number) => sh(['ip', 'netns', 'exec', linux, ...args], timeout);
  ok(inLinux(['ip', 'addr', 'add', '192.168.1.50/24', 'dev', 'eth0']), 'an address on Linux');
  ok(inLinux(['ip', 'link', 'set', 'eth0', 'up']), 'eth0 up');
  pinSender(inLinux, 'eth0', ok);
  const rules = [
    'table bridge lossy {',
    '  chain forward {',
    '    type filter hook forward priority 0;',
    '    iifname "wire" numgen random mod 100 < 5 counter drop',
    '  }',
    '}',
  ].join('\n');
  const f = path.join(dir, `nft-${ns}.conf`);
  writeFileSync(f, `${rules}\n`);
  ok(inNs(['nft', '-f', f]), 'nftables 5% loss');
  return linux;
}

/** Linux's sender as the header says: one segment per frame on `dev`, tcp_max_reordering 3 (cubic is chosen by the upload). */
function pinSender(
  run: (args: string[]) => { status: number | null; out: string },
  dev: string,
  ok: (r: { status: number | null; out: string }, what: string) => void,
): void {
  ok(run(['ip', 'link', 'set', 'dev', dev, 'gso_max_segs', '1']), `one segment per frame on ${dev}`);
  ok(run(['sysctl', '-q', '-w', 'net.ipv4.tcp_max_reordering=3']), 'tcp_max_reordering 3');
}

async function tapSession(tag: string, bad?: BadLink): Promise<void> {
  prerequisites();
  if (bad === 'nftables') need('nft', 'nftables');
  const ns = namespace(tag);
  const tap = `e32${tag}`.slice(0, 15);
  // Where the wall time goes, printed at the end (the upload's own time comes from Python).
  const t0 = Date.now(); // a progress report only: no verdict depends on it
  const phases: string[] = [];
  const phase = (what: string) => phases.push(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const fixture = bad === 'nftables' ? delayedFixture() : FIXTURE;
  const s = new Session(['netns', 'exec', ns, process.execPath, BIN, 'run', fixture, '--tap', tap], { cmd: ['ip'] });
  sessions.push(s);
  await s.waitFor(`TAP ${tap} bridged`);
  await s.waitFor('serving on port 80 and 9000');
  phase('serving');
  const linux = ['ip', 'netns', 'exec', linuxSide(ns, tap, bad)];
  const page = sh([...linux, 'curl', '-s', '-S', '--max-time', '30', 'http://192.168.1.231/'], 40_000);
  expect(page).toEqual({ status: 0, out: 'hello from the simulated ESP32\n' });
  await s.waitFor("GET from 192.168.1.50 b'GET / HTTP/1.1'");
  phase('page fetched');
  const file = path.join(dir, `upload-${tag}.bin`);
  const data = randomBytes(10 * 1024 * 1024);
  writeFileSync(file, data);
  const sha = createHash('sha256').update(data).digest('hex');
  const up = run([...linux, 'python3', '-c', UPLOAD, file], UPLOAD_LIMIT_MS);
  if (up.status !== 0 || up.stdout !== `${sha}\n`) {
    // Tells a stall of our TCP from frames lost between socat and esp32sim (UDP RcvbufErrors).
    const udp = sh(['ip', 'netns', 'exec', ns, 'cat', '/proc/net/snmp']).out.split('\n').filter((l) => l.startsWith('Udp:'));
    const why = up.status === null ? `not done within ${UPLOAD_LIMIT_MS / 1000} s (killed)` : `exit ${up.status}`;
    throw new Error(`upload failed: ${why}: ${up.stdout}${up.stderr}\nUDP counters of the namespace (socat <-> esp32sim):\n${udp.join('\n')}\nesp32sim said:\n${s.out.slice(-2000)}`);
  }
  phase(`uploaded (${up.stderr.trim()})`);
  await s.waitFor(`upload of 10485760 bytes, sha256 ${sha}`);
  if (bad === 'nftables') {
    // The loss really happened: the bridge's counter saw drops.
    const counted = sh(['ip', 'netns', 'exec', ns, 'nft', 'list', 'table', 'bridge', 'lossy']).out;
    expect(Number(/counter packets (\d+)/.exec(counted)?.[1] ?? 0)).toBeGreaterThan(0);
  }
  expect(await s.stop()).toBe(0);
  phase('stopped');
  process.stderr.write(`${tag}: ${phases.join(', ')}\n`);
}

test('Linux curl and a 10 MB upload through a TAP', async () => {
  await tapSession('clean');
});

test('Linux curl and a 10 MB upload through a TAP with 5% loss and 10 ms delay (netem, or nftables and the scenario link)', async () => {
  prerequisites();
  await tapSession('lossy', kernelHasNetem() ? 'netem' : 'nftables');
});
