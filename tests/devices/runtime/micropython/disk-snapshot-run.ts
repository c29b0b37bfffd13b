/**
 * Child of disk-snapshot.test.ts, a process of its own (as `esp32sim run` is): runs one probe on an
 * ESP32 VM from the pool, whose boot's snapshot is kept in ESP32SIM_VM_SNAPSHOT's folder, and prints
 * one JSON line of what it saw.
 */
import { createHash } from 'node:crypto';
import type { MicroPythonRuntime } from '../../../../devices/runtime/micropython/runtime';
import { vmSnapshots } from '../../../../devices/runtime/micropython/pool';
import { runPy } from './helpers';

// What a VM is made of, as a script sees it: heap addresses and free memory, a frozen module's inode, the PRNG, the modules.
const PROBE = [
  'import gc, os, sys, random',
  'a = object(); b = [1, 2, 3]; c = "x" * 40',
  'print(id(a), id(b), id(c), gc.mem_free(), gc.mem_alloc())',
  'print(os.stat("/.frozen/_kern.py"))',
  'print(random.getrandbits(30), random.random())',
  'print(sorted(sys.modules.keys()))',
  'gc.collect()',
  'print(gc.mem_free(), id(object()))',
  '',
].join('\n');

(async () => {
  const r = await runPy(PROBE, { kind: 'esp32', seed: 7 });
  const trace = createHash('sha256').update(r.board.sim.trace.text()).digest('hex');
  const result = { out: r.out(), trace, restored: (r.runtime as MicroPythonRuntime).restored, fromDisk: vmSnapshots().fromDisk };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0); // the pool writes the boot's snapshot at exit
})();
