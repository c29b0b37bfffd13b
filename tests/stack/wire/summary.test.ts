import { emitArp } from '../../../stack/wire/arp';
import { DHCP_DISCOVER, DHCP_OFFER, emitDhcp, type DhcpRepr } from '../../../stack/wire/dhcp';
import { CLASS_IN, RCODE_NXDOMAIN, TYPE_A, emitDns, type DnsRepr } from '../../../stack/wire/dns';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, emitEthernet } from '../../../stack/wire/ethernet';
import { emitIcmp, type IcmpRepr } from '../../../stack/wire/icmp';
import { emitIpv4 } from '../../../stack/wire/ipv4';
import { summarizeFrame } from '../../../stack/wire/summary';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, emitTcp, type TcpRepr } from '../../../stack/wire/tcp';
import { emitUdp } from '../../../stack/wire/udp';
import { hex } from './bytes';

const ESP = 0xc0a80164; // 192.168.1.100
const PC = 0xc0a80165; // 192.168.1.101
const GW = 0xc0a80101;
const ESP_MAC = 0x240ac4123456;
const PC_MAC = 0x240ac4aabbcc;
const names = (ip: number): string | undefined => ({ [ESP]: 'esp32', [PC]: 'pc' } as Record<number, string>)[ip];

function ipFrame(proto: number, payload: Uint8Array, src = ESP, dst = PC): Uint8Array {
  const ip = emitIpv4({ src, dst, proto, ttl: 64, id: 1, df: true, payload });
  return emitEthernet({ dst: PC_MAC, src: ESP_MAC, ethertype: ETHERTYPE_IPV4, payload: ip });
}
const udpFrame = (sp: number, dp: number, payload: Uint8Array, src = ESP, dst = PC): Uint8Array =>
  ipFrame(17, emitUdp({ srcPort: sp, dstPort: dp, payload }, src, dst), src, dst);
const icmpFrame = (m: IcmpRepr): Uint8Array => ipFrame(1, emitIcmp(m));
const tcpFrame = (t: Partial<TcpRepr>): Uint8Array => ipFrame(6, emitTcp({
  srcPort: 54321, dstPort: 10000, seq: 0, ack: 0, flags: 0, window: 5760, urgent: 0, payload: new Uint8Array(0), ...t,
}, ESP, PC));

const DHCP: DhcpRepr = {
  op: 1, xid: 0x1234abcd, secs: 0, broadcast: false, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: ESP_MAC, messageType: DHCP_DISCOVER,
};
const DNS: DnsRepr = {
  id: 7, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0,
  questions: [{ name: 'esp32.lan', type: TYPE_A, cls: CLASS_IN }], answers: [],
};

describe('summarizeFrame', () => {
  it('ARP request and reply', () => {
    const req = emitEthernet({ dst: 0xffffffffffff, src: ESP_MAC, ethertype: ETHERTYPE_ARP,
      payload: emitArp({ op: 1, senderMac: ESP_MAC, senderIp: ESP, targetMac: 0, targetIp: GW }) });
    expect(summarizeFrame(req)).toBe('ARP who-has 192.168.1.1 tell 192.168.1.100');
    expect(summarizeFrame(req, names)).toBe('ARP who-has 192.168.1.1 tell esp32');
    const rep = emitEthernet({ dst: ESP_MAC, src: PC_MAC, ethertype: ETHERTYPE_ARP,
      payload: emitArp({ op: 2, senderMac: PC_MAC, senderIp: PC, targetMac: ESP_MAC, targetIp: ESP }) });
    expect(summarizeFrame(rep)).toBe('ARP 192.168.1.101 is-at 24:0a:c4:aa:bb:cc');
  });

  it('ICMP echo and unreachable', () => {
    expect(summarizeFrame(icmpFrame({ type: 'echo-request', ident: 1, seq: 3, data: new Uint8Array(56) }))).toBe('192.168.1.100 → 192.168.1.101 ICMP echo request id=1 seq=3 len=56');
    expect(summarizeFrame(icmpFrame({ type: 'echo-reply', ident: 1, seq: 3, data: new Uint8Array(56) }))).toBe('192.168.1.100 → 192.168.1.101 ICMP echo reply id=1 seq=3 len=56');
    expect(summarizeFrame(icmpFrame({ type: 'dest-unreachable', code: 3, quoted: new Uint8Array(28) }))).toBe('192.168.1.100 → 192.168.1.101 ICMP dest-unreachable port len=28');
  });

  it('UDP with addresses or device names', () => {
    const f = udpFrame(5000, 5001, new Uint8Array(12));
    expect(summarizeFrame(f)).toBe('UDP 192.168.1.100:5000 → 192.168.1.101:5001 len=12');
    expect(summarizeFrame(f, names)).toBe('UDP esp32:5000 → pc:5001 len=12');
    expect(summarizeFrame(f, () => { throw new Error('boom'); })).toBe('UDP 192.168.1.100:5000 → 192.168.1.101:5001 len=12');
  });

  it('DHCP messages', () => {
    expect(summarizeFrame(udpFrame(68, 67, emitDhcp(DHCP), 0, 0xffffffff))).toBe('DHCP DISCOVER xid=0x1234abcd');
    const offer = emitDhcp({ ...DHCP, op: 2, messageType: DHCP_OFFER, yiaddr: ESP });
    expect(summarizeFrame(udpFrame(67, 68, offer, GW, 0xffffffff))).toBe('DHCP OFFER xid=0x1234abcd yiaddr=192.168.1.100');
    expect(summarizeFrame(udpFrame(67, 68, new Uint8Array(10), GW, 0xffffffff))).toBe('malformed dhcp: truncated');
  });

  it('DNS query, answer and NXDOMAIN', () => {
    expect(summarizeFrame(udpFrame(4000, 53, emitDns(DNS)))).toBe('DNS A? esp32.lan id=7');
    const answer = emitDns({ ...DNS, qr: true, ra: true,
      answers: [{ name: 'esp32.lan', type: TYPE_A, cls: CLASS_IN, ttl: 60, data: new Uint8Array(0), address: ESP }] });
    expect(summarizeFrame(udpFrame(53, 4000, answer))).toBe('DNS esp32.lan A 192.168.1.100');
    const nx = emitDns({ ...DNS, qr: true, rcode: RCODE_NXDOMAIN, questions: [{ name: 'no.such.host', type: TYPE_A, cls: CLASS_IN }] });
    expect(summarizeFrame(udpFrame(53, 4000, nx))).toBe('DNS NXDOMAIN no.such.host');
  });

  it('TCP segments in tcpdump style', () => {
    expect(summarizeFrame(tcpFrame({ flags: TCP_SYN, seq: 123, mss: 1440 }))).toBe('192.168.1.100 → 192.168.1.101 TCP 54321→10000 [S] seq=123 win=5760 mss=1440');
    expect(summarizeFrame(tcpFrame({ flags: TCP_ACK, seq: 1, ack: 1, payload: new Uint8Array(100) }))).toBe('192.168.1.100 → 192.168.1.101 TCP 54321→10000 [.] seq=1 ack=1 win=5760 len=100');
    expect(summarizeFrame(tcpFrame({ flags: TCP_PSH | TCP_ACK, seq: 1, ack: 1 }))).toMatch(/ TCP 54321→10000 \[P\.\]/);
    expect(summarizeFrame(tcpFrame({ flags: TCP_FIN | TCP_ACK }))).toMatch(/\[F\.\]/);
    expect(summarizeFrame(tcpFrame({ flags: TCP_RST }))).toMatch(/\[R\]/);
    // With names, the form: `pc → esp32 TCP 54321→10000 [S] …`
    const byName = (ip: number) => ({ [0xc0a80164]: 'pc', [0xc0a80165]: 'esp32' })[ip];
    expect(summarizeFrame(tcpFrame({ flags: TCP_SYN, seq: 123, mss: 1440 }), byName)).toBe('pc → esp32 TCP 54321→10000 [S] seq=123 win=5760 mss=1440');
  });

  it('other ethertypes and IP protocols', () => {
    expect(summarizeFrame(emitEthernet({ dst: 1, src: 2, ethertype: 0x86dd, payload: new Uint8Array(40) }))).toBe('ethertype 0x86dd len=40');
    expect(summarizeFrame(ipFrame(47, new Uint8Array(4)), names)).toBe('IP esp32 → pc proto=47 len=4');
  });

  it('malformed frames are named by layer and kind', () => {
    expect(summarizeFrame(new Uint8Array(5))).toBe('malformed ethernet: truncated');
    const f = udpFrame(5000, 5001, new Uint8Array(12));
    f[14 + 8] ^= 1; // TTL: IPv4 header checksum breaks
    expect(summarizeFrame(f)).toBe('malformed ipv4: checksum');
    const g = udpFrame(5000, 5001, new Uint8Array(12));
    g[g.length - 1] ^= 1;
    expect(summarizeFrame(g)).toBe('malformed udp: checksum');
    expect(summarizeFrame(hex('ff ff ff ff ff ff 00 00 00 00 00 01 08 06 00 01'))).toBe('malformed arp: truncated');
  });
});
