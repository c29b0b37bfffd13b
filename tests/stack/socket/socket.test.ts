import { Simulator } from '../../../sim/simulator';
import { ESP32_PERSONALITY, LINUX_PERSONALITY, type Personality } from '../../../stack/personality';
import { MSG_DONTWAIT, MSG_PEEK, POLLHUP, POLLIN, POLLNVAL, POLLOUT, SOCK_DGRAM, SOCK_STREAM, type Fd } from '../../../stack/socket/api';
import type { SocketLayer } from '../../../stack/socket';
import { bytes, call, device, FakeLan, runUntil, text, type Device } from './harness';
import { stacks } from './stacks';

const ESP = ESP32_PERSONALITY;
const LNX = LINUX_PERSONALITY;

interface World {
  sim: Simulator;
  lan: FakeLan;
  esp: Device;
  pc: Device;
}

function world(espP: Personality = ESP, pcP: Personality = LNX): World {
  const sim = new Simulator(7);
  const lan = new FakeLan(sim, 1000);
  const f = stacks(sim, lan);
  const esp = device(sim, lan, 'esp32', '192.168.2.231', espP, f);
  const pc = device(sim, lan, 'pc', '192.168.2.10', pcP, f);
  return { sim, lan, esp, pc };
}

function tcpSocket(s: SocketLayer): Fd {
  const r = s.socket(2, SOCK_STREAM, 0);
  if (!r.ok) throw new Error(`socket failed ${r.errno}`);
  return r.value;
}

function server(w: World, dev: Device, port: number): Fd {
  const fd = tcpSocket(dev.sock);
  expect(dev.sock.bind(fd, { ip: '0.0.0.0', port })).toEqual({ ok: true, value: undefined });
  expect(dev.sock.listen(fd, 1).ok).toBe(true);
  return fd;
}

/** A connected pair: client on `from`, accepted socket on `to`. */
function connected(w: World, from: Device, to: Device, port = 10000): { c: Fd; s: Fd; l: Fd } {
  const l = server(w, to, port);
  const c = tcpSocket(from.sock);
  const acc = call<{ fd: Fd }>(w.sim, (cb) => to.sock.accept(l, cb));
  const con = call(w.sim, (cb) => from.sock.connect(c, { ip: to.ipText, port }, cb));
  runUntil(w.sim, { get done() { return acc.done && con.done; } });
  expect(con.result).toEqual({ ok: true, value: undefined });
  return { c, s: acc.value().fd, l };
}

describe('socket table', () => {
  test('ESP32 fresh table hands out fd 54 first and ENFILE (23) on the 11th socket', () => {
    const w = world();
    const fds = Array.from({ length: 10 }, () => tcpSocket(w.esp.sock));
    expect(fds[0]).toBe(54);
    expect(fds[9]).toBe(63);
    expect(w.esp.sock.socket(2, SOCK_STREAM, 0)).toEqual({ ok: false, errno: 23 });
    w.esp.sock.close(56);
    expect(w.esp.sock.socket(2, SOCK_DGRAM, 0)).toEqual({ ok: true, value: 56 });
  });

  test('Linux fresh table starts at fd 3 and does not run out at 11', () => {
    const w = world();
    const fds = Array.from({ length: 11 }, () => tcpSocket(w.pc.sock));
    expect(fds[0]).toBe(3);
    expect(fds[10]).toBe(13);
  });

  test('closed fd answers EBADF and POLLNVAL', () => {
    const w = world();
    const fd = tcpSocket(w.esp.sock);
    w.esp.sock.close(fd);
    expect(w.esp.sock.close(fd)).toEqual({ ok: false, errno: 9 });
    expect(w.esp.sock.readiness(fd)).toBe(POLLNVAL);
  });
});

describe('callbacks that close their own socket', () => {
  test('recv answered by a kick whose callback closes the fd gets exactly one answer', () => {
    const w = world();
    const { c, s } = connected(w, w.pc, w.esp);
    const answers: unknown[] = [];
    w.esp.sock.recv(s, 100, 0, (r) => {
      answers.push(r);
      w.esp.sock.close(s); // closing inside the answer must not answer the same recv again with EBADF
    });
    w.pc.sock.send(c, new TextEncoder().encode('hi'), 0, () => undefined);
    w.sim.runSync({ for: 1_000_000 });
    expect(answers).toHaveLength(1);
    expect((answers[0] as { ok: boolean }).ok).toBe(true);
  });
});

describe('bind and listen', () => {
  test('port held by a listener: second bind answers EADDRINUSE 112 (ESP32) / 98 (Linux)', () => {
    const w = world();
    server(w, w.esp, 80);
    const fd = tcpSocket(w.esp.sock);
    expect(w.esp.sock.bind(fd, { ip: '', port: 80 })).toEqual({ ok: false, errno: 112 });
    server(w, w.pc, 80);
    const fd2 = tcpSocket(w.pc.sock);
    expect(w.pc.sock.bind(fd2, { ip: '0.0.0.0', port: 80 })).toEqual({ ok: false, errno: 98 });
  });

  test('TIME-WAIT port blocks bind without SO_REUSEADDR and not with it', () => {
    const w = world();
    const { c, s, l } = connected(w, w.pc, w.esp, 10000);
    // the ESP32 side closes first, so its port 10000 goes to TIME-WAIT
    w.esp.sock.close(s);
    w.esp.sock.close(l);
    w.pc.sock.close(c);
    w.sim.runSync({ for: 5_000_000 });
    const a = tcpSocket(w.esp.sock);
    expect(w.esp.sock.bind(a, { ip: '', port: 10000 })).toEqual({ ok: false, errno: 112 });
    const b = tcpSocket(w.esp.sock);
    expect(w.esp.sock.setsockopt(b, 0xfff, 4, 1)).toEqual({ ok: true, value: undefined });
    expect(w.esp.sock.bind(b, { ip: '', port: 10000 }).ok).toBe(true);
  });
});

describe('accept', () => {
  test('ESP32 listen(0) means a backlog of 1: a second client completes only after accept()', () => {
    const w = world();
    const l = tcpSocket(w.esp.sock);
    w.esp.sock.bind(l, { ip: '', port: 10000 });
    w.esp.sock.listen(l, 0);
    const to = { ip: w.esp.ipText, port: 10000 };
    const first = call(w.sim, (cb) => w.pc.sock.connect(tcpSocket(w.pc.sock), to, cb));
    w.sim.runSync({ for: 100_000 });
    const second = call(w.sim, (cb) => w.pc.sock.connect(tcpSocket(w.pc.sock), to, cb));
    w.sim.runSync({ for: 500_000 });
    expect(first.result?.ok).toBe(true);
    expect(second.done).toBe(false);
    const a = call<{ fd: Fd; addr: { ip: string; port: number } }>(w.sim, (cb) => w.esp.sock.accept(l, cb));
    expect(a.value().fd).toBe(55);
    expect(a.value().addr.ip).toBe(w.pc.ipText);
    runUntil(w.sim, second);
    expect(second.result?.ok).toBe(true);
  });

  test('ESP32 accept with a full socket table: ENFILE 23 drops the connection, and its backlog slot is free for the next client', () => {
    const w = world();
    const l = server(w, w.esp, 10000); // backlog 1
    for (let i = 0; i < 9; i++) tcpSocket(w.esp.sock);
    const to = { ip: w.esp.ipText, port: 10000 };
    const c1 = tcpSocket(w.pc.sock);
    runUntil(w.sim, call(w.sim, (cb) => w.pc.sock.connect(c1, to, cb)));
    w.sim.runSync({ for: 10_000 });
    const a = call(w.sim, (cb) => w.esp.sock.accept(l, cb));
    expect(a.errno()).toBe(23);
    // The dropped connection is closing (FIN sent) but holds no backlog slot: the next client completes.
    const eof = call<Uint8Array>(w.sim, (cb) => w.pc.sock.recv(c1, 10, 0, cb));
    const second = call(w.sim, (cb) => w.pc.sock.connect(tcpSocket(w.pc.sock), to, cb));
    w.sim.runSync({ for: 1_000_000 });
    expect(eof.result).toEqual({ ok: true, value: new Uint8Array(0) });
    expect(second.result).toEqual({ ok: true, value: undefined });
  });

  test('accept with a timeout and nobody connecting: ESP32 ETIMEDOUT; non-blocking EAGAIN', () => {
    const w = world();
    const l = server(w, w.esp, 80);
    w.esp.sock.settimeout(l, 1);
    const a = call(w.sim, (cb) => w.esp.sock.accept(l, cb));
    runUntil(w.sim, a);
    expect(a.errno()).toBe(116);
    w.esp.sock.setblocking(l, false);
    expect(call(w.sim, (cb) => w.esp.sock.accept(l, cb)).errno()).toBe(11);
  });
});

describe('connect', () => {
  test('closed port refuses: ESP32 ECONNRESET 104, Linux ECONNREFUSED 111', () => {
    const w = world();
    const e = call(w.sim, (cb) => w.esp.sock.connect(tcpSocket(w.esp.sock), { ip: w.pc.ipText, port: 9 }, cb));
    const p = call(w.sim, (cb) => w.pc.sock.connect(tcpSocket(w.pc.sock), { ip: w.esp.ipText, port: 9 }, cb));
    runUntil(w.sim, { get done() { return e.done && p.done; } });
    expect(e.errno()).toBe(104);
    expect(p.errno()).toBe(111);
  });

  test('silent host: SYN retries exhausted give ESP32 ECONNABORTED 113 after 18-20 s', () => {
    const w = world();
    const c = call(w.sim, (cb) => w.esp.sock.connect(tcpSocket(w.esp.sock), { ip: '192.168.2.99', port: 80 }, cb));
    runUntil(w.sim, c);
    expect(c.errno()).toBe(113);
    expect(c.at).toBeGreaterThanOrEqual(18_000_000);
    expect(c.at).toBeLessThanOrEqual(20_000_000);
  });

  test('non-blocking connect answers EINPROGRESS, then EALREADY, then EISCONN once connected', () => {
    const w = world();
    server(w, w.pc, 7000);
    const fd = tcpSocket(w.esp.sock);
    w.esp.sock.setblocking(fd, false);
    const addr = { ip: w.pc.ipText, port: 7000 };
    expect(call(w.sim, (cb) => w.esp.sock.connect(fd, addr, cb)).errno()).toBe(119);
    expect(call(w.sim, (cb) => w.esp.sock.connect(fd, addr, cb)).errno()).toBe(120);
    expect(w.esp.sock.readiness(fd) & POLLOUT).toBe(0);
    w.sim.runSync({ for: 10_000 });
    expect(w.esp.sock.readiness(fd) & POLLOUT).toBe(POLLOUT);
    expect(call(w.sim, (cb) => w.esp.sock.connect(fd, addr, cb)).errno()).toBe(127);
  });

  test('device without an address: connect answers EHOSTUNREACH 118', () => {
    const w = world();
    w.esp.ip.addr = 0;
    const c = call(w.sim, (cb) => w.esp.sock.connect(tcpSocket(w.esp.sock), { ip: w.pc.ipText, port: 80 }, cb));
    expect(c.errno()).toBe(118);
  });
});

describe('recv', () => {
  test('fresh TCP socket: recv answers ENOTCONN 128 at once', () => {
    const w = world();
    const c = call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(tcpSocket(w.esp.sock), 10, 0, cb));
    expect(c.errno()).toBe(128);
  });

  /** recv with settimeout(seconds) on an idle connection: the errno and how long it took. */
  function idleRecv(w: World, dev: Device, s: Fd, seconds: number): { errno: number | undefined; tookUs: number } {
    dev.sock.settimeout(s, seconds);
    const t0 = w.sim.now;
    const r = call<Uint8Array>(w.sim, (cb) => dev.sock.recv(s, 10, 0, cb));
    runUntil(w.sim, r);
    return { errno: r.errno(), tookUs: r.at! - t0 };
  }

  test('ESP32 settimeout(0.5) with no data: ETIMEDOUT 116 after 0.5-0.6 s virtual', () => {
    const w = world();
    const r = idleRecv(w, w.esp, connected(w, w.pc, w.esp).s, 0.5);
    expect(r.errno).toBe(116);
    expect(r.tookUs).toBeGreaterThanOrEqual(500_000);
    expect(r.tookUs).toBeLessThanOrEqual(600_000);
  });

  test('ESP32 settimeout(0.05) with no data: EAGAIN 11 after one 100 ms slice', () => {
    const w = world();
    expect(idleRecv(w, w.esp, connected(w, w.pc, w.esp).s, 0.05)).toEqual({ errno: 11, tookUs: 100_000 });
  });

  test('Linux settimeout(0.25): ETIMEDOUT 110 at exactly 0.25 s', () => {
    const w = world();
    expect(idleRecv(w, w.pc, connected(w, w.esp, w.pc).s, 0.25)).toEqual({ errno: 110, tookUs: 250_000 });
  });

  test('non-blocking recv and MSG_DONTWAIT with no data answer EAGAIN at once', () => {
    const w = world();
    const { s } = connected(w, w.pc, w.esp);
    expect(call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(s, 10, MSG_DONTWAIT, cb)).errno()).toBe(11);
    w.esp.sock.setblocking(s, false);
    expect(call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(s, 10, 0, cb)).errno()).toBe(11);
    w.esp.sock.settimeout(s, 0);
    expect(call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(s, 10, 0, cb)).errno()).toBe(11);
  });

  test('blocking recv waits for data; MSG_PEEK leaves it queued', () => {
    const w = world();
    const { c, s } = connected(w, w.pc, w.esp);
    const r = call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(s, 3, MSG_PEEK, cb));
    call<number>(w.sim, (cb) => w.pc.sock.send(c, bytes('hello'), 0, cb));
    runUntil(w.sim, r);
    expect(text(r.value())).toBe('hel');
    expect(text(call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(s, 100, 0, cb)).value())).toBe('hello');
  });

  test('peer FIN: recv answers b"" every time after the data', () => {
    const w = world();
    const { c, s } = connected(w, w.pc, w.esp);
    call<number>(w.sim, (cb) => w.pc.sock.send(c, bytes('bye'), 0, cb));
    w.pc.sock.close(c);
    w.sim.runSync({ for: 100_000 });
    expect(w.esp.sock.readiness(s) & POLLIN).toBe(POLLIN);
    expect(text(call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(s, 100, 0, cb)).value())).toBe('bye');
    for (let i = 0; i < 3; i++) expect(call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(s, 100, 0, cb)).value().length).toBe(0);
  });

  test('close with unread data: peer gets RST and its recv answers ECONNRESET, then ENOTCONN (ESP32)', () => {
    const w = world();
    const { c, s } = connected(w, w.pc, w.esp);
    call<number>(w.sim, (cb) => w.esp.sock.send(s, bytes('echo'), 0, cb));
    w.sim.runSync({ for: 100_000 });
    const r = call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(s, 100, 0, cb));
    w.pc.sock.close(c); // 'echo' unread on the PC → RST
    runUntil(w.sim, r);
    expect(r.errno()).toBe(104);
    expect(w.esp.sock.readiness(s) & POLLHUP).toBe(POLLHUP);
    const again = [1, 2].map(() => call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(s, 100, 0, cb)).errno());
    expect(again).toEqual([104, 128]);
  });

  test('Linux after RST: ECONNRESET once, then b""', () => {
    const w = world();
    const { c, s } = connected(w, w.esp, w.pc);
    call<number>(w.sim, (cb) => w.pc.sock.send(s, bytes('x'), 0, cb));
    w.sim.runSync({ for: 100_000 });
    w.esp.sock.close(c);
    w.sim.runSync({ for: 100_000 });
    expect(call<Uint8Array>(w.sim, (cb) => w.pc.sock.recv(s, 10, 0, cb)).errno()).toBe(104);
    expect(call<Uint8Array>(w.sim, (cb) => w.pc.sock.recv(s, 10, 0, cb)).value().length).toBe(0);
  });
});

describe('send', () => {
  test('full send buffer (5760): non-blocking send is partial, then EAGAIN', () => {
    const w = world();
    const { s } = connected(w, w.pc, w.esp);
    w.esp.sock.setblocking(s, false);
    const first = call<number>(w.sim, (cb) => w.esp.sock.send(s, new Uint8Array(8000), 0, cb));
    expect(first.value()).toBe(5760);
    expect(call<number>(w.sim, (cb) => w.esp.sock.send(s, new Uint8Array(10), 0, cb)).errno()).toBe(11);
    expect(w.esp.sock.readiness(s) & POLLOUT).toBe(0);
  });

  test('blocking send and sendall queue everything, waiting for buffer space', () => {
    const w = world();
    const { c, s } = connected(w, w.pc, w.esp);
    const data = new Uint8Array(20000).map((_, i) => i & 0xff);
    const sent = call<number>(w.sim, (cb) => w.esp.sock.send(s, data, 0, cb));
    runUntil(w.sim, sent);
    expect(sent.value()).toBe(20000);
    const all = call(w.sim, (cb) => w.esp.sock.sendall(s, data, cb));
    runUntil(w.sim, all);
    expect(all.result?.ok).toBe(true);
    w.sim.runSync({ for: 1_000_000 });
    let got = 0;
    for (;;) {
      const r = call<Uint8Array>(w.sim, (cb) => w.pc.sock.recv(c, 65536, MSG_DONTWAIT, cb));
      if (!r.result?.ok) break;
      got += r.value().length;
    }
    expect(got).toBe(40000);
  });

  test('1 MB sendall from the PC to a reading ESP32 arrives intact (flow control through recv)', () => {
    const w = world();
    const { c, s } = connected(w, w.pc, w.esp);
    const data = new Uint8Array(1 << 20).map((_, i) => (i * 7 + (i >> 9)) & 0xff);
    const all = call(w.sim, (cb) => w.pc.sock.sendall(c, data, cb));
    const got: Uint8Array[] = [];
    let n = 0;
    const reader = { done: false };
    const read = (): void =>
      w.esp.sock.recv(s, 1024, 0, (r) => {
        if (!r.ok || r.value.length === 0) return;
        got.push(r.value);
        n += r.value.length;
        if (n === data.length) reader.done = true;
        else read();
      });
    read();
    runUntil(w.sim, { get done() { return all.done && reader.done; } });
    expect(all.result?.ok).toBe(true);
    expect(Buffer.concat(got).equals(Buffer.from(data))).toBe(true);
  });

  test('send on a never-connected socket: ESP32 ENOTCONN 128, Linux EPIPE 32', () => {
    const w = world();
    expect(call<number>(w.sim, (cb) => w.esp.sock.send(tcpSocket(w.esp.sock), bytes('x'), 0, cb)).errno()).toBe(128);
    expect(call<number>(w.sim, (cb) => w.pc.sock.send(tcpSocket(w.pc.sock), bytes('x'), 0, cb)).errno()).toBe(32);
  });
});

describe('poll', () => {
  test('ESP32 quirks: new socket POLLOUT|POLLHUP, closed fd POLLNVAL, listener POLLIN on a pending accept', () => {
    const w = world();
    const fresh = tcpSocket(w.esp.sock);
    expect(w.esp.sock.readiness(fresh)).toBe(POLLOUT | POLLHUP);
    const l = server(w, w.esp, 8080);
    expect(w.esp.sock.readiness(l)).toBe(0);
    const ready = call<{ fd: Fd; revents: number }[]>(w.sim, (cb) =>
      w.esp.sock.poll([{ fd: l, events: POLLIN }, { fd: 99, events: POLLIN }], null, (r) => cb({ ok: true, value: r })),
    );
    expect(ready.value()).toEqual([{ fd: 99, revents: POLLNVAL }]);
    const waiting = call<{ fd: Fd; revents: number }[]>(w.sim, (cb) =>
      w.esp.sock.poll([{ fd: l, events: POLLIN }], 5_000_000, (r) => cb({ ok: true, value: r })),
    );
    call(w.sim, (cb) => w.pc.sock.connect(tcpSocket(w.pc.sock), { ip: w.esp.ipText, port: 8080 }, cb));
    runUntil(w.sim, waiting);
    expect(waiting.value()).toEqual([{ fd: l, revents: POLLIN }]);
    expect(waiting.at).toBeLessThan(10_000);
  });

  test('poll with nothing ready times out with an empty list at the timeout', () => {
    const w = world();
    const { s } = connected(w, w.pc, w.esp);
    const t0 = w.sim.now;
    const r = call<{ fd: Fd; revents: number }[]>(w.sim, (cb) =>
      w.esp.sock.poll([{ fd: s, events: POLLIN }], 300_000, (x) => cb({ ok: true, value: x })),
    );
    runUntil(w.sim, r);
    expect(r.value()).toEqual([]);
    expect(r.at! - t0).toBe(300_000);
  });
});

describe('setsockopt', () => {
  test('ESP32 unknown option (SO_KEEPALIVE, SO_SNDBUF) is accepted with the MicroPython warning', () => {
    const w = world();
    const fd = tcpSocket(w.esp.sock);
    const r = w.esp.sock.setsockopt(fd, 0xfff, 8, 1);
    expect(r.ok).toBe(true);
    expect(r.warning).toBe('Warning: lwip.setsockopt() option not implemented');
    expect(w.esp.sock.setsockopt(fd, 6, 1, 1).warning).toBeUndefined();
    expect(w.pc.sock.setsockopt(tcpSocket(w.pc.sock), 1, 9, 1).warning).toBeUndefined();
  });
});

describe('udp', () => {
  test('sendto/recvfrom carry data and the sender address; port unreachable is harmless', () => {
    const w = world();
    const srv = w.esp.sock.socket(2, SOCK_DGRAM, 0);
    const cli = w.pc.sock.socket(2, SOCK_DGRAM, 0);
    if (!srv.ok || !cli.ok) throw new Error('socket');
    expect(w.esp.sock.bind(srv.value, { ip: '', port: 5005 }).ok).toBe(true);
    const r = call<{ data: Uint8Array; addr: { ip: string; port: number } }>(w.sim, (cb) => w.esp.sock.recvfrom(srv.value, 1024, 0, cb));
    expect(call<number>(w.sim, (cb) => w.pc.sock.sendto(cli.value, bytes('ping'), { ip: w.esp.ipText, port: 5005 }, 0, cb)).value()).toBe(4);
    runUntil(w.sim, r);
    expect(text(r.value().data)).toBe('ping');
    expect(r.value().addr.ip).toBe(w.pc.ipText);
    const back = call<number>(w.sim, (cb) => w.esp.sock.sendto(srv.value, bytes('x'), { ip: w.pc.ipText, port: 1 }, 0, cb));
    expect(back.value()).toBe(1);
    w.sim.runSync({ for: 100_000 });
    expect(w.pc.ip.unreachables).toBe(1);
  });

  test('ESP32 receive queue holds 6 datagrams; the rest are dropped; recv truncates', () => {
    const w = world();
    const srv = w.esp.sock.socket(2, SOCK_DGRAM, 0);
    const cli = w.pc.sock.socket(2, SOCK_DGRAM, 0);
    if (!srv.ok || !cli.ok) throw new Error('socket');
    w.esp.sock.bind(srv.value, { ip: '', port: 5005 });
    for (let i = 0; i < 9; i++) call<number>(w.sim, (cb) => w.pc.sock.sendto(cli.value, bytes(`dgram${i}`), { ip: w.esp.ipText, port: 5005 }, 0, cb));
    w.sim.runSync({ for: 100_000 });
    const got: string[] = [];
    for (;;) {
      const r = call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(srv.value, 3, MSG_DONTWAIT, cb));
      if (!r.result?.ok) break;
      got.push(text(r.value()));
    }
    expect(got).toEqual(['dgr', 'dgr', 'dgr', 'dgr', 'dgr', 'dgr']);
    expect(w.esp.sock.counters.udpQueueFull).toBe(3);
  });
});

describe('process end and power off', () => {
  test('closeAll sends RST for unread data (peer sees ECONNRESET); destroyAll sends nothing', () => {
    const w = world();
    const { c, s } = connected(w, w.esp, w.pc);
    call<number>(w.sim, (cb) => w.esp.sock.send(c, bytes('unread'), 0, cb));
    w.sim.runSync({ for: 100_000 });
    const r = call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(c, 10, 0, cb));
    w.pc.sock.closeAll();
    expect(w.pc.sock.fds()).toEqual([]);
    runUntil(w.sim, r);
    expect(r.errno()).toBe(104);
    const before = w.lan.sent;
    w.esp.sock.destroyAll();
    w.sim.runSync({ for: 1_000_000 });
    expect(w.lan.sent).toBe(before);
    expect(w.esp.sock.fds()).toEqual([]);
    expect(w.esp.tcp.pcbCount()).toBe(0);
    void s;
  });
});

describe('trace', () => {
  test('opens, closes and errors leave socket records; EAGAIN does not', () => {
    const w = world();
    const fd = tcpSocket(w.esp.sock);
    call<Uint8Array>(w.sim, (cb) => w.esp.sock.recv(fd, 1, 0, cb));
    w.esp.sock.setblocking(fd, false);
    w.esp.sock.close(fd);
    const recs = w.sim.trace
      .records()
      .map((l) => JSON.parse(l) as { dev: string; layer: string; kind: string; errno?: number })
      .filter((r) => r.layer === 'socket' && r.dev === 'esp32');
    expect(recs.map((r) => [r.kind, r.errno])).toEqual([
      ['open', undefined],
      ['error', 128],
      ['close', undefined],
    ]);
  });
});
