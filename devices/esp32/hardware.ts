/**
 * Everything on an ESP32 besides its network stack, wired together: the IRQ
 * line of pending callbacks, hardware timers, pin interrupts, the ADCs, power
 * (watchdog, sleep, reset causes), the parts on its pins, the 802.11 radio for
 * frames outside a BSS and ESP-NOW over it. The board (board.ts) supplies what
 * only it knows (WiFi interfaces, rebooting) through BoardSide.
 */
import type { Simulator } from '../../sim/simulator';
import type { MacAddr } from '../../stack/wire/types';
import type { ConsoleApi, PollSource } from '../contracts';
import type { Gpio } from '../gpio';
import type { Air } from '../medium/air';
import type { SysResult, SysValue } from '../runtime/contract';
import { Adc } from './adc';
import { peripheralCall } from './calls';
import { EspNow } from './espnow';
import { IrqQueue } from './irq';
import { Parts } from './parts';
import { PinIrqs } from './pin-irq';
import { Power } from './power';
import { Esp32Radio } from './radio';
import { HwTimers } from './timers';
import { rssiOf } from './wlan-sta';

/** The fd select.poll knows the ESP-NOW receive buffer by (py/espnow.py fileno()). */
export const ESPNOW_FD = -100;

export interface BoardSide {
  readonly sim: Simulator;
  readonly id: string;
  readonly console: ConsoleApi;
  readonly gpio: Gpio;
  readonly air: Air;
  /** Powered on and not in deep or light sleep. */
  awake(): boolean;
  ifActive(ifidx: number): boolean;
  ifMac(ifidx: number): MacAddr;
  /** The WiFi channel the radio sits on (the AP's when associated). */
  channel(): number;
  sinceBootUs(): number;
  /** Reboot keeping the RTC domain, with this reset cause. */
  reboot(cause: number): void;
  powerDown(): void;
  wake(): void;
  radioSleep(asleep: boolean): void;
}

export class Esp32Hardware {
  readonly sim: Simulator;
  readonly gpio: Gpio;
  readonly irqs: IrqQueue;
  readonly timers: HwTimers;
  readonly pinIrqs: PinIrqs;
  readonly adc: Adc;
  readonly power: Power;
  readonly parts: Parts;
  readonly radio: Esp32Radio;
  readonly espnow: EspNow;

  constructor(private readonly b: BoardSide) {
    const sim = (this.sim = b.sim);
    this.gpio = b.gpio;
    this.irqs = new IrqQueue(sim, b.id);
    this.timers = new HwTimers(sim, b.id, this.irqs);
    this.pinIrqs = new PinIrqs(b.gpio, this.irqs);
    this.parts = new Parts(sim, b.id, b.gpio);
    this.adc = new Adc({ volts: (pin) => this.parts.volts(pin), wifiOn: () => b.ifActive(0) || b.ifActive(1) });
    this.power = new Power({
      sim,
      id: b.id,
      console: b.console,
      irqs: this.irqs,
      gpio: b.gpio,
      reboot: (cause) => b.reboot(cause),
      powerDown: () => b.powerDown(),
      wake: () => b.wake(),
      radioSleep: (asleep) => b.radioSleep(asleep),
      sinceBootUs: () => b.sinceBootUs(),
    });
    const channel = () => (b.awake() && (b.ifActive(0) || b.ifActive(1)) ? b.channel() : undefined);
    this.radio = new Esp32Radio({
      sim,
      id: b.id,
      air: b.air,
      channel,
      addresses: () => [0, 1].filter((i) => b.ifActive(i)).map((i) => b.ifMac(i)),
      received: (src, _dst, body) => this.received(src, body),
    });
    this.espnow = new EspNow({
      sim,
      id: b.id,
      irqs: this.irqs,
      radio: this.radio,
      channel,
      ifActive: (i) => b.ifActive(i),
      ifMac: (i) => b.ifMac(i),
      ticksMs: () => Math.floor(b.sinceBootUs() / 1000) % 2 ** 30,
      rssiOf: (src) => rssiOf(b.id, src),
    });
  }

  /** The driver hands a received frame up after the link's latency and jitter. */
  private received(src: MacAddr, body: Uint8Array): void {
    const p = this.b.air.params(this.b.id);
    const jitter = p.jitterUs > 0 ? this.sim.rng(`air/${this.b.id}`).int(p.jitterUs + 1) : 0;
    this.sim.schedule(p.latencyUs + jitter, () => (this.b.awake() ? this.espnow.received(src, body) : undefined));
  }

  call(op: string, args: SysValue[], answer: (r: SysResult) => void): boolean {
    return peripheralCall(this, op, args, answer);
  }

  pollSource(fd: number): PollSource | undefined {
    if (fd !== ESPNOW_FD) return undefined;
    return { ready: (ev) => this.espnow.ready(ev), whenChanged: (fn) => this.espnow.whenChanged(fn) };
  }

  /** Power off, reset or deep sleep: the peripherals stop and forget their setup (parts keep their state). */
  stop(): void {
    this.irqs.clear();
    this.timers.reset();
    this.pinIrqs.reset();
    this.adc.reset();
    this.power.halt();
    this.radio.reset();
    this.espnow.reset();
  }
}
