/**
 * One interleaved, coloured timeline: virtual time, the device (a stable colour
 * per device), its console line; frames (with --packets), script exits and
 * tracebacks, step results, and a summary per scenario.
 */
import { createColors } from 'picocolors';
import { summarizeFrame } from '../../stack/wire/summary';
import { fmtUs } from '../model';
import type { RunResult, TimelineEvent } from '../runner';

export type Colors = ReturnType<typeof createColors>;

export interface TimelineOptions {
  color: boolean;
  quiet?: boolean;
  packets?: boolean;
  write: (line: string) => void;
}

const PALETTE = ['cyan', 'magenta', 'yellow', 'blue', 'green', 'red'] as const;

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

  private dev(id: string): string {
    const col = this.colorOf.get(id) ?? ((s: string) => s);
    return col(id.padEnd(this.width));
  }

  event(ev: TimelineEvent): void {
    const { c, o } = this;
    const t = c.dim(timeCol(ev.t));
    switch (ev.type) {
      case 'console':
        if (!o.quiet) o.write(`${t} ${this.dev(ev.device)} │ ${ev.text}`);
        return;
      case 'frame':
        if (o.packets && !o.quiet) {
          o.write(`${t} ${c.dim(''.padEnd(this.width))} ${c.dim('≈ ' + summarizeFrame(ev.frame, (ip) => this.names.get(ip >>> 0)))}`);
        }
        return;
      case 'exit': {
        if (ev.state === 'crashed') {
          o.write(`${t} ${this.dev(ev.device)} ${c.red(c.bold('✘ script crashed'))}`);
          for (const l of (ev.failure ?? '').trimEnd().split('\n')) o.write(`${' '.repeat(12)} ${' '.repeat(this.width)} ${c.red('│ ' + l)}`);
        } else if (!o.quiet) {
          const what = ev.code === 130 ? 'stopped (KeyboardInterrupt)' : ev.state === 'killed' ? `killed${ev.failure ? `: ${ev.failure}` : ''}` : `script ended (exit ${ev.code ?? 0})`;
          o.write(`${t} ${this.dev(ev.device)} ${c.dim('■ ' + what)}`);
        }
        return;
      }
      case 'step': {
        const label = `${ev.index + 1}. ${ev.label}`;
        if (ev.ok) {
          if (!o.quiet) o.write(`${t} ${c.green('✔')} ${label}${ev.message ? c.dim(` (${ev.message})`) : ''}`);
        } else o.write(`${t} ${c.red('✘')} ${c.bold(label)} ${c.dim(`(line ${ev.line})`)}\n${' '.repeat(14)}${c.red(ev.message)}`);
        return;
      }
    }
  }

  header(title: string, file: string): void {
    this.o.write(`${this.c.bold(title)} ${this.c.dim(file)}`);
  }

  summary(r: RunResult, wallMs: number): void {
    const { c } = this;
    const passed = r.steps.filter((s) => s.status === 'passed').length;
    const ratio = wallMs > 0 ? r.endUs / 1000 / wallMs : Infinity;
    const speed = Number.isFinite(ratio) ? `${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× real time` : '';
    const stats = c.dim(`${fmtUs(r.endUs)} virtual, ${(wallMs / 1000).toFixed(2)}s wall${speed ? `, ${speed}` : ''}; ${passed}/${r.steps.length} steps`);
    const mark = r.exitCode === 0 ? c.green('✔ PASS') : r.exitCode === 42 ? c.yellow('⧗ TIMEOUT') : c.red('✘ FAIL');
    this.o.write(`${mark} ${c.bold(r.scenario.name)}: ${r.reason} ${stats} ${c.dim(`[exit ${r.exitCode}]`)}`);
  }
}
