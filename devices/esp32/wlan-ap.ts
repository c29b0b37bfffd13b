/**
 * network.WLAN(AP_IF) of an ESP32: its own BSS (a second WiFi medium owned by
 * this board) on 192.168.4.1/24 with ESP-IDF's DHCP server handing out
 * 192.168.4.2 onwards. Default ESSID "ESP_XXXXXX" (last three MAC bytes), open
 * until a password is configured, channel 1, at most 4 stations (ESP-IDF default).
 */
import type { Simulator } from '../../sim/simulator';
import type { IfaceHandle, NetStack } from '../../stack/netstack';
import { parseIp } from '../../stack/wire/types';
import type { IfConfig, ScanResult, WlanApi } from '../contracts';
import { ApRadio } from '../ap/radio';
import { DhcpService } from '../ap/services';
import type { Airspace } from '../medium/airspace';
import type { Nic } from '../nic';
import { ifconfigOf, macBytes, maskToPrefix } from './wlan-sta';
import { STAT_IDLE } from '../contracts';

export const SOFTAP_IP = '192.168.4.1';

export class SoftApWlan implements WlanApi {
  readonly mode = 'ap' as const;
  readonly radio: ApRadio;
  private iface: IfaceHandle | undefined;
  private dhcp: DhcpService | undefined;
  private _active = false;
  private cfg: IfConfig = [SOFTAP_IP, '255.255.255.0', SOFTAP_IP, '0.0.0.0'];

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
    private readonly net: NetStack,
    private readonly nic: Nic,
    airspace: Airspace,
  ) {
    const tail = macBytes(nic.mac).slice(3);
    const essid = 'ESP_' + [...tail].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
    this.radio = new ApRadio(sim, airspace, nic, {
      ssid: essid,
      password: '',
      channel: 1,
      maxStations: 4,
      mediumName: `medium/${device}.ap`,
    });
  }

  active(on?: boolean): boolean {
    if (on === undefined || on === this._active) return this._active;
    this._active = on;
    if (on) this.start();
    else this.stop();
    return this._active;
  }

  private start(): void {
    if (!this.iface) this.iface = this.net.addInterface(this.nic, 'ap');
    this.nic.attach(this.radio.bss);
    this.applyConfig();
    this.radio.up();
  }

  private applyConfig(): void {
    const iface = this.iface!;
    const [ip, mask] = this.cfg.map((x) => parseIp(x) ?? 0);
    this.net.configure(iface, { ip, prefixLen: maskToPrefix(mask) });
    this.dhcp?.stop();
    // ESP-IDF's dhcps: pool from .2 of the soft-AP subnet.
    this.dhcp = new DhcpService(this.net, iface, { poolStart: ((ip & 0xffffff00) >>> 0) + 2, poolSize: 10, dns: ip });
  }

  private stop(): void {
    this.radio.down();
    this.dhcp?.stop();
    this.dhcp = undefined;
    if (this.iface) this.net.unconfigure(this.iface);
    this.nic.attach(undefined);
  }

  connect(): void {}
  disconnect(): void {}

  status(): number {
    return STAT_IDLE;
  }

  isconnected(): boolean {
    return this._active && this.radio.stations().length > 0;
  }

  ifconfig(): IfConfig {
    return this._active ? ifconfigOf(this.iface, 0) : this.cfg;
  }

  setIfconfig(cfg: IfConfig | 'dhcp'): void {
    if (cfg === 'dhcp') return;
    this.cfg = cfg;
    if (this._active) this.applyConfig();
  }

  config(key: string): string | number | Uint8Array | undefined {
    switch (key) {
      case 'mac':
        return macBytes(this.nic.mac);
      case 'ssid':
      case 'essid':
        return this.radio.ssid;
      case 'channel':
        return this.radio.channel;
      case 'password':
      case 'key':
        return this.radio.password;
      case 'authmode':
        return this.radio.password ? 3 : 0;
      case 'hidden':
        return this.radio.hidden ? 1 : 0;
      case 'max_clients':
        return this.radio.maxStations;
      case 'hostname':
        return this.net.hostname;
      default:
        return undefined;
    }
  }

  setConfig(values: Record<string, string | number>): void {
    for (const [k, v] of Object.entries(values)) {
      if ((k === 'ssid' || k === 'essid') && typeof v === 'string') this.radio.ssid = v;
      else if ((k === 'password' || k === 'key') && typeof v === 'string') this.radio.password = v;
      else if (k === 'channel' && typeof v === 'number') this.radio.channel = v;
      else if (k === 'hidden') this.radio.hidden = Boolean(v);
      else if (k === 'max_clients' && typeof v === 'number') this.radio.maxStations = v;
      else if (k === 'authmode' && v === 0) this.radio.password = '';
    }
    this.sim.trace.emit(this.device, 'wifi', 'ap-config', { ssid: this.radio.ssid, channel: this.radio.channel });
  }

  scan(cb: (results: ScanResult[]) => void): void {
    cb([]);
  }

  rssi(): number {
    return 0;
  }

  stations(): Uint8Array[] {
    return this.radio.stations().map(macBytes);
  }

  reset(): void {
    if (this._active) this.active(false);
  }
}
