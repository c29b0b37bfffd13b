/**
 * What each step does to a running simulation, and its verdict in words. The
 * run loop (runner.ts) calls `runStep` with a context that can advance virtual
 * time until a condition holds. Inputs (stdin, pins, links, reset, Ctrl-C) go
 * through the device handles, which trace each once.
 */
import type { LinkSpec, SimulationApi } from '../../devices/simulation/api';
import type { Step } from '../schema/model';
import { fmtUs } from '../schema/model';
import { isRunningState, type Observer } from './observe';
import { serviceHint, serviceWaiter, type Cursors } from './services';
import { runPartStep } from './part-steps';

/** How waiting ended: the condition held, the step's own deadline, the scenario timeout, or the run was stopped. */
export type WaitOutcome = 'met' | 'deadline' | 'timeout' | 'crash' | 'fail-text' | 'wall' | 'interrupted';

export interface StepContext {
  api: SimulationApi;
  obs: Observer;
  timeoutUs: number;
  links: Map<string, LinkSpec>;
  /** Where the service steps of each host start reading (runner/services.ts). */
  cursors: Cursors;
  now(): number;
  runUntil(cond: () => boolean, deadline: number): Promise<WaitOutcome>;
}

export interface StepVerdict {
  ok: boolean;
  message: string;
  /** The step did not fail by itself: the run was stopped around it (a crash elsewhere, Ctrl-C, ...). */
  interrupted?: boolean;
}

const STOP_TIMEOUT_US = 5_000_000;
const ok: StepVerdict = { ok: true, message: '' };

function lastLine(s: string): string {
  const lines = s.trimEnd().split('\n');
  return lines[lines.length - 1];
}

type FileStep = Extract<Step, { kind: 'expect-file' | 'wait-file' }>;

function fileMatches(data: Uint8Array | undefined, s: FileStep): boolean {
  if (s.absent) return data === undefined;
  if (data === undefined) return false;
  const text = new TextDecoder().decode(data);
  return s.equals !== undefined ? text === s.equals : s.contains !== undefined ? text.includes(s.contains) : true;
}

/** Why a file step did not hold: what the flash has there (or which files it has). */
function fileMiss(h: { id: string; readFile?(p: string): Uint8Array | undefined; listFiles?(): string[] }, s: FileStep): string {
  const data = h.readFile?.(s.path);
  if (s.absent) return `${h.id} still has ${s.path}`;
  if (data === undefined) {
    const all = h.listFiles?.() ?? [];
    return `${h.id} has no file ${s.path} (its flash has ${all.length ? all.join(', ') : 'no files'})`;
  }
  const text = new TextDecoder().decode(data);
  const shown = text.length > 200 ? JSON.stringify(text.slice(0, 200)) + `… (${data.length} bytes)` : JSON.stringify(text);
  const want = s.equals !== undefined ? `is not ${JSON.stringify(s.equals)}` : `does not contain ${JSON.stringify(s.contains)}`;
  return `${h.id}:${s.path} ${want}: it holds ${shown}`;
}

function waited(c: StepContext, r: WaitOutcome, s: Step, what: string, timeoutUs: number | undefined): StepVerdict {
  switch (r) {
    case 'met':
      return ok;
    case 'crash': {
      const crash = c.obs.crash!;
      const mine = 'device' in s && s.device === crash.device;
      const why = lastLine(crash.failure);
      return mine ? { ok: false, message: `the script on ${crash.device} crashed: ${why}` } : { ok: false, interrupted: true, message: `interrupted: the script on ${crash.device} crashed (${why})` };
    }
    case 'fail-text': {
      const h = c.obs.failHit!;
      return { ok: false, interrupted: true, message: `interrupted: ${h.device} printed the fail text ${JSON.stringify(h.text)}` };
    }
    case 'wall':
      return { ok: false, interrupted: true, message: 'interrupted: the wall-clock limit was reached' };
    case 'interrupted':
      return { ok: false, interrupted: true, message: 'interrupted (Ctrl-C)' };
    case 'timeout':
      return { ok: false, message: `${what} before the scenario timeout (${fmtUs(c.timeoutUs)})` };
    case 'deadline':
      return { ok: false, message: `${what} within ${fmtUs(timeoutUs ?? 0)}` };
  }
}

function deadline(c: StepContext, timeoutUs: number | undefined): number {
  return timeoutUs === undefined ? Infinity : c.now() + timeoutUs;
}

/** What a failed wait-serial adds: the closest line the device did print, or that it printed nothing. */
function serialHint(c: StepContext, device: string, text: string): string {
  const closest = c.obs.closestLine(device, text);
  if (closest !== undefined) return `; the closest line it printed: ${JSON.stringify(closest)}`;
  const last = c.obs.lastLine(device);
  return last !== undefined ? `; the last line it printed: ${JSON.stringify(last)}` : '; it printed nothing since the previous check';
}

export async function runStep(c: StepContext, s: Step): Promise<StepVerdict> {
  const { api, obs } = c;
  switch (s.kind) {
    case 'delay': {
      const r = await c.runUntil(() => false, c.now() + s.us);
      return r === 'deadline' ? ok : waited(c, r, s, 'delay not over', undefined);
    }
    case 'wait-serial': {
      const r = await c.runUntil(obs.serialWaiter(s.device, s.text), deadline(c, s.timeoutUs));
      const v = waited(c, r, s, `${s.device} did not print ${JSON.stringify(s.text)}`, s.timeoutUs);
      if (r === 'deadline' || r === 'timeout') v.message += serialHint(c, s.device, s.text);
      return v;
    }
    case 'expect-serial': {
      obs.flush();
      if (obs.findSerial(s.device, s.text, true)) return ok;
      return { ok: false, message: `${s.device} has not printed ${JSON.stringify(s.text)}${serialHint(c, s.device, s.text)}` };
    }
    case 'write-serial': {
      const lines = s.text.endsWith('\n') ? s.text.slice(0, -1).split('\n') : s.text.split('\n');
      const h = api.device(s.device);
      for (const line of lines) h.writeStdin(line);
      return ok;
    }
    case 'expect-pin': {
      const v = api.device(s.device).pin(s.pin);
      return v === s.value ? ok : { ok: false, message: `pin ${s.pin} of ${s.device} is ${v}, expected ${s.value}` };
    }
    case 'wait-pin': {
      const h = api.device(s.device);
      const r = await c.runUntil(() => h.pin(s.pin) === s.value, deadline(c, s.timeoutUs));
      return waited(c, r, s, `pin ${s.pin} of ${s.device} stayed ${h.pin(s.pin)}, never ${s.value}`, s.timeoutUs);
    }
    case 'set-pin':
      api.device(s.device).setPin(s.pin, s.value);
      return ok;
    case 'link': {
      const merged = { ...(c.links.get(s.device) ?? {}), ...s.link };
      c.links.set(s.device, merged);
      api.device(s.device).setLink(merged);
      return ok;
    }
    case 'reset':
      api.device(s.device).reset();
      obs.skipConsole(s.device);
      return ok;
    case 'stop': {
      const h = api.device(s.device);
      obs.excused.add(s.device);
      if (!isRunningState(h.scriptState())) return { ok: true, message: `${s.device} was not running` };
      // A PC's terminal echoes the keypress, as a real one does (">>> ^CTraceback ...").
      if (h.kind === 'pc') h.console.write('^C');
      h.interrupt();
      const t = s.timeoutUs ?? STOP_TIMEOUT_US;
      const r = await c.runUntil(() => !isRunningState(h.scriptState()), deadline(c, t));
      return waited(c, r, s, `${s.device} still running after Ctrl-C`, t);
    }
    case 'expect-mqtt':
    case 'wait-mqtt': {
      const { kind: _k, broker, timeoutUs, line: _l, name: _n, ...want } = s;
      const find = serviceWaiter(api, c.cursors, broker, 'mqtt', want);
      const what = `${broker} routed no message on ${s.topic}${s.payload !== undefined ? ` with payload ${JSON.stringify(s.payload)}` : s.contains !== undefined ? ` containing ${JSON.stringify(s.contains)}` : ''}${s.from ? ` from ${s.from}` : ''}`;
      if (s.kind === 'expect-mqtt') return find() ? ok : { ok: false, message: `${what}${serviceHint(api, c.cursors, broker, 'mqtt')}` };
      const r = await c.runUntil(find, deadline(c, timeoutUs));
      const v = waited(c, r, s, what, timeoutUs);
      if (r === 'deadline' || r === 'timeout') v.message += serviceHint(api, c.cursors, broker, 'mqtt');
      return v;
    }
    case 'expect-http-request':
    case 'wait-http-request': {
      const { kind: _k, host, timeoutUs, line: _l, name: _n, ...want } = s;
      const find = serviceWaiter(api, c.cursors, host, 'http', want);
      const what = `${host} had no request ${s.method ?? ''} ${s.path}${s.status ? ` answered ${s.status}` : ''}${s.body !== undefined ? ` with a body containing ${JSON.stringify(s.body)}` : ''}`.replace('  ', ' ');
      if (s.kind === 'expect-http-request') return find() ? ok : { ok: false, message: `${what}${serviceHint(api, c.cursors, host, 'http')}` };
      const r = await c.runUntil(find, deadline(c, timeoutUs));
      const v = waited(c, r, s, what, timeoutUs);
      if (r === 'deadline' || r === 'timeout') v.message += serviceHint(api, c.cursors, host, 'http');
      return v;
    }
    case 'press':
    case 'release':
    case 'set-analog':
    case 'set-sensor':
    case 'expect-neopixel':
    case 'wait-pin-change':
      return runPartStep(c, s, (r, what, t) => waited(c, r, s, what, t));
    case 'expect-file':
    case 'wait-file': {
      const h = api.device(s.device);
      const check = () => fileMatches(h.readFile?.(s.path), s);
      if (s.kind === 'expect-file') return check() ? ok : { ok: false, message: fileMiss(h, s) };
      const r = await c.runUntil(check, deadline(c, s.timeoutUs));
      const v = waited(c, r, s, fileMiss(h, s), s.timeoutUs);
      return v;
    }
    case 'expect-exit': {
      const h = api.device(s.device);
      const r = await c.runUntil(() => !isRunningState(h.scriptState()), deadline(c, s.timeoutUs));
      if (r !== 'met') return waited(c, r, s, `${s.device} did not exit`, s.timeoutUs);
      const code = h.exitCode();
      if (code === s.code) return ok;
      const why = h.failure();
      return { ok: false, message: `${s.device} exited with code ${code}, expected ${s.code}${why ? `: ${lastLine(why)}` : ''}` };
    }
  }
}
