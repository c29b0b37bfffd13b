/**
 * errno speaks the board's numbers everywhere: the VM's own errno tables are
 * rewritten at boot, so the main script, code compiled with exec/eval/compile,
 * and OSError's own printing agree (ESP32: newlib numbers, e.g. ETIMEDOUT 116;
 * PC: Linux numbers, ETIMEDOUT 110). The user's source is never rewritten.
 */
import { runPy } from './helpers';

describe('errno numbers', () => {
  test('ESP32: the same numbers in the script, in exec/eval/compile, in errorcode and in OSError texts', async () => {
    const r = await runPy(
      [
        'import errno, sys, io',
        'print(errno.ETIMEDOUT, eval("errno.ETIMEDOUT"), errno.EADDRINUSE, errno.ECONNABORTED, errno.EHOSTUNREACH)',
        'exec("import errno\\nprint(\'exec\', errno.ENOTCONN, errno.EINPROGRESS, errno.EALREADY)")',
        'code = compile("x = errno.ECONNRESET", "m.py", "exec")',
        'g = {"errno": errno}',
        'exec(code, g)',
        'print("compiled", g["x"])',
        'print(errno.errorcode[116], errno.errorcode[128], 110 in errno.errorcode)',
        's = "errno.ETIMEDOUT stays text"',
        'print(s)',
        'e = OSError(errno.ETIMEDOUT)',
        'print(e, e.errno, repr(e))',
        'buf = io.StringIO()',
        'sys.print_exception(OSError(errno.ECONNRESET), buf)',
        'print(buf.getvalue().strip().split("\\n")[-1])',
        'import uerrno',
        'print(uerrno is errno)',
      ].join('\n'),
    );
    expect(r.out()).toBe(
      [
        '116 116 112 113 118',
        'exec 128 119 120',
        'compiled 104',
        'ETIMEDOUT ENOTCONN False',
        'errno.ETIMEDOUT stays text',
        '[Errno 116] ETIMEDOUT 116 OSError(116,)',
        'OSError: [Errno 104] ECONNRESET',
        'True',
        '',
      ].join('\n'),
    );
  });

  test('PC: Linux numbers', async () => {
    const r = await runPy('import errno\nprint(errno.ETIMEDOUT, eval("errno.ETIMEDOUT"), errno.ECONNREFUSED)\n', { kind: 'pc' });
    expect(r.out()).toBe('110 110 111\n');
  });
});
