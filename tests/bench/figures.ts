/**
 * The figures of `npm run bench`: each benchmark records what it measured
 * (name, value, unit and, where the project has one, its goal), the run prints
 * every figure next to its goal and writes them all to reports/bench.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Goal {
  /** The value must be at least / at most `value`. */
  op: '>=' | '<=';
  value: number;
  /** Where the goal comes from (e.g. "issue #16"). */
  source?: string;
}

export interface Figure {
  bench: string;
  name: string;
  value: number;
  unit: string;
  goal: Goal | null;
  met: boolean | null;
}

export const atLeast = (value: number, source = 'issue #16'): Goal => ({ op: '>=', value, source });
export const atMost = (value: number, source = 'issue #16'): Goal => ({ op: '<=', value, source });

function meets(value: number, goal: Goal): boolean {
  return goal.op === '>=' ? value >= goal.value : value <= goal.value;
}

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

/** One figure as a line: value, unit, and the goal with its verdict. */
export function formatFigure(f: Figure): string {
  const goal = f.goal ? `  goal ${f.goal.op === '>=' ? '≥' : '≤'} ${num(f.goal.value)}: ${f.met ? 'met' : 'NOT met'}` : '';
  return `${f.bench}: ${f.name} = ${num(f.value)} ${f.unit}${goal}`;
}

/** Collects the figures of one `npm run bench`. */
export class Figures {
  readonly all: Figure[] = [];
  bench = '';

  add(name: string, value: number, unit: string, goal?: Goal): Figure {
    const f: Figure = { bench: this.bench, name, value, unit, goal: goal ?? null, met: goal ? meets(value, goal) : null };
    this.all.push(f);
    return f;
  }

  /** The figures of one benchmark, each next to its goal. */
  lines(bench: string): string[] {
    return this.all.filter((f) => f.bench === bench).map(formatFigure);
  }

  /** Writes reports/bench.json: when, where, and every figure. */
  write(file: string, meta: Record<string, unknown>): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ...meta, figures: this.all }, null, 2) + '\n');
  }
}
