/**
 * A virtual ESP32 board: STA NIC (+ soft-AP NIC on demand), a NetStack, lwIP-
 * personality TCP and sockets, GPIO (LED on 2, BOOT on 0), UART console and
 * stdin, and its hardware (hardware.ts: timers, pin IRQs, ADC, watchdog and
 * sleep, parts, the radio and ESP-NOW). Implements BoardApi for the script OS
 * and the library API. Resets: reset() (machine.reset(), the scenario's reset
 * step) is HARD_RESET; a starved watchdog WDT_RESET; waking from deep sleep
 * DEEPSLEEP_RESET; each keeps the RTC domain (clock, RTC memory).
 */
import type { Simulator } from '../../sim/simulator';
import { NetStack } from '../../stack/netstack';
import { ipToString } from '../../stack/wire/types';
import type { PollSource, WlanApi } from '../contracts';
import { Gpio } from '../gpio';
import { Air } from '../medium/air';
import { DEFAULT_WIFI_LINK } from '../medium/link';
import type { Airspace } from '../medium/airspace';
import type { SysResult, SysValue } from '../runtime/contract';
import { Esp32Hardware } from './hardware';
import { DEEPSLEEP_RESET, DEFAULT_FREQ_HZ, HARD_RESET, PWRON_RESET } from './power';
import { deviceMac } from '../medium/mac';
import { Nic } from '../nic';
import { Board } from '../node';
import { macBytes, StaWlan } from './wlan-sta';
import { SoftApWlan } from './wlan-ap';
import { ESP32_PERSONALITY } from '../../stack/personality';

export const STA_IF = 0;
export const AP_IF = 1;
/** Virtual CPU time per kernel call (MicroPython on a 240 MHz Xtensa: tens of µs). */
export const ESP32_SYSCALL_COST_US = 30;
/** MicroPython 1.27's default DHCP hostname on ESP32. */
export const ESP32_HOSTNAME = 'mpy-esp32';

export interface Esp32Options {
  id: string;
  sim: Simulator;
  airspace: Airspace;
  /** Frames outside any BSS (ESP-NOW); a board on its own gets an air of its own. */
  air?: Air;
  hostname?: string;
  /** The lab WiFi credentials (BoardApi.labNetwork). */
  labNetwork?: { ssid: string; password: string };
}

export class Esp32Board extends Board {
  readonly kind = 'esp32' as const;
  readonly staNic: Nic;
  readonly apNic: Nic;
  protected get mainNic(): Nic {
    return this.staNic;
  }
  readonly gpio: Gpio;
  readonly sta: StaWlan;
  private ap: SoftApWlan | undefined;
  private resetListeners: (() => void)[] = [];
  private haltListeners: (() => void)[] = [];
  readonly labNetwork: { ssid: string; password: string } | undefined;
  readonly hw: Esp32Hardware;
  /** The reset cause of the next power-on when it is a reset (undefined: a cold power-on). */
  private warmCause: number | undefined;
  private bootUs = 0;
  private lightSleeping = false;

  constructor(private readonly opts: Esp32Options) {
    super(opts.sim, opts.id, new NetStack(opts.sim, { device: opts.id, hostname: opts.hostname ?? ESP32_HOSTNAME }), ESP32_PERSONALITY);
    this.labNetwork = opts.labNetwork;
    this.staNic = new Nic(opts.id, deviceMac('esp32', opts.id), 'st1');
    this.apNic = new Nic(opts.id, deviceMac('esp32', opts.id, 1), 'ap1');
    const staIface = this.net.addInterface(this.staNic, 'sta');
    this.sta = new StaWlan(opts.sim, opts.id, this.net, this.staNic, staIface, opts.airspace);
    this.gpio = new Gpio(opts.sim, opts.id);
    this.hw = new Esp32Hardware({
      sim: opts.sim,
      id: opts.id,
      console: this.console,
      gpio: this.gpio,
      air: opts.air ?? new Air(opts.sim, DEFAULT_WIFI_LINK),
      awake: () => this.powered && !this.lightSleeping && !this.hw.power.deepSleeping,
      ifActive: (i) => (i === STA_IF ? this.sta.active() : (this.ap?.active() ?? false)),
      ifMac: (i) => (i === STA_IF ? this.staNic.mac : this.apNic.mac),
      channel: () => (this.sta.station.ap() || !this.ap?.active() ? this.sta.channel() : this.ap.radio.channel),
      sinceBootUs: () => this.sim.now - this.bootUs,
      reboot: (cause) => this.restart(cause),
      powerDown: () => this.sleepDeep(),
      wake: () => this.restart(DEEPSLEEP_RESET, this.hw.power.wakeReason),
      radioSleep: (asleep) => {
        this.lightSleeping = asleep;
        if (asleep) this.sta.suspend();
        else this.sta.resume();
      },
    });
  }

  /** Virtual CPU time per kernel call: ESP32_SYSCALL_COST_US at the default 160 MHz, scaled by machine.freq(). */
  get syscallCostUs(): number {
    return Math.round((ESP32_SYSCALL_COST_US * DEFAULT_FREQ_HZ) / this.hw.power.freqHz);
  }

  get irqs() {
    return this.hw.irqs;
  }

  peripheralCall(op: string, args: SysValue[], answer: (r: SysResult) => void): boolean {
    return this.hw.call(op, args, answer);
  }

  pollSource(fd: number): PollSource | undefined {
    return this.hw.pollSource(fd);
  }

  /** The soft-AP interface, created the first time a script asks for WLAN(AP_IF). */
  softAp(): SoftApWlan {
    if (!this.ap) this.ap = new SoftApWlan(this.sim, this.id, this.net, this.apNic, this.opts.airspace);
    return this.ap;
  }

  wlan(iface: number): WlanApi | undefined {
    if (iface === STA_IF) return this.sta;
    if (iface === AP_IF) return this.softAp();
    return undefined;
  }

  ipAddress(): string {
    return ipToString(this.sta.iface.ip);
  }

  uniqueId(): Uint8Array {
    return macBytes(this.staNic.mac);
  }

  powerOn(): void {
    this.powered = true;
    this.bootUs = this.sim.now;
    const cold = this.warmCause === undefined;
    this.hw.power.booted(this.warmCause ?? PWRON_RESET, this.pendingWake, cold);
    if (cold) this.hw.parts.poweredOn();
    this.warmCause = undefined;
    this.pendingWake = 0;
    this.sim.trace.emit(this.id, 'sim', 'power-on', { board: 'esp32' });
  }

  private pendingWake = 0;

  /** Power off: everything stops without a word on the air. */
  powerOff(): void {
    this.powered = false;
    this.lightSleeping = false;
    this.hw.stop();
    this.dropConnections();
    this.sta.reset();
    this.ap?.reset();
    this.sim.trace.emit(this.id, 'sim', 'power-off');
  }

  /** machine.reset(): sockets gone, WiFi idle, pins back to inputs, then the boot listeners (script restart). */
  reset(): void {
    this.restart(HARD_RESET);
  }

  private restart(cause: number, wake = 0): void {
    this.sim.trace.emit(this.id, 'sim', 'reset', cause === HARD_RESET ? undefined : { cause });
    if (this.powered) this.powerOff();
    this.gpio.reset();
    this.warmCause = cause;
    this.pendingWake = wake;
    this.powerOn();
    for (const l of [...this.resetListeners]) l();
  }

  /** machine.deepsleep(): the script stops and the board powers down until its wake-up (power.ts). */
  private sleepDeep(): void {
    for (const l of [...this.haltListeners]) l();
    this.powerOff();
  }

  /** Called when the board halts without rebooting (deep sleep): the script must stop now. */
  onHalt(fn: () => void): () => void {
    this.haltListeners.push(fn);
    return () => {
      this.haltListeners = this.haltListeners.filter((x) => x !== fn);
    };
  }

  onReset(fn: () => void): () => void {
    this.resetListeners.push(fn);
    return () => {
      this.resetListeners = this.resetListeners.filter((x) => x !== fn);
    };
  }
}
