/**
 * The Python attack corpus (attacks/*.py) as jest tests for one personality:
 * every attack must fail, nothing may escape, and the verdict is the host's.
 */
import { prewarmVms } from '../../devices/runtime/micropython/pool';
import { vmBoot } from '../../devices/runtime/micropython/runtime';
import { assertNothingEscaped, assertVerdict, childPids, corpus, runAttack, type Kind } from './harness';

export function corpusTests(kind: Kind): void {
  const attacks = corpus().filter((a) => !a.only || a.only === kind);
  let children: string[];

  beforeAll(() => {
    // A few booted VMs ahead of the attacks: a VM that broke a rule loses its thread, the pool refills meanwhile.
    process.env.ESP32SIM_VM_POOL = '4';
    prewarmVms([vmBoot(kind)]);
    children = childPids();
  });

  afterAll(() => {
    expect(childPids()).toEqual(children); // no attack started a process
    delete process.env.ESP32SIM_VM_POOL;
  });

  describe(`attacks on the ${kind === 'pc' ? 'PC' : 'ESP32'} personality`, () => {
    test.each(attacks.map((a) => [`${a.family}: ${a.name}: ${a.what}`, a] as const))('%s', async (_title, a) => {
      const res = await runAttack(a, kind);
      prewarmVms([vmBoot(kind)]);
      assertNothingEscaped(res);
      assertVerdict(a, res);
      if (a.twice) {
        const again = await runAttack(a, kind);
        expect(again.out).toBe(res.out);
      }
    });
  });
}
