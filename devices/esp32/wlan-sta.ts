/**
 * network.WLAN(STA_IF) of an ESP32: the station interface over the WiFi state
 * machine, with DHCP (or a static ifconfig) once associated.
 */
import { ipToString, macToString, parseIp, prefixToMask, type Ipv4Addr } from '../../stack/wire/types';
import type { IfaceHandle, NetStack } from '../../stack/netstack';
import type { IfConfig, ScanResult, WlanApi } from '../contracts';
import type { AccessPointRadio, Airspace } from '../medium/airspace';
import type { Nic } from '../nic';
import { SCAN_PASS_MS, WifiStation } from './wifi-sta';
import type { Simulator } from '../../sim/simulator';

/** dBm a station sees from an AP: fixed per (station, AP) pair so runs repeat. */
export function rssiOf(device: string, bssid: number): number {
  let h = 0x811c9dc5;
  const s = `${device}|${bssid}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return -38 - ((h >>> 0) % 30);
}

export function macBytes(mac: number): Uint8Array {
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = Math.floor(mac / 2 ** (8 * (5 - i))) % 256;
  return out;
}

export function maskToPrefix(mask: Ipv4Addr): number {
  let n = 0;
  while (n < 32 && (mask & (0x80000000 >>> n)) !== 0) n++;
  return n;
}

export function ifconfigOf(iface: IfaceHandle | undefined, dns: Ipv4Addr): IfConfig {
  if (!iface || iface.ip === 0) return ['0.0.0.0', '0.0.0.0', '0.0.0.0', '0.0.0.0'];
  return [ipToString(iface.ip), ipToString(prefixToMask(iface.prefixLen)), ipToString(iface.gateway), ipToString(dns)];
}

export class StaWlan implements WlanApi {
  readonly mode = 'sta' as const;
  readonly station: WifiStation;
  private _active = false;
  /** Static configuration set through ifconfig((...)); undefined = DHCP. */
  private staticCfg: IfConfig | undefined;
  private gotIpListeners: (() => void)[] = [];
  /** WLAN.config(channel=): the channel the radio sits on while not associated (ESP-NOW uses it). */
  channelCfg = 1;
  /** The network to rejoin after light sleep. */
  private suspended: { ssid: string; password: string } | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
    private readonly net: NetStack,
    private readonly nic: Nic,
    readonly iface: IfaceHandle,
    private readonly airspace: Airspace,
  ) {
    this.station = new WifiStation({
      sim,
      device,
      airspace,
      port: () => nic,
      hasAddress: () => iface.ip !== 0,
      linkUp: (ap) => this.linkUp(ap),
      linkDown: () => this.linkDown(),
    });
  }

  private linkUp(ap: AccessPointRadio): void {
    this.nic.attach(ap.bss);
    if (this.staticCfg) {
      this.applyStatic(this.staticCfg);
      this.station.send({ type: 'ip.bound' });
      return;
    }
    this.net.startDhcp(this.iface, (e) => {
      if (e.type === 'bound') {
        this.sim.trace.emit(this.device, 'wifi', 'got-ip', { ip: ipToString(this.iface.ip) });
        this.station.send({ type: 'ip.bound' });
        for (const l of this.gotIpListeners) l();
      } else {
        this.station.send({ type: 'ip.lost' });
      }
    });
  }

  private linkDown(): void {
    this.net.stopDhcp(this.iface);
    this.net.unconfigure(this.iface);
    this.nic.attach(undefined);
  }

  private applyStatic(cfg: IfConfig): void {
    const [ip, mask, gw, dns] = cfg.map((x) => parseIp(x) ?? 0);
    this.net.configure(this.iface, { ip, prefixLen: maskToPrefix(mask), gateway: gw, dns: dns ? [dns] : [] });
  }

  /** Called every time the station gets an address (boot waits for it). */
  onGotIp(fn: () => void): () => void {
    this.gotIpListeners.push(fn);
    return () => {
      this.gotIpListeners = this.gotIpListeners.filter((x) => x !== fn);
    };
  }

  active(on?: boolean): boolean {
    if (on !== undefined && on !== this._active) {
      this._active = on;
      this.sim.trace.emit(this.device, 'wifi', on ? 'sta-active' : 'sta-inactive');
      if (!on) this.station.disconnect();
    }
    return this._active;
  }

  /** Like MicroPython, connecting an inactive interface is refused ("Wifi Not Started"): callers check active() first. */
  connect(ssid: string, password: string, bssid?: string): void {
    if (!this._active) return;
    const b = bssid ? parseInt(bssid.replace(/:/g, ''), 16) : undefined;
    this.sim.trace.emit(this.device, 'wifi', 'connect', { ssid });
    this.station.connect(ssid, password, b);
  }

  disconnect(): void {
    this.station.disconnect();
  }

  status(): number {
    return this.station.status();
  }

  isconnected(): boolean {
    return this.station.isconnected();
  }

  ifconfig(): IfConfig {
    return ifconfigOf(this.iface, this.net.dns.servers[0] ?? 0);
  }

  setIfconfig(cfg: IfConfig | 'dhcp'): void {
    if (cfg === 'dhcp') {
      this.staticCfg = undefined;
      if (this.station.ap()) {
        this.net.unconfigure(this.iface);
        this.station.send({ type: 'ip.lost' });
        this.linkUp(this.station.ap()!);
      }
      return;
    }
    this.staticCfg = cfg;
    this.net.stopDhcp(this.iface);
    this.applyStatic(cfg);
    if (this.station.ap()) this.station.send({ type: 'ip.bound' });
  }

  config(key: string): string | number | Uint8Array | undefined {
    const ap = this.station.ap();
    switch (key) {
      case 'mac':
        return macBytes(this.nic.mac);
      case 'ssid':
      case 'essid':
        return ap?.ssid ?? '';
      case 'channel':
        return ap?.channel ?? this.channelCfg;
      case 'hostname':
      case 'dhcp_hostname':
        return this.net.hostname;
      case 'txpower':
        return 20;
      case 'reconnects':
        return -1;
      default:
        return undefined;
    }
  }

  setConfig(values: Record<string, string | number>): void {
    for (const [k, v] of Object.entries(values)) {
      if ((k === 'hostname' || k === 'dhcp_hostname') && typeof v === 'string') this.net.hostname = v;
      else if (k === 'channel' && typeof v === 'number' && v >= 1 && v <= 14 && !this.station.ap()) this.channelCfg = v;
    }
  }

  scan(cb: (results: ScanResult[]) => void): void {
    this.sim.schedule(SCAN_PASS_MS * 1000, () =>
      cb(
        this.airspace.visible(this.device).map((a) => ({
          ssid: a.hidden ? '' : a.ssid,
          bssid: macBytes(a.bssid),
          channel: a.channel,
          rssi: rssiOf(this.device, a.bssid),
          security: a.security,
          hidden: a.hidden,
        })),
      ),
    );
  }

  rssi(): number {
    const ap = this.station.ap();
    return ap ? rssiOf(this.device, ap.bssid) : 0;
  }

  stations(): Uint8Array[] {
    return [];
  }

  /** The radio's channel now: the AP's while associated, else the configured one. */
  channel(): number {
    return this.station.ap()?.channel ?? this.channelCfg;
  }

  /** Light sleep: the radio goes off, so the association is lost (remembered to rejoin). */
  suspend(): void {
    const ap = this.station.ap();
    if (!ap) return;
    const ctx = this.station.actor.getSnapshot().context;
    this.suspended = { ssid: ctx.ssid, password: ctx.password };
    this.sim.trace.emit(this.device, 'wifi', 'radio-off');
    this.station.disconnect();
  }

  /** Wake-up: the station reconnects as MicroPython's driver does (reconnects forever by default). */
  resume(): void {
    const s = this.suspended;
    this.suspended = undefined;
    if (!s || !this._active) return;
    this.sim.trace.emit(this.device, 'wifi', 'radio-on');
    this.station.connect(s.ssid, s.password);
  }

  /** Power off / reset: back to idle, inactive, DHCP again. */
  reset(): void {
    this.station.disconnect();
    this._active = false;
    this.staticCfg = undefined;
    this.channelCfg = 1;
    this.suspended = undefined;
  }

  get bssidText(): string {
    const ap = this.station.ap();
    return ap ? macToString(ap.bssid) : '';
  }
}
