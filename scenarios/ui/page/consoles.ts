/**
 * A serial console per device: an xterm.js terminal showing what the device
 * printed. Typing edits a local line (shown after the output, as a terminal in
 * line mode does); Enter sends it to the device's stdin, where the script's
 * input() echoes it; Ctrl-C sends KeyboardInterrupt.
 */
import { Terminal } from '@xterm/xterm';
import type { ClientMsg } from '../protocol';
import { $, h } from './dom';

type Send = (m: ClientMsg) => void;

interface Con {
  term: Terminal;
  /** The line being typed (not sent yet). */
  line: string;
  /** Everything the device printed (for tests and a re-open). */
  text: string;
  el: HTMLElement;
}

const THEME = { background: '#10151c', foreground: '#e6edf3', cursor: '#7cc4ff', selectionBackground: '#30506f' };

export class Consoles {
  private readonly cons = new Map<string, Con>();

  constructor(private readonly send: Send) {}

  /** The console of `device`, made on first use. */
  private get(device: string, kind: string): Con {
    let c = this.cons.get(device);
    if (c) return c;
    const termBox = h('div', { class: 'term' });
    const ctrlC = h('button', { title: 'send Ctrl-C (KeyboardInterrupt) to the script' }, 'Ctrl-C');
    const el = h('div', { class: 'console', 'data-device': device }, h('div', { class: 'head' }, h('b', {}, device), h('span', {}, kind === 'esp32' ? 'ESP32 serial (UART0)' : 'PC terminal'), h('span', { class: 'grow' }), ctrlC), termBox);
    $('consoles').append(el);
    const term = new Terminal({ convertEol: true, fontSize: 13, fontFamily: '"DejaVu Sans Mono", ui-monospace, monospace', rows: 9, cols: 80, theme: THEME, scrollback: 5000, cursorBlink: true });
    term.open(termBox);
    c = { term, line: '', text: '', el };
    const con = c;
    term.onData((data) => this.typed(device, con, data));
    ctrlC.addEventListener('click', () => this.typed(device, con, '\x03'));
    this.cons.set(device, c);
    // The boxes share the column: refit whenever one changes size (a console added, the window resized).
    new ResizeObserver(() => this.fit(con)).observe(termBox);
    return c;
  }

  /** Columns and rows to fill the box (a small fit: a row's height as rendered, a monospace cell's width). */
  fit(c: Con): void {
    if (!this.cons.has(c.el.dataset.device ?? '')) return;
    const box = c.el.querySelector('.term') as HTMLElement;
    const w = box.clientWidth - 12 - 16; // the padding and xterm's scroll bar
    const hgt = box.clientHeight - 8;
    const rowH = (box.querySelector('.xterm-rows')?.firstElementChild as HTMLElement | null)?.getBoundingClientRect().height || 15;
    const cols = Math.max(40, Math.floor(w / 7.83));
    const rows = Math.max(3, Math.floor(hgt / rowH));
    if (cols !== c.term.cols || rows !== c.term.rows) c.term.resize(cols, rows);
  }

  fitAll(): void {
    for (const c of this.cons.values()) this.fit(c);
  }

  private typed(device: string, c: Con, data: string): void {
    for (const ch of data) {
      if (ch === '\r' || ch === '\n') {
        const line = c.line;
        this.eraseLine(c);
        c.line = '';
        this.send({ type: 'stdin', device, line });
      } else if (ch === '\x03') {
        this.eraseLine(c);
        c.line = '';
        this.send({ type: 'interrupt', device });
      } else if (ch === '\x7f' || ch === '\b') {
        if (c.line) {
          c.line = c.line.slice(0, -1);
          c.term.write('\b \b');
        }
      } else if (ch >= ' ' && ch !== '\x7f') {
        c.line += ch;
        c.term.write(ch);
      }
    }
  }

  private eraseLine(c: Con): void {
    if (c.line) c.term.write('\b \b'.repeat(c.line.length));
  }

  /** Output the device printed: shown before the line being typed. */
  write(device: string, kind: string, text: string): void {
    const c = this.get(device, kind);
    c.text += text;
    if (c.text.length > 2_000_000) c.text = c.text.slice(-1_000_000);
    this.eraseLine(c);
    c.term.write(text);
    if (c.line) c.term.write(c.line);
  }

  /** Makes sure every device has its console (also those that printed nothing yet), in order. */
  ensure(devices: { id: string; kind: string }[]): void {
    for (const d of devices) this.get(d.id, d.kind);
  }

  reset(): void {
    for (const c of this.cons.values()) {
      c.term.dispose();
      c.el.remove();
    }
    this.cons.clear();
  }

  text(device: string): string {
    return this.cons.get(device)?.text ?? '';
  }

  focus(device: string): void {
    this.cons.get(device)?.term.focus();
  }
}
