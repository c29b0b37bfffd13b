import { runPy, startPy } from './helpers';

describe('MicroPython runtime on a fake ESP32', () => {
  test('script prints, sleeps 1.5 s: ticks_ms advances by 1500 and lines carry virtual timestamps', async () => {
    const r = await runPy(
      'import time, utime\nt0 = time.ticks_ms()\nprint("start")\ntime.sleep(1.5)\nprint(time.ticks_diff(utime.ticks_ms(), t0))\nprint(time.ticks_add(2**30 - 1, 2), time.ticks_diff(1, 2**30 - 1))\n',
    );
    const lines = r.board.console.lines;
    expect(lines.map((l) => l.text)).toEqual(['start', '1500', '1 2']);
    expect(lines[1].t).toBeGreaterThanOrEqual(1_500_000);
    expect(lines[1].t).toBeLessThan(1_501_000);
    expect(r.proc.state).toBe('exited');
    expect(r.proc.exitCode).toBe(0);
  });

  test('random seeded from the scenario seed: same seed same numbers, other seed other numbers', async () => {
    const src = 'import random\nprint(random.getrandbits(30), random.randint(1, 1000))\n';
    const a = await runPy(src, { seed: 7 });
    const b = await runPy(src, { seed: 7 });
    const c = await runPy(src, { seed: 8 });
    expect(a.out()).toBe(b.out());
    expect(a.out()).not.toBe(c.out());
  });

  test('uncaught exception prints a MicroPython traceback naming file and line; device stops', async () => {
    const r = await runPy('import socket\n\ndef f():\n    s = socket.socket()\n    s.recv(10)\n\nf()\n', { filename: 'main.py' });
    expect(r.out()).toBe(
      'Traceback (most recent call last):\n  File "main.py", line 7, in <module>\n  File "main.py", line 5, in f\nOSError: [Errno 128] ENOTCONN\n',
    );
    expect(r.proc.state).toBe('crashed');
    expect(r.proc.exitCode).toBe(1);
    expect(r.proc.failure).toContain('OSError: [Errno 128] ENOTCONN');
    expect(r.board.sim.trace.text()).toContain('"kind":"crash"');
  });

  test('syntax error is reported with file:line before anything runs', async () => {
    const r = await runPy('print("never")\nif x\n', { filename: 'esp32_server.py' });
    expect(r.out()).toBe('Traceback (most recent call last):\n  File "esp32_server.py", line 2\nSyntaxError: invalid syntax\n');
    expect(r.proc.state).toBe('crashed');
  });

  test('while True: pass trips the wall-clock watchdog with a clear message', async () => {
    const r = await runPy('print("spinning")\nwhile True:\n    pass\n', { watchdogMs: 300 });
    expect(r.proc.state).toBe('crashed');
    expect(r.proc.failure).toBe('Watchdog: script ran 0.3 s of wall time without a kernel call (runaway loop?)');
    expect(r.out()).toBe('spinning\nWatchdog: script ran 0.3 s of wall time without a kernel call (runaway loop?)\n');
  });

  test('allocating past the heap raises MemoryError where the board would: catchable, and the script goes on', async () => {
    const r = await runPy(
      [
        'import gc',
        'keep = []',
        'try:',
        '    while True:',
        '        keep.append(bytearray(10000))',
        'except MemoryError as e:',
        '    n = len(keep)',
        '    keep = None',
        '    gc.collect()',
        '    print("MemoryError after", n * 10, "KB; free again:", gc.mem_free() > 100000)',
        'try:',
        '    big = bytearray(10 ** 8)',
        'except MemoryError:',
        '    print("no 100 MB either")',
        'print("still running")',
      ].join('\n'),
    );
    expect(r.proc.failure).toBeUndefined();
    const lines = r.out().trim().split('\n');
    const m = /^MemoryError after (\d+) KB; free again: True$/.exec(lines[0]);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(100); // the default ESP32 heap holds over 100 KB of data
    expect(Number(m![1])).toBeLessThan(192);
    expect(lines.slice(1)).toEqual(['no 100 MB either', 'still running']);
  });

  test('KeyboardInterrupt while blocked in input(): traceback, exit code 130, sockets closed', async () => {
    const r = startPy('import socket\ns = socket.socket()\nwhile True:\n    x = input("> ")\n    print("got", x)\n');
    r.board.stdin.push('one');
    await r.board.sim.run({ until: 1_000_000 });
    expect(r.proc.state).toBe('running');
    r.proc.interrupt();
    await r.board.sim.run({ until: 2_000_000, stopWhen: () => r.proc.state !== 'running' });
    expect(r.out()).toBe('> one\ngot one\n> Traceback (most recent call last):\n  File "main.py", line 4, in <module>\nKeyboardInterrupt: \n');
    expect(r.proc.exitCode).toBe(130);
    expect(r.proc.state).toBe('exited');
    r.proc.kill();
  });
});
