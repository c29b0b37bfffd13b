/**
 * Snapshots of booted VMs, the host's side (the VM's side, what is written and how it is put back,
 * is sandbox/snapshot.js). A booted VM costs its boot: MicroPython compiles the device's modules
 * from source (60-130 ms). A process that runs simulations one after another (a test runner, the UI
 * server) asks the first VM its pool boots for a boot to write what it is, once booted, into a
 * buffer; that VM is idle and nobody's script has run in it. The buffer is copied out while the VM
 * is still idle (or never: a VM claimed before it was ready gives nothing, the next boot tries
 * again), and every later VM of that boot is restored from the copy: a fresh realm and wasm
 * instance, the same filesystem calls, one copy of memory (a few ms). A restored VM is the booted
 * one byte for byte (heap layout, interned strings, inode numbers), so runs do not change. A VM that
 * failed to restore turns snapshots off for its boot. ESP32SIM_VM_SNAPSHOT=0 turns them off (and
 * with them rewinding VMs in place, vm.ts, which puts a snapshot back).
 */
import { LAYOUT as L } from '../bridge/protocol';

/** What a VM boots from besides its boot: a snapshot to restore, or a buffer to write one into. */
export interface VmImage {
  restore?: Uint8Array;
  /** The restored VM's wasm memory in KiB (from the snapshot's description). */
  restoreKb?: number;
  capture?: SharedArrayBuffer;
}

/** sandbox/snapshot.js: Int32 [0] MAGIC, [1] description bytes, [2] page bytes; the description at HEAD. */
const MAGIC = 0x4d505331;
const HEAD = 16;
/** Room for the description beside the memory (it lists the non-zero pages and the filesystem). */
const DESCRIPTION_BYTES = 256 * 1024;

interface Entry {
  bytes?: Uint8Array;
  kb?: number;
  /** The VM asked to write one, and its buffer. */
  producer?: { state: number };
  sab?: SharedArrayBuffer;
  off?: boolean;
}

export function snapshotsEnabled(): boolean {
  return process.env.ESP32SIM_VM_SNAPSHOT !== '0';
}

/** The wasm memory size (bytes) a snapshot's description gives, or undefined if it has none. */
function memBytesOf(bytes: Uint8Array, descLen: number): number | undefined {
  try {
    const d = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + HEAD, descLen).toString('latin1')) as { memBytes?: unknown };
    return typeof d.memBytes === 'number' && Number.isInteger(d.memBytes) && d.memBytes > 0 ? d.memBytes : undefined;
  } catch {
    return undefined;
  }
}

/** Per boot (its key): the snapshot, or the VM writing it. Part of the pool: no simulation state. */
export class Snapshots {
  private readonly entries = new Map<string, Entry>();

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = {}));
    return e;
  }

  /** What the next VM of this boot boots from (`capture`: it may be the one that writes the snapshot). */
  image(key: string, memCapBytes: number, capture: boolean): VmImage {
    if (!snapshotsEnabled()) return {};
    const e = this.entry(key);
    this.poll(e);
    if (e.off) return {};
    if (e.bytes) return { restore: e.bytes, restoreKb: e.kb };
    if (!capture || e.producer) return {};
    e.sab = new SharedArrayBuffer(memCapBytes + DESCRIPTION_BYTES);
    return { capture: e.sab };
  }

  /** The VM made with image(): it writes the snapshot if it was asked to. */
  made(key: string, vm: { image: VmImage; state: number }): void {
    if (vm.image.capture) this.entry(key).producer = vm;
  }

  /**
   * The producer's first request of its run: the snapshot it wrote before it took its claim is
   * taken now (nothing of the run has reached the VM yet: its script comes with a later answer).
   */
  started(key: string, vm: { state: number }): void {
    const e = this.entries.get(key);
    if (!e || e.producer !== vm) return;
    this.harvest(e);
    this.abandon(e);
  }

  /** A VM restored from this boot's snapshot failed to boot: no more snapshots for it. */
  failed(key: string): void {
    const e = this.entry(key);
    e.off = true;
    e.bytes = undefined;
    this.abandon(e);
  }

  /** How many bytes the snapshots hold (tests, benchmarks). */
  bytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.bytes?.length ?? 0;
    return n;
  }

  /** Takes the producer's snapshot once it is idle (booted, not claimed); gives up if it ended without one. */
  private poll(e: Entry): void {
    const s = e.producer?.state;
    if (s === undefined || s === L.S_BOOTING || s === L.S_RUNNING) return;
    if (s === L.S_IDLE) this.harvest(e);
    this.abandon(e);
  }

  private harvest(e: Entry): void {
    if (!e.sab) return;
    const w = new Int32Array(e.sab, 0, 4);
    const len = ((HEAD + w[1] + 7) & ~7) + w[2];
    if (!(w[0] === MAGIC && w[1] > 0 && w[2] >= 0 && len <= e.sab.byteLength)) return;
    const bytes = new Uint8Array(e.sab, 0, len).slice();
    e.bytes = bytes;
    e.kb = memBytesOf(bytes, w[1]); // undefined: VMs restored from it are never rewound (SealedVm.rewindable)
    if (e.kb !== undefined) e.kb >>>= 10;
  }

  private abandon(e: Entry): void {
    e.producer = undefined;
    e.sab = undefined;
  }
}
