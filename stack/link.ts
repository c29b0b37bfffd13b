/**
 * What the stack needs of a network interface card: the link-layer contract
 * between one device's stack and whatever carries its frames. The stack
 * defines it; devices/nic.ts implements it on a medium (WiFi BSS, wire).
 */
import type { MacAddr } from './wire/types';

export interface NetDevice {
  /** Device id, for traces. */
  readonly device: string;
  readonly mac: MacAddr;
  /** Interface name, e.g. "wlan0". */
  readonly name: string;
  /** True while the link can carry frames (associated / cable in). */
  readonly attached: boolean;
  /** Puts one Ethernet frame on the link (counted and dropped when not attached). */
  transmit(frame: Uint8Array): void;
  /** Set by the stack: called for each received frame. */
  onReceive: (frame: Uint8Array) => void;
  /** Frames sent and received, for the device's counters. */
  readonly txFrames: number;
  readonly rxFrames: number;
}
