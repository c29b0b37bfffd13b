/**
 * The host's memory stays bounded whatever a script does: the VM's wasm memory is capped (a
 * MemoryError inside the VM), its in-memory files have a quota (they live in the VM thread's
 * JavaScript heap, outside that cap), and output printed without kernel calls streams to the
 * console instead of piling up on the main thread. RSS figures are loose bounds (the process is
 * shared with other tests); the VM's own figure is exact.
 */
import { prewarmVms } from '../../devices/runtime/micropython/pool';
import { MicroPythonRuntime, vmBoot } from '../../devices/runtime/micropython/runtime';
import { startPy } from '../devices/runtime/micropython/helpers';
import type { Kind } from './harness';

const MiB = 1024 * 1024;
const rss = () => process.memoryUsage().rss;

/** Runs `source` to its end, sampling the process RSS and the VM's memory figure at every event. */
async function measure(source: string, kind: Kind) {
  prewarmVms([vmBoot(kind)], 1);
  const r = startPy(source, { kind, watchdogMs: 10_000 });
  r.board.sim.trace.keep = false; // as the runner does: the trace would keep every console line
  const base = rss();
  let peak = base;
  let vmPeak = 0;
  const rt = r.runtime as MicroPythonRuntime;
  await r.board.sim.run({
    until: 3600_000_000,
    stopWhen: () => {
      peak = Math.max(peak, rss());
      vmPeak = Math.max(vmPeak, rt.memoryBytes());
      return r.proc.state !== 'running';
    },
  });
  r.proc.kill();
  return { r, grewMiB: (peak - base) / MiB, vmPeak, cap: vmBoot(kind).memCapBytes };
}

const BOMBS = [
  // The VM's own files (an ESP32's flash hides them at /, the script mounts them back): their quota.
  'import vfs',
  'vfs.umount("/")',
  'vfs.mount(vfs.VfsPosix(), "/")',
  'import time, gc',
  'n = 0',
  'try:',
  '    f = open("/tmp/big", "wb")',
  '    while n < 16384:',
  '        f.write(bytes(16384))',
  '        n += 1',
  'except OSError as e:',
  '    print("FS quota after %d KiB: errno %d" % (n * 16, e.args[0]))',
  'keep = []',
  'try:',
  '    while True:',
  '        keep.append(bytearray(8192))',
  'except MemoryError:',
  '    print("MemoryError after %d KiB" % (len(keep) * 8))',
  'time.sleep_ms(5)  # holds both while the host looks',
  'keep = None',
  'gc.collect()',
  'print("free again:", gc.mem_free() > 8192)',
  '',
].join('\n');

describe('host memory under memory and file bombs', () => {
  test.each(['esp32', 'pc'] as const)('%s: the FS quota and a MemoryError inside the VM; its memory figure never passes the cap', async (kind) => {
    const { r, grewMiB, vmPeak, cap } = await measure(BOMBS, kind);
    expect(r.proc.state).toBe('exited');
    expect(r.out()).toMatch(/^FS quota after 4\d{3} KiB: errno 51\nMemoryError after \d+ KiB\nfree again: True\n$/);
    expect(vmPeak).toBeGreaterThan(0);
    expect(vmPeak).toBeLessThanOrEqual(cap);
    expect(grewMiB).toBeLessThan(64);
  });
});

describe('output without kernel calls', () => {
  test('8 MB printed in a loop with no kernel call streams to the console as writes: virtual time moves, the host holds ~1 MiB of it', async () => {
    const { r, grewMiB } = await measure('s = "z" * 1023\nfor i in range(8 * 1024):\n    print(s)\nprint("end")\n', 'esp32');
    expect(r.proc.state).toBe('exited');
    const c = r.board.console as unknown as { total: number };
    expect(c.total).toBe(8 * MiB + 4);
    const lines = r.board.console.lines;
    expect(lines.at(-1)?.text).toBe('end');
    // Before the fix every byte waited on the main thread for the exit call: one write, one timestamp.
    expect(new Set(lines.map((l) => l.t)).size).toBeGreaterThan(4);
    // Bursts beyond the serial port's 64 KiB take the UART's time (11,520 bytes a second).
    expect(r.board.sim.now).toBeGreaterThan(600_000_000);
    expect(grewMiB).toBeLessThan(160);
  });
});
