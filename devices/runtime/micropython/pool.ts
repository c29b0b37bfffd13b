/**
 * The process-wide pool of booted, unclaimed MicroPython VMs (vm.ts has the VMs and their threads):
 * idle VMs per boot, ready to be claimed; the threads of VMs that ended cleanly, which boot the next
 * ones; the boots' snapshots (snapshot.ts), which make those next VMs cheap; and VMs rewound in place
 * after their run (SealedVm.rewind), which come back here as idle VMs of their boot. It holds no
 * simulation state: a claimed VM is handed its run (seed, script, configuration) only then.
 * ESP32SIM_VM_POOL=0 disables the pool (=n keeps n idle VMs per boot).
 */
import { LAYOUT as L } from '../bridge/protocol';
import { bootInputs, SealedVm, VmThread, type VmBoot } from './vm';
import { vmsPerThread } from './sharing';
import { maxSnapshotBytes, Snapshots } from './snapshot';
import { DiskSnapshot, diskKey, diskSnapshotDir } from './disk-snapshot';

/** Idle VMs kept booted: ESP32SIM_VM_POOL (0 disables the pool), default 2. */
function poolSize(): number {
  const n = Number(process.env.ESP32SIM_VM_POOL ?? 2);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 8) : 2;
}

const bootKey = (b: VmBoot) => `${b.personality}/${b.heapBytes}/${b.pystackWords}/${b.memCapBytes}`;

/**
 * The process-wide pool of booted, unclaimed VMs, per boot (an ESP32's heap, a PC's). It holds no
 * simulation state: a claimed VM is handed its run (seed, script, configuration) only then.
 */
class VmPool {
  private idle = new Map<string, { boot: VmBoot; vms: SealedVm[] }>();
  private threads: VmThread[] = [];
  private readonly snapshots = new Snapshots();
  /** VMs made from a snapshot so far, and VMs rewound in place (tests, benchmarks). */
  restores = 0;
  rewinds = 0;
  /** VMs that ended cleanly, whose threads are not reused yet. */
  private ended: SealedVm[] = [];

  /** A new VM of this boot in this thread (or a new one): restored from the boot's snapshot when there is one. */
  private make(boot: VmBoot, thread: VmThread | undefined, capture: boolean): SealedVm {
    const key = bootKey(boot);
    const image = this.snapshots.image(key, boot.memCapBytes, capture, () => this.diskFor(boot));
    const vm = new SealedVm(boot, this.threadFor(thread), image, this.recycle);
    if (vm.image.restore) this.restores++;
    if (vm.image.capture) {
      this.snapshots.made(key, vm);
      vm.onFirstRequest = () => this.snapshots.started(key, vm);
    }
    return vm;
  }

  /** Whether the snapshots made here are written to their files at exit. */
  private saving = false;

  /** The file of this boot's snapshot (disk-snapshot.ts), when they are kept on disk. */
  private diskFor(boot: VmBoot): DiskSnapshot | undefined {
    const dir = diskSnapshotDir();
    if (!dir) return undefined;
    if (!this.saving) {
      this.saving = true;
      process.once('exit', () => this.snapshots.save());
    }
    return new DiskSnapshot(dir, diskKey(bootInputs(boot)), maxSnapshotBytes(boot.memCapBytes));
  }

  /** The shared thread that takes new VMs until it is full. */
  private filling: VmThread | undefined;

  /** A recycled thread of its own for the next VM (never when VMs share threads). */
  private spare(): VmThread | undefined {
    return vmsPerThread() > 1 ? undefined : this.threads.pop();
  }

  /** The thread a new VM boots in: this recycled one if it is alive, else a shared one with room, else a new one. */
  threadFor(recycled?: VmThread): VmThread {
    if (recycled?.alive) return recycled;
    const n = vmsPerThread();
    return n > 1 ? this.sharedThread(n) : new VmThread();
  }

  /** A shared thread with room for one more VM (a new one when the last is full, closed or gone). */
  private sharedThread(capacity: number): VmThread {
    const t = this.filling;
    if (t && t.alive && t.open && t.capacity === capacity && t.hosted < capacity) return t;
    this.filling = new VmThread({}, capacity);
    return this.filling;
  }

  private list(boot: VmBoot): { boot: VmBoot; vms: SealedVm[] } {
    const key = bootKey(boot);
    let l = this.idle.get(key);
    if (!l) this.idle.set(key, (l = { boot, vms: [] }));
    l.vms = l.vms.filter((v) => {
      if (v.thread.alive && v.state !== L.S_CRASHED && v.state !== L.S_RETIRED) return true;
      if (v.image.restore && v.state === L.S_CRASHED) this.snapshots.failed(key); // never restore that boot again
      if (v.thread.shared) v.finish(false); // it leaves its shared thread
      return false;
    });
    return l;
  }

  /** A VM with this boot: a pooled one if any is alive and booted (or booting), else a fresh one. */
  take(boot: VmBoot): { vm: SealedVm; pooled: boolean } {
    this.reuseEnded();
    const l = this.list(boot);
    const vm = l.vms.find((v) => v.state === L.S_IDLE) ?? l.vms[0];
    if (vm) l.vms.splice(l.vms.indexOf(vm), 1);
    // No top-up here: a one-shot run never pays for idle VMs. Threads of VMs that end come back
    // through recycle() and boot the next pooled VMs, so a process that runs many simulations keeps warm.
    return vm ? { vm, pooled: true } : { vm: this.make(boot, this.spare(), false), pooled: false };
  }

  /** Boots idle VMs of this boot up to the pool size, or `upTo` (in recycled threads first). */
  fill(boot: VmBoot, upTo = poolSize()): void {
    this.reuseEnded();
    const l = this.list(boot);
    const size = Math.min(upTo, poolSize());
    while (l.vms.length < size) l.vms.push(this.make(boot, this.spare(), false));
  }

  /** A VM ended cleanly: its thread boots the next VM of the same boot if that pool is short, or waits. */
  readonly recycle = (vm: SealedVm): void => {
    // Not now: the run that ended this VM goes on. Its thread boots the next VM once the host is back
    // in its event loop, or when the pool is asked for a VM, whichever comes first.
    if (this.ended.push(vm) === 1) setImmediate(() => this.reuseEnded()); // wall-clock-ok: schedules a boot, nothing simulated
  };

  private reuseEnded(): void {
    const ended = this.ended;
    this.ended = [];
    for (const vm of ended) this.reuse(vm);
  }

  private reuse(vm: SealedVm): void {
    if (vm.takeRewound()) {
      this.rewinds++;
      // Rewound in place: it is the next idle VM of its boot, unless the pool has enough.
      const l = this.list(vm.boot);
      if (vm.thread.alive && l.vms.length < poolSize()) l.vms.push(vm);
      else vm.thread.terminate();
      return;
    }
    const t = vm.freeThread();
    if (!t) return;
    const l = this.list(vm.boot);
    // A process that runs simulations one after another: the first VM booted here writes the boot's snapshot.
    if (l.vms.length < poolSize()) l.vms.push(this.make(vm.boot, t, true));
    else if (this.threads.length < 8) this.threads.push(t);
    else t.terminate();
  }

  snapshotCounts(): { bytes: number; restores: number; rewinds: number; fromDisk: number } {
    return { bytes: this.snapshots.bytes(), restores: this.restores, rewinds: this.rewinds, fromDisk: this.snapshots.loadedFromDisk() };
  }

  counts(): { idle: number; booted: number } {
    this.reuseEnded();
    let idle = 0;
    let booted = 0;
    for (const l of this.idle.values()) {
      for (const v of l.vms) {
        if (!v.thread.alive || v.state === L.S_RETIRED || v.state === L.S_CRASHED) continue;
        idle++;
        if (v.state === L.S_IDLE) booted++;
      }
    }
    return { idle, booted };
  }
}

const pool = new VmPool();

/** Starts booting pooled VMs of these boots (the command calls this before it loads the rest). */
export function prewarmVms(boots: VmBoot[], each = poolSize()): void {
  for (const b of boots) pool.fill(b, each);
}

/** A VM with this boot, from the pool when one is there (the pool is then topped up). */
export function takeVm(boot: VmBoot): { vm: SealedVm; pooled: boolean } {
  if (poolSize() === 0) return { vm: new SealedVm(boot, pool.threadFor(), {}, pool.recycle), pooled: false };
  return pool.take(boot);
}

/** Live pooled VMs not yet claimed, and how many of them have booted (tests and benchmarks). */
export function idleVms(): { idle: number; booted: number } {
  return pool.counts();
}

/** Bytes the pool's snapshots hold, how many VMs were made from one, how many rewound, how many snapshots came from disk (tests and benchmarks). */
export function vmSnapshots(): { bytes: number; restores: number; rewinds: number; fromDisk: number } {
  return pool.snapshotCounts();
}
