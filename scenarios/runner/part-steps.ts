/**
 * The steps on parts (schema/part-steps.ts) against a running simulation:
 * buttons, analog values and sensors through the device handle (which traces
 * each input once), NeoPixel colours and pin changes checked or waited for.
 */
import type { Step } from '../schema/model';
import { colorText } from '../schema/model';
import type { StepContext, StepVerdict, WaitOutcome } from './steps';

type PartStep = Extract<Step, { kind: 'press' | 'release' | 'set-analog' | 'set-sensor' | 'expect-neopixel' | 'wait-pin-change' }>;

const ok: StepVerdict = { ok: true, message: '' };

/** Expected vs shown colour: a 3-value colour on an RGBW strip means white off. */
function same(want: readonly number[], got: readonly number[]): boolean {
  return got.length >= want.length && got.every((x, i) => x === (want[i] ?? 0));
}

export async function runPartStep(
  c: StepContext,
  s: PartStep,
  waited: (r: WaitOutcome, what: string, timeoutUs: number | undefined) => StepVerdict,
): Promise<StepVerdict> {
  const h = c.api.device(s.device);
  switch (s.kind) {
    case 'press': {
      h.press(s.part);
      if (s.forUs === undefined) return ok;
      const r = await c.runUntil(() => false, c.now() + s.forUs);
      if (r !== 'deadline') return waited(r, `${s.part} not released`, undefined);
      h.release(s.part);
      return ok;
    }
    case 'release':
      h.release(s.part);
      return ok;
    case 'set-analog':
      h.setAnalog(s.part, s.volts);
      return ok;
    case 'set-sensor':
      h.setSensor(s.part, { ...(s.temperature !== undefined ? { temperature: s.temperature } : {}), ...(s.humidity !== undefined ? { humidity: s.humidity } : {}) });
      return ok;
    case 'expect-neopixel': {
      const strip = () => h.neopixel(s.part);
      const n = strip().length;
      if (s.pixel !== undefined && s.pixel >= n) return { ok: false, message: `${s.part} has ${n} pixels (0 to ${n - 1}): no pixel ${s.pixel}` };
      if (s.pixels && s.pixels.length !== n) return { ok: false, message: `${s.part} has ${n} pixels, the step lists ${s.pixels.length}` };
      const match = () => {
        const px = strip();
        return s.pixels ? s.pixels.every((want, i) => same(want, px[i])) : same(s.color ?? [], px[s.pixel ?? 0]);
      };
      const shown = () => (s.pixels ? strip().map(colorText).join(' ') : colorText(strip()[s.pixel ?? 0]));
      if (s.timeoutUs === undefined) return match() ? ok : { ok: false, message: `${s.part} of ${s.device} shows ${shown()}` };
      const r = await c.runUntil(match, c.now() + s.timeoutUs);
      return waited(r, `${s.part} of ${s.device} still shows ${shown()}`, s.timeoutUs);
    }
    case 'wait-pin-change': {
      const from = c.now();
      const changes = () => h.pinChangesSince(s.pin, from).length;
      const r = await c.runUntil(() => changes() >= s.count, s.timeoutUs === undefined ? Infinity : from + s.timeoutUs);
      const what = s.count === 1 ? `pin ${s.pin} of ${s.device} did not change (it stayed ${h.pin(s.pin)})` : `pin ${s.pin} of ${s.device} changed ${changes()} times, not ${s.count}`;
      return waited(r, what, s.timeoutUs);
    }
  }
}

