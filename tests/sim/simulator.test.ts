import { Relay, Simulator, parseDuration } from '../../sim/simulator';
import { EventHeap } from '../../sim/heap';
import { Rng, RngStreams } from '../../sim/rng';
import { PcapWriter } from '../../sim/pcap';
import { formatTime } from '../../sim/trace';
import { createActor, createMachine } from 'xstate';

describe('Simulator', () => {
  test('events run in (time, insertion) order and the clock jumps to each', () => {
    const sim = new Simulator(1);
    const seen: string[] = [];
    sim.schedule(500, () => void seen.push(`b@${sim.now}`));
    sim.schedule(100, () => void seen.push(`a@${sim.now}`));
    sim.schedule(500, () => void seen.push(`c@${sim.now}`));
    sim.schedule(0, () => void seen.push(`z@${sim.now}`));
    expect(sim.runSync()).toBe('idle');
    expect(seen).toEqual(['z@0', 'a@100', 'b@500', 'c@500']);
  });

  test('cancelled timers never fire and cancel reports whether it was pending', () => {
    const sim = new Simulator();
    let fired = 0;
    const id = sim.schedule(10, () => void fired++);
    expect(sim.isPending(id)).toBe(true);
    expect(sim.cancel(id)).toBe(true);
    expect(sim.cancel(id)).toBe(false);
    sim.runSync();
    expect(fired).toBe(0);
  });

  test('posted events interleave with timers in (time, insertion) order and keep the ids of later timers', () => {
    const sim = new Simulator();
    const twin = new Simulator();
    const seen: string[] = [];
    const note = (what: string, at: number) => void seen.push(`${what}@${at}@${sim.now}`);
    sim.at(50, () => void seen.push(`t1@50@${sim.now}`));
    sim.post(50, note, 'p1', 50);
    sim.post(20, note, 'p0', 20);
    const id = sim.at(50, () => void seen.push(`t2@50@${sim.now}`));
    sim.post(50, note, 'p2', 50);
    twin.at(50, () => {});
    twin.at(50, () => {});
    twin.at(20, () => {});
    expect(id).toBe(twin.at(50, () => {}));
    expect(sim.pending).toBe(5);
    expect(sim.runSync()).toBe('idle');
    expect(seen).toEqual(['p0@20@20', 't1@50@50', 'p1@50@50', 't2@50@50', 'p2@50@50']);
    expect(sim.pending).toBe(0);
  });

  test('events posted through lanes run in the same order as with post(), also when posted while running', () => {
    // The same script twice: once through two lanes, once with plain post().
    const script = (sim: Simulator, laned: boolean): string[] => {
      const seen: string[] = [];
      const lanes = [sim.lane(), sim.lane()];
      const send = (k: number, t: number, what: string): void => {
        const fn = (w: string, at: number) => void seen.push(`${w}@${at}@${sim.now}`);
        if (laned) sim.postLane(lanes[k], t, fn, what, t);
        else sim.post(t, fn, what, t);
      };
      send(0, 10, 'a0');
      send(0, 30, 'a1');
      send(1, 30, 'b0');
      sim.post(30, (w: string) => void seen.push(w), 'p', 0);
      send(0, 30, 'a2');
      sim.at(20, () => {
        seen.push('t20');
        send(1, 30, 'b1');
        send(0, 40, 'a3');
      });
      sim.at(40, () => {
        seen.push('t40');
        send(1, 40, 'b2');
        send(1, 60, 'b3');
        send(0, 50, 'a4');
      });
      expect(sim.runSync()).toBe('idle');
      expect(sim.pending).toBe(0);
      return seen;
    };
    const laned = script(new Simulator(), true);
    expect(laned).toEqual(script(new Simulator(), false));
    expect(laned).toEqual([
      'a0@10@10', 't20', 'a1@30@30', 'b0@30@30', 'p', 'a2@30@30', 'b1@30@30',
      // t40 was scheduled before a3 was posted (at 20): same time, earlier seq.
      't40', 'a3@40@40', 'b2@40@40', 'a4@50@50', 'b3@60@60',
    ]);
  });

  test('a lane holding more events than its first ring, wrapping while it runs, keeps the order of post()', () => {
    const script = (sim: Simulator, laned: boolean): string[] => {
      const seen: string[] = [];
      const lane = sim.lane();
      const fn = (w: string, at: number): void => {
        seen.push(`${w}@${sim.now}`);
        // Each event sends one more, later (two for the first ones): the lane grows past 16 while it drains.
        if (at < 200) send(at + 7, `${w}+`);
        if (/^s\d+$/.test(w)) send(at + 11, `${w}'`);
      };
      const send = (t: number, w: string): void => {
        if (laned) sim.postLane(lane, t, fn, w, t);
        else sim.post(t, fn, w, t);
      };
      for (let i = 0; i < 20; i++) send(i * 3, `s${i}`);
      for (let i = 0; i < 10; i++) sim.post(i * 5, (w: string) => void seen.push(w), `p${i}`, 0);
      sim.runSync();
      return seen;
    };
    const laned = script(new Simulator(), true);
    expect(laned.length).toBeGreaterThan(100);
    expect(laned).toEqual(script(new Simulator(), false));
  });

  test('a relay runs its events in the order of a first-hop callback posting the second hop, keeping timer ids', () => {
    // Two-hop deliveries colliding with other events at the same times: once through Relay, once as a
    // callback that posts the second hop itself (what WiredSegment did), on the same script.
    const script = (sim: Simulator, relayed: boolean): string[] => {
      const seen: string[] = [];
      const hop1 = [sim.lane(), sim.lane()];
      const deliver = (who: string, what: string) => void seen.push(`${who}:${what}@${sim.now}`);
      const ends = [5, 0].map((delay, k) => ({ k, delay, lane: sim.lane(), relay: new Relay(sim.lane(), delay, deliver, `r${k}`) }));
      const send = (k: number, lane: boolean, t: number, what: string): void => {
        const e = ends[k];
        const first = lane ? hop1[k] : null;
        if (relayed) return sim.relay(first, t, e.relay, what);
        const arrive = (w: string): void => {
          if (e.delay > 0) sim.postLane(e.relay.lane, sim.now + e.delay, deliver, e.relay.target, w);
          else deliver(e.relay.target, w);
        };
        if (first) sim.postLane(first, t, arrive, what, t);
        else sim.post(t, arrive, what, t);
      };
      for (let i = 0; i < 12; i++) send(i % 2, i % 3 !== 0, 10 + 3 * i - (i % 4 === 1 ? 4 : 0), `f${i}`);
      for (let t = 10; t < 60; t += 5) sim.post(t, (w: string) => void seen.push(w), `p${t}`, 0);
      sim.at(20, () => {
        seen.push('t20');
        send(0, true, 20, 'now');
        send(1, false, 25, 'g');
        seen.push(`id ${sim.at(25, () => void seen.push('t25'))}`);
      });
      expect(sim.runSync()).toBe('idle');
      expect(sim.pending).toBe(0);
      return seen;
    };
    const relayed = script(new Simulator(), true);
    expect(relayed.length).toBe(27);
    expect(relayed).toEqual(script(new Simulator(), false));
  });

  test('a cancelled timer leaves the queue at once; reused event records do not disturb the order', () => {
    const sim = new Simulator();
    const seen: number[] = [];
    const ids = [10, 40, 30, 20, 50].map((t) => sim.at(t, () => void seen.push(t)));
    expect(sim.cancel(ids[2])).toBe(true);
    expect(sim.pending).toBe(4);
    sim.at(35, () => {
      seen.push(35);
      sim.post(35, (x: number) => void seen.push(x), 36, undefined);
      sim.at(45, () => void seen.push(45));
    });
    expect(sim.cancel(ids[4])).toBe(true);
    expect(sim.runSync()).toBe('idle');
    expect(seen).toEqual([10, 20, 35, 36, 40, 45]);
  });

  test('atReserved runs in the place reserve() took, not where it is called', () => {
    const sim = new Simulator();
    const seen: string[] = [];
    sim.at(100, () => void seen.push('a'));
    const seq = sim.reserve();
    const b = sim.at(100, () => void seen.push('b'));
    sim.at(10, () => void sim.atReserved(100, seq, () => void seen.push('reserved')));
    sim.at(100, () => void seen.push('c'));
    expect(b).toBe(3); // reserve() took id 2, as at() would have
    expect(sim.runSync()).toBe('idle');
    expect(seen).toEqual(['a', 'reserved', 'b', 'c']);
  });

  test('run stops at until and advances the clock to it', () => {
    const sim = new Simulator();
    const seen: number[] = [];
    for (const t of [10, 20, 30]) sim.at(t, () => void seen.push(t));
    expect(sim.runSync({ until: 25 })).toBe('until');
    expect(sim.now).toBe(25);
    expect(seen).toEqual([10, 20]);
    expect(sim.runSync({ for: 100 })).toBe('idle');
    expect(seen).toEqual([10, 20, 30]);
  });

  test('stopWhen ends the run right after the event that satisfied it', () => {
    const sim = new Simulator();
    let n = 0;
    const tick = () => {
      n++;
      sim.schedule(1000, tick);
    };
    sim.schedule(0, tick);
    expect(sim.runSync({ stopWhen: () => n === 5 })).toBe('condition');
    expect(sim.now).toBe(4000);
  });

  test('async events are awaited one at a time by run()', async () => {
    const sim = new Simulator();
    const log: string[] = [];
    sim.schedule(1, async () => {
      log.push('start');
      await Promise.resolve();
      log.push('end');
    });
    sim.schedule(1, () => void log.push('next'));
    await sim.run();
    expect(log).toEqual(['start', 'end', 'next']);
    const sim2 = new Simulator();
    sim2.schedule(1, async () => undefined);
    expect(() => sim2.runSync()).toThrow(/use run/);
  });

  test('xstate after-delays run on the virtual clock', () => {
    const sim = new Simulator();
    const machine = createMachine({ initial: 'a', states: { a: { after: { 1500: 'b' } }, b: {} } });
    const actor = createActor(machine, { clock: sim.clock }).start();
    sim.runSync({ until: 1_499_999 });
    expect(actor.getSnapshot().value).toBe('a');
    sim.runSync();
    expect(actor.getSnapshot().value).toBe('b');
    expect(sim.now).toBe(1_500_000);
  });

  test('parseDuration understands units and rejects junk', () => {
    expect(parseDuration('1.5s')).toBe(1_500_000);
    expect(parseDuration('250ms')).toBe(250_000);
    expect(parseDuration('40us')).toBe(40);
    expect(parseDuration('2m')).toBe(120_000_000);
    expect(parseDuration(3)).toBe(3_000_000);
    expect(() => parseDuration('soon')).toThrow(/bad duration/);
    expect(formatTime(10_512_000)).toBe('10.512000s');
  });
});

describe('EventHeap', () => {
  test('pops many random entries in (time, seq) order', () => {
    const h = new EventHeap<{ time: number; seq: number }>();
    const rng = new Rng(7, 'heap');
    for (let i = 0; i < 2000; i++) h.push({ time: rng.int(50), seq: i });
    let prev = { time: -1, seq: -1 };
    while (h.size) {
      const e = h.pop()!;
      expect(e.time > prev.time || (e.time === prev.time && e.seq > prev.seq)).toBe(true);
      prev = e;
    }
  });
});

describe('EventHeap remove', () => {
  test('removing random entries keeps the rest in (time, seq) order', () => {
    const h = new EventHeap<{ time: number; seq: number; pos?: number }>();
    const rng = new Rng(9, 'heap-remove');
    const all: { time: number; seq: number; pos?: number }[] = [];
    for (let i = 0; i < 1000; i++) {
      const e = { time: rng.int(100), seq: i };
      all.push(e);
      h.push(e);
    }
    const gone = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const e = all[rng.int(all.length)];
      expect(h.remove(e)).toBe(!gone.has(e.seq));
      gone.add(e.seq);
    }
    const out: { time: number; seq: number }[] = [];
    while (h.size) out.push(h.pop()!);
    const want = all.filter((e) => !gone.has(e.seq)).sort((a, b) => a.time - b.time || a.seq - b.seq);
    expect(out.map((e) => e.seq)).toEqual(want.map((e) => e.seq));
  });
});

describe('RNG streams', () => {
  test('same seed and name give the same draws; other streams do not shift them', () => {
    const a = new RngStreams(42);
    const b = new RngStreams(42);
    b.stream('wifi/pc').u32(); // another consumer draws first
    const xs = Array.from({ length: 5 }, () => a.stream('wifi/esp32').u32());
    const ys = Array.from({ length: 5 }, () => b.stream('wifi/esp32').u32());
    expect(ys).toEqual(xs);
    const zs = Array.from({ length: 5 }, () => new RngStreams(43).stream('wifi/esp32').u32());
    expect(zs).not.toEqual(xs);
  });

  test('floats are uniform enough and chance(0) draws nothing', () => {
    const r = new Rng(1, 'u');
    let sum = 0;
    for (let i = 0; i < 10000; i++) sum += r.float();
    expect(sum / 10000).toBeGreaterThan(0.48);
    expect(sum / 10000).toBeLessThan(0.52);
    const r2 = new Rng(1, 'c');
    const before = new Rng(1, 'c').u32();
    expect(r2.chance(0)).toBe(false);
    expect(r2.u32()).toBe(before);
  });
});

describe('PcapWriter', () => {
  test('writes a classic little-endian pcap header and virtual-time records', () => {
    const w = new PcapWriter();
    w.add(2_000_123, new Uint8Array([1, 2, 3]));
    const b = Buffer.from(w.bytes());
    expect(b.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(b.readUInt16LE(4)).toBe(2);
    expect(b.readUInt16LE(6)).toBe(4);
    expect(b.readUInt32LE(20)).toBe(1); // LINKTYPE_ETHERNET
    expect(b.readUInt32LE(24)).toBe(2); // seconds
    expect(b.readUInt32LE(28)).toBe(123); // microseconds
    expect(b.readUInt32LE(32)).toBe(3);
    expect(b.readUInt32LE(36)).toBe(3);
    expect([...b.subarray(40)]).toEqual([1, 2, 3]);
  });
});

describe('Trace', () => {
  test('records are JSON lines with t, dev, layer, kind first; bytes as hex', () => {
    const sim = new Simulator();
    sim.schedule(5, () => sim.trace.emit('esp32', 'console', 'line', { text: 'hi', raw: new Uint8Array([0xab]) }));
    sim.runSync();
    expect(sim.trace.text()).toBe('{"t":5,"dev":"esp32","layer":"console","kind":"line","text":"hi","raw":"ab"}\n');
    sim.trace.muted.add('console');
    sim.trace.emit('esp32', 'console', 'line', {});
    expect(sim.trace.count).toBe(1);
  });
});
