/**
 * network.broadcastFilter (devices/medium/broadcast-filter.ts): the stations'
 * DHCP broadcasts and lone ARP probes/announcements stay at the access point,
 * an ARP request goes to the station that holds the address only, and
 * everything still works (DHCP, ARP resolution, a ping between stations).
 */
import { Simulation } from '../../devices/simulation/simulation';
import type { PcBoard } from '../../devices/pc/board';
import type { Esp32Board } from '../../devices/esp32/board';

async function lan(broadcastFilter: boolean) {
  const s = new Simulation({ seed: 5, network: { broadcastFilter } });
  const pc = s.addDevice({ id: 'pc', board: 'pc' });
  const esps = [0, 1, 2, 3, 4].map((i) => s.addDevice({ id: `esp${i}`, board: 'esp32', startUs: i * 100_000 }));
  await s.run({ stopWhen: () => [pc, ...esps].every((d) => d.ip() !== '0.0.0.0'), forUs: 30_000_000 });
  await s.run({ forUs: 3_000_000 });
  let received = -1;
  (pc.board as PcBoard).net.icmp.ping((esps[0].board as Esp32Board).net.ip.address(), { count: 3, intervalUs: 100_000, size: 56, timeoutUs: 1_000_000 }, (st) => {
    received = st.received;
  });
  await s.run({ stopWhen: () => received >= 0, forUs: 10_000_000 });
  return { s, pc, esps, received };
}

describe('broadcast filter', () => {
  test('on: every station joins and answers a ping; no station hears another one\'s DHCP or ARP broadcasts', async () => {
    const { s, pc, esps, received } = await lan(true);
    try {
      expect(received).toBe(3);
      expect(new Set([pc, ...esps].map((d) => d.ip())).size).toBe(6);
      for (const e of esps.slice(1)) {
        expect(e.counters()['udp.rxNoPort'] ?? 0).toBe(0); // no other station's DISCOVER/REQUEST
        expect(e.counters()['arp.rxRequest'] ?? 0).toBe(0); // not the probes, nor the PC's request for esp0
      }
      expect(esps[0].counters()['arp.rxRequest']).toBeGreaterThanOrEqual(1); // the PC's request, as a unicast
      const bss = s.router.radio.bss.counters;
      expect(bss.broadcastFiltered).toBeGreaterThan(0);
      expect(bss.broadcastToUnicast).toBeGreaterThanOrEqual(1);
    } finally {
      await s.close();
    }
  });

  test('off (a home router): every broadcast reaches every station', async () => {
    const { s, esps, received } = await lan(false);
    try {
      expect(received).toBe(3);
      for (const e of esps.slice(0, -1)) expect(e.counters()['udp.rxNoPort']).toBeGreaterThan(0); // the later ones' DHCP broadcasts
      expect(s.router.radio.bss.counters.broadcastFiltered).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
