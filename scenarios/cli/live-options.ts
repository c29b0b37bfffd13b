/**
 * The live options of `esp32sim run`, checked before anything runs: --speed,
 * --attach, --forward, --expose and --tap. Each mistake is one clear message
 * (exit 2): a malformed value, a device the scenario does not have, anything
 * beyond loopback, a port that is busy or privileged, a TAP without its
 * helper or without the permission to create it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import type { ExposeSpec, ForwardSpec } from '../../devices/simulation/api';
import type { Speed } from '../runner/live';
import type { Scenario } from '../schema/model';
import type { Parsed } from './options';

export function parseSpeed(text: string): Parsed<Speed> {
  const word = text.trim().toLowerCase();
  if (word === 'max') return { ok: true, value: 'max' };
  const t = word.replace(/x$/, ''); // 2x, 0.5x
  const n = Number(t);
  if (!/^\d+(\.\d+)?$/.test(t) || !(n > 0) || n > 1000) return { ok: false, error: `--speed ${text}: expected a factor of real time above 0 and up to 1000 (1, 0.5, 10) or max` };
  return { ok: true, value: n };
}

const port = (s: string): number | undefined => (/^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65535 ? Number(s) : undefined);

/** `8080:esp32:80`, `udp:5001:esp32:5001`, `tcp:...`: host port, device (id or address) and its port. */
export function parseForward(text: string, s: Scenario): Parsed<ForwardSpec> {
  const m = /^(?:(tcp|udp):)?(\d+):([A-Za-z0-9_.-]+):(\d+)$/.exec(text.trim());
  const hint = `--forward ${text}: expected HOSTPORT:DEVICE:PORT, e.g. 8080:esp32:80 (udp:5001:esp32:5001 for UDP)`;
  if (!m) return { ok: false, error: hint };
  const hostPort = port(m[2]);
  const p = port(m[4]);
  if (hostPort === undefined || p === undefined) return { ok: false, error: `${hint}; ports go from 1 to 65535` };
  const target = m[3];
  const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(target);
  if (!isIp && !s.devices.some((d) => d.id === target)) return { ok: false, error: `--forward ${text}: the scenario has no device "${target}" (devices: ${s.devices.map((d) => d.id).join(', ')})` };
  return { ok: true, value: { proto: (m[1] as 'tcp' | 'udp' | undefined) ?? 'tcp', hostPort, target, port: p } };
}

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** `broker.local=127.0.0.1:1883`: a simulated name, and the loopback service it relays to. */
export function parseExpose(text: string, s: Scenario): Parsed<ExposeSpec> {
  const m = /^([A-Za-z0-9][A-Za-z0-9.-]*)=([^:]+):(\d+)$/.exec(text.trim());
  if (!m) return { ok: false, error: `--expose ${text}: expected NAME=127.0.0.1:PORT, e.g. broker.local=127.0.0.1:1883` };
  const [, name, host, portText] = m;
  const hostIp = host === 'localhost' ? '127.0.0.1' : host;
  if (!LOOPBACK.test(hostIp)) return { ok: false, error: `--expose ${text}: only services on this machine's loopback (127.0.0.1) can be exposed, not ${host}` };
  const p = port(portText);
  if (p === undefined) return { ok: false, error: `--expose ${text}: ports go from 1 to 65535` };
  const lower = name.toLowerCase();
  if (s.devices.some((d) => d.id.toLowerCase() === lower) || (s.network.internet ?? []).some((h) => h.name.toLowerCase() === lower)) {
    return { ok: false, error: `--expose ${text}: "${name}" is already a device or an internet host of the scenario; choose another name` };
  }
  return { ok: true, value: { name, hostIp, port: p } };
}

/** A port on 127.0.0.1 that can be had now: undefined, or why not. */
export async function checkHostPort(opt: string, f: ForwardSpec): Promise<string | undefined> {
  const why = (e: NodeJS.ErrnoException) =>
    e.code === 'EADDRINUSE'
      ? `${opt}: port ${f.hostPort} on 127.0.0.1 is busy (another program listens there); choose another host port`
      : e.code === 'EACCES'
        ? `${opt}: port ${f.hostPort} is privileged (below 1024: root only); choose a port from 1024 up, e.g. 8080`
        : `${opt}: cannot listen on 127.0.0.1:${f.hostPort} (${e.code ?? e.message})`;
  return new Promise((resolve) => {
    if (f.proto === 'udp') {
      const u = dgram.createSocket('udp4');
      u.once('error', (e) => {
        u.close();
        resolve(why(e));
      });
      u.bind(f.hostPort, '127.0.0.1', () => u.close(() => resolve(undefined)));
      return;
    }
    const srv = net.createServer();
    srv.once('error', (e) => resolve(why(e)));
    srv.listen(f.hostPort, '127.0.0.1', () => srv.close(() => resolve(undefined)));
  });
}

/** Does this process hold CAP_NET_ADMIN (root has it)? From /proc/self/status. */
function hasNetAdmin(): boolean {
  if (process.getuid?.() === 0) return true;
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? (BigInt('0x' + m[1]) & (1n << 12n)) !== 0n : false;
  } catch {
    return false;
  }
}

/** The helper a TAP needs: socat on PATH. */
export function findSocat(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v socat'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Can a TAP device of this name be made here? undefined, or why not. */
export function checkTap(name: string): string | undefined {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name)) return `--tap ${name}: a Linux interface name is 1 to 15 letters, digits, _ . or - (e.g. esp32tap)`;
  if (process.platform !== 'linux') return `--tap ${name}: TAP devices need Linux`;
  if (!existsSync('/dev/net/tun')) return `--tap ${name}: /dev/net/tun is missing (load the tun module: modprobe tun)`;
  if (!findSocat()) return `--tap ${name}: the TAP bridge needs socat (apt-get install socat)`;
  if (!hasNetAdmin()) return `--tap ${name}: creating a TAP device needs root or CAP_NET_ADMIN (run with sudo, or in a network namespace as root; see the README's TAP section)`;
  if (existsSync(`/sys/class/net/${name}`)) return `--tap ${name}: an interface called ${name} exists already; choose another name`;
  return undefined;
}
