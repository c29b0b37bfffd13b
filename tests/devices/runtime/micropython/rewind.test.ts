import type { MicroPythonRuntime } from '../../../../devices/runtime/micropython/runtime';
import { vmSnapshots } from '../../../../devices/runtime/micropython/pool';
import { runPy, settlePool } from './helpers';

// A rewound VM (vm.ts SealedVm.rewind, sandbox/kernel.js rewind) runs the next script in the realm,
// wasm instance and thread an earlier script ran in: nothing of that script may reach the next one.

// Everything a script can leave behind, as the next script would see it: the VM's own files (its
// flash hides them at /, a script mounts them back), open files, the working directory, modules,
// builtins, sys.path, the heap's layout and the PRNG.
const PROBE = [
  'import vfs, os, sys, gc, random, builtins',
  'vfs.umount("/")',
  'vfs.mount(vfs.VfsPosix(), "/")',
  'def walk(p, out):',
  '    for n in sorted(os.listdir(p)):',
  '        q = (p.rstrip("/") + "/" + n)',
  '        if q in ("/proc", "/dev"): continue',
  '        st = os.stat(q)',
  '        out.append((q, st[0], st[1], st[6], None if st[0] & 0x4000 else hash(open(q, "rb").read())))',
  '        if st[0] & 0x4000: walk(q, out)',
  '    return out',
  'print(walk("/", []))',
  'print(os.getcwd(), sorted(os.listdir("/dev")))',
  'f = open("/probe.txt", "w"); print("next fd", f.fileno()); f.close(); os.remove("/probe.txt")',
  'print(hasattr(builtins, "dirty"), sys.path, sorted(sys.modules.keys()))',
  'import _kern; print(hasattr(_kern, "DIRTY"))',
  'a = object(); b = [1, 2, 3]',
  'print(id(a), id(b), gc.mem_free(), gc.mem_alloc(), random.getrandbits(30))',
  '',
].join('\n');

// What an untrusted script might do to the VM before it ends (cleanly, as a student's script does).
const DIRTY = [
  'import vfs, os, sys, gc, random, builtins',
  'vfs.umount("/")',
  'vfs.mount(vfs.VfsPosix(), "/")',
  'os.mkdir("/dirt")',
  'with open("/dirt/f.txt", "w") as f: f.write("x" * 5000)',
  'left_open = open("/dirt/open.txt", "w"); left_open.write("left open")',
  'also_open = open("/.frozen/_boot.py")',
  'open("/.frozen/planted.py", "w").write("X = 1\\n")',
  'with open("/.frozen/_boot.py", "a") as f: f.write("\\nPLANTED = 1\\n")',
  'with open("/.frozen/_errno.py", "r+b") as f: f.write(b"X")', // in place: same size, other bytes
  'os.rename("/.frozen/_flash.py", "/.frozen/_flash_moved.py")',
  'os.chdir("/dirt")',
  'import _kern; _kern.DIRTY = 1',
  'builtins.dirty = 1',
  'sys.path.append("/dirt"); sys.modules["dirt"] = sys',
  'keep = [bytearray(1000) for i in range(50)]',
  'random.seed(5)',
  'print("dirtied")',
  '',
].join('\n');

const POOL = 'ESP32SIM_VM_POOL';
const REWIND = 'ESP32SIM_VM_REWIND';

/** The VM a run ran on (a private field of the runtime, read here only to prove two runs shared one). */
const vmOf = (r: { runtime: unknown }): unknown => (r.runtime as { vm: unknown }).vm;

describe('VMs rewound in place after a run', () => {
  afterEach(() => {
    delete process.env[POOL];
    delete process.env[REWIND];
  });

  test('a script that dirtied everything it can reach leaves nothing for the next one: it sees a booted VM', async () => {
    process.env[POOL] = '0';
    const booted = await runPy(PROBE, { seed: 7 });
    expect((booted.runtime as MicroPythonRuntime).restored).toBe(false);
    expect(booted.out()).toMatch(/^\[\('\/\.frozen', /);
    expect(booted.out()).toContain('False'); // no builtins.dirty
    // One idle VM per boot: the one that ran a script is the next one taken once it is rewound.
    process.env[POOL] = '1';
    let dirtyOnRestored = false;
    for (let i = 0; i < 8 && !dirtyOnRestored; i++) {
      await settlePool();
      const r = await runPy(DIRTY, { seed: 7 });
      expect(r.out()).toBe('dirtied\n');
      dirtyOnRestored = (r.runtime as MicroPythonRuntime).restored;
    }
    expect(dirtyOnRestored).toBe(true);
    for (let round = 0; round < 2; round++) {
      await settlePool();
      const before = vmSnapshots();
      if (round > 0) expect((await runPy(DIRTY, { seed: 7 })).out()).toBe('dirtied\n'); // on a VM restored anew
      await settlePool();
      const again = await runPy(DIRTY, { seed: 7 }); // on the rewound VM: a second rewind over a first
      expect(again.out()).toBe('dirtied\n');
      await settlePool();
      const probe = await runPy(PROBE, { seed: 7 });
      await settlePool();
      const after = vmSnapshots();
      // The probe ran on the VM both dirty scripts ran in, rewound after each (the probe grows the VM's
      // memory: that one is not rewound; round 0's first dirty run was counted before `before`).
      expect(after.rewinds).toBe(before.rewinds + (round > 0 ? 2 : 1));
      expect(vmOf(probe)).toBe(vmOf(again)); // the same VM object: its realm, wasm instance and thread
      expect((probe.runtime as MicroPythonRuntime).restored).toBe(true);
      expect(probe.out()).toBe(booted.out());
      expect(probe.board.sim.trace.text()).toBe(booted.board.sim.trace.text());
    }
  });

  test('a VM rewound a hundred times is still the same VM, and the last script on it sees a booted one', async () => {
    process.env[POOL] = '0';
    const booted = await runPy(PROBE, { seed: 3 });
    process.env[POOL] = '1';
    let first: unknown;
    for (let i = 0; i < 8 && first === undefined; i++) {
      await settlePool();
      const r = await runPy('print(1)\n');
      if ((r.runtime as MicroPythonRuntime).restored) first = vmOf(r);
    }
    expect(first).toBeDefined();
    await settlePool(); // the rewind after that run is counted
    const before = vmSnapshots().rewinds;
    for (let i = 0; i < 100; i++) {
      await settlePool();
      const r = await runPy(i % 2 ? DIRTY : 'print(1)\n', { seed: i });
      expect(vmOf(r)).toBe(first); // each time the same VM (its realm, wasm instance and thread), rewound
    }
    await settlePool();
    const probe = await runPy(PROBE, { seed: 3 });
    expect(vmOf(probe)).toBe(first);
    expect(vmSnapshots().rewinds).toBe(before + 100);
    expect(probe.out()).toBe(booted.out());
    expect(probe.board.sim.trace.text()).toBe(booted.board.sim.trace.text());
  });

  test('ESP32SIM_VM_REWIND=0: no VM is rewound (each ended one makes way for a new one)', async () => {
    process.env[REWIND] = '0';
    const before = vmSnapshots().rewinds;
    for (let i = 0; i < 3; i++) {
      await settlePool();
      expect((await runPy('print(1)\n')).out()).toBe('1\n');
    }
    await settlePool();
    expect(vmSnapshots().rewinds).toBe(before);
  });
});
