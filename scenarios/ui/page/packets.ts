/** The packet list (like Wireshark's top pane), filters by device and protocol, the selected frame's decode and bytes. */
import type { ClientMsg, DecodeMsg, FrameRow } from '../protocol';
import { $, h, secs } from './dom';

type Send = (m: ClientMsg) => void;

/** Rows drawn at most (the newest that pass the filters). */
const SHOW = 1500;

export class Packets {
  private rows: FrameRow[] = [];
  private selected: number | undefined;
  private decoded: DecodeMsg | undefined;
  private readonly protos = new Set<string>();
  private readonly devices = new Set<string>();

  constructor(private readonly send: Send) {
    $('f-device').addEventListener('change', () => this.redraw());
    $('f-proto').addEventListener('change', () => this.redraw());
    $('packets').addEventListener('click', (e) => {
      const tr = (e.target as HTMLElement).closest('tr[data-n]') as HTMLElement | null;
      if (tr) this.select(Number(tr.dataset.n));
    });
  }

  private passes(r: FrameRow): boolean {
    const dev = ($('f-device') as HTMLSelectElement).value;
    const proto = ($('f-proto') as HTMLSelectElement).value;
    return (!dev || r.devices.includes(dev)) && (!proto || r.protocol === proto);
  }

  private tr(r: FrameRow): HTMLElement {
    const tr = h('tr', { 'data-n': String(r.n), class: `p-${r.protocol}${r.n === this.selected ? ' selected' : ''}` }, h('td', {}, String(r.n + 1)), h('td', {}, secs(r.t)), h('td', {}, r.src), h('td', {}, r.dst), h('td', {}, r.protocol), h('td', { class: 'info', title: r.info }, r.info));
    return tr;
  }

  private options(id: string, set: Set<string>, all: string): void {
    const sel = $(id) as HTMLSelectElement;
    const keep = sel.value;
    sel.replaceChildren(h('option', { value: '' }, all), ...[...set].sort().map((v) => h('option', { value: v }, v)));
    sel.value = set.has(keep) ? keep : '';
  }

  private note(rows: FrameRow[]): void {
    let changed = false;
    for (const r of rows) {
      if (!this.protos.has(r.protocol)) {
        this.protos.add(r.protocol);
        changed = true;
      }
      for (const d of r.devices) {
        if (!this.devices.has(d)) {
          this.devices.add(d);
          changed = true;
        }
      }
    }
    if (changed) {
      this.options('f-device', this.devices, 'all devices');
      this.options('f-proto', this.protos, 'all protocols');
    }
  }

  reset(rows: FrameRow[]): void {
    this.rows = [...rows];
    this.protos.clear();
    this.devices.clear();
    this.note(rows);
    if (this.selected !== undefined && this.selected >= rows.length) this.clearDecode();
    this.redraw();
    if (this.selected !== undefined) this.send({ type: 'decode', n: this.selected });
  }

  add(rows: FrameRow[]): void {
    this.rows.push(...rows);
    this.note(rows);
    const body = $('packets').querySelector('tbody')!;
    const wrap = $('packets-wrap');
    const atEnd = wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 30;
    for (const r of rows) if (this.passes(r)) body.append(this.tr(r));
    while (body.children.length > SHOW) body.firstElementChild!.remove();
    if (atEnd) wrap.scrollTop = wrap.scrollHeight;
  }

  private redraw(): void {
    const body = $('packets').querySelector('tbody')!;
    const shown = this.rows.filter((r) => this.passes(r)).slice(-SHOW);
    body.replaceChildren(...shown.map((r) => this.tr(r)));
    const wrap = $('packets-wrap');
    wrap.scrollTop = wrap.scrollHeight;
  }

  select(n: number): void {
    this.selected = n;
    for (const tr of $('packets').querySelectorAll('tr.selected')) tr.classList.remove('selected');
    const tr = $('packets').querySelector(`tr[data-n="${n}"]`);
    tr?.classList.add('selected');
    tr?.scrollIntoView({ block: 'nearest' });
    this.send({ type: 'decode', n });
  }

  /** The first row whose info contains `text` (the browser tests use it). */
  find(text: string): FrameRow | undefined {
    return this.rows.find((r) => r.info.includes(text));
  }

  rowsNow(): FrameRow[] {
    return this.rows;
  }

  private clearDecode(): void {
    this.selected = undefined;
    this.decoded = undefined;
    $('decode').replaceChildren(h('p', { class: 'empty' }, 'select a packet'));
    $('hex').textContent = '';
    $('decode-title').textContent = '';
  }

  showDecode(m: DecodeMsg): void {
    if (m.n !== this.selected) return;
    this.decoded = m;
    const row = this.rows[m.n];
    $('decode-title').textContent = row ? `frame ${m.n + 1} at ${secs(row.t)}, ${m.hex.length / 2} bytes` : '';
    const box = $('decode');
    box.replaceChildren();
    m.layers.forEach((l, i) => {
      const table = h('table', {}, ...l.fields.map((f) => h('tr', {}, h('td', {}, f.name), h('td', {}, f.value))));
      const d = h('details', { 'data-layer': l.name }, h('summary', {}, l.name, h('span', {}, l.summary)), table);
      d.open = i >= m.layers.length - 2; // the transport and what it carries; the outer layers one click away
      d.querySelector('table')!.addEventListener('click', () => this.highlight(i));
      d.title = 'click the fields to see their bytes';
      box.append(d);
    });
    this.highlight(m.layers.length - 1); // what the frame carries, until a layer is pointed at
  }

  /** The bytes, 16 a line, with offsets and ASCII; a layer's bytes highlighted. */
  private highlight(layer: number): void {
    const m = this.decoded;
    if (!m) return;
    const l = m.layers[layer];
    const bytes: number[] = [];
    for (let i = 0; i < m.hex.length; i += 2) bytes.push(parseInt(m.hex.slice(i, i + 2), 16));
    const pre = $('hex');
    pre.replaceChildren();
    for (let off = 0; off < bytes.length; off += 16) {
      const line = h('span', {});
      line.append(off.toString(16).padStart(4, '0') + '  ');
      let ascii = '';
      for (let i = off; i < off + 16; i++) {
        if (i >= bytes.length) {
          line.append('   ');
          continue;
        }
        const txt = bytes[i].toString(16).padStart(2, '0');
        const inLayer = l && i >= l.start && i < l.end;
        line.append(inLayer ? h('span', { class: 'hl' }, txt) : txt, ' ');
        ascii += bytes[i] >= 32 && bytes[i] < 127 ? String.fromCharCode(bytes[i]) : '.';
        if (i === off + 7) line.append(' ');
      }
      line.append(' ' + ascii + '\n');
      pre.append(line);
    }
  }
}
