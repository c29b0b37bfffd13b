import * as fs from 'node:fs';
import * as path from 'node:path';
import { Simulator } from '../../../../sim/simulator';
import { FakeBoard, FakeNet } from '../typescript/fake-board';
import { startPy, type PyRun } from './helpers';

const SEED = '/work/shared/seed';
const seedFile = (f: string) => fs.readFileSync(path.join(SEED, f), 'utf8');

/** ESP32 TCP server + Python 2 PC client from the tutorial, on two fake boards. */
function tutorial(opts: { seed?: number; jitterMs?: number; client?: string; lines?: string[] } = {}) {
  const sim = new Simulator(opts.seed ?? 1);
  const net = new FakeNet(sim);
  const esp = new FakeBoard(net, 'esp32', '192.168.2.231', 'esp32');
  const pc = new FakeBoard(net, 'pc', '192.168.2.100', 'pc');
  // The tutorial's firmware has already joined the WiFi: make the fake WLAN report it.
  esp.wlan(0)!.connect('esp32-lab', 'micropython');
  const server = startPy(seedFile('esp32_tcp_server.py'), { board: esp, filename: 'esp32_tcp_server.py', jitterMs: opts.jitterMs, seed: opts.seed });
  for (const l of opts.lines ?? ['hello', 'world']) pc.stdin.push(l);
  let client: PyRun | undefined;
  sim.schedule(1_000_000, () => {
    client = startPy(opts.client ?? seedFile('pc_tcp_client.py'), { board: pc, filename: 'pc_tcp_client.py', jitterMs: opts.jitterMs, seed: opts.seed });
  });
  return { sim, esp, pc, server, client: () => client! };
}

describe('the tutorial scripts, verbatim, on fake boards', () => {
  test('client sends raw_input lines, is stopped with Ctrl-C: RST makes the server end quietly', async () => {
    const t = tutorial();
    await t.sim.run({ until: 3_000_000 });
    expect(t.client().proc.state).toBe('running'); // waiting in raw_input like a user who stopped typing
    t.client().proc.interrupt();
    await t.sim.run({ until: 5_000_000 });
    const espLines = t.esp.console.lines.map((l) => l.text);
    expect(espLines).toEqual(['tcp waiting...', 'accepting.....', "('192.168.2.100', 50000) connected", "b'hello'", "b'world'"]);
    expect(t.server.proc.state).toBe('exited');
    expect(t.server.proc.exitCode).toBe(0);
    expect(t.pc.console.text()).toBe(
      '>>> hello\n>>> world\n>>> Traceback (most recent call last):\n  File "pc_tcp_client.py", line 12, in <module>\n    msg = raw_input(\'>>> \')\nKeyboardInterrupt\n',
    );
    expect(t.client().proc.exitCode).toBe(130);
    t.server.proc.kill();
    t.client().proc.kill();
  });

  test('a client that reads its echoes and closes makes the server print close socket and accept again', async () => {
    const reader = [
      'import socket',
      's = socket.create_connection(("192.168.2.231", 10000))',
      'for m in ["ab", "cd"]:',
      '    s.sendall(m)',
      '    print(s.recv(100))',
      's.close()',
    ].join('\n');
    const t = tutorial({ client: reader });
    await t.sim.run({ until: 4_000_000 });
    expect(t.esp.console.lines.map((l) => l.text).slice(3)).toEqual(["b'ab'", "b'cd'", 'close socket', 'accepting.....']);
    expect(t.pc.console.text()).toBe("b'ab'\nb'cd'\n");
    expect(t.server.proc.state).toBe('running');
    t.server.proc.kill();
    t.client().proc.kill();
  });

  test('same scenario twice with random real delays in the workers gives identical traces', async () => {
    const once = async () => {
      const t = tutorial({ jitterMs: 3, seed: 5 });
      await t.sim.run({ until: 3_000_000 });
      t.client().proc.interrupt();
      await t.sim.run({ until: 5_000_000 });
      const text = t.sim.trace.text() + t.esp.console.lines.map((l) => `${l.t} ${l.text}`).join('\n') + t.pc.console.text();
      t.server.proc.kill();
      t.client().proc.kill();
      return text;
    };
    const a = await once();
    const b = await once();
    expect(a).toContain('"kind":"exit"');
    expect(a).toBe(b);
    // And without any spinning in the hand-overs (ESP32SIM_SPIN=0, as run --jobs sets it on few cores).
    process.env.ESP32SIM_SPIN = '0';
    try {
      expect(await once()).toBe(a);
    } finally {
      delete process.env.ESP32SIM_SPIN;
    }
  });
});
