/**
 * A small TCP double (no segments): PCBs on different devices talk through a
 * shared registry with a fixed latency. Handshake, refusal (RST), SYN timeout,
 * a send buffer freed one round trip after a write, FIN, RST on close with
 * unread data, TIME-WAIT holding the port. Used until the real TcpLayer runs.
 */
import type { Simulator } from '../../sim/simulator';
import type { IpLayer } from '../../stack/contracts';
import type { TcpError, TcpLayerApi, TcpPcb, TcpPcbEvents, TcpStateName } from '../../stack/tcp/api';
import type { Ipv4Addr } from '../../stack/wire/types';

export class FakeTcpNet {
  readonly layers = new Map<Ipv4Addr, FakeTcp>();
  constructor(
    readonly sim: Simulator,
    readonly latencyUs = 1000,
    readonly synTimeoutUs = 18_500_000,
    readonly timeWaitUs = 120_000_000,
    readonly sndBuf = 5760,
  ) {}
}

export class FakeTcp implements TcpLayerApi {
  readonly counters: Record<string, number> = {};
  pcbs = new Set<FakePcb>();
  timeWait = new Map<number, number>(); // port → until
  private nextId = 1;
  private nextPort = 49152;

  constructor(
    readonly ip: IpLayer,
    readonly net: FakeTcpNet,
  ) {
    net.layers.set(ip.address(), this);
  }

  createPcb(): TcpPcb {
    const p = new FakePcb(this, this.nextId++);
    this.pcbs.add(p);
    return p;
  }

  pcbCount(): number {
    return this.pcbs.size;
  }

  destroyAll(): void {
    for (const p of this.pcbs) p.free();
    this.timeWait.clear();
  }

  portInUse(port: number, reuse: boolean): boolean {
    const tw = this.timeWait.get(port);
    if (tw !== undefined && tw > this.net.sim.now && !reuse) return true;
    for (const p of this.pcbs) if (p.localPort === port && p.bound) return true;
    return false;
  }

  ephemeral(): number {
    return this.nextPort++;
  }

  acceptSyn(client: FakePcb): void {
    const listener = [...this.pcbs].find((p) => p.state === 'LISTEN' && p.localPort === client.remotePort);
    if (!listener) {
      client.later(() => client.fail('refused'));
      return;
    }
    const server = this.createPcb() as FakePcb;
    server.localIp = client.remoteIp;
    server.localPort = client.remotePort;
    server.remoteIp = client.layer.ip.address();
    server.remotePort = client.localPort;
    server.state = 'ESTABLISHED';
    server.peer = client;
    client.peer = server;
    client.later(() => {
      if (!client.layer.pcbs.has(client)) return;
      client.state = 'ESTABLISHED';
      client.events.onConnected?.();
    });
    listener.events.onAccept?.(server);
  }
}

export class FakePcb implements TcpPcb {
  state: TcpStateName = 'CLOSED';
  localIp: Ipv4Addr = 0;
  localPort = 0;
  remoteIp: Ipv4Addr = 0;
  remotePort = 0;
  events: TcpPcbEvents = {};
  reuseAddr = false;
  noDelay = false;
  keepAlive = false;
  bound = false;
  peer: FakePcb | undefined;
  inFlight = 0;
  rcvQueued = 0;
  backlog = 0;
  private synTimer: number | undefined;

  constructor(
    readonly layer: FakeTcp,
    readonly id: number,
  ) {}

  private get sim(): Simulator {
    return this.layer.net.sim;
  }

  later(fn: () => void): void {
    this.sim.schedule(this.layer.net.latencyUs, fn);
  }

  private setState(s: TcpStateName): void {
    const from = this.state;
    this.state = s;
    this.events.onState?.(from, s);
  }

  bind(ip: Ipv4Addr, port: number): 'ok' | 'in-use' {
    if (port === 0) port = this.layer.ephemeral();
    else if (this.layer.portInUse(port, this.reuseAddr)) return 'in-use';
    this.localIp = ip;
    this.localPort = port;
    this.bound = true;
    return 'ok';
  }

  listen(backlog: number): void {
    this.backlog = backlog === 0 ? 1 : backlog;
    this.setState('LISTEN');
  }

  connect(ip: Ipv4Addr, port: number): 'ok' | 'no-route' {
    if (!this.bound) this.bind(0, 0);
    this.remoteIp = ip;
    this.remotePort = port;
    this.setState('SYN-SENT');
    const remote = this.layer.net.layers.get(ip);
    if (!remote) {
      this.synTimer = this.sim.schedule(this.layer.net.synTimeoutUs, () => this.fail('syn-timeout'));
      return 'ok';
    }
    this.later(() => remote.acceptSyn(this));
    return 'ok';
  }

  fail(err: TcpError): void {
    if (this.state === 'CLOSED' && !this.layer.pcbs.has(this)) return;
    this.free();
    this.events.onError?.(err);
  }

  free(): void {
    this.sim.cancel(this.synTimer);
    this.state = 'CLOSED';
    this.layer.pcbs.delete(this);
  }

  sndBufAvailable(): number {
    return this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT' ? this.layer.net.sndBuf - this.inFlight : 0;
  }

  write(data: Uint8Array): number {
    const n = Math.min(data.length, this.sndBufAvailable());
    if (n === 0) return 0;
    const chunk = data.slice(0, n);
    this.inFlight += n;
    const peer = this.peer;
    this.later(() => {
      if (!peer || !peer.layer.pcbs.has(peer)) return;
      peer.rcvQueued += n;
      peer.events.onRecv?.(chunk);
      this.later(() => {
        this.inFlight -= n;
        this.events.onSent?.(n);
      });
    });
    return n;
  }

  output(): void {}

  recved(n: number): void {
    this.rcvQueued -= n;
  }

  close(opts: { unreadBytes?: number } = {}): void {
    const peer = this.peer;
    if ((opts.unreadBytes ?? 0) > 0) return this.abort();
    if (this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT') {
      const first = this.state === 'ESTABLISHED';
      this.later(() => {
        if (peer && peer.layer.pcbs.has(peer)) {
          if (peer.state === 'ESTABLISHED') peer.setState('CLOSE-WAIT');
          peer.events.onFin?.();
        }
      });
      if (first) this.layer.timeWait.set(this.localPort, this.sim.now + this.layer.net.timeWaitUs);
    }
    this.free();
  }

  shutdownWrite(): void {}

  abort(): void {
    const peer = this.peer;
    if (peer && (this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT')) {
      this.later(() => {
        if (peer.layer.pcbs.has(peer)) peer.fail('reset');
      });
    }
    this.free();
  }
}
