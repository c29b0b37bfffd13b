import { Simulator } from '../../sim/simulator';
import { Airspace } from '../../devices/medium/airspace';
import { Router, resolveNetwork } from '../../devices/ap/router';
import { Esp32Board } from '../../devices/esp32/board';
import { STAT_CONNECTING, STAT_GOT_IP, STAT_IDLE, STAT_NO_AP_FOUND, STAT_WRONG_PASSWORD, STAT_BEACON_TIMEOUT } from '../../devices/contracts';

function lab(seed = 1) {
  const sim = new Simulator(seed);
  const air = new Airspace();
  const router = new Router(sim, air, resolveNetwork());
  const esp = new Esp32Board({ id: 'esp32', sim, airspace: air });
  router.registerDevice('esp32', esp.staNic.mac);
  esp.powerOn();
  return { sim, air, router, esp };
}

describe('ESP32 WiFi station', () => {
  test('idle station connecting with the right password reaches STAT_GOT_IP with a DHCP address', () => {
    const { sim, esp, router } = lab();
    expect(esp.sta.status()).toBe(STAT_IDLE);
    esp.sta.active(true);
    esp.sta.connect('esp32-lab', 'micropython');
    expect(esp.sta.status()).toBe(STAT_CONNECTING);
    sim.runSync({ stopWhen: () => esp.sta.status() === STAT_GOT_IP, until: 30_000_000 });
    expect(esp.sta.status()).toBe(STAT_GOT_IP);
    expect(esp.sta.isconnected()).toBe(true);
    expect(esp.ipAddress()).toBe('192.168.1.100');
    expect(esp.sta.ifconfig()).toEqual(['192.168.1.100', '255.255.255.0', '192.168.1.1', '192.168.1.1']);
    expect(router.lookup('esp32.lan')).toBe(0xc0a80164);
    // scan + auth + assoc + handshake + DHCP: well under 5 s, more than a scan pass
    expect(sim.now).toBeGreaterThan(360_000);
    expect(sim.now).toBeLessThan(5_000_000);
  });

  test('wrong password gives STAT_WRONG_PASSWORD after the 4-way handshake times out', () => {
    const { sim, esp } = lab();
    esp.sta.active(true);
    esp.sta.connect('esp32-lab', 'not-the-password');
    sim.runSync({ stopWhen: () => esp.sta.status() !== STAT_CONNECTING, until: 30_000_000 });
    expect(esp.sta.status()).toBe(STAT_WRONG_PASSWORD);
    expect(sim.now).toBeGreaterThan(2_000_000);
    expect(sim.now).toBeLessThan(6_000_000);
    expect(esp.sta.isconnected()).toBe(false);
  });

  test('unknown SSID gives STAT_NO_AP_FOUND after the scan passes', () => {
    const { sim, esp } = lab();
    esp.sta.active(true);
    esp.sta.connect('no-such-net', 'x');
    sim.runSync({ stopWhen: () => esp.sta.status() !== STAT_CONNECTING, until: 30_000_000 });
    expect(esp.sta.status()).toBe(STAT_NO_AP_FOUND);
    expect(sim.now).toBe(3 * 360_000);
  });

  test('connected station disconnecting goes back to STAT_IDLE and loses its address', () => {
    const { sim, esp } = lab();
    esp.sta.active(true);
    esp.sta.connect('esp32-lab', 'micropython');
    sim.runSync({ stopWhen: () => esp.sta.isconnected(), until: 30_000_000 });
    esp.sta.disconnect();
    expect(esp.sta.status()).toBe(STAT_IDLE);
    expect(esp.ipAddress()).toBe('0.0.0.0');
  });

  test('station of a soft-AP that vanishes sees STAT_BEACON_TIMEOUT', () => {
    const { sim, air, esp } = lab();
    const esp2 = new Esp32Board({ id: 'esp32b', sim, airspace: air });
    esp2.powerOn();
    const ap = esp.softAp();
    ap.active(true);
    esp2.sta.active(true);
    esp2.sta.connect(ap.config('essid') as string, '');
    sim.runSync({ stopWhen: () => esp2.sta.isconnected(), until: 30_000_000 });
    expect(esp2.ipAddress()).toBe('192.168.4.2');
    ap.active(false);
    const t0 = sim.now;
    sim.runSync({ stopWhen: () => esp2.sta.status() !== STAT_GOT_IP, until: sim.now + 30_000_000 });
    expect(esp2.sta.status()).toBe(STAT_BEACON_TIMEOUT);
    expect(sim.now - t0).toBe(6_000_000);
  });
});
