/**
 * Scale benchmark (issue #16): a classroom of N boards in one simulation, built
 * with the library API. Each ESP32 joins the lab WiFi by DHCP, then blinks
 * GPIO 2 and sends a datagram a second to a PC that counts them. Three kinds of
 * board:
 *   micropython  main.py in a MicroPython VM (a worker thread each; from SHARE_FROM boards, 16 VMs per thread)
 *   typescript   the same loop as a TypeScript function in this process
 *   none         no script: the board joins the WiFi and idles
 * For each N: the wall time of the join, a first window of virtual time (30 s, longer for
 * a few cheap boards: at least 1.5 s of wall time, at most an hour virtual; the
 * code the boards run is still being optimised by V8 then: its wall time per
 * device per virtual second is reported apart), then the steady window:
 * its wall and CPU time (user + system of the whole process, VM threads
 * included), virtual/wall, wall and CPU ms per device per virtual second, the
 * datagrams the PC counted against the ones expected, and the process's RSS.
 * Wall time is fine here: this is a benchmark, not simulated code.
 *
 *   npm run bench -- scale                              the default curves
 *   ESP32SIM_SCALE="micropython:1,10 none:1000" npm run bench -- scale
 *   npx ts-node --transpile-only tests/bench/scale.ts micropython:500
 * The LAN is a 10.0.0.0/22 (pool 10.0.0.100 to 10.0.3.254; shorter beyond 923 boards), the access point
 * admits every board (max-clients) and filters broadcasts (broadcast-filter).
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Simulation } from '../../devices/simulation/simulation';
import type { DeviceHandle, ScriptSpec } from '../../devices/simulation/api';
import type { PcBoard } from '../../devices/pc/board';
import type { TsEnv } from '../../devices/runtime';
import { canShareVmThreads, vmsPerThread } from '../../devices/runtime/micropython/sharing';
import { cpuSample, cpuSpent } from './cpu';

export type ScaleKind = 'micropython' | 'typescript' | 'none';

export interface ScalePoint {
  kind: ScaleKind;
  n: number;
  /** Boards with an address (and a running script, when they have one) at the end of the join. */
  joined: number;
  joinVirtualS: number;
  joinWallS: number;
  /** The first window after the join (as long as the steady one): V8 still compiles the hot code then. */
  firstWallMsPerDeviceS: number;
  steadyVirtualS: number;
  steadyWallS: number;
  steadyCpuS: number;
  /** Virtual seconds per wall second over the steady window. */
  speed: number;
  wallMsPerDeviceS: number;
  cpuMsPerDeviceS: number;
  /** Datagrams the PC counted in the steady window, and one per board per virtual second. */
  counted: number;
  expected: number;
  rssMB: number;
  rssPerDeviceMB: number;
  /** CPU per device per virtual second of the main thread (the simulation) and of the other threads (the VMs), where /proc tells. */
  mainCpuMsPerDeviceS?: number;
  otherCpuMsPerDeviceS?: number;
  /** MicroPython VMs per worker thread (1: a thread each). */
  vmsPerThread: number;
}

/** Issue #16: an idle board (a datagram a second) costs at most this wall time per virtual second. */
export const DEVICE_MS_GOAL = 0.05;
/** Issue #16: 500 MicroPython boards within 4 GiB. */
export const RSS_GOAL_MB = 4096 * 1.048576;

const PC_IP = '10.0.0.10';
const PORT = 5005;
const PERIOD_US = 1_000_000;

export const MICROPYTHON_BLINK = [
  'import socket, time',
  'from machine import Pin',
  'led = Pin(2, Pin.OUT)',
  'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  'n = 0',
  'while True:',
  '    led.value(n & 1)',
  `    u.sendto(b"%d" % n, ("${PC_IP}", ${PORT}))`,
  '    n += 1',
  '    time.sleep(1)',
].join('\n');

async function typescriptBlink(env: TsEnv): Promise<void> {
  const u = await env.socket.socket(env.socket.AF_INET, env.socket.SOCK_DGRAM);
  await env.syscall('pin.mode', 2, 'out', null); // Pin(2, Pin.OUT)
  const led = env.pin(2);
  for (let n = 0; ; n++) {
    await led.value(n & 1);
    await u.sendto(String(n), [PC_IP, PORT]);
    await env.time.sleep(1);
  }
}

function script(kind: ScaleKind): ScriptSpec | undefined {
  if (kind === 'micropython') return { filename: 'main.py', language: 'micropython', source: MICROPYTHON_BLINK };
  if (kind === 'typescript') return { filename: 'main.ts', language: 'typescript', source: '', main: typescriptBlink };
  return undefined;
}

/** The longest prefix whose DHCP pool (.100 of the subnet to its last host) holds `hosts`: /22 up to 923, /20 up to 3995, /18 up to 16283. */
export function lanPrefix(hosts: number): number {
  let p = 22;
  while (p > 8 && 2 ** (32 - p) - 2 - 99 < hosts) p -= 2;
  return p;
}

/**
 * The classroom: a counting PC and `n` boards powering on over the first second, on a /22 (or
 * shorter, lanPrefix) whose access point admits them all and filters broadcasts like an enterprise AP (a home router's
 * relaying of every DHCP and ARP broadcast to every station makes the join cost N²).
 */
export function classroom(kind: ScaleKind, n: number, opts: { seed?: number; broadcastFilter?: boolean } = {}): { s: Simulation; boards: DeviceHandle[]; counted: () => number } {
  const network = { subnet: `10.0.0.0/${lanPrefix(n + 1)}`, maxClients: n + 1, broadcastFilter: opts.broadcastFilter ?? true };
  const s = new Simulation({ seed: opts.seed ?? 1, network, wallTimeoutMs: 24 * 3600_000 });
  s.sim.trace.keep = false;
  const pc = s.addDevice({ id: 'pc', board: 'pc', ip: PC_IP, static: true });
  let count = 0;
  (pc.board as PcBoard).net.udp.bind(PORT, () => void count++);
  const boards: DeviceHandle[] = [];
  for (let i = 0; i < n; i++) boards.push(s.addDevice({ id: `esp${i}`, board: 'esp32', script: script(kind), startUs: Math.floor((i * PERIOD_US) / n) }));
  return { s, boards, counted: () => count };
}

function ready(kind: ScaleKind, b: DeviceHandle): boolean {
  return b.ip() !== '0.0.0.0' && (kind === 'none' || b.scriptState() === 'running');
}

/** The first window's least wall time and most virtual seconds (the steady window is as long in virtual time). */
const MIN_WINDOW_WALL_MS = 1500;
const MAX_WINDOW_S = 3600;

export async function benchScalePoint(kind: ScaleKind, n: number, steadyS = 30): Promise<ScalePoint> {
  const t0 = performance.now();
  const { s, boards, counted } = classroom(kind, n);
  // Joined when every board has its address and runs its script (60 s of virtual time at most), then one more period.
  // Checked every 100 ms of virtual time: a check after every event would cost N per event.
  while (s.sim.now < 60_000_000 && !boards.every((b) => ready(kind, b))) await s.run({ forUs: 100_000 });
  await s.run({ forUs: PERIOD_US });
  const joined = boards.filter((b) => ready(kind, b)).length;
  const joinVirtualS = s.sim.now / 1e6;
  const joinWallS = (performance.now() - t0) / 1000;
  const failed = boards.find((b) => b.failure());
  if (failed) throw new Error(`${kind} ×${n}: ${failed.id}: ${failed.failure()}`);
  // A first window, as long as the steady one: V8 optimises the boards' hot code during it (for 100
  // TypeScript boards its background compiler then costs twice what the simulation does).
  // It lasts steadyS virtual seconds at least, and as long as it takes for MIN_WINDOW_WALL_MS of wall
  // time (at most MAX_WINDOW_S): a few boards' 30 s pass in a fifth of a second, most of it the JIT's.
  const tw = performance.now();
  let windowS = 0;
  while (windowS < steadyS || (performance.now() - tw < MIN_WINDOW_WALL_MS && windowS < MAX_WINDOW_S)) {
    await s.run({ forUs: PERIOD_US });
    windowS++;
  }
  const firstWallMsPerDeviceS = (performance.now() - tw) / (n * windowS);
  const c0 = counted();
  const cpu0 = cpuSample();
  const t1 = performance.now();
  let rss = process.memoryUsage().rss;
  for (let i = 0; i < windowS; i++) {
    await s.run({ forUs: PERIOD_US });
    rss = Math.max(rss, process.memoryUsage().rss);
  }
  const steadyWallS = (performance.now() - t1) / 1000;
  const cpu = cpuSpent(cpu0, cpuSample());
  const steadyCpuS = cpu.total / 1000;
  const point: ScalePoint = {
    kind,
    n,
    joined,
    joinVirtualS,
    joinWallS,
    firstWallMsPerDeviceS,
    steadyVirtualS: windowS,
    steadyWallS,
    steadyCpuS,
    speed: windowS / steadyWallS,
    wallMsPerDeviceS: (steadyWallS * 1000) / (n * windowS),
    cpuMsPerDeviceS: (steadyCpuS * 1000) / (n * windowS),
    counted: counted() - c0,
    expected: kind === 'none' ? 0 : joined * windowS,
    rssMB: rss / 1e6,
    rssPerDeviceMB: 0,
    vmsPerThread: kind === 'micropython' ? vmsPerThread() : 0,
  };
  if (cpu.main !== undefined) {
    point.mainCpuMsPerDeviceS = cpu.main / (n * windowS);
    point.otherCpuMsPerDeviceS = (cpu.others ?? 0) / (n * windowS);
  }
  await s.close();
  return point;
}

/** "micropython:1,10,100,500 typescript:10,100,1000 none:100,1000" → runs. */
export function parseCurves(text: string): { kind: ScaleKind; ns: number[] }[] {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => {
      const [kind, list] = part.split(':');
      if (kind !== 'micropython' && kind !== 'typescript' && kind !== 'none') throw new Error(`scale: unknown kind "${kind}" (micropython, typescript, none)`);
      const ns = (list ?? '').split(',').map(Number);
      if (!ns.length || ns.some((x) => !(Number.isInteger(x) && x > 0))) throw new Error(`scale: bad counts "${list}"`);
      return { kind, ns };
    });
}

export const DEFAULT_CURVES = 'micropython:1,10,100,500 typescript:10,100,1000,10000 none:100,1000,10000';

async function settle(): Promise<void> {
  // Terminated VM threads give their memory back, so the next point's RSS is its own.
  await new Promise((r) => setTimeout(r, 1000));
}

/** MicroPython boards from which the benchmark puts several VMs in a worker thread (ESP32SIM_VMS_PER_THREAD overrides). */
export const SHARE_FROM = 100;
export const SHARED_VMS_PER_THREAD = 16;

/** One point, RSS per device being the growth over the process's RSS before it. */
async function measuredPoint(kind: ScaleKind, n: number): Promise<ScalePoint> {
  await settle();
  const base = process.memoryUsage().rss;
  const p = await benchScalePoint(kind, n);
  p.rssPerDeviceMB = (p.rssMB - base / 1e6) / n;
  return p;
}

/**
 * A MicroPython point runs in a process of its own: Node started with JSPI's flag (shared VM threads
 * need it from the start, see vm.ts canShareVmThreads), and its RSS is the point's alone.
 */
function pointInChild(kind: ScaleKind, n: number): ScalePoint {
  const share = process.env.ESP32SIM_VMS_PER_THREAD ?? String(n >= SHARE_FROM ? SHARED_VMS_PER_THREAD : 1);
  const args = ['--experimental-wasm-stack-switching', '-r', require.resolve('ts-node/register/transpile-only'), __filename, '--point', `${kind}:${n}`];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ESP32SIM_VMS_PER_THREAD: share }, maxBuffer: 64 * 1024 * 1024 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('SCALEPOINT '));
  if (!line) throw new Error(`scale: ${kind} ×${n} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(line.slice('SCALEPOINT '.length)) as ScalePoint;
}

/** Runs the curves, one point at a time (MicroPython points each in a process of their own). */
export async function benchScale(curves = process.env.ESP32SIM_SCALE ?? DEFAULT_CURVES, log: (p: ScalePoint) => void = () => {}): Promise<ScalePoint[]> {
  const out: ScalePoint[] = [];
  for (const { kind, ns } of parseCurves(curves)) {
    for (const n of ns) {
      const p = kind === 'micropython' && !canShareVmThreads() ? pointInChild(kind, n) : await measuredPoint(kind, n);
      out.push(p);
      log(p);
    }
  }
  return out;
}

export function formatScalePoint(p: ScalePoint): string {
  const goal = p.kind === 'none' ? '' : ` (goal ≤ ${DEVICE_MS_GOAL}: ${p.wallMsPerDeviceS <= DEVICE_MS_GOAL ? 'met' : 'NOT met'})`;
  const rssGoal = p.kind === 'micropython' && p.n >= 500 ? ` (goal ≤ 4 GiB: ${p.rssMB <= RSS_GOAL_MB ? 'met' : 'NOT met'})` : '';
  const counted = p.kind === 'none' ? '' : `; PC counted ${p.counted} of ${p.expected} datagrams`;
  const threads = p.kind !== 'micropython' ? '' : p.vmsPerThread > 1 ? ` (${p.vmsPerThread} VMs per worker thread)` : ' (a worker thread per VM)';
  const split = p.mainCpuMsPerDeviceS === undefined ? '' : ` (main thread ${p.mainCpuMsPerDeviceS.toFixed(4)}, other threads ${(p.otherCpuMsPerDeviceS ?? 0).toFixed(4)})`;
  return (
    `scale: ${p.kind} ×${p.n}: ${p.joined} joined in ${p.joinVirtualS.toFixed(1)} s virtual, ${p.joinWallS.toFixed(1)} s wall; ` +
    `first ${p.steadyVirtualS} s after it ${p.firstWallMsPerDeviceS.toFixed(4)} ms wall per device per virtual second; then ` +
    `${p.steadyVirtualS} s virtual in ${p.steadyWallS.toFixed(2)} s wall = ${p.speed.toFixed(0)}× real time; ` +
    `${p.wallMsPerDeviceS.toFixed(4)} ms wall${goal}, ${p.cpuMsPerDeviceS.toFixed(4)} ms CPU${split} per device per virtual second${counted}; ` +
    `RSS ${p.rssMB.toFixed(0)} MB${rssGoal}, ${p.rssPerDeviceMB.toFixed(2)} MB per device${threads}`
  );
}

if (require.main === module && process.argv[2] === '--point') {
  // One point for pointInChild: its figures as one JSON line.
  const [{ kind, ns }] = parseCurves(process.argv[3] ?? '');
  void measuredPoint(kind, ns[0]).then((p) => {
    console.log(`SCALEPOINT ${JSON.stringify(p)}`);
    process.exit(0);
  });
} else if (require.main === module) {
  const curves = process.argv.slice(2).join(' ') || undefined;
  void benchScale(curves, (p) => console.log(formatScalePoint(p))).then(() => process.exit(0));
}
