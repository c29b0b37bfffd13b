/**
 * The kernel calls behind py/espnow.py (one `case 'espnow.x'` each). MAC
 * addresses and keys travel as hex text, messages as bytes; ESP-IDF errors as
 * ESP_ERR_FLAG + code.
 */
import type { SysResult, SysValue } from '../runtime/contract';
import type { MacAddr } from '../../stack/wire/types';
import type { Esp32Hardware } from './hardware';
import { ESPNOW_ERR, type Peer, type RxPacket } from './espnow';

const ESP_ERR_FLAG = 0x10000;
const ESP_ERR_INVALID_ARG = 0x102;
const EINVAL = 22;

/** wifi_phy_rate_t values espnow.config(rate=) accepts → kbps. */
const RATES: Record<number, number> = {
  0x00: 1000, 0x01: 2000, 0x02: 5500, 0x03: 11000, 0x05: 2000, 0x06: 5500, 0x07: 11000,
  0x08: 48000, 0x09: 24000, 0x0a: 12000, 0x0b: 6000, 0x0c: 54000, 0x0d: 36000, 0x0e: 18000, 0x0f: 9000,
};

type Answer = (r: SysResult) => void;
const ok = (value: SysValue = null): SysResult => ({ ok: true, value });
const espErr = (code: number): SysResult => ({ ok: false, errno: ESP_ERR_FLAG + code });

function macOf(v: SysValue | undefined): MacAddr | undefined {
  return typeof v === 'string' && /^[0-9a-f]{12}$/.test(v) ? parseInt(v, 16) : undefined;
}
function hexMac(mac: MacAddr): string {
  return mac.toString(16).padStart(12, '0');
}
function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
function keyOf(v: SysValue | undefined): Uint8Array {
  const out = new Uint8Array(16);
  if (typeof v === 'string' && /^[0-9a-f]{32}$/.test(v)) for (let i = 0; i < 16; i++) out[i] = parseInt(v.slice(i * 2, i * 2 + 2), 16);
  return out;
}
function peerTuple(p: Peer): SysValue {
  return [hexMac(p.mac), hexBytes(p.lmk), p.channel, p.ifidx, p.encrypt];
}
function packet(p: RxPacket): SysValue {
  const data = new Uint8Array(6 + p.msg.length);
  for (let i = 0; i < 6; i++) data[i] = Math.floor(p.src / 2 ** (8 * (5 - i))) % 256;
  data.set(p.msg, 6);
  return [data, p.rssi, p.timeMs];
}

export function espNowCall(hw: Esp32Hardware, op: string, a: SysValue[], answer: Answer): boolean {
  const e = hw.espnow;
  const num = (v: SysValue | undefined, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'boolean' ? Number(v) : d);
  switch (op) {
    case 'espnow.active':
      if (a[0] !== null && a[0] !== undefined) e.setActive(Boolean(a[0]));
      answer(ok(e.active));
      return true;
    case 'espnow.config': {
      let cfg: Record<string, unknown> = {};
      try {
        cfg = JSON.parse(typeof a[0] === 'string' ? a[0] : '{}') as Record<string, unknown>;
      } catch {
        answer({ ok: false, errno: EINVAL });
        return true;
      }
      if (typeof cfg.rxbuf === 'number' && cfg.rxbuf >= 0) e.rxbuf = Math.floor(cfg.rxbuf);
      if (typeof cfg.timeout_ms === 'number') e.timeoutMs = Math.floor(cfg.timeout_ms);
      if (typeof cfg.rate === 'number' && cfg.rate >= 0) {
        const kbps = RATES[cfg.rate];
        if (kbps === undefined) return answer(espErr(ESP_ERR_INVALID_ARG)), true;
        e.rateKbps = kbps;
      }
      answer(ok([e.rxbuf, e.timeoutMs]));
      return true;
    }
    case 'espnow.send': {
      const data = a[a.length - 1] instanceof Uint8Array ? (a[a.length - 1] as Uint8Array) : new Uint8Array(0);
      const dst = a[0] === null || a[0] === undefined || a[0] === '' ? null : macOf(a[0]);
      if (dst === undefined) return answer({ ok: false, errno: EINVAL }), true;
      e.send(dst, data, Boolean(a[1]), (r) => answer(r.ok ? ok(r.value) : 'err' in r ? espErr(r.err) : { ok: false, errno: r.errno }));
      return true;
    }
    case 'espnow.recv': {
      if (!e.active) return answer(espErr(ESPNOW_ERR.NOT_INIT)), true;
      const t = a[0] === null || a[0] === undefined ? e.timeoutMs : num(a[0]);
      e.recv(t, (p) => answer(ok(p ? packet(p) : 0)));
      return true;
    }
    case 'espnow.any':
      answer(e.active ? ok(e.any()) : espErr(ESPNOW_ERR.NOT_INIT));
      return true;
    case 'espnow.stats': {
      const s = e.stats;
      answer(ok([s.txPackets, s.txResponses, s.txFailures, s.rxPackets, s.rxDropped]));
      return true;
    }
    case 'espnow.irq':
      e.irqOn = Boolean(a[0]);
      answer(ok());
      return true;
    case 'espnow.add':
    case 'espnow.mod': {
      const mac = macOf(a[0]);
      if (mac === undefined) return answer({ ok: false, errno: EINVAL }), true;
      const old = e.peers.get(mac);
      if (op === 'espnow.mod' && !old) return answer(espErr(e.active ? ESPNOW_ERR.NOT_FOUND : ESPNOW_ERR.NOT_INIT)), true;
      // -1 (or nothing): the peer's current value (mod_peer) or the default (add_peer).
      const keep = (v: SysValue | undefined) => v === null || v === undefined || v === -1;
      const peer: Peer = {
        mac,
        lmk: typeof a[1] === 'string' && a[1] !== '' ? keyOf(a[1]) : (old?.lmk ?? new Uint8Array(16)),
        channel: keep(a[2]) ? (old?.channel ?? 0) : num(a[2]),
        ifidx: keep(a[3]) ? (old?.ifidx ?? 0) : num(a[3]),
        encrypt: keep(a[4]) ? (old?.encrypt ?? false) : Boolean(a[4]),
      };
      if (op === 'espnow.mod' && old) e.peers.delete(mac);
      const err = e.addPeer(peer);
      if (err !== undefined && old) e.peers.set(mac, old);
      answer(err === undefined ? ok() : espErr(err));
      return true;
    }
    case 'espnow.del': {
      const mac = macOf(a[0]);
      if (mac === undefined) return answer({ ok: false, errno: EINVAL }), true;
      const err = e.delPeer(mac);
      answer(err === undefined ? ok() : espErr(err));
      return true;
    }
    case 'espnow.get': {
      const mac = macOf(a[0]);
      const p = mac === undefined ? undefined : e.peers.get(mac);
      answer(!e.active ? espErr(ESPNOW_ERR.NOT_INIT) : p ? ok(peerTuple(p)) : espErr(ESPNOW_ERR.NOT_FOUND));
      return true;
    }
    case 'espnow.peers':
      answer(e.active ? ok(e.unicastPeers().map(peerTuple)) : espErr(ESPNOW_ERR.NOT_INIT));
      return true;
    case 'espnow.count': {
      const all = [...e.peers.values()];
      answer(e.active ? ok([all.length, all.filter((p) => p.encrypt).length]) : espErr(ESPNOW_ERR.NOT_INIT));
      return true;
    }
    default:
      return false;
  }
}
