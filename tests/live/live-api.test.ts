/**
 * The live library API: inputs applied between slices of virtual time are traced and replay
 * exactly; pacing follows an injected wall clock; batch runs do not change.
 */
import { runScenario } from '../../scenarios/runner/runner';
import { LiveInputs, recordedInputs, ReplayInputs, type LiveInput, type PaceClock } from '../../scenarios/runner/live';
import { compareTraces, parseTrace, traceText } from '../../scenarios/runner/tracefile';
import { createSimulation } from '../../devices/simulation/simulation';
import { lab } from '../scenarios/labrun';

jest.setTimeout(120_000);

/** A fake wall clock: sleeping moves it on at once. */
function fakeClock(): PaceClock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

describe('live inputs', () => {
  test('the echo lab typed live: three lines reach the ESP32, Ctrl-C ends the client, the trace replays identically', async () => {
    const inputs: { t: number; ev: LiveInput }[] = [
      { t: 3_000_000, ev: { what: 'type', device: 'pc', line: 'one' } },
      { t: 3_500_123, ev: { what: 'type', device: 'pc', line: 'two words' } },
      { t: 4_000_000, ev: { what: 'type', device: 'pc', line: 'three' } },
      { t: 4_700_000, ev: { what: 'interrupt', device: 'pc' } },
    ];
    const first = await runScenario(lab('echo'), { createSimulation, recordTrace: true, live: { attach: 'pc', inputs: new ReplayInputs(inputs) } });
    const esp = first.devices.find((d) => d.id === 'esp32')!.console.map((l) => l.text);
    expect(esp).toEqual(expect.arrayContaining(["b'one'", "b'two words'", "b'three'"]));
    expect(esp).not.toContain("b'hello'"); // the scenario's own line for the attached console is left out
    expect(first.steps).toEqual([]);
    expect(first.exitCode).toBe(0);
    const ext = first.trace.filter((l) => l.includes('"kind":"external"'));
    expect(ext[0]).toBe('{"t":3000000,"dev":"pc","layer":"input","kind":"external","what":"type","line":"one"}');
    const t = parseTrace(traceText(first));
    if (!t.ok) throw new Error(t.error);
    expect(t.header.live).toEqual({ attach: 'pc' });
    const again = await runScenario(lab('echo'), { createSimulation, recordTrace: true, live: { ...t.header.live, inputs: new ReplayInputs(recordedInputs(t.records)) } });
    expect(compareTraces(t.records, again.trace)).toEqual({ identical: true, count: t.records.length });
  });

  test('LiveInputs paces virtual time to the wall clock at the chosen speed and applies pushed inputs at once', async () => {
    const clock = fakeClock();
    const live = new LiveInputs({ speed: 2, clock });
    expect(await live.nextStop(0, 1_000_000)).toBe(2000); // anchored at wall 0: it slept 1 ms = 2 ms virtual at speed 2
    clock.t = 6;
    expect(await live.nextStop(2000, 1_000_000)).toBe(12_000);
    clock.t = 1000;
    expect(await live.nextStop(12_000, 1_000_000)).toBe(32_000); // behind: one slice (10 ms of wall) at a time
    const got: (number | undefined)[] = [];
    live.push({ what: 'tcp-open', fwd: 0 }, (r) => got.push(r));
    expect(await live.nextStop(32_000, 1_000_000)).toBe(32_000);
    const evs = live.take();
    expect(evs).toEqual([{ what: 'tcp-open', fwd: 0 }]);
    live.applied(evs[0], 7);
    expect(got).toEqual([7]);
    // Ahead of the wall clock it sleeps (the fake clock moves on) until the next slice is due.
    const slept = clock.t;
    expect(await live.nextStop(2_100_000, 3_000_000)).toBeGreaterThan(2_100_000);
    expect(clock.t).toBeGreaterThan(slept);
  });

  test('LiveInputs does not spin: a run less than a millisecond behind the wall clock sleeps until a slice is due', async () => {
    const clock = fakeClock();
    let sleeps = 0;
    const sleep = clock.sleep;
    clock.sleep = async (ms, wake) => {
      sleeps++;
      await sleep(ms, wake);
    };
    const live = new LiveInputs({ speed: 1, clock });
    expect(await live.nextStop(0, 1_000_000)).toBe(1000);
    clock.t = 10.004; // 10.004 ms of wall time: the run at 10 ms is 4 µs behind
    sleeps = 0;
    const stop = await live.nextStop(10_000, 1_000_000);
    expect(sleeps).toBeGreaterThan(0); // it slept (each slice used to be the few µs the wall clock had moved)
    expect(stop).toBeGreaterThanOrEqual(11_000);
    // The end of the run is due as soon as the wall clock reaches it.
    clock.t = 20;
    expect(await live.nextStop(19_999, 20_000)).toBe(20_000);
  });

  test('max speed runs free in slices', async () => {
    const live = new LiveInputs({ speed: 'max' });
    expect(await live.nextStop(0, 1_000_000)).toBe(50_000);
    expect(await live.nextStop(990_000, 1_000_000)).toBe(1_000_000);
  });
});
