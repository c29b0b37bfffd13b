/** Steps with pass/fail, the verdict, and each TCP connection's states over time. */
import type { StepView, TcpConnView, VerdictView } from '../protocol';
import { $, h, secs } from './dom';

export function drawSteps(steps: StepView[]): void {
  const ol = $('steps');
  ol.replaceChildren(
    ...steps.map((st) => {
      const li = h('li', { 'data-status': st.status, title: `line ${st.line} of the scenario` }, `${st.index + 1}. ${st.label}`);
      if (st.message && st.status !== 'pending') li.append(h('span', { class: 'msg' }, `${st.t !== undefined ? secs(st.t) + ': ' : ''}${st.message}`));
      return li;
    }),
  );
  if (!steps.length) ol.append(h('li', { 'data-status': 'pending' }, 'no steps: the run ends when every script has ended'));
}

export function drawVerdict(v: VerdictView | undefined, status: string, note?: string): void {
  const box = $('verdict');
  if (!v) {
    box.className = 'verdict pending';
    box.textContent = note ?? (status === 'paused' ? 'paused' : status === 'rebuilding' ? 'travelling in time…' : 'running…');
    return;
  }
  box.className = `verdict ${v.exitCode === 0 ? 'pass' : 'fail'}`;
  box.textContent = `${v.exitCode === 0 ? 'PASS' : `FAIL (exit ${v.exitCode})`}: ${v.reason}`;
  box.dataset.exit = String(v.exitCode);
}

export function drawTcp(conns: TcpConnView[]): void {
  const box = $('tcp');
  if (!conns.length) {
    box.replaceChildren(h('p', { class: 'empty' }, 'no connection yet'));
    return;
  }
  box.replaceChildren(
    ...conns.map((c) => {
      const track = h('div', { class: 'track' });
      c.history.forEach((st, i) => track.append(h('span', { class: i === c.history.length - 1 ? 'chip now' : 'chip', 'data-state': st.state }, st.state, h('small', {}, secs(st.t)))));
      return h('div', { class: 'conn', 'data-conn': c.key, 'data-state': c.history[c.history.length - 1]?.state ?? '' }, h('div', { class: 'label' }, c.label), track);
    }),
  );
}
