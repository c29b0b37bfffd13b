import { createHash } from 'node:crypto';
import { runDhcpPing } from '../../../scenarios/examples/dhcp-ping';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

describe('dhcp-ping example', () => {
  test('lab with ESP32 and PC joined by DHCP: ping, DNS and UDP both ways succeed', async () => {
    const r = await runDhcpPing({ seed: 3 });
    expect(r.esp32Ip).toMatch(/^192\.168\.1\.1\d\d$/);
    expect(r.pcIp).toMatch(/^192\.168\.1\.1\d\d$/);
    expect(r.ping?.received).toBe(4);
    expect(r.ping!.minUs).toBeGreaterThan(4000); // four WiFi hops of >= 2 ms... two each way
    expect(r.dnsAnswer).toBe(r.esp32Ip);
    expect(r.udpAtEsp32).toBe('hello from pc');
    expect(r.udpAtPc).toBe('pong: hello from pc');
    expect(r.summary).toContain('4 received');
  });

  test('same seed twice gives byte-identical trace text and pcap bytes', async () => {
    const a = await runDhcpPing({ seed: 3 });
    const b = await runDhcpPing({ seed: 3 });
    expect(a.trace.length).toBeGreaterThan(1000);
    expect(sha(a.trace)).toBe(sha(b.trace));
    expect(sha(a.pcap)).toBe(sha(b.pcap));
  });

  test('different seeds under loss give different runs', async () => {
    const a = await runDhcpPing({ seed: 1, loss: 0.2 });
    const b = await runDhcpPing({ seed: 2, loss: 0.2 });
    expect(sha(a.pcap)).not.toBe(sha(b.pcap));
    expect(sha(a.trace)).not.toBe(sha(b.trace));
  });
});
