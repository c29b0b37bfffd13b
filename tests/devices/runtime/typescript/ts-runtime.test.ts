import { createRuntime, OSError, ScriptProcess, WallClock, type TsEnv } from '../../../../devices/runtime';
import { FakeBoard, FakeNet, fakeBoard } from './fake-board';
import { Simulator } from '../../../../sim/simulator';

function startTs(board: FakeBoard, main: (env: TsEnv) => Promise<void>) {
  const rt = createRuntime({ filename: 'main.ts', source: '', language: 'typescript' }, { personality: board.kind, seed: 1, clock: new WallClock(1000, 600_000), memoryCapBytes: 1 << 26, main });
  const proc = new ScriptProcess(board, rt, { personality: board.kind, name: 'main.ts' });
  proc.start();
  return proc;
}

describe('TypeScript script runtime', () => {
  test('async script sleeps, prints and reads ticks in virtual time', async () => {
    const b = fakeBoard();
    const p = startTs(b, async (env) => {
      await env.print('start');
      await env.time.sleep(1.5);
      await env.print('ticks', await env.time.ticks_ms());
    });
    await b.sim.run({});
    expect(b.console.lines).toEqual([
      { t: 40, text: 'start' },
      { t: 1_500_160, text: 'ticks 1500' },
    ]);
    expect(p.state).toBe('exited');
  });

  test('socket errors are thrown as OSError with the personality errno; uncaught ones crash the script', async () => {
    const b = fakeBoard();
    const seen: number[] = [];
    const p = startTs(b, async (env) => {
      const s = await env.socket.socket();
      try {
        await s.recv(10);
      } catch (e) {
        seen.push((e as OSError).errno);
      }
      await s.connect(['192.168.2.231', 1]);
    });
    await b.sim.run({});
    expect(seen).toEqual([128]);
    expect(p.state).toBe('crashed');
    expect(p.failure).toBe('main.ts: OSError: 104');
  });

  test('TS client and TS server exchange data over the fake LAN; input() fed line by line', async () => {
    const sim = new Simulator(3);
    const net = new FakeNet(sim);
    const esp = new FakeBoard(net, 'esp', '192.168.2.231', 'esp32');
    const pc = new FakeBoard(net, 'pc', '192.168.2.100', 'pc');
    startTs(esp, async (env) => {
      const srv = await env.socket.socket();
      await srv.bind(['0.0.0.0', 10000]);
      await srv.listen(1);
      const [c, addr] = await srv.accept();
      await env.print(addr);
      for (;;) {
        const d = await c.recv(100);
        if (!d.length) break;
        await env.print(d);
        await c.send(d);
      }
      await env.print('close socket');
    });
    pc.stdin.push('hi');
    const client = startTs(pc, async (env) => {
      await env.time.sleep(0.1);
      const s = await env.socket.socket();
      await s.connect(['192.168.2.231', 10000]);
      await s.send(await env.input('>>> '));
      await env.print(await s.recv(100));
      await s.close();
    });
    await sim.run({ until: 2_000_000 });
    expect(esp.console.lines.map((l) => l.text)).toEqual(["('192.168.2.100', 50000)", "b'hi'", 'close socket']);
    expect(pc.console.text()).toBe(">>> hi\nb'hi'\n");
    expect(client.state).toBe('exited');
  });

  test('ESP32 setsockopt of an option MicroPython does not implement prints its warning; known ones print nothing', async () => {
    const b = fakeBoard();
    startTs(b, async (env) => {
      const s = await env.socket.socket();
      await s.setsockopt(env.socket.SOL_SOCKET, env.socket.SO_REUSEADDR, 1);
      await s.setsockopt(env.socket.SOL_SOCKET, 0x80, 1);
      await env.print('done');
    });
    await b.sim.run({});
    expect(b.console.lines.map((l) => l.text)).toEqual(['Warning: lwip.setsockopt() option not implemented', 'done']);
  });

  test('the socket constants are the personality\'s: lwIP numbers on the ESP32, Linux numbers on the PC', async () => {
    const seen: Record<string, unknown>[] = [];
    for (const kind of ['esp32', 'pc'] as const) {
      const b = fakeBoard({ kind });
      startTs(b, async (env) => {
        const { SOL_SOCKET, SO_REUSEADDR, SO_LINGER, TCP_NODELAY, MSG_DONTWAIT } = env.socket;
        seen.push({ SOL_SOCKET, SO_REUSEADDR, SO_LINGER, TCP_NODELAY, MSG_DONTWAIT });
      });
      await b.sim.run({});
    }
    expect(seen).toEqual([
      { SOL_SOCKET: 0xfff, SO_REUSEADDR: 4, SO_LINGER: undefined, TCP_NODELAY: 1, MSG_DONTWAIT: 8 },
      { SOL_SOCKET: 1, SO_REUSEADDR: 2, SO_LINGER: 13, TCP_NODELAY: 1, MSG_DONTWAIT: 0x40 },
    ]);
  });

  test('interrupt while blocked throws KeyboardInterrupt into the script (exit 130)', async () => {
    const b = fakeBoard({ kind: 'pc' });
    const p = startTs(b, async (env) => {
      await env.input();
    });
    await b.sim.run({ until: 1000 });
    p.interrupt();
    await b.sim.run({});
    expect(p.exitCode).toBe(130);
  });
});
