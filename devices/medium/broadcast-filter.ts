/**
 * Broadcast control of an enterprise access point (what vendors call ARP
 * broadcast filtering or ARP-to-unicast conversion, with DHCP broadcasts kept
 * from the other stations), opt-in per BSS (NetworkSpec.broadcastFilter).
 *
 * A plain AP relays every station broadcast to every other station, so a
 * classroom of N stations joining costs N² receptions (DHCP DISCOVER/REQUEST,
 * ARP probes and announcements). With the filter the AP learns which station
 * holds which address from the ARP packets stations send, and then:
 *   - an ARP request for an address a station holds goes to that station only,
 *     as a unicast frame (its owner answers, and defends it against a probe);
 *   - an ARP probe or announcement no other station needs to hear, and a DHCP
 *     client broadcast (to UDP port 67: the AP's own server has it), go no further;
 *   - anything else (an ARP request for an unknown address, broadcasts of
 *     applications) is relayed as on a plain AP.
 * The AP's own frames are never filtered.
 */
import { IPPROTO_UDP } from '../../stack/contracts';
import { ARP_LEN, ARP_OP_REQUEST, parseArp } from '../../stack/wire/arp';
import { DHCP_SERVER_PORT } from '../../stack/wire/dhcp';
import { ETH_HEADER_LEN, ETH_TYPE, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from '../../stack/wire/ethernet';
import { readU16, writeMac, type Ipv4Addr, type MacAddr } from '../../stack/wire/types';

/** What to do with a station's group frame once the AP has it: relay it, drop it, or send it to one station. */
export type FilterDecision = 'relay' | 'drop' | { unicastTo: MacAddr };

export class BroadcastFilter {
  /** Address → the station that last claimed it in an ARP packet. */
  private readonly owners = new Map<Ipv4Addr, MacAddr>();

  /** @param apMac the AP's own port: a request for one of its addresses has reached the only one who answers. */
  constructor(private readonly apMac: MacAddr) {}

  /** Learns the addresses the AP itself claims, from the ARP packets it sends. */
  observeAp(frame: Uint8Array): void {
    this.arp(frame, this.apMac);
  }

  /** Learns from an ARP packet sent by `from`; returns it. */
  private arp(frame: Uint8Array, from: MacAddr) {
    if (readU16(frame, ETH_TYPE) !== ETHERTYPE_ARP || frame.length < ETH_HEADER_LEN + ARP_LEN) return undefined;
    const r = parseArp(frame.subarray(ETH_HEADER_LEN));
    if (!r.ok) return undefined;
    if (r.value.senderIp !== 0 && r.value.senderMac === from) this.owners.set(r.value.senderIp, from);
    return r.value;
  }

  /** `frame` came from station `from`; `associated` tells whether a MAC is in the BSS now. */
  decide(frame: Uint8Array, from: MacAddr, associated: (mac: MacAddr) => boolean): FilterDecision {
    const type = readU16(frame, ETH_TYPE);
    if (type === ETHERTYPE_ARP) {
      const a = this.arp(frame, from);
      if (!a || a.op !== ARP_OP_REQUEST) return 'relay';
      const owner = this.owners.get(a.targetIp);
      if (owner === this.apMac) return 'drop';
      if (owner !== undefined && owner !== from && associated(owner)) return { unicastTo: owner };
      // A probe (sender 0.0.0.0) or an announcement (sender = target) nobody else holds: no one needs it.
      if (a.senderIp === 0 || a.senderIp === a.targetIp) return 'drop';
      return 'relay';
    }
    if (type === ETHERTYPE_IPV4 && isDhcpToServer(frame)) return 'drop';
    return 'relay';
  }

  /** The frame readdressed to one station (a copy: the original may still be in use). */
  static unicast(frame: Uint8Array, to: MacAddr): Uint8Array {
    const copy = frame.slice();
    writeMac(copy, 0, to);
    return copy;
  }
}

/** An IPv4 UDP datagram to the DHCP server port (a client's DISCOVER, REQUEST, DECLINE...). */
function isDhcpToServer(frame: Uint8Array): boolean {
  const ip = ETH_HEADER_LEN;
  if (frame.length < ip + 20 || frame[ip] >> 4 !== 4 || frame[ip + 9] !== IPPROTO_UDP) return false;
  const udp = ip + (frame[ip] & 0x0f) * 4;
  return frame.length >= udp + 8 && readU16(frame, udp + 2) === DHCP_SERVER_PORT;
}
