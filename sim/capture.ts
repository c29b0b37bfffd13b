/**
 * A run's capture: the Ethernet view of the network (what every lab's .pcap has always held)
 * and, beside it, the 802.11 frames on the air (ESP-NOW action frames and their ACKs) with a
 * radiotap header. Which file it becomes:
 *   - 'pcap': classic libpcap, Ethernet frames only (byte-identical to PcapWriter);
 *   - 'pcapng': pcapng, interface 0 Ethernet, interface 1 802.11 + radiotap when the run had
 *     any 802.11 frame;
 *   - 'auto' (the default): classic pcap unless the run had 802.11 frames, then pcapng (one
 *     classic pcap file cannot hold two link types; Wireshark and tshark read either by its
 *     magic number, whatever the file is called).
 */
import { PcapWriter } from './pcap';
import { LINKTYPE_ETHERNET, LINKTYPE_IEEE802_11_RADIOTAP, PcapngWriter } from './pcapng';

export type CaptureFormat = 'pcap' | 'pcapng' | 'auto';

interface Entry {
  radio: boolean;
  us: number;
  frame: Uint8Array;
}

export class Capture {
  private readonly entries: Entry[] = [];
  /** Ethernet frames / 802.11 frames recorded. */
  ethernetFrames = 0;
  radioFrames = 0;

  /** An Ethernet frame seen at virtual time `us`. */
  ethernet(us: number, frame: Uint8Array): void {
    this.entries.push({ radio: false, us, frame });
    this.ethernetFrames++;
  }

  /** An 802.11 frame (with FCS) on the air at `us`, `radiotap` its radiotap header. */
  radio(us: number, radiotap: Uint8Array, frame: Uint8Array): void {
    const b = new Uint8Array(radiotap.length + frame.length);
    b.set(radiotap, 0);
    b.set(frame, radiotap.length);
    this.entries.push({ radio: true, us, frame: b });
    this.radioFrames++;
  }

  get packets(): number {
    return this.entries.length;
  }

  /** The file format `format` resolves to for this capture. */
  resolve(format: CaptureFormat = 'auto'): 'pcap' | 'pcapng' {
    if (format === 'auto') return this.radioFrames ? 'pcapng' : 'pcap';
    return format;
  }

  bytes(format: CaptureFormat = 'auto'): Uint8Array {
    if (this.resolve(format) === 'pcap') {
      const pcap = new PcapWriter();
      for (const e of this.entries) if (!e.radio) pcap.add(e.us, e.frame);
      return pcap.bytes();
    }
    const ng = new PcapngWriter();
    const eth = ng.addInterface({ linkType: LINKTYPE_ETHERNET, name: 'lan', description: 'the network as Ethernet frames (what a .pcap of this lab holds)' });
    const air = this.radioFrames
      ? ng.addInterface({ linkType: LINKTYPE_IEEE802_11_RADIOTAP, name: 'air', description: '802.11 frames on the air (ESP-NOW and ACKs), radiotap' })
      : -1;
    for (const e of this.entries) ng.add(e.radio ? air : eth, e.us, e.frame);
    return ng.bytes();
  }
}
