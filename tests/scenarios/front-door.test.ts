/**
 * The front door on the real simulation: a trace replays identically after
 * its lab folder is moved or deleted and names no host path; TypeScript in a
 * trace needs --allow-typescript; `init` writes a lab that passes as written;
 * the access point's station limit refuses the next station visibly.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../../scenarios/cli/main';
import { runScenario } from '../../scenarios/runner/runner';
import { parseScenario } from '../../scenarios/schema/index';
import { LABS } from '../paths';

const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-front-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const x: Io = { out: (l) => out.push(l), err: (l) => err.push(l), color: false };
  return { io: x, out, err, text: () => [...out, ...err].join('\n') };
}

describe('portable traces', () => {
  test('a trace replays identically after the lab folder is moved, then deleted, and holds no host path', async () => {
    const lab = path.join(dir, 'my-echo');
    cpSync(path.join(LABS, 'udp-echo'), lab, { recursive: true });
    const trace = path.join(dir, 'udp.trace');
    const rec = io();
    expect(await main(['run', lab, '--trace', trace, '--quiet'], rec.io)).toBe(0);
    const text = readFileSync(trace, 'utf8');
    for (const p of [dir, process.cwd(), tmpdir(), LABS]) expect(text).not.toContain(p);
    const header = JSON.parse(text.split('\n')[0]);
    expect(header.file).toBe('my-echo/scenario.yaml');
    expect(Object.keys(header.files).sort()).toEqual(['udp_echo_client.py', 'udp_echo_server.py']);
    renameSync(lab, path.join(dir, 'moved'));
    const a = io();
    expect(await main(['replay', trace], a.io)).toBe(0);
    expect(a.out[0]).toMatch(/^✔ identical: the replay of UDP echo \(seed \d+, my-echo\/scenario\.yaml\) matches the recording/);
    rmSync(path.join(dir, 'moved'), { recursive: true });
    const b = io();
    expect(await main(['replay', trace], b.io)).toBe(0);
    // CRLF line ends (a Windows checkout) change nothing.
    const crlf = path.join(dir, 'crlf.trace');
    writeFileSync(crlf, text.replace(/\n/g, '\r\n'));
    expect(await main(['replay', crlf], io().io)).toBe(0);
  });

  test('replay --against a folder runs its (edited) scripts and reports where the run differs', async () => {
    const lab = path.join(dir, 'edit-me');
    cpSync(path.join(LABS, 'udp-echo'), lab, { recursive: true });
    const trace = path.join(dir, 'edit.trace');
    expect(await main(['run', lab, '--trace', trace, '--quiet'], io().io)).toBe(0);
    const server = path.join(lab, 'udp_echo_server.py');
    writeFileSync(server, readFileSync(server, 'utf8').replace("print('udp echo on port 10001')", "print('udp echo, edited')"));
    const plain = io();
    expect(await main(['replay', trace], plain.io)).toBe(0); // the trace's own scripts
    const r = io();
    expect(await main(['replay', trace, '--against', lab], r.io)).toBe(1);
    expect(r.err[0]).toMatch(/^note: .*udp_echo_server\.py differs from the recorded udp_echo_server\.py \(esp32\)/);
    expect(r.out.join('\n')).toMatch(/✘ diverged[\s\S]*\+ replayed: .*udp echo, edited/);
  });

  test('TypeScript device scripts in a trace replay only with --allow-typescript, with a warning', async () => {
    const lab = path.join(dir, 'ts-lab');
    cpSync(path.join(LABS, 'udp-echo'), lab, { recursive: true });
    writeFileSync(
      path.join(lab, 'hello.ts'),
      "import type { TsEnv } from '../../../scenarios/index';\nexport default async function (env: TsEnv) {\n  await env.print('hello from TypeScript');\n}\n",
    );
    writeFileSync(path.join(lab, 'scenario.yaml'), 'name: ts\ntimeout: 5s\ndevices:\n  pc: { board: pc, script: hello.ts }\nsteps:\n  - wait-serial: { device: pc, text: hello from TypeScript }\n');
    const trace = path.join(dir, 'ts.trace');
    expect(await main(['run', lab, '--trace', trace, '--quiet'], io().io)).toBe(0);
    rmSync(lab, { recursive: true });
    const refused = io();
    expect(await main(['replay', trace], refused.io)).toBe(2);
    expect(refused.text()).toMatch(/contains TypeScript device scripts \(hello\.ts on pc\)\. They would run in this process with full access/);
    const allowed = io();
    expect(await main(['replay', trace, '--allow-typescript'], allowed.io)).toBe(0);
    expect(allowed.err[0]).toMatch(/^warning: running the TypeScript device scripts of .*ts\.trace \(hello\.ts\) with full access/);
  });
});

describe('esp32sim init', () => {
  test('writes a lab that passes as written, and never overwrites', async () => {
    const target = path.join(dir, 'new-lab');
    const t = io();
    expect(await main(['init', target], t.io)).toBe(0);
    expect(t.out[1]).toBe(`Run it with: npx esp32sim run ${target}`);
    const r = io();
    expect(await main(['run', target], r.io)).toBe(0);
    expect(r.out.join('\n')).toMatch(/✔ PASS My first lab: all 4 steps passed/);
    const again = io();
    expect(await main(['init', target], again.io)).toBe(2);
    expect(again.err[0]).toMatch(/scenario\.yaml, main\.py, client\.py, README\.md already exist there/);
  });
});

describe("the access point's station limit", () => {
  const yaml = (limit: string) => `name: full
timeout: 3s
network:
  ${limit}
devices:
  pc1: { board: pc }
  pc2: { board: pc }
  esp32: { board: esp32, start: 200ms }
steps:
  - delay: 2s
`;
  test('the station past max-clients is refused: status 203 and a console message on the ESP32, a console line on a PC, a notice in the run', async () => {
    const p = parseScenario(yaml('max-clients: 1'), 'full.yaml', { dir });
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    const notices: string[] = [];
    const r = await runScenario(p.scenario, { onEvent: (e) => e.type === 'notice' && notices.push(e.text) });
    expect(r.exitCode).toBe(0);
    expect(notices).toEqual([
      'pc2 was refused by the access point "esp32-lab": it admits 1 stations and all are taken (raise network: max-clients:)',
      'esp32 was refused by the access point "esp32-lab": it admits 1 stations and all are taken (raise network: max-clients:)',
    ]);
    const con = (id: string) => r.devices.find((d) => d.id === id)!.console.map((l) => l.text);
    expect(con('pc2')).toEqual(['wlan0: association with "esp32-lab" rejected (status 17: the access point is full); no network']);
    expect(con('esp32')).toEqual(['WiFi: could not join "esp32-lab": the access point refused the association (it is full); WLAN.status() is 203 (STAT_ASSOC_FAIL)']);
    expect(con('pc1')).toEqual([]);
  });

  test('the default admits 32 stations, as a typical home router', async () => {
    const many = Array.from({ length: 33 }, (_, i) => `  pc${i + 1}: { board: pc }`).join('\n');
    const p = parseScenario(`name: many\ntimeout: 2s\ndevices:\n${many}\nsteps:\n  - delay: 1s\n`, 'many.yaml', { dir });
    if (!p.ok) throw new Error(JSON.stringify(p.errors));
    const r = await runScenario(p.scenario);
    expect(r.notices.map((n) => n.device)).toEqual(['pc33']);
  });
});
