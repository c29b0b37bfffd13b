import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeviceHandle, SimulationOptions } from '../../../../devices/simulation/api';
import { Simulation } from '../../../../devices/simulation/simulation';
import { ended, lines, py } from './helpers';

const REPO = path.join(__dirname, '..', '..', '..', '..');
const SHARED_SEED = path.join(REPO, '..', 'shared', 'seed');
const COPIES: Record<string, string> = {
  'esp32_tcp_server.py': path.join(REPO, 'scenarios', 'labs', 'echo'),
  'pc_tcp_client.py': path.join(REPO, 'scenarios', 'labs', 'echo'),
  'starwars.py': path.join(REPO, 'scenarios', 'labs', 'starwars'),
};

/** The tutorial's file, byte for byte: ../shared/seed when present (CI keeps it beside the repo), else the repo's copy. */
function seedFile(name: string): string {
  const shared = path.join(SHARED_SEED, name);
  const copy = path.join(COPIES[name], name);
  if (fs.existsSync(shared)) return fs.readFileSync(shared, 'utf8');
  return fs.readFileSync(copy, 'utf8');
}

const SERVER_LINES = ['tcp waiting...', 'accepting.....'];

/** The tutorial's lab: ESP32 server pinned to 192.168.2.231, a PC client starting at 1 s. */
function lab(opts: { client?: string; stdin?: string[]; sim?: SimulationOptions } = {}) {
  const s = new Simulation({ seed: 1, network: { subnet: '192.168.2.0/24' }, ...opts.sim });
  const esp = s.addDevice({ id: 'esp32', board: 'esp32', ip: '192.168.2.231', script: py(seedFile('esp32_tcp_server.py'), 'esp32_tcp_server.py') });
  const pc = s.addDevice({
    id: 'pc',
    board: 'pc',
    startUs: 1_000_000,
    stdin: opts.stdin ?? ['hello', 'world'],
    script: py(opts.client ?? seedFile('pc_tcp_client.py'), 'pc_tcp_client.py'),
  });
  return { s, esp, pc };
}

const has = (h: DeviceHandle, text: string) => () => h.console.lines.some((l) => l.text === text);

/** Types the lines, waits, then Ctrl-C on the PC; runs until the server script ends. */
async function ctrlCEnding(s: Simulation, esp: DeviceHandle, pc: DeviceHandle): Promise<void> {
  await s.run({ stopWhen: has(esp, "b'world'"), forUs: 20_000_000 });
  await s.run({ forUs: 500_000 });
  pc.interrupt();
  await s.run({ stopWhen: ended(esp, pc), forUs: 10_000_000 });
}

describe('the tutorial scripts, verbatim, on the real Simulation', () => {
  test('repo copies of the tutorial scripts are byte-identical to ../shared/seed when both exist', () => {
    for (const [name, dir] of Object.entries(COPIES)) {
      const shared = path.join(SHARED_SEED, name);
      if (!fs.existsSync(shared)) continue;
      expect(fs.readFileSync(path.join(dir, name)).equals(fs.readFileSync(shared))).toBe(true);
    }
  });

  test('client types two lines, then Ctrl-C: the PC resets the connection and the server ends quietly', async () => {
    const { s, esp, pc } = lab();
    try {
      await ctrlCEnding(s, esp, pc);
      const out = lines(esp);
      expect(out.slice(0, 2)).toEqual(SERVER_LINES);
      expect(out[2]).toMatch(/^\('192\.168\.2\.\d+', \d+\) connected$/);
      expect(out.slice(3)).toEqual(["b'hello'", "b'world'"]);
      expect(esp.scriptState()).toBe('exited');
      expect(esp.exitCode()).toBe(0);
      expect(esp.failure()).toBeUndefined();
      expect(pc.exitCode()).toBe(130);
      expect(pc.console.text()).toBe(
        ">>> hello\n>>> world\n>>> Traceback (most recent call last):\n  File \"pc_tcp_client.py\", line 12, in <module>\n    msg = raw_input('>>> ')\nKeyboardInterrupt\n",
      );
      // On the wire: the PC's OS closes a socket with unread echoes, so it sends RST (not FIN).
      const pcTx = s.sim.trace
        .text()
        .split('\n')
        .filter((l) => l.includes('"dev":"pc"') && l.includes('"layer":"tcp"') && l.includes('"dir":"tx"'));
      const flags = pcTx.map((l) => /\[([^\]]*)\]/.exec(l)?.[1] ?? '');
      expect(flags.some((f) => f.includes('R'))).toBe(true);
      expect(flags.some((f) => f.includes('F'))).toBe(false);
    } finally {
      await s.close();
    }
  }, 30_000);

  test('a client that reads its echoes and closes makes the server print close socket and accept again', async () => {
    const reader = [
      'import socket',
      's = socket.create_connection(("192.168.2.231", 10000))',
      'for m in ["ab", "cd"]:',
      '    s.sendall(m)',
      '    print(s.recv(100))',
      's.close()',
    ];
    const { s, esp, pc } = lab({ client: reader.join('\n') + '\n' });
    try {
      await s.run({ stopWhen: () => ended(pc)() && lines(esp).length >= 7, forUs: 20_000_000 });
      expect(pc.failure()).toBeUndefined();
      expect(lines(pc)).toEqual(["b'ab'", "b'cd'"]);
      expect(lines(esp).slice(3)).toEqual(["b'ab'", "b'cd'", 'close socket', 'accepting.....']);
      expect(esp.scriptState()).toBe('running');
    } finally {
      await s.close();
    }
  }, 30_000);

  test('same multi-device scenario twice with random real delays in the workers gives identical traces', async () => {
    const once = async () => {
      const { s, esp, pc } = lab({ sim: { workerJitterMs: 2 } });
      try {
        await ctrlCEnding(s, esp, pc);
        return s.sim.trace.text() + '\n' + [esp, pc].map((h) => h.console.lines.map((l) => `${l.t} ${l.text}`).join('\n')).join('\n');
      } finally {
        await s.close();
      }
    };
    const a = await once();
    const b = await once();
    expect(a).toContain('"kind":"exit"');
    expect(a).toContain("b'world'");
    expect(a).toBe(b);
  }, 30_000);

  test('Star Wars script prints frames from the internet host and keeps virtual time moving after it closes', async () => {
    const s = new Simulation({
      seed: 1,
      network: { internet: [{ name: 'towel.blinkenlights.nl', ip: '94.142.241.111', service: 'starwars', port: 23 }] },
    });
    try {
      const esp = s.addDevice({ id: 'esp32', board: 'esp32', script: py(seedFile('starwars.py'), 'starwars.py') });
      const text = () => esp.console.text();
      await s.run({ stopWhen: () => text().includes('T H E   E N D'), forUs: 60_000_000 });
      expect(text()).toContain('E S P 3 2   W A R S');
      expect(text()).toContain('\x1b[H\x1b[J');
      // The last frames, then the server closes (FIN); the loop spins on b'' forever.
      await s.run({ forUs: 6_000_000 });
      const fin = s.sim.trace
        .text()
        .split('\n')
        .find((l) => l.includes('"dev":"esp32"') && l.includes('"dir":"rx"') && /\[F/.test(l));
      expect(fin).toBeDefined();
      expect(s.sim.now - (JSON.parse(fin!) as { t: number }).t).toBeGreaterThan(100_000);
      // The run ends at its time limit, virtual time keeps moving.
      const before = s.sim.now;
      await s.run({ forUs: 200_000 });
      expect(s.sim.now).toBe(before + 200_000);
      expect(esp.scriptState()).toBe('running');
    } finally {
      await s.close();
    }
  }, 30_000);
});
