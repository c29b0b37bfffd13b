/**
 * What the broker tells: one event per thing it did (the library API and the
 * scenario steps read these) and the log line a person reads in the timeline.
 */
import { showPayload } from '../conn';

export type MqttEventKind =
  | 'connect'
  | 'refused'
  | 'subscribe'
  | 'unsubscribe'
  | 'publish'
  | 'deliver'
  | 'ping'
  | 'disconnect'
  | 'lost'
  | 'keepalive-timeout'
  | 'takeover'
  | 'will'
  | 'protocol-error'
  | 'session-expired';

export interface MqttEvent {
  /** Virtual time (µs). */
  t: number;
  kind: MqttEventKind;
  client: string;
  topic?: string;
  /** The payload as text (UTF-8; bytes that are not text show as U+FFFD). */
  payload?: string;
  qos?: number;
  retain?: boolean;
  /** Anything else worth knowing (why a connect was refused, the protocol error, ...). */
  detail?: string;
}

/** A message the broker accepted from a client (or a will it published) and to whom it went. */
export interface RoutedMessage {
  t: number;
  /** The publishing client's id. */
  from: string;
  topic: string;
  payload: Uint8Array;
  /** The payload as UTF-8 text. */
  text: string;
  qos: number;
  retain: boolean;
  /** Client ids it was delivered or queued to. */
  to: string[];
  /** A last will, published by the broker for `from`. */
  will?: boolean;
}

export const PROTOCOL_NAMES: Record<number, string> = { 3: 'MQTT 3.1', 4: 'MQTT 3.1.1', 5: 'MQTT 5.0' };

const subscribers = (n: number) => (n === 1 ? '1 subscriber' : `${n} subscribers`);

/** The line for a published message: `sensors/temp "21.5" qos 1, retained → 2 subscribers`. */
export function publishLine(topic: string, payload: Uint8Array, qos: number, retain: boolean, to: number): string {
  return `${topic} ${showPayload(payload)} qos ${qos}${retain ? ', retained' : ''} → ${subscribers(to)}`;
}

export function secondsText(s: number): string {
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
}
