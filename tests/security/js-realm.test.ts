/**
 * Defence in depth below Python: JS-level probes that stand for "the attacker already runs
 * JavaScript inside the VM's sealed realm" (worker.cjs compiles them, test only, and the VM's
 * kernel calls them after boot with everything it holds), run through the real runtime and OS.
 * Then the worker's own (outer) realm, a recycled thread, and Node's error printer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { vmBoot } from '../../devices/runtime/micropython/runtime';
import * as pools from '../../devices/runtime/micropython/pool';
import * as vms from '../../devices/runtime/micropython/vm';
import { runPy } from '../devices/runtime/micropython/helpers';
import type { Kind } from './harness';

const probe = (name: string) => fs.readFileSync(path.join(__dirname, 'probes', name), 'utf8');

/** Runs `source` through the real runtime in a VM booted with this JS probe in its realm. */
async function withProbe(probeSource: string, source: string, kind: Kind = 'esp32', thread?: vms.VmThread, capacity = 1) {
  const vm = new vms.SealedVm(vmBoot(kind), thread ?? new vms.VmThread({ probeSource }, capacity));
  const spy = jest.spyOn(pools, 'takeVm').mockReturnValueOnce({ vm, pooled: false });
  try {
    const r = await runPy(source, { kind, watchdogMs: 10_000 });
    return { r, vm, out: r.out() };
  } finally {
    spy.mockRestore();
  }
}

const lines = (out: string) => out.split('\n').filter((l) => /^(BLOCKED|ESCAPED) /.test(l));

describe('JavaScript inside the sealed realm (a hole in the first layer)', () => {
  test.each(['esp32', 'pc'] as const)('%s: no code generation, no Node API, no outer object, memory within the module maximum', async (kind) => {
    // In a process that can share VM threads (the suite run with ESP32SIM_VMS_PER_THREAD under JSPI's flag), in a shared one.
    const { r, out } = await withProbe(probe('realm_probe.js'), 'print("python ran after the probe")\n', kind, undefined, vms.vmsPerThread());
    const got = lines(out);
    expect(got.filter((l) => l.startsWith('ESCAPED'))).toEqual([]);
    // Every route was tried: 12 code generation, 5 wasm, 5 import(), 26 globals, realm walk (2), stack frames, FS mounts, memory (3).
    expect(got.length).toBe(12 + 5 + 5 + 26 + 2 + 1 + 1 + 3);
    expect(out).toMatch(/BLOCKED realm walk: \d{3,} objects .* foreign: none/);
    expect(out).toContain("BLOCKED import('node:fs'): ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING");
    expect(out).toContain('BLOCKED Function: Code generation from strings disallowed for this context');
    expect(out).toContain('BLOCKED new WebAssembly.Module(bytes): WebAssembly.Module(): Wasm code generation disallowed by embedder');
    expect(out).toContain('python ran after the probe');
    expect(r.proc.state).toBe('exited');
  });

  test('a recycled thread: the second VM finds nothing of the first (globals, prototypes, builtins, files)', async () => {
    const env = process.env.ESP32SIM_VM_POOL;
    process.env.ESP32SIM_VM_POOL = '0'; // the first VM's thread is kept for reuse, not handed to the pool
    try {
      const source = probe('recycle_probe.js');
      // The VM's own files (the ESP32's flash hides them at /): mounted back by each script.
      const own = 'import vfs\nvfs.umount("/")\nvfs.mount(vfs.VfsPosix(), "/")\n';
      const first = await withProbe(source, own + 'open("/tmp/secret", "w").write("first device")\nprint("first done")\n');
      expect(first.out).toContain('earlier VM marks seen: []');
      expect(first.r.proc.state).toBe('exited');
      const thread = first.vm.freeThread();
      expect(thread).toBeDefined(); // ended cleanly: its thread may host the next VM
      const second = await withProbe(source, own + 'import os\nprint("tmp:", os.listdir("/tmp"))\n', 'esp32', thread);
      expect(second.vm.thread).toBe(first.vm.thread);
      expect(second.out).toContain('earlier VM marks seen: []');
      expect(second.out).toContain("tmp: ['planted']"); // its own probe's file only: no /tmp/secret
      expect(second.vm.sab).not.toBe(first.vm.sab);
    } finally {
      if (env === undefined) delete process.env.ESP32SIM_VM_POOL;
      else process.env.ESP32SIM_VM_POOL = env;
    }
  });

  test("Node's error printer never sees a sandbox value: the inspect hook and getters are never called, the thread ends", async () => {
    const { r, vm } = await withProbe(probe('inspect_probe.js'), 'print("never")\n');
    expect(r.proc.state).toBe('crashed');
    expect(r.proc.failure).toBe('VM error: the VM aborted');
    expect(r.out()).not.toContain('never');
    expect([vm.h[30], vm.h[31]]).toEqual([0, 0]);
    await new Promise<void>((done) => (vm.thread.exitCode !== undefined ? done() : vm.thread.worker.once('exit', () => done())));
    expect([70, 1]).toContain(vm.thread.exitCode); // 70: the worker's own exit after the abort (1 if the host's terminate came first)
  });
});

describe("the worker's outer realm", () => {
  test('tamed: every constructor chain and eval throw; only vm.runInThisContext stays, which needs the vm module object itself', async () => {
    const t = new vms.VmThread({ outerProbe: true });
    try {
      const res = (await new Promise((done) => t.worker.once('message', done))) as string[];
      expect(res.filter((l) => l.startsWith('OPEN'))).toEqual(['OPEN    vm.runInThisContext (not tamed: needs the vm module object itself)']);
      expect(res.filter((l) => l.startsWith('BLOCKED')).length).toBe(7);
      for (const l of res.filter((x) => x.startsWith('BLOCKED'))) expect(l).toMatch(/code generation disabled in VM worker$/);
    } finally {
      t.terminate();
    }
  });
});
