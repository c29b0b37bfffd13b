/**
 * Power and reset of an ESP32 in virtual time: reset causes and wake reasons
 * (machine.reset_cause(), wake_reason()), the task watchdog behind machine.WDT,
 * deep sleep (the board powers down and boots again: DEEPSLEEP_RESET), light
 * sleep (the CPU pauses, callbacks wait, WiFi drops and rejoins), ext0 wake on
 * a pin (Pin.irq(trigger=WAKE_LOW|WAKE_HIGH, wake=...)), RTC user memory (kept
 * through every reset but power-on, as RTC_NOINIT memory) and the CPU clock
 * (machine.freq(), time.ticks_cpu()).
 */
import type { Simulator, TimerId } from '../../sim/simulator';
import type { ConsoleApi } from '../contracts';
import type { Gpio } from '../gpio';
import type { IrqQueue } from './irq';

export const PWRON_RESET = 1;
export const HARD_RESET = 2;
export const WDT_RESET = 3;
export const DEEPSLEEP_RESET = 4;
export const SOFT_RESET = 5;

/** esp_sleep_get_wakeup_cause() values machine exposes. */
export const WAKE_UNDEFINED = 0;
export const EXT0_WAKE = 2;
export const TIMER_WAKE = 4;
/** wake= bits of Pin.irq (modmachine.h wake_type_t). */
export const MACHINE_WAKE_SLEEP = 0x02;
export const MACHINE_WAKE_DEEPSLEEP = 0x04;

/** MICROPY_HW_RTC_USER_MEM_MAX of the ESP32 port. */
export const RTC_MEMORY_MAX = 2048;
export const DEFAULT_FREQ_HZ = 160_000_000;
export const FREQS_HZ = [20e6, 40e6, 80e6, 160e6, 240e6];
/** ticks_cpu() wraps like every MicroPython ticks value (MICROPY_PY_TIME_TICKS_PERIOD). */
const TICKS_PERIOD = 2 ** 30;
/** RTC-capable GPIOs (ext0 wake needs one). */
export const RTC_PINS = [0, 2, 4, 12, 13, 14, 15, 25, 26, 27, 32, 33, 34, 35, 36, 37, 38, 39];

export interface PowerHost {
  readonly sim: Simulator;
  readonly id: string;
  readonly console: ConsoleApi;
  readonly irqs: IrqQueue;
  readonly gpio: Gpio;
  /** Reboot now keeping the RTC domain (WDT reset); the board sets `cause` when it powers on. */
  reboot(cause: number): void;
  /** Deep sleep begins: the CPU and radio are off, the script stops. */
  powerDown(): void;
  /** Deep sleep ends: the board boots (with DEEPSLEEP_RESET). */
  wake(): void;
  /** Light sleep: the radio goes off (WiFi drops) and comes back (WiFi rejoins). */
  radioSleep(asleep: boolean): void;
  /** µs since this boot (IDF log timestamps). */
  sinceBootUs(): number;
}

export class Power {
  resetCause = PWRON_RESET;
  wakeReason = WAKE_UNDEFINED;
  rtcMemory = new Uint8Array(0);
  freqHz = DEFAULT_FREQ_HZ;
  /** ticks_cpu: cycles counted up to `cyclesAtUs`, then at freqHz. */
  private cycles = 0;
  private cyclesAtUs = 0;
  private wdt: { timeoutUs: number; event: TimerId | undefined } | undefined;
  private ext0: { pin: number; level: number; wakeTypes: number } | undefined;
  private sleepDone: (() => void) | undefined;
  private sleepEvent: TimerId | undefined;
  private unwatch: (() => void) | undefined;
  deepSleeping = false;

  constructor(private readonly host: PowerHost) {}

  /** The board booted: `cold` at power-on (RTC memory lost), otherwise after a reset. */
  booted(cause: number, wake: number, cold: boolean): void {
    this.resetCause = cause;
    this.wakeReason = wake;
    if (cold) this.rtcMemory = new Uint8Array(0);
    this.stopWatchdog();
    this.ext0 = undefined;
    this.freqHz = DEFAULT_FREQ_HZ;
    this.cycles = 0;
    this.cyclesAtUs = this.host.sim.now;
  }

  /** Everything stops (power off or reset): the watchdog, a sleep in progress. */
  halt(): void {
    this.stopWatchdog();
    this.endSleep();
  }

  // --- CPU clock ---------------------------------------------------------

  setFreq(hz: number): boolean {
    if (!FREQS_HZ.includes(hz)) return false;
    this.cycles = this.cyclesNow();
    this.cyclesAtUs = this.host.sim.now;
    this.freqHz = hz;
    return true;
  }

  private cyclesNow(): number {
    return this.cycles + ((this.host.sim.now - this.cyclesAtUs) * this.freqHz) / 1e6;
  }

  ticksCpu(): number {
    return Math.floor(this.cyclesNow()) % TICKS_PERIOD;
  }

  // --- watchdog ------------------------------------------------------------

  /** WDT(timeout=ms): (re)configures the task watchdog and starts it. */
  watchdog(timeoutMs: number): void {
    this.stopWatchdog();
    this.wdt = { timeoutUs: Math.round(timeoutMs * 1000), event: undefined };
    this.feed();
    this.host.sim.trace.emit(this.host.id, 'sim', 'wdt-start', { timeoutMs });
  }

  feed(): void {
    const w = this.wdt;
    if (!w) return;
    this.host.sim.cancel(w.event);
    w.event = this.host.sim.schedule(w.timeoutUs, () => this.starved());
  }

  private starved(): void {
    const ms = Math.floor(this.host.sinceBootUs() / 1000);
    const tag = `E (${ms}) task_wdt:`;
    this.host.console.write(
      `${tag} Task watchdog got triggered. The following tasks/users did not reset the watchdog in time:\n` +
        `${tag}  - mpy_machine_wdt\n${tag} Aborting.\nRebooting...\n`,
    );
    this.host.sim.trace.emit(this.host.id, 'sim', 'wdt-reset');
    this.stopWatchdog();
    this.host.reboot(WDT_RESET);
  }

  private stopWatchdog(): void {
    if (this.wdt) this.host.sim.cancel(this.wdt.event);
    this.wdt = undefined;
  }

  // --- sleep -----------------------------------------------------------------

  /** Pin.irq(trigger=WAKE_LOW|WAKE_HIGH, wake=SLEEP|DEEPSLEEP): ext0 wake-up on one RTC pin. */
  setExt0(pin: number, level: number, wakeTypes: number): void {
    this.ext0 = { pin, level, wakeTypes };
  }

  clearExt0(pin: number): void {
    if (this.ext0?.pin === pin) this.ext0 = undefined;
  }

  /** machine.deepsleep([ms]): powers down now; wakes by timer or ext0 (none: sleeps until reset). */
  deepSleep(ms: number | null): void {
    this.host.sim.trace.emit(this.host.id, 'sim', 'deepsleep', { ms });
    this.stopWatchdog();
    const ext0 = this.ext0 && this.ext0.wakeTypes & MACHINE_WAKE_DEEPSLEEP ? this.ext0 : undefined;
    this.host.powerDown();
    this.deepSleeping = true;
    this.sleepUntil(ms, ext0, (reason) => {
      this.deepSleeping = false;
      this.wakeReason = reason;
      this.host.wake();
    });
  }

  /** machine.lightsleep([ms]): pauses the CPU; `done` runs on wake-up. Callbacks wait meanwhile. */
  lightSleep(ms: number | null, done: () => void): void {
    this.host.sim.trace.emit(this.host.id, 'sim', 'lightsleep', { ms });
    this.host.irqs.mask(true);
    this.host.radioSleep(true);
    const ext0 = this.ext0 && this.ext0.wakeTypes & MACHINE_WAKE_SLEEP ? this.ext0 : undefined;
    this.sleepUntil(ms, ext0, (reason) => {
      this.wakeReason = reason;
      this.host.radioSleep(false);
      this.host.irqs.mask(false);
      this.host.sim.trace.emit(this.host.id, 'sim', 'wake', { reason });
      done();
    });
  }

  private sleepUntil(ms: number | null, ext0: { pin: number; level: number } | undefined, wake: (reason: number) => void): void {
    const finish = (reason: number) => {
      this.endSleep();
      wake(reason);
    };
    this.sleepDone = () => finish(TIMER_WAKE);
    if (ms !== null) this.sleepEvent = this.host.sim.schedule(Math.max(0, Math.round(ms * 1000)), () => finish(TIMER_WAKE));
    if (ext0) {
      if ((this.host.gpio.read(ext0.pin) ? 1 : 0) === ext0.level) {
        this.sleepEvent = this.host.sim.schedule(0, () => finish(EXT0_WAKE));
        return;
      }
      this.unwatch = this.host.gpio.onLevel((pin, v) => {
        if (pin === ext0.pin && v === ext0.level) this.host.sim.schedule(0, () => (this.sleepDone ? finish(EXT0_WAKE) : undefined));
      });
    }
  }

  private endSleep(): void {
    this.host.sim.cancel(this.sleepEvent);
    this.sleepEvent = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
    this.sleepDone = undefined;
  }
}
