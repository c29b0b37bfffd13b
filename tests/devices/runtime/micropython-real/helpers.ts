import type { DeviceHandle, DeviceSpec, SimulationOptions } from '../../../../devices/simulation/api';
import { Simulation } from '../../../../devices/simulation/simulation';

export const py = (source: string | string[], filename = 'main.py') => ({
  filename,
  language: 'micropython' as const,
  source: Array.isArray(source) ? source.join('\n') + '\n' : source,
});

export const ended = (...hs: DeviceHandle[]) => () => hs.every((h) => h.scriptState() !== 'running' && h.scriptState() !== 'not-started');

export const lines = (h: DeviceHandle) => h.console.lines.map((l) => l.text);

/** A Simulation with one ESP32 running `source` as main.py (plus optional other devices). */
export function esp32With(
  source: string | string[],
  opts: { sim?: SimulationOptions; esp?: Partial<DeviceSpec>; others?: DeviceSpec[] } = {},
): { s: Simulation; esp: DeviceHandle } {
  const s = new Simulation({ seed: 1, ...opts.sim });
  for (const o of opts.others ?? []) s.addDevice(o);
  const esp = s.addDevice({ id: 'esp32', board: 'esp32', script: py(source), ...opts.esp });
  return { s, esp };
}

/** Runs until the ESP32's script ends (or `forUs`), then closes the simulation. */
export async function runEsp32(source: string | string[], opts: Parameters<typeof esp32With>[1] & { forUs?: number } = {}) {
  const r = esp32With(source, opts);
  try {
    await r.s.run({ stopWhen: ended(r.esp), forUs: opts.forUs ?? 60_000_000 });
  } finally {
    await r.s.close();
  }
  return r;
}
