import { Simulation } from '../../../../devices/simulation/simulation';
import { ended, lines, py } from '../micropython-real/helpers';

const SCRIPT = [
  'import sys, os, usys',
  'print(sys.platform)',
  'print(sys.implementation)',
  'print(sys.implementation.name, sys.implementation.version, sys.implementation._machine)',
  'print(sys.version)',
  'print(sys.version_info)',
  'print(os.uname())',
  'u = os.uname()',
  'print(u.sysname, u.nodename, u.release, u.version, u.machine)',
  'print(usys is sys, sys.implementation[0], len(os.uname()))',
];

describe('the board identity (sys, os.uname) on the real Simulation', () => {
  test('ESP32: a generic ESP32 module on MicroPython 1.27.0 (ESP32_GENERIC, 2025-12-09); PC: Linux', async () => {
    const s = new Simulation({ seed: 1 });
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', script: py(SCRIPT) });
    const pc = s.addDevice({ id: 'pc', board: 'pc', script: py(SCRIPT) });
    await s.run({ stopWhen: ended(esp, pc), forUs: 10_000_000 });
    await s.close();
    expect(lines(esp)).toEqual([
      'esp32',
      "(name='micropython', version=(1, 27, 0, ''), _machine='Generic ESP32 module with ESP32', _mpy=11014, _build='ESP32_GENERIC', _thread='GIL')",
      "micropython (1, 27, 0, '') Generic ESP32 module with ESP32",
      '3.4.0; MicroPython v1.27.0 on 2025-12-09',
      '(3, 4, 0)',
      "(sysname='esp32', nodename='esp32', release='1.27.0', version='v1.27.0 on 2025-12-09', machine='Generic ESP32 module with ESP32')",
      'esp32 esp32 1.27.0 v1.27.0 on 2025-12-09 Generic ESP32 module with ESP32',
      'True micropython 5',
    ]);
    const p = lines(pc);
    expect(p[0]).toBe('linux');
    expect(p[3]).toBe('3.4.0; MicroPython v1.27.0 on 2025-12-09');
    expect(p[5]).toMatch(/^posix\.uname_result\(sysname='Linux', nodename='pc', release='[^']+', version='[^']+', machine='x86_64'\)$/);
    expect(p[7]).toBe('True micropython 5');
  }, 30_000);
});
