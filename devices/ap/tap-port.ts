/**
 * `--tap NAME`: a Linux TAP device as one more station of the lab's WiFi.
 * Ethernet frames Linux writes to the TAP arrive here as external inputs
 * (traced, so a replay feeds the same frames); the station takes the MAC of
 * the first frame's source (Linux's own interface address) and associates
 * then, so the router's DHCP and ARP answer Linux as any LAN client. Frames
 * the BSS delivers to that MAC (and group frames) leave through `onFrame`.
 */
import type { Simulator } from '../../sim/simulator';
import { readMac, type MacAddr } from '../../stack/wire/types';
import type { MediumPort } from '../nic';
import type { ApRadio } from './radio';

export const TAP_STATION = 'tap';

export class TapPort implements MediumPort {
  readonly device = TAP_STATION;
  private _mac: MacAddr = 0;
  private joined = false;
  counters = { fromHost: 0, toHost: 0, dropped: 0 };
  onFrame: (frame: Uint8Array) => void = () => {};

  constructor(
    private readonly sim: Simulator,
    private readonly radio: ApRadio,
  ) {}

  get mac(): MacAddr {
    return this._mac;
  }

  /** A frame Linux sent. */
  fromHost(frame: Uint8Array): void {
    if (frame.length < 14) {
      this.counters.dropped++;
      return;
    }
    if (!this.joined) {
      this._mac = readMac(frame, 6);
      if (this.radio.associate(this) !== 'ok') {
        this.counters.dropped++;
        return;
      }
      this.joined = true;
      this.sim.trace.emit(TAP_STATION, 'sim', 'tap-joined', {});
    }
    this.counters.fromHost++;
    this.radio.bss.send(this, frame);
  }

  deliver(frame: Uint8Array): void {
    this.counters.toHost++;
    this.onFrame(frame);
  }
}
