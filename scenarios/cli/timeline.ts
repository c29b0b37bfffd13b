/**
 * One interleaved, coloured timeline: virtual time, the device (a stable colour
 * per device), its console line; frames (with --packets), script exits and
 * tracebacks, step results, and a summary per scenario.
 */
import { createColors } from 'picocolors';
import { summarizeDot11 } from '../../stack/wire/dot11';
import { summarizeFrame } from '../../stack/wire/summary';
import { fmtMs, fmtUs } from '../schema/model';
import type { RunResult, TimelineEvent } from '../runner/runner';

export type Colors = ReturnType<typeof createColors>;

export interface TimelineOptions {
  color: boolean;
  quiet?: boolean;
  packets?: boolean;
  write: (line: string) => void;
}

const PALETTE = ['cyan', 'magenta', 'yellow', 'blue', 'green', 'red'] as const;

/**
 * Console text made safe for a terminal: a script's escape sequences must not
 * clear or recolour the user's screen. "ESC[H ESC[J" (home + clear, as telnet
 * movies send) becomes a visible marker; other control characters show as ␛, ␇...
 */
export function printable(text: string): { text: string; cleared: boolean } {
  let cleared = false;
  const out = text
    .replace(/\x1b\[H\x1b\[J|\x1b\[2J(\x1b\[H)?|\x1b\[H\x1b\[2J/g, () => {
      cleared = true;
      return '';
    })
    .replace(/\t/g, '    ')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (ch) => String.fromCharCode(ch === '\x7f' ? 0x2421 : 0x2400 + ch.charCodeAt(0)));
  return { text: out, cleared };
}

/** 12.345678s → "  12.345678s" (fixed width up to 999 s). */
export function timeCol(us: number): string {
  const s = Math.floor(us / 1e6);
  return `${String(s).padStart(4)}.${String(us % 1e6).padStart(6, '0')}s`;
}

export class Timeline {
  readonly c: Colors;
  private width = 5;
  private colorOf = new Map<string, (s: string) => string>();
  private names = new Map<number, string>();
  /** The last console lines per device (to tell whether a traceback was already shown). */
  private recent = new Map<string, string[]>();
  private blanks: { t: number; device: string; n: number } | undefined;

  constructor(private readonly o: TimelineOptions) {
    this.c = createColors(o.color);
  }

  /** Registers the scenario's devices (order fixes the colours) and their IPs for frame summaries. */
  devices(ids: readonly string[], ips: Record<string, string> = {}): void {
    this.colorOf.clear();
    this.width = Math.max(5, ...ids.map((i) => i.length));
    ids.forEach((id, i) => this.colorOf.set(id, this.c[PALETTE[i % PALETTE.length]]));
    this.names.clear();
    for (const [id, ip] of Object.entries(ips)) {
      const p = ip.split('.').map(Number);
      if (p.length === 4) this.names.set(((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0, id);
    }
  }

  private remember(device: string, text: string): void {
    const r = this.recent.get(device) ?? [];
    r.push(text);
    if (r.length > 40) r.shift();
    this.recent.set(device, r);
  }

  private dev(id: string): string {
    const col = this.colorOf.get(id) ?? ((s: string) => s);
    return col(id.padEnd(this.width));
  }

  /** Writes held-back empty console lines: up to two as they are, more as one "⋮ N empty lines". */
  private flushBlanks(): void {
    const b = this.blanks;
    if (!b) return;
    this.blanks = undefined;
    const t = this.c.dim(timeCol(b.t));
    if (b.n <= 2) for (let i = 0; i < b.n; i++) this.o.write(`${t} ${this.dev(b.device)} │`);
    else this.o.write(`${t} ${this.dev(b.device)} │ ${this.c.dim(`⋮ ${b.n} empty lines`)}`);
  }

  event(ev: TimelineEvent): void {
    const { c, o } = this;
    if (ev.type !== 'console' && (ev.type !== 'frame' || (o.packets && !o.quiet))) this.flushBlanks();
    const t = c.dim(timeCol(ev.t));
    switch (ev.type) {
      case 'console': {
        this.remember(ev.device, ev.text);
        if (o.quiet) return;
        if (ev.text === '' && !ev.partial) {
          if (this.blanks && this.blanks.device !== ev.device) this.flushBlanks();
          this.blanks ??= { t: ev.t, device: ev.device, n: 0 };
          this.blanks.n++;
          return;
        }
        this.flushBlanks();
        const p = printable(ev.text);
        const marks = (p.cleared ? c.dim('[screen cleared] ') : '') + p.text + (ev.partial ? c.dim(' (no newline yet)') : '');
        o.write(`${t} ${this.dev(ev.device)} │ ${marks}`);
        return;
      }
      case 'frame':
        if (o.packets && !o.quiet) {
          const line = ev.radio ? summarizeDot11(ev.frame, ev.radio.channel, ev.radio.nameOfMac) : summarizeFrame(ev.frame, (ip) => this.names.get(ip >>> 0) ?? ev.nameOf?.(ip));
          o.write(`${t} ${c.dim(''.padEnd(this.width))} ${c.dim('≈ ' + line)}`);
        }
        return;
      case 'exit': {
        if (ev.state === 'crashed') {
          const tb = (ev.failure ?? '').trimEnd();
          const lines = tb.split('\n');
          // The traceback usually is on the console already (MicroPython prints it): do not repeat it.
          const shown = !o.quiet && tb !== '' && (this.recent.get(ev.device) ?? []).join('\n').endsWith(tb);
          o.write(`${t} ${this.dev(ev.device)} ${c.red(c.bold('✘ script crashed'))}${shown ? c.red(`: ${printable(lines[lines.length - 1]).text}`) : ''}`);
          if (!shown) for (const l of lines) o.write(`${' '.repeat(12)} ${' '.repeat(this.width)} ${c.red('│ ' + printable(l).text)}`);
        } else if (!o.quiet) {
          const what = ev.code === 130 ? 'stopped (KeyboardInterrupt)' : ev.state === 'killed' ? `killed${ev.failure ? `: ${ev.failure}` : ''}` : `script ended (exit ${ev.code ?? 0})`;
          o.write(`${t} ${this.dev(ev.device)} ${c.dim('■ ' + printable(what).text)}`);
        }
        return;
      }
      case 'step': {
        const label = `${ev.index + 1}. ${ev.label}`;
        if (ev.ok) {
          if (!o.quiet) o.write(`${t} ${c.green('✔')} ${label}${ev.message ? c.dim(` (${printable(ev.message).text})`) : ''}`);
        } else if (ev.status === 'skipped') {
          o.write(`${t} ${c.yellow('■')} ${label} ${c.dim(`(line ${ev.line})`)}\n${' '.repeat(14)}${c.yellow(printable(ev.message).text)}`);
        } else o.write(`${t} ${c.red('✘')} ${c.bold(label)} ${c.dim(`(line ${ev.line})`)}\n${' '.repeat(14)}${c.red(printable(ev.message).text)}`);
        return;
      }
      case 'notice':
        o.write(`${t} ${this.dev(ev.device)} ${c.yellow('⚠ ' + ev.text)}`);
        return;
    }
  }

  header(title: string, file: string): void {
    // A bare .py run is named after its file: say it once.
    this.o.write(title === file ? this.c.bold(title) : `${this.c.bold(title)} ${this.c.dim(file)}`);
  }

  summary(r: RunResult, wallMs: number, prefix?: string): void {
    this.flushBlanks();
    const { c } = this;
    const ratio = wallMs > 0 ? r.endUs / 1000 / wallMs : Infinity;
    const speed = Number.isFinite(ratio) ? `, ${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× real time` : '';
    const stats = c.dim(`(${fmtUs(r.endUs)} virtual in ${fmtMs(wallMs)} wall${speed}; exit ${r.exitCode})`);
    const mark =
      r.exitCode === 0 ? c.green('✔ PASS') : r.exitCode === 42 ? c.yellow('⧗ TIMEOUT') : r.exitCode === 43 ? c.yellow('⧗ WALL LIMIT') : r.exitCode === 130 ? c.yellow('■ STOPPED') : c.red('✘ FAIL');
    this.o.write(`${prefix ? c.dim(prefix.padEnd(9)) + ' ' : ''}${mark} ${c.bold(r.scenario.name)}: ${printable(r.reason).text} ${stats}`);
  }
}
