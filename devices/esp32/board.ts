/**
 * A virtual ESP32 board: STA NIC (+ soft-AP NIC on demand), a NetStack, lwIP-
 * personality TCP and sockets, GPIO (LED on 2, BOOT on 0), UART console and
 * stdin. Implements BoardApi for the script OS and the library API.
 */
import type { Simulator } from '../../sim/simulator';
import { NetStack } from '../../stack/netstack';
import { ipToString } from '../../stack/wire/types';
import type { WlanApi } from '../contracts';
import { Gpio } from '../gpio';
import type { Airspace } from '../medium/airspace';
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
  hostname?: string;
  /** The lab WiFi credentials (BoardApi.labNetwork). */
  labNetwork?: { ssid: string; password: string };
}

export class Esp32Board extends Board {
  readonly kind = 'esp32' as const;
  readonly syscallCostUs = ESP32_SYSCALL_COST_US;
  readonly staNic: Nic;
  readonly apNic: Nic;
  protected get mainNic(): Nic {
    return this.staNic;
  }
  readonly gpio: Gpio;
  readonly sta: StaWlan;
  private ap: SoftApWlan | undefined;
  private resetListeners: (() => void)[] = [];
  readonly labNetwork: { ssid: string; password: string } | undefined;

  constructor(private readonly opts: Esp32Options) {
    super(opts.sim, opts.id, new NetStack(opts.sim, { device: opts.id, hostname: opts.hostname ?? ESP32_HOSTNAME }), ESP32_PERSONALITY);
    this.labNetwork = opts.labNetwork;
    this.staNic = new Nic(opts.id, deviceMac('esp32', opts.id), 'st1');
    this.apNic = new Nic(opts.id, deviceMac('esp32', opts.id, 1), 'ap1');
    const staIface = this.net.addInterface(this.staNic, 'sta');
    this.sta = new StaWlan(opts.sim, opts.id, this.net, this.staNic, staIface, opts.airspace);
    this.gpio = new Gpio(opts.sim, opts.id);
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
    this.sim.trace.emit(this.id, 'sim', 'power-on', { board: 'esp32' });
  }

  /** Power off: everything stops without a word on the air. */
  powerOff(): void {
    this.powered = false;
    this.dropConnections();
    this.sta.reset();
    this.ap?.reset();
    this.sim.trace.emit(this.id, 'sim', 'power-off');
  }

  /** machine.reset(): sockets gone, WiFi idle, pins back to inputs, then the boot listeners (script restart). */
  reset(): void {
    this.sim.trace.emit(this.id, 'sim', 'reset');
    this.powerOff();
    this.gpio.reset();
    this.powerOn();
    for (const l of [...this.resetListeners]) l();
  }

  onReset(fn: () => void): () => void {
    this.resetListeners.push(fn);
    return () => {
      this.resetListeners = this.resetListeners.filter((x) => x !== fn);
    };
  }
}
