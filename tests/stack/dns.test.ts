import { Simulator } from '../../sim/simulator';
import { DnsServer } from '../../stack/netstack';
import { host, Hub, ip, runFor, udpDstPort } from './helpers';

function setup(withServer = true) {
  const sim = new Simulator(4);
  const hub = new Hub(sim, 300);
  const ap = host(sim, hub, 'ap', '192.168.1.1/24');
  const client = host(sim, hub, 'pc', '192.168.1.50/24', '192.168.1.1');
  client.stack.dns.servers = [ip('192.168.1.1')];
  let server: DnsServer | undefined;
  if (withServer) {
    server = new DnsServer(ap.stack.udp);
    server.addDevice('esp32', ip('192.168.1.100'));
    server.add('towel.blinkenlights.nl', ip('203.0.113.7'));
  }
  runFor(sim, 1000);
  hub.log.length = 0;
  return { sim, hub, ap, client, server };
}

function resolve(sim: Simulator, c: ReturnType<typeof setup>['client'], name: string, forUs = 20e6) {
  const out: Array<number | undefined> = [];
  c.stack.dns.resolve(name, (a) => out.push(a));
  runFor(sim, forUs);
  return out;
}

describe('DNS', () => {
  test('known names, any case, with or without .lan: answered with the table address', () => {
    const { sim, client } = setup();
    expect(resolve(sim, client, 'ESP32')).toEqual([ip('192.168.1.100')]);
    expect(resolve(sim, client, 'esp32.lan')).toEqual([ip('192.168.1.100')]);
    expect(resolve(sim, client, 'towel.blinkenlights.nl')).toEqual([ip('203.0.113.7')]);
  });

  test('unknown name: NXDOMAIN → undefined, no retries', () => {
    const { sim, hub, client, ap } = setup();
    expect(resolve(sim, client, 'nope.example')).toEqual([undefined]);
    expect(hub.log.filter((l) => udpDstPort(l.frame) === 53).length).toBe(1);
    expect(client.stack.counters()['dns.rcode3']).toBe(1);
    expect(ap.stack.counters()['udp.rxNoPort']).toBeUndefined();
  });

  test('IP literal: answered at once without a query; cached name: no second query', () => {
    const { sim, hub, client } = setup();
    const out: Array<number | undefined> = [];
    client.stack.dns.resolve('10.1.2.3', (a) => out.push(a));
    expect(out).toEqual([ip('10.1.2.3')]);
    resolve(sim, client, 'esp32');
    const queries = () => hub.log.filter((l) => udpDstPort(l.frame) === 53).length;
    expect(queries()).toBe(1);
    client.stack.dns.resolve('esp32', (a) => out.push(a));
    expect(out).toEqual([ip('10.1.2.3'), ip('192.168.1.100')]);
    expect(queries()).toBe(1);
  });

  test('server silent: queries at 0, 1, 2, 4 s, failure at 7 s', () => {
    const { sim, hub, client } = setup(false);
    const t0 = sim.now;
    let failedAt = -1;
    client.stack.dns.resolve('esp32', (a) => {
      expect(a).toBeUndefined();
      failedAt = sim.now - t0;
    });
    runFor(sim, 20e6);
    const sends = hub.log.filter((l) => l.from === 'pc' && udpDstPort(l.frame) === 53).map((l) => l.t - t0);
    expect(sends).toEqual([600, 1e6, 2e6, 4e6]); // the first waits for ARP (2 x 300 µs)
    expect(failedAt).toBe(7e6);
  });

  test('two callers for one name: one query, both answered', () => {
    const { sim, hub, client } = setup();
    const out: Array<number | undefined> = [];
    client.stack.dns.resolve('esp32', (a) => out.push(a));
    client.stack.dns.resolve('esp32', (a) => out.push(a));
    runFor(sim, 1e6);
    expect(out).toEqual([ip('192.168.1.100'), ip('192.168.1.100')]);
    expect(hub.log.filter((l) => udpDstPort(l.frame) === 53).length).toBe(1);
  });
});
