/**
 * The board's flash filesystem (devices/fs, py/_flash.py) on the real Simulation with MicroPython:
 * open() in every mode, the os functions, littlefs's errno numbers, statvfs as on a generic ESP32,
 * projects (boot.py, main.py, /lib), files that outlive a reset, a PC's working directory.
 */
import { Simulation } from '../../../../devices/simulation/simulation';
import type { DeviceHandle, DeviceSpec } from '../../../../devices/simulation/api';
import { MicroPythonRuntime } from '../../../../devices/runtime/micropython/runtime';

const py = (source: string, filename = 'main.py') => ({ filename, language: 'micropython' as const, source });
const text = (d: Uint8Array | undefined) => (d === undefined ? undefined : new TextDecoder().decode(d));

describe('the flash filesystem of a board', () => {
  let s: Simulation | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function runOn(spec: Omit<DeviceSpec, 'id'> & { id?: string }, forUs = 30_000_000): Promise<DeviceHandle> {
    s = new Simulation({ seed: 1 });
    const d = s.addDevice({ id: 'esp32', wifi: 'none', ...spec } as DeviceSpec);
    await s.run({ stopWhen: () => d.scriptState() === 'exited' || d.scriptState() === 'crashed', forUs });
    return d;
  }
  const lines = (d: DeviceHandle) => d.console.lines.map((l) => l.text);

  test('a fresh ESP32: boot.py only, 508 of 512 blocks of 4096 bytes free, / as cwd, /lib on sys.path', async () => {
    const d = await runOn({
      board: 'esp32',
      script: py('import os, sys\nprint(os.listdir("/"), os.getcwd())\nprint(os.statvfs("/"))\nprint(os.stat("/"))\nprint(sys.path)\nprint(open("boot.py").readline().strip())\n'),
    });
    expect(d.failure()).toBeUndefined();
    expect(lines(d)).toEqual([
      "['boot.py'] /",
      '(4096, 4096, 512, 508, 508, 0, 0, 0, 0, 255)',
      '(16384, 0, 0, 0, 0, 0, 0, 0, 0, 0)',
      "['', '/.frozen', '.frozen', '/lib']",
      '# This file is executed on every boot (including wake-boot from deepsleep)',
    ]);
  }, 30_000);

  test('open() text and binary, write, append, with, iteration, readline, seek and tell', async () => {
    const d = await runOn({
      board: 'esp32',
      script: py(
        [
          "with open('a.txt', 'w') as f:",
          "    print(f.write('héllo\\n'), f.write('world\\n'))",
          "f = open('a.txt', 'a'); f.write('third\\n'); print(f.tell()); f.close()",
          "f = open('a.txt')",
          "print(repr(f.read(2)), repr(f.readline()), f.tell())",
          "print([l for l in f])",
          "f.seek(0); print(repr(f.read()))",
          "f.close()",
          "print(open('a.txt', 'rb').read())",
          "with open('b.bin', 'wb') as f:",
          "    f.write(bytes(range(8))); f.seek(2); f.write(b'\\xff'); print(f.tell(), f.seek(0, 2))",
          "with open('b.bin', 'r+b') as f:",
          "    f.seek(-2, 2); print(f.read(), f.read())",
          "    buf = bytearray(3); f.seek(1); print(f.readinto(buf), buf)",
          "print(open('a.txt').readlines())",
          "f = open('a.txt'); f.close(); f.close()",
          "try:",
          "    f.read()",
          "except ValueError as e:",
          "    print('closed:', e)",
          "with open('x.txt', 'x') as f: f.write('new')",
          "print(open('x.txt').read())",
        ].join('\n'),
      ),
    });
    expect(d.failure()).toBeUndefined();
    expect(lines(d)).toEqual([
      '7 6',
      '19',
      "'h\\xe9' 'llo\\n' 7",
      "['world\\n', 'third\\n']",
      "'h\\xe9llo\\nworld\\nthird\\n'",
      "b'h\\xc3\\xa9llo\\nworld\\nthird\\n'",
      '3 8',
      "b'\\x06\\x07' b''",
      "3 bytearray(b'\\x01\\xff\\x03')",
      "['h\\xe9llo\\n', 'world\\n', 'third\\n']",
      'closed: I/O operation on closed file',
      'new',
    ]);
    expect(text(d.readFile?.('/a.txt'))).toBe('héllo\nworld\nthird\n');
  }, 30_000);

  test('os on the flash: listdir, ilistdir, stat, mkdir, rename, remove, rmdir, chdir, and littlefs errno numbers', async () => {
    const d = await runOn({
      board: 'esp32',
      script: py(
        [
          'import os, errno',
          'def err(f, *a):',
          '    try:',
          '        f(*a)',
          '        return "ok"',
          '    except OSError as e:',
          '        return e.errno',
          "os.mkdir('d'); os.mkdir('/d/e')",
          "open('d/f.txt', 'w').write('12345')",
          "print(sorted(os.listdir('d')), list(os.ilistdir('/d')), os.stat('d/f.txt')[:7])",
          "os.chdir('d'); print(os.getcwd(), os.listdir()); os.chdir('e'); print(os.getcwd()); os.chdir('/'); print(os.getcwd())",
          "print('ENOENT', err(open, 'nope'), err(os.stat, 'nope'), err(os.remove, 'nope'), err(os.chdir, 'nope'), errno.ENOENT)",
          "print('EEXIST', err(os.mkdir, 'd'), err(open, 'd/f.txt', 'x'), errno.EEXIST)",
          "print('EISDIR', err(open, 'd'), errno.EISDIR)",
          "print('ENOTDIR', err(os.listdir, 'd/f.txt'), err(open, 'd/f.txt/x', 'w'))",
          "print('ENOTEMPTY', err(os.rmdir, 'd'), err(os.remove, 'd'))",
          "print('EBADF', err(open('d/f.txt').write, 'x'), err(open('d/f.txt', 'w').read))",
          "os.rename('d/f.txt', 'g.txt'); print(os.listdir(), os.listdir('d'))",
          "open('h.txt', 'w').write('h'); os.rename('h.txt', 'g.txt'); print(open('g.txt').read())",
          "os.rmdir('d/e'); os.remove('d'); os.remove('g.txt'); print(os.listdir('/'))",
          "print('EROFS', err(open, '/.frozen/x.py', 'w'), err(os.remove, '/.frozen/_boot.py'))",
        ].join('\n'),
      ),
    });
    expect(d.failure()).toBeUndefined();
    expect(lines(d)).toEqual([
      "['e', 'f.txt'] [('e', 16384, 0, 0), ('f.txt', 32768, 0, 5)] (32768, 0, 0, 0, 0, 0, 5)",
      "/d ['e', 'f.txt']",
      '/d/e',
      '/',
      'ENOENT 2 2 2 2 2',
      'EEXIST 17 17 17',
      'EISDIR 21 21',
      'ENOTDIR 20 20',
      'ENOTEMPTY 39 39',
      'EBADF 9 9',
      "['boot.py', 'd', 'g.txt'] ['e']",
      'h',
      "['boot.py']",
      'EROFS 30 30',
    ]);
  }, 30_000);

  test('the flash is the quota: writes stop with ENOSPC (28) at 2 MiB, a seek far past the end writes nothing', async () => {
    const d = await runOn({
      board: 'esp32',
      script: py(
        [
          'import os',
          "f = open('big', 'wb')",
          'try:',
          '    while True:',
          '        f.write(bytes(2048))',
          'except OSError as e:',
          "    print('full', e.errno, f.tell() // 4096, os.statvfs('/')[3])",
          'f.close()',
          "os.remove('big')",
          "f = open('sparse', 'wb'); f.seek(1 << 30)",
          'try:',
          "    f.write(b'x')",
          'except OSError as e:',
          "    print('sparse', e.errno, os.stat('sparse')[6], os.statvfs('/')[3])",
        ].join('\n'),
      ),
    });
    expect(d.failure()).toBeUndefined();
    expect(lines(d)).toEqual(['full 28 508 0', 'sparse 28 0 508']);
  }, 60_000);

  test('a project: boot.py then main.py (shared globals), /lib and the root importable, errors with their file names', async () => {
    const d = await runOn({
      board: 'esp32',
      files: {
        'boot.py': 'print("boot.py runs first")\nBOOTED = True\n',
        'main.py': 'import protocol, helper\nprint("main.py", BOOTED, protocol.parse("LED ON"), helper.twice(21))\nprotocol.fail()\n',
        'lib/protocol.py': 'def parse(s):\n    return s.split()\n\ndef fail():\n    raise ValueError("bad command")\n',
        'helper.py': 'def twice(x):\n    return 2 * x\n',
      },
    });
    expect(lines(d)).toEqual([
      'boot.py runs first',
      "main.py True ['LED', 'ON'] 42",
      'Traceback (most recent call last):',
      '  File "main.py", line 3, in <module>',
      '  File "/lib/protocol.py", line 5, in fail',
      'ValueError: bad command',
    ]);
    expect(d.exitCode()).toBe(1);
  }, 30_000);

  test('an error in boot.py is printed and main.py still runs, as on the board', async () => {
    const d = await runOn({ board: 'esp32', files: { 'boot.py': 'x = 1\n1/0\n', 'main.py': 'print("main", x)\n' } });
    expect(lines(d)).toEqual(['Traceback (most recent call last):', '  File "boot.py", line 2, in <module>', 'ZeroDivisionError: divide by zero', 'main 1']);
    expect(d.exitCode()).toBe(0);
  }, 30_000);

  test('files written by the script survive machine.reset() and a reset step; main.py is read again at each boot', async () => {
    s = new Simulation({ seed: 1 });
    const main = [
      'import machine',
      'try:',
      "    n = int(open('count').read())",
      'except OSError:',
      '    n = 0',
      "open('count', 'w').write(str(n + 1))",
      "print('boot', n + 1)",
      'if n == 0:',
      '    machine.reset()',
      'if n == 1:',
      "    open('main.py', 'w').write('print(\"the new main.py\")\\n')",
      'import time',
      'time.sleep(5)',
    ].join('\n');
    const d = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'none', files: { 'main.py': main } });
    await s.run({ stopWhen: () => d.console.lines.length >= 2, forUs: 30_000_000 });
    expect(lines(d)).toEqual(['boot 1', 'boot 2']);
    expect(text(d.readFile?.('/count'))).toBe('2');
    d.reset();
    await s.run({ stopWhen: () => d.scriptState() === 'exited', forUs: 30_000_000 });
    expect(lines(d)).toEqual(['boot 1', 'boot 2', 'the new main.py']);
    expect(d.listFiles?.()).toEqual(['/boot.py', '/count', '/main.py']); // the board came with its boot.py
  }, 60_000);

  test('a PC with project files works in /home/user; a PC without has no flash', async () => {
    s = new Simulation({ seed: 1 });
    const pc = s.addDevice({
      id: 'pc',
      board: 'pc',
      files: { 'data/in.txt': 'from the project\n' },
      script: py("import os\nprint(os.getcwd(), os.listdir(), open('data/in.txt').read().strip())\nopen('out.txt', 'w').write('written')\nprint(sorted(os.listdir('/home')), 'tmp' in os.listdir('/'))\n", 'client.py'),
    });
    const bare = s.addDevice({ id: 'pc2', board: 'pc', script: py('print("no flash")\n') });
    await s.run({ stopWhen: () => pc.scriptState() === 'exited' && bare.scriptState() === 'exited', forUs: 30_000_000 });
    expect(pc.failure()).toBeUndefined();
    expect(lines(pc)).toEqual(["/home/user ['data'] from the project", "['user', 'web_user'] True"]);
    expect(text(pc.readFile?.('/out.txt'))).toBe('written');
    expect(bare.readFile?.('/out.txt')).toBeUndefined();
    expect(bare.listFiles?.()).toEqual([]);
  }, 30_000);

  test("the VM answers stat, open and read from the flash's image as the host does, until the script changes the flash", async () => {
    // Every way a read-only look can go (a file, a directory, missing, a file on the way, '..', a line,
    // past the end, a directory opened, a name the image leaves to the host), then a write and again.
    const looks = [
      'import os',
      'def look(tag):',
      "    for p in ('data.txt', '/lib', '/lib/m.py', 'nope', 'data.txt/x', '/lib/../data.txt', '//lib/./m.py', 'h\u00e9.txt'):",
      '        try:',
      '            print(tag, p, os.stat(p))',
      '        except OSError as e:',
      '            print(tag, p, e)',
      "    with open('data.txt') as f:",
      '        print(tag, repr(f.readline()), repr(f.read(3)), repr(f.read()), repr(f.read()))',
      "    for p in ('/lib', 'nope'):",
      '        try:',
      '            open(p)',
      '        except OSError as e:',
      '            print(tag, p, e)',
      'import m',
      "print(m.X, open('/lib/m.py', 'rb').read())",
      "look('before')",
      "open('data.txt', 'a').write('more\\n')",
      "look('after')",
    ].join('\n');
    const files = { 'main.py': looks, 'data.txt': 'one\ntwo\nthree\n', 'lib/m.py': 'X = 42\n' };
    const image = jest.spyOn(MicroPythonRuntime.prototype as unknown as { flashImage(): unknown }, 'flashImage');
    const fromImage = lines(await runOn({ board: 'esp32', files }));
    expect(image).toHaveBeenCalledTimes(1); // fetched at the first look, once
    expect(image.mock.results[0].value).not.toBeNull();
    image.mockRestore();
    await s?.close();
    const host = jest.spyOn(MicroPythonRuntime.prototype as unknown as { flashImage(): unknown }, 'flashImage').mockReturnValue(null);
    try {
      const fromHost = lines(await runOn({ board: 'esp32', files }));
      expect(host).toHaveBeenCalled();
      expect(fromImage).toEqual(fromHost);
    } finally {
      host.mockRestore();
    }
    expect(fromImage.slice(0, 6)).toEqual([
      "42 b'X = 42\\n'",
      'before data.txt (32768, 0, 0, 0, 0, 0, 14, 0, 0, 0)',
      'before /lib (16384, 0, 0, 0, 0, 0, 0, 0, 0, 0)',
      'before /lib/m.py (32768, 0, 0, 0, 0, 0, 7, 0, 0, 0)',
      'before nope [Errno 2] ENOENT',
      'before data.txt/x 20',
    ]);
    expect(fromImage).toContain("after 'one\\n' 'two' '\\nthree\\nmore\\n' ''");
  }, 60_000);
});
