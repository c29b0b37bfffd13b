/**
 * A Node.js Duplex stream over a simulated TCP socket, for TypeScript device
 * scripts that use a client library written for Node streams (mqtt.js's
 * `new MqttClient(() => stream, options)`, a WebSocket or HTTP client...):
 *
 * ```ts
 * import { MqttClient } from 'mqtt';
 * import { socketStream, type TsEnv } from 'esp32sim';
 *
 * export default async function (env: TsEnv) {
 *   const sock = await env.socket.socket();
 *   await sock.connect(['broker', 1883]);
 *   const stream = socketStream(env, sock);
 *   const client = new MqttClient(() => stream, { clientId: 'ts', keepalive: 0, reconnectPeriod: 0 });
 *   ...
 *   client.end();
 *   await stream.done;      // the script ends when the socket is closed
 * }
 * ```
 *
 * How it stays deterministic: the simulation runs one script at a time and
 * waits for its next kernel call. Between two calls this adapter lets the
 * library react: it gives Node's event loop `settleTurns` turns (the
 * library's nextTick, promise and setImmediate work, never wall-clock
 * timers), then sends what the library wrote and polls the socket for at
 * most `pollMs` of virtual time. So the library's writes reach the network at
 * the same virtual microsecond on every run. A library that needs more turns
 * than that to answer simply answers one poll later, still the same on every
 * run. Switch off the library's own wall-clock timers (mqtt.js: keepalive 0,
 * reconnectPeriod 0): they would fire in real time, not virtual time. And
 * give it no chance to use Math.random() on the wire (mqtt.js: a clientId,
 * and `messageIdProvider: new UniqueMessageIdProvider()`, since its default
 * packet ids start at a random number): the capture would differ per run.
 */
import { Duplex } from 'node:stream';
import type { TsEnv, TsSocket } from '../../devices/runtime/typescript';

const POLLIN = 1;

export interface SocketStreamOptions {
  /** Virtual time one poll of the socket waits for data (default 5 ms): the adapter's latency for the library's writes. */
  pollMs?: number;
  /** Turns of the event loop the library gets between two kernel calls (default 4). */
  settleTurns?: number;
}

export type SocketStream = Duplex & {
  /** Settles when the socket is closed (the peer closed it, or the library ended the stream). */
  readonly done: Promise<void>;
};

export function socketStream(env: TsEnv, sock: TsSocket, o: SocketStreamOptions = {}): SocketStream {
  const pollMs = o.pollMs ?? 5;
  const turns = o.settleTurns ?? 4;
  const out: { data: Uint8Array; cb: (e?: Error | null) => void }[] = [];
  let closing = false;
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      out.push({ data: new Uint8Array(chunk), cb });
    },
    final(cb) {
      closing = true;
      cb();
    },
    destroy(err, cb) {
      closing = true;
      cb(err);
    },
  });
  const settle = async () => {
    for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
  };
  const loop = async () => {
    try {
      for (;;) {
        await settle();
        while (out.length) {
          const w = out.shift()!;
          await sock.sendall(w.data);
          w.cb();
        }
        if (closing) break;
        const ready = await env.socket.poll([[sock.fd, POLLIN]], pollMs);
        if (!ready.length) continue;
        const data = await sock.recv(4096);
        if (data.length === 0) {
          stream.push(null);
          break;
        }
        stream.push(Buffer.from(data));
      }
    } catch (e) {
      stream.destroy(e as Error);
    } finally {
      for (const w of out.splice(0)) w.cb(new Error('socket closed'));
      await sock.close().catch(() => undefined);
    }
  };
  return Object.assign(stream, { done: loop() });
}
