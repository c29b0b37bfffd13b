/**
 * The device OS: maps each syscall of a script runtime onto the board
 * (sockets, console, stdin, GPIO, WLAN, resolver) and answers through a
 * callback, possibly much later in virtual time. Never throws on bad input
 * from a script: answers an errno instead.
 */
import type { BoardApi, WlanApi } from '../contracts';
import type { SysResult, SysValue, Syscall } from './contract';
import { pollWithSources } from './poll-sources';
import { PIN_COUNT } from '../gpio';

export type Answer = (r: SysResult) => void;

/** The console's UART: 115200 baud, 8N1 (11,520 bytes a second); writes up to 64 KiB go out at once. */
export const SERIAL_BYTES_PER_S = 11_520;
export const SERIAL_BURST_BYTES = 64 * 1024;

export const EINVAL = 22;
/** select.poll: sys.stdin is fd 0 (never a socket's fd); POLLIN. */
const STDIN_FD = 0;
const POLLIN_BIT = 1;
export const EPERM = 1;
const TICKS_PERIOD = 2 ** 30;
/** MICROPY_PY_NETWORK_HOSTNAME_MAX_LEN: hostnames are shorter than this (bytes). */
const HOSTNAME_MAX_LEN = 32;
/** PC clocks: Unix time of the simulation's t=0 (2025-01-01T00:00:00Z). */
export const PC_EPOCH_S = 1_735_689_600;

export interface OsOptions {
  personality: 'esp32' | 'pc';
  /** Virtual time the device booted (ticks_ms counts from here). */
  bootUs: number;
}

const ok = (value: SysValue = null): SysResult => ({ ok: true, value });
const fail = (errno: number): SysResult => ({ ok: false, errno });

function num(v: SysValue | undefined, dflt = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'boolean' ? (v ? 1 : 0) : dflt;
}
function str(v: SysValue | undefined): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}
function bytesArg(v: SysValue | undefined): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new TextEncoder().encode(v);
  return new Uint8Array(0);
}
/** WLAN values as plain data (bytes become { bytes: [...] } so they survive JSON). */
function plain(v: unknown): SysValue {
  if (v instanceof Uint8Array) return { bytes: Array.from(v) };
  if (Array.isArray(v)) return v.map(plain);
  if (v === undefined) return null;
  return v as SysValue;
}
function sockResult<T>(answer: Answer, map: (v: T) => SysValue = () => null) {
  return (r: { ok: true; value: T } | { ok: false; errno: number }) => answer(r.ok ? ok(map(r.value)) : fail(r.errno));
}

export class ScriptOs {
  constructor(
    private readonly board: BoardApi,
    private readonly opts: OsOptions,
  ) {}

  private get sinceBoot(): number {
    return this.board.sim.now - this.opts.bootUs;
  }

  /** Carries out one syscall; `answer` is called exactly once (unless the board resets). */
  dispatch(call: Syscall, answer: Answer): void {
    try {
      this.run(call, answer);
    } catch (e) {
      answer(fail(EINVAL));
    }
  }

  private run(call: Syscall, answer: Answer): void {
    const a = call.args;
    const b = this.board;
    const s = b.sockets;
    const pc = this.opts.personality === 'pc';
    switch (call.op) {
      case 'write': {
        const text = str(a[0]);
        b.console.write(text);
        // A burst beyond what the serial port buffers takes the time the UART needs to send it,
        // so a script that only prints still moves virtual time on (and meets its timeout).
        const over = text.length - SERIAL_BURST_BYTES;
        if (over <= 0) return answer(ok());
        return void b.sim.schedule(Math.round((over * 1e6) / SERIAL_BYTES_PER_S), () => answer(ok()));
      }
      case 'input':
        return b.stdin.readLine((line) => {
          b.console.write(line + '\n');
          answer(ok(line));
        });
      case 'time.sleep':
        b.sim.schedule(Math.max(0, Math.round(num(a[0]))), () => answer(ok()));
        return;
      case 'time.ticks_ms':
        return answer(ok(Math.floor(this.sinceBoot / 1000) % TICKS_PERIOD));
      case 'time.ticks_us':
        return answer(ok(this.sinceBoot % TICKS_PERIOD));
      case 'stdin.read':
        // sys.stdin: the next typed line; a PC's terminal echoes it, an ESP32's UART does not.
        return b.stdin.readLine((line) => {
          if (num(a[0])) b.console.write(line + '\n');
          answer(ok(line));
        });
      case 'time.time':
        return answer(ok(pc ? this.rtcUs() / 1e6 : Math.floor(this.rtcUs() / 1e6)));
      case 'time.time_ns':
        return answer(ok((BigInt(Math.round(this.rtcUs())) * 1000n).toString()));
      case 'rtc.get':
        return answer(ok(this.rtcUs()));
      case 'rtc.set':
        if (!b.rtc || typeof a[0] !== 'number' || !Number.isFinite(a[0])) return answer(fail(EINVAL));
        b.rtc.set(a[0]);
        return answer(ok());
      case 'resolve':
        return b.resolve(str(a[0]), (ip) => answer(ip ? ok(ip) : fail(s.personality.resolveFailed)));
      case 'hostname':
        return answer(ok(b.id));
      case 'socket.socket':
        return sockResult<number>(answer, (fd) => fd)(s.socket(num(a[0], 2), num(a[1], 1), num(a[2])));
      case 'socket.bind':
        return sockResult(answer)(s.bind(num(a[0]), { ip: str(a[1]) || '0.0.0.0', port: num(a[2]) }));
      case 'socket.listen':
        return sockResult(answer)(s.listen(num(a[0]), a[1] === null || a[1] === undefined ? undefined : num(a[1])));
      case 'socket.accept':
        return s.accept(num(a[0]), sockResult(answer, (v) => [v.fd, v.addr.ip, v.addr.port]));
      case 'socket.connect':
        return s.connect(num(a[0]), { ip: str(a[1]), port: num(a[2]) }, sockResult(answer));
      case 'socket.send':
        return s.send(num(a[0]), bytesArg(a[a.length - 1]), num(a[1]), sockResult<number>(answer, (n) => n));
      case 'socket.sendall':
        return s.sendall(num(a[0]), bytesArg(a[a.length - 1]), sockResult(answer));
      case 'socket.sendto':
        return s.sendto(num(a[0]), bytesArg(a[a.length - 1]), { ip: str(a[2]), port: num(a[3]) }, num(a[1]), sockResult<number>(answer, (n) => n));
      case 'socket.recv':
        return s.recv(num(a[0]), num(a[1]), num(a[2]), sockResult<Uint8Array>(answer, (d) => d));
      case 'socket.recvfrom':
        return s.recvfrom(num(a[0]), num(a[1]), num(a[2]), sockResult(answer, (v) => [v.data, v.addr.ip, v.addr.port]));
      case 'socket.setsockopt': {
        const value = a[3] instanceof Uint8Array ? a[3] : num(a[3]);
        const r = s.setsockopt(num(a[0]), num(a[1]), num(a[2]), value);
        // The runtime's own console line, as MicroPython's modsocket.c prints it.
        if (r.ok && r.warning) b.console.write(r.warning + '\n');
        return sockResult(answer)(r);
      }
      case 'socket.settimeout':
        return sockResult(answer)(s.settimeout(num(a[0]), a[1] === null || a[1] === undefined ? null : num(a[1])));
      case 'socket.setblocking':
        return sockResult(answer)(s.setblocking(num(a[0]), Boolean(a[1])));
      case 'socket.close':
        return sockResult(answer)(s.close(num(a[0])));
      case 'socket.readiness':
        return answer(ok(s.readiness(num(a[0]))));
      case 'socket.poll':
        return this.poll(a, answer);
      case 'machine.reset':
        b.reset();
        return; // the board reboots; this call never returns
      case 'machine.unique_id':
        return answer(ok(b.uniqueId()));
      default:
        if (b.peripheralCall?.(call.op, call.args, answer)) return;
        if (call.op.startsWith('wlan.')) return this.wlan(call, answer);
        if (call.op.startsWith('pin.')) return this.pin(call, answer);
        return answer(fail(EINVAL));
    }
  }

  /** The board's RTC in µs (ESP32: since 2000-01-01; PC: Unix). Boards without one: time since boot / PC_EPOCH_S. */
  private rtcUs(): number {
    const rtc = this.board.rtc;
    if (rtc) return rtc.nowUs();
    return this.opts.personality === 'pc' ? PC_EPOCH_S * 1e6 + this.board.sim.now : this.sinceBoot;
  }

  /** select.poll over sockets and (fd 0) stdin, in one call. */
  private poll(a: SysValue[], answer: Answer): void {
    const spec = typeof a[0] === 'string' ? (JSON.parse(a[0]) as unknown) : a[0];
    if (!Array.isArray(spec)) return answer(fail(EINVAL));
    const all = spec.map((e) => ({ fd: num((e as SysValue[])[0]), events: num((e as SysValue[])[1]) }));
    const t = a[1] === null || a[1] === undefined ? null : Math.max(0, Math.round(num(a[1])));
    // The socket layer already leaves out what the personality never reports (POLLERR on the ESP32).
    const reply = (ready: { fd: number; revents: number }[]) => ready.map((r): SysValue => [r.fd, r.revents]);
    const sockets = this.board.sockets;
    const stdin = this.board.stdin;
    if (this.board.pollSource && all.some((e) => e.fd !== STDIN_FD && this.board.pollSource!(e.fd))) return pollWithSources(this.board, all, t, reply, answer);
    const wantsStdin = all.find((e) => e.fd === STDIN_FD && e.events & POLLIN_BIT);
    if (!wantsStdin || !stdin.pending || !stdin.whenReadable) {
      sockets.poll(all, t, (ready) => answer(ok(reply(ready))));
      return;
    }
    const entries = all.filter((e) => e.fd !== STDIN_FD);
    const withStdin = (ready: { fd: number; revents: number }[]) => answer(ok([...reply(ready), [STDIN_FD, POLLIN_BIT]]));
    if (stdin.pending() > 0) return void sockets.poll(entries, 0, withStdin);
    let done = false;
    let forget = () => {};
    const stop = sockets.poll(entries, t, (ready) => {
      if (done) return;
      done = true;
      forget();
      answer(ok(reply(ready)));
    });
    if (done || t === 0) return;
    forget = stdin.whenReadable(() => {
      if (done) return;
      done = true;
      if (typeof stop === 'function') stop();
      sockets.poll(entries, 0, withStdin);
    });
  }

  private wlan(call: Syscall, answer: Answer): void {
    const a = call.args;
    const w: WlanApi | undefined = this.board.wlan(num(a[0]));
    if (!w) return answer(fail(EPERM));
    switch (call.op) {
      case 'wlan.active':
        return answer(ok(a[1] === null || a[1] === undefined ? w.active() : w.active(Boolean(a[1]))));
      case 'wlan.connect':
        w.connect(str(a[1]), str(a[2]), typeof a[3] === 'string' ? a[3] : undefined);
        return answer(ok());
      case 'wlan.disconnect':
        w.disconnect();
        return answer(ok());
      case 'wlan.isconnected':
        return answer(ok(w.isconnected()));
      case 'wlan.status':
        if (a[1] === 'rssi') return answer(ok(w.rssi()));
        if (a[1] === 'stations') return answer(ok(plain(w.stations())));
        return answer(ok(w.status()));
      case 'wlan.ifconfig':
        if (a[1] === null || a[1] === undefined) return answer(ok(w.ifconfig()));
        if (a[1] === 'dhcp') w.setIfconfig('dhcp');
        else w.setIfconfig(JSON.parse(str(a[1])) as [string, string, string, string]);
        return answer(ok());
      case 'wlan.config': {
        const v = w.config(str(a[1]));
        return answer(v === undefined ? fail(EINVAL) : ok(plain(v)));
      }
      case 'wlan.setconfig': {
        const values = JSON.parse(str(a[1])) as Record<string, string | number>;
        // MicroPython refuses a hostname of HOSTNAME_MAX_LEN (32) bytes or more; a longer one would reach DHCP.
        for (const k of ['hostname', 'dhcp_hostname']) {
          const v = values[k];
          if (typeof v === 'string' && new TextEncoder().encode(v).length >= HOSTNAME_MAX_LEN) return answer(fail(EINVAL));
        }
        w.setConfig(values);
        return answer(ok());
      }
      case 'wlan.scan':
        return w.scan((rs) => answer(ok(rs.map((r) => [r.ssid, Array.from(r.bssid), r.channel, r.rssi, r.security, r.hidden]))));
      default:
        return answer(fail(EINVAL));
    }
  }

  private pin(call: Syscall, answer: Answer): void {
    const a = call.args;
    const g = this.board.gpio;
    if (!g) return answer(fail(EPERM));
    const pin = num(a[0]);
    // Only the board's GPIOs: any other number would add a pin record on the host per call.
    if (!Number.isInteger(pin) || pin < 0 || pin >= PIN_COUNT) return answer(fail(EINVAL));
    switch (call.op) {
      case 'pin.mode':
        g.mode(pin, a[1] === 'out' || a[1] === 'od' ? a[1] : 'in', a[2] === 'up' || a[2] === 'down' ? a[2] : null);
        return answer(ok());
      case 'pin.read':
        return answer(ok(g.read(pin)));
      case 'pin.write':
        g.write(pin, num(a[1]) ? 1 : 0);
        return answer(ok());
      case 'pin.pwm':
        g.pwm(pin, a[1] === null || a[1] === undefined ? null : num(a[1]), a[2] === null || a[2] === undefined ? null : num(a[2]));
        return answer(ok());
      default:
        return answer(fail(EINVAL));
    }
  }
}
