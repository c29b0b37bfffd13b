/**
 * Built-in services of simulated hosts, written as TypeScript callbacks on the
 * host's socket layer (no scripts): starwars (a telnet stream of our own ASCII
 * animation), echo, discard, daytime, ntp (SNTP), http (configurable routes,
 * HTTP/1.1) and mqtt (an MQTT broker). They run on internet hosts and on LAN
 * PCs alike.
 */
import { type Fd, type SocketApi } from '../../stack/socket/api';
import type { Simulator } from '../../sim/simulator';
import { CLEAR_HOME, STARWARS_FPS, starwarsFrames } from './starwars';
import type { UdpLayerApi } from '../../stack/udp/api';
import { civilFromUnix, two, type WorldClock } from '../clock';
import type { ConsoleApi } from '../contracts';
import { SntpServer } from './ntp';
import { DEFAULT_PORTS, type ServiceSpec } from './spec';
import { listenTcp, readLoop } from './conn';
// The broker (and mqtt-packet under it) is required when a scenario has an mqtt service: a run without one never loads it.
import type { MqttBroker, MqttRecord } from './mqtt/broker';
import { HttpServer, type HttpRequestRecord, type HttpRoute } from './http/server';
import { ROUTER_NTP, type NtpIdentity } from './ntp';

export interface Service {
  readonly name: ServiceSpec['service'];
  readonly port: number;
  stop(): void;
  /** Connections accepted so far (ntp: requests answered). */
  readonly connections: number;
  /** The broker, for an mqtt service. */
  readonly mqtt?: MqttBroker;
  /** The server, for an http service. */
  readonly http?: HttpServer;
}

export interface ServiceHost {
  readonly sim: Simulator;
  readonly id: string;
  readonly sockets: SocketApi;
  readonly net: { udp: UdpLayerApi };
  /** The simulated world's date (daytime, ntp, HTTP Date). */
  readonly clock: WorldClock;
  /** Where a service writes its log lines (the timeline shows them). */
  readonly log: ConsoleApi;
}

type ConnHandler = (fd: Fd, api: SocketApi, sim: Simulator, clock: WorldClock) => void;

/** How many times the animation plays before the server says goodbye and closes. */
export const STARWARS_LOOPS = 2;

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** RFC 867 style text ("Thursday, January 1, 2026 00:00:05-UTC") for seconds since 1970. */
export function daytimeText(epochS: number): string {
  const c = civilFromUnix(epochS);
  return `${DAYS[c.weekday]}, ${MONTHS[c.month - 1]} ${c.day}, ${c.year} ${two(c.hour)}:${two(c.minute)}:${two(c.second)}-UTC`;
}

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

const echo: ConnHandler = (fd, api) => {
  let closed = false;
  const close = () => {
    if (!closed) (closed = true), api.close(fd);
  };
  readLoop(api, fd, (d) => api.sendall(fd, d, (r) => r.ok || close()), close);
};

const discard: ConnHandler = (fd, api) => readLoop(api, fd, () => {}, () => api.close(fd));

const daytime: ConnHandler = (fd, api, _sim, clock) => {
  api.sendall(fd, enc(daytimeText(Math.floor(clock.unixUs() / 1_000_000)) + '\r\n'), () => api.close(fd));
};

/** What `service: http` answers without routes: one page. */
export const DEFAULT_HTTP_ROUTES: HttpRoute[] = ['/', '/index.html'].map((path) => ({
  path,
  contentType: 'text/html; charset=utf-8',
  body: '<html><body><h1>Hello from the simulated internet</h1><p>esp32sim</p></body></html>\n',
}));

function starwars(frames: string[]): ConnHandler {
  return (fd, api, sim) => {
    let i = 0;
    let done = false;
    const total = frames.length * STARWARS_LOOPS;
    const finish = () => {
      if (done) return;
      done = true;
      api.close(fd);
    };
    // Whatever the client types is read and ignored (telnet negotiation, keys).
    readLoop(api, fd, () => {}, () => {});
    const next = () => {
      if (done) return;
      if (i >= total) {
        api.sendall(fd, enc('\r\nConnection closed by the movie server. Goodbye!\r\n'), finish);
        return;
      }
      const frame = frames[i % frames.length];
      i++;
      api.sendall(fd, enc(CLEAR_HOME + frame), (r) => {
        if (!r.ok) return finish();
        sim.schedule(Math.round(1_000_000 / STARWARS_FPS), next);
      });
    };
    next();
  };
}

/** NTP (UDP): an SNTP server on port 123. */
function startNtp(host: ServiceHost, port: number, id: NtpIdentity): Service {
  if (port !== 123) throw new Error(`${host.id}: the ntp service answers on port 123, not ${port}`);
  const ntp = new SntpServer(host.net.udp, host.clock, id);
  if (!ntp.started) throw new Error(`${host.id}: cannot bind UDP port 123`);
  return {
    name: 'ntp',
    port,
    stop: () => ntp.stop(),
    get connections() {
      return ntp.counters.answered;
    },
  };
}

/** Records a service keeps across restarts of its host (a LAN PC that reboots starts it again). */
export interface ServiceRecord {
  mqtt?: MqttRecord;
  http?: HttpRequestRecord[];
  /** NTP identity: an internet host is a pool server (stratum 2), a LAN PC a stratum 1 box. */
  ntp?: NtpIdentity;
}

export function startService(host: ServiceHost, spec: ServiceSpec, record: ServiceRecord = {}): Service {
  const port = spec.port ?? DEFAULT_PORTS[spec.service];
  if (spec.service === 'ntp') return startNtp(host, port, record.ntp ?? ROUTER_NTP);
  if (spec.service === 'mqtt') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MqttBroker: Broker } = require('./mqtt/broker') as typeof import('./mqtt/broker');
    const mqtt = new Broker(host, port, { users: spec.users }, record.mqtt);
    return { name: 'mqtt', port, mqtt, stop: () => mqtt.stop(), get connections() { return mqtt.counters.connections; } };
  }
  if (spec.service === 'http') {
    const http = new HttpServer(host, port, spec.routes ?? DEFAULT_HTTP_ROUTES, record.http);
    return { name: 'http', port, http, stop: () => http.stop(), get connections() { return http.requests.length; } };
  }
  const api = host.sockets;
  const handler: ConnHandler = spec.service === 'echo' ? echo : spec.service === 'discard' ? discard : spec.service === 'daytime' ? daytime : starwars(starwarsFrames());
  let connections = 0;
  const l = listenTcp(api, host.id, port, (fd, from) => {
    connections++;
    host.sim.trace.emit(host.id, 'socket', 'service-accept', { service: spec.service, from: `${from.ip}:${from.port}` });
    handler(fd, api, host.sim, host.clock);
  }, 5);
  return {
    name: spec.service,
    port,
    stop: () => l.stop(),
    get connections() {
      return connections;
    },
  };
}
