/**
 * `esp32sim`: the command line. This file only wires the commands (one module
 * each: run, replay, list, demo, init) to their options and help; every line
 * the command prints goes through `Io` (io.ts). The contract with bin.js:
 * `main(argv)` resolves to the process exit code, never throws.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT } from '../runner/result';
import { LABS_DIR } from '../runner/targets';
import { cmdDemo } from './demo';
import { demoHelp, initHelp, listHelp, mainHelp, replayHelp, runHelp, uiHelp } from './help';
import { cmdInit } from './init';
import { defaultJobs } from './jobs';
import { defaultIo, type Io } from './io';
import { cmdList } from './list';
import { displayPath } from './paths';
import { cmdReplay, type ReplayOpts } from './replay';
import { cmdRun, type RunOpts } from './run';
import type { UiOpts } from './ui';

export type { Io } from './io';
export { displayPath } from './paths';

/** The package's version (package.json next to the sources or the build). */
export function version(): string {
  for (let d = __dirname; ; d = path.dirname(d)) {
    const p = path.join(d, 'package.json');
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'esp32sim' && pkg.version) return pkg.version;
      } catch {
        // keep looking
      }
    }
    if (path.dirname(d) === d) return 'unknown';
  }
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Builds the command line; actions store their exit code in `result.code`. */
export function buildProgram(io: Io, result: { code: number }): Command {
  const cmd = io.cmd ?? 'npx esp32sim';
  const labs = displayPath(LABS_DIR);
  const program = new Command('esp32sim')
    .usage('<command> [options]')
    .description('Deterministic simulator of ESP32 boards running real MicroPython on a virtual WiFi LAN')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (also: <command> --help)')
    .exitOverride()
    .showHelpAfterError(`(${cmd} --help lists the commands)`)
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .addHelpText('after', () => mainHelp(cmd, labs));
  const sub = (name: string) => program.command(name).exitOverride().showHelpAfterError(`(${cmd} ${name} --help explains every option)`);
  sub('run')
    .description('run scenarios (YAML files, lab folders, or a bare ESP32 .py) and print one timeline')
    .argument('<targets...>', 'scenario.yaml, lab folder, folder of labs, lab name, or ESP32 .py script')
    .option('--pc <client.py>', 'with a bare .py: add a PC running this Python script (repeatable)', collect)
    .option('--input <line>', 'with --pc: a line the PC user types into input()/raw_input() (repeatable, in order)', collect)
    .option('--expect-text <text>', 'with a bare .py: pass as soon as the ESP32 prints this (repeatable: in order)', collect)
    .option('--fail-text <text>', 'fail (exit 1) as soon as any device prints this (repeatable)', collect)
    .option('--seed <n>', 'override the scenario seed (a whole number)')
    .option('--seeds <list>', 'run once per seed and report the pass rate: 1-50, or 3,7,13')
    .option('--timeout <duration>', 'override the virtual time budget, with a unit: 30s, 2m, 500ms')
    .option('--watchdog <duration>', 'wall time a script may compute between two kernel calls (default 30s)')
    .option('--wall-timeout <duration>', 'wall time the whole run may take before it stops with exit 43 (default 10m)')
    .option('--pcap <file>', 'write every frame to a capture (Wireshark/tshark): classic pcap, pcapng when <file> ends in .pcapng or the run has 802.11 (ESP-NOW) frames')
    .option('--trace <file>', `record a replay trace (${cmd} replay <file>)`)
    .option('--junit <file>', 'write a JUnit XML report (a testsuite per run, consoles as system-out)')
    .option('--json <file>', 'write the result as JSON (verdict, steps, timings, counters); - for stdout')
    .option('--serial-log <dir>', "write each device's console to <dir>/<device>.log")
    .option('--packets', 'print one line per frame in the timeline')
    .option('--quiet', 'print only failures and the summary')
    .option('--shard <i/n>', 'run only shard i of n of the (sorted) scenario list (one CI machine each: see the README)')
    .option('--jobs <n>', `runs at once, each on its own worker thread (default: one per core, here ${defaultJobs()}; 1: one after the other)`)
    .option('--live', 'live: virtual time paced to wall time, your terminal typed into a device\'s console, the steps not checked')
    .option('--speed <factor>', 'live: times real time (1 by default, 0.5, 10) or max (as fast as it goes)')
    .option('--attach <device>', 'live: the console you type into (default: the first PC with a script); Ctrl-C is KeyboardInterrupt there')
    .option('--forward <spec>', 'live: 127.0.0.1:HOSTPORT into the simulation, HOSTPORT:DEVICE:PORT (8080:esp32:80; udp:5001:esp32:5001) (repeatable)', collect)
    .option('--expose <spec>', 'live: a simulated name relayed to a service on this machine, NAME=127.0.0.1:PORT (broker.local=127.0.0.1:1883) (repeatable)', collect)
    .option('--tap <name>', 'live: bridge the lab WiFi to a new Linux TAP device (needs socat and root or CAP_NET_ADMIN)')
    .option('--color', 'colours even when not on a terminal')
    .option('--no-color', 'plain output without colours')
    .addHelpText('after', runHelp(cmd, labs))
    .action(async (targets: string[], opts: RunOpts) => {
      result.code = await cmdRun(targets, opts, io);
    });
  sub('replay')
    .description('re-run a recorded trace and check that the new run is identical')
    .argument('<trace>', `a file written by ${cmd} run --trace`)
    .option('--against <dir>', 'take the scripts from this folder instead of the trace (to see what an edit changes)')
    .option('--allow-typescript', 'run TypeScript device scripts found in the trace (they get full access to this machine)')
    .option('--color', 'colours even when not on a terminal')
    .option('--no-color', 'plain output without colours')
    .addHelpText('after', replayHelp(cmd, labs))
    .action(async (trace: string, opts: ReplayOpts) => {
      result.code = await cmdReplay(trace, opts, io);
    });
  sub('list')
    .description('list the bundled classroom labs')
    .addHelpText('after', listHelp(cmd, labs))
    .action(() => {
      result.code = cmdList(io);
    });
  sub('demo')
    .description('the classroom demo: the echo and LED labs with readable output')
    .option('--color', 'colours even when not on a terminal')
    .option('--no-color', 'plain output without colours')
    .addHelpText('after', demoHelp(cmd))
    .action(async (opts: { color?: boolean }) => {
      result.code = await cmdDemo(opts, io);
    });
  sub('ui')
    .description('the classroom page: boards, consoles, packets and time travel in a browser (127.0.0.1 only)')
    .argument('[lab]', 'a lab name, lab folder, scenario.yaml or ESP32 .py (none: the page lists the bundled labs)')
    .option('--port <n>', 'the port on 127.0.0.1 (default: a free one)')
    .option('--speed <s>', 'virtual time against wall time at the start: 1, 10 or max (default 1)')
    .option('--paused', 'wait for Run in the page before the simulation starts')
    .addHelpText('after', uiHelp(cmd, labs))
    .action(async (target: string | undefined, opts: UiOpts) => {
      // Loaded here, not at the top: the UI server (http, WebSocket, the page's session) costs a cold
      // `esp32sim run` ~100 ms of its start-up, and only `ui` needs it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { cmdUi } = require('./ui') as typeof import('./ui');
      result.code = await cmdUi(target, opts, io);
    });
  sub('init')
    .description('write a small working lab to start from (scenario.yaml, scripts, README)')
    .argument('[dir]', 'the folder for the new lab (default: the current folder)')
    .addHelpText('after', initHelp(cmd))
    .action((dir: string | undefined) => {
      result.code = cmdInit(dir, io);
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
    // A bug of ours: say so in one line and where to report it, without a stack trace (ESP32SIM_DEBUG=1 shows it).
    const err = e as Error;
    io.err(`esp32sim: internal error: ${err?.message ?? String(e)} (please report it; ESP32SIM_DEBUG=1 shows the details)`);
    if (process.env.ESP32SIM_DEBUG) io.err(String(err?.stack ?? e));
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
