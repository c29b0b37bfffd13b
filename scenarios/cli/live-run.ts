/**
 * `esp32sim run … --live` (also implied by --speed, --attach, --forward,
 * --expose, --tap): one scenario, its virtual time paced to wall time, the
 * terminal attached to a device's console, and the host links opened on
 * 127.0.0.1. Everything is checked before the simulation starts (exit 2);
 * at the end every port, connection and helper is closed.
 */
import type { ExposeSpec, ForwardSpec, GatewaySpec } from '../../devices/simulation/api';
import { EXIT_BAD_INPUT, type RunResult } from '../runner/result';
import { LiveInputs, type Speed } from '../runner/live';
import { MAX_DURATION_US } from '../schema/values';
import type { Scenario } from '../schema/model';
import type { Io } from './io';
import { HostLinks } from './hostlinks';
import { checkHostPort, checkTap, findSocat, parseExpose, parseForward, parseSpeed } from './live-options';
import { runOne, type RunOneOpts } from './runone';
import { attachTerminal } from './terminal';

export interface LiveOpts {
  live?: boolean;
  speed?: string;
  attach?: string;
  forward?: string[];
  expose?: string[];
  tap?: string;
}

/** Does this command ask for a live run? */
export function wantsLive(o: LiveOpts): boolean {
  return Boolean(o.live || o.speed !== undefined || o.attach !== undefined || o.forward?.length || o.expose?.length || o.tap !== undefined);
}

/** The live wall-clock safety net: a session lasts as long as the user wants (a day at most). */
const LIVE_WALL_LIMIT_MS = 24 * 3600_000;

type Checked = { speed: Speed; attach: string | undefined; gateway: GatewaySpec | undefined; tap: string | undefined };

/** Every live option checked against the scenario; a message for the first mistake. */
export async function checkLive(s: Scenario, o: LiveOpts): Promise<{ ok: true; value: Checked } | { ok: false; error: string }> {
  let speed: Speed = 1;
  if (o.speed !== undefined) {
    const r = parseSpeed(o.speed);
    if (!r.ok) return r;
    speed = r.value;
  }
  let attach: string | undefined;
  if (o.attach !== undefined) {
    if (!s.devices.some((d) => d.id === o.attach && d.script)) {
      return { ok: false, error: `--attach ${o.attach}: the scenario has no device "${o.attach}" running a script (devices: ${s.devices.filter((d) => d.script).map((d) => d.id).join(', ')})` };
    }
    attach = o.attach;
  } else {
    // The tutorial's client is typed into: the first PC with a script, else the first device with one.
    attach = (s.devices.find((d) => d.board === 'pc' && d.script) ?? s.devices.find((d) => d.script))?.id;
  }
  const forwards: ForwardSpec[] = [];
  for (const text of o.forward ?? []) {
    const r = parseForward(text, s);
    if (!r.ok) return r;
    if (forwards.some((f) => f.proto === r.value.proto && f.hostPort === r.value.hostPort)) return { ok: false, error: `--forward ${text}: host port ${r.value.hostPort} is forwarded twice` };
    const why = await checkHostPort(`--forward ${text}`, r.value);
    if (why) return { ok: false, error: why };
    forwards.push(r.value);
  }
  const exposes: ExposeSpec[] = [];
  for (const text of o.expose ?? []) {
    const r = parseExpose(text, s);
    if (!r.ok) return r;
    if (exposes.some((e) => e.name.toLowerCase() === r.value.name.toLowerCase())) return { ok: false, error: `--expose ${text}: the name ${r.value.name} is exposed twice` };
    if (exposes.some((e) => e.port === r.value.port)) return { ok: false, error: `--expose ${text}: port ${r.value.port} is exposed twice (the gateway has one address; one service per port)` };
    exposes.push(r.value);
  }
  if (o.tap !== undefined) {
    const why = checkTap(o.tap);
    if (why) return { ok: false, error: why };
  }
  const gateway = forwards.length || exposes.length ? { ...(forwards.length ? { forwards } : {}), ...(exposes.length ? { exposes } : {}) } : undefined;
  return { ok: true, value: { speed, attach, gateway, tap: o.tap } };
}

/** What a live session ended with: its exit code, and the result when it ran (for --junit/--json). */
export interface LiveOutcome {
  exitCode: number;
  result?: RunResult;
  /** Its pcap, trace and serial logs were written. */
  filesOk: boolean;
}

export async function runLive(s: Scenario, o: LiveOpts, io: Io, base: RunOneOpts): Promise<LiveOutcome> {
  const c = await checkLive(s, o);
  if (!c.ok) {
    io.err(`esp32sim: ${c.error}`);
    return { exitCode: EXIT_BAD_INPUT, filesOk: true };
  }
  const { speed, attach, gateway, tap } = c.value;
  const live = new LiveInputs({ speed });
  const links = new HostLinks(live, gateway ?? {});
  try {
    await links.listen();
    if (tap !== undefined) await links.tap(tap, findSocat()!);
  } catch (e) {
    await links.close();
    io.err(`esp32sim: ${(e as Error).message}`);
    return { exitCode: EXIT_BAD_INPUT, filesOk: true };
  }
  const say = (line: string) => io.err(line);
  for (const f of gateway?.forwards ?? []) say(`forwarding ${f.proto === 'udp' ? 'udp ' : ''}127.0.0.1:${f.hostPort} → ${f.target}:${f.port}`);
  for (const e of gateway?.exposes ?? []) say(`exposing ${e.hostIp}:${e.port} to the simulation as ${e.name}:${e.port}`);
  if (tap !== undefined) say(`TAP ${tap} bridged to the lab WiFi (configure it: ip link/ip addr, or a DHCP client)`);
  say(`live at ${speed === 'max' ? 'full speed' : `${speed}× real time`}${attach ? `: typing goes to ${attach}; Ctrl-C sends KeyboardInterrupt, Ctrl-C again or Ctrl-D ends the session` : '; Ctrl-C ends the session'}`);
  const term = attachTerminal(live, attach, (l) => term.write(l));
  try {
    const { result, filesOk } = await runOne(s, io, {
      ...base,
      timeoutUs: base.timeoutUs ?? MAX_DURATION_US,
      wallTimeoutMs: base.wallTimeoutMs ?? LIVE_WALL_LIMIT_MS,
      write: (l) => term.write(l),
      live: { inputs: live, ...(attach !== undefined ? { attach } : {}), ...(gateway ? { gateway } : {}), ...(tap !== undefined ? { tap: true } : {}), onSimulation: (api) => links.hook(api) },
    });
    return { exitCode: result.exitCode, result, filesOk };
  } finally {
    term.close();
    await links.close();
  }
}
