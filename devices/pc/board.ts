/**
 * A PC on the lab LAN: one WiFi NIC that joins the network at power-on (no
 * status codes; it just associates), DHCP unless `static`, Linux-personality
 * TCP and sockets. BoardApi with kind 'pc' and no GPIO.
 */
import type { Simulator } from '../../sim/simulator';
import { NetStack, type IfaceHandle } from '../../stack/netstack';
import { ipToString, type Ipv4Addr } from '../../stack/wire/types';
import type { WlanApi } from '../contracts';
import type { AccessPointRadio } from '../medium/airspace';
import { deviceMac } from '../medium/mac';
import { Nic } from '../nic';
import { Board } from '../node';
import { macBytes } from '../esp32/wlan-sta';
import { LINUX_PERSONALITY } from '../../stack/personality';

/** A PC's kernel call costs little next to an ESP32's. */
export const PC_SYSCALL_COST_US = 2;
/** Time a PC's WiFi takes to associate and key (its supplicant is not modelled further). */
export const PC_ASSOC_US = 50_000;

export interface PcOptions {
  id: string;
  sim: Simulator;
  /** The lab AP the PC joins at power-on. */
  ap: AccessPointRadio;
  /** Static address (with the router as gateway and DNS); undefined = DHCP. */
  staticIp?: { ip: Ipv4Addr; prefixLen: number; gateway: Ipv4Addr; dns: Ipv4Addr };
}

export class PcBoard extends Board {
  readonly kind = 'pc' as const;
  readonly syscallCostUs = PC_SYSCALL_COST_US;
  readonly nic: Nic;
  protected get mainNic(): Nic {
    return this.nic;
  }
  readonly iface: IfaceHandle;
  readonly gpio = undefined;
  private readyListeners: (() => void)[] = [];
  private offListeners: (() => void)[] = [];
  private joinTimer: number | undefined;

  constructor(private readonly opts: PcOptions) {
    super(opts.sim, opts.id, new NetStack(opts.sim, { device: opts.id, hostname: opts.id }), LINUX_PERSONALITY);
    this.nic = new Nic(opts.id, deviceMac('pc', opts.id), 'wlan0');
    this.iface = this.net.addInterface(this.nic, 'wlan0');
  }

  /** Powers on: associates after PC_ASSOC_US, then DHCP (or the static address); `ready` once it has an address. */
  powerOn(): void {
    this.powered = true;
    this.sim.trace.emit(this.id, 'sim', 'power-on', { board: 'pc' });
    this.joinTimer = this.sim.schedule(PC_ASSOC_US, () => this.join());
  }

  private join(): void {
    const ap = this.opts.ap;
    const assoc = ap.associate(this.nic);
    if (assoc !== 'ok') {
      this.sim.trace.emit(this.id, 'wifi', 'fail', { reason: 'assoc' });
      // What a Linux PC's supplicant logs when the access point has no room (802.11 status 17).
      if (assoc === 'full') this.console.write(`wlan0: association with "${ap.ssid}" rejected (status 17: the access point is full); no network\n`);
      return;
    }
    this.nic.attach(ap.bss);
    this.sim.trace.emit(this.id, 'wifi', 'associated', { ssid: ap.ssid });
    const s = this.opts.staticIp;
    if (s) {
      this.net.configure(this.iface, { ip: s.ip, prefixLen: s.prefixLen, gateway: s.gateway, dns: [s.dns] });
      this.ready();
      return;
    }
    this.net.startDhcp(this.iface, (e) => {
      if (e.type === 'bound') this.ready();
    });
  }

  private ready(): void {
    this.sim.trace.emit(this.id, 'sim', 'net-ready', { ip: this.ipAddress() });
    for (const l of [...this.readyListeners]) l();
  }

  /** Called each time the PC gets its address. */
  onReady(fn: () => void): () => void {
    this.readyListeners.push(fn);
    return () => {
      this.readyListeners = this.readyListeners.filter((x) => x !== fn);
    };
  }

  /** Called each time the power goes (a reset too), after the sockets went. */
  onPowerOff(fn: () => void): void {
    this.offListeners.push(fn);
  }

  hasAddress(): boolean {
    return this.iface.ip !== 0;
  }

  powerOff(): void {
    this.powered = false;
    this.sim.cancel(this.joinTimer);
    this.dropConnections();
    this.net.stopDhcp(this.iface);
    this.net.unconfigure(this.iface);
    this.opts.ap.disassociate(this.nic);
    this.nic.attach(undefined);
    this.sim.trace.emit(this.id, 'sim', 'power-off');
    for (const l of [...this.offListeners]) l();
  }

  /** A PC "reset" is a reboot: power off, power on. */
  reset(): void {
    this.powerOff();
    this.powerOn();
  }

  wlan(): WlanApi | undefined {
    return undefined;
  }

  ipAddress(): string {
    return ipToString(this.iface.ip);
  }

  uniqueId(): Uint8Array {
    return macBytes(this.nic.mac);
  }
}
