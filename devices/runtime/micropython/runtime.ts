/**
 * MicroPythonRuntime: a device's script in a sealed MicroPython VM (vm.ts),
 * behind the ScriptRuntime contract. start()/resume() answer the VM and block
 * (bounded by the wall-clock watchdog) until its next kernel call, which they
 * decode into a Syscall for the script OS. The host trusts nothing the VM
 * sends: op names are interned and checked, every argument is typed and
 * bounded, and the VM's end, its memory figure and a sandbox violation are
 * read from words only the VM's own JavaScript writes (never Python).
 *
 * A few calls are the runtime's own and never reach the OS: the op-name
 * interning, the device configuration, the script's source, and '_ready'
 * (the end of boot: the watchdog applies from there).
 */
import { ESP32_PERSONALITY } from '../../../stack/personality';
import { ERRNO_KEYBOARD_INTERRUPT, type ScriptRuntime, type SysResult, type SysValue, type Syscall } from '../contract';
import type { RuntimeOptions } from '../index';
import { wallLimitMessage, watchdogMessage } from '../wallclock';
import { LAYOUT as L, MAX_OPS, OP_NAME, TAG } from './protocol';
import { takeVm, type SealedVm, type VmBoot } from './vm';

const KiB = 1024;
const MiB = 1024 * KiB;
const EINVAL = 22;

/** The MicroPython heap of an ESP32-WROOM-32 without PSRAM (see README: Memory), and of a PC. */
export const ESP32_HEAP_BYTES = 192 * KiB;
export const PC_HEAP_BYTES = 4 * MiB;
export const PYSTACK_WORDS = 2048;

/** What a VM of this kind and heap boots with: its wasm memory is capped at the heap plus 2 MiB. */
export function vmBoot(personality: 'esp32' | 'pc', heapBytes?: number, memoryCapBytes?: number): VmBoot {
  const heap = heapBytes ?? (personality === 'pc' ? PC_HEAP_BYTES : ESP32_HEAP_BYTES);
  const floor = heap + PYSTACK_WORDS * 4 + 512 * KiB;
  return { heapBytes: heap, pystackWords: PYSTACK_WORDS, memCapBytes: Math.max(floor, memoryCapBytes ?? heap + 2 * MiB) };
}

export interface MicroPythonOptions extends Omit<RuntimeOptions, 'main'> {
  filename: string;
  source: string;
  /** Wall-clock budget for the VM to boot (not counted against the watchdog). */
  bootTimeoutMs?: number;
}

export class MicroPythonRuntime implements ScriptRuntime {
  private readonly vm: SealedVm;
  /** The VM came booted from the pool (nothing else may differ). */
  readonly pooled: boolean;
  private readonly enc = new TextEncoder();
  private readonly dec = new TextDecoder('utf-8', { fatal: false });
  private readonly outDec = new TextDecoder();
  private readonly config: SysValue;
  private readonly source: Uint8Array;
  /** Interned op names: code i names[i]; 0 is the interning call itself. */
  private readonly names: string[] = ['(intern)'];
  private readonly codes = new Map<string, number>();
  private queued: Syscall[] = [];
  /** The VM waits for an answer (false while we only replay queued syscalls). */
  private vmWaiting = false;
  private dead = false;
  /** Virtual time (ms) for the VM's own clock (its C code's ticks), given with each answer. */
  private get vtimeMs(): number {
    return Math.floor((this.opts.now?.() ?? 0) / 1000);
  }
  /** Callbacks due on the device, told to the VM with each answer (periph: timers, IRQs). */
  pending = 0;

  constructor(private readonly opts: MicroPythonOptions) {
    const boot = vmBoot(opts.personality, opts.heapBytes, opts.memoryCapBytes);
    const { vm, pooled } = takeVm(boot);
    this.vm = vm;
    this.pooled = pooled;
    this.source = this.enc.encode(opts.source);
    this.config = {
        filename: opts.filename,
        personality: opts.personality,
        seed: opts.seed,
        bootWifi: opts.bootWifi ?? null,
        kbi: ERRNO_KEYBOARD_INTERRUPT,
        heapBytes: boot.heapBytes,
        // The errno names MicroPython's ESP32 port knows, with newlib numbers: one table (stack/personality.ts)
        // for the socket layer and the VM's own errno module (rewritten at boot by py/_errno.py).
        espErrno: Object.fromEntries(ESP32_PERSONALITY.errnoNames.map((n) => [n, ESP32_PERSONALITY.errno[n]])),
    };
    if (!vm.claim({ seed: opts.seed, jitterMs: opts.jitterMs })) {
      this.dead = true;
      this.queued.push({ op: 'exit', args: [1, 'VM error: the VM was gone before its script started'] });
    }
  }

  start(): Syscall {
    if (this.queued.length) return this.queued.shift()!;
    return this.waitRequest(this.opts.bootTimeoutMs ?? Math.max(30_000, this.opts.clock.watchdogMs), true);
  }

  resume(result: SysResult): Syscall {
    if (this.queued.length) return this.queued.shift()!;
    if (this.dead) return { op: 'exit', args: [1, 'script is not running'] };
    if (this.vmWaiting) this.answer(result);
    return this.waitRequest(this.opts.clock.budgetMs(), false);
  }

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    // Blocked in a kernel call: the VM unwinds cleanly and its thread can host the next VM.
    this.vm.finish(this.vmWaiting);
    this.vmWaiting = false;
  }

  /** Wasm memory of the VM, as its JavaScript measured it (bytes). */
  memoryBytes(): number {
    return this.vm.memoryBytes();
  }

  // ---- answers ----

  private answer(result: SysResult): void {
    const h = this.vm.h;
    if (!result.ok) {
      h[L.AKIND] = L.K_ERR;
      h[L.AVAL] = result.errno;
      h[L.ALEN] = 0;
    } else this.encode(result.value);
    this.vmWaiting = false;
    this.vm.release(this.vtimeMs, this.pending);
  }

  private encode(v: SysValue | undefined): void {
    const h = this.vm.h;
    const u8 = this.vm.u8;
    h[L.ALEN] = 0;
    if (v === null || v === undefined) h[L.AKIND] = L.K_NONE;
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) {
        h[L.AKIND] = L.K_INT;
        h[L.AVAL] = v;
      } else {
        h[L.AKIND] = L.K_FLOAT;
        new DataView(this.vm.sab, L.DATA_OFF, 8).setFloat64(0, v, true);
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
    this.vm.u8.set(n === v.length ? v : v.subarray(0, n), L.DATA_OFF + at);
    return n;
  }

  private answerInternal(v: SysValue): void {
    this.encode(v);
    this.vm.release(this.vtimeMs, this.pending);
  }

  private answerError(errno: number): void {
    const h = this.vm.h;
    h[L.AKIND] = L.K_ERR;
    h[L.AVAL] = errno;
    h[L.ALEN] = 0;
    this.vm.release(this.vtimeMs, this.pending);
  }

  // ---- requests ----

  private waitRequest(budgetMs: number, booting: boolean): Syscall {
    const vm = this.vm;
    for (;;) {
      const op = vm.next(budgetMs);
      if (op === -1) {
        const s = (budgetMs / 1000).toFixed(1);
        if (!vm.thread.alive) return this.fail(vm.crashInfo());
        if (booting) return this.fail(`VM did not boot within ${s} s of wall time`);
        const clock = this.opts.clock;
        return this.fail(clock.limitReached() && clock.expired() ? wallLimitMessage(clock) : watchdogMessage(clock));
      }
      this.takeOut();
      if (vm.memoryBytes() > vm.boot.memCapBytes + MiB) return this.fail('VM error: memory above its cap');
      if (op === L.OP_FLUSH) {
        this.answerInternal(0);
        continue;
      }
      if (op === L.OP_FINAL) return this.fail(vm.h[L.A0] === L.W_NONE ? 'VM error: the script ended without its exit call' : vm.crashInfo());
      if (op === L.OP_INTERN) {
        this.intern();
        continue;
      }
      const name = this.names[op];
      if (name === undefined) {
        this.answerError(EINVAL);
        continue;
      }
      const args = this.args();
      if (!args) {
        this.answerError(EINVAL);
        continue;
      }
      if (name === 'config') {
        this.answerInternal(this.config);
        continue;
      }
      if (name === 'source') {
        const off = typeof args[0] === 'number' && args[0] >= 0 ? args[0] : 0;
        this.answerInternal(this.source.subarray(off, off + Math.max(0, Math.min(vm.h[L.ICAP], L.DATA_SIZE))));
        continue;
      }
      if (name === '_ready') {
        // The end of boot (modules imported, WiFi joined): the watchdog applies from here.
        this.answerInternal(null);
        budgetMs = this.opts.clock.budgetMs();
        booting = false;
        continue;
      }
      this.vmWaiting = true;
      const call: Syscall = { op: name, args };
      if (name === 'exit') return this.exit(call);
      return this.withOutput(call);
    }
  }

  private intern(): void {
    const args = this.args();
    const name = args && typeof args[0] === 'string' ? args[0] : undefined;
    if (name === undefined || !OP_NAME.test(name) || name.length > 64) return this.answerError(EINVAL);
    let code = this.codes.get(name);
    if (code === undefined) {
      if (this.names.length >= MAX_OPS) return this.answerError(EINVAL);
      code = this.names.length;
      this.names.push(name);
      this.codes.set(name, code);
    }
    this.answerInternal(code);
  }

  /** The request's arguments, by their tags; undefined when they do not add up (the VM then gets EINVAL). */
  private args(): SysValue[] | undefined {
    const h = this.vm.h;
    const tags = h[L.TAGS];
    const dlen = h[L.DLEN];
    if (dlen < 0 || dlen > L.DATA_SIZE || tags >>> 18 !== 0) return undefined;
    const out: SysValue[] = [];
    let last = -1;
    let at = 0;
    for (let i = 0; i < 6; i++) {
      const tag = (tags >>> (3 * i)) & 7;
      const w = h[L.A0 + i];
      let v: SysValue;
      switch (tag) {
        case TAG.NONE:
          v = null;
          break;
        case TAG.INT:
          v = w;
          break;
        case TAG.BOOL:
          v = w !== 0;
          break;
        default: {
          if (w < 0 || at + w > dlen || (tag === TAG.FLOAT && w !== 8)) return undefined;
          const bytes = this.vm.u8.subarray(L.DATA_OFF + at, L.DATA_OFF + at + w);
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
      }
      out.push(v);
      if (tag !== TAG.NONE) last = i;
    }
    if (at !== dlen) return undefined;
    out.length = last + 1;
    return out;
  }

  /** The script's exit call: its code is an int 0-255 and its reason a string, or it is a crash. */
  private exit(call: Syscall): Syscall {
    const [code, reason] = call.args;
    const ok = typeof code === 'number' && code >= 0 && code <= 255 && (reason === undefined || reason === null || typeof reason === 'string');
    this.kill();
    const exit: Syscall = { op: 'exit', args: ok ? [code, typeof reason === 'string' ? reason : ''] : [1, 'VM error: a malformed exit call'] };
    return this.withOutput(exit);
  }

  private outText = '';

  /** Drains the VM's output area: it travels with the request that follows it. */
  private takeOut(): void {
    const h = this.vm.h;
    const n = Math.min(Math.max(h[L.OUTLEN], 0), L.OUT_SIZE);
    if (!n) return;
    h[L.OUTLEN] = 0;
    this.outText += this.outDec.decode(this.vm.u8.subarray(L.OUT_OFF, L.OUT_OFF + n), { stream: true });
  }

  /** Output printed before a call reaches the console first. */
  private withOutput(call: Syscall): Syscall {
    if (!this.outText) return call;
    const text = this.outText;
    this.outText = '';
    this.queued.push(call);
    return { op: 'write', args: [text] };
  }

  /** Stops the VM and reports why, after whatever it had printed. */
  private fail(reason: string): Syscall {
    this.takeOut();
    const out = this.outText;
    this.outText = '';
    this.kill();
    this.queued.push({ op: 'exit', args: [1, reason] });
    return { op: 'write', args: [`${out}${out && !out.endsWith('\n') ? '\n' : ''}${reason}\n`] };
  }
}
