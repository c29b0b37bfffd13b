/**
 * The capture of a run with ESP-NOW: pcapng with the Ethernet view (interface 0) beside the
 * 802.11 frames with radiotap (interface 1), read by tshark: no malformed packet, good FCS,
 * the vendor-specific action frames and their ACKs as Wireshark dissects them. A run without
 * 802.11 frames still gives the classic pcap, byte for byte.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Simulation } from '../../../devices/simulation/simulation';
import { deviceMac } from '../../../devices/medium/mac';
import { Capture } from '../../../sim/capture';
import { PcapWriter } from '../../../sim/pcap';
import { ended, lines, py } from '../runtime/micropython-real/helpers';

function mac(id: string): string {
  const m = deviceMac('esp32', id);
  const bytes = Array.from({ length: 6 }, (_, i) => Math.floor(m / 2 ** (8 * (5 - i))) % 256);
  return "b'" + bytes.map((b) => '\\x' + b.toString(16).padStart(2, '0')).join('') + "'";
}

const tshark = (args: string[]): string => execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

async function capture(seed: number): Promise<{ bytes: Uint8Array; out: Record<string, string[]> }> {
  const s = new Simulation({ seed });
  const cap = s.attachCapture();
  const a = s.addDevice({
    id: 'a',
    board: 'esp32',
    wifi: 'auto',
    script: py([
      'import espnow, time',
      'e = espnow.ESPNow()',
      'e.active(True)',
      `e.add_peer(${mac('b')})`,
      `e.add_peer(${mac('nobody')})`,
      'e.add_peer(b"\\xff" * 6)',
      'time.sleep_ms(100)',
      `print(e.send(${mac('b')}, b"hello b"), e.send(${mac('nobody')}, b"anyone?"), e.send(b"\\xff" * 6, b"all"))`,
    ]),
  });
  const b = s.addDevice({
    id: 'b',
    board: 'esp32',
    wifi: 'none',
    script: py(['import network, espnow', 'sta = network.WLAN(network.STA_IF)', 'sta.active(True)', 'sta.config(channel=6)', 'e = espnow.ESPNow()', 'e.active(True)', 'print(e.recv(3000)[1], e.recv(3000)[1])']),
  });
  try {
    await s.run({ forUs: 10_000_000, stopWhen: ended(a, b) });
  } finally {
    await s.close();
  }
  return { bytes: cap.bytes(), out: { a: lines(a), b: lines(b) } };
}

const PREFS = ['-o', 'wlan.check_checksum:TRUE', '-o', 'eth.check_fcs:FALSE'];

test('ESP-NOW capture: pcapng, Ethernet and 802.11 interfaces, tshark finds no malformed packet and good FCS; same seed, same bytes', async () => {
  const r = await capture(3);
  expect(r.out.a).toEqual(['True False True']);
  expect(r.out.b).toEqual(["b'hello b' b'all'"]);
  expect(Buffer.from(r.bytes.subarray(0, 4)).toString('hex')).toBe('0a0d0d0a'); // pcapng section header
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'espnow-')), 'run.pcapng');
  writeFileSync(f, r.bytes);
  expect(tshark(['-r', f, ...PREFS, '-Y', '_ws.malformed || _ws.expert.severity >= warning'])).toBe('');
  // Each frame: interface, 802.11 subtype, retry flag, FCS status (1 = good), category, OUI, ESP-NOW bytes.
  const rows = tshark(['-r', f, ...PREFS, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.interface_id', '-e', 'frame.protocols', '-e', 'wlan.fc.type_subtype', '-e', 'wlan.fc.retry', '-e', 'wlan.fcs.status', '-e', 'wlan.fixed.category_code', '-e', 'wlan.tag.oui', '-e', 'data.data'])
    .trim()
    .split('\n')
    .map((l) => l.split('|'));
  const eth = rows.filter((x) => x[0] === '0');
  const air = rows.filter((x) => x[0] === '1');
  expect(eth.length).toBeGreaterThanOrEqual(5); // DHCP and ARP of board a joining the lab AP
  expect(eth.every((x) => x[1].startsWith('eth:'))).toBe(true);
  expect(air.every((x) => x[1].startsWith('radiotap:wlan_radio:wlan') && x[4] === '1')).toBe(true);
  const actions = air.filter((x) => x[2] === '0x000d');
  const acks = air.filter((x) => x[2] === '0x001d');
  // hello b (ACKed), anyone? sent 1 + 5 retries, the broadcast once (never ACKed).
  expect(actions.map((x) => x[3])).toEqual(['0', '0', '1', '1', '1', '1', '1', '0']);
  expect(acks).toHaveLength(1);
  for (const x of actions) {
    expect(x[5]).toBe('127');
    expect(x[6]).toBe(String(0x18fe34));
    // 4 random bytes, then element 221, length, OUI 18:fe:34, type 4, version 1, the message.
    expect(x[7].replace(/:/g, '').slice(8, 22)).toMatch(/^dd[0-9a-f]{2}18fe340401$/);
  }
  expect(Buffer.from(actions[0][7].replace(/:/g, '').slice(22), 'hex').toString()).toBe('hello b');
  const again = await capture(3);
  expect(Buffer.from(again.bytes).equals(Buffer.from(r.bytes))).toBe(true);
});

test('the capture without 802.11 frames is the classic pcap, byte for byte; pcapng on request', () => {
  const cap = new Capture();
  const pcap = new PcapWriter();
  const frame = Uint8Array.from({ length: 60 }, (_, i) => i);
  for (const us of [0, 1_500_000, 4_294_967_296_000 + 7]) {
    cap.ethernet(us, frame);
    pcap.add(us, frame);
  }
  expect(cap.resolve()).toBe('pcap');
  expect(Buffer.from(cap.bytes()).equals(Buffer.from(pcap.bytes()))).toBe(true);
  expect(cap.resolve('pcapng')).toBe('pcapng');
  const ng = cap.bytes('pcapng');
  const dv = new DataView(ng.buffer, ng.byteOffset, ng.byteLength);
  // Blocks: SHB, one IDB (Ethernet only), three EPBs; every length a multiple of 4, repeated at the end.
  const blocks: number[] = [];
  for (let at = 0; at < ng.length; ) {
    const len = dv.getUint32(at + 4, true);
    expect(len % 4).toBe(0);
    expect(dv.getUint32(at + len - 4, true)).toBe(len);
    blocks.push(dv.getUint32(at, true));
    at += len;
  }
  expect(blocks).toEqual([0x0a0d0d0a, 1, 6, 6, 6]);
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'pcapng-')), 'eth.pcapng');
  writeFileSync(f, ng);
  expect(tshark(['-r', f, '-T', 'fields', '-e', 'frame.time_epoch']).trim().split('\n')).toEqual(['0.000000000', '1.500000000', '4294967.296007000']);
});
