/**
 * --expose: an ESP32 script publishes with umqtt.simple to a real Mosquitto broker on this
 * machine (a simulated name relayed by the host gateway to 127.0.0.1), and mosquitto_sub,
 * subscribed to that broker, receives every message. The session's trace replays identically
 * without the broker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, need, replay, Session } from './helpers/session';

jest.setTimeout(180_000);
const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-expose-'));
const children: ChildProcess[] = [];
const sessions: Session[] = [];
afterAll(() => {
  for (const s of sessions) s.kill();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function start(cmd: string, args: string[]): { child: ChildProcess; out: () => string; waitFor: (t: string, ms?: number) => Promise<void> } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const waitFor = async (t: string, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!out.includes(t)) {
      if (child.exitCode !== null) throw new Error(`${cmd} ended (exit ${child.exitCode}) before printing ${t}:\n${out}`);
      if (Date.now() > end) throw new Error(`${cmd}: no ${t} within ${ms} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, out: () => out, waitFor };
}

test('umqtt.simple on the ESP32 publishes to a real mosquitto through --expose; mosquitto_sub receives it', async () => {
  need('mosquitto', 'mosquitto');
  need('mosquitto_sub', 'mosquitto-clients');
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const broker = start('mosquitto', ['-c', conf, '-v']);
  await broker.waitFor('mosquitto version');
  await broker.waitFor(`Opening ipv4 listen socket on port ${port}`);
  const sub = start('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(port), '-t', 'lab/#', '-v', '-C', '3', '-W', '120']);
  await broker.waitFor('Received SUBSCRIBE'); // mosquitto_sub's own output is buffered in a pipe
  const script = path.join(dir, 'publish.py');
  writeFileSync(
    script,
    [
      'import time',
      'from umqtt.simple import MQTTClient',
      `c = MQTTClient('esp32-live', 'broker.local', port=${port})`,
      'c.connect()',
      "print('connected to the broker')",
      'for i in range(3):',
      "    c.publish(b'lab/temperature', b'21.%d' % i)",
      '    time.sleep(0.5)',
      'c.disconnect()',
      "print('published 3')",
      '',
    ].join('\n'),
  );
  const trace = path.join(dir, 'mqtt.jsonl');
  const s = new Session(['run', script, '--expose', `broker.local=127.0.0.1:${port}`, '--trace', trace]);
  sessions.push(s);
  await s.waitFor('published 3', 90_000);
  const code = await new Promise<number | null>((r) => (sub.child.exitCode !== null ? r(sub.child.exitCode) : sub.child.once('exit', r)));
  expect(code).toBe(0);
  expect(sub.out()).toContain('lab/temperature 21.0');
  expect(sub.out()).toContain('lab/temperature 21.2');
  expect(broker.out()).toMatch(/New client connected from 127\.0\.0\.1:\d+ as esp32-live/);
  expect(await s.stop()).toBe(0);
  expect(s.out).toMatch(/exposing 127\.0\.0\.1:\d+ to the simulation as broker\.local/);
  expect(replay(trace).out).toMatch(/✔ identical/);
});
