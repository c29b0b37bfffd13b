/**
 * Checks across the network and the devices that a value-by-value schema
 * cannot make: a subnet written with host bits, DHCP reservations and static
 * addresses outside the lab subnet or on its router, network or broadcast
 * address, internet hosts on the LAN or on each other's names.
 */
import type { Path } from './issues';
import { ipNumber, ipText } from './values';

/** The router's WAN address (devices/ap/router.ts WAN_IP): the internet side of the lab. */
const WAN_IP = '100.64.0.1';
export const DEFAULT_SUBNET = '192.168.1.0/24';

export interface NetIn {
  subnet?: string;
  internet?: { name: string; ip: string }[];
}

export interface DeviceIn {
  id: string;
  ip?: string;
  static?: boolean;
}

export type NetIssue = { path: Path; message: string };

export function checkNetwork(net: NetIn | undefined, devices: readonly DeviceIn[]): NetIssue[] {
  const issues: NetIssue[] = [];
  const subnetText = net?.subnet ?? DEFAULT_SUBNET;
  const [ipPart, lenPart] = subnetText.split('/');
  const len = Number(lenPart);
  const size = 2 ** (32 - len);
  const given = ipNumber(ipPart);
  const network = given - (given % size);
  const broadcast = network + size - 1;
  const router = network + 1;
  const cidr = `${ipText(network)}/${len}`;
  if (given !== network) {
    issues.push({ path: ['network', 'subnet'], message: `${subnetText} has host bits set: the network is ${cidr} (router at ${ipText(router)}); write subnet: ${cidr}` });
    return issues; // every address check below would repeat the same mistake
  }
  const inside = (n: number) => n >= network && n <= broadcast;
  const owner = new Map<number, string>();
  for (const d of devices) {
    if (d.ip === undefined) continue;
    const n = ipNumber(d.ip);
    const what = d.static ? 'a static address' : 'a DHCP reservation';
    const p: Path = ['devices', d.id, 'ip'];
    if (!inside(n)) issues.push({ path: p, message: `${d.ip} is outside the lab subnet ${cidr} (${what} must be between ${ipText(network + 2)} and ${ipText(broadcast - 1)})` });
    else if (n === router) issues.push({ path: p, message: `${d.ip} is the router's own address (.1 of ${cidr}); pick another, e.g. ${ipText(network + 50)}` });
    else if (n === network) issues.push({ path: p, message: `${d.ip} is the network address of ${cidr}, not a host address; pick another, e.g. ${ipText(network + 50)}` });
    else if (n === broadcast) issues.push({ path: p, message: `${d.ip} is the broadcast address of ${cidr}, not a host address; pick another, e.g. ${ipText(network + 50)}` });
    owner.set(n, d.id);
  }
  const names = new Map<string, number>();
  const ids = new Set(devices.map((d) => d.id.toLowerCase()));
  (net?.internet ?? []).forEach((h, i) => {
    const n = ipNumber(h.ip);
    const p: Path = ['network', 'internet', i];
    const dev = owner.get(n);
    if (dev) issues.push({ path: [...p, 'ip'], message: `${h.ip} is already the address of device ${dev}` });
    else if (inside(n)) issues.push({ path: [...p, 'ip'], message: `${h.ip} is inside the lab subnet ${cidr}: an internet host lives beyond the router (e.g. 93.184.216.34)` });
    else if (h.ip === WAN_IP) issues.push({ path: [...p, 'ip'], message: `${h.ip} is the router's internet-side address; pick another` });
    else if (n === 0 || n >= ipNumber('224.0.0.0') || Math.floor(n / 2 ** 24) === 127) issues.push({ path: [...p, 'ip'], message: `${h.ip} is not a unicast host address` });
    const key = h.name.toLowerCase();
    const first = names.get(key);
    if (first !== undefined) issues.push({ path: [...p, 'name'], message: `"${h.name}" is already the name of internet host ${first + 1}; each name answers one address` });
    else names.set(key, i);
    if (ids.has(key)) issues.push({ path: [...p, 'name'], message: `"${h.name}" is also a device id (the router's DNS answers device ids); rename one` });
  });
  return issues;
}
