/**
 * The radio environment of one simulation: every access point that beacons
 * (the lab router and any ESP32 soft-AP). A station's WiFi state machine scans
 * it, then asks the chosen AP to authenticate and associate it.
 */
import type { MacAddr } from '../../stack/wire/types';
import type { MediumPort } from '../nic';
import type { WifiBss } from './wifi';

export type AssocResult = 'ok' | 'full' | 'gone';

export interface AccessPointRadio {
  readonly ssid: string;
  readonly bssid: MacAddr;
  readonly channel: number;
  /** 3 = WPA2-PSK, 0 = open. */
  readonly security: number;
  readonly hidden: boolean;
  /** False once the AP is switched off. */
  readonly beaconing: boolean;
  readonly bss: WifiBss;
  /** WPA2: does the station's passphrase give the right PMK? (open network: always true) */
  passwordMatches(password: string): boolean;
  /** Admits a station (after a successful 4-way handshake the NIC attaches to `bss`). */
  associate(port: MediumPort): AssocResult;
  disassociate(port: MediumPort): void;
  /** Called with the station port when the AP stops beaconing (stations see a beacon timeout). */
  onGone(fn: () => void): () => void;
}

export class Airspace {
  private aps: AccessPointRadio[] = [];
  private tapped = new Set<AccessPointRadio>();
  private taps: ((frame: Uint8Array) => void)[] = [];

  add(ap: AccessPointRadio): void {
    if (!this.aps.includes(ap)) this.aps.push(ap);
    if (!this.tapped.has(ap)) {
      this.tapped.add(ap);
      ap.bss.addTap((f) => {
        for (const t of this.taps) t(f);
      });
    }
  }

  /** Sees every frame put on the air in every BSS (the lab's and soft-APs'), once, now and later. */
  tapAll(fn: (frame: Uint8Array) => void): void {
    this.taps.push(fn);
  }

  /** Every AP that ever beaconed (for link changes). */
  all(): AccessPointRadio[] {
    return [...this.tapped];
  }

  remove(ap: AccessPointRadio): void {
    this.aps = this.aps.filter((a) => a !== ap);
  }

  /** APs a station with `device` id can hear right now (its link to them not down), in channel order. */
  visible(device: string): AccessPointRadio[] {
    return this.aps
      .filter((a) => a.beaconing && !a.bss.params(device).down && a.bss.ap.device !== device)
      .sort((a, b) => a.channel - b.channel || a.bssid - b.bssid);
  }
}
