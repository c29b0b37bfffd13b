/**
 * External inputs: everything that reaches a simulation from outside it while
 * it runs live (a line typed on a console, Ctrl-C, bytes and connections from
 * real clients on the host, Ethernet frames from a Linux TAP). Each is applied
 * at the virtual time the caller chose and traced once, in full, on the
 * 'input' layer as an `external` record, so a replay can read every input back
 * from the trace (externalFromRecord) and apply it at the same virtual time.
 */
import type { Simulator } from '../../sim/simulator';
import type { HostGateway } from '../internet/gateway';
import type { TapPort } from '../ap/tap-port';
import type { DeviceHandle } from './api';

export type ExternalInput =
  /** A line typed on a device's console (input(), sys.stdin), without its newline. */
  | { what: 'type'; device: string; line: string }
  /** Ctrl-C on a device's console: KeyboardInterrupt in its script. */
  | { what: 'interrupt'; device: string }
  /** A host client connected to TCP forward number `fwd` (the connection gets the next number). */
  | { what: 'tcp-open'; fwd: number }
  | { what: 'tcp-data'; conn: number; data: Uint8Array }
  /** The host side of a connection closed (FIN) or reset. */
  | { what: 'tcp-end'; conn: number; how: 'close' | 'reset' }
  /** A datagram from host peer number `peer` to UDP forward number `fwd`. */
  | { what: 'udp'; fwd: number; peer: number; data: Uint8Array }
  /** An Ethernet frame from the TAP device. */
  | { what: 'frame'; data: Uint8Array };

export const EXTERNAL_KIND = 'external';

/** The device a record names: the console's device, the host gateway or the TAP station. */
function deviceOf(ev: ExternalInput): string {
  if (ev.what === 'type' || ev.what === 'interrupt') return ev.device;
  return ev.what === 'frame' ? 'tap' : 'host';
}

/** The record's fields, in a fixed order (byte-identical traces). */
function fields(ev: ExternalInput): Record<string, unknown> {
  switch (ev.what) {
    case 'type':
      return { what: ev.what, line: ev.line };
    case 'interrupt':
      return { what: ev.what };
    case 'tcp-open':
      return { what: ev.what, fwd: ev.fwd };
    case 'tcp-data':
      return { what: ev.what, conn: ev.conn, data: ev.data };
    case 'tcp-end':
      return { what: ev.what, conn: ev.conn, how: ev.how };
    case 'udp':
      return { what: ev.what, fwd: ev.fwd, peer: ev.peer, data: ev.data };
    case 'frame':
      return { what: ev.what, data: ev.data };
  }
}

export interface ExternalTargets {
  sim: Simulator;
  device(id: string): DeviceHandle;
  gateway: HostGateway | undefined;
  tap: TapPort | undefined;
}

/** Traces `ev` and applies it now. A tcp-open answers the new connection's number. */
export function applyExternal(t: ExternalTargets, ev: ExternalInput): number | undefined {
  const dev = ev.what === 'type' || ev.what === 'interrupt' ? t.device(ev.device) : undefined; // throws for an unknown device, before tracing
  t.sim.trace.emit(deviceOf(ev), 'input', EXTERNAL_KIND, fields(ev));
  switch (ev.what) {
    case 'type':
      dev!.writeStdin(ev.line);
      return undefined;
    case 'interrupt':
      dev!.interrupt();
      return undefined;
    case 'tcp-open':
      return t.gateway?.open(ev.fwd);
    case 'tcp-data':
      t.gateway?.data(ev.conn, ev.data);
      return undefined;
    case 'tcp-end':
      t.gateway?.hostEnd(ev.conn, ev.how);
      return undefined;
    case 'udp':
      t.gateway?.datagram(ev.fwd, ev.peer, ev.data);
      return undefined;
    case 'frame':
      t.tap?.fromHost(ev.data);
      return undefined;
  }
}

const hex = (v: unknown): Uint8Array | undefined => (typeof v === 'string' && /^(?:[0-9a-f]{2})*$/.test(v) ? new Uint8Array(Buffer.from(v, 'hex')) : undefined);
const int = (v: unknown): number | undefined => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : undefined);

/** The input an `external` trace record holds (undefined for any other record, or a damaged one). */
export function externalFromRecord(rec: Record<string, unknown>): ExternalInput | undefined {
  if (rec.layer !== 'input' || rec.kind !== EXTERNAL_KIND) return undefined;
  const dev = typeof rec.dev === 'string' ? rec.dev : undefined;
  switch (rec.what) {
    case 'type':
      return dev !== undefined && typeof rec.line === 'string' ? { what: 'type', device: dev, line: rec.line } : undefined;
    case 'interrupt':
      return dev !== undefined ? { what: 'interrupt', device: dev } : undefined;
    case 'tcp-open': {
      const fwd = int(rec.fwd);
      return fwd !== undefined ? { what: 'tcp-open', fwd } : undefined;
    }
    case 'tcp-data': {
      const conn = int(rec.conn);
      const data = hex(rec.data);
      return conn !== undefined && data ? { what: 'tcp-data', conn, data } : undefined;
    }
    case 'tcp-end': {
      const conn = int(rec.conn);
      return conn !== undefined && (rec.how === 'close' || rec.how === 'reset') ? { what: 'tcp-end', conn, how: rec.how } : undefined;
    }
    case 'udp': {
      const fwd = int(rec.fwd);
      const peer = int(rec.peer);
      const data = hex(rec.data);
      return fwd !== undefined && peer !== undefined && data ? { what: 'udp', fwd, peer, data } : undefined;
    }
    case 'frame': {
      const data = hex(rec.data);
      return data ? { what: 'frame', data } : undefined;
    }
  }
  return undefined;
}
