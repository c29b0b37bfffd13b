/**
 * The kernel calls of the ESP32's peripherals (BoardApi.peripheralCall): one
 * `case 'op'` each, answered exactly once, after the time the hardware takes.
 * Arguments are checked here; a bad one answers EINVAL, never throws. ESP-IDF
 * error codes travel as ESP_ERR_FLAG + code (py/_esperr.py turns them into
 * OSError(code, 'ESP_ERR_...') as check_esp_err does on the board).
 */
import type { SysResult, SysValue } from '../runtime/contract';
import type { Esp32Hardware } from './hardware';
import { OW_RESET_US, OW_SLOT_US } from './parts';
import { HW_TIMERS } from './timers';
import { RTC_MEMORY_MAX, RTC_PINS } from './power';
import { espNowCall } from './espnow-calls';

export const EINVAL = 22;
export const ETIMEDOUT = 116;
/** An ESP-IDF esp_err_t, not an errno: answered as ESP_ERR_FLAG + code. */
export const ESP_ERR_FLAG = 0x10000;
export const ESP_ERR_TIMEOUT = 0x107;

type Answer = (r: SysResult) => void;
const ok = (value: SysValue = null): SysResult => ({ ok: true, value });
const fail = (errno: number): SysResult => ({ ok: false, errno });

export function num(v: SysValue | undefined, dflt = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'boolean' ? (v ? 1 : 0) : dflt;
}
export function optNum(v: SysValue | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
export function bytesArg(v: SysValue | undefined): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array(0);
}

/** Carries out a peripheral call; false when `op` is not one of them. */
export function peripheralCall(hw: Esp32Hardware, op: string, a: SysValue[], answer: Answer): boolean {
  const sim = hw.sim;
  const later = (us: number, r: SysResult) => void sim.schedule(Math.max(0, Math.round(us)), () => answer(r));
  const pin = num(a[0]);
  switch (op) {
    case 'irq.take':
      answer(ok(hw.irqs.take(a[0] === undefined || a[0] === null ? Infinity : num(a[0]))));
      return true;
    case 'irq.push':
      // micropython.schedule(): false when the queue is full. Raised after the answer, so the
      // entry rides on the next answer instead of setting this call aside.
      if (hw.irqs.full) answer(ok(false));
      else {
        answer(ok(true));
        hw.irqs.raise('sched', num(a[0]));
      }
      return true;
    case 'pin.mode': {
      // Pin.init(): mode 'in' | 'out' | 'od' or 'keep'; pull 'up' | 'down' | null (none) or 'keep'.
      const m = a[1] === 'out' || a[1] === 'od' || a[1] === 'in' ? a[1] : hw.gpio.modeOf(pin);
      const p = a[2] === 'keep' ? hw.gpio.pullOf(pin) : a[2] === 'up' || a[2] === 'down' ? a[2] : null;
      hw.gpio.mode(pin, m, p);
      answer(ok());
      return true;
    }
    case 'timer.init': {
      const id = num(a[0], -1);
      const period = num(a[2], NaN);
      if (!Number.isInteger(id) || id < 0 || id >= HW_TIMERS || !(period >= 0)) answer(fail(EINVAL));
      else {
        hw.timers.init(id, Boolean(a[1]), period);
        answer(ok());
      }
      return true;
    }
    case 'timer.deinit':
      hw.timers.deinit(num(a[0]));
      answer(ok());
      return true;
    case 'timer.value':
      answer(ok(hw.timers.valueMs(num(a[0]))));
      return true;
    case 'pin.irq':
      hw.power.clearExt0(pin);
      answer(ok(hw.pinIrqs.set(pin, num(a[1]))));
      return true;
    case 'pin.wake':
      // esp32.wake_on_ext0(None, ...): no ext0 wake-up any more.
      if (pin === -1) hw.power.setExt0(-1, 0, 0), answer(ok());
      else if (!RTC_PINS.includes(pin)) answer(fail(EINVAL));
      else {
        hw.pinIrqs.set(pin, 0);
        hw.power.setExt0(pin, num(a[1]) ? 1 : 0, num(a[2]));
        answer(ok());
      }
      return true;
    case 'pin.bitstream':
      bitstream(hw, pin, a, later);
      return true;
    case 'adc.init':
      answer(num(a[1], -1) < 0 || hw.adc.setAtten(pin, num(a[1])) ? ok([hw.adc.attenOf(pin), hw.adc.widthOf(pin)]) : fail(EINVAL));
      return true;
    case 'adc.width':
      answer(hw.adc.setWidth(pin, num(a[1])) ? ok() : fail(EINVAL));
      return true;
    case 'adc.read': {
      const r = hw.adc.read(pin);
      // One conversion takes tens of µs on the board: within the kernel call's own cost.
      answer(r.ok ? ok(r.raw) : fail(ESP_ERR_FLAG + ESP_ERR_TIMEOUT));
      return true;
    }
    case 'adc.uv': {
      const r = hw.adc.readUv(pin);
      answer(r.ok ? ok(r.uv) : fail(ESP_ERR_FLAG + ESP_ERR_TIMEOUT));
      return true;
    }
    case 'wdt.init':
      hw.power.watchdog(num(a[0], 5000));
      answer(ok());
      return true;
    case 'wdt.feed':
      hw.power.feed();
      answer(ok());
      return true;
    case 'power.cause':
      answer(ok([hw.power.resetCause, hw.power.wakeReason]));
      return true;
    case 'power.freq': {
      const f = optNum(a[0]);
      if (f === null) answer(ok(hw.power.freqHz));
      else answer(hw.power.setFreq(f) ? ok() : fail(EINVAL));
      return true;
    }
    case 'time.ticks_cpu':
      answer(ok(hw.power.ticksCpu()));
      return true;
    case 'power.deepsleep':
      hw.power.deepSleep(optNum(a[0]));
      return true; // the board powers down: this call never returns
    case 'power.lightsleep':
      hw.power.lightSleep(optNum(a[0]), () => answer(ok()));
      return true;
    case 'rtc.memget':
      answer(ok(hw.power.rtcMemory.slice()));
      return true;
    case 'rtc.memset': {
      const data = bytesArg(a[a.length - 1]);
      if (data.length > RTC_MEMORY_MAX) answer(fail(EINVAL));
      else {
        hw.power.rtcMemory = data.slice();
        answer(ok());
      }
      return true;
    }
    case 'dht.read': {
      const dht = hw.parts.dht(pin);
      hw.gpio.mode(pin, 'od');
      if (!dht) return later(268_110, fail(ETIMEDOUT)), true;
      const r = dht.read();
      later(r.tookUs, r.ok ? ok(r.bytes) : fail(ETIMEDOUT));
      return true;
    }
    case 'ow.reset': {
      const bus = hw.parts.bus(pin);
      later(OW_RESET_US, ok(bus ? bus.reset() : false));
      return true;
    }
    case 'ow.rbits': {
      // n read slots (readbit: 1, readbyte: 8, readinto: 8 per byte), LSB first.
      const n = Math.max(0, Math.min(8 * 256, Math.round(num(a[1], 1))));
      const bus = hw.parts.bus(pin);
      const out = new Uint8Array(Math.ceil(n / 8));
      for (let i = 0; i < n; i++) if (bus ? bus.readBit() : 1) out[i >> 3] |= 1 << (i & 7);
      later(n * OW_SLOT_US, ok(out));
      return true;
    }
    case 'ow.wbits': {
      // Write slots: the bits of `data`, LSB first; `a[1]` of them (8 per byte by default).
      const data = bytesArg(a[a.length - 1]);
      const n = Math.min(data.length * 8, Math.round(num(a[1], data.length * 8)));
      const bus = hw.parts.bus(pin);
      for (let i = 0; i < n; i++) bus?.writeBit((data[i >> 3] >> (i & 7)) & 1);
      later(n * OW_SLOT_US, ok());
      return true;
    }
    default:
      return op.startsWith('espnow.') ? espNowCall(hw, op, a, answer) : false;
  }
}

/** machine.bitstream(pin, 0, (high0, low0, high1, low1), data): the strip on the pin takes it; returns when sent. */
function bitstream(hw: Esp32Hardware, pin: number, a: SysValue[], later: (us: number, r: SysResult) => void): void {
  const t = (typeof a[1] === 'string' ? a[1] : '').split(',').map(Number);
  const data = bytesArg(a[a.length - 1]).slice();
  if (t.length !== 4 || t.some((x) => !(x > 0))) return later(0, fail(EINVAL));
  let ns = 0;
  for (const byte of data) for (let i = 7; i >= 0; i--) ns += (byte >> i) & 1 ? t[2] + t[3] : t[0] + t[1];
  const us = Math.ceil(ns / 1000);
  // The pixels take their colours as the last bit arrives; the call returns then.
  hw.sim.schedule(us, () => hw.parts.strip(pin)?.receive(data, (bit) => (bit ? t[2] : t[0]), hw.sim.now));
  later(us, ok());
}
