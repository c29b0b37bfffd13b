/**
 * The radio side of an access point (the lab router or an ESP32 soft-AP): its
 * SSID, WPA2 passphrase, channel, association table and BSS medium. It beacons
 * into the simulation's Airspace so stations can find it.
 */
import type { Simulator } from '../../sim/simulator';
import { macToString, type MacAddr } from '../../stack/wire/types';
import type { MediumPort } from '../nic';
import type { AccessPointRadio, Airspace, AssocResult } from '../medium/airspace';
import type { LinkParams } from '../medium/link';
import { WifiBss } from '../medium/wifi';

export interface RadioOptions {
  ssid: string;
  /** '' = open network. */
  password: string;
  channel: number;
  maxStations: number;
  hidden?: boolean;
  /** RNG prefix of the BSS's station links ("medium" for the lab router). */
  mediumName: string;
  defaults?: LinkParams;
  /** Enterprise broadcast control (devices/medium/broadcast-filter.ts). */
  broadcastFilter?: boolean;
}

export class ApRadio implements AccessPointRadio {
  readonly bss: WifiBss;
  private goneListeners: (() => void)[] = [];
  private refusedListeners: ((station: string) => void)[] = [];
  private _beaconing = false;
  ssid: string;
  password: string;
  channel: number;
  hidden: boolean;
  maxStations: number;

  constructor(
    private readonly sim: Simulator,
    private readonly airspace: Airspace,
    readonly port: MediumPort,
    opts: RadioOptions,
  ) {
    this.ssid = opts.ssid;
    this.password = opts.password;
    this.channel = opts.channel;
    this.hidden = opts.hidden ?? false;
    this.maxStations = opts.maxStations;
    this.bss = new WifiBss(sim, opts.mediumName, port, opts.defaults, { broadcastFilter: opts.broadcastFilter });
  }

  get bssid(): MacAddr {
    return this.port.mac;
  }

  get security(): number {
    return this.password ? 3 : 0;
  }

  get beaconing(): boolean {
    return this._beaconing;
  }

  /** Starts beaconing. */
  up(): void {
    if (this._beaconing) return;
    this._beaconing = true;
    this.airspace.add(this);
    this.sim.trace.emit(this.port.device, 'wifi', 'ap-up', { ssid: this.ssid, bssid: macToString(this.bssid), channel: this.channel });
  }

  /** Stops beaconing: associated stations will notice a beacon timeout. */
  down(): void {
    if (!this._beaconing) return;
    this._beaconing = false;
    this.airspace.remove(this);
    this.sim.trace.emit(this.port.device, 'wifi', 'ap-down', { ssid: this.ssid });
    const ls = this.goneListeners;
    this.goneListeners = [];
    for (const l of ls) l();
    for (const mac of this.bss.stationMacs()) this.bss.leave({ mac, device: '', deliver: () => {} });
  }

  passwordMatches(password: string): boolean {
    return this.password === '' || password === this.password;
  }

  associate(port: MediumPort): AssocResult {
    if (!this._beaconing) return 'gone';
    if (!this.bss.has(port.mac) && this.bss.stationMacs().length >= this.maxStations) {
      // 802.11 status 17: "AP unable to handle additional associated STAs".
      this.sim.trace.emit(this.port.device, 'wifi', 'sta-refused', { sta: port.device, stations: this.maxStations });
      for (const l of this.refusedListeners) l(port.device);
      return 'full';
    }
    this.bss.join(port);
    this.sim.trace.emit(this.port.device, 'wifi', 'sta-joined', { sta: port.device, mac: macToString(port.mac) });
    return 'ok';
  }

  disassociate(port: MediumPort): void {
    if (!this.bss.has(port.mac)) return;
    this.bss.leave(port);
    this.sim.trace.emit(this.port.device, 'wifi', 'sta-left', { sta: port.device });
  }

  /** Called with the station's device id each time the association table is full and it is refused. */
  onRefused(fn: (station: string) => void): () => void {
    this.refusedListeners.push(fn);
    return () => {
      this.refusedListeners = this.refusedListeners.filter((x) => x !== fn);
    };
  }

  onGone(fn: () => void): () => void {
    this.goneListeners.push(fn);
    return () => {
      this.goneListeners = this.goneListeners.filter((x) => x !== fn);
    };
  }

  stations(): MacAddr[] {
    return this.bss.stationMacs();
  }
}
