import { LAYOUT as L } from '../../../../devices/runtime/bridge/protocol';
import type { MicroPythonRuntime } from '../../../../devices/runtime/micropython/runtime';
import { Snapshots } from '../../../../devices/runtime/micropython/snapshot';
import { runPy, settlePool, VM_PROBE as PROBE } from './helpers';

const POOL = 'ESP32SIM_VM_POOL';
const SNAP = 'ESP32SIM_VM_SNAPSHOT';

describe('VM snapshots', () => {
  afterAll(() => {
    delete process.env[POOL];
    delete process.env[SNAP];
  });

  for (const kind of ['pc', 'esp32'] as const) {
    test(`${kind}: a VM restored from a snapshot runs a script exactly as a booted one (heap, files, PRNG, modules)`, async () => {
      process.env[POOL] = '0';
      const booted = await runPy(PROBE, { kind, seed: 7 });
      expect((booted.runtime as MicroPythonRuntime).restored).toBe(false);
      delete process.env[POOL];
      // A process running one script after another: its pool writes the snapshot, then restores from it.
      let restored: Awaited<ReturnType<typeof runPy>> | undefined;
      for (let i = 0; i < 6 && !restored; i++) {
        await settlePool();
        const r = await runPy(PROBE, { kind, seed: 7 });
        expect(r.out()).toBe(booted.out());
        if ((r.runtime as MicroPythonRuntime).restored) restored = r;
      }
      expect(restored).toBeDefined();
      expect(restored!.out()).toBe(booted.out());
      expect(restored!.board.sim.trace.text()).toBe(booted.board.sim.trace.text());
      expect(booted.out()).toMatch(/^\d+ \d+ \d+ \d+ \d+\n\(/);
    });
  }

  test('ESP32SIM_VM_SNAPSHOT=0: VMs boot, none is restored', async () => {
    process.env[SNAP] = '0';
    for (let i = 0; i < 3; i++) {
      await settlePool();
      const r = await runPy('print(1)\n', { kind: 'pc' });
      expect(r.out()).toBe('1\n');
      // A VM restored from an earlier test's snapshot may still be in the pool once.
      if (i > 0) expect((r.runtime as MicroPythonRuntime).restored).toBe(false);
    }
  });
});

describe('the pool side of snapshots (which VM writes one, when it is taken)', () => {
  const KEY = 'esp32/1/1/1';
  /** Writes what sandbox/snapshot.js writes: MAGIC, description length, page bytes. */
  function write(sab: SharedArrayBuffer, desc: number, pages: number): void {
    const w = new Int32Array(sab, 0, 4);
    w[1] = desc;
    w[2] = pages;
    w[0] = 0x4d505331;
  }

  test('one producer at a time; its snapshot is taken idle or at its first request, then every VM restores; a failure turns it off', () => {
    const s = new Snapshots();
    expect(s.image(KEY, 4096, false)).toEqual({}); // not asked to write one
    const img = s.image(KEY, 4096, true);
    expect(img.capture).toBeInstanceOf(SharedArrayBuffer);
    const producer: { image: typeof img; state: number } = { image: img, state: L.S_BOOTING };
    s.made(KEY, producer);
    expect(s.image(KEY, 4096, true)).toEqual({}); // one producer at a time
    producer.state = L.S_RUNNING;
    s.started(KEY, producer); // claimed before it wrote anything: nothing taken, the next boot tries again
    expect(s.bytes()).toBe(0);
    const img2 = s.image(KEY, 4096, true);
    const p2: { image: typeof img2; state: number } = { image: img2, state: L.S_BOOTING };
    s.made(KEY, p2);
    write(img2.capture!, 10, 4096);
    p2.state = L.S_IDLE; // booted and idle: taken by the next image()
    const restore = s.image(KEY, 4096, true).restore!;
    expect(restore.length).toBe(((16 + 10 + 7) & ~7) + 4096);
    expect(restore.buffer).not.toBe(img2.capture); // a copy: the VM's buffer is not the snapshot
    expect(s.image(KEY, 4096, false).restore).toBe(restore);
    s.failed(KEY);
    expect(s.image(KEY, 4096, true)).toEqual({});
  });

  test('ESP32SIM_VM_SNAPSHOT=0: no VM is asked to write one', () => {
    process.env[SNAP] = '0';
    expect(new Snapshots().image(KEY, 4096, true)).toEqual({});
    delete process.env[SNAP];
  });
});
