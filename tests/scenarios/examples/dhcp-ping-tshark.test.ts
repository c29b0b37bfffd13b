/**
 * Runs the dhcp-ping example as a user would (ts-node, --pcap) and decodes the
 * capture with tshark: no malformed packets, no checksum or expert warnings,
 * and every protocol of the exchange present. Fails (does not skip) when
 * tshark is missing: .ci/run installs it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('dhcp-ping capture decoded by tshark', () => {
  let pcap = '';
  let decode = '';

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'dhcp-ping-'));
    pcap = join(dir, 'out.pcap');
    execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', 'scenarios/examples/dhcp-ping.ts', '--pcap', pcap, '--seed', '3'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(existsSync(pcap)).toBe(true);
    decode = tshark(['-r', pcap]);
  }, 60_000);

  test('tshark is installed', () => {
    expect(() => tshark(['--version'])).not.toThrow();
  });

  test('capture has no malformed packets and no checksum or expert warnings', () => {
    const bad = tshark([
      '-o', 'ip.check_checksum:TRUE',
      '-o', 'udp.check_checksum:TRUE',
      '-o', 'tcp.check_checksum:TRUE',
      '-r', pcap,
      '-Y', '_ws.malformed || _ws.expert.severity >= warning',
    ]);
    expect(bad.trim()).toBe('');
  });

  test('decode shows DHCP, ARP, ICMP echo, DNS query/response and UDP', () => {
    for (const s of ['DHCP Discover', 'DHCP Offer', 'DHCP Request', 'DHCP ACK', ' ARP ', 'Echo (ping) request', 'Echo (ping) reply', 'Standard query 0x', 'Standard query response', ' UDP ']) {
      expect(decode).toContain(s);
    }
  });
});
