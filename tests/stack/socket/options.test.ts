/**
 * Socket options through each personality's one option table
 * (stack/personality/sockopt.ts), on two complete devices whose frames the
 * tests check directly.
 */
import { ESP32_PERSONALITY, LINUX_PERSONALITY, LINUX_SOCKOPTS, scriptSocketConstants } from '../../../stack/personality';
import { SOCK_STREAM, type Fd, type SocketApi } from '../../../stack/socket/api';
import { ack, dstPort, expectFrame, flags, ipv4, matching, mss, srcAddr, tcp, window } from '../frames';
import { call, runUntil } from './harness';
import { wiredPair, type WiredHost } from './wired';

const L = scriptSocketConstants(LINUX_PERSONALITY);
const E = scriptSocketConstants(ESP32_PERSONALITY);
const OK = { ok: true, value: undefined };

function linger(onoff: number, seconds: number): Uint8Array {
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, onoff, true);
  dv.setInt32(4, seconds, true);
  return b;
}

function sock(s: SocketApi): Fd {
  const r = s.socket(2, SOCK_STREAM, 0);
  if (!r.ok) throw new Error(`socket: errno ${r.errno}`);
  return r.value;
}

/** `client` connects to a server on `server`:port; answers both fds once accepted. */
function connect(sim: Parameters<typeof runUntil>[0], client: WiredHost, server: WiredHost, port = 7000) {
  const l = sock(server.sockets);
  expect(server.sockets.bind(l, { ip: '', port })).toEqual(OK);
  expect(server.sockets.listen(l, 2)).toEqual(OK);
  const c = sock(client.sockets);
  const acc = call<{ fd: Fd }>(sim, (cb) => server.sockets.accept(l, cb));
  const con = call(sim, (cb) => client.sockets.connect(c, { ip: server.ip, port }, cb));
  runUntil(sim, { get done() { return acc.done && con.done; } });
  expect(con.result).toEqual(OK);
  return { c, s: acc.value().fd, l };
}

describe('personality option tables', () => {
  test('the PC socket module sees Linux numbers; the ESP32 sees lwIP numbers', () => {
    expect(L).toMatchObject({ SOL_SOCKET: 1, SO_REUSEADDR: 2, SO_BROADCAST: 6, SO_KEEPALIVE: 9, SO_LINGER: 13, TCP_NODELAY: 1, MSG_DONTWAIT: 0x40 });
    expect(E).toMatchObject({ SOL_SOCKET: 0xfff, SO_REUSEADDR: 4, SO_BROADCAST: 0x20, TCP_NODELAY: 1, MSG_DONTWAIT: 8 });
    expect(E.SO_LINGER).toBeUndefined();
  });

  test('Linux setsockopt(SOL_SOCKET, SO_REUSEADDR) lets a bind share a TIME-WAIT port; without it EADDRINUSE 98', () => {
    const { sim, a, b } = wiredPair(LINUX_PERSONALITY, LINUX_PERSONALITY);
    const { c, s, l } = connect(sim, a, b);
    // The server side closes first: its port 7000 lingers in TIME-WAIT.
    b.sockets.close(s);
    b.sockets.close(l);
    sim.runSync({ for: 100_000 });
    a.sockets.close(c);
    sim.runSync({ for: 100_000 });
    const plain = sock(b.sockets);
    expect(b.sockets.bind(plain, { ip: '', port: 7000 })).toEqual({ ok: false, errno: 98 });
    const reuse = sock(b.sockets);
    expect(b.sockets.setsockopt(reuse, L.SOL_SOCKET, L.SO_REUSEADDR, 1)).toEqual(OK);
    expect(b.sockets.bind(reuse, { ip: '', port: 7000 })).toEqual(OK);
  });

  test('an option the personality does not know: ESP32 answers OK with the MicroPython warning, Linux silently', () => {
    const { a, b } = wiredPair(ESP32_PERSONALITY, LINUX_PERSONALITY);
    expect(a.sockets.setsockopt(sock(a.sockets), E.SOL_SOCKET, 0x80 /* lwIP SO_LINGER */, 1)).toEqual({
      ok: true,
      value: undefined,
      warning: 'Warning: lwip.setsockopt() option not implemented',
    });
    expect(a.sockets.setsockopt(sock(a.sockets), E.SOL_SOCKET, E.SO_KEEPALIVE, 1).warning).toBeDefined();
    expect(b.sockets.setsockopt(sock(b.sockets), L.SOL_SOCKET, 0x1234, 1)).toEqual(OK);
  });

  test('Linux option numbers at the wrong level do not match (SO_REUSEADDR at IPPROTO_TCP is another option)', () => {
    const [spec] = LINUX_SOCKOPTS.options.filter((o) => o.name === 'SO_REUSEADDR');
    expect(spec.level).toBe('SOL_SOCKET');
    const { sim, a, b } = wiredPair(LINUX_PERSONALITY, LINUX_PERSONALITY);
    const { c, s, l } = connect(sim, a, b);
    b.sockets.close(s);
    b.sockets.close(l);
    a.sockets.close(c);
    sim.runSync({ for: 200_000 });
    const fd = sock(b.sockets);
    expect(b.sockets.setsockopt(fd, 6, L.SO_REUSEADDR, 1)).toEqual(OK);
    expect(b.sockets.bind(fd, { ip: '', port: 7000 })).toEqual({ ok: false, errno: 98 });
  });
});

describe('SO_LINGER (Linux)', () => {
  test('ESTABLISHED close() with SO_LINGER {1, 0} → RST on the wire, the peer recv answers ECONNRESET', () => {
    const { sim, a, b } = wiredPair(LINUX_PERSONALITY, ESP32_PERSONALITY);
    const { c, s } = connect(sim, a, b);
    expect(a.sockets.setsockopt(c, L.SOL_SOCKET, L.SO_LINGER, linger(1, 0))).toEqual(OK);
    const before = a.sent.length;
    const r = call<Uint8Array>(sim, (cb) => b.sockets.recv(s, 100, 0, cb));
    expect(a.sockets.close(c)).toEqual(OK);
    runUntil(sim, r);
    const out = a.sent.slice(before);
    expect(out).toHaveLength(1);
    expectFrame(out[0], ipv4(srcAddr(a.ip), tcp(dstPort(7000), flags('R.'))));
    expect(r.errno()).toBe(104);
  });

  test('ESTABLISHED close() with SO_LINGER {0, 5} → an ordinary FIN', () => {
    const { sim, a, b } = wiredPair(LINUX_PERSONALITY, ESP32_PERSONALITY);
    const { c, s } = connect(sim, a, b);
    expect(a.sockets.setsockopt(c, L.SOL_SOCKET, L.SO_LINGER, linger(0, 5))).toEqual(OK);
    const before = a.sent.length;
    const r = call<Uint8Array>(sim, (cb) => b.sockets.recv(s, 100, 0, cb));
    a.sockets.close(c);
    runUntil(sim, r);
    expect(r.result).toEqual({ ok: true, value: new Uint8Array(0) });
    expect(matching(a.sent.slice(before), ipv4(tcp(flags('F.'))))).toHaveLength(1);
    expect(matching(a.sent, ipv4(tcp(flags('R.'))))).toEqual([]);
  });

  test('the process ends with SO_LINGER {1, 0} set → RST too (closeAll)', () => {
    const { sim, a, b } = wiredPair(LINUX_PERSONALITY, ESP32_PERSONALITY);
    const { c } = connect(sim, a, b);
    a.sockets.setsockopt(c, L.SOL_SOCKET, L.SO_LINGER, linger(1, 0));
    a.sockets.closeAll();
    sim.runSync({ for: 10_000 });
    expect(matching(a.sent, ipv4(tcp(flags('R.'))))).toHaveLength(1);
  });

  test('SO_LINGER shorter than struct linger → EINVAL 22; an int → EINVAL too', () => {
    const { a } = wiredPair(LINUX_PERSONALITY, LINUX_PERSONALITY);
    const fd = sock(a.sockets);
    expect(a.sockets.setsockopt(fd, L.SOL_SOCKET, L.SO_LINGER, new Uint8Array(4))).toEqual({ ok: false, errno: 22 });
    expect(a.sockets.setsockopt(fd, L.SOL_SOCKET, L.SO_LINGER, 1)).toEqual({ ok: false, errno: 22 });
  });
});

describe('handshake frames', () => {
  test('Linux client → ESP32 server: SYN with MSS 1460, SYN-ACK with MSS 1440 and window 5760, ACK', () => {
    const { sim, a, b } = wiredPair(LINUX_PERSONALITY, ESP32_PERSONALITY);
    connect(sim, a, b);
    const [syn, ack3] = matching(a.sent, ipv4(tcp(dstPort(7000))));
    expectFrame(syn, ipv4(srcAddr('10.0.0.1'), tcp(flags('S'), mss(1460), window(65535))));
    const [synAck] = matching(b.sent, ipv4(tcp(flags('S.'))));
    expectFrame(synAck, ipv4(srcAddr('10.0.0.2'), tcp(mss(1440), window(5760))));
    const tcpOf = (f: Uint8Array) => {
      let seqNo = 0;
      expectFrame(f, ipv4(tcp((s) => ((seqNo = s.seq), []))));
      return seqNo;
    };
    expectFrame(ack3, ipv4(tcp(flags('.'), ack(tcpOf(synAck) + 1))));
  });

  test('a checker names what differs', () => {
    const { sim, a, b } = wiredPair(LINUX_PERSONALITY, ESP32_PERSONALITY);
    connect(sim, a, b);
    const [syn] = matching(a.sent, ipv4(tcp(dstPort(7000))));
    expect(() => expectFrame(syn, ipv4(tcp(flags('S.'), mss(1440))))).toThrow(/ipv4\.tcp\.flags: S \(want S\.\)\n\s+ipv4\.tcp\.mss: 1460 \(want 1440\)/);
  });
});
