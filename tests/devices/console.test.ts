import { Simulator } from '../../sim/simulator';
import { Console, Stdin } from '../../devices/console';

describe('UART console', () => {
  test('partial writes form one line stamped when its newline is printed', () => {
    const sim = new Simulator(1);
    const c = new Console(sim, 'esp32');
    sim.at(100, () => c.write('tcp '));
    sim.at(250, () => c.write('waiting...\nacc'));
    sim.at(400, () => c.write('epting.....\r\n'));
    sim.runSync();
    expect(c.lines).toEqual([
      { t: 250, text: 'tcp waiting...' },
      { t: 400, text: 'accepting.....' },
    ]);
    expect(c.text()).toBe('tcp waiting...\naccepting.....\r\n');
    expect(sim.trace.text()).toContain('"layer":"console","kind":"line","text":"tcp waiting..."');
  });
});

describe('stdin', () => {
  test('reader waiting for a line is answered when the line is typed; typed-ahead lines queue', () => {
    const sim = new Simulator(1);
    const s = new Stdin(sim, 'pc');
    const got: string[] = [];
    s.readLine((l) => got.push(l));
    expect(got).toEqual([]);
    s.push('hello');
    s.push('world');
    expect(got).toEqual(['hello']);
    s.readLine((l) => got.push(l));
    expect(got).toEqual(['hello', 'world']);
  });
});
