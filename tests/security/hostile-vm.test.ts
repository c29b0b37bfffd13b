/**
 * The main thread trusts nothing a VM sends. A VM whose JavaScript is the attacker's (a hole in
 * both layers below) can write any word of its SharedArrayBuffer: these tests put such a VM behind
 * the real MicroPythonRuntime (and, for the end of the run, the real script OS) and check that
 * every malformed request gets an errno, that nothing but interned op names with typed arguments
 * reaches the OS, and that the host, not the VM, decides the memory verdict and the end of a run.
 * (A compromised VM can still end its own device's run as it likes: that is its own verdict only.)
 */
import { WallClock } from '../../devices/runtime';
import type { SysValue, Syscall } from '../../devices/runtime/contract';
import { KNOWN_OPS, LAYOUT as L, MAX_OPS, TAG } from '../../devices/runtime/bridge/protocol';
import { MicroPythonRuntime, vmBoot } from '../../devices/runtime/micropython/runtime';
import * as pools from '../../devices/runtime/micropython/pool';
import * as vms from '../../devices/runtime/micropython/vm';
import { runPy } from '../devices/runtime/micropython/helpers';

interface Req {
  op: number;
  tags?: number;
  words?: number[];
  data?: Uint8Array | string;
  /** DLEN as the VM claims it (default: the data's length). */
  dlen?: number;
  out?: string;
  outlen?: number;
  memkb?: number;
  a0?: number;
}

const enc = new TextEncoder();
const bytes = (d: Uint8Array | string) => (typeof d === 'string' ? enc.encode(d) : d);

/** A VM whose every SAB word is chosen by the attacker; `plan` yields its requests in order. */
class HostileVm {
  readonly sab = new SharedArrayBuffer(L.TOTAL);
  readonly h = new Int32Array(this.sab, 0, L.HEADER_INTS);
  readonly u8 = new Uint8Array(this.sab);
  readonly memCapBytes = vmBoot('esp32').memCapBytes;
  readonly alive = true;
  readonly answers: { kind: number; val: number; text: string }[] = [];
  finished: 'clean' | 'terminated' | undefined;
  constructor(private readonly plan: Iterator<Req>) {}
  claim(): boolean {
    return true;
  }
  next(): number {
    const n = this.plan.next();
    const r: Req = n.done ? { op: -2 } : n.value;
    if (r.op === -2) return -1; // the VM goes silent
    const h = this.h;
    const data = bytes(r.data ?? '');
    h[L.OP] = r.op;
    for (let i = 0; i < 6; i++) h[L.A0 + i] = r.words?.[i] ?? 0;
    if (r.a0 !== undefined) h[L.A0] = r.a0;
    h[L.TAGS] = r.tags ?? 0;
    this.u8.set(data.subarray(0, L.DATA_SIZE), L.DATA_OFF);
    h[L.DLEN] = r.dlen ?? data.length;
    h[L.ICAP] = 4096;
    const out = bytes(r.out ?? '');
    this.u8.set(out.subarray(0, L.OUT_SIZE), L.OUT_OFF);
    h[L.OUTLEN] = r.outlen ?? out.length;
    h[L.MEMKB] = r.memkb ?? 1024;
    return r.op;
  }
  release(): void {
    const h = this.h;
    const n = Math.max(0, Math.min(h[L.ALEN], L.DATA_SIZE));
    this.answers.push({ kind: h[L.AKIND], val: h[L.AVAL], text: new TextDecoder().decode(this.u8.subarray(L.DATA_OFF, L.DATA_OFF + n)) });
  }
  memoryBytes(): number {
    return this.h[L.MEMKB] * 1024;
  }
  crashInfo(): string {
    return 'VM error: the VM stopped';
  }
  finish(clean: boolean): void {
    this.finished = clean ? 'clean' : 'terminated';
  }
  get state(): number {
    return L.S_RUNNING;
  }
}

function intern(name: string | Uint8Array): Req {
  const d = bytes(name);
  return { op: L.OP_INTERN, tags: TAG.STR, words: [d.length], data: d };
}
function call(op: number, args: SysValue[]): Req {
  let tags = 0;
  const words: number[] = [];
  const parts: Uint8Array[] = [];
  args.forEach((a, i) => {
    if (typeof a === 'number') {
      tags |= TAG.INT << (3 * i);
      words.push(a);
    } else {
      const b = bytes(a as string);
      tags |= TAG.STR << (3 * i);
      words.push(b.length);
      parts.push(b);
    }
  });
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { op, tags, words, data };
}

/** Drives the runtime straight (every syscall answered ok/null): what reaches the OS, and the VM's answers. */
function drive(plan: Iterable<Req>, watchdogMs = 5_000): { calls: Syscall[]; vm: HostileVm } {
  const vm = new HostileVm(plan[Symbol.iterator]());
  const spy = jest.spyOn(pools, 'takeVm').mockReturnValueOnce({ vm: vm as unknown as vms.SealedVm, pooled: false });
  const calls: Syscall[] = [];
  try {
    const rt = new MicroPythonRuntime({ filename: 'main.py', source: 'pass\n', personality: 'esp32', seed: 1, clock: new WallClock(watchdogMs, 60_000), now: () => 0 });
    let c = rt.start();
    for (let i = 0; i < 100_000; i++) {
      calls.push(c);
      if (c.op === 'exit') break;
      c = rt.resume({ ok: true, value: null });
    }
  } finally {
    spy.mockRestore();
  }
  return { calls, vm };
}

const EINVAL = { kind: L.K_ERR, val: 22, text: '' };
/** The code of a name the host interned before the VM started (KNOWN_OPS: codes 1..n). */
const code = (name: string): number => KNOWN_OPS.indexOf(name) + 1;

describe('a hostile VM behind the real runtime', () => {
  test('malformed requests each get EINVAL and never reach the OS; only interned names with typed arguments do', () => {
    const W = code('write'); // known before the VM started: interning it answers its code
    const { calls, vm } = drive([
      intern('write'),
      { op: 9999 }, // never interned
      { op: W, tags: 7, words: [3], data: 'abc' }, // tag 7 does not exist
      { op: W, tags: 1 << 18 }, // a seventh argument
      { op: W, tags: TAG.STR, words: [10], data: 'abc' }, // longer than the payload
      { op: W, tags: TAG.STR, words: [2], data: 'abc' }, // payload left over
      { op: W, tags: TAG.STR, words: [-1], data: 'abc' },
      { op: W, tags: TAG.STR, words: [3], data: 'abc', dlen: -1 },
      { op: W, tags: TAG.STR, words: [3], data: 'abc', dlen: L.DATA_SIZE + 1 },
      { op: W, tags: TAG.FLOAT, words: [4], data: 'abcd' }, // a float of 4 bytes
      { op: W, tags: TAG.JSON, words: [3], data: '{x}' },
      { op: W, tags: TAG.STR | (TAG.STR << 3), words: [0x7fffffff, 0x7fffffff], data: 'ab' }, // lengths that overflow
      intern('A'),
      intern(''),
      intern('x'.repeat(65)),
      intern('a..b'),
      intern(new Uint8Array([0x61, 0xff, 0x62])),
      { op: L.OP_INTERN, tags: TAG.INT, words: [7] }, // a name that is not a string
      call(W, ['good\n']),
      { op: W, tags: TAG.STR, words: [3], data: new Uint8Array([0x61, 0xff, 0x62]) }, // bad UTF-8: decoded, never thrown
      intern('exit'),
      call(code('exit'), [0, '']),
    ]);
    expect(vm.answers[0]).toEqual({ kind: L.K_INT, val: W, text: '' });
    expect(vm.answers.slice(1, 18)).toEqual(Array(17).fill(EINVAL));
    expect(calls.map((c) => c.op)).toEqual(['write', 'write', 'exit']);
    expect(calls[0].args).toEqual(['good\n']);
    expect(calls[1].args).toEqual(['a\ufffdb']);
  });

  test('the op table holds MAX_OPS names; past that, interning gets EINVAL and known names still work', () => {
    const plan: Req[] = [intern('write')];
    for (let i = 0; i < MAX_OPS + 50; i++) plan.push(intern(`op${i}`));
    plan.push(call(code('write'), ['still\n']));
    const { calls, vm } = drive(plan);
    const interned = vm.answers.slice(0, MAX_OPS + 51);
    // 0 is the interning call, 1..n the names known before the VM started; new names get the rest.
    const fresh = MAX_OPS - 1 - KNOWN_OPS.length;
    expect(interned.filter((a) => a.kind === L.K_INT).map((a) => a.val)).toEqual([code('write'), ...Array.from({ length: fresh }, (_, i) => KNOWN_OPS.length + 1 + i)]);
    expect(interned.slice(1 + fresh)).toEqual(Array(MAX_OPS + 50 - fresh).fill(EINVAL));
    expect(calls[0]).toEqual({ op: 'write', args: ['still\n'] });
  });

  test('an output length past the OUT area is clamped; a negative one is nothing', () => {
    const { calls } = drive([
      { op: L.OP_FLUSH, out: 'x'.repeat(100), outlen: 0x7fffffff },
      { op: L.OP_FLUSH, out: 'y', outlen: -5 },
      intern('exit'),
      call(code('exit'), [0, '']),
    ]);
    expect(calls[0].op).toBe('write');
    expect((calls[0].args[0] as string).length).toBe(L.OUT_SIZE); // what the area holds, nothing beyond it
    expect(calls.map((c) => c.op)).toEqual(['write', 'exit']);
  });

  test('a memory figure over the cap ends the run (the host decides); so does a FINAL without an exit call', () => {
    const over = drive([intern('write'), call(code('write'), ['a\n']), { ...call(code('write'), ['b\n']), memkb: 0x7fffffff }]);
    expect(over.calls.slice(-2)).toEqual([{ op: 'write', args: ['VM error: memory above its cap\n'] }, { op: 'exit', args: [1, 'VM error: memory above its cap'] }]);
    expect(over.vm.finished).toBe('terminated');
    const final = drive([{ op: L.OP_FINAL, a0: L.W_NONE }]);
    expect(final.calls.at(-1)).toEqual({ op: 'exit', args: [1, 'VM error: the script ended without its exit call'] });
    const silent = drive([intern('_ready'), call(code('_ready'), [])]); // booted, then goes quiet: the watchdog's words, the thread is ended
    expect(silent.calls.at(-1)?.args[1]).toMatch(/^Watchdog: /);
    expect(silent.vm.finished).toBe('terminated');
  });

  test("an endless stream of the runtime's own requests (interning, config, source, _ready) ends at the watchdog: the host is never stuck", () => {
    function* plan(): Generator<Req> {
      yield intern('config');
      yield intern('source');
      yield intern('_ready');
      yield intern('exit');
      const end = performance.now() + 5_000; // wall-clock-ok: a regression must fail this test, not hang it
      while (performance.now() < end) { // wall-clock-ok: see above
        yield call(code('config'), []);
        yield call(code('source'), [0]);
        yield call(code('_ready'), []);
        yield intern('config');
      }
      yield call(code('exit'), [0, 'the host answered its own requests for 5 s']);
    }
    const { calls, vm } = drive(plan(), 200);
    expect(calls).toEqual([
      { op: 'write', args: [expect.stringMatching(/^Watchdog: script ran 0.2 s of wall time without a kernel call/)] },
      { op: 'exit', args: [1, expect.stringMatching(/^Watchdog: /)] },
    ]);
    expect(vm.finished).toBe('terminated');
  });

  test('output flushed without end goes to the OS as writes (bounded in the host), each a kernel call', () => {
    function* plan(): Generator<Req> {
      for (let i = 0; i < 400; i++) yield { op: L.OP_FLUSH, out: 'z'.repeat(L.OUT_SIZE - 1) + '\n' };
      yield intern('exit');
      yield call(code('exit'), [0, '']);
    }
    const { calls } = drive(plan());
    const writes = calls.filter((c) => c.op === 'write').map((c) => (c.args[0] as string).length);
    expect(writes.length).toBeGreaterThanOrEqual(6); // 400 x 16 KiB = 6.25 MiB, at most ~1 MiB held at a time
    for (const n of writes) expect(n).toBeLessThanOrEqual(1024 * 1024 + L.OUT_SIZE);
    expect(writes.reduce((a, b) => a + b, 0)).toBe(400 * L.OUT_SIZE);
    expect(calls.at(-1)).toEqual({ op: 'exit', args: [0, ''] });
  });

  test('a malformed exit is a crash, whatever code it claims', () => {
    const half = new Uint8Array(8);
    new DataView(half.buffer).setFloat64(0, 0.5, true);
    const exits: Req[] = [
      { op: code('exit'), tags: TAG.FLOAT | (TAG.STR << 3), words: [8, 0], data: half }, // exit(0.5, '')
      call(code('exit'), [-1, '']),
      call(code('exit'), [256, '']),
      call(code('exit'), ['0', '']),
      call(code('exit'), [0, 5]), // a reason that is not a string
    ];
    for (const e of exits) {
      const { calls } = drive([intern('exit'), e]);
      expect(calls.at(-1)).toEqual({ op: 'exit', args: [1, 'VM error: a malformed exit call'] });
    }
  });

  test('fuzz: 3000 requests of random words never throw, and only interned names reach the OS', () => {
    let x = 0x1234567;
    const rnd = (n: number) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
    const pick = (...v: number[]) => v[rnd(v.length)];
    function* plan(): Generator<Req> {
      yield intern('write');
      yield intern('time.sleep');
      for (let i = 0; i < 3000; i++) {
        const len = rnd(64);
        const data = new Uint8Array(len);
        for (let j = 0; j < len; j++) data[j] = rnd(256);
        yield {
          // 0 (interning), the two names interned here, a code nobody interned (the first after the known ones), and junk
          op: pick(0, code('write'), code('time.sleep'), KNOWN_OPS.length + 1, KNOWN_OPS.length + 1 + rnd(0x8000), L.OP_FLUSH, -rnd(100), rnd(0x7fffffff)),
          tags: pick(rnd(1 << 18), rnd(0x7fffffff), TAG.STR, TAG.JSON, TAG.BYTES | (TAG.FLOAT << 3), 0),
          words: [pick(len, rnd(len + 1), -1, 0x7fffffff, 8), pick(0, 8, rnd(len + 1)), rnd(10), 0, 0, 0],
          data,
          dlen: pick(len, rnd(L.DATA_SIZE * 2) - L.DATA_SIZE, len),
          out: 'o',
          outlen: pick(0, 1, rnd(0x7fffffff), -rnd(10)),
        };
      }
      yield intern('exit');
      yield call(code('exit'), [0, '']);
    }
    const { calls } = drive(plan());
    const ops = new Set(calls.map((c) => c.op));
    for (const op of ops) expect(['write', 'time.sleep', 'exit']).toContain(op);
    expect(calls.at(-1)?.op).toBe('exit');
    for (const c of calls) for (const a of c.args) expect(['number', 'string', 'boolean', 'object']).toContain(typeof a);
  });
});

describe('the script OS and the process decide the end of a run', () => {
  test('through the real process and OS: a FINAL forged after a kernel call is a crash, not a clean end', async () => {
    const vm = new HostileVm([intern('time.sleep'), call(code('time.sleep'), [1000]), { op: L.OP_FINAL, a0: L.W_NONE }][Symbol.iterator]());
    const spy = jest.spyOn(pools, 'takeVm').mockReturnValueOnce({ vm: vm as unknown as vms.SealedVm, pooled: false });
    try {
      const r = await runPy('pass\n');
      expect(r.proc.state).toBe('crashed');
      expect(r.proc.failure).toBe('VM error: the script ended without its exit call');
    } finally {
      spy.mockRestore();
    }
  });
});
