import { Simulator } from '../../sim/simulator';
import { Console, LINE_MAX, Stdin, TAIL_CHARS, TAIL_LINES } from '../../devices/console';

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

  test('megabytes without a newline: every piece reaches the listeners, memory stays at the tail', () => {
    const sim = new Simulator(1);
    sim.trace.keep = false;
    const c = new Console(sim, 'esp32');
    const seen: number[] = [];
    c.onLine((l) => seen.push(l.text.length));
    const chunk = 'x'.repeat(4096);
    const mb = 16;
    for (let i = 0; i < (mb * 1024 * 1024) / chunk.length; i++) c.write(chunk);
    expect(c.written).toBe(mb * 1024 * 1024);
    // A line longer than LINE_MAX arrives in LINE_MAX pieces; nothing is lost.
    expect(seen.length).toBe((mb * 1024 * 1024) / LINE_MAX);
    expect(seen.every((n) => n === LINE_MAX)).toBe(true);
    expect(c.text().length).toBeLessThanOrEqual(2 * TAIL_CHARS);
    expect(c.textSince(c.written - 10)).toBe('xxxxxxxxxx');
  });

  test('many lines: the kept lines are a tail with absolute numbering', () => {
    const sim = new Simulator(1);
    sim.trace.keep = false;
    const c = new Console(sim, 'esp32');
    const n = 3 * TAIL_LINES;
    for (let i = 0; i < n; i++) c.write(`line ${i}\n`);
    expect(c.lineCount).toBe(n);
    expect(c.lines.length).toBeLessThanOrEqual(2 * TAIL_LINES);
    expect(c.lines[c.lines.length - 1].text).toBe(`line ${n - 1}`);
    expect(c.lines[0].text).toBe(`line ${c.lineCount - c.lines.length}`);
  });

  test('textSince reads from an absolute offset, across writes', () => {
    const sim = new Simulator(1);
    const c = new Console(sim, 'esp32');
    c.write('abc');
    c.write('def\n');
    c.write('ghi');
    expect(c.textSince(2)).toBe('cdef\nghi');
    expect(c.textSince(7)).toBe('ghi');
    expect(c.textSince(10)).toBe('');
    expect(c.text()).toBe('abcdef\nghi');
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
