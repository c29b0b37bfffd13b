/**
 * UDP for one device (lwIP udp.c behaviour): port bindings, ephemeral ports
 * from 49152 upward starting at a random point, checksum verification, ICMP
 * port unreachable when nothing is bound. Consumed by the socket layer and by
 * the DHCP and DNS clients/servers.
 */
import { bump, IPPROTO_UDP, type Counters, type IpDatagram, type IpLayer, type IpSendResult } from '../contracts';
import { emitUdp, parseUdp } from '../wire/udp';
import { IPV4_BROADCAST, type Ipv4Addr } from '../wire/types';
import type { UdpDatagram, UdpLayerApi, UdpSendOptions } from './api';

/** lwIP UDP_LOCAL_PORT_RANGE_START / END. */
export const EPHEMERAL_FIRST = 0xc000;
export const EPHEMERAL_LAST = 0xffff;
/** Largest payload an IPv4 datagram can carry (65535 - 20 - 8); the MTU limits it further. */
const MAX_PAYLOAD = 65507;

interface Binding {
  handler: (d: UdpDatagram) => void;
  reuseAddr: boolean;
}

export class UdpLayer implements UdpLayerApi {
  readonly counters: Counters = {};
  private bindings = new Map<number, Binding[]>();
  private nextEphemeral: number;

  constructor(private readonly ip: IpLayer) {
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    this.nextEphemeral = EPHEMERAL_FIRST + ip.sim.rng(`udp/${ip.device}/port`).int(span);
    ip.onProtocol(IPPROTO_UDP, (d) => this.input(d));
  }

  bind(port: number, handler: (d: UdpDatagram) => void, opts: { reuseAddr?: boolean } = {}): number | 'in-use' {
    const reuseAddr = opts.reuseAddr ?? false;
    if (port === 0) {
      const p = this.ephemeral();
      if (p === undefined) return 'in-use';
      port = p;
    }
    const list = this.bindings.get(port);
    if (list && list.length > 0 && !(reuseAddr && list.every((b) => b.reuseAddr))) return 'in-use';
    this.bindings.set(port, [...(list ?? []), { handler, reuseAddr }]);
    return port;
  }

  unbind(port: number, handler?: (d: UdpDatagram) => void): void {
    const list = this.bindings.get(port);
    if (!list) return;
    const rest = handler ? list.filter((b) => b.handler !== handler) : [];
    if (rest.length) this.bindings.set(port, rest);
    else this.bindings.delete(port);
  }

  isBound(port: number): boolean {
    return this.bindings.has(port);
  }

  sendto(srcPort: number, dst: Ipv4Addr, dstPort: number, data: Uint8Array, opts: UdpSendOptions = {}): IpSendResult {
    if (data.length > MAX_PAYLOAD) {
      bump(this.counters, 'txTooBig');
      return 'too-big';
    }
    const src = opts.src ?? this.ip.sourceFor?.(dst, { ifIndex: opts.ifIndex }) ?? this.ip.address();
    if (src === 0 && opts.src === undefined) {
      bump(this.counters, 'txNoAddress');
      return 'no-address';
    }
    const bytes = emitUdp({ srcPort, dstPort, payload: data }, src, dst);
    const r = this.ip.send(IPPROTO_UDP, dst, bytes, { src, ifIndex: opts.ifIndex, dstMac: opts.dstMac });
    bump(this.counters, r === 'sent' || r === 'queued' ? 'txDatagrams' : `tx-${r}`);
    return r;
  }

  private ephemeral(): number | undefined {
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    for (let i = 0; i < span; i++) {
      const p = this.nextEphemeral;
      this.nextEphemeral = p === EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
      if (!this.bindings.has(p)) return p;
    }
    return undefined;
  }

  private input(d: IpDatagram): void {
    const r = parseUdp(d.payload, d.src, d.dst);
    if (!r.ok) {
      bump(this.counters, r.error.kind === 'checksum' ? 'rxChecksum' : 'rxMalformed');
      return;
    }
    const u = r.value;
    const list = this.bindings.get(u.dstPort);
    if (!list || list.length === 0) {
      bump(this.counters, 'rxNoPort');
      this.ip.sendUnreachable(3, d);
      return;
    }
    bump(this.counters, 'rxDatagrams');
    const dg: UdpDatagram = { src: d.src, srcPort: u.srcPort, dst: d.dst, dstPort: u.dstPort, data: u.payload, ifIndex: d.ifIndex };
    // Unicast goes to the first binding (lwIP); broadcasts to every socket sharing the port (SO_REUSE_RXTOALL).
    if (d.dst === IPV4_BROADCAST || list.length === 1) {
      for (const b of [...list]) b.handler(dg);
    } else {
      list[0].handler(dg);
    }
  }
}
