import { Simulator } from '../../sim/simulator';
import { WifiBss } from '../../devices/medium/wifi';
import { WiredSegment } from '../../devices/medium/wired';
import { DEFAULT_WIFI_LINK } from '../../devices/medium/link';
import type { MediumPort } from '../../devices/nic';
import { BROADCAST_MAC, writeMac, writeU32 } from '../../stack/wire/types';

interface Rx {
  t: number;
  n: number;
}

function port(device: string, mac: number, got: Rx[] = []): MediumPort & { got: Rx[] } {
  return { device, mac, got, deliver: (f) => got.push({ t: 0, n: f[14] * 2 ** 24 + f[15] * 65536 + f[16] * 256 + f[17] }) };
}

function frame(dst: number, src: number, n: number, len = 100): Uint8Array {
  const f = new Uint8Array(len);
  writeMac(f, 0, dst);
  writeMac(f, 6, src);
  writeU32(f, 14, n);
  return f;
}

function lab(sim: Simulator) {
  const ap = port('ap', 0x0200000000a1);
  const bss = new WifiBss(sim, 'medium', ap, { ...DEFAULT_WIFI_LINK, jitterUs: 0 });
  const a = port('a', 0x0200000000aa);
  const b = port('b', 0x0200000000bb);
  bss.join(a);
  bss.join(b);
  return { ap, bss, a, b };
}

describe('WiFi BSS medium', () => {
  test('station to station frame crosses both hops with latency and airtime', () => {
    const sim = new Simulator(1);
    const { bss, a, b } = lab(sim);
    let at = -1;
    b.deliver = () => (at = sim.now);
    bss.send(a, frame(b.mac, a.mac, 1, 1000));
    sim.runSync();
    // two hops: 2 ms latency each + (1000+36)*8/20e6 s airtime each (415 µs)
    expect(at).toBe(2 * (2000 + 415));
  });

  test('broadcast from a station reaches the AP and every other station once', () => {
    const sim = new Simulator(1);
    const { ap, bss, a, b } = lab(sim);
    bss.send(a, frame(BROADCAST_MAC, a.mac, 7));
    sim.runSync();
    expect(ap.got.map((r) => r.n)).toEqual([7]);
    expect(b.got.map((r) => r.n)).toEqual([7]);
    expect(a.got).toEqual([]);
  });

  test('back-to-back frames serialise at the configured rate', () => {
    const sim = new Simulator(1);
    const { bss, a, ap } = lab(sim);
    bss.setLink('a', { rateBps: 1_000_000, latencyUs: 0 });
    const times: number[] = [];
    ap.deliver = () => times.push(sim.now);
    for (let i = 0; i < 3; i++) bss.send(a, frame(ap.mac, a.mac, i, 1214)); // 10 ms of airtime each
    sim.runSync();
    expect(times).toEqual([10000, 20000, 30000]);
  });

  test('link down while running drops frames, link up restores them', () => {
    const sim = new Simulator(1);
    const { bss, a, b } = lab(sim);
    bss.setLink('b', { down: true });
    bss.send(a, frame(b.mac, a.mac, 1));
    sim.runSync();
    expect(b.got).toEqual([]);
    expect(bss.counters.dropDown).toBe(1);
    bss.setLink('b', { down: false });
    bss.send(a, frame(b.mac, a.mac, 2));
    sim.runSync();
    expect(b.got.map((r) => r.n)).toEqual([2]);
  });

  test('loss, duplication and reordering rates roughly match the configured probabilities', () => {
    const sim = new Simulator(5);
    const { bss, a, ap } = lab(sim);
    bss.setLink('a', { loss: 0.2, duplicate: 0.1, reorder: 0.1, jitterUs: 0 });
    const N = 5000;
    for (let i = 0; i < N; i++) sim.at(i * 1000, () => bss.send(a, frame(ap.mac, a.mac, i)));
    sim.runSync();
    const seen = ap.got.map((r) => r.n);
    const unique = new Set(seen).size;
    expect(unique / N).toBeGreaterThan(0.77);
    expect(unique / N).toBeLessThan(0.83);
    const dups = seen.length - unique;
    expect(dups / unique).toBeGreaterThan(0.08);
    expect(dups / unique).toBeLessThan(0.12);
    let inversions = 0;
    for (let i = 1; i < seen.length; i++) if (seen[i] < seen[i - 1]) inversions++;
    expect(inversions / unique).toBeGreaterThan(0.07);
    expect(inversions / unique).toBeLessThan(0.13);
  });

  test('same seed gives the same losses, different seeds differ', () => {
    const run = (seed: number) => {
      const sim = new Simulator(seed);
      const { bss, a, ap } = lab(sim);
      bss.setLink('a', { loss: 0.3 });
      for (let i = 0; i < 200; i++) bss.send(a, frame(ap.mac, a.mac, i));
      sim.runSync();
      return ap.got.map((r) => r.n).join(',');
    };
    expect(run(1)).toBe(run(1));
    expect(run(1)).not.toBe(run(2));
  });
});

describe('wired WAN segment', () => {
  test('unicast takes both ports latencies, broadcast reaches every other port', () => {
    const sim = new Simulator(1);
    const seg = new WiredSegment(sim, 'wan');
    const r = port('router', 1);
    const h1 = port('h1', 2);
    const h2 = port('h2', 3);
    seg.plug(r, 0);
    seg.plug(h1, 40000);
    seg.plug(h2, 10000);
    let at = 0;
    h1.deliver = () => (at = sim.now);
    seg.send(r, frame(2, 1, 1, 125));
    sim.runSync();
    expect(at).toBe(40000 + Math.ceil(((125 + 36) * 8) / 1000));
    seg.send(h1, frame(BROADCAST_MAC, 2, 9));
    sim.runSync();
    expect(r.got.map((x) => x.n)).toEqual([9]);
    expect(h2.got.map((x) => x.n)).toEqual([9]);
  });

  test('a port plugged in for a MAC that already had one gets the frames from then on (the remembered ports are forgotten)', () => {
    const sim = new Simulator(1);
    const seg = new WiredSegment(sim, 'wan');
    const r = port('router', 1);
    const h1 = port('h1', 2);
    seg.plug(r, 0);
    seg.plug(h1, 10);
    seg.send(r, frame(2, 1, 1));
    sim.runSync();
    const replacement = port('h1b', 2);
    seg.plug(replacement, 10);
    seg.send(r, frame(2, 1, 2));
    sim.runSync();
    expect([h1.got.map((x) => x.n), replacement.got.map((x) => x.n)]).toEqual([[1], [2]]);
  });
});
