/** tshark over a lab's capture, for the IoT lab tests: decoded fields and the strict check. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHECKSUMS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
/**
 * No malformed frame, no expert error, and no warning except TCP's judgement
 * of the flow: a reset (a client closing a socket with unread data, as lwIP
 * and Linux do) and tcp.analysis (retransmissions after a link outage, ACKs of
 * segments sent while the broker's link was down and so never on the air).
 * TCP analysis stays on: with it off, reassembly misreads lwIP's repacketised
 * retransmissions as overlapping data.
 */
const STRICT = '_ws.malformed || _ws.expert.severity >= error || (_ws.expert.severity >= warning && !tcp.analysis && !tcp.connection.rst)';

export function writePcap(bytes: Uint8Array, name: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'iot-lab-')), name);
  writeFileSync(file, bytes);
  return file;
}

function tshark(args: string[]): string {
  return execFileSync('tshark', [...CHECKSUMS, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** Frames that are malformed or carry a warning or error, as tshark lists them ('' when none). */
export function badFrames(file: string): string {
  return tshark(['-r', file, '-Y', STRICT]).trim();
}

/** One line per frame matching `filter`: the fields, tab-separated. */
export function fields(file: string, filter: string, ...names: string[]): string[] {
  const out = tshark(['-r', file, '-Y', filter, '-T', 'fields', ...names.flatMap((n) => ['-e', n])]);
  return out.split('\n').filter((l) => l.trim() !== '');
}
