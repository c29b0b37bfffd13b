/**
 * The host side of a live run's links, all on 127.0.0.1: a listening port per
 * --forward (TCP connections or UDP datagrams become external inputs of the
 * host gateway), a connection to the real service for each simulated client
 * of an --expose, and the socat helper of a --tap (each Ethernet frame one UDP
 * datagram between socat and us). Everything that arrives is pushed into the
 * LiveInputs (applied and traced between slices); the simulation's answers
 * come back through the gateway's and TAP's outputs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import type { GatewayOutput, GatewaySpec, SimulationApi } from '../../devices/simulation/api';
import type { LiveInputs } from '../runner/live';

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();

export class HostLinks {
  private readonly servers: net.Server[] = [];
  private readonly udps: dgram.Socket[] = [];
  private readonly sockets = new Map<number, net.Socket>();
  private readonly udpPeers: { fwd: number; addr: string; port: number }[] = [];
  private socat: ChildProcess | undefined;
  private tapUdp: dgram.Socket | undefined;
  private tapPeer = 0;
  /** Frames for Linux that came before socat was listening. */
  private closed = false;

  constructor(
    private readonly live: LiveInputs,
    private readonly spec: GatewaySpec,
  ) {}

  /** Opens the forwards' ports (checked free just before). */
  async listen(): Promise<void> {
    const forwards = this.spec.forwards ?? [];
    for (let i = 0; i < forwards.length; i++) {
      const f = forwards[i];
      if (f.proto === 'udp') {
        const u = dgram.createSocket('udp4');
        u.on('message', (msg, r) => {
          let peer = this.udpPeers.findIndex((p) => p.fwd === i && p.addr === r.address && p.port === r.port);
          if (peer < 0) peer = this.udpPeers.push({ fwd: i, addr: r.address, port: r.port }) - 1;
          this.live.push({ what: 'udp', fwd: i, peer, data: u8(msg) });
        });
        await new Promise<void>((res, rej) => {
          u.once('error', rej);
          u.bind(f.hostPort, '127.0.0.1', () => res());
        });
        this.udps[i] = u;
        continue;
      }
      const srv = net.createServer((sock) => this.accepted(i, sock));
      await new Promise<void>((res, rej) => {
        srv.once('error', rej);
        srv.listen(f.hostPort, '127.0.0.1', () => res());
      });
      this.servers.push(srv);
    }
  }

  /** A host client connected to a TCP forward: its bytes wait for the connection's number. */
  private accepted(fwd: number, sock: net.Socket): void {
    let conn: number | undefined;
    const early: LiveEvent[] = [];
    const send = (ev: LiveEvent) => {
      if (conn === undefined) early.push(ev);
      else this.pushConn(conn, ev);
    };
    this.watch(sock, send);
    this.live.push({ what: 'tcp-open', fwd }, (r) => {
      if (r === undefined) return void sock.destroy();
      conn = r;
      this.sockets.set(r, sock);
      for (const ev of early) this.pushConn(r, ev);
    });
  }

  private pushConn(conn: number, ev: LiveEvent): void {
    if (ev.kind === 'data') this.live.push({ what: 'tcp-data', conn, data: ev.data });
    else this.live.push({ what: 'tcp-end', conn, how: ev.kind });
  }

  /** A host socket's bytes, FIN and reset, as events. */
  private watch(sock: net.Socket, send: (ev: LiveEvent) => void): void {
    let ended = false;
    sock.on('data', (b) => send({ kind: 'data', data: u8(b) }));
    sock.on('end', () => {
      ended = true;
      send({ kind: 'close' });
    });
    sock.on('error', () => {});
    sock.on('close', (hadError) => {
      if (!ended || hadError) send({ kind: 'reset' });
    });
  }

  /** The simulation's answers to the host. */
  output(out: GatewayOutput): void {
    if (this.closed) return;
    switch (out.what) {
      case 'data':
        this.sockets.get(out.conn)?.write(out.data);
        return;
      case 'close':
        this.sockets.get(out.conn)?.end();
        return;
      case 'reset': {
        const s = this.sockets.get(out.conn);
        this.sockets.delete(out.conn);
        s?.resetAndDestroy();
        return;
      }
      case 'connect': {
        const e = this.spec.exposes?.[out.expose];
        if (!e) return;
        const sock = net.connect({ host: e.hostIp, port: e.port });
        this.sockets.set(out.conn, sock);
        this.watch(sock, (ev) => this.pushConn(out.conn, ev));
        return;
      }
      case 'datagram': {
        const p = this.udpPeers[out.peer];
        if (p) this.udps[out.fwd]?.send(out.data, p.port, p.addr);
        return;
      }
    }
  }

  /**
   * Starts socat with the TAP device `name` (frames as UDP datagrams on 127.0.0.1) and waits
   * until the interface exists; rejects with a message when socat fails.
   */
  async tap(name: string, socat: string): Promise<void> {
    const u = dgram.createSocket('udp4');
    await new Promise<void>((res) => u.bind(0, '127.0.0.1', () => res()));
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((res) => probe.bind(0, '127.0.0.1', () => res()));
    this.tapPeer = probe.address().port;
    await new Promise<void>((res) => probe.close(() => res()));
    this.tapUdp = u;
    u.on('message', (msg) => this.live.push({ what: 'frame', data: u8(msg) }));
    const args = ['-d', '-d', `TUN,tun-type=tap,tun-name=${name},iff-up,iff-no-pi`, `UDP-DATAGRAM:127.0.0.1:${u.address().port},bind=127.0.0.1:${this.tapPeer}`];
    const child = spawn(socat, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.socat = child;
    let err = '';
    child.stderr?.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    const deadline = Date.now() + 5000; // wall-clock-ok: waiting for the helper, before the run
    for (;;) {
      if (existsSync(`/sys/class/net/${name}`)) return;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill();
        const last = err.trim().split('\n').filter((l) => / E /.test(l)).pop() ?? err.trim().split('\n').pop() ?? '';
        throw new Error(`--tap ${name}: socat could not create the TAP device${last ? `: ${last.replace(/^.*? E /, '')}` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 20)); // wall-clock-ok: polling for the interface
    }
  }

  /** A frame for Linux. */
  frame(data: Uint8Array): void {
    if (this.closed || !this.tapUdp) return;
    this.tapUdp.send(data, this.tapPeer, '127.0.0.1');
  }

  /** Hooks the simulation's gateway and TAP outputs to the host side. */
  hook(api: SimulationApi): void {
    if (api.gateway) api.gateway.onOutput = (o) => this.output(o);
    if (api.tap) api.tap.onFrame = (f) => this.frame(f);
  }

  /** Closes every port and connection and stops socat (the TAP device goes with it). */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets.values()) s.destroy();
    this.sockets.clear();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    for (const u of this.udps) u?.close();
    this.tapUdp?.close();
    if (this.socat && this.socat.exitCode === null) {
      const child = this.socat;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]); // wall-clock-ok: bounded wait at exit
    }
  }
}

type LiveEvent = { kind: 'data'; data: Uint8Array } | { kind: 'close' } | { kind: 'reset' };
