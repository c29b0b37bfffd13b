/**
 * Built-in services of simulated internet hosts, written as TypeScript
 * callbacks on the host's socket layer (no scripts): starwars (a telnet
 * stream of our own ASCII animation), echo, discard, daytime, http (HTTP/1.0).
 */
import { AF_INET, SOCK_STREAM, type Fd, type SocketApi } from '../../stack/socket/api';
import type { Simulator } from '../../sim/simulator';
import type { InternetHostSpec } from './host';
import { CLEAR_HOME, STARWARS_FPS, starwarsFrames } from './starwars';
import type { UdpLayerApi } from '../../stack/udp/api';
import type { WorldClock } from '../clock';
import { SntpServer } from './ntp';

export interface Service {
  stop(): void;
  /** Connections accepted so far. */
  readonly connections: number;
}

interface ServiceHost {
  readonly sim: Simulator;
  readonly id: string;
  readonly transport: { sockets: SocketApi };
  readonly net: { udp: UdpLayerApi };
  /** The simulated world's date (daytime, ntp). */
  readonly clock: WorldClock;
}

type ConnHandler = (fd: Fd, api: SocketApi, sim: Simulator, clock: WorldClock) => void;

/** How many times the animation plays before the server says goodbye and closes. */
export const STARWARS_LOOPS = 2;

const DAYS = ['Thursday', 'Friday', 'Saturday', 'Sunday', 'Monday', 'Tuesday', 'Wednesday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** RFC 867 style text ("Thursday, January 1, 2026 00:00:05-UTC") for seconds since 1970 (civil_from_days). */
export function daytimeText(epochS: number): string {
  const days = Math.floor(epochS / 86400);
  const sod = epochS - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const two = (n: number) => String(n).padStart(2, '0');
  const hms = `${two(Math.floor(sod / 3600))}:${two(Math.floor(sod / 60) % 60)}:${two(sod % 60)}`;
  return `${DAYS[((days % 7) + 7) % 7]}, ${MONTHS[m - 1]} ${d}, ${y} ${hms}-UTC`;
}

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

/** Reads until EOF or error, handing each chunk to `onData`; then `onEnd`. */
function readLoop(api: SocketApi, fd: Fd, onData: (d: Uint8Array) => void, onEnd: () => void): void {
  api.recv(fd, 2048, 0, (r) => {
    if (!r.ok || r.value.length === 0) return onEnd();
    onData(r.value);
    readLoop(api, fd, onData, onEnd);
  });
}

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

const http: ConnHandler = (fd, api) => {
  let req = '';
  let answered = false;
  const answer = () => {
    if (answered) return;
    answered = true;
    const m = /^(GET|HEAD) (\S+) HTTP\/1\.[01]/.exec(req);
    const found = m !== null && (m[2] === '/' || m[2] === '/index.html');
    const body = found
      ? '<html><body><h1>Hello from the simulated internet</h1><p>esp32sim</p></body></html>\n'
      : `<html><body><h1>${m ? '404 Not Found' : '400 Bad Request'}</h1></body></html>\n`;
    const status = found ? '200 OK' : m ? '404 Not Found' : '400 Bad Request';
    const head = `HTTP/1.0 ${status}\r\nServer: esp32sim\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    api.sendall(fd, enc(m?.[1] === 'HEAD' ? head : head + body), () => api.close(fd));
  };
  readLoop(
    api,
    fd,
    (d) => {
      req += Buffer.from(d).toString('latin1');
      if (req.includes('\r\n\r\n') || req.includes('\n\n')) answer();
    },
    answer,
  );
};

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

/** NTP (UDP): an SNTP server on the spec's port (123). */
function startNtp(host: ServiceHost, spec: InternetHostSpec): Service {
  if (spec.port !== 123) throw new Error(`${host.id}: the ntp service answers on port 123, not ${spec.port}`);
  const ntp = new SntpServer(host.net.udp, host.clock);
  if (!ntp.started) throw new Error(`${host.id}: cannot bind UDP port 123`);
  return {
    stop: () => ntp.stop(),
    get connections() {
      return ntp.counters.answered;
    },
  };
}

export function startService(host: ServiceHost, spec: InternetHostSpec): Service {
  if (spec.service === 'ntp') return startNtp(host, spec);
  const api = host.transport.sockets;
  const handler: ConnHandler =
    spec.service === 'echo' ? echo : spec.service === 'discard' ? discard : spec.service === 'daytime' ? daytime : spec.service === 'http' ? http : starwars(starwarsFrames());
  const lfd = api.socket(AF_INET, SOCK_STREAM, 0);
  if (!lfd.ok) throw new Error(`${host.id}: cannot open a socket (errno ${lfd.errno})`);
  const fd = lfd.value;
  const b = api.bind(fd, { ip: '0.0.0.0', port: spec.port });
  if (!b.ok) throw new Error(`${host.id}: cannot bind port ${spec.port} (errno ${b.errno})`);
  api.listen(fd, 5);
  const svc = { connections: 0, stopped: false, stop: () => ((svc.stopped = true), api.close(fd)) };
  const acceptLoop = () =>
    api.accept(fd, (r) => {
      if (svc.stopped || !r.ok) return;
      svc.connections++;
      host.sim.trace.emit(host.id, 'socket', 'service-accept', { service: spec.service, from: `${r.value.addr.ip}:${r.value.addr.port}` });
      handler(r.value.fd, api, host.sim, host.clock);
      acceptLoop();
    });
  acceptLoop();
  return svc;
}
