/**
 * Small simulated peers for the firmware-module tests, written on a host's
 * socket layer (callbacks, virtual time): an MQTT 3.1.1 broker (QoS 0/1,
 * retained messages, wildcards, last will, keepalive enforced at 1.5x) and an
 * HTTP/1.0 server with fixed routes. Both log what they saw for assertions.
 * They are test peers, not the product's broker and HTTP services (issue 12).
 */
import type { Simulator } from '../../../../sim/simulator';
import { topicMatches } from '../../../../devices/internet/mqtt/topics';
import { AF_INET, SOCK_STREAM, type Fd, type SocketApi } from '../../../../stack/socket/api';

/** Accepts forever on `port`, handing each connection to `onConn`. */
function listen(api: SocketApi, port: number, onConn: (fd: Fd, from: string) => void): () => void {
  const s = api.socket(AF_INET, SOCK_STREAM, 0);
  if (!s.ok) throw new Error(`peer: socket errno ${s.errno}`);
  const fd = s.value;
  const b = api.bind(fd, { ip: '0.0.0.0', port });
  if (!b.ok) throw new Error(`peer: bind ${port} errno ${b.errno}`);
  api.listen(fd, 8);
  let stopped = false;
  const loop = () =>
    api.accept(fd, (r) => {
      if (stopped || !r.ok) return;
      onConn(r.value.fd, `${r.value.addr.ip}:${r.value.addr.port}`);
      loop();
    });
  loop();
  return () => {
    stopped = true;
    api.close(fd);
  };
}

/** Writes in order, one sendall at a time. */
class Writer {
  private q: Uint8Array[] = [];
  private busy = false;
  closed = false;
  constructor(
    private readonly api: SocketApi,
    private readonly fd: Fd,
  ) {}
  send(b: Uint8Array): void {
    if (this.closed) return;
    this.q.push(b);
    this.pump();
  }
  /** Closes once everything queued has been handed to the socket. */
  close(): void {
    this.send(new Uint8Array(0));
  }
  private pump(): void {
    if (this.busy || this.closed) return;
    const b = this.q.shift();
    if (!b) return;
    if (b.length === 0) {
      this.closed = true;
      this.api.close(this.fd);
      return;
    }
    this.busy = true;
    this.api.sendall(this.fd, b, (r) => {
      this.busy = false;
      if (!r.ok) {
        this.closed = true;
        this.api.close(this.fd);
        return;
      }
      this.pump();
    });
  }
}

function readLoop(api: SocketApi, fd: Fd, onData: (d: Uint8Array) => void, onEnd: () => void): void {
  api.recv(fd, 4096, 0, (r) => {
    if (!r.ok || r.value.length === 0) return onEnd();
    onData(r.value);
    readLoop(api, fd, onData, onEnd);
  });
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

// ---------------------------------------------------------------- MQTT 3.1.1

export interface MqttEvent {
  t: number;
  kind: 'connect' | 'connack-refused' | 'subscribe' | 'publish' | 'deliver' | 'puback' | 'ping' | 'disconnect' | 'will' | 'keepalive-timeout' | 'kicked' | 'closed';
  client: string;
  topic?: string;
  payload?: string;
  qos?: number;
  retain?: boolean;
  keepalive?: number;
  clean?: boolean;
}

interface Client {
  id: string;
  w: Writer;
  subs: { filter: string; qos: number }[];
  will?: { topic: string; payload: Uint8Array; qos: number; retain: boolean };
  keepalive: number;
  timer?: number;
  nextPid: number;
  gone: boolean;
}

function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>= 7;
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function packet(first: number, body: number[] | Uint8Array): Uint8Array {
  return new Uint8Array([first, ...remainingLength(body.length), ...body]);
}

function str16(s: Uint8Array | string): number[] {
  const b = typeof s === 'string' ? bytes(s) : s;
  return [b.length >> 8, b.length & 0xff, ...b];
}

export interface MqttBroker {
  readonly log: MqttEvent[];
  readonly retained: Map<string, Uint8Array>;
  /** Credentials it accepts (none: anyone). */
  users?: Record<string, string>;
  /** Drops a client's connection as a failing broker would (no DISCONNECT; its will is published). */
  kick(clientId: string): void;
  stop(): void;
}

export function startMqttBroker(sim: Simulator, api: SocketApi, port = 1883): MqttBroker {
  const clients = new Set<Client>();
  /** Subscriptions kept for clients that connected with clean session 0. */
  const sessions = new Map<string, { filter: string; qos: number }[]>();
  const broker: MqttBroker = {
    log: [],
    retained: new Map(),
    kick: (id) => {
      for (const c of clients) if (c.id === id) drop(c, 'kicked');
    },
    stop: () => stopListen(),
  };
  const log = (e: Omit<MqttEvent, 't'>) => broker.log.push({ t: sim.now, ...e });

  const deliver = (topic: string, payload: Uint8Array, qos: number, retain: boolean, to?: Client) => {
    for (const c of to ? [to] : clients) {
      if (c.gone || !c.id) continue;
      const sub = c.subs.filter((s) => topicMatches(s.filter, topic)).sort((a, b) => b.qos - a.qos)[0];
      if (!sub) continue;
      const q = Math.min(qos, sub.qos);
      const pid = q > 0 ? [c.nextPid >> 8, c.nextPid++ & 0xff] : [];
      c.w.send(packet(0x30 | (q << 1) | (retain ? 1 : 0), [...str16(topic), ...pid, ...payload]));
      log({ kind: 'deliver', client: c.id, topic, payload: text(payload), qos: q, retain });
    }
  };

  const publish = (from: string, topic: string, payload: Uint8Array, qos: number, retain: boolean) => {
    if (retain) {
      if (payload.length) broker.retained.set(topic, payload);
      else broker.retained.delete(topic);
    }
    deliver(topic, payload, qos, false);
    void from;
  };

  const drop = (c: Client, why: 'closed' | 'keepalive-timeout' | 'kicked') => {
    if (c.gone) return;
    c.gone = true;
    clients.delete(c);
    if (c.timer !== undefined) sim.cancel(c.timer);
    log({ kind: why, client: c.id });
    if (c.will) {
      log({ kind: 'will', client: c.id, topic: c.will.topic, payload: text(c.will.payload) });
      publish(c.id, c.will.topic, c.will.payload, c.will.qos, c.will.retain);
    }
    c.w.close();
  };

  const arm = (c: Client) => {
    if (c.timer !== undefined) sim.cancel(c.timer);
    if (c.keepalive > 0) c.timer = sim.schedule(c.keepalive * 1_500_000, () => drop(c, 'keepalive-timeout'));
  };

  const handle = (c: Client, type: number, flags: number, b: Uint8Array): boolean => {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let o = 0;
    const s16 = () => {
      const n = dv.getUint16(o);
      const v = b.subarray(o + 2, o + 2 + n);
      o += 2 + n;
      return v;
    };
    arm(c);
    switch (type) {
      case 1: {
        const proto = text(s16());
        const level = b[o++];
        const f = b[o++];
        c.keepalive = dv.getUint16(o);
        o += 2;
        c.id = text(s16());
        if (f & 4) {
          const topic = text(s16());
          c.will = { topic, payload: s16(), qos: (f >> 3) & 3, retain: (f & 0x20) !== 0 };
        }
        const user = f & 0x80 ? text(s16()) : undefined;
        const pass = f & 0x40 ? text(s16()) : undefined;
        let rc = proto === 'MQTT' && level === 4 ? 0 : 1;
        if (rc === 0 && broker.users && (user === undefined || broker.users[user] !== pass)) rc = 5;
        const clean = (f & 2) !== 0;
        if (clean) sessions.delete(c.id);
        const kept = sessions.get(c.id);
        if (!clean) sessions.set(c.id, (c.subs = kept ?? []));
        c.w.send(new Uint8Array([0x20, 2, rc === 0 && kept ? 1 : 0, rc]));
        if (rc !== 0) {
          log({ kind: 'connack-refused', client: c.id });
          c.will = undefined;
          drop(c, 'closed');
          return false;
        }
        clients.add(c);
        arm(c);
        log({ kind: 'connect', client: c.id, keepalive: c.keepalive, clean: (f & 2) !== 0 });
        return true;
      }
      case 3: {
        const qos = (flags >> 1) & 3;
        const topic = text(s16());
        let pid = 0;
        if (qos > 0) {
          pid = dv.getUint16(o);
          o += 2;
        }
        const payload = b.slice(o);
        log({ kind: 'publish', client: c.id, topic, payload: text(payload), qos, retain: (flags & 1) !== 0 });
        if (qos === 1) c.w.send(new Uint8Array([0x40, 2, pid >> 8, pid & 0xff]));
        publish(c.id, topic, payload, qos, (flags & 1) !== 0);
        return true;
      }
      case 8: {
        const pid = dv.getUint16(o);
        o += 2;
        const granted: number[] = [];
        const added: string[] = [];
        while (o < b.length) {
          const filter = text(s16());
          const qos = Math.min(1, b[o++] & 3);
          const i = c.subs.findIndex((s) => s.filter === filter);
          if (i >= 0) c.subs.splice(i, 1);
          c.subs.push({ filter, qos });
          granted.push(qos);
          added.push(filter);
          log({ kind: 'subscribe', client: c.id, topic: filter, qos });
        }
        c.w.send(packet(0x90, [pid >> 8, pid & 0xff, ...granted]));
        for (const [topic, payload] of broker.retained)
          if (added.some((f) => topicMatches(f, topic))) deliver(topic, payload, 1, true, c);
        return true;
      }
      case 10: {
        const pid = dv.getUint16(o);
        c.w.send(new Uint8Array([0xb0, 2, pid >> 8, pid & 0xff]));
        return true;
      }
      case 12:
        log({ kind: 'ping', client: c.id });
        c.w.send(new Uint8Array([0xd0, 0]));
        return true;
      case 14:
        log({ kind: 'disconnect', client: c.id });
        c.will = undefined;
        drop(c, 'closed');
        return false;
      case 4:
        log({ kind: 'puback', client: c.id });
        return true;
      default:
        return true;
    }
  };

  const stopListen = listen(api, port, (fd) => {
    const c: Client = { id: '', w: new Writer(api, fd), subs: [], keepalive: 0, nextPid: 1, gone: false };
    let buf = new Uint8Array(0);
    readLoop(
      api,
      fd,
      (d) => {
        buf = concat(buf, d);
        for (;;) {
          if (buf.length < 2 || c.gone) return;
          let len = 0;
          let mul = 1;
          let i = 1;
          for (; i < buf.length && i <= 4; i++) {
            len += (buf[i] & 0x7f) * mul;
            mul *= 128;
            if (!(buf[i] & 0x80)) break;
          }
          if (i >= buf.length || buf.length < i + 1 + len) return;
          const body = buf.slice(i + 1, i + 1 + len);
          const first = buf[0];
          buf = buf.slice(i + 1 + len);
          if (!handle(c, first >> 4, first & 15, body)) return;
        }
      },
      () => drop(c, 'closed'),
    );
  });
  return broker;
}

// ---------------------------------------------------------------- HTTP/1.0

export interface HttpRoute {
  method?: string;
  path: string;
  status?: number;
  reason?: string;
  headers?: Record<string, string>;
  /** Text, or a value sent as JSON. */
  body?: string | object;
}

export interface HttpRequestSeen {
  t: number;
  method: string;
  path: string;
  version: string;
  headers: Record<string, string>;
  body: string;
  /** The request exactly as it arrived. */
  raw: string;
}

export function startHttpServer(sim: Simulator, api: SocketApi, port: number, routes: HttpRoute[]): { requests: HttpRequestSeen[]; stop(): void } {
  const seen: HttpRequestSeen[] = [];
  const stop = listen(api, port, (fd) => {
    const w = new Writer(api, fd);
    let raw = '';
    let answered = false;
    const answer = () => {
      const end = raw.indexOf('\r\n\r\n');
      if (answered || end < 0) return;
      const lines = raw.slice(0, end).split('\r\n');
      const [method, target, version] = lines[0].split(' ');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const k = l.indexOf(':');
        if (k > 0) headers[l.slice(0, k).trim().toLowerCase()] = l.slice(k + 1).trim();
      }
      const want = Number(headers['content-length'] ?? 0);
      if (raw.length - end - 4 < want) return;
      answered = true;
      const body = raw.slice(end + 4, end + 4 + want);
      const path = (target ?? '').split('?')[0];
      seen.push({ t: sim.now, method, path: target ?? '', version: version ?? '', headers, body, raw });
      const route = routes.find((r) => r.path === path && (r.method ?? 'GET') === method);
      const known = routes.some((r) => r.path === path);
      const status = route ? (route.status ?? 200) : known ? 405 : 404;
      const reason = route?.reason ?? (status === 200 ? 'OK' : status === 201 ? 'Created' : status === 404 ? 'Not Found' : status === 405 ? 'Method Not Allowed' : 'Status');
      const json = route !== undefined && typeof route.body === 'object';
      const payload = route === undefined ? `${status} ${reason}\n` : json ? JSON.stringify(route.body) : ((route.body as string | undefined) ?? '');
      const head: Record<string, string> = {
        Server: 'peer',
        'Content-Type': json ? 'application/json' : 'text/plain',
        'Content-Length': String(Buffer.byteLength(payload)),
        Connection: 'close',
        ...(route?.headers ?? {}),
      };
      const headText = Object.entries(head).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      w.send(bytes(`HTTP/1.0 ${status} ${reason}\r\n${headText}\r\n${method === 'HEAD' ? '' : payload}`));
      w.close();
    };
    readLoop(
      api,
      fd,
      (d) => {
        raw += text(d);
        answer();
      },
      () => {
        if (!answered) w.close();
      },
    );
  });
  return { requests: seen, stop };
}
