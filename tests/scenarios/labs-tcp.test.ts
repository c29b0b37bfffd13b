/** The TCP labs on the real Simulation: each passes, and a replay of its trace is identical. */
import { explain, runAndReplay, runtimePresent } from './labrun';

const d = runtimePresent() ? describe : describe.skip;

d('bundled TCP labs', () => {
  test.each(['echo', 'echo-multi', 'led-tcp', 'starwars'])('lab %s run then replayed passes with an identical trace', async (id) => {
    const { first, diff } = await runAndReplay(id);
    expect({ exit: first.exitCode, why: explain(first) }).toEqual({ exit: 0, why: explain(first) });
    expect(diff).toEqual({ identical: true, count: first.trace.length });
  });
});
