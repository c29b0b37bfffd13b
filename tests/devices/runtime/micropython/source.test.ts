import { runPy } from './helpers';

// A script up to 16 KiB comes inside the configuration; a longer one is read with 'source' calls.
describe("the script's text reaches the VM whole", () => {
  const odd = 's = "caf\u00e9 \\\\ \\" \\t \u2603 \\x00"\nprint(len(s), s.encode())\n';

  test('a small script with escapes and non-ASCII text (inside the configuration)', async () => {
    const r = await runPy(odd);
    expect(r.out()).toBe(`14 b'caf\\xc3\\xa9 \\\\ " \\t \\xe2\\x98\\x83 \\x00'\n`);
  });

  test('a script over 16 KiB (read in pieces), on both personalities', async () => {
    const big = odd + Array.from({ length: 800 }, (_, i) => `x${i} = ${i} * 2  # padding padding`).join('\n') + '\nprint(x799)\n';
    expect(big.length).toBeGreaterThan(16 * 1024);
    for (const kind of ['esp32', 'pc'] as const) {
      const r = await runPy(big, { kind });
      expect(r.out()).toBe(`14 b'caf\\xc3\\xa9 \\\\ " \\t \\xe2\\x98\\x83 \\x00'\n1598\n`);
    }
  });
});
