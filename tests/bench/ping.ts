/** Ping benchmark: ICMP echo round trips per wall second between two devices on the simulated WiFi LAN (full stacks, real bytes). */
import { performance } from 'node:perf_hooks';
import { Simulation } from '../../devices/simulation/simulation';
import type { PcBoard } from '../../devices/pc/board';
import type { Esp32Board } from '../../devices/esp32/board';

export async function benchPing(count = 20_000): Promise<{ pingsPerS: number; received: number; virtualS: number }> {
  const s = new Simulation({ seed: 1 });
  s.sim.trace.keep = false;
  const espH = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'auto' });
  const pcH = s.addDevice({ id: 'pc', board: 'pc' });
  await s.run({ stopWhen: () => espH.ip() !== '0.0.0.0' && pcH.ip() !== '0.0.0.0', forUs: 30_000_000 });
  const esp = espH.board as Esp32Board;
  const pc = pcH.board as PcBoard;
  let received = -1;
  const v0 = s.sim.now;
  const t0 = performance.now();
  // Pings 100 µs apart (more than the airtime of one echo), so the run measures stack work, not idle intervals.
  pc.net.icmp.ping(esp.net.ip.address(), { count, intervalUs: 100, size: 56, timeoutUs: 1_000_000 }, (st) => {
    received = st.received;
  });
  await s.run({ stopWhen: () => received >= 0, forUs: 3_600_000_000 });
  const dt = (performance.now() - t0) / 1000;
  const virtualS = (s.sim.now - v0) / 1e6;
  await s.close();
  return { pingsPerS: received / dt, received, virtualS };
}

if (require.main === module) {
  benchPing().then((r) => console.log(`ping: ${r.received} round trips, ${Math.round(r.pingsPerS)} per wall second`));
}
