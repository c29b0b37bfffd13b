import { Simulation } from '../../devices/simulation/simulation';
import type { Esp32Board } from '../../devices/esp32/board';
import type { PcBoard } from '../../devices/pc/board';
import { STAT_GOT_IP, STAT_IDLE } from '../../devices/contracts';
import type { PingStats } from '../../stack/icmp/icmp';

async function joined(seed = 1) {
  const s = new Simulation({ seed });
  const esp = s.addDevice({ id: 'esp32', board: 'esp32', ip: '192.168.2.231' });
  const pc = s.addDevice({ id: 'pc', board: 'pc', startUs: 500_000 });
  await s.run({ stopWhen: () => esp.ip() !== '0.0.0.0' && pc.ip() !== '0.0.0.0', forUs: 20_000_000 });
  return { s, esp, pc, E: esp.board as Esp32Board, P: pc.board as PcBoard };
}

function ping(s: Simulation, P: PcBoard, dst: number, count: number): Promise<PingStats> {
  return new Promise((resolve) => {
    let stats: PingStats | undefined;
    P.net.icmp.ping(dst, { count, intervalUs: 200_000, size: 32, timeoutUs: 500_000 }, (st) => (stats = st));
    void s.run({ stopWhen: () => stats !== undefined, forUs: 30_000_000 }).then(() => resolve(stats!));
  });
}

describe('Simulation library API', () => {
  test('ESP32 reserved at the tutorial address joins by DHCP and a DHCP PC on the LAN reaches it', async () => {
    const { s, esp, pc, E, P } = await joined();
    expect(esp.ip()).toBe('192.168.2.231');
    expect(pc.ip()).toBe('192.168.1.100');
    expect(E.sta.status()).toBe(STAT_GOT_IP);
    const st = await ping(s, P, E.net.ip.address(), 3);
    expect(st.received).toBe(3);
    await s.close();
  });

  test('link down while running loses pings, link up restores them', async () => {
    const { s, esp, E, P } = await joined();
    esp.setLink({ down: true });
    expect((await ping(s, P, E.net.ip.address(), 3)).received).toBe(0);
    esp.setLink({ down: false });
    expect((await ping(s, P, E.net.ip.address(), 3)).received).toBe(3);
    await s.close();
  });

  test('ESP32 reset goes back through WiFi join and gets its address again', async () => {
    const { s, esp, E } = await joined();
    esp.reset();
    expect(E.sta.status()).not.toBe(STAT_GOT_IP);
    expect(esp.ip()).toBe('0.0.0.0');
    await s.run({ stopWhen: () => esp.ip() !== '0.0.0.0', forUs: 20_000_000 });
    expect(esp.ip()).toBe('192.168.2.231');
    await s.close();
  });

  test('ESP32 with wifi none stays idle at boot', async () => {
    const s = new Simulation();
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'none' });
    await s.run({ forUs: 5_000_000 });
    expect((esp.board as Esp32Board).sta.status()).toBe(STAT_IDLE);
    expect(esp.scriptState()).toBe('none');
    await s.close();
  });

  test('static PC and DNS names: device ids and <id>.lan resolve through the router', async () => {
    const s = new Simulation({ network: { subnet: '10.0.0.0/24' } });
    const esp = s.addDevice({ id: 'esp32', board: 'esp32' });
    const pc = s.addDevice({ id: 'pc', board: 'pc', ip: '10.0.0.50', static: true });
    await s.run({ stopWhen: () => esp.ip() !== '0.0.0.0', forUs: 20_000_000 });
    expect(pc.ip()).toBe('10.0.0.50');
    const answers: Record<string, string | undefined> = {};
    (pc.board as PcBoard).resolve('esp32.lan', (ip) => (answers.esp = ip));
    (esp.board as Esp32Board).resolve('pc', (ip) => (answers.pc = ip));
    (pc.board as PcBoard).resolve('nothing.here', (ip) => (answers.none = ip ?? 'NX'));
    await s.run({ stopWhen: () => Object.keys(answers).length === 3, forUs: 20_000_000 });
    expect(answers).toEqual({ esp: esp.ip(), pc: '10.0.0.50', none: 'NX' });
    await s.close();
  });

  test('device handles: duplicate ids are refused, unknown ids named', () => {
    const s = new Simulation();
    s.addDevice({ id: 'pc', board: 'pc' });
    expect(() => s.addDevice({ id: 'pc', board: 'pc' })).toThrow(/already exists/);
    expect(() => s.device('nope')).toThrow(/no device "nope"/);
    expect(s.devices().map((d) => d.id)).toEqual(['pc']);
  });
});

describe('GPIO', () => {
  test('LED writes and PWM are kept as a timestamped history; BOOT button reads 1 until pressed', async () => {
    const s = new Simulation();
    const h = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'none' });
    const g = (h.board as Esp32Board).gpio;
    await s.run({ forUs: 1000 });
    expect(h.pin(0)).toBe(1);
    g.mode(2, 'out');
    s.sim.schedule(1000, () => g.write(2, 1));
    s.sim.schedule(3000, () => g.write(2, 0));
    s.sim.schedule(5000, () => g.pwm(2, 1000, 256));
    const t0 = s.sim.now;
    await s.run({ forUs: 10_000 });
    expect(h.pinHistory(2)).toEqual([
      [t0, 0],
      [t0 + 1000, 1],
      [t0 + 3000, 0],
      [t0 + 5000, 256 / 1023],
    ]);
    h.setPin(0, 0);
    expect(h.pin(0)).toBe(0);
    expect(g.read(0)).toBe(0);
    await s.close();
  });
});
