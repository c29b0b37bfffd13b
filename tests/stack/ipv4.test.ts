import { Nic } from '../../devices/nic';
import { Simulator } from '../../sim/simulator';
import type { IcmpErrorInfo } from '../../stack/contracts';
import { NetStack } from '../../stack/netstack';
import type { PingStats } from '../../stack/icmp/icmp';
import { internetChecksum } from '../../stack/wire/checksum';
import { emitEthernetHeader } from '../../stack/wire/ethernet';
import { emitIpv4Header } from '../../stack/wire/ipv4';
import { host, Hub, ip, runFor } from './helpers';

function pair(latencyUs = 100) {
  const sim = new Simulator(3);
  const hub = new Hub(sim, latencyUs);
  const a = host(sim, hub, 'a', '192.168.1.10/24', '192.168.1.1');
  const b = host(sim, hub, 'b', '192.168.1.20/24', '192.168.1.1');
  runFor(sim, 1000);
  return { sim, hub, a, b };
}

describe('ICMP echo', () => {
  test('reachable host, ping 3: all replies with RTT = 2 x latency (first one + ARP exchange)', () => {
    const { sim, a } = pair(250);
    let stats: PingStats | undefined;
    a.stack.icmp.ping(ip('192.168.1.20'), { count: 3, intervalUs: 1e6, size: 32, timeoutUs: 1e6 }, (s) => (stats = s));
    runFor(sim, 5e6);
    expect(stats).toEqual({ sent: 3, received: 3, lost: 0, rttsUs: [1000, 500, 500], minUs: 500, avgUs: 667, maxUs: 1000 });
  });

  test('absent host, ping 2: both lost after their timeout', () => {
    const { sim, a } = pair();
    let stats: PingStats | undefined;
    a.stack.icmp.ping(ip('192.168.1.77'), { count: 2, intervalUs: 1e6, size: 8, timeoutUs: 2e6 }, (s) => (stats = s));
    runFor(sim, 10e6);
    expect(stats).toMatchObject({ sent: 2, received: 0, lost: 2, minUs: 0, avgUs: 0, maxUs: 0 });
  });
});

describe('UDP', () => {
  test('bound port, datagram sent: delivered with addresses and ports', () => {
    const { sim, a, b } = pair();
    const got: unknown[] = [];
    expect(b.stack.udp.bind(9999, (d) => got.push({ ...d, data: Buffer.from(d.data).toString() }))).toBe(9999);
    expect(b.stack.udp.bind(9999, () => {})).toBe('in-use');
    const port = a.stack.udp.bind(0, () => {});
    expect(port).toBeGreaterThanOrEqual(49152);
    a.stack.udp.sendto(port as number, ip('192.168.1.20'), 9999, Buffer.from('hello'));
    runFor(sim, 10_000);
    expect(got).toEqual([{ src: ip('192.168.1.10'), srcPort: port, dst: ip('192.168.1.20'), dstPort: 9999, data: 'hello', ifIndex: 0 }]);
  });

  test('nothing bound: ICMP port unreachable reaches the sender\'s UDP error listener', () => {
    const { sim, a, b } = pair();
    const errors: IcmpErrorInfo[] = [];
    a.stack.ip.onIcmpError(17, (e) => errors.push(e));
    a.stack.udp.sendto(40000, ip('192.168.1.20'), 1234, Buffer.from('x'));
    runFor(sim, 10_000);
    expect(b.stack.counters()['udp.rxNoPort']).toBe(1);
    expect(b.stack.counters()['icmp.txDestUnreachable']).toBe(1);
    expect(errors).toEqual([{ code: 3, reporter: ip('192.168.1.20'), src: ip('192.168.1.10'), dst: ip('192.168.1.20'), proto: 17, srcPort: 40000, dstPort: 1234 }]);
  });

  test('broadcast to 255.255.255.255: every bound host receives it, nobody answers unreachable', () => {
    const { sim, a, b } = pair();
    const got: number[] = [];
    b.stack.udp.bind(5555, (d) => got.push(d.dst));
    a.stack.udp.sendto(5555, 0xffffffff, 5555, Buffer.from('all'));
    a.stack.udp.sendto(5555, ip('192.168.1.255'), 5555, Buffer.from('subnet'));
    runFor(sim, 10_000);
    expect(got).toEqual([0xffffffff, ip('192.168.1.255')]);
    expect(a.stack.counters()['icmp.txDestUnreachable']).toBeUndefined();
  });

  test('own address: looped back without touching the medium', () => {
    const { sim, hub, a } = pair();
    const got: string[] = [];
    a.stack.udp.bind(8000, (d) => got.push(Buffer.from(d.data).toString()));
    hub.log.length = 0;
    expect(a.stack.udp.sendto(8001, ip('192.168.1.10'), 8000, Buffer.from('self'))).toBe('sent');
    runFor(sim, 10);
    expect(got).toEqual(['self']);
    expect(hub.log.length).toBe(0);
  });
});

describe('IPv4 output', () => {
  test('datagram over the MTU: dropped and counted, nothing sent', () => {
    const { hub, a } = pair();
    hub.log.length = 0;
    expect(a.stack.udp.sendto(1, ip('192.168.1.20'), 2, new Uint8Array(1473))).toBe('too-big');
    expect(a.stack.ip.send(17, ip('192.168.1.20'), new Uint8Array(1481))).toBe('too-big');
    expect(a.stack.counters()['ipv4.txTooBig']).toBe(2);
    expect(a.stack.udp.sendto(1, ip('192.168.1.20'), 2, new Uint8Array(1472))).toBe('queued');
    expect(hub.log.length).toBe(1); // only the ARP request
  });

  test('unconfigured, or off-link without a gateway: no-route; link down: link-down', () => {
    const sim = new Simulator(1);
    const hub = new Hub(sim);
    const n = host(sim, hub, 'n');
    expect(n.stack.ip.send(17, ip('10.1.1.1'), new Uint8Array(8))).toBe('no-route');
    n.stack.configure(n.iface, { ip: ip('10.0.0.5'), prefixLen: 24 });
    expect(n.stack.ip.send(17, ip('10.1.1.1'), new Uint8Array(8))).toBe('no-route');
    expect(n.stack.ip.send(17, ip('10.0.0.6'), new Uint8Array(8))).toBe('queued');
    n.nic.attach(undefined);
    expect(n.stack.ip.send(17, ip('10.0.0.6'), new Uint8Array(8))).toBe('link-down');
  });
});

describe('routing through a forwarding router', () => {
  function routed() {
    const sim = new Simulator(5);
    const lan = new Hub(sim, 100);
    const wan = new Hub(sim, 1000);
    const router = new NetStack(sim, { device: 'router' });
    const lanNic = new Nic('router', 0x0200000000f1, 'lan');
    const wanNic = new Nic('router', 0x0200000000f2, 'wan');
    lan.plug(lanNic);
    wan.plug(wanNic);
    const rl = router.addInterface(lanNic, 'lan');
    const rw = router.addInterface(wanNic, 'wan');
    router.configure(rl, { ip: ip('192.168.1.1'), prefixLen: 24 });
    router.configure(rw, { ip: ip('10.0.0.1'), prefixLen: 24 });
    router.ip.forwarding = true;
    const pc = host(sim, lan, 'pc', '192.168.1.50/24', '192.168.1.1');
    const peer = host(sim, lan, 'peer', '192.168.1.60/24', '192.168.1.1');
    const inet = host(sim, wan, 'inet', '10.0.0.9/24', '10.0.0.1');
    runFor(sim, 5000);
    lan.log.length = 0;
    wan.log.length = 0;
    return { sim, lan, wan, router, pc, peer, inet };
  }

  test('off-link destination: sent to the gateway, forwarded with TTL - 1 and a valid checksum', () => {
    const { sim, pc, inet, router } = routed();
    const got: number[] = [];
    inet.stack.ip.onProtocol(253, (d) => got.push(d.ttl));
    pc.stack.ip.send(253, ip('10.0.0.9'), new Uint8Array(4));
    runFor(sim, 100_000);
    expect(got).toEqual([63]);
    expect(router.counters()['ipv4.forwarded']).toBe(1);
    expect(pc.stack.arp.lookup(ip('192.168.1.1'))).toBeDefined();
    expect(pc.stack.arp.lookup(ip('10.0.0.9'))).toBeUndefined();
  });

  test('on-link destination: sent directly, the router never sees it forwarded', () => {
    const { sim, pc, router } = routed();
    let stats: PingStats | undefined;
    pc.stack.icmp.ping(ip('192.168.1.60'), { count: 1, intervalUs: 1e6, size: 8, timeoutUs: 1e6 }, (s) => (stats = s));
    runFor(sim, 2e6);
    expect(stats?.received).toBe(1);
    expect(router.counters()['ipv4.forwarded']).toBeUndefined();
    expect(pc.stack.arp.lookup(ip('192.168.1.1'))).toBeUndefined();
  });

  test('ping across the router: round trip over both links', () => {
    const { sim, pc } = routed();
    let stats: PingStats | undefined;
    pc.stack.icmp.ping(ip('10.0.0.9'), { count: 2, intervalUs: 1e6, size: 56, timeoutUs: 1e6 }, (s) => (stats = s));
    runFor(sim, 3e6);
    expect(stats?.received).toBe(2);
    expect(stats?.rttsUs[1]).toBe(2 * (100 + 1000));
  });

  test('TTL 1 datagram: dropped at the router and counted', () => {
    const { sim, pc, router } = routed();
    pc.stack.ip.send(253, ip('10.0.0.9'), new Uint8Array(4), { ttl: 1 });
    runFor(sim, 100_000);
    expect(router.counters()['ipv4.fwdTtlExpired']).toBe(1);
  });
});

describe('malformed input', () => {
  function frameTo(n: { nic: Nic }, from: number, ipPacket: Uint8Array): Uint8Array {
    const f = new Uint8Array(14 + ipPacket.length);
    emitEthernetHeader(f, 0, n.nic.mac, from, 0x0800);
    f.set(ipPacket, 14);
    return f;
  }

  function packet(over: Partial<{ proto: number; len: number }> = {}): Uint8Array {
    const p = new Uint8Array(20 + (over.len ?? 8));
    emitIpv4Header(p, 0, { src: ip('192.168.1.10'), dst: ip('192.168.1.20'), proto: over.proto ?? 17, ttl: 64, id: 1, df: false }, over.len ?? 8);
    return p;
  }

  test('truncated, bad checksum, fragment, random bytes, bad UDP: each counted, none thrown', () => {
    const { b } = pair();
    const deliver = (f: Uint8Array) => expect(() => b.nic.deliver(f)).not.toThrow();
    deliver(new Uint8Array(5));
    deliver(frameTo(b, 1, packet().subarray(0, 12)));
    const badSum = packet();
    badSum[10] ^= 0xff;
    deliver(frameTo(b, 1, badSum));
    const frag = packet();
    frag[6] = 0x20; // MF
    frag[10] = frag[11] = 0;
    const sum = internetChecksum(frag.subarray(0, 20));
    frag[10] = sum >> 8;
    frag[11] = sum & 0xff;
    deliver(frameTo(b, 1, frag));
    const udp = packet();
    udp.set([0, 1, 0, 2, 0, 8, 0xde, 0xad], 20); // wrong UDP checksum
    deliver(frameTo(b, 1, udp));
    let seed = 1;
    for (let i = 0; i < 500; i++) {
      const f = new Uint8Array(14 + (i % 80));
      for (let k = 0; k < f.length; k++) f[k] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      f.set([0x02, 0, 0, 0, 0, 0], 0);
      emitEthernetHeader(f, 0, b.nic.mac, 1, i % 2 ? 0x0800 : 0x0806);
      deliver(f);
    }
    const c = b.stack.counters();
    expect(c['eth.rxMalformed']).toBe(1);
    expect(c['ipv4.rxChecksum']).toBeGreaterThanOrEqual(1);
    expect(c['ipv4.rxFragment']).toBe(1);
    expect(c['udp.rxChecksum']).toBe(1);
    expect(c['arp.rxMalformed']).toBeGreaterThan(0);
    expect(c['ipv4.rxMalformed']).toBeGreaterThan(0);
  });
});
