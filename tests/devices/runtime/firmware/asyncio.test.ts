import { lines, runEsp32, esp32With, ended } from '../micropython-real/helpers';

const CORE = [
  'import asyncio, time',
  'def since(t0):',
  '    return time.ticks_diff(time.ticks_ms(), t0) // 10 * 10',
  'async def work(name, n, ms):',
  '    for i in range(n):',
  '        await asyncio.sleep_ms(ms)',
  '    return name',
  'async def boom(ms, exc):',
  '    await asyncio.sleep_ms(ms)',
  '    raise exc',
  'async def main():',
  '    t0 = time.ticks_ms()',
  "    print('gather', await asyncio.gather(work('a', 2, 100), work('b', 1, 50)), since(t0))",
  "    print('gather-exc', await asyncio.gather(boom(10, ValueError('x')), work('c', 1, 20), return_exceptions=True))",
  '    t0 = time.ticks_ms()',
  '    try:',
  "        await asyncio.gather(boom(10, KeyError('k')), work('d', 1, 50))",
  '    except KeyError as e:',
  "        print('gather-raise', repr(e), since(t0))",
  '    t0 = time.ticks_ms()',
  '    try:',
  "        await asyncio.wait_for(work('e', 10, 100), 0.25)",
  '    except asyncio.TimeoutError:',
  "        print('timeout', since(t0))",
  "    print('wait_for', await asyncio.wait_for(work('f', 1, 10), 1), await asyncio.wait_for_ms(work('g', 1, 10), 100))",
  '    async def victim():',
  '        try:',
  '            await asyncio.sleep(10)',
  '        except asyncio.CancelledError:',
  "            print('victim cancelled', since(t0))",
  '            raise',
  '        finally:',
  "            print('victim finally')",
  '    t0 = time.ticks_ms()',
  '    t = asyncio.create_task(victim())',
  '    await asyncio.sleep_ms(100)',
  "    print('cancel', t.cancel(), t.done())",
  '    try:',
  '        await t',
  '    except asyncio.CancelledError:',
  "        print('awaited: cancelled', t.done(), t.cancel())",
  '    ev = asyncio.Event()',
  '    async def waiter(i):',
  '        await ev.wait()',
  "        print('event', i, since(t0))",
  '    t0 = time.ticks_ms()',
  '    for i in range(2):',
  '        asyncio.create_task(waiter(i))',
  '    await asyncio.sleep_ms(50)',
  "    print('is_set', ev.is_set())",
  '    ev.set()',
  '    await asyncio.sleep_ms(0)',
  '    lock = asyncio.Lock()',
  '    async def locked(i):',
  '        async with lock:',
  "            print('lock', i, lock.locked(), since(t0))",
  '            await asyncio.sleep_ms(30)',
  '    t0 = time.ticks_ms()',
  '    await asyncio.gather(locked(1), locked(2), locked(3))',
  '    flag = asyncio.ThreadSafeFlag()',
  '    async def setter():',
  '        await asyncio.sleep_ms(40)',
  '        flag.set()',
  '    t0 = time.ticks_ms()',
  '    asyncio.create_task(setter())',
  '    await flag.wait()',
  "    print('flag', flag.state, since(t0))",
  '    print(asyncio.current_task())',
  "    return 'main done'",
  'print(asyncio.run(main()))',
];

const LOOP = [
  'import asyncio, uasyncio',
  'loop = asyncio.get_event_loop()',
  'async def tick(n):',
  '    for i in range(n):',
  "        print('tick', i)",
  '        await asyncio.sleep_ms(10)',
  '    return n',
  'print(loop.run_until_complete(tick(2)))',
  'async def stopper():',
  '    await asyncio.sleep_ms(50)',
  "    print('stopping')",
  '    loop.stop()',
  'loop.create_task(stopper())',
  'loop.run_forever()',
  "print('after run_forever')",
  'def handler(l, ctx):',
  "    print('handler:', ctx['message'], repr(ctx['exception']))",
  'loop.set_exception_handler(handler)',
  'print(loop.get_exception_handler() is handler)',
  'async def bad():',
  "    raise RuntimeError('oops')",
  'async def main():',
  '    uasyncio.create_task(bad())',
  '    await uasyncio.sleep_ms(10)',
  'asyncio.run(main())',
  'loop.set_exception_handler(None)',
  'asyncio.run(main())',
  'loop.close()',
  'print(asyncio.new_event_loop() is loop)',
  'try:',
  '    asyncio.current_task()',
  'except RuntimeError as e:',
  '    print(e)',
  'try:',
  '    asyncio.create_task(asyncio.sleep(1))',
  'except TypeError as e:',
  '    print(e)',
];

describe('asyncio on the ESP32 (real Simulation, virtual time)', () => {
  test('gather, wait_for, cancel, Event, Lock, ThreadSafeFlag, current_task behave as MicroPython documents', async () => {
    const { esp } = await runEsp32(CORE);
    expect(lines(esp)).toEqual([
      "gather ['a', 'b'] 200",
      "gather-exc [ValueError('x',), 'c']",
      "gather-raise KeyError('k',) 10",
      'timeout 250',
      'wait_for f g',
      'cancel True False',
      'victim cancelled 100',
      'victim finally',
      'awaited: cancelled True False',
      'is_set False',
      'event 0 50',
      'event 1 50',
      'lock 1 True 0',
      'lock 2 True 30',
      'lock 3 True 60',
      'flag 0 40',
      '<Task>',
      'main done',
    ]);
    expect(esp.exitCode()).toBe(0);
  }, 30_000);

  test('the loop API: run_until_complete, run_forever/stop, exception handlers, new_event_loop; uasyncio is asyncio', async () => {
    const { esp } = await runEsp32(LOOP);
    const out = lines(esp);
    expect(out.slice(0, 7)).toEqual(['tick 0', 'tick 1', '2', 'stopping', 'after run_forever', 'True', "handler: Task exception wasn't retrieved RuntimeError('oops',)"]);
    expect(out[7]).toBe("Task exception wasn't retrieved");
    expect(out[8]).toMatch(/^future: <Task> coro= <generator object 'bad' at [0-9a-f]+>$/);
    expect(out.slice(9)).toEqual([
      'Traceback (most recent call last):',
      '  File "main.py", line 21, in bad',
      'RuntimeError: oops',
      'True',
      'no running event loop',
      'coroutine expected',
    ]);
  }, 30_000);

  test('an idle loop sleeps in one kernel call: an hour of sleeping tasks and a silent socket costs a few calls', async () => {
    const { s, esp } = esp32With([
      'import asyncio, socket, time',
      'srv = socket.socket()',
      'srv.bind(("0.0.0.0", 8000))',
      'srv.listen(1)',
      'c = socket.socket()',
      'c.connect(("127.0.0.1", 8000))',
      'conn, _ = srv.accept()',
      'conn.setblocking(False)',
      'async def quiet():',
      '    try:',
      '        await asyncio.wait_for(asyncio.StreamReader(conn).read(10), 7200)',
      '    except asyncio.CancelledError:',
      '        print("reader cancelled")',
      'async def main():',
      '    r = asyncio.create_task(quiet())',
      '    await asyncio.sleep(1800)',
      '    await asyncio.sleep_ms(1800 * 1000)',
      '    r.cancel()',
      '    await asyncio.sleep(0)',
      'print("start")',
      't0 = time.time()',
      'asyncio.run(main())',
      'print("end", time.time() - t0)',
    ]);
    const calls = () => (esp as unknown as { process: { syscalls: number } }).process.syscalls;
    await s.run({ stopWhen: () => lines(esp).includes('start'), forUs: 10_000_000 });
    const before = calls();
    await s.run({ stopWhen: ended(esp), forUs: 4000_000_000 });
    const used = calls() - before;
    await s.close();
    expect(lines(esp)).toEqual(['start', 'reader cancelled', 'end 3600']);
    expect(used).toBeLessThan(40);
  }, 30_000);

  test('asyncio.StreamReader(sys.stdin) waits for typed lines while other tasks run', async () => {
    const { s, esp } = esp32With([
      'import asyncio, sys',
      'async def ticker():',
      '    for i in range(3):',
      "        print('tick', i)",
      '        await asyncio.sleep(1)',
      'async def main():',
      '    asyncio.create_task(ticker())',
      '    r = asyncio.StreamReader(sys.stdin)',
      '    for _ in range(2):',
      "        print('typed', await r.readline())",
      'asyncio.run(main())',
    ]);
    await s.run({ stopWhen: () => lines(esp).includes('tick 1'), forUs: 10_000_000 });
    esp.writeStdin('hello');
    esp.writeStdin('again');
    await s.run({ stopWhen: ended(esp), forUs: 10_000_000 });
    await s.close();
    expect(lines(esp)).toEqual(['tick 0', 'tick 1', "typed b'hello\\n'", "typed b'again\\n'"]);
  }, 30_000);
});
