/**
 * A configurable HTTP/1.1 server (RFC 9110 semantics, RFC 9112 messages) as a
 * service of a simulated host: routes by method and path answer with a status,
 * header fields and a body (text, JSON or a file's content, sent with
 * Content-Length or, when the route says so, chunked), after an optional delay
 * in virtual time. Persistent connections (HTTP/1.1 by default, HTTP/1.0 with
 * "Connection: keep-alive"), "Connection: close", pipelined requests answered
 * in order, HEAD, OPTIONS, 404 for an unknown path, 405 with Allow for a known
 * path and another method, 400/413/431/501/505 for what cannot be read, and an
 * idle connection closed after KEEPALIVE_IDLE_US. Every request is logged.
 */
import type { Simulator } from '../../../sim/simulator';
import type { SockAddr, SocketApi } from '../../../stack/socket/api';
import type { WorldClock } from '../../clock';
import type { ConsoleApi } from '../../contracts';
import { fromLatin1, listenTcp, readLoop, Writer, type Listener } from '../conn';
import { RequestReader, type HttpRequest } from './request';
import { httpDate, reasonPhrase } from './status';

export interface HttpRoute {
  /** GET unless given; "*" answers any method. A GET route answers HEAD too. */
  method?: string;
  /** The path without the query; a trailing "*" matches any path that starts with the rest. */
  path: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Content-Type when `headers` does not give one (default text/plain; charset=utf-8). */
  contentType?: string;
  /** Virtual time the server takes before it answers. */
  delayUs?: number;
  /** Send the body with chunked transfer coding (to an HTTP/1.1 client) instead of Content-Length. */
  chunked?: boolean;
}

/** One request the server read, and what it answered. */
export interface HttpRequestRecord {
  t: number;
  from: string;
  method: string;
  /** The request target as sent (path and query). */
  target: string;
  path: string;
  version: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  /** Bytes of the response body. */
  bytes: number;
}

export const HTTP_PORT = 80;
/** An idle persistent connection is closed after this (Apache's KeepAliveTimeout default). */
export const KEEPALIVE_IDLE_US = 5_000_000;
/** Requests on one connection before the server closes it. */
export const MAX_REQUESTS_PER_CONNECTION = 100;
const CHUNK_BYTES = 512;

export interface HttpHost {
  readonly sim: Simulator;
  readonly id: string;
  readonly sockets: SocketApi;
  readonly clock: WorldClock;
  readonly log: ConsoleApi;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

function matches(route: HttpRoute, path: string): boolean {
  return route.path.endsWith('*') ? path.startsWith(route.path.slice(0, -1)) : route.path === path;
}

function methodOf(r: HttpRoute): string {
  return (r.method ?? 'GET').toUpperCase();
}

export class HttpServer {
  private readonly listener: Listener;
  private listeners: ((r: HttpRequestRecord) => void)[] = [];
  private stopped = false;

  constructor(
    private readonly host: HttpHost,
    readonly port: number,
    readonly routes: readonly HttpRoute[],
    /** Where requests are logged (a host that restarts its server keeps one log). */
    readonly requests: HttpRequestRecord[] = [],
  ) {
    this.listener = listenTcp(host.sockets, host.id, port, (fd, from) => this.accept(fd, from), 16);
    host.log.write(`http server listening on port ${port} (${routes.length} route${routes.length === 1 ? '' : 's'})\n`);
  }

  onRequest(fn: (r: HttpRequestRecord) => void): () => void {
    this.listeners = [...this.listeners, fn];
    return () => (this.listeners = this.listeners.filter((x) => x !== fn));
  }

  stop(): void {
    this.stopped = true;
    this.listener.stop();
  }

  private accept(fd: number, addr: SockAddr): void {
    const { sim, sockets } = this.host;
    const from = `${addr.ip}:${addr.port}`;
    const reader = new RequestReader();
    let closed = false;
    const w = new Writer(sockets, fd, () => (closed = true));
    let busy = false;
    let peerDone = false;
    let served = 0;
    let idle: number | undefined;
    const end = () => {
      if (closed) return;
      closed = true;
      sim.cancel(idle);
      w.close();
    };
    const armIdle = () => {
      sim.cancel(idle);
      idle = sim.schedule(KEEPALIVE_IDLE_US, end);
    };
    const pump = () => {
      while (!busy && !closed) {
        const r = reader.next();
        if (r === undefined) return;
        if ('expectContinue' in r) {
          w.send(fromLatin1('HTTP/1.1 100 Continue\r\n\r\n'));
          continue;
        }
        sim.cancel(idle);
        if ('error' in r) {
          this.answerError(w, from, r.error, r.why);
          return end();
        }
        busy = true;
        served++;
        this.answer(r.request, from, w, (keep) => {
          busy = false;
          if (!keep || peerDone || served >= MAX_REQUESTS_PER_CONNECTION) return end();
          armIdle();
          pump();
        });
      }
    };
    armIdle();
    readLoop(
      sockets,
      fd,
      (d) => {
        reader.push(d);
        pump();
        return !closed;
      },
      () => {
        // The client closed its side: answer what is being answered, then close.
        peerDone = true;
        if (!busy) end();
      },
    );
  }

  private route(req: HttpRequest): { route?: HttpRoute; status: number; allow?: string } {
    const onPath = this.routes.filter((r) => matches(r, req.path));
    const m = req.method === 'HEAD' ? ['HEAD', 'GET'] : [req.method];
    const route = onPath.find((r) => m.includes(methodOf(r)) || methodOf(r) === '*');
    if (route) return { route, status: route.status ?? 200 };
    if (!onPath.length) return { status: 404 };
    const allow = [...new Set(onPath.flatMap((r) => (methodOf(r) === 'GET' ? ['GET', 'HEAD'] : [methodOf(r)])))];
    if (req.method === 'OPTIONS') return { status: 204, allow: [...allow, 'OPTIONS'].join(', ') };
    return { status: 405, allow: allow.join(', ') };
  }

  private answer(req: HttpRequest, from: string, w: Writer, done: (keep: boolean) => void): void {
    const { route, status, allow } = this.route(req);
    const v11 = req.version === 'HTTP/1.1';
    const conn = (req.headers.connection ?? '').toLowerCase();
    const keep = v11 ? !/(^|,)\s*close\s*($|,)/.test(conn) : /(^|,)\s*keep-alive\s*($|,)/.test(conn);
    const headers: [string, string][] = [
      ['Date', httpDate(this.host.clock.unixUs())],
      ['Server', 'esp32sim'],
    ];
    let body: Uint8Array;
    if (route) {
      body = typeof route.body === 'string' ? utf8(route.body) : (route.body ?? new Uint8Array(0));
      const given = Object.entries(route.headers ?? {});
      if (!given.some(([k]) => k.toLowerCase() === 'content-type') && status !== 204 && status !== 304) headers.push(['Content-Type', route.contentType ?? 'text/plain; charset=utf-8']);
      for (const [k, v] of given) if (!['content-length', 'transfer-encoding', 'connection', 'date'].includes(k.toLowerCase())) headers.push([k, v]);
    } else if (status === 204) {
      body = new Uint8Array(0);
    } else {
      body = utf8(`${status} ${reasonPhrase(status)}: ${status === 404 ? `no route for ${req.path}` : `${req.method} is not allowed on ${req.path} (allowed: ${allow})`}\n`);
      headers.push(['Content-Type', 'text/plain; charset=utf-8']);
    }
    if (allow) headers.push(['Allow', allow]);
    const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
    const chunked = Boolean(route?.chunked) && v11 && !noBody;
    if (chunked) headers.push(['Transfer-Encoding', 'chunked']);
    else if (!noBody || status === 304) headers.push(['Content-Length', String(body.length)]);
    if (!keep) headers.push(['Connection', 'close']);
    else if (!v11) headers.push(['Connection', 'keep-alive']);
    const head = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
    const send = () => {
      if (this.stopped) return;
      w.send(fromLatin1(head));
      if (req.method !== 'HEAD' && !noBody) {
        if (!chunked) w.send(body);
        else {
          for (let i = 0; i < body.length; i += CHUNK_BYTES) {
            const part = body.subarray(i, i + CHUNK_BYTES);
            w.send(fromLatin1(`${part.length.toString(16)}\r\n`));
            w.send(part);
            w.send(fromLatin1('\r\n'));
          }
          w.send(fromLatin1('0\r\n\r\n'));
        }
      }
      this.record(req, from, status, req.method === 'HEAD' || noBody ? 0 : body.length);
      done(keep);
    };
    const delay = route?.delayUs ?? 0;
    if (delay > 0) this.host.sim.schedule(delay, send);
    else send();
  }

  private answerError(w: Writer, from: string, status: number, why: string): void {
    const body = utf8(`${status} ${reasonPhrase(status)}: ${why}\n`);
    const head = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\nDate: ${httpDate(this.host.clock.unixUs())}\r\nServer: esp32sim\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    w.send(fromLatin1(head));
    w.send(body);
    this.host.log.write(`${from} bad request: ${why} → ${status}\n`);
  }

  private record(req: HttpRequest, from: string, status: number, bytes: number): void {
    const rec: HttpRequestRecord = {
      t: this.host.sim.now,
      from,
      method: req.method,
      target: req.target,
      path: req.path,
      version: req.version,
      headers: req.headers,
      body: Buffer.from(req.body).toString('utf8'),
      status,
      bytes,
    };
    this.requests.push(rec);
    this.host.log.write(`${from} "${req.method} ${req.target} ${req.version}" ${status} ${bytes}\n`);
    for (const fn of this.listeners) fn(rec);
  }
}
