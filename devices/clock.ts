/**
 * Wall clocks in virtual time. The simulated world has one date: the
 * scenario's `clock:` (Unix seconds at virtual time 0, a fixed default so runs
 * stay deterministic). NTP serves it and a PC's clock shows it. An ESP32's
 * RTC starts at 2000-01-01 00:00:00 (the port's epoch) at power-on, keeps
 * counting through machine.reset(), and follows whatever the script sets
 * (machine.RTC().datetime(), ntptime.settime()).
 */
import type { Simulator } from '../sim/simulator';
import type { RtcApi } from './contracts';

/** The world's date at virtual time 0 unless the scenario says otherwise: 2026-01-01T00:00:00Z. */
export const DEFAULT_CLOCK_S = 1_767_225_600;
/** Unix seconds of 2000-01-01T00:00:00Z, the ESP32 port's time epoch. */
export const EPOCH_2000_S = 946_684_800;

/**
 * A `clock:` value: an ISO 8601 UTC date-time ("2026-09-01T08:00:00Z", seconds
 * optional, a date alone means midnight) or Unix seconds. Throws a message
 * naming what is wrong.
 */
export function parseClock(v: string | number | undefined): number {
  if (v === undefined) return DEFAULT_CLOCK_S;
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= EPOCH_2000_S && v < 4_102_444_800) return v;
    throw new Error(`bad clock ${v}: Unix seconds between 2000 and 2100 expected`);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]00:?00)?$/.exec(v.trim());
  const bad = () => new Error(`bad clock "${v}": use a UTC date-time such as 2026-09-01T08:00:00Z`);
  if (!m) throw bad();
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (monthDays === undefined || d < 1 || d > monthDays || h > 23 || mi > 59 || s > 59) throw bad();
  if (y < 2000 || y >= 2100) throw new Error(`bad clock "${v}": the year must be between 2000 and 2099`);
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** A civil UTC date-time: month 1-12, weekday 0 = Monday (as MicroPython's localtime), seconds of the day split. */
export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** Unix seconds to a UTC civil date-time (Howard Hinnant's civil_from_days; no Date object: the world clock is virtual). */
export function civilFromUnix(unixS: number): Civil {
  const secs = Math.floor(unixS);
  const days = Math.floor(secs / 86400);
  const sod = secs - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  // 1970-01-01 was a Thursday (weekday 3 counting from Monday).
  const weekday = (((days + 3) % 7) + 7) % 7;
  return { year, month, day, hour: Math.floor(sod / 3600), minute: Math.floor(sod / 60) % 60, second: sod % 60, weekday };
}

/** Two digits, zero-padded. */
export const two = (n: number): string => String(n).padStart(2, '0');

/** The simulated world's time: Unix µs now. */
export class WorldClock {
  constructor(
    private readonly sim: Simulator,
    readonly epochS: number = DEFAULT_CLOCK_S,
  ) {}

  unixUs(): number {
    return this.epochS * 1_000_000 + this.sim.now;
  }
}

/** A board's RTC: a value in µs that runs with virtual time from whatever it was last set to. */
export class Rtc implements RtcApi {
  private offsetUs: number;

  constructor(
    private readonly sim: Simulator,
    startUs = 0,
  ) {
    this.offsetUs = startUs - sim.now;
  }

  nowUs(): number {
    return this.offsetUs + this.sim.now;
  }

  set(us: number): void {
    if (Number.isFinite(us)) this.offsetUs = Math.round(us) - this.sim.now;
  }
}
