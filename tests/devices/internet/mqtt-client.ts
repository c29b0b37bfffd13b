/**
 * A bare MQTT client for broker tests: the `mqtt-packet` codec over a PC's
 * socket layer (callbacks, virtual time, no script), keeping every packet it
 * received.
 */
import { generate, parser, type Packet } from 'mqtt-packet';
import { AF_INET, SOCK_STREAM, type SocketApi } from '../../../stack/socket/api';
import { Simulation } from '../../../devices/simulation/simulation';
import type { PcBoard } from '../../../devices/pc/board';

export class RawClient {
  readonly got: Packet[] = [];
  closed = false;
  connected = false;
  private fd = -1;

  constructor(
    private readonly api: SocketApi,
    private readonly version = 4,
  ) {}

  open(ip: string, port = 1883): void {
    const s = this.api.socket(AF_INET, SOCK_STREAM, 0);
    if (!s.ok) throw new Error(`socket ${s.errno}`);
    this.fd = s.value;
    const p = parser({ protocolVersion: this.version });
    p.on('packet', (pk: Packet) => this.got.push(pk));
    p.on('error', (e: Error) => this.got.push({ cmd: 'error', message: e.message } as never));
    this.api.connect(this.fd, { ip, port }, (r) => {
      if (!r.ok) throw new Error(`connect ${r.errno}`);
      this.connected = true;
      const read = () =>
        this.api.recv(this.fd, 4096, 0, (x) => {
          if (!x.ok || x.value.length === 0) {
            this.closed = true;
            return;
          }
          p.parse(Buffer.from(x.value));
          read();
        });
      read();
    });
  }

  send(pk: Packet): void {
    this.raw(generate(pk, { protocolVersion: this.version }));
  }

  raw(b: Uint8Array): void {
    this.api.sendall(this.fd, new Uint8Array(b), () => {});
  }

  /** Drops the TCP connection without DISCONNECT. */
  drop(): void {
    this.api.close(this.fd);
  }

  of<T extends Packet['cmd']>(cmd: T): Extract<Packet, { cmd: T }>[] {
    return this.got.filter((p) => p.cmd === cmd) as Extract<Packet, { cmd: T }>[];
  }
}

/** A simulation with a LAN broker (`board: broker` as the schema says it) and `n` bare PCs, all with addresses. */
export async function brokerLab(n: number, opts: { users?: Record<string, string>; seed?: number } = {}) {
  const s = new Simulation({ seed: opts.seed ?? 1 });
  s.addDevice({ id: 'broker', board: 'pc', ip: '192.168.1.10', service: { service: 'mqtt', users: opts.users } });
  const pcs = Array.from({ length: n }, (_, i) => s.addDevice({ id: `pc${i + 1}`, board: 'pc' }));
  await s.run({ stopWhen: () => pcs.every((p) => p.ip() !== '0.0.0.0') && s.service('broker').running(), forUs: 10_000_000 });
  const client = (i: number, version = 4) => new RawClient((pcs[i].board as PcBoard).sockets, version);
  return { s, pcs, client, broker: s.service('broker') };
}
