/**
 * The help that teaches: what each command is for, examples for every one
 * (with the command as the user starts it: `npx esp32sim`), exit codes.
 */
import { EXIT_CODES } from '../runner/result';

/** Example lines with their explanations lined up. */
export function examples(cmd: string, rows: [string, string][]): string {
  const lines = rows.map(([c, why]) => [`${cmd} ${c}`.trim(), why] as const);
  const w = Math.max(...lines.map((r) => r[0].length));
  return lines.map(([c, why]) => (c.length > 56 ? `  $ ${c}\n  ${''.padEnd(w > 56 ? 56 : w)}    ${why}` : `  $ ${c.padEnd(Math.min(w, 56))}  ${why}`)).join('\n');
}

export function exitCodes(): string {
  return 'Exit codes:\n' + EXIT_CODES.map(([c, why]) => `  ${String(c).padStart(3)}  ${why}`).join('\n');
}

export function mainHelp(cmd: string, labs: string): string {
  return `
A scenario is one YAML file (scenario.yaml): the WiFi network, the devices
(ESP32 boards and PCs, each running a Python script) and the steps to check,
e.g. "wait until the ESP32 prints 'connected'" or "LED pin 2 is on". Everything
runs in virtual time, so every run gives the same result for the same seed.
The bundled labs live in ${labs}/<lab>/ (scenario.yaml, scripts, README.md).

Examples:
${examples(cmd, [
  ['demo', 'the classroom demo (npm start)'],
  ['list', 'the bundled labs, one line each'],
  [`ui ${labs}/echo`, 'the lab in a browser page: boards, consoles, packets'],
  ['init my-lab', 'start a new lab from a small working template'],
  [`run ${labs}/echo`, 'run one lab'],
  [`run ${labs}`, 'run every lab (one per core at once), then a summary'],
  [`run ${labs} --jobs 4 --junit report.xml`, 'four runs at a time, one JUnit report'],
  ['run my_server.py --pc my_client.py', 'your own scripts, no YAML needed'],
  [`run ${labs}/led-udp --seeds 1-50`, 'how often does a lossy lab pass?'],
  [`run ${labs}/echo --trace echo.trace`, 'record a run...'],
  ['replay echo.trace', '...and check it replays identically'],
])}

${exitCodes()}
Details: ${cmd} <command> --help (run, replay, list, demo, ui, init).`;
}

export function runHelp(cmd: string, labs: string): string {
  return `
A target is a scenario .yaml, a lab folder (its scenario.yaml), a folder of
labs (each subfolder's scenario.yaml), a bundled lab's name (echo), or a bare
ESP32 .py script: that one runs on an ESP32 at 192.168.2.231 on the tutorial's
lab network (already on WiFi), with one PC per --pc script starting at 1s,
until every script ends or the timeout (30s) passes (then exit 42, as Wokwi's
CLI). Durations take a unit: 500ms, 30s, 2m.

Several runs (scenarios × seeds) go on --jobs worker threads at once, by
default one per core; each run is the same as alone (same trace, same pcap)
and its output comes whole, in order, then one summary and one JUnit/JSON.
--shard i/n splits a suite over CI machines; a GitHub Actions template is in
the package: .ci/github-actions/esp32sim-suite.yml (see the README).

Examples:
${examples(cmd, [
  [`run ${labs}/echo`, 'run a lab folder (its scenario.yaml)'],
  ['run lab.yaml --junit report.xml --json result.json', 'CI: exit code, JUnit and JSON reports'],
  [`run ${labs} --jobs 4`, 'four runs at a time on worker threads (--jobs 1: one by one)'],
  [`run ${labs} --shard 1/2`, 'half of all labs (2/2 runs the rest): one CI runner each'],
  [`run ${labs}/led-udp --seeds 1-50`, 'one run per seed: pass rate and failing seeds'],
  ['run server.py --pc client.py', 'a bare script on an ESP32 (192.168.2.231) and a PC'],
  ['run server.py --pc client.py --input hello --input world', '... and the PC user types two lines'],
  ['run main.py --expect-text "ready" --fail-text "Traceback"', 'pass on "ready", fail on a traceback'],
  [`run ${labs}/echo --packets`, 'also one line per frame on the air'],
  [`run ${labs}/echo --serial-log logs/`, "each device's console in logs/<device>.log"],
  [`run ${labs}/echo --trace echo.trace`, 'record a trace for replay'],
  [`run ${labs}/echo --live --trace live.trace`, 'live: type into the PC client, Ctrl-C, replay it later'],
  [`run ${labs}/web-led --forward 8080:esp32:80`, 'live: curl http://127.0.0.1:8080/ reaches the ESP32'],
  ['run pub.py --expose broker.local=127.0.0.1:1883', 'live: the script reaches a real broker on this machine'],
])}

Live runs (--live, or any of --speed, --attach, --forward, --expose, --tap)
pace virtual time to the wall clock and check no steps; the run ends when
every script has ended, at --timeout, or when you end it (Ctrl-C twice,
Ctrl-D, SIGTERM). Ports open on 127.0.0.1 only. --junit and --json files are
written at the end (not --json -: the terminal is the console).

${exitCodes()}`;
}

export function replayHelp(cmd: string, labs: string): string {
  return `
A trace holds the scenario, the content of every script it ran, the seed and
every record of the run; replay re-runs exactly that (nothing is read from
disk) and compares record by record. The trace stays valid when the lab folder
is moved or deleted. Traces with TypeScript device scripts replay only with
--allow-typescript: those scripts run in this process with full access.

Examples:
${examples(cmd, [
  [`run ${labs}/echo --trace echo.trace`, 'record'],
  ['replay echo.trace', 'identical → exit 0; the first difference → exit 1'],
  [`replay echo.trace --against ${labs}/echo`, 'the same run with the scripts in that folder (edited on purpose)'],
])}

${exitCodes()}`;
}

export function listHelp(cmd: string, labs: string): string {
  return `
Examples:
${examples(cmd, [
  ['list', 'every bundled lab: its name and what it shows'],
  [`run ${labs}/led-tcp`, 'then run one'],
])}`;
}

export function demoHelp(cmd: string): string {
  return `
Runs the echo lab and the LED-over-TCP lab with explanations, for a classroom
projector. Nothing to install beyond esp32sim itself.

Examples:
${examples(cmd, [
  ['demo', 'the demo'],
  ['demo --no-color', 'for a terminal without colours'],
])}
  $ npm start                            the same, from a clone of esp32sim`;
}

export function initHelp(cmd: string): string {
  return `
Writes a small working lab into DIR (default: the current folder): scenario.yaml,
an ESP32 script (a TCP echo server), a PC script (its client) and a README.
Existing files are never overwritten. The new lab passes as written.

Examples:
${examples(cmd, [
  ['init my-lab', 'a new lab in ./my-lab'],
  ['run my-lab', 'run it'],
])}`;
}

export function uiHelp(cmd: string, labs: string): string {
  return `
The page runs on this machine only (127.0.0.1), offline: each ESP32 as a board
with its LED (GPIO 2) and BOOT button, a console per device you can type into
(Enter sends the line to input(); Ctrl-C interrupts the script), the topology,
every frame decoded layer by layer with its bytes, each TCP connection's
states, the steps and the verdict. Run, pause, step, change the speed, drag the
time slider back (the run is re-simulated up to that moment with your inputs),
take a link down, edit a script and restart, download the pcap, trace and JUnit.
The server keeps running when you close the tab; Ctrl-C here stops it.

Examples:
${examples(cmd, [
  [`ui ${labs}/echo`, "the tutorial's TCP echo lab: type into the PC console"],
  ['ui led-tcp --speed 10', 'a bundled lab by name, ten times faster'],
  ['ui', 'pick one of the bundled labs in the page'],
  ['ui my-lab --port 8080', 'your own lab on a fixed port'],
])}

Exit codes: 0 stopped with Ctrl-C; 2 unknown lab, bad option or the port is taken.`;
}
