/**
 * A network interface card: the contract between a device's stack and a medium.
 * The stack calls transmit(); the medium calls deliver(), which reaches the
 * stack's receive handler. Taps (pcap, trace, --packets) see both directions.
 */
import type { NetDevice } from '../stack/link';
import type { MacAddr } from '../stack/wire/types';

export type FrameDirection = 'tx' | 'rx';
export type FrameTap = (frame: Uint8Array, dir: FrameDirection) => void;

/** What a medium sees of a station. */
export interface MediumPort {
  readonly mac: MacAddr;
  /** Device id, e.g. "esp32" or "pc1" (the scenario's key). */
  readonly device: string;
  /** Called by the medium when a frame reaches this NIC. */
  deliver(frame: Uint8Array): void;
}

/** What a medium offers a NIC: a way to put a frame on the air/wire. */
export interface MediumAttachment {
  send(from: MediumPort, frame: Uint8Array): void;
}

export class Nic implements MediumPort, NetDevice {
  private taps: FrameTap[] = [];
  private medium: MediumAttachment | undefined;
  /** Set by the stack: called for each received frame. */
  onReceive: (frame: Uint8Array) => void = () => {};
  txFrames = 0;
  rxFrames = 0;
  /** Frames the stack tried to send while the NIC had no medium (link down, not associated). */
  txDropped = 0;

  constructor(readonly device: string, readonly mac: MacAddr, readonly name = 'wlan0') {}

  /** Connects to (or, with undefined, disconnects from) a medium. */
  attach(medium: MediumAttachment | undefined): void {
    this.medium = medium;
  }

  get attached(): boolean {
    return this.medium !== undefined;
  }

  addTap(tap: FrameTap): () => void {
    this.taps.push(tap);
    return () => {
      this.taps = this.taps.filter((t) => t !== tap);
    };
  }

  transmit(frame: Uint8Array): void {
    if (!this.medium) {
      this.txDropped++;
      return;
    }
    this.txFrames++;
    for (const t of this.taps) t(frame, 'tx');
    this.medium.send(this, frame);
  }

  deliver(frame: Uint8Array): void {
    this.rxFrames++;
    for (const t of this.taps) t(frame, 'rx');
    this.onReceive(frame);
  }
}
