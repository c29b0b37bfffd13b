/**
 * Parts on an ESP32's pins with the firmware's drivers, on the real Simulation: a DHT22 and
 * a DHT11 (timing, too-fast reads), a NeoPixel strip, DS18B20s on one 1-Wire bus (scan,
 * convert, 85 °C before the first conversion), buttons (Pin.irq, bounce), and the library API
 * that drives them.
 */
import { Simulation } from '../../../devices/simulation/simulation';
import { ended, lines, py } from '../runtime/micropython-real/helpers';

async function runWith(source: string[], parts: NonNullable<Parameters<Simulation['addDevice']>[0]['parts']>, drive?: (s: Simulation, esp: ReturnType<Simulation['addDevice']>) => void) {
  const s = new Simulation({ seed: 1 });
  const esp = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'none', parts, script: py(source) });
  drive?.(s, esp);
  try {
    await s.run({ forUs: 30_000_000, stopWhen: ended(esp) });
  } finally {
    await s.close();
  }
  return { s, esp, out: lines(esp) };
}

test('dht: DHT22 and DHT11 readings in their resolution, ~270 ms per measure(), ETIMEDOUT when read too soon; set-sensor changes them', async () => {
  const { out } = await runWith(
    [
      'import dht, time',
      'from machine import Pin',
      'd = dht.DHT22(Pin(15))',
      'e = dht.DHT11(Pin(16))',
      'def m(s):',
      '    t = time.ticks_ms()',
      '    try:',
      '        s.measure()',
      '        return "%s %s %d ms" % (s.temperature(), s.humidity(), time.ticks_diff(time.ticks_ms(), t))',
      '    except OSError as x:',
      '        return "OSError %s after %d ms" % (x, time.ticks_diff(time.ticks_ms(), t))',
      'print("power-up", m(d))',
      'time.sleep(1)',
      'print("22", m(d))',
      'print("again", m(d))',
      'print("11", m(e))',
      'time.sleep(2)',
      'print("22 later", m(d))',
      'time.sleep(2)',
      'print("22 minus", m(d))',
    ],
    [
      { id: 'dht', type: 'dht22', pin: 15, temperature: 21.55, humidity: 40.04 },
      { id: 'dht11', type: 'dht11', pin: 16, temperature: [[0, 20], [10_000_000, 30]], humidity: 55.6 },
    ],
    (s, esp) => {
      s.sim.at(4_000_000, () => esp.setSensor('dht', { temperature: 24.2 }));
      s.sim.at(6_200_000, () => esp.setSensor('dht', { temperature: -3.5, humidity: 99 }));
    },
  );
  expect(out).toEqual([
    'power-up OSError [Errno 116] ETIMEDOUT after 268 ms',
    '22 21.6 40.0 272 ms',
    'again OSError [Errno 116] ETIMEDOUT after 268 ms',
    '11 22 56 272 ms', // whole degrees of a temperature ramping from 20 to 30 °C over 10 s
    '22 later 24.2 40.0 272 ms',
    '22 minus -3.5 99.0 272 ms',
  ]);
});

test('neopixel: indexing, fill, write; the strip shows what was written last (GRB on the wire), only once written', async () => {
  let before: number[][] = [];
  const { esp, out } = await runWith(
    [
      'import neopixel, time',
      'from machine import Pin',
      'np = neopixel.NeoPixel(Pin(13), 4)',
      'np.fill((0, 0, 16))',
      'np[1] = (255, 128, 1)',
      'print(len(np), np[1], np.buf[3:6])',
      'time.sleep_ms(10)',
      't = time.ticks_us()',
      'np.write()',
      'print("write took", time.ticks_diff(time.ticks_us(), t))',
      'np[0] = (9, 9, 9)',
      'time.sleep_ms(10)',
    ],
    [{ id: 'strip', type: 'neopixel', pin: 13, count: 5 }],
    (s, e) => s.sim.at(5_000, () => void (before = e.neopixel("strip"))),
  );
  expect(out).toEqual(["4 (255, 128, 1) bytearray(b'\\x80\\xff\\x01')", 'write took 180']); // 96 bits at 1.25 µs, and two kernel calls
  expect(before).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  expect(esp.neopixel('strip')).toEqual([[0, 0, 16], [255, 128, 1], [0, 0, 16], [0, 0, 16], [0, 0, 0]]);
});

test('ds18x20: two sensors on one bus, scan(), 85 °C before the first conversion, convert_temp() then read_temp() after 750 ms', async () => {
  const { out } = await runWith(
    [
      'import onewire, ds18x20, time',
      'from machine import Pin',
      'ow = onewire.OneWire(Pin(4))',
      'ds = ds18x20.DS18X20(ow)',
      'roms = ds.scan()',
      'print(len(roms), [ow.crc8(r) for r in roms], [hex(r[0]) for r in roms])',
      'print("before", [ds.read_temp(r) for r in roms])',
      'ds.convert_temp()',
      'time.sleep_ms(750)',
      'print("after", [ds.read_temp(r) for r in roms])',
      'print("nobody", onewire.OneWire(Pin(5)).reset())',
      'try:',
      '    ds18x20.DS18X20(onewire.OneWire(Pin(5))).convert_temp()',
      'except onewire.OneWireError:',
      '    print("OneWireError")',
    ],
    [
      { id: 'inside', type: 'ds18b20', pin: 4, temperature: 21.3 },
      { id: 'outside', type: 'ds18b20', pin: 4, temperature: -4.07 },
    ],
  );
  expect(out).toEqual(['2 [0, 0] [\'0x28\', \'0x28\']', 'before [85.0, 85.0]', 'after [21.3125, -4.0625]', 'nobody False', 'OneWireError']);
});

test('a button part: press and release from the API raise Pin.irq edges; with bounce, one press gives several edges', async () => {
  const { out } = await runWith(
    [
      'from machine import Pin',
      'import time',
      'n = {"clean": 0, "bouncy": 0}',
      'def count(name):',
      '    def cb(p):',
      '        n[name] += 1',
      '    return cb',
      'Pin(4, Pin.IN, Pin.PULL_UP).irq(count("clean"), Pin.IRQ_FALLING)',
      'Pin(5, Pin.IN, Pin.PULL_UP).irq(count("bouncy"), Pin.IRQ_FALLING)',
      'time.sleep(1)',
      'print(n, Pin(4).value(), Pin(0).value())',
    ],
    [
      { id: 'clean', type: 'button', pin: 4 },
      { id: 'bouncy', type: 'button', pin: 5, bounceUs: 5000 },
    ],
    (s, e) => {
      s.sim.at(200_000, () => (e.press('clean'), e.press('bouncy'), e.press('boot')));
      s.sim.at(400_000, () => (e.release('clean'), e.release('bouncy')));
      s.sim.at(600_000, () => e.press('clean'));
    },
  );
  expect(out).toHaveLength(1);
  const m = /^\{(.*)\} 0 0$/.exec(out[0]);
  expect(m).not.toBeNull();
  expect(out[0]).toContain("'clean': 2");
  const bouncy = Number(/'bouncy': (\d+)/.exec(out[0])![1]);
  expect(bouncy).toBeGreaterThan(2);
});
