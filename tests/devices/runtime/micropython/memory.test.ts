/**
 * Long runs in bounded memory: garbage is collected while a script runs, so a
 * loop that allocates (formatting, lists, pin toggles, socket calls) keeps its
 * heap use flat for hours of virtual time; gc.collect() frees; gc.mem_free() and
 * mem_alloc() describe the board-sized heap; the VM's wasm memory never grows.
 */
import { Simulation } from '../../../../devices/simulation/simulation';

const py = (source: string) => ({ filename: 'main.py', language: 'micropython' as const, source });

describe('MicroPython memory over long runs', () => {
  let s: Simulation | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  test('a blinking, formatting, socket-calling loop runs 2 h of virtual time with flat heap use and a constant VM size', async () => {
    s = new Simulation({ seed: 1 });
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py(
        [
          'import gc, time, socket',
          'from machine import Pin',
          'led = Pin(2, Pin.OUT)',
          'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
          'n = 0',
          'while True:',
          '    led.value(n & 1)',
          '    msg = "reading %d: %s" % (n, [n * 1.5, str(n)] * 3)',
          '    u.sendto(msg.encode(), ("192.168.1.1", 9999))',
          '    if n % 1800 == 0:',
          '        gc.collect()',
          '        print(n // 1800, gc.mem_alloc())',
          '    n += 1',
          '    time.sleep(1)',
        ].join('\n'),
      ),
    });
    const sizes: number[] = [];
    for (let half = 1; half <= 4; half++) {
      await s.run({ untilUs: half * 1800_000_000 + 20_000_000 });
      sizes.push(esp.counters()['script.memory']);
    }
    expect(esp.failure()).toBeUndefined();
    // Every half hour, after a collection, the live data is what it was: garbage never accumulates.
    const lines = esp.console.lines.map((l) => l.text.split(' ').map(Number));
    expect(lines.map((l) => l[0])).toEqual([0, 1, 2, 3, 4]);
    const alloc = lines.slice(1).map((l) => l[1]);
    expect(Math.max(...alloc) - Math.min(...alloc)).toBeLessThan(512);
    // The VM's memory is what it was after an hour: nothing grows (the 192 KiB heap is fixed, under a 3 MiB cap).
    expect(new Set(sizes).size).toBe(1);
    expect(sizes[0]).toBeLessThan(3 * 1024 * 1024);
  }, 120_000);

  test('gc.collect() frees garbage (mem_free rises), and mem_free + mem_alloc is the board-sized heap', async () => {
    s = new Simulation({ seed: 1 });
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      wifi: 'none',
      script: py(
        [
          'import gc',
          'gc.collect()',
          'base = gc.mem_free()',
          'print("heap", gc.mem_free() + gc.mem_alloc())',
          'junk = [str(i) * 10 for i in range(800)]',
          'junk = None',
          'before = gc.mem_free()',
          'gc.collect()',
          'after = gc.mem_free()',
          'print("freed", after > before + 20000, "back", after >= base - 2000)',
        ].join('\n'),
      ),
    });
    await s.run({ stopWhen: () => esp.scriptState() === 'exited' || esp.scriptState() === 'crashed', forUs: 10_000_000 });
    expect(esp.failure()).toBeUndefined();
    const [heap, freed] = esp.console.lines.map((l) => l.text);
    expect(Number(heap.split(' ')[1])).toBeGreaterThan(180_000);
    expect(Number(heap.split(' ')[1])).toBeLessThanOrEqual(192 * 1024);
    expect(freed).toBe('freed True back True');
  }, 30_000);

  test('heap: in the scenario sets a board\'s heap', async () => {
    s = new Simulation({ seed: 1 });
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'none', heapBytes: 64 * 1024, script: py('import gc\nprint(gc.mem_free() + gc.mem_alloc())\n') });
    await s.run({ stopWhen: () => esp.scriptState() === 'exited' || esp.scriptState() === 'crashed', forUs: 10_000_000 });
    expect(Number(esp.console.lines[0].text)).toBeLessThanOrEqual(64 * 1024);
    expect(Number(esp.console.lines[0].text)).toBeGreaterThan(60_000);
  }, 30_000);
});
