/**
 * The TCP layer of one device: PCB tables (connections, listeners, bound
 * ports), ISS and ephemeral ports from named RNG streams, segment output to
 * the IPv4 layer, traces. See machine.ts (states and their decisions),
 * segment.ts (what an arriving segment is), input.ts, output.ts, timers.ts
 * and expire.ts, tcb.ts.
 */
import type { Rng } from '../../sim/rng';
import type { Simulator } from '../../sim/simulator';
import { bump, FRAME_HEADROOM, IPPROTO_TCP, type Counters, type IpLayer, type IpSendOptions } from '../contracts';
import { WordView } from '../wire/checksum';
import { emitTcpInto, formatSegment, newTcpRepr, tcpSegmentLength, type TcpRepr } from '../wire/tcp';
import type { Ipv4Addr } from '../wire/types';
import type { TcpConfig, TcpLayerApi, TcpPcb } from './api';
import { HotCounts } from './counts';
import { RxScratch, tcpInput, type Demux } from './input';
import { Pcb } from './pcb';
import { Slab } from './slab';

export { formatSegment } from '../wire/tcp';
export { Pcb } from './pcb';

const EPHEMERAL_LO = 49152;
const EPHEMERAL_HI = 65535;

export class TcpLayer implements TcpLayerApi, Demux {
  private readonly record: Counters = {};
  /** The data path's counters (counts.ts), in `counters` when it is read. */
  readonly hot = new HotCounts(this.record);
  readonly sim: Simulator;
  readonly device: string;
  /** Every PCB not yet freed. */
  readonly pcbs = new Set<Pcb>();
  /** localPort → (remoteIp * 65536 + remotePort) → PCB. */
  private conns = new Map<number, Map<number, Pcb>>();
  private listeners = new Map<number, Pcb[]>();
  private readonly issRng: Rng;
  private nextPort: number;
  private nextId = 1;
  private last: Pcb | undefined;
  /** Where outgoing segments are carved from (see slab.ts). */
  readonly slab = new Slab();
  /** IpLayer.send options of every segment (read synchronously by send, so one object serves). */
  private readonly sendOpts: IpSendOptions = { src: 0, df: true, inFrame: true };
  readonly txSeg = newTcpRepr();
  /** What segment arrival reuses (input.ts), with a word view of the peers' frames. */
  readonly rx = new RxScratch(new WordView());

  constructor(
    readonly ip: IpLayer,
    readonly cfg: TcpConfig,
  ) {
    this.sim = ip.sim;
    this.device = ip.device;
    this.issRng = this.sim.rng(`tcp/${ip.device}/iss`);
    this.nextPort = this.sim.rng(`tcp/${ip.device}/port`).range(EPHEMERAL_LO, EPHEMERAL_HI);
    ip.onProtocol(IPPROTO_TCP, (d) => tcpInput(this, d));
  }

  get counters(): Counters {
    return this.hot.flush();
  }

  createPcb(): TcpPcb {
    return this.newPcb(false);
  }

  newPcb(passive: boolean): Pcb {
    const p = new Pcb(this, this.nextId++, passive);
    this.pcbs.add(p);
    return p;
  }

  pcbCount(): number {
    return this.pcbs.size;
  }

  destroyAll(): void {
    for (const p of [...this.pcbs]) {
      p.events = {};
      p.release();
    }
    this.conns.clear();
    this.listeners.clear();
    this.last = undefined;
  }

  count(key: string, by = 1): void {
    bump(this.record, key, by);
  }

  newIss(): number {
    return this.issRng.u32() | 0;
  }

  /** Next free ephemeral port (lwIP: increments from a random start, wraps in 49152-65535). */
  ephemeralPort(): number | undefined {
    for (let i = 0; i <= EPHEMERAL_HI - EPHEMERAL_LO; i++) {
      const p = this.nextPort;
      this.nextPort = p >= EPHEMERAL_HI ? EPHEMERAL_LO : p + 1;
      if (!this.portInUse(0, p, undefined, true)) return p;
    }
    return undefined;
  }

  /**
   * Is `port` on `ip` taken for `self`? A TIME-WAIT (or other connected,
   * non-listening) holder does not block a bind with SO_REUSEADDR.
   */
  portInUse(ip: Ipv4Addr, port: number, self: Pcb | undefined, any = false): boolean {
    for (const p of this.pcbs) {
      if (p === self || !p.bound || p.localPort !== port) continue;
      if (!any && p.localIp !== 0 && ip !== 0 && p.localIp !== ip) continue;
      if (self?.reuseAddr && p.connected && p.state !== 'LISTEN') continue;
      return true;
    }
    return false;
  }

  addConnection(p: Pcb): void {
    let m = this.conns.get(p.localPort);
    if (!m) this.conns.set(p.localPort, (m = new Map()));
    m.set(p.remoteIp * 65536 + p.remotePort, p);
    p.connected = true;
  }

  addListener(p: Pcb): void {
    const list = this.listeners.get(p.localPort) ?? [];
    list.push(p);
    this.listeners.set(p.localPort, list);
  }

  lookup(localPort: number, remoteIp: Ipv4Addr, remotePort: number): Pcb | undefined {
    const l = this.last;
    if (l && l.localPort === localPort && l.remotePort === remotePort && l.remoteIp === remoteIp && !l.freed) return l;
    const p = this.conns.get(localPort)?.get(remoteIp * 65536 + remotePort);
    if (p) this.last = p;
    return p;
  }

  findListener(localIp: Ipv4Addr, port: number): Pcb | undefined {
    const list = this.listeners.get(port);
    if (!list) return undefined;
    return list.find((p) => p.localIp === localIp) ?? list.find((p) => p.localIp === 0);
  }

  /** Forgets a freed PCB. */
  remove(p: Pcb): void {
    this.pcbs.delete(p);
    if (this.last === p) this.last = undefined;
    if (p.connected) {
      const m = this.conns.get(p.localPort);
      const key = p.remoteIp * 65536 + p.remotePort;
      if (m?.get(key) === p) m.delete(key);
      if (m && m.size === 0) this.conns.delete(p.localPort);
    }
    const list = this.listeners.get(p.localPort);
    if (list?.includes(p)) {
      const rest = list.filter((x) => x !== p);
      if (rest.length) this.listeners.set(p.localPort, rest);
      else this.listeners.delete(p.localPort);
    }
  }

  traceSeg(dir: 'tx' | 'rx', repr: TcpRepr): void {
    if (this.sim.trace.wants('tcp')) this.sim.trace.emit(this.device, 'tcp', 'seg', { dir, line: formatSegment(repr) });
  }

  /** Emits and sends one segment (DF set, as lwIP does), built with room for the IP layer's headers. */
  transmit(src: Ipv4Addr, dst: Ipv4Addr, repr: TcpRepr): void {
    this.hot.txSegment();
    this.traceSeg('tx', repr);
    const opts = this.sendOpts;
    opts.src = src;
    // Built where it will travel: the IPv4 and Ethernet headers go in front of it in the same piece.
    const frame = this.slab.alloc(FRAME_HEADROOM + tcpSegmentLength(repr));
    emitTcpInto(frame, FRAME_HEADROOM, repr, src, dst, this.slab.words);
    const r = this.ip.send(IPPROTO_TCP, dst, frame, opts);
    if (r !== 'sent' && r !== 'queued') bump(this.record, `tx-${r}`);
  }
}
