import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { main, type Io } from '../../scenarios/cli/main';
import { shardOf, parseShard } from '../../scenarios/runner/shard';
import { bareScenarioYaml } from '../../scenarios/runner/targets';
import { parseScenario } from '../../scenarios/schema/index';
import { fakeFactory, type Behaviour } from './fake';

const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A lab folder with a fake behaviour keyed by its name. */
function lab(name: string, steps: string, extra = ''): string {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'main.py'), 'print("hi")\n');
  writeFileSync(path.join(d, 'scenario.yaml'), `name: ${name}\ntimeout: 10s\n${extra}devices:\n  esp32: { board: esp32, script: main.py }\nsteps:\n${steps}`);
  return d;
}

const behaviours: Record<string, Behaviour> = {
  esp32: (d, sim) => {
    d.print('tcp waiting...');
    sim.schedule(500_000, () => d.print('<b> & "q"'));
  },
};

function io(b = behaviours) {
  const out: string[] = [];
  const err: string[] = [];
  const fake = fakeFactory(b);
  const x: Io = { out: (l) => out.push(l), err: (l) => err.push(l), color: false, createSimulation: fake.create, wallMs: () => 0 };
  return { io: x, out, err, fake };
}

const good = lab('good', '  - wait-serial: tcp waiting\n  - wait-serial: "<b>"\n');
const wrong = lab('wrong', '  - wait-serial: tcp waiting\n  - wait-serial: { text: "nope", timeout: 1s }\n');
const slow = lab('slow', '  - wait-serial: never\n');
const broken = lab('broken', '  - wait-serial: tcp waiting\n', 'colour: blue\n');

describe('esp32sim command with a fake simulation', () => {
  test('a passing lab prints the timeline, step results and a summary, exit 0', async () => {
    const t = io();
    expect(await main(['run', good], t.io)).toBe(0);
    const text = t.out.join('\n');
    expect(text).toMatch(/0\.000000s esp32 │ tcp waiting\.\.\./);
    expect(text).toMatch(/✔ 1\. wait-serial esp32 "tcp waiting"/);
    expect(text).toMatch(/✔ PASS good: all 2 steps passed/);
  });

  test('a wrong expectation exits 1 naming the step and its line', async () => {
    const t = io();
    expect(await main(['run', wrong, '--no-color'], t.io)).toBe(1);
    expect(t.out.join('\n')).toMatch(/✘ 2\. wait-serial esp32 "nope" \(line 7\)\n\s+esp32 did not print "nope" within 1s/);
  });

  test('a broken YAML exits 2 with file:line', async () => {
    const t = io();
    expect(await main(['run', broken], t.io)).toBe(2);
    expect(t.err).toEqual([`${path.join(broken, 'scenario.yaml')}:3: colour: unknown key (known keys: name, description, author, version, seed, timeout, watchdog, wall-timeout, clock, network, devices, steps)\n     3 | colour: blue`]);
  });

  test('a timeout exits 42; bad options and missing targets exit 2', async () => {
    expect(await main(['run', slow], io().io)).toBe(42);
    expect(await main(['run', good, '--timeout', 'soon'], io().io)).toBe(2);
    expect(await main(['run', good, '--shard', '3/2'], io().io)).toBe(2);
    expect(await main(['run', path.join(dir, 'nothing-here')], io().io)).toBe(2);
    expect(await main(['run', good, '--frobnicate'], io().io)).toBe(2);
    expect(await main(['run', '--help'], io().io)).toBe(0);
  });

  test('a crash is shown as a traceback and exits 1', async () => {
    const tb = 'Traceback (most recent call last):\n  File "main.py", line 1, in <module>\nNameError: name \'x\' isn\'t defined';
    const t = io({ esp32: (d, sim) => sim.schedule(10, () => d.exit(1, tb)) });
    expect(await main(['run', good], t.io)).toBe(1);
    const text = t.out.join('\n');
    expect(text).toMatch(/esp32 ✘ script crashed/);
    expect(text).toMatch(/│ NameError: name 'x' isn't defined/);
  });

  test('junit output is well-formed XML with a suite per scenario and escaped failures', async () => {
    const t = io();
    const file = path.join(dir, 'report.xml');
    expect(await main(['run', good, wrong, broken, '--junit', file, '--quiet'], t.io)).toBe(2);
    const xml = readFileSync(file, 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="esp32sim" tests="5" failures="1" errors="1" time="0.000">')).toBe(true);
    expect((xml.match(/<testsuite /g) ?? []).length).toBe(3);
    expect(xml).toContain('name="2. wait-serial esp32 &quot;&lt;b&gt;&quot;"');
    expect(xml).toContain('<failure message="esp32 did not print &quot;nope&quot; within 1s; the last line it printed: &quot;&lt;b&gt; &amp; \\&quot;q\\&quot;&quot;" type="step">');
    // Well-formed: every element opened is closed, in order; no raw < or & in text or attributes.
    const stack: string[] = [];
    for (const m of xml.replace(/^<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([\w-]+)((?:\s+[\w-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>/g)) {
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else if (!m[4]) stack.push(m[2]);
    }
    expect(stack).toEqual([]);
    expect(xml.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  test('--trace then replay says identical; an edited trace reports the first divergence', async () => {
    const file = path.join(dir, 'good.trace');
    expect(await main(['run', good, '--trace', file, '--quiet'], io().io)).toBe(0);
    const r1 = io();
    expect(await main(['replay', file], r1.io)).toBe(0);
    expect(r1.out.join('\n')).toMatch(/^✔ identical: the replay of good \(seed 1, .*\) matches the recording, all \d+ records$/);
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"layer":"console"') && l.includes('tcp waiting'));
    expect(at).toBeGreaterThan(1);
    lines[at] = lines[at].replace('tcp waiting', 'tcp wating');
    const edited = path.join(dir, 'edited.trace');
    writeFileSync(edited, lines.join('\n'));
    const r2 = io();
    expect(await main(['replay', edited], r2.io)).toBe(1);
    expect(r2.out[0]).toMatch(/^✘ diverged: the replay of good \(seed 1, .*\) differs from the recording$/);
    expect(r2.out[1]).toBe(`first difference at record ${at} (line ${at + 1} of ${edited}), after:`);
    expect(r2.out.some((l) => l.startsWith('- recorded: ') && l.includes('tcp wating'))).toBe(true);
    expect(r2.out.some((l) => l.startsWith('+ replayed: ') && l.includes('tcp waiting'))).toBe(true);
  });

  test('replay runs the recorded scripts even when the lab changed; --against DIR takes that folder\'s', async () => {
    const d = lab('changing', '  - wait-serial: tcp waiting\n');
    const file = path.join(dir, 'changing.trace');
    expect(await main(['run', d, '--trace', file, '--quiet'], io().io)).toBe(0);
    writeFileSync(path.join(d, 'main.py'), 'print("changed")\n');
    const r = io();
    expect(await main(['replay', file], r.io)).toBe(0);
    expect(r.err).toEqual([]);
    const a = io();
    await main(['replay', file, '--against', d], a.io);
    expect(a.err[0]).toMatch(/^note: .*main\.py differs from the recorded main\.py \(esp32\)/);
  });

  test('shards 1/2 and 2/2 of a folder of labs run every scenario exactly once', async () => {
    const a = io();
    const b = io();
    await main(['run', dir, '--shard', '1/2', '--quiet'], a.io);
    await main(['run', dir, '--shard', '2/2', '--quiet'], b.io);
    const names = (t: ReturnType<typeof io>) => t.out.filter((l) => /PASS|FAIL|TIMEOUT/.test(l)).map((l) => l.split(':')[0].split(' ').pop());
    const ran = [...names(a), ...names(b)].sort();
    // `broken` fails to load (reported on stderr); every other lab ran once.
    expect(ran).toEqual(['changing', 'good', 'slow', 'wrong']);
    expect([...a.err, ...b.err].filter((l) => l.includes('colour: unknown key')).length).toBe(1);
  });
});

describe('shard partition', () => {
  test('for any list and n, shards 1..n are disjoint and cover every item once', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (items, n) => {
        const all = Array.from({ length: n }, (_, i) => shardOf(items, i + 1, n)).flat();
        expect(all.sort()).toEqual([...new Set(items)].sort());
      }),
    );
    expect(parseShard('1/2')).toEqual({ index: 1, count: 2 });
    expect(parseShard('0/2')).toBeUndefined();
    expect(parseShard('x')).toBeUndefined();
  });
});

describe('bare .py runs', () => {
  test('--input lines become the PC stdin of the generated scenario', () => {
    const root = path.join(__dirname, '..', '..', 'scenarios', 'labs', 'echo');
    const yaml = bareScenarioYaml(path.join(root, 'esp32_tcp_server.py'), [path.join(root, 'pc_tcp_client.py')], { timeout: '10s', input: ['hello', 'world'], cwd: root });
    const r = parseScenario(yaml, 'bare.yaml', { dir: root });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const pc = r.scenario.devices.find((d) => d.id === 'pc');
    expect(pc?.stdin).toEqual(['hello', 'world']);
    expect(r.scenario.devices.find((d) => d.id === 'esp32')?.ip).toBe('192.168.2.231');
  });
});
