/**
 * The page of `esp32sim ui`: a thin view. It opens one WebSocket to the server,
 * draws what the server sends (protocol.ts) and sends the student's actions;
 * the simulation itself runs in the server.
 */
import '@xterm/xterm/css/xterm.css';
import './style.css';
import type { ClientMsg, DeviceView, LabsMsg, ServerMsg, Speed, ViewMsg } from '../protocol';
import { drawBoards, drawTopology } from './boards';
import { Consoles } from './consoles';
import { $, h, secs, toast } from './dom';
import { Packets } from './packets';
import { drawSteps, drawTcp, drawVerdict } from './panels';

let ws: WebSocket | undefined;
const send = (m: ClientMsg) => {
  if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
};

const consoles = new Consoles(send);
const packets = new Packets(send);
const state = { status: 'idle', devices: [] as DeviceView[], topology: undefined as ViewMsg['topology'], now: 0, maxUs: 0, sliding: false, holding: false, pendingBoards: false, editing: '' };

function drawDevices(): void {
  drawTopology(state.topology, state.devices);
  const typing = document.activeElement instanceof HTMLInputElement && document.activeElement.type === 'number' && $('boards').contains(document.activeElement);
  if (state.holding || typing) {
    state.pendingBoards = true; // a slider or button is held, a value is being typed: redraw when it is let go
    return;
  }
  drawBoards(state.devices, send, openEditor);
}

function applyView(m: ViewMsg): void {
  $('main').hidden = false;
  $('labs').hidden = true;
  if (m.reset) {
    consoles.reset();
    if (m.lab) {
      $('lab-name').textContent = m.lab.name;
      document.title = `esp32sim · ${m.lab.name}`;
    }
    state.topology = m.topology;
    packets.reset(m.frames ?? []);
    const prob = $('problems');
    prob.hidden = !m.problems?.length;
    prob.textContent = (m.problems ?? []).join('\n');
  } else if (m.frames) packets.add(m.frames);
  if (m.devices) {
    state.devices = m.devices;
    consoles.ensure(m.devices);
    drawDevices();
  }
  const kind = (id: string) => state.devices.find((d) => d.id === id)?.kind ?? 'pc';
  for (const c of m.consoles ?? []) if (c.text) consoles.write(c.device, kind(c.device), c.text);
  if (m.tcp) drawTcp(m.tcp);
  if (m.steps) drawSteps(m.steps);
  if (m.notices?.length) toast(m.notices[m.notices.length - 1]);
  state.status = m.status;
  state.now = m.now;
  state.maxUs = m.maxUs;
  drawVerdict(m.verdict, m.status, m.note);
  const st = $('status');
  st.textContent = m.status === 'rebuilding' ? 'travelling' : m.status;
  st.className = `status ${m.status}`;
  $('btn-run').textContent = m.status === 'running' ? 'Pause' : 'Run';
  ($('btn-run') as HTMLButtonElement).disabled = m.status === 'ended' || m.status === 'rebuilding';
  ($('btn-step') as HTMLButtonElement).disabled = m.status === 'ended' || m.status === 'rebuilding';
  ($('speed') as HTMLSelectElement).value = String(m.speed);
  const slider = $('slider') as HTMLInputElement;
  if (!state.sliding) {
    slider.max = String(Math.max(1, m.maxUs));
    slider.value = String(m.now);
  }
  $('time').textContent = `${secs(m.now)} / ${secs(m.timeoutUs)}`;
  for (const id of ['dl-trace', 'dl-junit']) $(id).classList.toggle('off', m.status !== 'ended');
}

function showLabs(m: LabsMsg): void {
  $('main').hidden = true;
  const box = $('labs');
  box.hidden = false;
  const prob = $('problems');
  prob.hidden = !m.problems?.length;
  prob.textContent = (m.problems ?? []).join('\n');
  const list = h('ul', {});
  for (const l of m.labs) {
    const b = h('button', { 'data-lab': l.id }, h('b', {}, l.name), l.description);
    b.addEventListener('click', () => send({ type: 'open', lab: l.id }));
    list.append(h('li', {}, b));
  }
  box.replaceChildren(h('h2', {}, m.problems?.length ? 'Or pick one of the bundled labs' : 'Pick a lab'), list);
  $('lab-name').textContent = 'bundled labs';
}

function onMessage(m: ServerMsg): void {
  switch (m.type) {
    case 'view':
      return applyView(m);
    case 'decode':
      return packets.showDecode(m);
    case 'labs':
      return showLabs(m);
    case 'error':
      return toast(m.text);
    case 'script':
      if (m.device === state.editing) {
        $('editor-title').textContent = `Edit ${m.filename} on ${m.device} (Save runs the scenario again from the start)`;
        ($('editor-text') as HTMLTextAreaElement).value = m.source;
        $('editor').hidden = false;
        ($('editor-text') as HTMLTextAreaElement).focus();
      }
  }
}

function openEditor(device: string): void {
  state.editing = device;
  send({ type: 'get-script', device });
}

function connect(): void {
  const sock = new WebSocket(`ws://${location.host}/ws`);
  ws = sock;
  sock.onmessage = (e) => onMessage(JSON.parse(String(e.data)) as ServerMsg);
  sock.onclose = () => {
    const st = $('status');
    st.textContent = 'server stopped';
    st.className = 'status error';
    window.setTimeout(connect, 2000);
  };
}

$('btn-run').addEventListener('click', () => send({ type: state.status === 'running' ? 'pause' : 'run' }));
$('btn-step').addEventListener('click', () => send({ type: 'step' }));
$('btn-restart').addEventListener('click', () => send({ type: 'restart' }));
$('speed').addEventListener('change', () => {
  const v = ($('speed') as HTMLSelectElement).value;
  send({ type: 'speed', speed: (v === 'max' ? 'max' : Number(v)) as Speed });
});
const slider = $('slider') as HTMLInputElement;
slider.addEventListener('input', () => {
  state.sliding = true;
  $('time').textContent = `→ ${secs(Number(slider.value))}`;
});
slider.addEventListener('change', () => {
  state.sliding = false;
  send({ type: 'travel', us: Number(slider.value) });
});
$('boards').addEventListener('pointerdown', () => (state.holding = true));
window.addEventListener('pointerup', () => {
  state.holding = false;
  if (state.pendingBoards) {
    state.pendingBoards = false;
    window.setTimeout(drawDevices, 0);
  }
});
$('boards').addEventListener('focusout', () => {
  if (state.pendingBoards) {
    state.pendingBoards = false;
    window.setTimeout(drawDevices, 0);
  }
});
$('editor-cancel').addEventListener('click', () => {
  $('editor').hidden = true;
  state.editing = '';
});
$('editor-save').addEventListener('click', () => {
  send({ type: 'script', device: state.editing, source: ($('editor-text') as HTMLTextAreaElement).value });
  $('editor').hidden = true;
  state.editing = '';
});
($('editor-text') as HTMLTextAreaElement).addEventListener('keydown', (e) => {
  if (e.key !== 'Tab') return;
  e.preventDefault();
  const t = e.target as HTMLTextAreaElement;
  t.setRangeText('    ', t.selectionStart, t.selectionEnd, 'end');
});
for (const id of ['dl-trace', 'dl-junit']) {
  $(id).addEventListener('click', (e) => {
    if (state.status !== 'ended') {
      e.preventDefault();
      toast('the trace and the JUnit report are ready when the run has ended');
    }
  });
}
window.addEventListener('resize', () => consoles.fitAll());

/** For the browser tests: what the consoles printed and the packet rows. */
(window as unknown as { esp32sim: unknown }).esp32sim = {
  consoleText: (device: string) => consoles.text(device),
  frames: () => packets.rowsNow(),
  selectFrame: (n: number) => packets.select(n),
  status: () => state.status,
  now: () => state.now,
};

connect();
