import { Simulation } from '../../devices/simulation/simulation';
import type { Esp32Board } from '../../devices/esp32/board';
import { STAT_GOT_IP } from '../../devices/contracts';
import { AF_INET, SOCK_DGRAM, SOCK_STREAM } from '../../stack/socket/api';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

async function twoBoards() {
  const s = new Simulation({ seed: 7 });
  const a = s.addDevice({ id: 'apboard', board: 'esp32', wifi: 'none' });
  const b = s.addDevice({ id: 'client', board: 'esp32', wifi: 'none' });
  await s.run({ forUs: 1000 });
  const ap = (a.board as Esp32Board).softAp();
  ap.setConfig({ essid: 'esp-net', password: 'secret123' });
  ap.active(true);
  const sta = (b.board as Esp32Board).sta;
  sta.active(true);
  sta.connect('esp-net', 'secret123');
  await s.run({ stopWhen: () => sta.status() === STAT_GOT_IP, forUs: 10_000_000 });
  return { s, a, b, ap, sta, A: a.board as Esp32Board, B: b.board as Esp32Board };
}

describe('ESP32 soft-AP', () => {
  test('second ESP32 joining the first one soft-AP gets 192.168.4.x from its DHCP server', async () => {
    const { s, ap, sta, b } = await twoBoards();
    expect(sta.status()).toBe(STAT_GOT_IP);
    expect(b.ip()).toBe('192.168.4.2');
    expect(sta.ifconfig()).toEqual(['192.168.4.2', '255.255.255.0', '192.168.4.1', '192.168.4.1']);
    expect(ap.ifconfig()[0]).toBe('192.168.4.1');
    expect(ap.stations()).toHaveLength(1);
    await s.close();
  });

  test('soft-AP and its station exchange UDP datagrams both ways', async () => {
    const { s, A, B } = await twoBoards();
    const sa = A.sockets.socket(AF_INET, SOCK_DGRAM, 0);
    const sb = B.sockets.socket(AF_INET, SOCK_DGRAM, 0);
    if (!sa.ok || !sb.ok) throw new Error('socket');
    expect(A.sockets.bind(sa.value, { ip: '0.0.0.0', port: 9000 }).ok).toBe(true);
    let atA = '';
    let atB = '';
    A.sockets.recvfrom(sa.value, 100, 0, (r) => {
      if (!r.ok) return;
      atA = Buffer.from(r.value.data).toString();
      A.sockets.sendto(sa.value, bytes('hi station'), r.value.addr, 0, () => {});
    });
    B.sockets.sendto(sb.value, bytes('hi ap'), { ip: '192.168.4.1', port: 9000 }, 0, () =>
      B.sockets.recvfrom(sb.value, 100, 0, (r) => r.ok && (atB = Buffer.from(r.value.data).toString())),
    );
    await s.run({ stopWhen: () => atB !== '', forUs: 5_000_000 });
    expect(atA).toBe('hi ap');
    expect(atB).toBe('hi station');
    await s.close();
  });

  test('station connecting by TCP to a server on the soft-AP gets its bytes echoed', async () => {
    const { s, A, B } = await twoBoards();
    const l = A.sockets.socket(AF_INET, SOCK_STREAM, 0);
    const c = B.sockets.socket(AF_INET, SOCK_STREAM, 0);
    if (!l.ok || !c.ok) throw new Error('socket');
    A.sockets.bind(l.value, { ip: '0.0.0.0', port: 8080 });
    A.sockets.listen(l.value, 1);
    A.sockets.accept(l.value, (r) => {
      if (!r.ok) return;
      A.sockets.recv(r.value.fd, 100, 0, (d) => d.ok && A.sockets.sendall(r.value.fd, d.value, () => {}));
    });
    let echoed = '';
    B.sockets.connect(c.value, { ip: '192.168.4.1', port: 8080 }, (r) => {
      expect(r.ok).toBe(true);
      B.sockets.sendall(c.value, bytes('over tcp'), () => B.sockets.recv(c.value, 100, 0, (d) => d.ok && (echoed = Buffer.from(d.value).toString())));
    });
    await s.run({ stopWhen: () => echoed !== '', forUs: 5_000_000 });
    expect(echoed).toBe('over tcp');
    await s.close();
  });

  test('station with the wrong soft-AP password fails with 202', async () => {
    const s = new Simulation({ seed: 1 });
    const a = s.addDevice({ id: 'a', board: 'esp32', wifi: 'none' });
    const b = s.addDevice({ id: 'b', board: 'esp32', wifi: 'none' });
    await s.run({ forUs: 1 });
    const ap = (a.board as Esp32Board).softAp();
    ap.setConfig({ essid: 'esp-net', password: 'secret123' });
    ap.active(true);
    const sta = (b.board as Esp32Board).sta;
    sta.active(true);
    sta.connect('esp-net', 'wrong');
    await s.run({ forUs: 10_000_000 });
    expect(sta.status()).toBe(202);
    await s.close();
  });
});
