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
import type { DiskSnapshot } from './disk-snapshot';

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
/** The largest snapshot a VM whose memory is capped at `memCapBytes` writes. */
export const maxSnapshotBytes = (memCapBytes: number) => memCapBytes + DESCRIPTION_BYTES;

interface Entry {
  bytes?: Uint8Array;
  kb?: number;
  /** The VM asked to write one, and its buffer. */
  producer?: { state: number };
  sab?: SharedArrayBuffer;
  off?: boolean;
  /** Its file on disk (disk-snapshot.ts), once looked for; whether the snapshot came from it or is to be written to it. */
  disk?: DiskSnapshot | null;
  fromDisk?: boolean;
  unsaved?: boolean;
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
  image(key: string, memCapBytes: number, capture: boolean, disk?: () => DiskSnapshot | undefined): VmImage {
    if (!snapshotsEnabled()) return {};
    const e = this.entry(key);
    this.poll(e);
    if (e.off) return {};
    if (!e.bytes && e.disk === undefined && disk) this.load(e, disk() ?? null);
    if (e.bytes) return { restore: e.bytes, restoreKb: e.kb };
    // With a file to fill, the boot's first VM writes the snapshot (a later process restores from it).
    if (!(capture || e.disk) || e.producer || e.unsaved === false) return {};
    e.sab = new SharedArrayBuffer(maxSnapshotBytes(memCapBytes));
    return { capture: e.sab };
  }

  /** The boot's snapshot from its file, if that is a right one. */
  private load(e: Entry, disk: DiskSnapshot | null): void {
    e.disk = disk;
    const bytes = disk?.read();
    if (bytes && this.take(e, bytes)) e.fromDisk = true;
    else if (bytes) disk!.remove();
  }

  /** Writes the snapshots made in this process that their files do not hold yet (at exit). */
  save(): void {
    for (const e of this.entries.values()) {
      this.poll(e); // a VM that booted and was never claimed (a prewarmed one the run did not need)
      if (!e.unsaved || !e.bytes || !e.disk) continue;
      e.unsaved = false;
      e.disk.write(e.bytes);
    }
  }

  /** Snapshots restored from files (tests, benchmarks). */
  loadedFromDisk(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.fromDisk) n++;
    return n;
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
    if (e.fromDisk) e.disk?.remove();
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
    // The length the header gives, if it lies in the buffer: take() checks the rest of the header.
    if (!(len >= HEAD && len <= e.sab.byteLength)) return;
    if (this.take(e, new Uint8Array(e.sab, 0, len).slice()) && e.disk) e.unsaved = true;
  }

  /** `bytes` as the boot's snapshot if they are one (the header sandbox/snapshot.js writes, their length). */
  private take(e: Entry, bytes: Uint8Array): boolean {
    if (bytes.length < HEAD || (bytes.byteOffset & 7) !== 0) return false;
    const w = new Int32Array(bytes.buffer, bytes.byteOffset, 4);
    if (!(w[0] === MAGIC && w[1] > 0 && w[2] >= 0 && ((HEAD + w[1] + 7) & ~7) + w[2] === bytes.length)) return false;
    e.bytes = bytes;
    e.kb = memBytesOf(bytes, w[1]); // undefined: VMs restored from it are never rewound (SealedVm.rewindable)
    if (e.kb !== undefined) e.kb >>>= 10;
    return true;
  }

  private abandon(e: Entry): void {
    e.producer = undefined;
    e.sab = undefined;
  }
}
