import { KNOWN_OPS } from '../../../../devices/runtime/bridge/protocol';
import { SealedVm } from '../../../../devices/runtime/micropython/vm';
import { runPy } from './helpers';

// The host writes the run's configuration into the VM's buffer before the claim (LAYOUT.CFG_HEAD):
// the VM answers the script's first 'config' call from it, with no hand-over; a later one is the host's.
const CONFIG = KNOWN_OPS.indexOf('config') + 1;

/** Runs `source`, counting the 'config' requests the host was handed. */
async function configHandovers(source: string, opts: Parameters<typeof runPy>[1]) {
  const next = SealedVm.prototype.next;
  let n = 0;
  const spy = jest.spyOn(SealedVm.prototype, 'next').mockImplementation(function (this: SealedVm, budgetMs: number) {
    const op = next.call(this, budgetMs);
    if (op === CONFIG) n++;
    return op;
  });
  try {
    const r = await runPy(source, opts);
    return { out: r.out(), n };
  } finally {
    spy.mockRestore();
  }
}

describe("a run's configuration, handed to the VM with its claim", () => {
  test("the boot's config call costs no hand-over; the script's own one is the host's, and answers the same", async () => {
    expect(await configHandovers('print("x")', { seed: 11 })).toEqual({ out: 'x\n', n: 0 });
    const source = [
      'import _kern',
      'c = _kern.call("config")',
      // What the boot's call answered (kept in _kern.CFG, less the script's text, which the boot took out).
      'print(c["filename"], c["seed"], c["source"] is not None, all(_kern.CFG[k] == v for k, v in c.items() if k != "source"))',
    ].join('\n');
    expect(await configHandovers(source, { seed: 11 })).toEqual({ out: 'main.py 11 True True\n', n: 1 });
  });

  test('an ESP32 and a PC get their own configuration (the PC mounts no flash)', async () => {
    const source = ['import _kern', 'c = _kern.call("config")', 'print(c["flash"], c["seed"])'].join('\n');
    expect((await configHandovers(source, { seed: 5 })).out).toBe('/ 5\n');
    expect((await configHandovers(source, { seed: 6, kind: 'pc' })).out).toBe('None 6\n');
  });
});
