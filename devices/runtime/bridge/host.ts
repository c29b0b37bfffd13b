/**
 * BridgeRuntime: a script in a worker thread behind the ScriptRuntime
 * contract. start()/resume() answer the worker and block (bounded by the
 * wall-clock watchdog) until its next kernel call, which they decode into a
 * Syscall for the script OS. The host trusts nothing the worker sends: op
 * names are interned and checked, every argument is typed and bounded, and
 * the worker's end, memory figure and faults come from words its own side of
 * the bridge writes (for MicroPython: the VM's JavaScript, never Python).
 *
 * A few calls are the runtime's own and never reach the OS: the op-name
 * interning, the script's configuration ('config'), its text ('source'), and
 * '_ready' (the end of boot: the watchdog applies from there), and what a
 * subclass answers itself (local(): the board's flash). Subclasses say what
 * the configuration and the text are.
 */
import { ERRNO_KEYBOARD_INTERRUPT, type ScriptRuntime, type SysResult, type SysValue, type Syscall } from '../contract';
import { wallLimitMessage, watchdogMessage, type WallClock } from '../wallclock';
import { DEFERRABLE_OPS, KNOWN_OPS, LAYOUT as L, MAX_OPS, OP_NAME, TAG } from './protocol';

const EINVAL = 22;
/** The known ops' codes (protocol.ts) and names by code (0 is the interning call itself): computed once, copied by a runtime that interns another op. */
const KNOWN_OP_CODES: ReadonlyMap<string, number> = new Map(KNOWN_OPS.map((n, i) => [n, i + 1]));
const KNOWN_OP_NAMES: readonly string[] = ['(intern)', ...KNOWN_OPS];
const MiB = 1024 * 1024;
/** Output held between kernel calls before it goes to the console as a write of its own (bounded host memory). */
const OUT_HOLD_CHARS = MiB;
/* wall-clock-ok: the watchdog's deadline across the runtime's own answers (a safety net, never what a script computes). */
const wallNow = (): number => performance.now(); // wall-clock-ok: see above

/** The worker side as the host sees it: its shared buffer and its hand-over. */
export interface BridgePeer {
  readonly sab: SharedArrayBuffer;
  readonly h: Int32Array;
  readonly u8: Uint8Array;
  /** The worker's next request (op), or -1 when `budgetMs` of wall time passed without one. */
  next(budgetMs: number): number;
  /** Hands the written answer over, with the virtual time (ms) and the callbacks due. */
  release(vtimeMs: number, pending: number): void;
  /** Ends the worker: cleanly (it is blocked in a call: its thread can be reused) or not. */
  finish(clean: boolean): void;
  /** Why the worker stopped on its own. */
  crashInfo(): string;
  /** Its memory, as its own side measured it; and the cap. */
  memoryBytes(): number;
  readonly memCapBytes: number;
  readonly alive: boolean;
}

export interface BridgeOptions {
  clock: WallClock;
  /** The board's virtual time (µs), for the worker's own clock. */
  now?: () => number;
  /** Wall-clock budget for the worker to boot (not counted against the watchdog). */
  bootTimeoutMs?: number;
}

export abstract class BridgeRuntime implements ScriptRuntime {
  private readonly enc = new TextEncoder();
  private readonly dec = new TextDecoder('utf-8', { fatal: false });
  private readonly outDec = new TextDecoder();
  /**
   * Interned op names: code i names[i]; 0 is the interning call itself. The known ones are shared
   * until the worker interns one more, which copies them once (most never do: the copy costs ~10 µs).
   */
  private names: readonly string[] = KNOWN_OP_NAMES;
  private codes: ReadonlyMap<string, number> = KNOWN_OP_CODES;
  private own: { names: string[]; codes: Map<string, number> } | undefined;
  private queued: Syscall[] = [];
  private outText = '';
  /** The worker waits for an answer (false while we only replay queued syscalls). */
  private waiting = false;
  private dead = false;
  /** The worker waits in an output flush handed to the OS as a write (it cannot take K_DIE there). */
  private flushing = false;
  /** Ctrl-C answered a flush: it is delivered at the script's next kernel call. */
  private kbiPending = false;
  /** The boot said '_ready' (once: later calls restart nothing). */
  private ready = false;
  /** Callbacks due on the device, told to the worker with each answer (timers, IRQs). */
  pending = 0;
  /** The request that brought calls put off: handled once the OS carried them out (queued before it). */
  private held: { op: number; booting: boolean } | undefined;
  /** Where the output not yet taken starts in OUT (the part before went with the calls put off). */
  private outFrom = 0;
  /** Requests the worker handed over, and calls it put off that came with them (tests, benchmarks). */
  handovers = 0;
  deferred = 0;
  private batch: Int32Array | undefined;

  protected constructor(
    protected readonly peer: BridgePeer,
    private readonly bridge: BridgeOptions,
  ) {}

  /** What 'config' answers. */
  protected abstract config(): SysValue;
  /** What 'source' answers (the script's text, read in pieces from an offset). */
  protected abstract source(): Uint8Array;
  /** The board's flash as one image (the answer to fs.image: sandbox/flash.js), or null (no flash, or too large for one). */
  protected flashImage(): SysValue {
    return null;
  }
  /** A call the runtime answers itself, at once (the board's flash: fs.*), or undefined. */
  protected local(_op: string, _args: SysValue[]): SysResult | undefined {
    return undefined;
  }

  /** The worker was gone before the script started: the script ends with this reason. */
  protected gone(reason: string): void {
    this.dead = true;
    this.queued.push({ op: 'exit', args: [1, reason] });
  }

  start(): Syscall {
    if (this.queued.length) return this.queued.shift()!;
    return this.waitRequest(this.bootBudgetMs(), true);
  }

  private bootBudgetMs(): number {
    return this.bridge.bootTimeoutMs ?? Math.max(30_000, this.bridge.clock.watchdogMs);
  }

  resume(result: SysResult): Syscall {
    // A Ctrl-C that reached a call put off (the script is past it) is raised at the script's next call.
    if (this.held && !result.ok && result.errno === ERRNO_KEYBOARD_INTERRUPT) this.kbiPending = true;
    if (this.queued.length) return this.queued.shift()!;
    if (this.dead) return { op: 'exit', args: [1, 'script is not running'] };
    if (this.held) {
      const { op, booting } = this.held;
      this.held = undefined;
      return this.waitRequest(booting ? this.bootBudgetMs() : this.bridge.clock.budgetMs(), booting, op);
    }
    if (this.waiting) this.answer(result);
    return this.waitRequest(this.bridge.clock.budgetMs(), false);
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    // Blocked in a kernel call: the worker unwinds cleanly and its thread can host the next script.
    this.peer.finish((this.waiting || this.held !== undefined) && !this.flushing);
    this.waiting = false;
    this.held = undefined;
  }

  /** The worker's memory, as its own side measured it (bytes). */
  memoryBytes(): number {
    return this.peer.memoryBytes();
  }

  private get vtimeMs(): number {
    return Math.floor((this.bridge.now?.() ?? 0) / 1000);
  }

  // ---- answers ----

  private answer(result: SysResult): void {
    this.pending = result.irq ?? 0;
    if (this.flushing) {
      this.flushing = false;
      if (!result.ok && result.errno === ERRNO_KEYBOARD_INTERRUPT) this.kbiPending = true;
    }
    if (!result.ok) this.error(result.errno);
    else this.encode(result.value);
    this.waiting = false;
    this.peer.release(this.vtimeMs, this.pending);
  }

  private error(errno: number): void {
    const h = this.peer.h;
    h[L.AKIND] = L.K_ERR;
    h[L.AVAL] = errno;
    h[L.ALEN] = 0;
  }

  private encode(v: SysValue | undefined): void {
    const { h, u8, sab } = this.peer;
    h[L.ALEN] = 0;
    if (v === null || v === undefined) h[L.AKIND] = L.K_NONE;
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) {
        h[L.AKIND] = L.K_INT;
        h[L.AVAL] = v;
      } else {
        h[L.AKIND] = L.K_FLOAT;
        new DataView(sab, L.DATA_OFF, 8).setFloat64(0, v, true);
        h[L.ALEN] = 8;
      }
    } else if (typeof v === 'boolean') {
      h[L.AKIND] = L.K_BOOL;
      h[L.AVAL] = v ? 1 : 0;
    } else if (typeof v === 'string') {
      h[L.AKIND] = L.K_STR;
      h[L.ALEN] = this.enc.encodeInto(v, u8.subarray(L.DATA_OFF, L.DATA_OFF + L.DATA_SIZE)).written;
    } else if (v instanceof Uint8Array) {
      h[L.AKIND] = L.K_BYTES;
      h[L.ALEN] = this.putBytes(v, 0);
    } else {
      // A structured value; at most one byte string in it crosses raw after the JSON (recvfrom's data).
      let blob: Uint8Array | undefined;
      const text = JSON.stringify(v, (_k, x: unknown) => {
        if (!(x instanceof Uint8Array)) return x;
        blob = x;
        return x.length;
      });
      const n = this.enc.encodeInto(text, u8.subarray(L.DATA_OFF, L.DATA_OFF + L.DATA_SIZE)).written;
      h[L.AKIND] = L.K_JSON;
      h[L.AVAL] = n;
      h[L.ALEN] = n + (blob ? this.putBytes(blob, n) : 0);
    }
  }

  private putBytes(v: Uint8Array, at: number): number {
    const n = Math.min(v.length, L.DATA_SIZE - at);
    this.peer.u8.set(n === v.length ? v : v.subarray(0, n), L.DATA_OFF + at);
    return n;
  }

  private reply(v: SysValue): void {
    this.encode(v);
    this.peer.release(this.vtimeMs, this.pending);
  }

  private refuse(): void {
    this.error(EINVAL);
    this.peer.release(this.vtimeMs, this.pending);
  }

  // ---- requests ----

  /** `held`: a request already handed over (it came with calls put off, now carried out). */
  private waitRequest(budgetMs: number, booting: boolean, held?: number): Syscall {
    const peer = this.peer;
    // One budget until the script's next kernel call: the runtime's own answers (op names, the
    // configuration, the source, output flushes) never restart it, so a loop of them cannot hang the host.
    let deadline = wallNow() + budgetMs;
    for (let first = true; ; first = false) {
      let op: number;
      if (first && held !== undefined) op = held;
      else {
        op = peer.next(first ? budgetMs : Math.max(0, deadline - wallNow()));
        if (op === -1) return this.overdue(budgetMs, booting);
        this.handovers++;
        const put = this.takeBatch();
        if (put) {
          // The calls put off go to the OS first, in order (with the output printed before each), then this request.
          this.held = { op, booting };
          this.queued.push(...put.slice(1));
          return put[0];
        }
      }
      this.takeOut();
      if (peer.memoryBytes() > peer.memCapBytes + MiB) return this.fail('VM error: memory above its cap');
      if (!first && op !== L.OP_FINAL && wallNow() > deadline) return this.overdue(budgetMs, booting);
      if (op === L.OP_FLUSH) {
        if (this.outText.length < OUT_HOLD_CHARS) {
          this.reply(0);
          continue;
        }
        // Much output and no kernel call: it goes to the console now, as a write of its own.
        this.waiting = true;
        this.flushing = true;
        const text = this.outText;
        this.outText = '';
        return { op: 'write', args: [text] };
      }
      if (op === L.OP_FINAL) return this.fail(peer.h[L.A0] === L.W_NONE ? 'VM error: the script ended without its exit call' : peer.crashInfo());
      const args = this.args();
      if (op === L.OP_INTERN) {
        this.intern(args);
        continue;
      }
      const name = this.names[op];
      if (name === undefined || !args) {
        this.refuse();
        continue;
      }
      if (name === 'config') {
        this.reply(this.config());
        continue;
      }
      if (name === 'source') {
        const off = typeof args[0] === 'number' && args[0] >= 0 ? args[0] : 0;
        this.reply(this.source().subarray(off, off + Math.max(0, Math.min(peer.h[L.ICAP], L.DATA_SIZE))));
        continue;
      }
      if (name === 'fs.image') {
        // The VM's JavaScript asks it, to answer the flash's calls from it; a script that asks it through
        // _kern gets only what its own stat and read calls already give it. Never the OS's.
        this.reply(this.flashImage());
        continue;
      }
      if (name === '_ready') {
        // The end of boot (modules imported, WiFi joined): the watchdog applies from here, once.
        this.reply(null);
        if (!this.ready) {
          this.ready = true;
          budgetMs = this.bridge.clock.budgetMs();
          deadline = wallNow() + budgetMs;
          booting = false;
        }
        continue;
      }
      const local = this.local(name, args);
      if (local) {
        if (local.ok) this.reply(local.value);
        else {
          this.error(local.errno);
          this.peer.release(this.vtimeMs, this.pending);
        }
        continue;
      }
      const call: Syscall = { op: name, args };
      if (name !== 'exit' && this.kbiPending) {
        this.kbiPending = false;
        this.error(ERRNO_KEYBOARD_INTERRUPT);
        this.peer.release(this.vtimeMs, this.pending);
        continue;
      }
      this.waiting = true;
      return name === 'exit' ? this.exit(call) : this.withOutput(call);
    }
  }

  /** The worker did not make its next kernel call in time (or its thread died). */
  private overdue(budgetMs: number, booting: boolean): Syscall {
    if (!this.peer.alive) return this.fail(this.peer.crashInfo());
    if (booting) return this.fail(`the script did not start within ${(budgetMs / 1000).toFixed(1)} s of wall time`);
    const clock = this.bridge.clock;
    return this.fail(clock.limitReached() && clock.expired() ? wallLimitMessage(clock) : watchdogMessage(clock));
  }

  private intern(args: SysValue[] | undefined): void {
    const name = args && typeof args[0] === 'string' ? args[0] : undefined;
    if (name === undefined || name.length > 64 || !OP_NAME.test(name)) return this.refuse();
    let code = this.codes.get(name);
    if (code === undefined) {
      if (this.names.length >= MAX_OPS) return this.refuse();
      code = this.names.length;
      const own = (this.own ??= { names: [...KNOWN_OP_NAMES], codes: new Map(KNOWN_OP_CODES) });
      own.names.push(name);
      own.codes.set(name, code);
      this.names = own.names;
      this.codes = own.codes;
    }
    this.reply(code);
  }

  /**
   * The calls the worker put off (LAYOUT.BATCH_*), as syscalls with the output printed before each
   * (a write, as withOutput makes), or undefined when there are none. An entry that is not a
   * deferrable op with int arguments is dropped: nobody waits for its answer.
   */
  private takeBatch(): Syscall[] | undefined {
    const h = this.peer.h;
    const b = (this.batch ??= new Int32Array(this.peer.sab, L.BATCH_OFF, L.BATCH_SIZE >> 2));
    const n = b[0];
    if (!n) return undefined;
    b[0] = 0;
    const out: Syscall[] = [];
    const outLen = Math.min(Math.max(h[L.OUTLEN], 0), L.OUT_SIZE);
    for (let i = 0; i < Math.min(n, L.BATCH_MAX); i++) {
      const at = 1 + i * L.BATCH_ENTRY_WORDS;
      const args = this.args(b, at + 1, b[at + 7], 0);
      const name = this.names[b[at]];
      const outAt = b[at + 8];
      if (outAt >= this.outFrom && outAt <= outLen) {
        this.takeOut(outAt);
        if (this.outText) {
          out.push({ op: 'write', args: [this.outText] });
          this.outText = '';
        }
      }
      if (!args || name === undefined || !DEFERRABLE_OPS.includes(name) || args.some((a) => typeof a !== 'number')) continue;
      this.deferred++;
      out.push({ op: name, args });
    }
    return out.length ? out : undefined;
  }

  /**
   * A request's arguments (the header's, by default), by their tags; undefined when they do not add
   * up (the worker then gets EINVAL). `words[first..first+5]` are the six argument words, `dlen` the payload's length.
   */
  private args(words: Int32Array = this.peer.h, first: number = L.A0, tags: number = this.peer.h[L.TAGS], dlen: number = this.peer.h[L.DLEN]): SysValue[] | undefined {
    const { u8 } = this.peer;
    if (dlen < 0 || dlen > L.DATA_SIZE || tags >>> 18 !== 0) return undefined;
    const out: SysValue[] = [];
    let last = -1;
    let at = 0;
    for (let i = 0; i < 6; i++) {
      const tag = (tags >>> (3 * i)) & 7;
      const w = words[first + i];
      let v: SysValue;
      if (tag === TAG.NONE) v = null;
      else if (tag === TAG.INT) v = w;
      else if (tag === TAG.BOOL) v = w !== 0;
      else {
        if (w < 0 || at + w > dlen || (tag === TAG.FLOAT && w !== 8)) return undefined;
        const bytes = u8.subarray(L.DATA_OFF + at, L.DATA_OFF + at + w);
        at += w;
        if (tag === TAG.STR) v = this.dec.decode(bytes);
        else if (tag === TAG.BYTES) v = bytes.slice();
        else if (tag === TAG.FLOAT) v = new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
        else if (tag === TAG.JSON) {
          try {
            v = JSON.parse(this.dec.decode(bytes)) as SysValue;
          } catch {
            return undefined;
          }
        } else return undefined;
      }
      out.push(v);
      if (tag !== TAG.NONE) last = i;
    }
    if (at !== dlen) return undefined;
    out.length = last + 1;
    return out;
  }

  /** The script's exit call: its code is an int 0-255 and its reason a string, or it is a malformed call. */
  private exit(call: Syscall): Syscall {
    const [code, reason] = call.args;
    const ok = typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 255 && (reason === undefined || reason === null || typeof reason === 'string');
    this.kill();
    return this.withOutput({ op: 'exit', args: ok ? [code, typeof reason === 'string' ? reason : ''] : [1, 'VM error: a malformed exit call'] });
  }

  /** Drains the worker's output area (up to `upTo`: a call put off came there): it travels with the request that follows it. */
  private takeOut(upTo?: number): void {
    const h = this.peer.h;
    const n = Math.min(Math.max(h[L.OUTLEN], 0), L.OUT_SIZE);
    const end = upTo ?? n;
    const from = this.outFrom;
    if (upTo === undefined) {
      this.outFrom = 0;
      h[L.OUTLEN] = 0;
    } else this.outFrom = end;
    if (end <= from) return;
    this.outText += this.outDec.decode(this.peer.u8.subarray(L.OUT_OFF + from, L.OUT_OFF + end), { stream: true });
  }

  /** Output printed before a call reaches the console first. */
  private withOutput(call: Syscall): Syscall {
    if (!this.outText) return call;
    const text = this.outText;
    this.outText = '';
    this.queued.push(call);
    return { op: 'write', args: [text] };
  }

  /** Stops the worker and reports why, after whatever it had printed. */
  private fail(reason: string): Syscall {
    this.takeOut();
    const out = this.outText;
    this.outText = '';
    this.kill();
    this.queued.push({ op: 'exit', args: [1, reason] });
    return { op: 'write', args: [`${out}${out && !out.endsWith('\n') ? '\n' : ''}${reason}\n`] };
  }
}
