/**
 * A PC on the lab LAN: one WiFi NIC that joins the network at power-on (no
 * status codes; it just associates), DHCP unless `static`, Linux-personality
 * TCP and sockets. BoardApi with kind 'pc' and no GPIO.
 */
import type { Simulator } from '../../sim/simulator';
import { NetStack, type IfaceHandle } from '../../stack/netstack';
import type { SocketApi } from '../../stack/socket/api';
import type { TcpLayerApi } from '../../stack/tcp/api';
import { ipToString, type Ipv4Addr } from '../../stack/wire/types';
import { Console, Stdin } from '../console';
import type { BoardApi, WlanApi } from '../contracts';
import type { AccessPointRadio } from '../medium/airspace';
import { deviceMac } from '../medium/mac';
import { Nic } from '../nic';
import { boardCounters, buildTransport, resolveName } from '../esp32/transport';
import { macBytes } from '../esp32/wlan-sta';

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

export class PcBoard implements BoardApi {
  readonly kind = 'pc' as const;
  readonly id: string;
  readonly sim: Simulator;
  readonly syscallCostUs = PC_SYSCALL_COST_US;
  readonly net: NetStack;
  readonly nic: Nic;
  readonly iface: IfaceHandle;
  readonly console: Console;
  readonly stdin: Stdin;
  readonly gpio = undefined;
  private transport: { tcp: TcpLayerApi | undefined; sockets: SocketApi };
  private readyListeners: (() => void)[] = [];
  private joinTimer: number | undefined;
  powered = false;

  constructor(private readonly opts: PcOptions) {
    this.id = opts.id;
    this.sim = opts.sim;
    this.net = new NetStack(opts.sim, { device: opts.id, hostname: opts.id });
    this.nic = new Nic(opts.id, deviceMac('pc', opts.id), 'wlan0');
    this.iface = this.net.addInterface(this.nic, 'wlan0');
    this.console = new Console(opts.sim, opts.id);
    this.stdin = new Stdin(opts.sim, opts.id);
    this.transport = buildTransport(opts.sim, opts.id, this.net, 'linux');
  }

  get sockets(): SocketApi {
    return this.transport.sockets;
  }

  get tcp(): TcpLayerApi | undefined {
    return this.transport.tcp;
  }

  /** Powers on: associates after PC_ASSOC_US, then DHCP (or the static address); `ready` once it has an address. */
  powerOn(): void {
    this.powered = true;
    this.sim.trace.emit(this.id, 'sim', 'power-on', { board: 'pc' });
    this.joinTimer = this.sim.schedule(PC_ASSOC_US, () => this.join());
  }

  private join(): void {
    const ap = this.opts.ap;
    if (ap.associate(this.nic) !== 'ok') {
      this.sim.trace.emit(this.id, 'wifi', 'fail', { reason: 'assoc' });
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

  hasAddress(): boolean {
    return this.iface.ip !== 0;
  }

  powerOff(): void {
    this.powered = false;
    this.sim.cancel(this.joinTimer);
    this.sockets.destroyAll();
    this.transport.tcp?.destroyAll();
    this.net.stopDhcp(this.iface);
    this.net.unconfigure(this.iface);
    this.opts.ap.disassociate(this.nic);
    this.nic.attach(undefined);
    this.stdin.dropWaiters();
    this.sim.trace.emit(this.id, 'sim', 'power-off');
  }

  /** A PC "reset" is a reboot: power off, power on. */
  reset(): void {
    this.powerOff();
    this.powerOn();
  }

  wlan(): WlanApi | undefined {
    return undefined;
  }

  resolve(host: string, cb: (ip: string | undefined) => void): void {
    resolveName(this.net, host, cb);
  }

  ipAddress(): string {
    return ipToString(this.iface.ip);
  }

  uniqueId(): Uint8Array {
    return macBytes(this.nic.mac);
  }

  counters(): Record<string, number> {
    return boardCounters(this.net, this.transport.tcp, this.nic);
  }
}
