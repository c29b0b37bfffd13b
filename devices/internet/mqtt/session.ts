/**
 * A client's MQTT session on the broker (MQTT 3.1.1 section 4.1, 5.0 section
 * 4.1): its subscriptions, the QoS 1 and 2 messages in flight to it, the
 * messages queued while it is offline, and the QoS 2 packet identifiers it
 * sent that await their PUBREL. The session outlives a connection when the
 * client asked for one (clean session 0; in 5.0 a session expiry interval).
 */
import type { IPublishPacket, Packet, QoS } from 'mqtt-packet';

export interface Subscription {
  qos: QoS;
  /** 5.0 options: no local, retain as published, retain handling. */
  nl: boolean;
  rap: boolean;
  rh: number;
  /** 5.0 subscription identifier. */
  id?: number;
}

/** What the session needs from a live connection. */
export interface SessionLink {
  send(p: Packet): void;
  /** The client's receive maximum (5.0) or the broker's default. */
  readonly receiveMaximum: number;
}

/** A message on its way to this client. */
export interface Outgoing {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: IPublishPacket['properties'];
}

interface Inflight {
  msg: Outgoing;
  /** What the broker waits for: PUBACK (QoS 1), PUBREC then PUBCOMP (QoS 2). */
  awaiting: 'puback' | 'pubrec' | 'pubcomp';
}

/** Messages kept for an offline client, at most (older ones are dropped first). */
export const MAX_QUEUED = 1000;
/** Messages in flight to a client at once (a 5.0 client may ask for fewer). */
export const MAX_INFLIGHT = 20;

export class Session {
  readonly subs = new Map<string, Subscription>();
  private readonly inflight = new Map<number, Inflight>();
  private readonly queue: Outgoing[] = [];
  /** QoS 2 packet identifiers received and answered with PUBREC, until their PUBREL. */
  readonly incomingQos2 = new Set<number>();
  private nextPid = 1;
  link: SessionLink | undefined;
  /** Seconds the session lives after its connection ends (3.1.1: 0 for a clean session, forever otherwise). */
  expiryS = 0;
  expiryTimer: number | undefined;
  /** Messages dropped because the offline queue was full. */
  dropped = 0;

  constructor(readonly clientId: string) {}

  get queued(): number {
    return this.queue.length;
  }

  /** Hands a message to the client now, or keeps it (QoS 1/2) until it can take it. */
  deliver(msg: Outgoing): void {
    if (this.link && this.inflight.size < this.link.receiveMaximum) return this.sendNow(msg);
    if (msg.qos === 0 && !this.link) return; // QoS 0 is not kept for an offline client
    if (this.queue.length >= MAX_QUEUED) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(msg);
  }

  private sendNow(msg: Outgoing): void {
    const link = this.link!;
    if (msg.qos === 0) {
      link.send({ cmd: 'publish', topic: msg.topic, payload: msg.payload, qos: 0, retain: msg.retain, dup: false, ...(msg.properties ? { properties: msg.properties } : {}) });
      return;
    }
    const pid = this.allocPid();
    this.inflight.set(pid, { msg, awaiting: msg.qos === 1 ? 'puback' : 'pubrec' });
    link.send({ cmd: 'publish', topic: msg.topic, payload: msg.payload, qos: msg.qos, retain: msg.retain, dup: false, messageId: pid, ...(msg.properties ? { properties: msg.properties } : {}) });
  }

  private allocPid(): number {
    for (let i = 0; i < 65535; i++) {
      const pid = this.nextPid;
      this.nextPid = pid === 65535 ? 1 : pid + 1;
      if (!this.inflight.has(pid)) return pid;
    }
    return this.nextPid;
  }

  /** PUBACK (QoS 1) or PUBCOMP (QoS 2): the message is done. Answers whether the identifier was in flight. */
  acked(pid: number, packet: 'puback' | 'pubcomp'): boolean {
    const f = this.inflight.get(pid);
    if (!f || f.awaiting !== packet) return false;
    this.inflight.delete(pid);
    this.drain();
    return true;
  }

  /** PUBREC: answer PUBREL and wait for PUBCOMP. */
  received(pid: number): boolean {
    const f = this.inflight.get(pid);
    if (!f || f.awaiting !== 'pubrec') return false;
    f.awaiting = 'pubcomp';
    this.link?.send({ cmd: 'pubrel', messageId: pid });
    return true;
  }

  /** A new connection took the session over: resend what is unacknowledged (DUP set), then the queue. */
  resume(link: SessionLink): void {
    this.link = link;
    for (const [pid, f] of this.inflight) {
      if (f.awaiting === 'pubcomp') link.send({ cmd: 'pubrel', messageId: pid });
      else link.send({ cmd: 'publish', topic: f.msg.topic, payload: f.msg.payload, qos: f.msg.qos, retain: f.msg.retain, dup: true, messageId: pid, ...(f.msg.properties ? { properties: f.msg.properties } : {}) });
    }
    this.drain();
  }

  private drain(): void {
    while (this.link && this.queue.length && this.inflight.size < this.link.receiveMaximum) this.sendNow(this.queue.shift()!);
  }

  /** The subscription that decides a delivery when several of the client's filters match: the highest QoS. */
  bestMatch(matching: [string, Subscription][]): Subscription | undefined {
    let best: Subscription | undefined;
    for (const [, s] of matching) if (!best || s.qos > best.qos) best = s;
    return best;
  }
}
