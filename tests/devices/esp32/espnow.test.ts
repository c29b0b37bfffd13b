/**
 * ESP-NOW between boards on the real Simulation with MicroPython: unicast with delivery status
 * (ACKed by the receiving radio, retried by the sender's), an absent peer, broadcast to three
 * boards, loss with retries, channels, with and without an access point, irq callbacks,
 * aioespnow, and the frames as the air carries them.
 */
import { Simulation } from '../../../devices/simulation/simulation';
import type { DeviceSpec } from '../../../devices/simulation/api';
import { deviceMac } from '../../../devices/medium/mac';
import { parseDot11, parseEspNow } from '../../../stack/wire/dot11';
import { ended, lines, py } from '../runtime/micropython-real/helpers';

/** A board's station MAC as a Python bytes literal. */
function mac(id: string): string {
  const m = deviceMac('esp32', id);
  const bytes = Array.from({ length: 6 }, (_, i) => Math.floor(m / 2 ** (8 * (5 - i))) % 256);
  return "b'" + bytes.map((b) => '\\x' + b.toString(16).padStart(2, '0')).join('') + "'";
}

const STA_UP = ['import network, espnow, time', 'sta = network.WLAN(network.STA_IF)', 'sta.active(True)', 'e = espnow.ESPNow()', 'e.active(True)'];

async function run(devs: { id: string; src: string[]; spec?: Partial<DeviceSpec> }[], opts: { seed?: number; loss?: number; forUs?: number } = {}) {
  const s = new Simulation({ seed: opts.seed ?? 1, network: opts.loss ? { wifi: { loss: opts.loss } } : undefined });
  const frames: { us: number; frame: Uint8Array; channel: number }[] = [];
  s.onRadioFrame((us, frame, channel) => frames.push({ us, frame, channel }));
  const hs = devs.map((d) => s.addDevice({ id: d.id, board: 'esp32', wifi: 'none', script: py(d.src), ...d.spec }));
  try {
    await s.run({ forUs: opts.forUs ?? 10_000_000, stopWhen: ended(...hs) });
  } finally {
    await s.close();
  }
  return { s, out: Object.fromEntries(hs.map((h) => [h.id, lines(h)])), hs, frames, trace: s.sim.trace.text() };
}

test('unicast: True when the peer ACKs, False for an absent peer; recv gets [mac, msg]; stats, peers_table, errors', async () => {
  const r = await run([
    {
      id: 'a',
      src: [
        ...STA_UP,
        `b = ${mac('b')}`,
        'try:',
        '    e.send(b, "too early")',
        'except OSError as x:',
        '    print("send", x.args)',
        'e.add_peer(b)',
        `e.add_peer(${mac('nobody')})`,
        'time.sleep_ms(100)',
        'print("to b", e.send(b, b"hello"), e.send(b, "world", False))',
        `print("to nobody", e.send(${mac('nobody')}, b"anyone?"))`,
        'print("stats", e.stats())',
        'p = e.get_peer(b)',
        'print("peer", p[0] == b, p[1:], e.peer_count(), len(e.get_peers()))',
        'try:',
        '    e.add_peer(b)',
        'except OSError as x:',
        '    print("again", x)',
        'try:',
        '    e.send(b, b"x" * 251)',
        'except OSError as x:',
        '    print("long", x.args[1])',
      ],
    },
    {
      id: 'b',
      src: [
        ...STA_UP,
        'for i in range(2):',
        '    host, msg = e.recv(1000)',
        '    print(host == ' + mac('a') + ', msg)',
        'print("timeout", e.recv(200))',
        'print("table", list(e.peers_table.values())[0][0] < 0, e.stats())',
      ],
    },
  ]);
  expect(r.out.a).toEqual([
    "send (-12393, 'ESP_ERR_ESPNOW_NOT_FOUND')",
    'to b True True',
    'to nobody False',
    'stats (3, 3, 1, 0, 0)',
    "peer True (b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00', 0, 0, False) (2, 0) 2",
    "again (-12395, 'ESP_ERR_ESPNOW_EXIST')",
    'long ESP_ERR_ESPNOW_ARG',
  ]);
  expect(r.out.b).toEqual(["True b'hello'", "True b'world'", 'timeout (None, None)', 'table True (0, 0, 0, 2, 0)']);
  // On the air: action frames with ACKs for b; six tries for the absent peer, the retries flagged.
  const kinds = r.frames.map((f) => parseDot11(f.frame)).map((p) => (p.ok ? (p.value.kind === 'ack' ? 'ack' : `data${p.value.retry ? '*' : ''}`) : 'bad'));
  expect(kinds).toEqual(['data', 'ack', 'data', 'ack', 'data', 'data*', 'data*', 'data*', 'data*', 'data*']);
  expect(new Set(r.frames.map((f) => f.channel))).toEqual(new Set([1]));
  const first = parseDot11(r.frames[0].frame);
  expect(first.ok && first.value.kind === 'action' && parseEspNow(first.value.body)).toMatchObject({ ok: true, value: { version: 1, payload: new TextEncoder().encode('hello') } });
});

test('broadcast reaches three boards (always True); 30% loss: unicasts are retried and ACKed, each message delivered once; the same seed gives the same run', async () => {
  const sender = (n: number) => [
    ...STA_UP,
    "e.add_peer(b'\\xff' * 6)",
    `e.add_peer(${mac('r1')})`,
    'time.sleep_ms(50)',
    "print(e.send(b'\\xff' * 6, b'all'))",
    'ok = 0',
    `for i in range(${n}):`,
    `    ok += e.send(${mac('r1')}, b'n%d' % i)`,
    'print("delivered", ok, e.stats())',
  ];
  const receiver = ['import network, espnow', 'network.WLAN(network.STA_IF).active(True)', 'e = espnow.ESPNow()', 'e.active(True)', 'got = []', 'while True:', '    h, m = e.recv(500)', '    if m is None:', '        break', '    got.append(m)', 'print(len(got), got[:2], e.stats()[3])'];
  const devs = [{ id: 's', src: sender(20) }, { id: 'r1', src: receiver }, { id: 'r2', src: receiver }, { id: 'r3', src: receiver }];
  const clean = await run(devs);
  expect(clean.out.s).toEqual(['True', 'delivered 20 (21, 21, 0, 0, 0)']);
  expect(clean.out.r1).toEqual(["21 [b'all', b'n0'] 21"]);
  expect(clean.out.r2).toEqual(["1 [b'all'] 1"]);
  expect(clean.out.r3).toEqual(["1 [b'all'] 1"]);

  const lossy = await run(devs, { loss: 0.3, seed: 4 });
  const retries = lossy.frames.map((f) => parseDot11(f.frame)).filter((p) => p.ok && p.value.kind === 'action' && p.value.retry).length;
  expect(retries).toBeGreaterThan(5);
  const [, delivered] = /delivered (\d+)/.exec(lossy.out.s[1])!;
  const got = Number(/^(\d+)/.exec(lossy.out.r1[0])![1]);
  // What the sender saw ACKed arrived once each (duplicates of retried frames are dropped); a
  // message whose ACKs were all lost arrived although send() said False.
  expect(got).toBeGreaterThanOrEqual(Number(delivered));
  expect(Number(delivered)).toBeGreaterThan(10);
  const again = await run(devs, { loss: 0.3, seed: 4 });
  expect(again.trace).toBe(lossy.trace);
  expect(again.frames.map((f) => Buffer.from(f.frame).toString('hex'))).toEqual(lossy.frames.map((f) => Buffer.from(f.frame).toString('hex')));
});

test('channels: a board associated with the lab AP (channel 6) reaches another on 6 but not one left on channel 1; irq callbacks; aioespnow', async () => {
  const r = await run([
    {
      id: 'a',
      spec: { wifi: 'auto' },
      src: [
        'import network, espnow, time',
        'e = espnow.ESPNow()',
        'e.active(True)',
        `e.add_peer(${mac('b')})`,
        `e.add_peer(${mac('c')})`,
        'print("channel", network.WLAN().config("channel"))',
        'time.sleep_ms(200)',
        `print("b on 6", e.send(${mac('b')}, b"ping"))`,
        `print("c on 1", e.send(${mac('c')}, b"ping"))`,
        `e.add_peer(${mac('d')}, channel=3)`,
        'try:',
        `    e.send(${mac('d')}, b"ping")`,
        'except OSError as x:',
        '    print(x.args[1])',
      ],
    },
    {
      id: 'b',
      src: [
        ...STA_UP,
        'sta.config(channel=6)',
        'def got(e):',
        '    h, m = e.irecv(0)',
        `    print("irq", h == ${mac('a')}, m)`,
        'e.irq(got)',
        'time.sleep(3)',
      ],
    },
    {
      id: 'c',
      src: [
        'import network, aioespnow, asyncio',
        'network.WLAN(network.STA_IF).active(True)',
        'e = aioespnow.AIOESPNow()',
        'e.active(True)',
        'async def main():',
        '    try:',
        '        m = await asyncio.wait_for(e.arecv(), 3)',
        '        print("c got", m)',
        '    except asyncio.TimeoutError:',
        '        print("c heard nothing")',
        'asyncio.run(main())',
      ],
    },
  ]);
  expect(r.out.a).toEqual(['channel 6', 'b on 6 True', 'c on 1 False', 'ESP_ERR_ESPNOW_CHAN']);
  expect(r.out.b).toEqual(["irq True bytearray(b'ping')"]);
  expect(r.out.c).toEqual(['c heard nothing']);
});
