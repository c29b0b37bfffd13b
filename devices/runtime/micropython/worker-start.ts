/**
 * How a MicroPython VM's worker thread is started (its options, in one place), and threads the
 * command starts before it loads anything else (scenarios/cli/bin.js calls `prestartVmThreads`
 * first thing): Node's bootstrap of a worker thread (~30-40 ms of CPU) then runs while the main
 * thread loads the command, instead of after it. A thread started early is the same as one started
 * later: it runs nothing of a VM until its host posts the VM's JavaScript (`init`) and a boot.
 *
 * The bundle (dist/cli.js) requires this file from dist/ rather than carrying a copy of it
 * (scenarios/cli/build.js), so the command and bin.js share the one set of early threads.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/** The worker's script (its file is also part of a VM snapshot's key: vm.ts bootInputs). */
export const VM_WORKER_FILE = path.join(__dirname, 'worker.cjs');
/** A VM thread's own JavaScript heap (its realm, the glue, the VM's in-memory files). */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2, stackSizeMb: 2 };
/** A shared thread's JavaScript heap: each VM's realm, glue and files live in it. */
const sharedLimits = (vms: number) => ({ ...RESOURCE_LIMITS, maxOldGenerationSizeMb: Math.min(1024, 16 + 8 * vms) });

/** What only tests give a thread (the attack runner's probe, compiled by the trusted side). */
export interface VmThreadExtras {
  probeSource?: string;
  outerProbe?: boolean;
}

/** A new VM worker thread for `capacity` VMs at once (1 unless VMs share threads). */
function startVmWorker(capacity = 1, extras: VmThreadExtras = {}): Worker {
  const w = new Worker(VM_WORKER_FILE, {
    workerData: extras,
    execArgv: [],
    stdout: true, // the worker writes nothing; never let it reach our stdout
    stderr: true,
    resourceLimits: capacity > 1 ? sharedLimits(capacity) : RESOURCE_LIMITS,
    trackUnmanagedFds: false,
    env: {}, // even an escape into the worker's own realm would find no environment
  });
  w.unref();
  return w;
}

/** Threads started before the command was loaded, not yet taken (and whether each one is still running). */
class EarlyThreads {
  private readonly waiting: { worker: Worker; ended: boolean }[] = [];

  start(n: number): void {
    for (let i = 0; i < n; i++) {
      const t = { worker: startVmWorker(), ended: false };
      const end = () => {
        t.ended = true;
      };
      t.worker.once('exit', end).once('error', end);
      this.waiting.push(t);
    }
  }

  /** A running early thread for one VM, or undefined (none left, or they ended). */
  take(): Worker | undefined {
    for (let t = this.waiting.shift(); t; t = this.waiting.shift()) if (!t.ended) return t.worker;
    return undefined;
  }
}

const early = new EarlyThreads();

/** Starts `n` VM threads now (bin.js, before it loads the command, for commands that run scripts). */
export function prestartVmThreads(n: number): void {
  early.start(n);
}

/** An early thread for a single VM if one is left, else a new one. */
export function vmWorker(capacity = 1, extras: VmThreadExtras = {}): Worker {
  const plain = capacity === 1 && extras.probeSource === undefined && !extras.outerProbe;
  return (plain ? early.take() : undefined) ?? startVmWorker(capacity, extras);
}
