import { Simulation } from '../../../../devices/simulation/simulation';
import { ended, lines, py } from './helpers';

const AP_SCRIPT = [
  'import network, socket',
  'ap = network.WLAN(network.AP_IF)',
  'ap.config(essid="esp-net", password="secret123")',
  'ap.active(True)',
  'print("ap", ap.ifconfig()[0], ap.config("essid"))',
  'srv = socket.socket()',
  'srv.bind(("0.0.0.0", 7000))',
  'srv.listen(1)',
  'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  'u.bind(("0.0.0.0", 7001))',
  'conn, addr = srv.accept()',
  'print("tcp from", addr[0])',
  'data = conn.recv(100)',
  'print("ap got", data)',
  'conn.send(b"pong:" + data)',
  'd, a = u.recvfrom(100)',
  'print("ap udp", d, a[0])',
  'u.sendto(b"udp-pong", a)',
  'print("stations", len(ap.status("stations")))',
  'print("ap eof", conn.recv(100))',
  'conn.close()',
];

const STA_SCRIPT = [
  'import network, socket, time',
  'w = network.WLAN(network.STA_IF)',
  'w.active(True)',
  'w.connect("esp-net", "secret123")',
  'while not w.isconnected():',
  '    time.sleep_ms(100)',
  'print("sta", w.ifconfig())',
  's = socket.socket()',
  's.connect(("192.168.4.1", 7000))',
  's.send(b"ping")',
  'print("sta got", s.recv(100))',
  'u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  'u.sendto(b"udp-ping", ("192.168.4.1", 7001))',
  'print("sta udp", u.recvfrom(100))',
  'time.sleep(1)',
  's.close()',
];

describe('two ESP32s running MicroPython: soft-AP and station', () => {
  test('station script joins the soft-AP script network; they exchange TCP and UDP both ways', async () => {
    const s = new Simulation({ seed: 3 });
    try {
      const ap = s.addDevice({ id: 'apboard', board: 'esp32', wifi: 'none', script: py(AP_SCRIPT) });
      const sta = s.addDevice({ id: 'station', board: 'esp32', wifi: 'none', startUs: 500_000, script: py(STA_SCRIPT) });
      await s.run({ stopWhen: ended(ap, sta), forUs: 30_000_000 });
      expect(ap.failure()).toBeUndefined();
      expect(sta.failure()).toBeUndefined();
      expect(lines(ap)).toEqual([
        'ap 192.168.4.1 esp-net',
        'tcp from 192.168.4.2',
        "ap got b'ping'",
        "ap udp b'udp-ping' 192.168.4.2",
        'stations 1',
        "ap eof b''",
      ]);
      expect(lines(sta)).toEqual([
        "sta ('192.168.4.2', '255.255.255.0', '192.168.4.1', '192.168.4.1')",
        "sta got b'pong:ping'",
        "sta udp (b'udp-pong', ('192.168.4.1', 7001))",
      ]);
      expect(ap.exitCode()).toBe(0);
      expect(sta.exitCode()).toBe(0);
    } finally {
      await s.close();
    }
  }, 30_000);
});
