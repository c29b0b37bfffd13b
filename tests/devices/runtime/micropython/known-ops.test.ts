import * as fs from 'node:fs';
import * as path from 'node:path';
import { KNOWN_OPS, LAYOUT, MAX_OPS, OP_NAME } from '../../../../devices/runtime/bridge/protocol';
import { runPy } from './helpers';

const PY = path.join(__dirname, '../../../../devices/runtime/micropython/py');

function pyFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pyFiles(path.join(dir, e.name)) : e.name.endsWith('.py') ? [path.join(dir, e.name)] : []));
}

describe('op names interned before a VM starts (KNOWN_OPS)', () => {
  test('every kernel call py/ makes by a literal name is known; the list is valid and without repeats', () => {
    const used = new Set<string>();
    for (const f of pyFiles(PY)) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/\b(?:call|callw|callr)\(\s*'([a-z_][a-z0-9_.]*)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((n) => !KNOWN_OPS.includes(n))).toEqual([]);
    expect(new Set(KNOWN_OPS).size).toBe(KNOWN_OPS.length);
    expect(KNOWN_OPS.every((n) => OP_NAME.test(n))).toBe(true);
    expect(KNOWN_OPS.length).toBeLessThan(MAX_OPS / 4);
  });

  test('every op has a spin count of its own (op & (SPIN_SLOTS - 1)): the interned codes, then the internal ops', () => {
    const ops = [...Array(MAX_OPS).keys(), LAYOUT.OP_INTERNAL, LAYOUT.OP_FLUSH, LAYOUT.OP_FINAL, LAYOUT.OP_REFETCH, LAYOUT.OP_BOOTCFG];
    const slots = ops.map((op) => op & (LAYOUT.SPIN_SLOTS - 1));
    expect(new Set(slots).size).toBe(ops.length);
    expect(slots.every((k) => k >= 0 && k < LAYOUT.SPIN_SLOTS)).toBe(true);
    expect(256 % LAYOUT.SPIN_PROBE).toBe(0); // the skipped waits' byte wraps onto a probe
  });

  test('a script still interns a name of its own (refused by the OS as before), and known calls work', async () => {
    const r = await runPy(['import _kern, time', 'try:', "    _kern.call('no.such_op')", 'except OSError as e:', '    print("err", e.errno)', 'print(time.ticks_ms() >= 0)', ''].join('\n'));
    expect(r.out()).toMatch(/^err \d+\nTrue\n$/);
  });
});
