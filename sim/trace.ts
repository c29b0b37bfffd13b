/**
 * Typed trace records written as JSON lines. Every record carries the virtual
 * time `t` (µs), the device id and the layer; the rest is record-specific.
 * Key order is fixed by construction, so the same run gives byte-identical text.
 */
export type TraceLayer =
  | 'sim'
  | 'medium'
  | 'wifi'
  | 'eth'
  | 'arp'
  | 'ipv4'
  | 'icmp'
  | 'udp'
  | 'tcp'
  | 'dhcp'
  | 'dns'
  | 'socket'
  | 'script'
  | 'console'
  | 'gpio'
  | 'scenario'
  | 'input';

export interface TraceRecord {
  t: number;
  dev: string;
  layer: TraceLayer;
  kind: string;
  [field: string]: unknown;
}

export type TraceListener = (rec: TraceRecord, line: string) => void;

export class Trace {
  private lines: string[] = [];
  private listeners: TraceListener[] = [];
  /** Layers whose records are dropped before serialisation (e.g. per-frame records in a benchmark). */
  readonly muted = new Set<TraceLayer>();
  /** When false, records still reach listeners but are not kept in memory. */
  keep = true;
  count = 0;

  constructor(private readonly now: () => number) {}

  /** True when a record of this layer would be recorded (lets hot paths skip building one). */
  wants(layer: TraceLayer): boolean {
    return (this.keep || this.listeners.length > 0) && !this.muted.has(layer);
  }

  emit(dev: string, layer: TraceLayer, kind: string, fields?: Record<string, unknown>): void {
    if (!this.wants(layer)) return;
    const rec: TraceRecord = { t: this.now(), dev, layer, kind, ...fields };
    const line = JSON.stringify(rec, jsonReplacer);
    this.count++;
    if (this.keep) this.lines.push(line);
    for (const l of this.listeners) l(rec, line);
  }

  onRecord(fn: TraceListener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== fn);
    };
  }

  /** All kept records as JSON lines (each ends with "\n"). */
  text(): string {
    return this.lines.length ? this.lines.join('\n') + '\n' : '';
  }

  records(): string[] {
    return this.lines;
  }
}

/** Bytes are traced as lowercase hex, bigints as decimal strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** "12.345678s" style virtual timestamp. */
export function formatTime(us: number): string {
  const s = Math.floor(us / 1_000_000);
  const frac = String(us % 1_000_000).padStart(6, '0');
  return `${s}.${frac}s`;
}
