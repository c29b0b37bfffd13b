import { Simulator } from '../../sim/simulator';
import { Gpio, HISTORY_MAX, LED_PIN } from '../../devices/gpio';

describe('GPIO level history', () => {
  it('keeps the most recent changes of a pin toggled for hours, like a capture buffer', () => {
    const sim = new Simulator(1);
    sim.trace.keep = false;
    const gpio = new Gpio(sim, 'esp32');
    gpio.mode(LED_PIN, 'out');
    const toggles = 3 * HISTORY_MAX + 7;
    for (let i = 1; i <= toggles; i++) {
      sim.at(i * 10_000, () => gpio.write(LED_PIN, i & 1));
    }
    sim.runSync();
    const h = gpio.history(LED_PIN);
    expect(h.length).toBeGreaterThanOrEqual(HISTORY_MAX);
    expect(h.length).toBeLessThanOrEqual(2 * HISTORY_MAX);
    expect(h[h.length - 1]).toEqual([toggles * 10_000, toggles & 1]);
    // What is kept is contiguous: every 10 ms, alternating.
    const gaps = h.slice(1).filter(([t, v], i) => t - h[i][0] !== 10_000 || v !== 1 - h[i][1]);
    expect(gaps).toEqual([]);
  });
});
