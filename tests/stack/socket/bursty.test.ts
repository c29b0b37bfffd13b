/**
 * Issue #13's TAP stall hunt: Linux's frames reach the ESP32 as external inputs between slices
 * of virtual time, often several at the same instant. Here a Linux-personality client uploads to
 * an ESP32 server (recv(4096) in a loop, as the TAP fixture does) over a wire that holds each
 * direction's frames and hands them over in bursts, some lost, and the upload must arrive whole.
 */
import { createHash } from 'node:crypto';
import { Nic, type MediumAttachment, type MediumPort } from '../../../devices/nic';
import { Simulator } from '../../../sim/simulator';
import { NetStack } from '../../../stack/netstack';
import { ESP32_PERSONALITY } from '../../../stack/personality/esp32';
import { LINUX_PERSONALITY } from '../../../stack/personality/linux';
import type { Personality } from '../../../stack/personality';
import { buildTransport, type Transport } from '../../../stack/transport';
import { parseIp } from '../../../stack/wire/types';
import { call, runUntil } from './harness';

/** Two ports; each direction's frames wait and leave together every `burstUs` (lost with `loss`). */
class BurstyWire implements MediumAttachment {
  private ports: MediumPort[] = [];
  private queued = new Map<MediumPort, Uint8Array[]>();
  dropped = 0;
  constructor(
    private readonly sim: Simulator,
    private readonly burstUs: number,
    private readonly loss: number,
  ) {}
  plug(p: MediumPort): void {
    this.ports.push(p);
  }
  send(from: MediumPort, frame: Uint8Array): void {
    const to = this.ports.find((p) => p !== from);
    if (!to) return; // nobody plugged in yet (an announcement at configure)
    if (this.loss > 0 && this.sim.rng('test-loss').float() < this.loss) {
      this.dropped++;
      return;
    }
    let q = this.queued.get(to);
    if (!q) {
      q = [];
      this.queued.set(to, q);
      this.sim.schedule(this.burstUs, () => {
        this.queued.delete(to);
        for (const f of q!) to.deliver(f);
      });
    }
    q.push(frame.slice());
  }
}

function host(sim: Simulator, wire: BurstyWire, id: string, mac: number, ip: string, p: Personality): Transport {
  const net = new NetStack(sim, { device: id });
  const nic = new Nic(id, mac, 'eth0');
  wire.plug(nic);
  nic.attach(wire);
  net.configure(net.addInterface(nic, 'eth0'), { ip: parseIp(ip)!, prefixLen: 24 });
  return buildTransport(sim, id, net, p);
}

function upload(burstUs: number, loss: number, size: number, seed: number): { got: number; sha: string; want: string; dropped: number } {
  const sim = new Simulator(seed);
  sim.trace.keep = false;
  const wire = new BurstyWire(sim, burstUs, loss);
  const linux = host(sim, wire, 'linux', 0x02_00_00_00_00_01, '10.0.0.1', LINUX_PERSONALITY);
  const esp = host(sim, wire, 'esp32', 0x02_00_00_00_00_02, '10.0.0.2', ESP32_PERSONALITY);
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 2654435761) >>> 24;
  const l = esp.sockets.socket(2, 1, 0);
  const c = linux.sockets.socket(2, 1, 0);
  if (!l.ok || !c.ok) throw new Error('socket');
  esp.sockets.bind(l.value, { ip: '', port: 9000 });
  esp.sockets.listen(l.value, 2);
  const h = createHash('sha256');
  let got = 0;
  const done = { done: false };
  esp.sockets.accept(l.value, (r) => {
    if (!r.ok) throw new Error(`accept ${r.errno}`);
    const fd = r.value.fd;
    const loop = (): void =>
      esp.sockets.recv(fd, 4096, 0, (d) => {
        if (!d.ok || d.value.length === 0) {
          done.done = true;
          return;
        }
        h.update(d.value);
        got += d.value.length;
        loop();
      });
    loop();
  });
  linux.sockets.connect(c.value, { ip: '10.0.0.2', port: 9000 }, (r) => {
    if (!r.ok) throw new Error(`connect ${r.errno}`);
    linux.sockets.sendall(c.value, data, () => linux.sockets.close(c.value));
  });
  runUntil(sim, done, 300_000_000);
  return { got, sha: h.digest('hex'), want: createHash('sha256').update(data).digest('hex'), dropped: wire.dropped };
}

describe('an ESP32 server receiving frames in bursts', () => {
  test.each([
    [2000, 0, 1],
    [5000, 0, 2],
    [3000, 0.01, 3],
    [8000, 0.02, 4],
    // The window update that would have opened a 1216-byte window was lost: the sender's
    // persist timer must fill the small window (it used to re-arm itself for ever, sending nothing).
    [1000, 0.03, 13],
  ])('a 1 MB upload arrives whole (bursts every %d µs, loss %d)', (burstUs, loss, seed) => {
    const r = upload(burstUs, loss, 1 << 20, seed);
    expect({ got: r.got, sha: r.sha }).toEqual({ got: 1 << 20, sha: r.want });
  });
});
