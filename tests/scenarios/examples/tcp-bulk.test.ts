/**
 * The tcp-bulk example in-process: the PC's bytes reach the ESP32's server
 * intact over lossy WiFi, deterministically for a seed.
 */
import { runTcpBulk } from '../../../scenarios/examples/tcp-bulk';

describe('tcp-bulk example', () => {
  test('1,000,000 bytes at 10% loss on both stations arrive intact (equal digests) after retransmissions', async () => {
    const r = await runTcpBulk({ bytes: 1_000_000, loss: 0.1, seed: 1, pcap: false });
    expect(r.error).toBeUndefined();
    expect(r.bytesReceived).toBe(1_000_000);
    expect(r.receivedSha256).toBe(r.sentSha256);
    expect(r.retransmits.pc).toBeGreaterThan(0);
    expect(r.summary).toContain('digests equal');
  }, 30_000);

  test('lossless run of the same seed twice gives the same capture and duration', async () => {
    const a = await runTcpBulk({ bytes: 50_000, seed: 4 });
    const b = await runTcpBulk({ bytes: 50_000, seed: 4 });
    expect(a.receivedSha256).toBe(a.sentSha256);
    expect(a.retransmits).toEqual({ pc: 0, esp32: 0 });
    expect(b.durationUs).toBe(a.durationUs);
    expect(Buffer.from(b.pcap!).equals(Buffer.from(a.pcap!))).toBe(true);
  }, 30_000);
});
