/**
 * Example: an AP, an ESP32 that joins by WiFi and DHCP, and a PC. The PC pings
 * the ESP32, resolves its name through the router's DNS and swaps a UDP
 * datagram with it (both directions). Uses the stacks directly from
 * TypeScript (no MicroPython needed).
 *
 *   npx ts-node scenarios/examples/dhcp-ping.ts --pcap out.pcap --seed 3 [--trace out.jsonl] [--loss 0.1]
 */
import { writeFileSync } from 'node:fs';
import { Simulation } from '../../devices/simulation/simulation';
import type { Esp32Board } from '../../devices/esp32/board';
import type { PcBoard } from '../../devices/pc/board';
import type { PingStats } from '../../stack/icmp/icmp';
import { ipToString } from '../../stack/wire/types';

export interface DhcpPingResult {
  esp32Ip: string;
  pcIp: string;
  ping: PingStats | undefined;
  dnsAnswer: string | undefined;
  /** What each side received over UDP (text), and the PC's round trip in µs. */
  udpAtEsp32: string | undefined;
  udpAtPc: string | undefined;
  udpRttUs: number | undefined;
  endUs: number;
  trace: string;
  pcap: Uint8Array;
  summary: string;
}

export const UDP_PORT = 5005;

export async function runDhcpPing(opts: { seed?: number; loss?: number } = {}): Promise<DhcpPingResult> {
  const s = new Simulation({ seed: opts.seed ?? 1, network: { wifi: opts.loss ? { loss: opts.loss } : undefined } });
  const pcap = s.attachPcap();
  const espH = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'auto' });
  const pcH = s.addDevice({ id: 'pc', board: 'pc', startUs: 200_000 });
  const esp = espH.board as Esp32Board;
  const pc = pcH.board as PcBoard;

  const r: Partial<DhcpPingResult> = {};
  // ESP32: a UDP echo-ish responder that answers "pong: <text>".
  esp.net.udp.bind(UDP_PORT, (d) => {
    r.udpAtEsp32 = Buffer.from(d.data).toString();
    esp.net.udp.sendto(UDP_PORT, d.src, d.srcPort, Buffer.from(`pong: ${r.udpAtEsp32}`));
  });

  await s.run({ stopWhen: () => espH.ip() !== '0.0.0.0' && pcH.ip() !== '0.0.0.0', forUs: 30_000_000 });
  r.esp32Ip = espH.ip();
  r.pcIp = pcH.ip();

  let steps = 0;
  // 1. ping
  pc.net.icmp.ping(esp.net.ip.address(), { count: 4, intervalUs: 1_000_000, size: 56, timeoutUs: 1_000_000 }, (stats) => {
    r.ping = stats;
    steps++;
    // 2. DNS
    pc.resolve('esp32', (ip) => {
      r.dnsAnswer = ip;
      steps++;
      // 3. UDP both ways
      let sentAt = 0;
      const port = pc.net.udp.bind(0, (d) => {
        r.udpAtPc = Buffer.from(d.data).toString();
        r.udpRttUs = s.sim.now - sentAt;
        steps++;
      });
      if (typeof port === 'number' && ip) {
        sentAt = s.sim.now;
        pc.net.udp.sendto(port, esp.net.ip.address(), UDP_PORT, Buffer.from('hello from pc'));
      } else steps++;
    });
  });
  await s.run({ stopWhen: () => steps >= 3, forUs: 30_000_000 });
  // Let the last frames land.
  await s.run({ forUs: 100_000 });
  await s.close();

  const p = r.ping;
  const ms = (us: number) => (us / 1000).toFixed(3);
  const lines = [
    `seed ${opts.seed ?? 1}, virtual time ${ms(s.sim.now)} ms, ${pcap.packets} frames captured`,
    `esp32 ${r.esp32Ip} (DHCP)   pc ${r.pcIp} (DHCP)   router ${ipToString(s.router.lanIp)}`,
    p
      ? `ping esp32: ${p.sent} sent, ${p.received} received, ${Math.round((p.lost / Math.max(1, p.sent)) * 100)}% loss, rtt min/avg/max = ${ms(p.minUs)}/${ms(p.avgUs)}/${ms(p.maxUs)} ms`
      : 'ping: no result',
    `dns: esp32 -> ${r.dnsAnswer ?? 'NXDOMAIN'}`,
    r.udpAtPc !== undefined
      ? `udp: pc -> esp32:${UDP_PORT} "${r.udpAtEsp32}", esp32 -> pc "${r.udpAtPc}", round trip ${ms(r.udpRttUs!)} ms`
      : `udp: no answer (esp32 got ${r.udpAtEsp32 === undefined ? 'nothing' : `"${r.udpAtEsp32}"`})`,
  ];
  return {
    esp32Ip: r.esp32Ip!,
    pcIp: r.pcIp!,
    ping: r.ping,
    dnsAnswer: r.dnsAnswer,
    udpAtEsp32: r.udpAtEsp32,
    udpAtPc: r.udpAtPc,
    udpRttUs: r.udpRttUs,
    endUs: s.sim.now,
    trace: s.sim.trace.text(),
    pcap: pcap.bytes(),
    summary: lines.join('\n'),
  };
}

function parseArgs(argv: string[]): { pcap?: string; trace?: string; seed: number; loss: number } {
  const out = { pcap: undefined as string | undefined, trace: undefined as string | undefined, seed: 1, loss: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--pcap') (out.pcap = v), i++;
    else if (a === '--trace') (out.trace = v), i++;
    else if (a === '--seed') (out.seed = Number(v)), i++;
    else if (a === '--loss') (out.loss = Number(v)), i++;
    else if (a === '--help' || a === '-h') {
      console.log('usage: ts-node scenarios/examples/dhcp-ping.ts [--pcap FILE] [--trace FILE] [--seed N] [--loss 0..1]');
      process.exit(0);
    } else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(out.seed) || !(out.loss >= 0 && out.loss <= 1)) {
    console.error('--seed takes an integer, --loss a probability 0..1');
    process.exit(2);
  }
  return out;
}

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2));
  runDhcpPing({ seed: args.seed, loss: args.loss }).then(
    (res) => {
      if (args.pcap) writeFileSync(args.pcap, res.pcap);
      if (args.trace) writeFileSync(args.trace, res.trace);
      console.log(res.summary);
      if (args.pcap) console.log(`pcap written to ${args.pcap}`);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
