/**
 * Long runs in bounded memory: MicroPython loops that allocate garbage, run
 * for hours of virtual time; each reports wall time, virtual/wall, the VM's
 * wasm memory at the start and at the end, its live heap after a collection
 * (printed by the script every virtual hour) and the process's peak RSS.
 *   pin-toggle   toggles GPIO 2 and formats a string every 10 ms
 *   sensor-udp   formats a reading and sends a datagram to a PC every 10 ms
 *   poll-recv    a non-blocking recv() on a silent UDP socket every 10 ms
 * `npm run bench -- long` runs 1 h of each; ESP32SIM_BENCH_HOURS=24 runs 24 h;
 * ESP32SIM_BENCH_LOOPS=sensor-udp,poll-recv runs only those loops.
 */
import { performance } from 'node:perf_hooks';
import { Simulation } from '../../devices/simulation/simulation';

const LOOPS: Record<string, string> = {
  'pin-toggle': ['from machine import Pin', 'led = Pin(2, Pin.OUT)', 'def step(n):', '    led.value(n & 1)', '    s = "led %d %s" % (n, [n] * 4)'].join('\n'),
  'sensor-udp': [
    'import socket',
    'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    'def step(n):',
    '    t = 21.5 + (n % 40) / 10',
    '    u.sendto(("{\\"n\\": %d, \\"t\\": %.1f}" % (n, t)).encode(), ("192.168.1.100", 5005))',
  ].join('\n'),
  'poll-recv': [
    'import socket',
    'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    "u.bind(('0.0.0.0', 7000))",
    'u.setblocking(False)',
    'def step(n):',
    '    try:',
    '        u.recv(64)',
    '    except OSError:',
    '        pass',
  ].join('\n'),
};

function script(body: string): string {
  return [
    'import gc, time',
    body,
    'n = 0',
    'while True:',
    '    step(n)',
    '    if n % 360000 == 0:',
    '        gc.collect()',
    '        print("hour", n // 360000, "live", gc.mem_alloc(), "free", gc.mem_free())',
    '    n += 1',
    '    time.sleep_ms(10)',
  ].join('\n');
}

export interface LongRun {
  name: string;
  hours: number;
  wallS: number;
  speed: number;
  vmStartKB: number;
  vmEndKB: number;
  liveBytes: number[];
  peakRssMB: number;
}

export async function benchLong(hours = Number(process.env.ESP32SIM_BENCH_HOURS ?? 1)): Promise<LongRun[]> {
  const out: LongRun[] = [];
  const only = (process.env.ESP32SIM_BENCH_LOOPS ?? '').split(',').filter(Boolean);
  for (const [name, body] of Object.entries(LOOPS)) {
    if (only.length && !only.includes(name)) continue;
    const s = new Simulation({ seed: 1, wallTimeoutMs: 24 * 3600_000 });
    s.sim.trace.keep = false;
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', script: { filename: 'main.py', language: 'micropython', source: script(body) } });
    s.addDevice({ id: 'pc', board: 'pc' });
    let peak = 0;
    await s.run({ forUs: 30_000_000 });
    const vmStart = esp.counters()['script.memory'] ?? 0;
    const t0 = performance.now();
    for (let h = 0; h < hours; h++) {
      await s.run({ forUs: 3600_000_000 });
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const wallS = (performance.now() - t0) / 1000;
    const vmEnd = esp.counters()['script.memory'] ?? 0;
    const liveBytes = esp.console.lines.map((l) => /live (\d+)/.exec(l.text)).filter((m) => m).map((m) => Number(m![1]));
    if (esp.failure()) throw new Error(`${name}: ${esp.failure()}`);
    out.push({ name, hours, wallS, speed: (hours * 3600) / wallS, vmStartKB: vmStart / 1024, vmEndKB: vmEnd / 1024, liveBytes, peakRssMB: peak / 1e6 });
    await s.close();
  }
  return out;
}

export function formatLong(runs: LongRun[]): string {
  return runs
    .map(
      (r) =>
        `long: ${r.name}, ${r.hours} h virtual every 10 ms: ${r.wallS.toFixed(1)} s wall (${r.speed.toFixed(0)}× real time); ` +
        `VM memory ${r.vmStartKB.toFixed(0)} KiB → ${r.vmEndKB.toFixed(0)} KiB (goal: no growth); live heap after a collection ` +
        `${Math.min(...r.liveBytes)}–${Math.max(...r.liveBytes)} B over ${r.liveBytes.length} hours; peak RSS ${r.peakRssMB.toFixed(0)} MB`,
    )
    .join('\n');
}

if (require.main === module) {
  void benchLong().then((r) => {
    console.log(formatLong(r));
    process.exit(0);
  });
}
