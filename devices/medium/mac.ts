/**
 * Deterministic MAC addresses per device id: an Espressif OUI for ESP32s
 * (24:0a:c4 or 30:ae:a4, picked by the id's hash; the soft-AP MAC is the
 * station MAC + 1 as on real chips), locally administered prefixes for PCs,
 * the router and internet hosts.
 */
import type { MacAddr } from '../../stack/wire/types';

function hash24(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 8) & 0xfffffe; // even, so +1 stays inside the block
}

export type MacRole = 'esp32' | 'pc' | 'router' | 'internet';

const OUI: Record<MacRole, number> = {
  esp32: 0x240ac4,
  pc: 0x02e5_70, // locally administered (bit 1 of the first octet)
  router: 0x02e5_72,
  internet: 0x02e5_74,
};

/** Base MAC of a device; `offset` 1 gives the ESP32 soft-AP or the router's WAN port. */
export function deviceMac(role: MacRole, id: string, offset = 0): MacAddr {
  const oui = role === 'esp32' && hash24(id + '#oui') & 2 ? 0x30aea4 : OUI[role];
  return oui * 2 ** 24 + ((hash24(id) + offset) & 0xffffff);
}
