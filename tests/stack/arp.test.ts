import { Simulator } from '../../sim/simulator';
import { ARP_MAX_AGE_US } from '../../stack/arp/cache';
import { parseArp } from '../../stack/wire/arp';
import { ethertype, host, Hub, ip, runFor } from './helpers';

function setup() {
  const sim = new Simulator(7);
  const hub = new Hub(sim, 100);
  const a = host(sim, hub, 'a', '192.168.1.10/24');
  const b = host(sim, hub, 'b', '192.168.1.20/24');
  runFor(sim, 1000); // let the gratuitous ARPs pass
  hub.log.length = 0;
  return { sim, hub, a, b };
}

function arpFrames(hub: Hub) {
  return hub.log.filter((l) => ethertype(l.frame) === 0x0806).map((l) => ({ t: l.t, from: l.from, arp: parseArp(l.frame.subarray(14)) }));
}

describe('ARP', () => {
  test('empty cache, datagrams sent: one request, both queued datagrams delivered after the reply', () => {
    const { sim, hub, a, b } = setup();
    const got: string[] = [];
    b.stack.udp.bind(7000, (d) => got.push(Buffer.from(d.data).toString()));
    expect(a.stack.udp.sendto(5000, ip('192.168.1.20'), 7000, Buffer.from('one'))).toBe('queued');
    expect(a.stack.udp.sendto(5000, ip('192.168.1.20'), 7000, Buffer.from('two'))).toBe('queued');
    expect(a.iface.arp.queued(ip('192.168.1.20'))).toBe(2);
    runFor(sim, 10_000);
    expect(got).toEqual(['one', 'two']);
    const arps = arpFrames(hub);
    expect(arps.map((x) => [x.from, x.arp.ok && x.arp.value.op])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(a.stack.arp.lookup(ip('192.168.1.20'))).toBe(b.nic.mac);
    // b learned a from the request addressed to it: no request of its own to answer.
    expect(b.stack.arp.lookup(ip('192.168.1.10'))).toBe(a.nic.mac);
    expect(a.stack.udp.sendto(5000, ip('192.168.1.20'), 7000, Buffer.from('three'))).toBe('sent');
  });

  test('the entry a lookup remembers gives way to a new one for the same address, and to a flush', () => {
    const { sim, a, b } = setup();
    const bIp = ip('192.168.1.20');
    a.stack.udp.sendto(5000, bIp, 7000, Buffer.from('x'));
    runFor(sim, 10_000);
    expect(a.iface.arp.lookup(bIp)).toBe(b.nic.mac);
    expect(a.iface.arp.lookup(bIp)).toBe(b.nic.mac);
    a.iface.arp.addStatic(bIp, 0x02_00_00_00_00_99);
    expect(a.iface.arp.lookup(bIp)).toBe(0x02_00_00_00_00_99);
    a.iface.arp.flush();
    expect(a.iface.arp.lookup(bIp)).toBeUndefined();
  });

  test('resolved entry, 5 minutes idle: expires and is requested again', () => {
    const { sim, hub, a } = setup();
    a.stack.udp.sendto(5000, ip('192.168.1.20'), 7000, Buffer.from('x'));
    runFor(sim, 10_000);
    expect(a.stack.arp.lookup(ip('192.168.1.20'))).toBeDefined();
    runFor(sim, ARP_MAX_AGE_US);
    expect(a.stack.arp.lookup(ip('192.168.1.20'))).toBeUndefined();
    expect(a.stack.counters()['arp.expired']).toBe(1);
    hub.log.length = 0;
    expect(a.stack.udp.sendto(5000, ip('192.168.1.20'), 7000, Buffer.from('y'))).toBe('queued');
    runFor(sim, 10_000);
    expect(arpFrames(hub).length).toBe(2);
  });

  test('absent host: 5 requests one second apart, then the queue is dropped and counted', () => {
    const { sim, hub, a } = setup();
    const t0 = sim.now;
    for (let i = 0; i < 5; i++) a.stack.udp.sendto(5000, ip('192.168.1.99'), 7000, Buffer.from([i]));
    runFor(sim, 10_000_000);
    const reqs = arpFrames(hub).filter((x) => x.from === 'a');
    expect(reqs.map((x) => x.t - t0)).toEqual([0, 1e6, 2e6, 3e6, 4e6]);
    const c = a.stack.counters();
    expect(c['arp.queueOverflow']).toBe(2); // ARP_QUEUE_LEN 3 keeps the newest three
    expect(c['arp.droppedUnresolved']).toBe(3);
    expect(c['arp.unresolved']).toBe(1);
    expect(a.iface.arp.queued(ip('192.168.1.99'))).toBe(0);
  });

  test('address configured: gratuitous ARP announces it; a request for it is answered', () => {
    const sim = new Simulator(1);
    const hub = new Hub(sim);
    const a = host(sim, hub, 'a');
    const b = host(sim, hub, 'b', '10.0.0.2/8');
    a.stack.configure(a.iface, { ip: ip('10.0.0.1'), prefixLen: 8 });
    runFor(sim, 1000);
    const g = arpFrames(hub).find((x) => x.from === 'a');
    expect(g?.arp.ok && g.arp.value).toMatchObject({ op: 1, senderIp: ip('10.0.0.1'), targetIp: ip('10.0.0.1') });
    expect(b.stack.counters()['arp.rxRequest']).toBeGreaterThan(0);
  });

  test('another station claims our address: conflict counted, not learned', () => {
    const sim = new Simulator(1);
    const hub = new Hub(sim);
    const a = host(sim, hub, 'a', '10.0.0.1/8');
    host(sim, hub, 'b', '10.0.0.1/8');
    runFor(sim, 1000);
    expect(a.stack.counters()['arp.conflict']).toBe(1);
  });
});
