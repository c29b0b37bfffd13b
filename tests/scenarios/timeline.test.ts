/**
 * The CLI's readable output: console lines in time order even while a prompt
 * waits for input, terminal-safe text, collapsed blank runs, no repeated
 * tracebacks and glob-friendly targets.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeviceHandle, SimulationApi } from '../../devices/simulation/api';
import { Console } from '../../devices/console';
import { Timeline, printable } from '../../scenarios/cli/timeline';
import { expandTargets } from '../../scenarios/runner/targets';
import { Observer, type TimelineEvent } from '../../scenarios/runner/observe';
import { Simulator } from '../../sim/simulator';

function observed() {
  const sim = new Simulator(1);
  const con = new Console(sim, 'pc');
  const h = { id: 'pc', console: con, scriptState: () => 'running' } as unknown as DeviceHandle;
  const api = { sim, devices: () => [h] } as unknown as SimulationApi;
  const events: TimelineEvent[] = [];
  const obs = new Observer(api, (e) => events.push(e));
  return { sim, con, obs, events };
}

describe('timeline', () => {
  test('a finished line followed by a waiting prompt is shown at once, the prompt only at the end', () => {
    const { sim, con, obs, events } = observed();
    con.write('>>> ');
    sim.at(2_000_000, () => con.write('hello\n>>> '));
    sim.runSync();
    obs.flush();
    expect(events).toEqual([{ type: 'console', t: 2_000_000, device: 'pc', text: '>>> hello' }]);
    obs.flush(true);
    expect(events[1]).toMatchObject({ type: 'console', text: '>>> ', partial: true });
    obs.flush(true);
    expect(events).toHaveLength(2);
  });

  test('console text with escape sequences is made visible instead of driving the terminal', () => {
    expect(printable('\x1b[H\x1b[J  frame')).toEqual({ text: '  frame', cleared: true });
    expect(printable('bell\x07 esc\x1b[31m')).toEqual({ text: 'bell␇ esc␛[31m', cleared: false });
  });

  function render(events: TimelineEvent[], quiet = false) {
    const out: string[] = [];
    const tl = new Timeline({ color: false, quiet, write: (l) => out.push(l) });
    tl.devices(['esp32']);
    for (const e of events) tl.event(e);
    return out;
  }
  const con = (text: string, t = 1): TimelineEvent => ({ type: 'console', t, device: 'esp32', text });

  test('a run of empty console lines collapses into one line; one or two stay as they are', () => {
    const out = render([con('a'), con(''), con(''), con(''), con('b'), con(''), con('c')]);
    expect(out.map((l) => l.replace(/^.*?│ ?/, ''))).toEqual(['a', '⋮ 3 empty lines', 'b', '', 'c']);
  });

  test('a crash whose traceback is already on the console names only the error; quiet shows it all', () => {
    const tb = 'Traceback (most recent call last):\n  File "main.py", line 5, in <module>\nIndexError: list index out of range';
    const crash: TimelineEvent = { type: 'exit', t: 2, device: 'esp32', state: 'crashed', code: 1, failure: tb };
    const loud = render([...tb.split('\n').map((l) => con(l, 2)), crash]);
    expect(loud).toHaveLength(4);
    expect(loud[3]).toMatch(/✘ script crashed: IndexError: list index out of range$/);
    const quiet = render([...tb.split('\n').map((l) => con(l, 2)), crash], true);
    expect(quiet).toHaveLength(4);
    expect(quiet[3]).toMatch(/│ IndexError: list index out of range$/);
  });
});

describe('command-line targets', () => {
  test('a shell glob over a folder of labs skips folders without a scenario; alone such a folder is an error', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'esp32sim-targets-'));
    mkdirSync(path.join(root, 'lab'));
    writeFileSync(path.join(root, 'lab', 'scenario.yaml'), 'name: x\n');
    mkdirSync(path.join(root, 'cli'));
    const both = expandTargets([path.join(root, 'cli'), path.join(root, 'lab')]);
    expect(both.map((t) => t.kind)).toEqual(['skip', 'yaml']);
    expect(expandTargets([path.join(root, 'cli')]).map((t) => t.kind)).toEqual(['missing']);
  });
});
