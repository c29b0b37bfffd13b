/**
 * The peripheral and ESP-NOW labs on the real Simulation: each passes, replays from its trace
 * identically, and (espnow-remote) captures the same pcapng twice, which tshark reads without
 * a malformed packet.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createSimulation } from '../../devices/simulation/simulation';
import { runScenario } from '../../scenarios/runner/runner';
import { explain, lab, runAndReplay } from './labrun';

test.each(['button-irq', 'sensor-udp', 'espnow-remote'])('lab %s run then replayed passes with an identical trace', async (id) => {
  const { first, diff } = await runAndReplay(id);
  expect({ exit: first.exitCode, why: explain(first) }).toEqual({ exit: 0, why: explain(first) });
  expect(diff).toEqual({ identical: true, count: first.trace.length });
});

test('espnow-remote: the same pcapng twice (ESP-NOW frames, retries while the lamp is away), read by tshark', async () => {
  const s = lab('espnow-remote');
  const runs = [];
  for (let i = 0; i < 2; i++) runs.push(await runScenario(s, { createSimulation, pcap: true }));
  expect(runs[0].pcapFormat).toBe('pcapng');
  expect(Buffer.from(runs[0].pcap!).equals(Buffer.from(runs[1].pcap!))).toBe(true);
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'espnow-remote-')), 'remote.pcapng');
  writeFileSync(f, runs[0].pcap!);
  const tshark = (args: string[]) => execFileSync('tshark', ['-r', f, '-o', 'wlan.check_checksum:TRUE', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(tshark(['-Y', '_ws.malformed || _ws.expert.severity >= warning || wlan.fcs.status == 0'])).toBe('');
  const retry = tshark(['-T', 'fields', '-e', 'wlan.fc.retry', '-Y', 'wlan.fixed.category_code == 127']).trim().split('\n');
  // Four presses: three delivered at the first try, one sent 1 + 5 times while the lamp was out of range.
  expect(retry).toEqual(['0', '0', '0', '1', '1', '1', '1', '1', '0']);
  expect(tshark(['-Y', 'wlan.fc.type_subtype == 0x001d']).trim().split('\n')).toHaveLength(3);
});
