/**
 * Connection plumbing the built-in services share, on a host's socket layer
 * (callbacks in virtual time, no scripts): a listening socket that accepts
 * forever, a read loop, and an ordered writer that closes after the last
 * queued byte has been handed to TCP.
 */
import { AF_INET, SOCK_STREAM, type Fd, type SockAddr, type SocketApi } from '../../stack/socket/api';

export interface Listener {
  stop(): void;
}

/** Listens on `port` of every address and hands each accepted connection to `onConn`. Throws when the port cannot be had. */
export function listenTcp(api: SocketApi, who: string, port: number, onConn: (fd: Fd, from: SockAddr) => void, backlog = 8): Listener {
  const s = api.socket(AF_INET, SOCK_STREAM, 0);
  if (!s.ok) throw new Error(`${who}: cannot open a socket (errno ${s.errno})`);
  const fd = s.value;
  const b = api.bind(fd, { ip: '0.0.0.0', port });
  if (!b.ok) throw new Error(`${who}: cannot bind port ${port} (errno ${b.errno})`);
  api.listen(fd, backlog);
  let stopped = false;
  const loop = () =>
    api.accept(fd, (r) => {
      if (stopped || !r.ok) return;
      onConn(r.value.fd, r.value.addr);
      loop();
    });
  loop();
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      api.close(fd);
    },
  };
}

/** Reads until EOF or an error, handing each chunk to `onData` (which may return false to stop reading); then `onEnd`. */
export function readLoop(api: SocketApi, fd: Fd, onData: (d: Uint8Array) => boolean | void, onEnd: (errno?: number) => void, max = 4096): void {
  api.recv(fd, max, 0, (r) => {
    if (!r.ok) return onEnd(r.errno);
    if (r.value.length === 0) return onEnd();
    if (onData(r.value) === false) return;
    readLoop(api, fd, onData, onEnd, max);
  });
}

/** Writes in order, one sendall at a time; `close()` closes once everything queued went out. */
export class Writer {
  private q: (Uint8Array | 'close')[] = [];
  private busy = false;
  /** No more writes are taken (closed, or the connection failed). */
  closed = false;
  /** The socket itself has been closed. */
  private released = false;

  constructor(
    private readonly api: SocketApi,
    private readonly fd: Fd,
    private readonly onFail: (errno: number) => void = () => {},
  ) {}

  send(b: Uint8Array): void {
    if (this.closed || b.length === 0) return;
    this.q.push(b);
    this.pump();
  }

  /** Closes after the queued data (a FIN once TCP has sent it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.q.push('close');
    this.pump();
  }

  /** Closes at once, dropping what is queued. */
  abort(): void {
    this.closed = true;
    this.q = [];
    this.release();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.api.close(this.fd);
  }

  private pump(): void {
    if (this.busy || this.released) return;
    const b = this.q.shift();
    if (b === undefined) return;
    if (b === 'close') return this.release();
    this.busy = true;
    this.api.sendall(this.fd, b, (r) => {
      this.busy = false;
      if (!r.ok) {
        this.closed = true;
        this.q = [];
        this.release();
        this.onFail(r.errno);
        return;
      }
      this.pump();
    });
  }
}

export const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
export const fromLatin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** A payload as a log shows it: UTF-8 text in quotes when it is printable, else hex; long ones cut. */
export function showPayload(b: Uint8Array, max = 60): string {
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  const printable = !text.includes('\ufffd') && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text);
  if (printable) {
    const t = text.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
    return JSON.stringify(t.length > max ? t.slice(0, max) + '…' : t).replace(/\\\\([rnt])/g, '\\$1');
  }
  const hex = Buffer.from(b.subarray(0, Math.ceil(max / 2))).toString('hex');
  return `0x${hex}${b.length > max / 2 ? '…' : ''} (${b.length} bytes)`;
}
