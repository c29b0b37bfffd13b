/**
 * One UDP socket: a bound port on the device's UDP layer and a bounded queue
 * of received datagrams (lwIP: a receive mailbox of 6 datagrams on ESP-IDF;
 * Linux: rmem_default bytes). A datagram that does not fit is dropped and
 * counted; recv truncates a datagram to the buffer size and discards the rest.
 */
import { bump } from '../contracts';
import type { SocketFlag } from '../personality';
import type { UdpDatagram } from '../udp/api';
import { ipToString, IPV4_BROADCAST, parseIp, type Ipv4Addr } from '../wire/types';
import { POLLIN, POLLOUT, type Fd, type SockAddr, type SockCallback, type SockResult } from './api';
import { fail, ok, OK, parseBindIp, waitFor, type SockBase, type SockHost } from './host';
import { planWait } from './waits';

interface Queued {
  data: Uint8Array;
  addr: SockAddr;
}

export class UdpSock implements SockBase {
  readonly type = 'udp' as const;
  fd: Fd | undefined;
  mode: number | null = null;
  port: number | undefined;
  private localIp: Ipv4Addr = 0;
  private peer: { ip: Ipv4Addr; port: number } | undefined;
  private queue: Queued[] = [];
  private queueBytes = 0;
  private reuseAddr = false;
  broadcast = false;
  private readonly handler = (d: UdpDatagram): void => this.input(d);

  constructor(private readonly host: SockHost) {}

  setOption(name: SocketFlag, on: boolean): void {
    if (name === 'reuseAddr') this.reuseAddr = on;
    if (name === 'broadcast') this.broadcast = on;
  }

  /** SO_LINGER means nothing for UDP. */
  setLinger(): void {}

  bind(addr: SockAddr): SockResult {
    const p = this.host.p;
    const ip = parseBindIp(addr.ip);
    if (ip === undefined || this.port !== undefined) return fail(p, 'EINVAL');
    const r = this.host.udp.bind(addr.port, this.handler, { reuseAddr: this.reuseAddr });
    if (r === 'in-use') return fail(p, 'EADDRINUSE');
    this.port = r;
    this.localIp = ip;
    this.host.trace('bind', { fd: this.fd ?? -1, port: r, proto: 'udp' });
    return OK;
  }

  private ensureBound(): SockResult {
    return this.port === undefined ? this.bind({ ip: '0.0.0.0', port: 0 }) : OK;
  }

  /** UDP connect: fixes the default destination and filters what is received. */
  connect(addr: SockAddr): SockResult {
    const ip = parseIp(addr.ip);
    if (ip === undefined) return fail(this.host.p, 'EINVAL');
    const b = this.ensureBound();
    if (!b.ok) return b;
    this.peer = { ip, port: addr.port };
    return OK;
  }

  sendto(data: Uint8Array, addr: SockAddr | undefined, cb: SockCallback<number>): void {
    const p = this.host.p;
    let dst = this.peer;
    if (addr) {
      const ip = parseIp(addr.ip);
      if (ip === undefined) return cb(fail(p, 'EINVAL'));
      dst = { ip, port: addr.port };
    }
    if (!dst) return cb(fail(p, p.sendUnconnectedUdp));
    // Linux refuses a limited broadcast without SO_BROADCAST; lwIP on the ESP32 does not check.
    if (p.broadcastNeedsOption && dst.ip === IPV4_BROADCAST && !this.broadcast) return cb(fail(p, 'EACCES'));
    const b = this.ensureBound();
    if (!b.ok || this.port === undefined) return cb(b.ok ? fail(p, 'EINVAL') : b);
    const r = this.host.udp.sendto(this.port, dst.ip, dst.port, data, this.localIp ? { src: this.localIp } : undefined);
    if (r === 'sent' || r === 'queued') return cb(ok(data.length));
    cb(fail(p, p.ipErrors[r]));
  }

  recvfrom(max: number, peek: boolean, dontWait: boolean, cb: SockCallback<{ data: Uint8Array; addr: SockAddr }>): void {
    const plan = planWait(this.host.p, this.mode, dontWait);
    const attempt = (): boolean => {
      const q = this.queue[0];
      if (!q) return false;
      if (!peek) {
        this.queue.shift();
        this.queueBytes -= q.data.length;
      }
      cb(ok({ data: q.data.length > max ? q.data.slice(0, Math.max(0, max)) : q.data, addr: q.addr }));
      return true;
    };
    waitFor(this.host, this, plan, attempt, () => cb(fail(this.host.p, plan.expired)), cb);
  }

  private input(d: UdpDatagram): void {
    const c = this.host.counters;
    if (this.peer && (d.src !== this.peer.ip || d.srcPort !== this.peer.port)) {
      bump(c, 'udpNotFromPeer');
      return;
    }
    const lim = this.host.p.udpQueue;
    if (this.queue.length >= lim.maxDatagrams || this.queueBytes + d.data.length > lim.maxBytes) {
      bump(c, 'udpQueueFull');
      return;
    }
    this.queue.push({ data: d.data.slice(), addr: { ip: ipToString(d.src), port: d.srcPort } });
    this.queueBytes += d.data.length;
    this.host.kick();
  }

  readiness(): number {
    return POLLOUT | (this.queue.length > 0 ? POLLIN : 0);
  }

  close(): void {
    this.destroy();
  }

  destroy(): void {
    if (this.port !== undefined) this.host.udp.unbind(this.port, this.handler);
    this.port = undefined;
    this.queue = [];
    this.queueBytes = 0;
  }
}
