/**
 * Layer contracts inside one device's stack (gVisor-style small interfaces).
 * The IPv4 layer is implemented in stack/ipv4; TCP and UDP sit on top of it.
 */
import type { Simulator } from '../sim/simulator';
import type { Ipv4Addr } from './wire/types';

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** One received IPv4 datagram, already validated (header checksum, lengths). */
export interface IpDatagram {
  src: Ipv4Addr;
  dst: Ipv4Addr;
  proto: number;
  ttl: number;
  /** The IPv4 payload (transport header + data), a view into the frame. */
  payload: Uint8Array;
  /** The whole IPv4 packet, for ICMP error quoting. */
  packet: Uint8Array;
  /** Index of the interface it arrived on (multi-interface devices: ESP32 STA/AP, router LAN/WAN). */
  ifIndex?: number;
  /**
   * Where `payload` lies, for a transport that parses in place (TCP):
   * frame[payloadStart..payloadEnd). Absent: use `payload`.
   */
  frame?: Uint8Array;
  payloadStart?: number;
  payloadEnd?: number;
}

/** Why an IP send did not go out immediately. 'queued' = waiting for ARP. */
export type IpSendResult = 'sent' | 'queued' | 'no-route' | 'no-address' | 'too-big' | 'link-down';

export interface IpSendOptions {
  /** Source address; defaults to the interface address. */
  src?: Ipv4Addr;
  ttl?: number;
  /** Don't Fragment (TCP sets it, as lwIP does). */
  df?: boolean;
  /** Send out of this interface (broadcasts, DHCP before an address exists). */
  ifIndex?: number;
  /** Link-layer destination, bypassing ARP (a DHCP server answering a client that has no address yet). */
  dstMac?: number;
  /**
   * `payload` is a whole frame buffer: its first FRAME_HEADROOM bytes are left
   * for the Ethernet and IPv4 headers and the transport bytes follow. The IP
   * layer writes the headers there instead of copying into a new frame (TCP's
   * hot path).
   */
  inFrame?: boolean;
}

/** Bytes in front of a transport payload sent `inFrame`: Ethernet (14) + IPv4 without options (20). */
export const FRAME_HEADROOM = 34;

/** A received ICMP destination unreachable, decoded for the transport that sent the quoted datagram. */
export interface IcmpErrorInfo {
  /** ICMP code (3 = port unreachable). */
  code: number;
  /** Who reported it (the ICMP message's source). */
  reporter: Ipv4Addr;
  /** The quoted datagram's addresses and ports (ports 0 when not quoted). */
  src: Ipv4Addr;
  dst: Ipv4Addr;
  proto: number;
  srcPort: number;
  dstPort: number;
}

export interface IpLayer {
  /** Device id, for traces. */
  readonly device: string;
  readonly sim: Simulator;
  /** Current interface address, 0 when there is none (before DHCP). */
  address(): Ipv4Addr;
  /** True when the interface is up and has an address. */
  isUp(): boolean;
  /** MTU of the outgoing interface (1500 on WiFi/Ethernet). */
  readonly mtu: number;
  /** Sends one datagram; fills in ID, checksum, routing (on-link vs gateway) and ARP. */
  send(proto: number, dst: Ipv4Addr, payload: Uint8Array, opts?: IpSendOptions): IpSendResult;
  /** Registers the input handler of a transport protocol (it reads the datagram during the call and keeps nothing of it but views of its bytes: the layer may reuse it). */
  onProtocol(proto: number, handler: (d: IpDatagram) => void): void;
  /** Sends ICMP destination unreachable (code 3 = port) quoting `d`. */
  sendUnreachable(code: number, d: IpDatagram): void;
  /** Source address the stack would use towards `dst` (undefined = no route / no address). */
  sourceFor?(dst: Ipv4Addr, opts?: { ifIndex?: number }): Ipv4Addr | undefined;
  /** Registers a listener for ICMP destination-unreachable messages quoting protocol `proto`. */
  onIcmpError?(proto: number, handler: (e: IcmpErrorInfo) => void): void;
}

/** Counters every layer keeps: drops are counted, never thrown. */
export type Counters = Record<string, number>;

export function bump(c: Counters, key: string, by = 1): void {
  c[key] = (c[key] ?? 0) + by;
}

/**
 * A counter a hot path bumps (every packet or segment) as a field of its own.
 * A layer's Counters record gains its keys in the order things first happen,
 * which differs from device to device, so bumping keys in place makes those
 * sites polymorphic and V8 falls back to generic stores from optimized code.
 * The key still takes its place in the record the first time it counts, as
 * bump() would put it there; flush() (from the layer's `counters` getter)
 * copies the value in.
 */
export class HotCount {
  private n = -1;

  constructor(
    private readonly record: Counters,
    private readonly key: string,
  ) {}

  add(by = 1): void {
    if (this.n < 0) {
      this.n = 0;
      this.record[this.key] = 0;
    }
    this.n += by;
  }

  flush(): void {
    if (this.n >= 0) this.record[this.key] = this.n;
  }
}
