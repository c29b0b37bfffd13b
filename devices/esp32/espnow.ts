/**
 * ESP-NOW on one ESP32, as MicroPython 1.27's espnow module drives ESP-IDF:
 * the peer list (at most 20), the receive ring buffer (`rxbuf` bytes: each
 * packet takes a 7-byte header, the sender's MAC and the message; one that does
 * not fit is dropped but was still ACKed), the counters of stats(), and send():
 * each destination's frame goes through the radio (Esp32Radio: ACK, retries),
 * whose delivery status is the send callback; send(sync=True) first waits for
 * earlier responses, then for all of its own, and reports False if any failed;
 * a broadcast always succeeds. Errors are ESP-IDF's ESP_ERR_ESPNOW_* codes.
 */
import type { Simulator, TimerId } from '../../sim/simulator';
import { emitEspNow, ESPNOW_MAX_BODY, ESPNOW_VERSION, isGroup, parseEspNow } from '../../stack/wire/dot11';
import type { MacAddr } from '../../stack/wire/types';
import type { IrqQueue } from './irq';
import type { Esp32Radio } from './radio';

const BASE = 0x3000 + 100;
export const ESPNOW_ERR = { NOT_INIT: BASE + 1, ARG: BASE + 2, NO_MEM: BASE + 3, FULL: BASE + 4, NOT_FOUND: BASE + 5, INTERNAL: BASE + 6, EXIST: BASE + 7, IF: BASE + 8, CHAN: BASE + 9 } as const;
export const MAX_TOTAL_PEER_NUM = 20;
/** Header (magic, length, ms, rssi) + sender MAC in the receive buffer (modespnow.c espnow_pkt_t). */
const PKT_OVERHEAD = 7 + 6;
export const DEFAULT_RXBUF = 2 * (PKT_OVERHEAD + ESPNOW_MAX_BODY);
export const DEFAULT_TIMEOUT_MS = 300_000;
/** send(sync=True) waits at most this long for pending responses, then raises ETIMEDOUT. */
const PENDING_TIMEOUT_US = 100_000;
export const ETIMEDOUT = 116;

export interface Peer {
  mac: MacAddr;
  lmk: Uint8Array;
  channel: number;
  ifidx: number;
  encrypt: boolean;
}

export interface RxPacket {
  src: MacAddr;
  msg: Uint8Array;
  rssi: number;
  timeMs: number;
}

export interface EspNowHost {
  readonly sim: Simulator;
  readonly id: string;
  readonly irqs: IrqQueue;
  readonly radio: Esp32Radio;
  /** The radio's channel now (undefined: off). */
  channel(): number | undefined;
  /** Is interface `ifidx` (0 station, 1 soft-AP) active, and its MAC. */
  ifActive(ifidx: number): boolean;
  ifMac(ifidx: number): MacAddr;
  /** ticks_ms() now (the time stamp of a received packet). */
  ticksMs(): number;
  /** dBm this board hears `src` at. */
  rssiOf(src: MacAddr): number;
}

/** send()'s outcome: all responses good (true) or not, an ESP-IDF error (`err`) or an errno (ETIMEDOUT). */
export type SendResult = { ok: true; value: boolean } | { ok: false; err: number } | { ok: false; errno: number };

export class EspNow {
  active = false;
  rxbuf = DEFAULT_RXBUF;
  timeoutMs = DEFAULT_TIMEOUT_MS;
  rateKbps = 1000;
  irqOn = false;
  readonly peers = new Map<MacAddr, Peer>();
  private rx: RxPacket[] = [];
  private rxUsed = 0;
  private capacity = 0;
  stats = { txPackets: 0, txResponses: 0, txFailures: 0, rxPackets: 0, rxDropped: 0 };
  private waiters: { fn: (p: RxPacket | undefined) => void; timer: TimerId | undefined }[] = [];
  private watchers: (() => void)[] = [];

  constructor(private readonly host: EspNowHost) {}

  /** active(True) allocates the receive buffer (rxbuf); active(False) drops it and every peer. */
  setActive(on: boolean): void {
    if (on === this.active) return;
    this.active = on;
    if (on) {
      this.capacity = this.rxbuf;
    } else {
      this.peers.clear();
      this.rx = [];
      this.rxUsed = 0;
      this.stats.txPackets = this.stats.txResponses;
    }
    this.host.sim.trace.emit(this.host.id, 'wifi', on ? 'espnow-on' : 'espnow-off');
    this.changed();
  }

  unicastPeers(): Peer[] {
    return [...this.peers.values()].filter((p) => !isGroup(p.mac));
  }

  addPeer(p: Peer): number | undefined {
    if (!this.active) return ESPNOW_ERR.NOT_INIT;
    if (this.peers.has(p.mac)) return ESPNOW_ERR.EXIST;
    if (this.peers.size >= MAX_TOTAL_PEER_NUM) return ESPNOW_ERR.FULL;
    if (p.channel < 0 || p.channel > 14 || (p.ifidx !== 0 && p.ifidx !== 1) || (p.encrypt && isGroup(p.mac))) return ESPNOW_ERR.ARG;
    this.peers.set(p.mac, p);
    return undefined;
  }

  delPeer(mac: MacAddr): number | undefined {
    if (!this.active) return ESPNOW_ERR.NOT_INIT;
    return this.peers.delete(mac) ? undefined : ESPNOW_ERR.NOT_FOUND;
  }

  private pending(): number {
    return this.stats.txPackets - this.stats.txResponses;
  }

  /** send(mac or None, msg, sync): `done` gets True/False, or an ESP-IDF error. */
  send(dst: MacAddr | null, msg: Uint8Array, sync: boolean, done: (r: SendResult) => void): void {
    if (!this.active) return done({ ok: false, err: ESPNOW_ERR.NOT_INIT });
    if (msg.length === 0 || msg.length > ESPNOW_MAX_BODY) return done({ ok: false, err: ESPNOW_ERR.ARG });
    let targets: Peer[];
    if (dst === null) targets = this.unicastPeers();
    else {
      const p = this.peers.get(dst);
      targets = p ? [p] : [];
    }
    if (!targets.length) return done({ ok: false, err: ESPNOW_ERR.NOT_FOUND });
    const go = () => {
      const ch = this.host.channel();
      for (const p of targets) {
        if (!this.host.ifActive(p.ifidx)) return done({ ok: false, err: ESPNOW_ERR.IF });
        if (p.channel !== 0 && p.channel !== ch) return done({ ok: false, err: ESPNOW_ERR.CHAN });
      }
      const failuresBefore = this.stats.txFailures;
      this.stats.txPackets += targets.length;
      const rng = this.host.sim.rng(`espnow/${this.host.id}`);
      for (const p of targets) {
        const body = emitEspNow({ random: rng.u32(), version: ESPNOW_VERSION, payload: msg });
        this.host.radio.send(p.mac, this.host.ifMac(p.ifidx), body, this.rateKbps, (delivered) => this.response(delivered));
      }
      if (!sync) return done({ ok: true, value: true });
      this.whenIdle(() => done({ ok: true, value: this.stats.txFailures === failuresBefore }), () => done({ ok: false, errno: ETIMEDOUT }));
    };
    if (sync) this.whenIdle(go, () => done({ ok: false, errno: ETIMEDOUT }));
    else go();
  }

  /** Runs `fn` once every sent packet has its response (or `timeout` after PENDING_TIMEOUT_US). */
  private whenIdle(fn: () => void, timeout: () => void): void {
    if (this.pending() <= 0) return fn();
    let over = false;
    const timer = this.host.sim.schedule(PENDING_TIMEOUT_US, () => {
      over = true;
      timeout();
    });
    const check = () => {
      if (over || this.pending() > 0) return false;
      this.host.sim.cancel(timer);
      fn();
      return true;
    };
    const watch = () => {
      if (!check()) this.watchers.push(watch);
    };
    this.watchers.push(watch);
  }

  private response(delivered: boolean): void {
    this.stats.txResponses++;
    if (!delivered) this.stats.txFailures++;
    this.changed();
  }

  /** The radio handed up an action frame body addressed to this board. */
  received(src: MacAddr, body: Uint8Array): void {
    const r = parseEspNow(body);
    if (!r.ok || !this.active) return;
    const msg = r.value.payload.slice();
    // modespnow.c recv_cb: dropped when the packet does not fit the free space of the ring buffer.
    const free = this.capacity - 1 - this.rxUsed;
    if (PKT_OVERHEAD + msg.length >= free) {
      this.stats.rxDropped++;
      return;
    }
    const pkt: RxPacket = { src, msg, rssi: this.host.rssiOf(src), timeMs: this.host.ticksMs() };
    this.stats.rxPackets++;
    const w = this.waiters.shift();
    if (w) {
      this.host.sim.cancel(w.timer);
      w.fn(pkt);
    } else {
      this.rx.push(pkt);
      this.rxUsed += PKT_OVERHEAD + msg.length;
    }
    if (this.irqOn) this.host.irqs.raise('espnow', 0);
    this.changed();
  }

  /** recv(timeout_ms): the oldest packet, waiting up to `timeoutMs` (< 0: forever); undefined on timeout. */
  recv(timeoutMs: number, fn: (p: RxPacket | undefined) => void): void {
    const p = this.rx.shift();
    if (p) {
      this.rxUsed -= PKT_OVERHEAD + p.msg.length;
      this.changed();
      return fn(p);
    }
    if (timeoutMs === 0) return fn(undefined);
    const w: { fn: (p: RxPacket | undefined) => void; timer: TimerId | undefined } = { fn, timer: undefined };
    if (timeoutMs > 0) {
      w.timer = this.host.sim.schedule(Math.round(timeoutMs * 1000), () => {
        this.waiters = this.waiters.filter((x) => x !== w);
        fn(undefined);
      });
    }
    this.waiters.push(w);
  }

  any(): boolean {
    return this.rx.length > 0;
  }

  /** select.poll: POLLIN when a packet waits, POLLOUT when no response is pending. */
  ready(events: number): number {
    if (!this.active) return 0;
    return (events & 1 && this.rx.length ? 1 : 0) | (events & 4 && this.pending() <= 0 ? 4 : 0);
  }

  whenChanged(fn: () => void): () => void {
    this.watchers.push(fn);
    return () => {
      this.watchers = this.watchers.filter((x) => x !== fn);
    };
  }

  private changed(): void {
    const ws = this.watchers;
    this.watchers = [];
    for (const w of ws) w();
  }

  /** Power off / reset: ESP-NOW is deinitialised. */
  reset(): void {
    for (const w of this.waiters) this.host.sim.cancel(w.timer);
    this.waiters = [];
    this.watchers = [];
    this.active = false;
    this.peers.clear();
    this.rx = [];
    this.rxUsed = 0;
    this.irqOn = false;
    this.rxbuf = DEFAULT_RXBUF;
    this.timeoutMs = DEFAULT_TIMEOUT_MS;
    this.rateKbps = 1000;
    this.stats = { txPackets: 0, txResponses: 0, txFailures: 0, rxPackets: 0, rxDropped: 0 };
  }
}
