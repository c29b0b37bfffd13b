/** `esp32sim demo` (npm start): the echo lab and the LED lab, explained for a classroom. */
import * as path from 'node:path';
import { EXIT_BAD_INPUT } from '../runner/result';
import { LABS_DIR, listLabs } from '../runner/targets';
import { loadScenario } from '../schema/index';
import { formatError } from '../schema/model';
import { examples } from './help';
import type { Io } from './io';
import { labRef } from './paths';
import { runOne } from './runone';
import { worst } from './run';
import { Timeline } from './timeline';

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
    'The client also sends one command in two pieces ("LED O", then "FF"): TCP is a byte',
    'stream, and the server only acts on complete lines.',
  ],
};

export async function cmdDemo(o: { color?: boolean }, io: Io): Promise<number> {
  const color = o.color ?? io.color;
  const cmd = io.cmd ?? 'npx esp32sim';
  const c = new Timeline({ color, write: io.out }).c;
  const lab = (id: string) => labRef(LABS_DIR, id);
  const rule = c.dim('─'.repeat(78));
  io.out(rule);
  io.out(c.bold('esp32sim classroom demo'));
  io.out('A virtual ESP32 runs real MicroPython on a simulated WiFi LAN, and virtual PCs talk');
  io.out('to it over TCP/IP, byte for byte as on real hardware. Each line below reads:');
  io.out(`  ${c.dim('virtual time')}  ${c.cyan('device')} │ what it printed     ${c.green('✔')} a check of the lab passed`);
  io.out(rule);
  const codes: number[] = [];
  const demoLabs = ['echo', 'led-tcp'];
  const abort = new AbortController();
  const unsubscribe = io.onInterrupt?.(() => abort.abort());
  try {
    for (const [i, lab] of demoLabs.entries()) {
      if (abort.signal.aborted) break;
      const p = loadScenario(path.join(LABS_DIR, lab, 'scenario.yaml'));
      if (!p.ok) {
        for (const e of p.errors) io.err(formatError(e));
        codes.push(EXIT_BAD_INPUT);
        continue;
      }
      io.out('');
      io.out(c.bold(`Part ${i + 1} of ${demoLabs.length}: ${p.scenario.name}`) + c.dim(`  (${cmd} run ${labRef(LABS_DIR, lab)})`));
      for (const l of DEMO_INTRO[lab] ?? [p.scenario.description ?? '']) io.out(c.dim(l));
      io.out('');
      const { result } = await runOne(p.scenario, io, { color, many: false, tag: lab, noHeader: true, signal: abort.signal });
      codes.push(result.exitCode);
    }
  } finally {
    unsubscribe?.();
  }
  if (abort.signal.aborted) return 130;
  io.out('');
  io.out(rule);
  io.out(c.bold('What just happened'));
  io.out('- Both labs ran in virtual time: the clock jumps from one event to the next, so');
  io.out('  every run prints exactly the same lines at the same times (try it again).');
  io.out("- In the echo lab the server ended without printing 'close socket': the client was");
  io.out('  stopped with unread echoes, so its OS reset the connection (RST), recv() raised');
  io.out(`  ECONNRESET and the bare except: closed the socket. The echo lab\'s README.md explains it.`);
  io.out('');
  io.out(c.bold('Next steps'));
  io.out(
    examples(cmd, [
      [`ui ${lab('echo')}`, 'the echo lab in your browser: type into the PC, watch every packet'],
      ['list', `all ${listLabs().length} labs, one line each`],
      [`run ${lab('led-udp')}`, 'run a lab (its README.md says what to look for)'],
      [`run ${lab('echo')} --packets`, 'the same run, with every frame on the air'],
      ['init my-lab', 'start your own lab from a template'],
      ['run server.py --pc client.py', 'your own ESP32 server and PC client'],
      ['--help', 'scenario files, exit codes, replay'],
    ]).replace(/\$ /g, ''),
  );
  io.out(rule);
  return worst(codes);
}
