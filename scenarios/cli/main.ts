/**
 * `esp32sim`: run scenarios and labs, replay traces, list the bundled labs and
 * show the classroom demo. Exit codes as Wokwi: 0 all passed, 1 a step failed
 * or a script crashed, 2 bad input, 42 timeout.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { parseDuration } from '../../sim/simulator';
import { junitXml, type JunitInputError } from '../runner/junit';
import { bareScenarioYaml, expandTargets, LABS_DIR, listLabs } from '../runner/targets';
import { formatError, type Scenario } from '../schema/model';
import { EXIT_BAD_INPUT, runScenario, type RunResult, type SimulationFactory } from '../runner/runner';
import { loadScenario, parseScenario, type ParseResult } from '../schema/index';
import { parseShard, shardOf } from '../runner/shard';
import { compareTraces, parseTrace, traceText } from '../runner/tracefile';
import { Timeline } from './timeline';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** stderr is a terminal: show progress. */
  progress: boolean;
  /** stdout supports colour (overridden by --no-color). */
  color: boolean;
  createSimulation?: SimulationFactory;
  /** Wall clock for the speed figures only (never reaches the simulation). */
  wallMs?: () => number;
}

export function defaultIo(): Io {
  return {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    progress: Boolean(process.stderr.isTTY),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

interface RunOpts {
  pc?: string[];
  input?: string[];
  seed?: string;
  timeout?: string;
  pcap?: string;
  trace?: string;
  junit?: string;
  packets?: boolean;
  quiet?: boolean;
  shard?: string;
  color?: boolean;
}

interface Job {
  key: string;
  load: () => ParseResult;
}

const RUN_EXAMPLES = `
A target is a scenario .yaml, a lab folder (its scenario.yaml), a folder of
labs (each subfolder's scenario.yaml), or a bare ESP32 .py script: that one runs
on an ESP32 at 192.168.2.231 on the tutorial's lab network (already on WiFi),
with one PC per --pc script starting at 1s, until every script ends or the
timeout (30s) passes. A lab name alone works too: esp32sim run echo.

Examples:
  $ esp32sim run scenarios/labs/echo                  run a lab folder (its scenario.yaml)
  $ esp32sim run lab.yaml --junit report.xml     CI: exit code + JUnit report
  $ esp32sim run scenarios/labs --shard 1/2           half of all labs (2/2 runs the rest)
  $ esp32sim run server.py --pc client.py        a bare script on an ESP32 (192.168.2.231) and a PC
  $ esp32sim run server.py --pc client.py --input hello --input world
                                                 ... and the PC user types two lines
  $ esp32sim run scenarios/labs/echo --packets        also one line per frame on the air
  $ esp32sim run scenarios/labs/echo --trace echo.trace && esp32sim replay echo.trace

Exit codes: 0 all steps passed, 1 a step failed or a script crashed, 2 bad input, 42 timeout.`;

/** Example lines with their explanations lined up. */
function examples(rows: [string, string][]): string {
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([cmd, why]) => `  $ ${cmd.padEnd(w)}  ${why}`).join('\n');
}

const MAIN_HELP = (): string => {
  const labs = displayPath(LABS_DIR);
  return `
A scenario is one YAML file (scenario.yaml): the WiFi network, the devices
(ESP32 boards and PCs, each running a Python script) and the steps to check,
e.g. "wait until the ESP32 prints 'connected'" or "LED pin 2 is on". Everything
runs in virtual time, so every run gives the same result for the same seed.
The bundled labs live in ${labs}/<lab>/ (scenario.yaml, scripts, README.md).

Examples:
${examples([
    ['esp32sim demo', 'the classroom demo (npm start)'],
    ['esp32sim list', 'the bundled labs, one line each'],
    [`esp32sim run ${labs}/echo`, 'run one lab'],
    [`esp32sim run ${labs}`, 'run every lab, then a summary'],
    ['esp32sim run my_server.py --pc my_client.py', 'your own scripts, no YAML needed'],
    [`esp32sim run ${labs}/echo --trace echo.trace`, 'record a run...'],
    ['esp32sim replay echo.trace', '...and check it replays identically'],
  ])}

Exit codes: 0 all steps passed, 1 a step failed or a script crashed,
            2 bad input (e.g. a YAML error, shown as file:line), 42 timeout.
Details: esp32sim run --help, esp32sim replay --help.`;
};

function worst(codes: number[]): number {
  for (const c of [2, 1, 42]) if (codes.includes(c)) return c;
  return 0;
}

function suffixed(file: string, tag: string, many: boolean): string {
  if (!many) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${tag}${ext}`;
}

async function runOne(s: Scenario, io: Io, o: RunOpts, extra: { seed?: number; timeoutUs?: number; many: boolean; tag: string; noHeader?: boolean }): Promise<RunResult> {
  const tl = new Timeline({ color: o.color !== false && io.color, quiet: o.quiet, packets: o.packets, write: io.out });
  const ips: Record<string, string> = {};
  for (const d of s.devices) if (d.ip) ips[d.id] = d.ip;
  tl.devices(s.devices.map((d) => d.id), ips);
  if (!o.quiet && !extra.noHeader) tl.header(s.name, displayPath(s.file));
  const wall = io.wallMs ?? (() => performance.now());
  const t0 = wall();
  let shown = false;
  let lastProgress = -Infinity;
  const r = await runScenario(s, {
    createSimulation: io.createSimulation ?? (await import('../runner/simulation')).createDefaultSimulation,
    seed: extra.seed,
    timeoutUs: extra.timeoutUs,
    recordTrace: Boolean(o.trace),
    pcap: Boolean(o.pcap),
    frames: Boolean(o.packets),
    onEvent: (ev) => {
      if (shown) {
        process.stderr.write('\r\x1b[K');
        shown = false;
      }
      tl.event(ev);
    },
    onProgress: io.progress
      ? (now, end) => {
          const w = wall();
          if (w - lastProgress < 100) return; // at most ten updates a wall second
          lastProgress = w;
          process.stderr.write(`\r\x1b[K⧗ ${s.name}: ${(now / 1e6).toFixed(1)}s / ${(end / 1e6).toFixed(0)}s virtual`);
          shown = true;
        }
      : undefined,
  });
  if (shown) process.stderr.write('\r\x1b[K');
  tl.summary(r, wall() - t0);
  if (o.pcap && r.pcap) {
    const f = suffixed(o.pcap, extra.tag, extra.many);
    writeFileSync(f, r.pcap);
    io.err(`pcap written to ${f} (open it in Wireshark, or: tshark -r ${f})`);
  }
  if (o.trace) {
    const f = suffixed(o.trace, extra.tag, extra.many);
    writeFileSync(f, traceText(r));
    io.err(`trace written to ${f} (check it with: esp32sim replay ${f})`);
  }
  return r;
}

async function cmdRun(targets: string[], o: RunOpts, io: Io): Promise<number> {
  let seed: number | undefined;
  let timeoutUs: number | undefined;
  if (o.seed !== undefined) {
    seed = Number(o.seed);
    if (!/^\d+$/.test(o.seed) || seed > 2 ** 32 - 1) return bad(io, `--seed ${o.seed}: expected a whole number`);
  }
  if (o.timeout !== undefined) {
    try {
      timeoutUs = parseDuration(o.timeout);
    } catch (e) {
      return bad(io, `--timeout: ${(e as Error).message}`);
    }
  }
  const expanded = expandTargets(targets);
  const missing = expanded.filter((t) => t.kind === 'missing');
  for (const m of missing) io.err(`esp32sim: ${m.file}: ${m.kind === 'missing' ? m.why : ''}`);
  for (const t of expanded) if (t.kind === 'skip') io.err(`(skipping ${t.file}: ${t.why})`);
  if (missing.length) return EXIT_BAD_INPUT;
  const pcs = o.pc ?? [];
  for (const p of pcs) if (!existsSync(p)) return bad(io, `--pc ${p}: no such file`);
  const pys = expanded.filter((t) => t.kind === 'py');
  if (pcs.length && !pys.length) return bad(io, '--pc adds PCs to a bare .py run: give an ESP32 .py script too');
  let jobs: Job[] = expanded.filter((t) => t.kind === 'py' || t.kind === 'yaml').map((t) =>
    t.kind === 'py'
      ? { key: path.resolve(t.file), load: () => parseScenario(bareScenarioYaml(t.file, pcs, undefined, o.input ?? []), t.file, { dir: process.cwd() }) }
      : { key: path.resolve(t.file), load: () => loadScenario(t.file) },
  );
  if (o.shard !== undefined) {
    const sh = parseShard(o.shard);
    if (!sh) return bad(io, `--shard ${o.shard}: expected i/n with 1 <= i <= n`);
    const keep = new Set(shardOf(jobs.map((j) => j.key), sh.index, sh.count));
    jobs = jobs.filter((j) => keep.has(j.key)).sort((a, b) => (a.key < b.key ? -1 : 1));
    jobs = jobs.filter((j, i) => jobs.findIndex((k) => k.key === j.key) === i);
    io.err(`shard ${sh.index}/${sh.count}: ${jobs.length} scenario(s)`);
  }
  const codes: number[] = [];
  const results: RunResult[] = [];
  const inputErrors: JunitInputError[] = [];
  for (const job of jobs) {
    const p = job.load();
    if (!p.ok) {
      const lines = p.errors.map(formatError);
      for (const l of lines) io.err(l);
      inputErrors.push({ file: p.errors[0]?.file ?? job.key, errors: lines });
      codes.push(EXIT_BAD_INPUT);
      continue;
    }
    const tag = path.basename(p.scenario.dir) + (p.scenario.file.endsWith('.py') ? '-' + path.basename(p.scenario.file, '.py') : '');
    const r = await runOne(p.scenario, io, o, { seed, timeoutUs, many: jobs.length > 1, tag });
    results.push(r);
    codes.push(r.exitCode);
    if (jobs.length > 1 && !o.quiet) io.out('');
  }
  if (o.junit) {
    writeFileSync(o.junit, junitXml(results, inputErrors));
    io.err(`JUnit report written to ${o.junit}`);
  }
  if (jobs.length > 1) overall(io, o, results, inputErrors);
  return worst(codes);
}

/** The summary across scenarios: one line each, then the totals. */
function overall(io: Io, o: RunOpts, results: readonly RunResult[], inputErrors: readonly JunitInputError[]): void {
  const c = new Timeline({ color: o.color !== false && io.color, write: io.out }).c;
  const rel = (f: string) => displayPath(f);
  if (!o.quiet) io.out(c.bold(`Summary of ${results.length + inputErrors.length} scenarios`));
  for (const r of results) {
    if (o.quiet && r.exitCode === 0) continue; // quiet: each already has its one line
    const mark = r.exitCode === 0 ? c.green('✔ pass   ') : r.exitCode === 42 ? c.yellow('⧗ timeout') : c.red('✘ fail   ');
    io.out(`  ${mark} ${r.scenario.name} ${c.dim(rel(r.scenario.file))}${r.exitCode ? `\n              ${r.reason}` : ''}`);
  }
  for (const e of inputErrors) io.out(`  ${c.red('✘ bad input')} ${c.dim(rel(e.file))}\n              ${e.errors[0] ?? ''}`);
  const passed = results.filter((r) => r.exitCode === 0).length;
  const total = results.length + inputErrors.length;
  const line = `${passed}/${total} scenarios passed`;
  io.out(passed === total ? c.green(c.bold(line)) : c.red(c.bold(line)));
}

/** A path as the user would type it: relative to the current folder unless that climbs out of it. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return !rel ? file : rel.startsWith('..') ? path.resolve(file) : rel;
}

function bad(io: Io, msg: string): number {
  io.err(`esp32sim: ${msg}`);
  return EXIT_BAD_INPUT;
}

async function cmdReplay(file: string, o: { color?: boolean; quiet?: boolean }, io: Io): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return bad(io, `${file}: cannot read`);
  }
  const t = parseTrace(text);
  if (!t.ok) return bad(io, `${file}:${t.error}`);
  const h = t.header;
  const p = parseScenario(h.scenario, h.file, { dir: h.dir });
  if (!p.ok) {
    for (const e of p.errors) io.err(formatError(e));
    return EXIT_BAD_INPUT;
  }
  for (const rec of h.scripts) {
    const now = p.scenario.scripts.find((s) => s.device === rec.device);
    if (now && now.sha256 !== rec.sha256) io.err(`warning: ${now.path} (${rec.device}) changed since the recording (sha256 ${rec.sha256.slice(0, 12)} → ${now.sha256.slice(0, 12)})`);
  }
  const tl = new Timeline({ color: o.color !== false && io.color, quiet: true, write: io.out });
  const r = await runScenario(p.scenario, {
    createSimulation: io.createSimulation ?? (await import('../runner/simulation')).createDefaultSimulation,
    seed: h.seed,
    timeoutUs: h.timeoutUs,
    recordTrace: true,
  });
  const d = compareTraces(t.records, r.trace);
  const what = `${h.name} (seed ${h.seed}, ${displayPath(h.file)})`;
  if (d.identical) {
    io.out(`${tl.c.green('✔ identical')}: the replay of ${what} matches the recording, all ${d.count} records`);
    return 0;
  }
  io.out(`${tl.c.red('✘ diverged')}: the replay of ${what} differs from the recording`);
  io.out(`first difference at record ${d.index + 1} (line ${d.index + 2} of ${file}), after:`);
  for (const c of d.context) io.out(`  ${tl.c.dim(c)}`);
  io.out(tl.c.red(`- recorded: ${d.recorded ?? '(end of trace)'}`));
  io.out(tl.c.green(`+ replayed: ${d.replayed ?? '(end of trace)'}`));
  return 1;
}

function cmdList(io: Io): number {
  const labs = listLabs();
  const w = Math.max(...labs.map((l) => l.id.length), 4);
  for (const l of labs) io.out(`${l.id.padEnd(w)}  ${l.name}${l.description ? ` — ${l.description}` : ''}`);
  io.out(`\nRun one with: esp32sim run ${path.relative(process.cwd(), LABS_DIR) || '.'}/<lab>`);
  return 0;
}

/** What the demo says before each lab, in classroom words. */
const DEMO_INTRO: Record<string, string[]> = {
  echo: [
    'The socket tutorial, unchanged: the ESP32 (192.168.2.231) runs a TCP echo server,',
    'a PC runs the Python client and "types" three lines. Watch the server print each',
    'one as bytes (b\'...\'), then the student presses Ctrl-C on the PC.',
  ],
  'led-tcp': [
    "The tutorial's closing question answered: commands over TCP switch the ESP32's LED",
    '(pin 2). The ✔ lines check the pin level over time: on, off, blinking every 500 ms;',
    'a second PC ("phone") asks for the state while the first one is still connected.',
  ],
};

async function cmdDemo(o: { color?: boolean }, io: Io): Promise<number> {
  const c = new Timeline({ color: o.color !== false && io.color, write: io.out }).c;
  const labs = displayPath(LABS_DIR);
  const rule = c.dim('─'.repeat(78));
  io.out(rule);
  io.out(c.bold('esp32sim classroom demo'));
  io.out('A virtual ESP32 runs real MicroPython on a simulated WiFi LAN, and virtual PCs talk');
  io.out('to it over TCP/IP, byte for byte as on real hardware. Each line below reads:');
  io.out(`  ${c.dim('virtual time')}  ${c.cyan('device')} │ what it printed     ${c.green('✔')} a check of the lab passed`);
  io.out(rule);
  const codes: number[] = [];
  const demoLabs = ['echo', 'led-tcp'];
  for (const [i, lab] of demoLabs.entries()) {
    const p = loadScenario(path.join(LABS_DIR, lab, 'scenario.yaml'));
    if (!p.ok) {
      for (const e of p.errors) io.err(formatError(e));
      codes.push(EXIT_BAD_INPUT);
      continue;
    }
    io.out('');
    io.out(c.bold(`Part ${i + 1} of ${demoLabs.length}: ${p.scenario.name}`) + c.dim(`  (esp32sim run ${labs}/${lab})`));
    for (const l of DEMO_INTRO[lab] ?? [p.scenario.description ?? '']) io.out(c.dim(l));
    io.out('');
    const r = await runOne(p.scenario, io, { color: o.color, quiet: false }, { many: false, tag: lab, noHeader: true });
    codes.push(r.exitCode);
  }
  io.out('');
  io.out(rule);
  io.out(c.bold('What just happened'));
  io.out('- Both labs ran in virtual time: the clock jumps from one event to the next, so');
  io.out('  every run prints exactly the same lines at the same times (try it again).');
  io.out("- In the echo lab the server ended without printing 'close socket': the client was");
  io.out('  stopped with unread echoes, so its OS reset the connection (RST), recv() raised');
  io.out(`  ECONNRESET and the bare except: closed the socket. ${labs}/echo/README.md explains it.`);
  io.out('');
  io.out(c.bold('Next steps'));
  io.out(
    examples([
      ['esp32sim list', `all ${listLabs().length} labs, one line each`],
      [`esp32sim run ${labs}/led-udp`, 'run a lab (its README.md says what to look for)'],
      [`esp32sim run ${labs}/echo --packets`, 'the same run, with every frame on the air'],
      ['esp32sim run server.py --pc client.py', 'your own ESP32 server and PC client'],
      ['esp32sim --help', 'scenario files, exit codes, replay'],
    ]).replace(/\$ /g, ''),
  );
  io.out(rule);
  return worst(codes);
}

/** Builds the command line; actions store their exit code in `result.code`. */
export function buildProgram(io: Io, result: { code: number }): Command {
  const program = new Command('esp32sim')
    .description('Deterministic simulator of ESP32 boards running real MicroPython on a virtual WiFi LAN')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .addHelpText('after', () => MAIN_HELP());
  program
    .command('run')
    .description('run scenarios (YAML files, lab folders, or a bare ESP32 .py) and print one timeline')
    .argument('<targets...>', 'scenario.yaml, lab folder, folder of labs, or ESP32 .py script')
    .option('--pc <client.py>', 'with a bare .py: add a PC host running this Python script (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--input <line>', 'with --pc: a line the PC user types into input()/raw_input() (repeatable, in order)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--seed <n>', 'override the scenario seed')
    .option('--timeout <duration>', 'override the virtual time budget, e.g. 30s, 2m')
    .option('--pcap <file>', 'write every frame to a pcap file (Wireshark/tshark)')
    .option('--trace <file>', 'record a replay trace (esp32sim replay <file>)')
    .option('--junit <file>', 'write a JUnit XML report (one testsuite per scenario)')
    .option('--packets', 'print one line per frame in the timeline')
    .option('--quiet', 'print only failures and the summary')
    .option('--shard <i/n>', 'run only shard i of n of the (sorted) scenario list')
    .option('--no-color', 'plain output without colours')
    .addHelpText('after', RUN_EXAMPLES)
    .action(async (targets: string[], opts: RunOpts) => {
      result.code = await cmdRun(targets, opts, io);
    });
  program
    .command('replay')
    .description('re-run a recorded trace and check that the new run is identical')
    .argument('<trace>', 'a file written by esp32sim run --trace')
    .option('--no-color', 'plain output without colours')
    .addHelpText('after', '\nExamples:\n  $ esp32sim run scenarios/labs/echo --trace echo.trace\n  $ esp32sim replay echo.trace      # → identical (N records), exit 0\n\nA difference prints the first differing record with the records before it, exit 1.')
    .action(async (trace: string, opts: { color?: boolean }) => {
      result.code = await cmdReplay(trace, opts, io);
    });
  program
    .command('list')
    .description('list the bundled classroom labs')
    .addHelpText('after', '\nExamples:\n  $ esp32sim list\n  $ esp32sim run scenarios/labs/led-tcp')
    .action(() => {
      result.code = cmdList(io);
    });
  program
    .command('demo')
    .description('the classroom demo: the echo and LED labs with readable output')
    .addOption(new Option('--no-color', 'plain output without colours'))
    .addHelpText('after', '\nExamples:\n  $ esp32sim demo\n  $ npm start')
    .action(async (opts: { color?: boolean }) => {
      result.code = await cmdDemo(opts, io);
    });
  return program;
}

/** Runs the command line; resolves to the process exit code. */
export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const result = { code: 0 };
  const program = buildProgram(io, result);
  try {
    if (!argv.length) {
      program.outputHelp();
      return EXIT_BAD_INPUT;
    }
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version' ? 0 : EXIT_BAD_INPUT;
    }
    io.err(`esp32sim: internal error: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(String(e) + '\n');
      process.exit(1);
    },
  );
}
