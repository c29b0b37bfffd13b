import { Simulator } from '../../sim/simulator';
import { DhcpServer, type DhcpClientEvent } from '../../stack/netstack';
import { requestTimeoutMs } from '../../stack/dhcp/machine';
import { internetChecksum, pseudoHeaderSum } from '../../stack/wire/checksum';
import type { PingStats } from '../../stack/icmp/icmp';
import { emitDhcp, parseDhcp, DHCP_ACK, DHCP_DECLINE, DHCP_DISCOVER, DHCP_NAK, DHCP_OFFER, DHCP_REQUEST } from '../../stack/wire/dhcp';
import { readMac, readU32 } from '../../stack/wire/types';
import { host, Hub, ip, runFor, udpDstPort } from './helpers';

function dhcpLog(hub: Hub) {
  return hub.log
    .filter((l) => udpDstPort(l.frame) === 67 || udpDstPort(l.frame) === 68)
    .map((l) => {
      const r = parseDhcp(l.frame.subarray(14 + 20 + 8));
      if (!r.ok) throw new Error(r.error.detail);
      return { t: l.t, from: l.from, m: r.value };
    });
}

function lan(opts: { reservations?: Array<{ ip: string; mac?: number; hostname?: string }>; leaseS?: number } = {}) {
  const sim = new Simulator(11);
  const hub = new Hub(sim, 200);
  const ap = host(sim, hub, 'ap', '192.168.1.1/24');
  const server = new DhcpServer(ap.stack, ap.iface, {
    leaseS: opts.leaseS,
    reservations: (opts.reservations ?? []).map((r) => ({ ...r, ip: ip(r.ip) })),
  });
  return { sim, hub, ap, server };
}

describe('DHCP client and server', () => {
  test('server present: DISCOVER/OFFER/REQUEST/ACK, ARP check, bound with mask, router, DNS', () => {
    const { sim, hub, ap } = lan();
    const esp = host(sim, hub, 'esp32', undefined, undefined, 'espressif');
    const events: DhcpClientEvent[] = [];
    const t0 = sim.now;
    esp.stack.startDhcp(esp.iface, (e) => events.push(e));
    runFor(sim, 3e6);
    const log = dhcpLog(hub);
    expect(log.map((x) => [x.from, x.m.messageType])).toEqual([
      ['esp32', DHCP_DISCOVER],
      ['ap', DHCP_OFFER],
      ['esp32', DHCP_REQUEST],
      ['ap', DHCP_ACK],
    ]);
    const [discover, offer, request, ack] = log.map((x) => x.m);
    expect(discover).toMatchObject({ hostname: 'espressif', parameterRequestList: [1, 3, 28, 6], maxMessageSize: 1500, broadcast: false });
    expect(offer).toMatchObject({ yiaddr: ip('192.168.1.100'), serverId: ip('192.168.1.1'), subnetMask: ip('255.255.255.0'), router: ip('192.168.1.1'), dnsServers: [ip('192.168.1.1')], leaseTime: 7200, renewalTime: 3600, rebindingTime: 6300 });
    expect(request).toMatchObject({ requestedIp: ip('192.168.1.100'), serverId: ip('192.168.1.1'), xid: discover.xid });
    expect(ack.yiaddr).toBe(ip('192.168.1.100'));
    // Two ARP probes 500 ms apart, bound 1 s after the ACK.
    const ackAt = log[3].t + 200;
    const probes = hub.log.filter((l) => l.from === 'esp32' && l.frame[13] === 0x06 && l.t >= ackAt && l.t < ackAt + 1e6);
    expect(probes.map((p) => p.t - ackAt)).toEqual([0, 500_000]);
    expect(events).toEqual([{ type: 'bound', ip: ip('192.168.1.100'), mask: ip('255.255.255.0'), prefixLen: 24, router: ip('192.168.1.1'), dns: [ip('192.168.1.1')], leaseS: 7200, serverId: ip('192.168.1.1'), renewed: false }]);
    expect(esp.iface.ip).toBe(ip('192.168.1.100'));
    expect(esp.stack.dns.servers).toEqual([ip('192.168.1.1')]);
    expect(esp.stack.dhcpClient(esp.iface)?.state).toBe('bound');
    expect(log[0].t - t0).toBe(0);
    void ap;
  });

  test('server silent: DISCOVER retransmitted after 0.5, 1, 2, 4, 4 s', () => {
    const sim = new Simulator(2);
    const hub = new Hub(sim);
    const esp = host(sim, hub, 'esp32');
    const t0 = sim.now;
    esp.stack.startDhcp(esp.iface);
    runFor(sim, 16e6);
    const times = dhcpLog(hub).map((x) => x.t - t0);
    expect(times).toEqual([0, 0.5e6, 1.5e6, 3.5e6, 7.5e6, 11.5e6, 15.5e6]);
    expect([1, 2, 3, 4, 5, 6].map(requestTimeoutMs)).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(new Set(dhcpLog(hub).map((x) => x.m.xid)).size).toBe(1);
  });

  test('reservation by hostname outside the subnet: pinned, subnet widened, PC and ESP32 on-link', () => {
    const { sim, hub, ap, server } = lan({ reservations: [{ ip: '192.168.2.231', hostname: 'esp32' }] });
    expect(server.prefixLen).toBe(22);
    expect(ap.iface.prefixLen).toBe(22);
    const esp = host(sim, hub, 'esp32', undefined, undefined, 'esp32');
    const pc = host(sim, hub, 'pc', undefined, undefined, 'pc');
    esp.stack.startDhcp(esp.iface);
    pc.stack.startDhcp(pc.iface);
    runFor(sim, 5e6);
    expect(esp.iface.ip).toBe(ip('192.168.2.231'));
    expect(esp.iface.prefixLen).toBe(22);
    expect(esp.iface.gateway).toBe(ip('192.168.1.1'));
    expect(pc.iface.ip).toBe(ip('192.168.1.100'));
    let stats: PingStats | undefined;
    pc.stack.icmp.ping(ip('192.168.2.231'), { count: 1, intervalUs: 1e6, size: 8, timeoutUs: 1e6 }, (s) => (stats = s));
    runFor(sim, 2e6);
    expect(stats?.received).toBe(1);
    expect(server.leaseTable().map((l) => l.ip)).toEqual([ip('192.168.1.100'), ip('192.168.2.231')]);
  });

  test('checking, ARP probe answered by a squatter: DECLINE, 10 s back-off, next address', () => {
    const { sim, hub, server } = lan();
    host(sim, hub, 'squatter', '192.168.1.100/24');
    const esp = host(sim, hub, 'esp32');
    esp.stack.startDhcp(esp.iface);
    runFor(sim, 3e6);
    const log = dhcpLog(hub);
    expect(log.map((x) => x.m.messageType)).toEqual([DHCP_DISCOVER, DHCP_OFFER, DHCP_REQUEST, DHCP_ACK, DHCP_DECLINE]);
    expect(esp.iface.ip).toBe(0);
    expect(esp.stack.dhcpClient(esp.iface)?.state).toBe('backingOff');
    runFor(sim, 12e6);
    const again = dhcpLog(hub).filter((x) => x.m.messageType === DHCP_DISCOVER);
    expect(again[1].t - log[4].t).toBe(10e6);
    expect(esp.iface.ip).toBe(ip('192.168.1.101'));
    expect(server.counters['rxDecline']).toBe(1);
  });

  test('reservation by MAC: that address is offered', () => {
    const sim = new Simulator(1);
    const hub = new Hub(sim);
    const esp = host(sim, hub, 'esp32');
    const ap = host(sim, hub, 'ap', '192.168.1.1/24');
    new DhcpServer(ap.stack, ap.iface, { reservations: [{ ip: ip('192.168.1.50'), mac: esp.nic.mac }] });
    esp.stack.startDhcp(esp.iface);
    runFor(sim, 3e6);
    expect(esp.iface.ip).toBe(ip('192.168.1.50'));
  });

  test('requesting, NAK received: back to INIT with a new transaction, then bound', () => {
    const { sim, hub } = lan();
    let naks = 0;
    // The first REQUEST is answered by a rogue NAK (and the real ACK is dropped).
    hub.filter = (frame, from) => {
      if (udpDstPort(frame) !== 68 || from.device !== 'ap') return true;
      const m = parseDhcp(frame.subarray(42));
      if (m.ok && m.value.messageType === DHCP_ACK && naks === 0) {
        naks++;
        const nak = frame.slice();
        nak[42 + 240 + 2] = DHCP_NAK; // option 53 is the first option the server writes
        hub.send(from, fixUdp(nak));
        return false;
      }
      return true;
    };
    const esp = host(sim, hub, 'esp32');
    esp.stack.startDhcp(esp.iface);
    runFor(sim, 5e6);
    const log = dhcpLog(hub);
    const types = log.map((x) => x.m.messageType);
    expect(types.slice(0, 5)).toEqual([DHCP_DISCOVER, DHCP_OFFER, DHCP_REQUEST, DHCP_ACK, DHCP_NAK]);
    expect(types[5]).toBe(DHCP_DISCOVER);
    expect(log[5].m.xid).not.toBe(log[0].m.xid);
    expect(esp.stack.counters()['dhcp.rxNak']).toBe(1);
    expect(esp.iface.ip).toBe(ip('192.168.1.100'));
  });

  test('bound, T1 reached: REQUEST unicast to the server, ACK renews the lease', () => {
    const { sim, hub, ap } = lan({ leaseS: 600 });
    const esp = host(sim, hub, 'esp32');
    const events: DhcpClientEvent[] = [];
    esp.stack.startDhcp(esp.iface, (e) => events.push(e));
    runFor(sim, 3e6);
    const boundAt = esp.stack.dhcpClient(esp.iface)!.lease!.grantedAt;
    hub.log.length = 0;
    runFor(sim, 300e6);
    const log = dhcpLog(hub);
    expect(log.map((x) => [x.from, x.m.messageType])).toEqual([
      ['esp32', DHCP_REQUEST],
      ['ap', DHCP_ACK],
    ]);
    // T1 = 300 s after binding; the ARP entry for the server has just expired, so ARP goes first.
    const firstTx = hub.log.find((l) => l.from === 'esp32')!;
    expect(firstTx.t - boundAt).toBe(300e6);
    expect(log[0].t - boundAt).toBe(300e6 + 2 * 200);
    expect(log[0].m.ciaddr).toBe(ip('192.168.1.100'));
    expect(log[0].m.serverId).toBeUndefined();
    expect(events.map((e) => e.type === 'bound' && e.renewed)).toEqual([false, true]);
    expect(esp.stack.dhcpClient(esp.iface)?.state).toBe('bound');
    void ap;
  });

  test('bound, server gone: renewing, rebinding, lease expiry → lost and address removed', () => {
    const { sim, hub } = lan({ leaseS: 600 });
    const esp = host(sim, hub, 'esp32');
    const events: DhcpClientEvent[] = [];
    esp.stack.startDhcp(esp.iface, (e) => events.push(e));
    runFor(sim, 3e6);
    hub.filter = (_f, from) => from.device !== 'ap';
    const c = esp.stack.dhcpClient(esp.iface)!;
    const granted = c.lease!.grantedAt;
    runFor(sim, granted + 301e6 - sim.now);
    expect(c.state).toBe('renewing');
    runFor(sim, granted + 526e6 - sim.now);
    expect(c.state).toBe('rebinding');
    runFor(sim, granted + 601e6 - sim.now);
    expect(events.map((e) => e.type)).toEqual(['bound', 'lost']);
    expect(esp.iface.ip).toBe(0);
    expect(c.state).toBe('selecting');
  });
});

describe('determinism', () => {
  function run(seed: number) {
    const sim = new Simulator(seed);
    const hub = new Hub(sim, 200);
    const ap = host(sim, hub, 'ap', '192.168.1.1/24');
    new DhcpServer(ap.stack, ap.iface);
    const esp = host(sim, hub, 'esp32');
    esp.stack.startDhcp(esp.iface);
    runFor(sim, 3e6);
    esp.stack.icmp.ping(ip('192.168.1.1'), { count: 2, intervalUs: 1e6, size: 16, timeoutUs: 1e6 }, () => {});
    runFor(sim, 3e6);
    return hub.log.map((l) => `${l.t} ${Buffer.from(l.frame).toString('hex')}`).join('\n') + sim.trace.text();
  }

  test('same seed: byte-identical frames and trace; another seed: different xid', () => {
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });
});

describe('DHCP server addressing (RFC 2131 4.1)', () => {
  function discover(broadcast: boolean) {
    const { sim, hub } = lan();
    const raw = host(sim, hub, 'raw');
    raw.stack.udp.bind(68, () => {});
    const msg = emitDhcp({ op: 1, xid: 0x1234, secs: 0, broadcast, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: raw.nic.mac, messageType: DHCP_DISCOVER });
    raw.stack.udp.sendto(68, 0xffffffff, 67, msg, { src: 0, ifIndex: 0 });
    runFor(sim, 10_000);
    const offer = hub.log.find((l) => l.from === 'ap' && udpDstPort(l.frame) === 68)!.frame;
    return { offer, raw };
  }

  test('DISCOVER with the broadcast flag: OFFER broadcast', () => {
    const { offer } = discover(true);
    expect(readMac(offer, 0)).toBe(0xffffffffffff);
    expect(readU32(offer, 14 + 16)).toBe(0xffffffff);
  });

  test('DISCOVER without the flag: OFFER unicast to yiaddr at chaddr, no ARP', () => {
    const { offer, raw } = discover(false);
    expect(readMac(offer, 0)).toBe(raw.nic.mac);
    expect(readU32(offer, 14 + 16)).toBe(ip('192.168.1.100'));
    expect(raw.stack.counters()['udp.rxDatagrams']).toBe(1); // accepted before the interface has an address
  });
});

describe('DHCP pool of a LAN bigger than a /24', () => {
  test('a /22 pools up to its last host: 10.0.0.255 is a host like any other', () => {
    const sim = new Simulator(3);
    const hub = new Hub(sim, 200);
    const ap = host(sim, hub, 'ap', '10.0.0.1/22');
    new DhcpServer(ap.stack, ap.iface, { poolStart: ip('10.0.0.253') });
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = host(sim, hub, `c${i}`);
      c.stack.startDhcp(c.iface, (e) => {
        if (e.type === 'bound') got.push(`${e.ip >>> 24}.${(e.ip >>> 16) & 255}.${(e.ip >>> 8) & 255}.${e.ip & 255}/${e.prefixLen}`);
      });
      runFor(sim, 3e6);
    }
    expect(got).toEqual(['10.0.0.253/22', '10.0.0.254/22', '10.0.0.255/22']);
  });
});

/** Recomputes the UDP checksum of an Ethernet/IPv4/UDP frame after editing its payload. */
function fixUdp(frame: Uint8Array): Uint8Array {
  const ipHdr = frame.subarray(14, 34);
  const src = ((ipHdr[12] << 24) | (ipHdr[13] << 16) | (ipHdr[14] << 8) | ipHdr[15]) >>> 0;
  const dst = ((ipHdr[16] << 24) | (ipHdr[17] << 16) | (ipHdr[18] << 8) | ipHdr[19]) >>> 0;
  const udp = frame.subarray(34);
  udp[6] = udp[7] = 0;
  const sum = internetChecksum(udp, pseudoHeaderSum(src, dst, 17, udp.length)) || 0xffff;
  udp[6] = sum >> 8;
  udp[7] = sum & 0xff;
  return frame;
}
