/**
 * Everything the command prints or hears goes through one `Io`: lines to
 * stdout and stderr, the one progress line, colour, Ctrl-C. `defaultIo()` is
 * the terminal as Node CLIs treat it: FORCE_COLOR / NO_COLOR / TERM=dumb /
 * not a TTY decide colour; a closed pipe (`| head`) is not an error.
 */
import type { SimulationFactory } from '../runner/result';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Rewrites the one progress line on stderr ('' clears it); absent: no progress line. */
  progress?: (text: string) => void;
  /** Colour on stdout (the --color / --no-color options override it). */
  color: boolean;
  createSimulation?: SimulationFactory;
  /** Wall clock for timings in reports (never reaches the simulation). */
  wallMs?: () => number;
  /** How the user starts the command, in examples and hints (default `npx esp32sim`). */
  cmd?: string;
  /** The module a `run --jobs` worker thread loads to run scenarios (it exports serveJobs); default: jobs.ts's own file. */
  workerEntry?: string;
  /** Subscribes to Ctrl-C; returns the unsubscribe. */
  onInterrupt?: (fn: () => void) => () => void;
}

type Env = Record<string, string | undefined>;

/** Node's rules (tty.hasColors and FORCE_COLOR/NO_COLOR as documented): FORCE_COLOR wins, then NO_COLOR, TERM=dumb, no TTY. */
export function colorSupported(env: Env, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.NODE_DISABLE_COLORS !== undefined && env.NODE_DISABLE_COLORS !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

/** A `\r` progress line only on an interactive terminal that can redraw it. */
export function progressSupported(env: Env, isTTY: boolean): boolean {
  return isTTY && env.TERM !== 'dumb' && !env.CI;
}

/** `npx esp32sim` unless told otherwise (ESP32SIM_CMD), as that is what works after `npm install`. */
export function commandName(env: Env): string {
  return env.ESP32SIM_CMD?.trim() || 'npx esp32sim';
}

export function defaultIo(): Io {
  const env = process.env;
  let outClosed = false;
  let errClosed = false;
  // `esp32sim ... | head`: the reader left. Stop writing there, quietly; the run still finishes and writes its files.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') outClosed = true;
  });
  process.stderr.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') errClosed = true;
  });
  const progressOn = progressSupported(env, Boolean(process.stderr.isTTY));
  let shown = false;
  return {
    out: (l) => {
      if (!outClosed) process.stdout.write(l + '\n');
    },
    err: (l) => {
      if (errClosed) return;
      if (shown) {
        process.stderr.write('\r\x1b[K');
        shown = false;
      }
      process.stderr.write(l + '\n');
    },
    progress: progressOn
      ? (text) => {
          if (errClosed) return;
          process.stderr.write(`\r\x1b[K${text}`);
          shown = text !== '';
        }
      : undefined,
    color: colorSupported(env, Boolean(process.stdout.isTTY)),
    cmd: commandName(env),
    onInterrupt: (fn) => {
      let count = 0;
      const handler = () => {
        count++;
        if (count > 1) process.exit(130); // a second Ctrl-C: stop now
        fn();
      };
      process.on('SIGINT', handler);
      return () => {
        process.off('SIGINT', handler);
      };
    },
  };
}
