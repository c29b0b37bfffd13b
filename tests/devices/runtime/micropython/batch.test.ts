import type { MicroPythonRuntime } from '../../../../devices/runtime';
import { LAYOUT as L } from '../../../../devices/runtime/bridge/protocol';
import { runPy, startPy, type PyRun } from './helpers';

/** What a run did, as the board saw it: console lines, GPIO 2's levels and the trace, each with its virtual time. */
function seen(r: PyRun) {
  return {
    lines: r.board.console.lines.map((l) => [l.t, l.text]),
    pin2: r.board.gpio.history(2),
    pin4: r.board.gpio.history(4),
    trace: r.board.sim.trace.text(),
    end: r.board.sim.now,
    state: r.proc.state,
  };
}

async function both(source: string) {
  const off = await runPy(source, { batchCalls: false });
  const on = await runPy(source, { batchCalls: true });
  return { off, on, rOff: off.runtime as MicroPythonRuntime, rOn: on.runtime as MicroPythonRuntime };
}

describe('MicroPython calls put off until the next call that needs an answer (pin writes)', () => {
  test('the batch holds BATCH_MAX whole entries after its count word, and no more', () => {
    const words = L.BATCH_SIZE >> 2;
    expect(1 + L.BATCH_MAX * L.BATCH_ENTRY_WORDS).toBeLessThanOrEqual(words);
    expect(1 + (L.BATCH_MAX + 1) * L.BATCH_ENTRY_WORDS).toBeGreaterThan(words);
    expect(L.BATCH_OFF + L.BATCH_SIZE).toBeLessThanOrEqual(L.TOTAL);
  });

  test('many pin writes between prints, then a sleep: the same run, one hand-over instead of one per write', async () => {
    const source = [
      'import time',
      'from machine import Pin',
      'led = Pin(2, Pin.OUT)',
      'other = Pin(4, Pin.OUT, value=1)',
      'for i in range(40):',
      '    led.value(i & 1)',
      '    if i % 10 == 0:',
      '        print("at", i)',
      '    other.off() if i & 2 else other.on()',
      'led.toggle()',
      'print("ticks", time.ticks_us())',
      'time.sleep_ms(5)',
      'led.on()',
      'print("end", led.value())',
    ].join('\n');
    const { off, on, rOff, rOn } = await both(source);
    expect(seen(on)).toEqual(seen(off));
    expect(seen(on).state).toBe('exited');
    expect(off.board.gpio.history(2)).toHaveLength(42);
    expect(rOff.deferred).toBe(0);
    // Every pin write but the first of Pin(4, value=1) (the mode call that follows carries it) is put off.
    expect(rOn.deferred).toBe(1 + 40 + 40 + 1 + 1);
    expect(rOff.handovers - rOn.handovers).toBe(rOn.deferred);
  });

  test('more writes than the batch area holds: it goes with a call of its own when full, the run is the same', async () => {
    const source = ['import time', 'from machine import Pin', 'p = Pin(2, Pin.OUT)', 'for i in range(500):', '    p.value(i & 1)', 'time.sleep_us(10)', 'print("done")'].join('\n');
    const { off, on, rOn } = await both(source);
    expect(seen(on)).toEqual(seen(off));
    expect(on.board.gpio.history(2)).toHaveLength(500);
    expect(rOn.deferred).toBeGreaterThan(490);
  });

  test('once the script sets up a callback source nothing is put off (a callback could fall due after a write)', async () => {
    const source = [
      'from machine import Pin',
      'p = Pin(2, Pin.OUT)',
      'p.on()',
      'p.off()',
      'try:',
      '    Pin(4, Pin.IN).irq(handler=lambda x: None)',
      'except OSError:',
      '    pass',
      'for i in range(10):',
      '    p.value(i & 1)',
      'print("done")',
    ].join('\n');
    const { off, on, rOn } = await both(source);
    expect(seen(on)).toEqual(seen(off));
    expect(rOn.deferred).toBe(2);
  });
});

describe('a Ctrl-C that reaches a pin write put off', () => {
  test('is raised at the script\'s next call (the script had gone past the write), not lost', async () => {
    const source = ['import time', 'from machine import Pin', 'p = Pin(2, Pin.OUT)', 'time.sleep_ms(1)', 'for i in range(5):', '    p.value(i & 1)', 'time.sleep(10)', 'print("not reached")'].join('\n');
    // Where the second write of the loop is handed to the OS (the same virtual time with or without putting off).
    const ref = await runPy(source, { batchCalls: false });
    const second = ref.board.gpio.history(2)[1][0];
    const interrupted = async (batchCalls: boolean) => {
      const r = startPy(source, { batchCalls });
      r.board.sim.schedule(second - 1 - r.board.sim.now, () => r.proc.interrupt());
      await r.board.sim.run({ until: 60_000_000, stopWhen: () => r.proc.state !== 'running' });
      r.proc.kill();
      return r;
    };
    // Without putting off, the write itself raises it (Ctrl-C lands between two calls either way).
    expect((await interrupted(false)).out()).toContain('line 6');
    const r = await interrupted(true);
    expect(r.out()).toContain('KeyboardInterrupt');
    expect(r.out()).toContain('line 7'); // the sleep: the next call after the writes
    expect(r.out()).not.toContain('not reached');
    expect(r.board.sim.now).toBeLessThan(second + 1_000_000);
  });
});
