/**
 * Child of disk-snapshot.test.ts, a process of its own (as `esp32sim run` is): runs one probe on an
 * ESP32 VM from the pool, whose boot's snapshot is kept in ESP32SIM_VM_SNAPSHOT's folder, and prints
 * one JSON line of what it saw.
 */
import { createHash } from 'node:crypto';
import type { MicroPythonRuntime } from '../../../../devices/runtime/micropython/runtime';
import { vmSnapshots } from '../../../../devices/runtime/micropython/pool';
import { runPy, VM_PROBE as PROBE } from './helpers';

(async () => {
  const r = await runPy(PROBE, { kind: 'esp32', seed: 7 });
  const trace = createHash('sha256').update(r.board.sim.trace.text()).digest('hex');
  const result = { out: r.out(), trace, restored: (r.runtime as MicroPythonRuntime).restored, fromDisk: vmSnapshots().fromDisk };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0); // the pool writes the boot's snapshot at exit
})();
