/**
 * The page's session without a browser: a run paced by the page's loop gives
 * the batch run's trace; typed input reaches the script and is recorded; time
 * travel re-simulates to the same state; the decode names the layers.
 */
import * as path from 'node:path';
import { loadScenario } from '../../../scenarios/schema/index';
import type { Scenario } from '../../../scenarios/schema/model';
import { runScenario } from '../../../scenarios/runner/runner';
import { UiSession } from '../../../scenarios/ui/session';
import type { ServerMsg, ViewMsg } from '../../../scenarios/ui/protocol';
import { LABS } from '../../paths';

function lab(name: string): Scenario {
  const p = loadScenario(path.join(LABS, name));
  if (!p.ok) throw new Error(p.errors.map((e) => e.message).join('\n'));
  return p.scenario;
}

function session(name: string) {
  const s = new UiSession(lab(name));
  const msgs: ServerMsg[] = [];
  s.setBroadcast((m) => msgs.push(m));
  s.speed = 'max';
  return { s, msgs };
}

/** Waits (polling the event loop, not the wall clock) until `cond` holds. */
async function until(cond: () => boolean, what: string, turns = 200_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never: ${what}`);
}

/** Travels to `us` and waits until the page would show the paused state there. */
async function travelTo(s: UiSession, msgs: ServerMsg[], us: number): Promise<ViewMsg> {
  msgs.length = 0;
  await s.travel(us);
  await until(() => msgs.some((m) => m.type === 'view' && m.reset && m.status === 'paused'), `paused at ${us} µs`);
  return msgs.filter((m): m is ViewMsg => m.type === 'view' && m.reset).at(-1)!;
}

const consoleText = (msgs: ServerMsg[], device: string) =>
  msgs
    .filter((m): m is ViewMsg => m.type === 'view')
    .reduce((acc, m) => (m.reset ? '' : acc) + (m.consoles ?? []).filter((c) => c.device === device).map((c) => c.text).join(''), '');

test('a paced run of the echo lab has the batch run\'s trace, record for record', async () => {
  const batch = await runScenario(lab('echo'), { recordTrace: true });
  const { s } = session('echo');
  s.start();
  const r = await s.finished();
  await s.close();
  expect(r?.exitCode).toBe(0);
  expect(r?.trace).toEqual(batch.trace);
}, 120_000);

test('a typed line reaches the PC script; time travel replays it to the same state', async () => {
  const { s, msgs } = session('echo');
  s.start();
  // Stop at 2.2 s (the scenario's own line is echoed at 2.08 s), type, run on.
  await travelTo(s, msgs, 2_200_000);
  expect(consoleText(msgs, 'esp32')).toContain("b'hello'");
  expect(await s.handle({ type: 'stdin', device: 'pc', line: 'typed here' })).toBeUndefined();
  await s.handle({ type: 'run' });
  const r1 = await s.finished();
  expect(r1?.exitCode).toBe(0);
  expect(consoleText(msgs, 'esp32')).toContain("b'typed here'");
  const endUs = r1!.endUs - 100_000;
  // Travel to just before the end: the re-simulation applies the typed line at its recorded time.
  const paused = await travelTo(s, msgs, endUs);
  expect(paused.now).toBe(endUs);
  expect(paused.consoles?.find((c) => c.device === 'esp32')?.text).toContain("b'typed here'");
  await s.handle({ type: 'run' });
  const r2 = await s.finished();
  await s.close();
  expect(r2?.trace).toEqual(r1?.trace);
}, 120_000);

test('travelling back to before the connection shows no connection and the LED off', async () => {
  const { s, msgs } = session('led-tcp');
  s.start();
  await until(() => msgs.some((m) => m.type === 'view' && (m.devices ?? []).some((d) => d.id === 'esp32' && d.led === 1)), 'the LED on');
  await s.handle({ type: 'pause' });
  const v = await travelTo(s, msgs, 500_000);
  expect(v.now).toBe(500_000);
  expect(v.tcp?.filter((c) => c.history.some((h) => h.state === 'ESTABLISHED'))).toEqual([]);
  expect(v.devices?.find((d) => d.id === 'esp32')?.led).toBe(0);
  await s.close();
}, 120_000);

test('the decode of a frame names its layers and the packet list its protocol', async () => {
  const { s, msgs } = session('echo');
  s.start();
  await s.finished();
  const rows = msgs.flatMap((m) => (m.type === 'view' ? (m.frames ?? []) : []));
  const hello = rows.find((r) => r.info.includes('"hello"'));
  expect(hello).toMatchObject({ src: 'pc', dst: 'esp32', protocol: 'Data' });
  const d = await s.handle({ type: 'decode', n: hello!.n });
  await s.close();
  expect(d?.type).toBe('decode');
  if (d?.type !== 'decode') return;
  expect(d.layers.map((l) => l.name)).toEqual(['Ethernet II', 'IPv4', 'TCP', 'Data']);
  expect(d.layers[2].fields.find((f) => f.name === 'flags')?.value).toBe('[P.]');
  const data = d.layers[3];
  expect(Buffer.from(d.hex.slice(data.start * 2, data.end * 2), 'hex').toString()).toBe('hello');
  expect(rows.some((r) => r.protocol === 'DHCP') && rows.some((r) => r.protocol === 'ARP')).toBe(true);
}, 120_000);

test('Ctrl-C, a link taken down and a step from the page reach the simulation', async () => {
  const { s, msgs } = session('echo');
  s.start();
  await travelTo(s, msgs, 2_200_000);
  // Step: runs on to the next visible change, then pauses again.
  msgs.length = 0;
  await s.handle({ type: 'step' });
  await until(() => msgs.some((m) => m.type === 'view' && m.reset && m.status === 'paused'), 'paused after a step');
  expect(s.now).toBeGreaterThan(2_200_000);
  expect(s.now).toBeLessThan(3_200_000);
  expect(await s.handle({ type: 'link', device: 'esp32', loss: 0.25, down: true })).toBeUndefined();
  expect(await s.handle({ type: 'interrupt', device: 'pc' })).toBeUndefined();
  expect(await s.handle({ type: 'button', device: 'esp32', part: 'nope', down: true })).toEqual({ type: 'error', text: 'esp32 has no part "nope"' });
  await s.handle({ type: 'run' });
  const r = await s.finished();
  await s.close();
  expect(consoleText(msgs, 'pc')).toMatch(/KeyboardInterrupt/);
  const last = msgs.filter((m): m is ViewMsg => m.type === 'view' && m.devices !== undefined).at(-1)!;
  expect(last.devices?.find((d) => d.id === 'esp32')?.link).toEqual({ loss: 0.25, down: true });
  expect(r?.trace.some((l) => l.includes('"kind":"external"') && l.includes('"what":"interrupt"'))).toBe(true);
  expect(r?.trace.some((l) => l.includes('"kind":"link"') && l.includes('"down":true'))).toBe(true);
}, 120_000);

test('ESP-NOW frames are listed and decode as 802.11 and ESP-NOW', async () => {
  const { s, msgs } = session('espnow-remote');
  s.start();
  await s.finished();
  const rows = msgs.flatMap((m) => (m.type === 'view' ? (m.frames ?? []) : []));
  const esp = rows.find((r) => r.protocol === 'ESP-NOW');
  expect(esp).toMatchObject({ src: expect.any(String), dst: expect.any(String) });
  const d = await s.handle({ type: 'decode', n: esp!.n });
  await s.close();
  expect(d?.type === 'decode' && d.layers.map((l) => l.name)).toEqual(['802.11 action', 'ESP-NOW']);
}, 120_000);

test("a sensor's value set in the page is what the board shows", async () => {
  const { s, msgs } = session('sensor-udp');
  s.start();
  await travelTo(s, msgs, 1_000_000);
  const room = () => msgs.filter((m): m is ViewMsg => m.type === 'view' && m.devices !== undefined).at(-1)!.devices!.find((d) => d.id === 'esp32')!.parts.find((p) => p.id === 'room');
  expect(room()).toMatchObject({ type: 'dht22', temperature: 22.5, humidity: 45 });
  expect(await s.handle({ type: 'sensor', device: 'esp32', part: 'room', temperature: 30 })).toBeUndefined();
  await until(() => room()?.temperature === 30, 'the new temperature');
  await s.close();
}, 120_000);
