/** Live options: --speed takes a factor of real time or `max`. */
import { parseSpeed } from '../../scenarios/cli/live-options';

test('--speed: a factor (2, 2x, 0.5) or max, whatever its case', () => {
  expect(parseSpeed('max')).toEqual({ ok: true, value: 'max' });
  expect(parseSpeed(' MAX ')).toEqual({ ok: true, value: 'max' });
  expect(parseSpeed('2x')).toEqual({ ok: true, value: 2 });
  expect(parseSpeed('0.5')).toEqual({ ok: true, value: 0.5 });
  expect(parseSpeed('ma').ok).toBe(false);
  expect(parseSpeed('0').ok).toBe(false);
});
