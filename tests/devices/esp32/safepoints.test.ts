/**
 * Callbacks at safe points while the script blocks: a timer firing during a socket wait, an
 * asyncio loop woken by a ThreadSafeFlag set in a Pin.irq handler, a callback that itself
 * sleeps (callbacks do not nest, the queue holds 8), light sleep dropping and rejoining WiFi,
 * ext0 wake-up from deep sleep by a button (Pin.irq(wake=) and esp32.wake_on_ext0), and
 * ESP-NOW under select.poll.
 */
import { Simulation } from '../../../devices/simulation/simulation';
import type { DeviceSpec } from '../../../devices/simulation/api';
import { ended, lines, py, runEsp32 } from '../runtime/micropython-real/helpers';

async function withButton(src: string[], drive: (s: Simulation, esp: ReturnType<Simulation['addDevice']>) => void, spec: Partial<DeviceSpec> = {}) {
  const s = new Simulation({ seed: 2 });
  const esp = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'none', parts: [{ id: 'b', type: 'button', pin: 14 }], script: py(src), ...spec });
  drive(s, esp);
  try {
    await s.run({ forUs: 20_000_000, stopWhen: ended(esp) });
  } finally {
    await s.close();
  }
  return { out: lines(esp), trace: s.sim.trace.text() };
}

test('a timer fires while the script waits in socket.recv (on time); the wait still ends with ETIMEDOUT as without it', async () => {
  const { esp } = await runEsp32([
    'import socket, time',
    'from machine import Timer',
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    's.bind(("0.0.0.0", 7000))',
    's.settimeout(1)',
    'seen = []',
    't0 = time.ticks_ms()',
    'Timer(0).init(period=150, callback=lambda t: seen.append(time.ticks_diff(time.ticks_ms(), t0)))',
    'try:',
    '    s.recv(10)',
    'except OSError as e:',
    '    print(e, time.ticks_diff(time.ticks_ms(), t0))',
    'print(seen)',
  ]);
  const out = lines(esp);
  expect(out[0]).toBe('[Errno 116] ETIMEDOUT 1100'); // the board's 100 ms wait slices, as without the timer
  expect(out[1]).toBe('[150, 300, 450, 600, 750, 900, 1050]');
});

test('asyncio: a ThreadSafeFlag set in a Pin.irq handler wakes the idle loop at once', async () => {
  const r = await withButton(
    [
      'import asyncio, time',
      'from machine import Pin',
      'flag = asyncio.ThreadSafeFlag()',
      'Pin(14, Pin.IN, Pin.PULL_UP).irq(lambda p: flag.set(), Pin.IRQ_FALLING)',
      'async def main():',
      '    for i in range(2):',
      '        await flag.wait()',
      '        print("woken at", time.ticks_ms())',
      'asyncio.run(main())',
    ],
    (s, esp) => {
      for (const t of [300_000, 700_000]) {
        s.sim.at(t, () => esp.press('b'));
        s.sim.at(t + 50_000, () => esp.release('b'));
      }
    },
  );
  expect(r.out).toEqual(['woken at 300', 'woken at 700']);
});

test('callbacks do not nest: one that sleeps holds the others back; the queue holds 8, the rest are dropped; then the script goes on', async () => {
  const { esp, s } = await runEsp32([
    'from machine import Timer',
    'import time',
    'busy = [False]',
    'log = []',
    'def slow(t):',
    '    if busy[0]:',
    '        log.append("NESTED")',
    '    busy[0] = True',
    '    time.sleep_ms(5)',
    '    log.append(time.ticks_ms())',
    '    if len(log) == 6:',
    '        t.deinit()',
    '    busy[0] = False',
    // Every 1 ms, 5 ms each: the queue stays full (as on the board, the script starves until the timer stops).
    'Timer(0).init(period=1, callback=slow)',
    'time.sleep_ms(10)',
    'print("NESTED" in log, 6 <= len(log) <= 14, all(b - a >= 5 for a, b in zip(log, log[1:])))',
  ]);
  expect(lines(esp)).toEqual(['False True True']);
  expect(s.sim.trace.text()).toMatch(/irq-dropped/);
});

test('light sleep: callbacks wait, WiFi drops and rejoins after wake-up', async () => {
  const { esp, s } = await runEsp32(
    [
      'import machine, network, time',
      'from machine import Timer',
      'sta = network.WLAN(network.STA_IF)',
      'fired = []',
      'Timer(0).init(period=100, callback=lambda t: fired.append(time.ticks_ms()))',
      'print("before", sta.isconnected())',
      't = time.ticks_ms()',
      'machine.lightsleep(1000)',
      'print("slept", time.ticks_diff(time.ticks_ms(), t), sta.isconnected())',
      'n = len(fired)',
      'while not sta.isconnected():',
      '    time.sleep_ms(50)',
      'print("rejoined", sta.ifconfig()[0])',
    ],
    { esp: { wifi: 'auto' } },
  );
  const out = lines(esp);
  expect(out[0]).toBe('before True');
  expect(out[1]).toBe('slept 1000 False');
  expect(out[2]).toMatch(/^rejoined 192\.168\.\d+\.\d+$/);
  expect(s.sim.trace.text()).toMatch(/radio-off/);
});

test('deep sleep woken by a button on an RTC pin (ext0): wake_reason EXT0_WAKE, RTC memory kept; esp32.wake_on_ext0 the same', async () => {
  const boot = [
    'import machine, esp32',
    'from machine import Pin',
    'rtc = machine.RTC()',
    'n = rtc.memory()[0] if machine.reset_cause() == machine.DEEPSLEEP_RESET else 0',
    'print("boot", n, machine.reset_cause(), machine.wake_reason() == machine.EXT0_WAKE)',
    'rtc.memory(bytes([n + 1]))',
    'p = Pin(14, Pin.IN, Pin.PULL_UP)',
    'if n == 0:',
    '    p.irq(trigger=Pin.WAKE_LOW, wake=machine.DEEPSLEEP)',
    '    machine.deepsleep()',
    'elif n == 1:',
    '    esp32.wake_on_ext0(p, esp32.WAKEUP_ALL_LOW)',
    '    machine.deepsleep(60000)',
    'try:',
    '    Pin(5).irq(trigger=Pin.WAKE_LOW, wake=machine.DEEPSLEEP)',
    'except ValueError as e:',
    '    print(e)',
    'try:',
    '    esp32.NVS("x")',
    'except NotImplementedError as e:',
    '    print(e)',
  ];
  const r = await withButton(boot, (s, esp) => {
    for (const t of [2_000_000, 5_000_000]) {
      s.sim.at(t, () => esp.press('b'));
      s.sim.at(t + 100_000, () => esp.release('b'));
    }
  });
  expect(r.out).toEqual([
    'boot 0 1 False',
    'boot 1 4 True',
    'boot 2 4 True',
    'invalid pin for wake',
    'esp32.NVS is not simulated by esp32sim (see the README: peripherals)',
  ]);
});

test('ESP-NOW under select.poll: readable when a message is queued, and the poll wakes when one arrives', async () => {
  const s = new Simulation({ seed: 1 });
  const rx = s.addDevice({
    id: 'rx',
    board: 'esp32',
    wifi: 'none',
    script: py([
      'import network, espnow, select, time',
      'network.WLAN(network.STA_IF).active(True)',
      'e = espnow.ESPNow()',
      'e.active(True)',
      'p = select.poll()',
      'p.register(e, select.POLLIN)',
      'print("idle", p.poll(100))',
      't = time.ticks_ms()',
      'r = p.poll(5000)',
      'print("woke", len(r), r[0][0] is e, time.ticks_diff(time.ticks_ms(), t) < 1000, e.any())',
      'print(e.recv(0)[1])',
    ]),
  });
  const tx = s.addDevice({
    id: 'tx',
    board: 'esp32',
    wifi: 'none',
    script: py(['import network, espnow, time', 'network.WLAN(network.STA_IF).active(True)', 'e = espnow.ESPNow()', 'e.active(True)', 'e.add_peer(b"\\xff" * 6)', 'time.sleep_ms(500)', 'e.send(b"\\xff" * 6, b"hi")']),
  });
  try {
    await s.run({ forUs: 10_000_000, stopWhen: ended(rx, tx) });
  } finally {
    await s.close();
  }
  expect(lines(rx)).toEqual(['idle []', 'woke 1 True True True', "b'hi'"]);
});
