/** The topology drawing and one card per device: the ESP32 board with its LED and BOOT button, parts, link, script. */
import type { ClientMsg, DeviceView, TopologyView } from '../protocol';
import { $, h, s } from './dom';

type Send = (m: ClientMsg) => void;

/** Router/AP in the middle, internet hosts above, the devices below, links coloured by state. */
export function drawTopology(topo: TopologyView | undefined, devices: DeviceView[]): void {
  const svg = $('topology');
  svg.replaceChildren();
  if (!topo) return;
  const W = 320;
  const rx = W / 2;
  const ry = 100;
  const hosts = topo.internet.slice(0, 4);
  hosts.forEach((host, i) => {
    const x = ((i + 0.5) * W) / hosts.length;
    svg.append(s('line', { x1: rx, y1: ry - 18, x2: x, y2: 40, class: 'link wan' }));
    svg.append(node(x, 26, host.name, host.ip, 'host'));
  });
  svg.append(s('text', { x: 6, y: 64, class: 'ip' }, 'internet'));
  const n = Math.max(devices.length, 1);
  devices.forEach((d, i) => {
    const x = ((i + 0.5) * W) / n;
    const cls = d.link.down ? 'link down' : d.link.loss > 0 ? 'link lossy' : 'link';
    const line = s('line', { x1: rx, y1: ry + 18, x2: x, y2: 182, class: cls, 'data-link': d.id });
    svg.append(line);
    const label = d.link.down ? 'down' : d.link.loss > 0 ? `loss ${Math.round(d.link.loss * 100)}%` : 'WiFi';
    svg.append(s('text', { x: (rx + x) / 2 + 4, y: (ry + 18 + 182) / 2, class: 'ip' }, label));
    svg.append(node(x, 198, d.id, d.ip === '0.0.0.0' ? 'no address' : d.ip, d.kind));
  });
  svg.append(node(rx, ry, `router/AP "${topo.ssid}"`, `${topo.router} · ${topo.subnet}`, 'router', 150));
}

function node(x: number, y: number, name: string, ip: string, kind: string, w = 92): SVGElement {
  return s(
    'g',
    { class: `node ${kind}` },
    s('rect', { x: x - w / 2, y: y - 16, width: w, height: 32, rx: 6 }),
    s('text', { x, y: y - 3, 'text-anchor': 'middle', 'font-weight': 600 }, name.length > 26 ? name.slice(0, 25) + '…' : name),
    s('text', { x, y: y + 10, 'text-anchor': 'middle', class: 'ip' }, ip),
  );
}

/** An ESP32 DevKit drawn small: the module, the LED on GPIO 2, EN and BOOT. */
function esp32Board(d: DeviceView, send: Send): SVGElement {
  const on = d.led === 1;
  const led = s('circle', { cx: 72, cy: 98, r: 6, class: on ? 'led on' : 'led', 'data-led': d.id, 'data-on': on ? '1' : '0' });
  const boot = d.parts.find((p) => p.id === 'boot');
  const bootBtn = s('rect', { x: 58, y: 116, width: 22, height: 11, rx: 2, class: boot?.pressed ? 'btn pressed' : 'btn', 'data-boot': d.id });
  const press = (down: boolean) => send({ type: 'button', device: d.id, part: 'boot', down });
  bootBtn.addEventListener('mousedown', () => press(true));
  bootBtn.addEventListener('mouseup', () => press(false));
  bootBtn.addEventListener('mouseleave', (e) => (e as MouseEvent).buttons && press(false));
  const pins = [];
  for (let i = 0; i < 12; i++) pins.push(s('rect', { x: 4, y: 20 + i * 8, width: 5, height: 4, class: 'pin' }), s('rect', { x: 87, y: 20 + i * 8, width: 5, height: 4, class: 'pin' }));
  return s(
    'svg',
    { viewBox: '0 0 96 132', class: 'board' },
    s('rect', { x: 0, y: 0, width: 96, height: 132, rx: 6, class: 'pcb' }),
    ...pins,
    s('rect', { x: 18, y: 8, width: 60, height: 66, rx: 3, class: 'shield' }),
    s('text', { x: 48, y: 44, 'text-anchor': 'middle', fill: '#24292f', style: 'fill:#24292f;font-size:9px;font-weight:700' }, 'ESP32'),
    s('text', { x: 48, y: 88, 'text-anchor': 'middle' }, d.id.length > 12 ? d.id.slice(0, 11) + '…' : d.id),
    s('text', { x: 63, y: 101, 'text-anchor': 'end' }, 'IO2'),
    led,
    s('rect', { x: 16, y: 116, width: 22, height: 11, rx: 2, class: 'btn' }),
    s('text', { x: 27, y: 114, 'text-anchor': 'middle' }, 'EN'),
    bootBtn,
    s('text', { x: 69, y: 114, 'text-anchor': 'middle' }, 'BOOT'),
  );
}

function pcIcon(): SVGElement {
  return s(
    'svg',
    { viewBox: '0 0 96 80', class: 'board', style: 'height:80px' },
    s('rect', { x: 8, y: 6, width: 80, height: 52, rx: 4, fill: '#263241' }),
    s('rect', { x: 13, y: 11, width: 70, height: 42, fill: '#10151c' }),
    s('text', { x: 18, y: 26, style: 'fill:#7ee787;font-size:9px;font-family:monospace' }, '>>> _'),
    s('rect', { x: 38, y: 58, width: 20, height: 8, fill: '#57606a' }),
    s('rect', { x: 24, y: 66, width: 48, height: 6, rx: 2, fill: '#8c959f' }),
  );
}

function parts(d: DeviceView, send: Send): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const p of d.parts) {
    if (p.id === 'boot') continue;
    if (p.type === 'button') {
      const b = h('button', { 'data-part': p.id }, `${p.pressed ? '◉' : '○'} ${p.id} (GPIO ${p.pin})`);
      b.addEventListener('mousedown', () => send({ type: 'button', device: d.id, part: p.id, down: true }));
      b.addEventListener('mouseup', () => send({ type: 'button', device: d.id, part: p.id, down: false }));
      out.push(h('div', { class: 'row' }, b));
    } else if (p.type === 'analog') {
      const r = h('input', { type: 'range', min: '0', max: '3.3', step: '0.05', value: String(p.volts ?? 0) });
      const v = h('span', {}, `${(p.volts ?? 0).toFixed(2)} V`);
      r.addEventListener('change', () => send({ type: 'analog', device: d.id, part: p.id, volts: Number(r.value) }));
      out.push(h('div', { class: 'row' }, `${p.id} (GPIO ${p.pin})`, r, v));
    } else if (p.type === 'neopixel') {
      const dots = h('span', { class: 'pixels' });
      for (const px of (p.pixels ?? []).slice(0, 24)) dots.append(h('span', { style: `background: rgb(${px[0] ?? 0}, ${px[1] ?? 0}, ${px[2] ?? 0})` }));
      out.push(h('div', { class: 'row' }, `${p.id}`, dots));
    } else if (/^(dht11|dht22|ds18b20)$/.test(p.type)) {
      const num = (v: number | undefined, step: string) => h('input', { type: 'number', step, value: v === undefined ? '' : String(v), style: 'width: 58px' });
      const t = num(p.temperature, '0.5');
      const row = h('div', { class: 'row', title: 'what the sensor measures: change it and the script reads the new value' }, `${p.id} (${p.type}, GPIO ${p.pin})`, t, '°C');
      const hum = p.type === 'ds18b20' ? undefined : num(p.humidity, '1');
      if (hum) row.append(hum, '%RH');
      const change = () => send({ type: 'sensor', device: d.id, part: p.id, temperature: t.value === '' ? undefined : Number(t.value), humidity: hum && hum.value !== '' ? Number(hum.value) : undefined });
      t.addEventListener('change', change);
      hum?.addEventListener('change', change);
      out.push(row);
    } else {
      out.push(h('div', { class: 'row' }, `${p.id}: ${p.type} on GPIO ${p.pin}`));
    }
  }
  return out;
}

function linkRow(d: DeviceView, send: Send): HTMLElement {
  const down = h('input', { type: 'checkbox', title: 'take the link down' });
  down.checked = d.link.down;
  const loss = h('input', { type: 'range', min: '0', max: '100', step: '5', value: String(Math.round(d.link.loss * 100)), title: 'frame loss' });
  const lossText = h('span', {}, `${Math.round(d.link.loss * 100)}% loss`);
  const change = () => send({ type: 'link', device: d.id, down: down.checked, loss: Number(loss.value) / 100 });
  down.addEventListener('change', change);
  loss.addEventListener('input', () => (lossText.textContent = `${loss.value}% loss`));
  loss.addEventListener('change', change);
  return h('div', { class: 'row', title: 'the WiFi link of this device' }, h('label', {}, down, ' link down'), loss, lossText);
}

/** Rebuilds the device cards (they are few and small). */
export function drawBoards(devices: DeviceView[], send: Send, edit: (device: string) => void): void {
  const box = $('boards');
  box.replaceChildren();
  for (const d of devices) {
    const state = d.state === 'none' ? 'no script' : d.exitCode !== undefined ? `${d.state} (exit ${d.exitCode})` : d.state;
    const side = h(
      'div',
      { class: 'side' },
      h('h3', {}, d.id, ' ', h('span', { class: `state ${d.state}`, 'data-state': d.state }, state)),
      h('div', { class: 'meta' }, `${d.kind === 'esp32' ? 'ESP32' : 'PC'} · ${d.ip === '0.0.0.0' ? 'no address yet' : d.ip}`, ...(d.kind === 'esp32' ? [h('span', { class: d.led ? 'lamp on' : 'lamp', title: 'the on-board LED (GPIO 2)' }, d.led ? 'LED on' : 'LED off')] : [])),
      linkRow(d, send),
      ...parts(d, send),
    );
    if (d.script) {
      const b = h('button', { 'data-edit': d.id, title: `edit ${d.script.filename} and run the scenario again` }, `Edit ${d.script.filename}`);
      b.addEventListener('click', () => edit(d.id));
      side.append(h('div', { class: 'row' }, b));
    }
    box.append(h('div', { class: 'card', 'data-device': d.id }, d.kind === 'esp32' ? (esp32Board(d, send) as unknown as HTMLElement) : (pcIcon() as unknown as HTMLElement), side));
  }
}
