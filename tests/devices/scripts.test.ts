import { Simulation } from '../../devices/simulation/simulation';

const py = (source: string) => ({ filename: 'main.py', language: 'micropython' as const, source });

describe('scripts on boards of a Simulation', () => {
  let s: Simulation | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  test('ESP32 with wifi auto starts main.py only once it has its address', async () => {
    s = new Simulation({ seed: 1 });
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py('import network\nw = network.WLAN(network.STA_IF)\nprint(w.status(), w.ifconfig()[0])\nfrom machine import Pin\nPin(2, Pin.OUT).on()\n'),
    });
    await s.run({ stopWhen: () => esp.scriptState() === 'exited' || esp.scriptState() === 'crashed', forUs: 30_000_000 });
    expect(esp.failure()).toBeUndefined();
    expect(esp.console.lines.map((l) => l.text)).toEqual(['1010 192.168.1.100']);
    expect(esp.pin(2)).toBe(1);
    expect(esp.exitCode()).toBe(0);
  }, 30_000);

  test('ESP32 reset restarts the script from the top after rejoining', async () => {
    s = new Simulation({ seed: 1 });
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', script: py('import time\nprint("boot")\ntime.sleep(100)\n') });
    await s.run({ stopWhen: () => esp.console.lines.length === 1, forUs: 30_000_000 });
    esp.reset();
    await s.run({ stopWhen: () => esp.console.lines.length === 2, forUs: 30_000_000 });
    expect(esp.console.lines.map((l) => l.text)).toEqual(['boot', 'boot']);
    expect(esp.scriptState()).toBe('running');
  }, 30_000);

  test('PC script reads stdin lines and prints them', async () => {
    s = new Simulation({ seed: 1 });
    const pc = s.addDevice({ id: 'pc', board: 'pc', stdin: ['hello'], script: py('x = input()\nprint("got", x)\n') });
    await s.run({ stopWhen: () => pc.scriptState() === 'exited' || pc.scriptState() === 'crashed', forUs: 30_000_000 });
    expect(pc.failure()).toBeUndefined();
    expect(pc.console.text()).toContain('got hello');
  }, 30_000);
});
