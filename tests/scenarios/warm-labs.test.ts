/**
 * Labs in a warm process (a test runner, the UI server): the second and later runs get VMs restored
 * from a snapshot of a booted VM (devices/runtime/micropython/snapshot.ts), then the same VMs rewound
 * in place (vm.ts SealedVm.rewind); their traces and pcaps are the first run's, byte for byte.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { runScenario } from '../../scenarios/runner/runner';
import { loadScenario } from '../../scenarios/schema/index';
import { vmSnapshots } from '../../devices/runtime/micropython/pool';
import { LABS } from '../paths';

const digest = (trace: string[], pcap: Uint8Array | undefined) => createHash('sha256').update(trace.slice(1).join('\n')).update(pcap ?? new Uint8Array()).digest('hex');

describe('labs run one after another in one process', () => {
  for (const lab of ['echo', 'led-udp']) {
    test(`${lab}: every run gives the first run's trace and pcap`, async () => {
      const p = loadScenario(path.join(LABS, lab));
      if (!p.ok) throw new Error(`${lab} does not load`);
      const runs: string[] = [];
      const reused = () => vmSnapshots().restores + vmSnapshots().rewinds;
      const before = reused();
      for (let i = 0; i < 4; i++) {
        const r = await runScenario(p.scenario, { recordTrace: true, pcap: true });
        expect(r.exitCode).toBe(0);
        runs.push(digest(r.trace, r.pcap));
      }
      expect(runs).toEqual(Array(4).fill(runs[0]));
      expect(reused() - before).toBeGreaterThanOrEqual(2); // the later runs' VMs were restored or rewound
    });
  }
});
