/** The TCP labs on the real Simulation: each passes, and a replay of its trace is identical. */
import { runScenario } from '../../scenarios/runner/runner';
import { Simulation } from '../../devices/simulation/simulation';
import { explain, lab, run, runAndReplay } from './labrun';

const d = describe;

d('bundled TCP labs', () => {
  test.each(['echo', 'echo-multi', 'led-tcp', 'starwars', 'multi-file'])('lab %s run then replayed passes with an identical trace', async (id) => {
    const { first, diff } = await runAndReplay(id);
    expect({ exit: first.exitCode, why: explain(first) }).toEqual({ exit: 0, why: explain(first) });
    expect(diff).toEqual({ identical: true, count: first.trace.length });
  });
});

d('bundled labs with a garbage collection at every kernel call', () => {
  test.each(['echo', 'led-tcp'])('lab %s gives the same trace when every VM collects at every kernel call', async (id) => {
    const plain = await run(lab(id), true);
    const collected = await runScenario(lab(id), { createSimulation: (o) => new Simulation({ ...o, gcEveryCall: true }), recordTrace: true });
    expect(plain.exitCode).toBe(0);
    expect(collected.trace).toEqual(plain.trace);
  });
});

d('esp32sim run on the echo lab', () => {
  test('run with --pcap --packets --junit exits 0, prints frames, and tshark finds no malformed packet', async () => {
    const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { spawnSync } = await import('node:child_process');
    const { main } = await import('../../scenarios/cli/main');
    const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-echo-'));
    try {
      const out: string[] = [];
      const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), color: false };
      const pcap = path.join(dir, 'echo.pcap');
      const junit = path.join(dir, 'echo.xml');
      const code = await main(['run', path.join(__dirname, '../../scenarios/labs/echo'), '--pcap', pcap, '--packets', '--junit', junit], io);
      expect({ code, out: out.join('\n') }).toEqual({ code: 0, out: out.join('\n') });
      expect(out.some((l) => l.includes('≈ ') && /TCP|tcp/.test(l))).toBe(true);
      expect(readFileSync(junit, 'utf8')).toMatch(/<testsuite name="TCP echo \(tutorial\)" tests="14" failures="0"/);
      const tshark = spawnSync('tshark', ['-r', pcap, '-Y', '_ws.malformed'], { encoding: 'utf8' });
      expect(tshark.error).toBeUndefined(); // .ci/run installs tshark
      expect(tshark.status).toBe(0);
      expect(tshark.stdout.trim()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
