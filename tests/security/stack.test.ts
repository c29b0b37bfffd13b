/**
 * Values a script hands the OS travel on into the host's network stack (DHCP, DNS, frames). None
 * may make host code throw: an exception inside the stack's state machines surfaces later as an
 * uncaught exception of the whole host process (xstate rethrows from a timer), which ends every
 * device's run. Real Simulation, real router.
 */
import { Simulation } from '../../devices/simulation/simulation';

const script = (source: string) => ({ filename: 'main.py', language: 'micropython' as const, source });

/** Lets timers run: an error the stack deferred would be thrown now, and fail the test. */
const macrotask = () => new Promise((r) => setImmediate(r));

describe("the script's values in the host's network stack", () => {
  test('a hostname of 5000 bytes: ValueError on the board (MicroPython: 32 bytes or more), EINVAL from the OS; DHCP still works', async () => {
    const lab = new Simulation({ seed: 1 });
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    const esp = lab.addDevice({
      id: 'esp32',
      board: 'esp32',
      wifi: 'none',
      script: script(
        [
          'import network, time, json, _kern',
          'w = network.WLAN(network.STA_IF)',
          'w.active(True)',
          'for h in ("x" * 5000, "y" * 32):',
          '    try:',
          '        w.config(hostname=h)',
          '        print("accepted", len(h))',
          '    except ValueError:',
          '        print("ValueError", len(h))',
          'try:',
          '    network.hostname("z" * 300)',
          'except ValueError:',
          '    print("ValueError hostname()")',
          'try:',
          '    _kern.call("wlan.setconfig", 0, json.dumps({"dhcp_hostname": "q" * 5000}))',
          'except OSError as e:',
          '    print("OS refused", e.errno)',
          'w.connect("esp32-lab", "micropython")',
          'for i in range(50):',
          '    if w.isconnected():',
          '        break',
          '    time.sleep_ms(100)',
          'print("got", w.ifconfig()[0], len(w.config("hostname")))',
          '',
        ].join('\n'),
      ),
    });
    try {
      await lab.run({ forUs: 10_000_000, stopWhen: () => esp.scriptState() === 'exited' || esp.scriptState() === 'crashed' });
      await macrotask();
      expect(esp.console.lines.map((l) => l.text)).toEqual(['ValueError 5000', 'ValueError 32', 'ValueError hostname()', 'OS refused 22', expect.stringMatching(/^got 192\.168\.\d+\.\d+ ([1-9]|[12]\d|3[01])$/)]);
      expect(esp.scriptState()).toBe('exited');
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
      await lab.close();
    }
  });
});
