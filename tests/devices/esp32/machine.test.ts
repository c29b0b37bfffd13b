/**
 * machine on the ESP32 in virtual time, on the real Simulation with MicroPython: Timer, Pin.irq
 * and micropython.schedule callbacks at safe points (order, tracebacks, blocked calls), ADC,
 * WDT, deep and light sleep, reset causes, RTC memory, freq / ticks_cpu, classes not simulated.
 */
import { Simulation } from '../../../devices/simulation/simulation';
import { ended, lines, py, runEsp32 } from '../runtime/micropython-real/helpers';

const NOWIFI = { esp: { wifi: 'none' as const } };

describe('machine.Timer and callbacks at safe points', () => {
  test('a periodic timer fires at exact multiples of its period, also while the script sleeps; one that raises prints its traceback and the script goes on', async () => {
    const { esp } = await runEsp32(
      [
        'from machine import Timer',
        'import time',
        'ticks = []',
        't = Timer(0)',
        't.init(period=100, mode=Timer.PERIODIC, callback=lambda t: ticks.append(time.ticks_ms()))',
        'print(t)',
        'time.sleep(0.55)',
        't.deinit()',
        'print("ticks", ticks)',
        'def bad(t):',
        '    1 / 0',
        'Timer(1).init(period=10, mode=Timer.ONE_SHOT, callback=bad)',
        'time.sleep_ms(50)',
        'print("still running")',
        'try:',
        '    Timer(4)',
        'except ValueError as e:',
        '    print("ValueError:", e)',
      ],
      NOWIFI,
    );
    expect(lines(esp)).toEqual([
      'Timer(0, mode=PERIODIC, period=100)',
      'ticks [100, 200, 300, 400, 500]',
      'Traceback (most recent call last):',
      '  File "main.py", line 11, in bad',
      'ZeroDivisionError: divide by zero',
      'still running',
      'ValueError: invalid Timer number',
    ]);
  });
});

/** Two boards with timers, pin IRQs and schedule(); pins driven from outside at fixed times. */
async function irqRun(): Promise<{ a: string[]; b: string[]; trace: string }> {
  const s = new Simulation({ seed: 7 });
  const src = (name: string, period: number) =>
    py([
      'from machine import Pin, Timer',
      'import micropython, time',
      't0 = time.ticks_ms()',
      'def at():',
      '    return time.ticks_diff(time.ticks_ms(), t0)',
      'def edge(p):',
      `    print("${name} pin", p, p.value(), "at", at())`,
      'def tick(t):',
      `    print("${name} timer at", at())`,
      '    micropython.schedule(lambda x: print("' + name + ' scheduled", x), at())',
      'btn = Pin(4, Pin.IN, Pin.PULL_UP)',
      'irq = btn.irq(edge, Pin.IRQ_FALLING | Pin.IRQ_RISING)',
      `Timer(0).init(period=${period}, callback=tick)`,
      'time.sleep_ms(350)',
      'Timer(0).deinit()',
      `print("${name} trigger", irq.trigger())`,
    ]);
  const a = s.addDevice({ id: 'a', board: 'esp32', wifi: 'none', script: src('a', 100) });
  const b = s.addDevice({ id: 'b', board: 'esp32', wifi: 'none', script: src('b', 150) });
  // Edges while the scripts sleep: a press and a release on a, a press on b.
  s.sim.at(120_000, () => a.setPin(4, 0));
  s.sim.at(220_000, () => a.setPin(4, 1));
  s.sim.at(160_000, () => b.setPin(4, 0));
  try {
    await s.run({ forUs: 2_000_000, stopWhen: ended(a, b) });
  } finally {
    await s.close();
  }
  return { a: lines(a), b: lines(b), trace: s.sim.trace.text() };
}

test('Pin.irq edges, timers and schedule() on two boards run in virtual-time order, the same twice', async () => {
  const first = await irqRun();
  expect(first.a).toEqual([
    'a timer at 100',
    'a scheduled 100',
    'a pin Pin(4) 0 at 120',
    'a timer at 200',
    'a scheduled 200',
    'a pin Pin(4) 1 at 220',
    'a timer at 300',
    'a scheduled 300',
    'a trigger 3',
  ]);
  expect(first.b).toEqual(['b timer at 150', 'b scheduled 150', 'b pin Pin(4) 0 at 160', 'b timer at 300', 'b scheduled 300', 'b trigger 3']);
  const second = await irqRun();
  expect(second.trace).toBe(first.trace);
});

describe('ADC, watchdog, sleep, reset causes', () => {
  test('ADC reads the part on its pin: attenuation ranges, widths, read_u16, read_uv; ADC2 fails while WiFi is on', async () => {
    const { esp } = await runEsp32(
      [
        'from machine import ADC, Pin',
        'import network',
        'pot = ADC(Pin(34), atten=ADC.ATTN_11DB)',
        'print(pot, pot.read(), pot.read_u16(), pot.read_uv())',
        'pot.atten(ADC.ATTN_0DB)',
        'print("0dB", pot.read(), pot.read_uv())',
        'pot.atten(ADC.ATTN_11DB)',
        'pot.width(ADC.WIDTH_10BIT)',
        'print("10 bits", pot.read(), pot.read_u16())',
        'print("ground", ADC(Pin(35), atten=ADC.ATTN_11DB).read(), ADC(Pin(35), atten=ADC.ATTN_11DB).read_uv())',
        'a2 = ADC(Pin(25))',
        'print("adc2", a2.read())',
        'network.WLAN(network.STA_IF).active(True)',
        'try:',
        '    a2.read()',
        'except OSError as e:',
        '    print("adc2 with wifi:", e)',
        'for bad in (Pin(5), 5):',
        '    try:',
        '        ADC(bad)',
        '    except ValueError as e:',
        '        print("ValueError:", e)',
      ],
      { esp: { wifi: 'none', parts: [{ id: 'pot', type: 'potentiometer', pin: 34, position: 0.5 }, { id: 'v', type: 'analog', pin: 25, volts: 0.5 }] } },
    );
    expect(lines(esp)).toEqual([
      'ADC(Pin(34), atten=3) 2082 33320 1650000',
      '0dB 4095 1000000',
      '10 bits 520 33312',
      'ground 0 150000',
      'adc2 1820',
      "adc2 with wifi: [Errno 116] ETIMEDOUT: ESP_ERR_TIMEOUT",
      'ValueError: invalid pin',
      'ValueError: invalid pin',
    ]);
  });

  test('a starved WDT resets the board (WDT_RESET); deepsleep reboots it with DEEPSLEEP_RESET, TIMER_WAKE and RTC memory kept; lightsleep pauses', async () => {
    const { esp } = await runEsp32(
      [
        'import machine, time',
        'rtc = machine.RTC()',
        'cause = machine.reset_cause()',
        'print("boot", cause, machine.wake_reason(), rtc.memory(), time.ticks_ms())',
        'if cause == machine.PWRON_RESET:',
        '    rtc.memory(b"wdt next")',
        '    wdt = machine.WDT(timeout=2000)',
        '    wdt.feed()',
        '    time.sleep(1.5)',
        '    wdt.feed()',
        '    print("fed")',
        '    time.sleep(5)',
        '    print("never printed")',
        'elif cause == machine.WDT_RESET:',
        '    rtc.memory(b"slept")',
        '    t = time.ticks_ms()',
        '    machine.lightsleep(300)',
        '    print("light", time.ticks_diff(time.ticks_ms(), t), machine.wake_reason())',
        '    machine.deepsleep(1000)',
        'else:',
        '    print("woke", machine.reset_cause() == machine.DEEPSLEEP_RESET, machine.wake_reason() == machine.TIMER_WAKE)',
      ],
      { ...NOWIFI, forUs: 10_000_000 },
    );
    const out = lines(esp);
    expect(out[0]).toBe("boot 1 0 b'' 0");
    expect(out[1]).toBe('fed');
    expect(out[2]).toMatch(/^E \(3500\) task_wdt: Task watchdog got triggered/);
    expect(out.slice(6)).toEqual(["boot 3 0 b'wdt next' 0", 'light 300 4', "boot 4 4 b'slept' 0", 'woke True True']);
    expect(out).not.toContain('never printed');
  });

  test('freq() and ticks_cpu() follow virtual time; machine classes not simulated say so', async () => {
    const { esp } = await runEsp32(
      [
        'import machine, time',
        'print(machine.freq())',
        'c = time.ticks_cpu()',
        'time.sleep_us(1000)',
        'print(time.ticks_diff(time.ticks_cpu(), c) // 1000)',
        'machine.freq(240000000)',
        'c = time.ticks_cpu()',
        'time.sleep_us(1000)',
        'print(machine.freq(), time.ticks_diff(time.ticks_cpu(), c) // 1000)',
        'try:',
        '    machine.freq(100000000)',
        'except ValueError as e:',
        '    print(e)',
        'for cls in (machine.I2C, machine.UART, machine.SPI):',
        '    try:',
        '        cls(0)',
        '    except NotImplementedError as e:',
        '        print(e)',
      ],
      NOWIFI,
    );
    expect(lines(esp)).toEqual([
      '160000000',
      // 1 ms of sleep plus two kernel calls (30 µs each at 160 MHz, 20 µs at 240 MHz, one more before ticks_cpu in the print)
      '169',
      '240000000 254',
      'frequency must be 20MHz, 40MHz, 80Mhz, 160MHz or 240MHz',
      'machine.I2C is not simulated by esp32sim (see the README: peripherals)',
      'machine.UART is not simulated by esp32sim (see the README: peripherals)',
      'machine.SPI is not simulated by esp32sim (see the README: peripherals)',
    ]);
  });
});
