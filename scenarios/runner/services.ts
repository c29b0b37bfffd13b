/**
 * The service steps: expect-mqtt / wait-mqtt look among the messages a broker
 * routed, expect-http-request / wait-http-request in an HTTP server's request
 * log. Like wait-serial, each step starts where the previous one on the same
 * host stopped, and consumes what it matched (waiting twice for the same
 * message waits for its second appearance).
 */
import type { HttpRequestRecord, RoutedMessage, SimulationApi } from '../../devices/simulation/api';
import { topicMatches } from '../../devices/internet/mqtt/topics';
import type { HttpMatch, MqttMatch } from '../schema/model';

/** Where the next service step of each host starts reading. */
export type Cursors = Map<string, number>;

export function mqttMatches(m: RoutedMessage, want: MqttMatch): boolean {
  if (!(want.topic === m.topic || topicMatches(want.topic, m.topic))) return false;
  if (want.payload !== undefined && m.text !== want.payload) return false;
  if (want.contains !== undefined && !m.text.includes(want.contains)) return false;
  if (want.from !== undefined && m.from !== want.from) return false;
  if (want.retain !== undefined && m.retain !== want.retain) return false;
  if (want.qos !== undefined && m.qos !== want.qos) return false;
  return true;
}

export function httpMatches(r: HttpRequestRecord, want: HttpMatch): boolean {
  const pathOk = want.path.endsWith('*') ? r.path.startsWith(want.path.slice(0, -1)) : r.path === want.path;
  if (!pathOk) return false;
  if (want.method !== undefined && r.method !== want.method) return false;
  if (want.status !== undefined && r.status !== want.status) return false;
  if (want.body !== undefined && !r.body.includes(want.body)) return false;
  return true;
}

function list(api: SimulationApi, id: string, kind: 'mqtt' | 'http'): readonly (RoutedMessage | HttpRequestRecord)[] {
  const h = api.service?.(id);
  return (kind === 'mqtt' ? h?.mqtt?.messages : h?.http?.requests) ?? [];
}

/** A predicate that finds the next match after the host's cursor, and moves the cursor past it. */
export function serviceWaiter(api: SimulationApi, cursors: Cursors, id: string, kind: 'mqtt', want: MqttMatch): () => boolean;
export function serviceWaiter(api: SimulationApi, cursors: Cursors, id: string, kind: 'http', want: HttpMatch): () => boolean;
export function serviceWaiter(api: SimulationApi, cursors: Cursors, id: string, kind: 'mqtt' | 'http', want: MqttMatch | HttpMatch): () => boolean {
  const key = `${kind}:${id}`;
  let met = false;
  return () => {
    if (met) return true;
    const items = list(api, id, kind);
    for (let i = cursors.get(key) ?? 0; i < items.length; i++) {
      const ok = kind === 'mqtt' ? mqttMatches(items[i] as RoutedMessage, want as MqttMatch) : httpMatches(items[i] as HttpRequestRecord, want as HttpMatch);
      if (ok) {
        cursors.set(key, i + 1);
        met = true;
        return true;
      }
    }
    return false;
  };
}

/** What the host did see, for a failed step: the last few messages or requests after the cursor. */
export function serviceHint(api: SimulationApi, cursors: Cursors, id: string, kind: 'mqtt' | 'http'): string {
  const items = list(api, id, kind).slice(cursors.get(`${kind}:${id}`) ?? 0);
  if (!items.length) return kind === 'mqtt' ? `; ${id} routed no message since the previous check` : `; ${id} had no request since the previous check`;
  const shown = items.slice(-3).map((x) => {
    if (kind === 'mqtt') {
      const m = x as RoutedMessage;
      return `${m.topic} ${JSON.stringify(m.text.length > 40 ? m.text.slice(0, 40) + '…' : m.text)} from ${m.from}`;
    }
    const r = x as HttpRequestRecord;
    return `${r.method} ${r.target} → ${r.status}`;
  });
  return `; the last ${kind === 'mqtt' ? 'messages' : 'requests'} it saw: ${shown.join(', ')}`;
}
