/**
 * Interoperability: mqtt.js (the npm `mqtt` client, as published) in a PC's
 * TypeScript script, through the socketStream adapter over the simulated
 * network, exchanges QoS 1 messages with an ESP32 running umqtt.simple,
 * through our broker as an internet host (test.mosquitto.org). Twice with the
 * same seed: byte-identical traces (the adapter keeps the run deterministic).
 */
import * as path from 'node:path';
import { Simulation } from '../../../devices/simulation/simulation';
import { ended, lines, py } from '../runtime/micropython-real/helpers';

const ESP32 = [
  'from umqtt.simple import MQTTClient',
  "got = []",
  "c = MQTTClient('esp32', 'test.mosquitto.org')",
  "c.set_callback(lambda t, m: got.append(m))",
  'c.connect()',
  "c.subscribe(b'lab/cmd', qos=1)",
  "print('subscribed')",
  'while not got:',
  '    c.wait_msg()',
  "print('cmd', got[0])",
  "c.publish(b'lab/reply', b'pong: ' + got[0], qos=1)",
  "print('reply acknowledged')",
  'c.disconnect()',
];

async function run() {
  const s = new Simulation({ seed: 5, network: { internet: [{ name: 'test.mosquitto.org', ip: '91.121.93.94', service: 'mqtt', latencyUs: 25_000 }] } });
  s.sim.trace.keep = true;
  const pcap = s.attachPcap();
  const esp = s.addDevice({ id: 'esp32', board: 'esp32', script: py(ESP32) });
  const pc = s.addDevice({
    id: 'pc',
    board: 'pc',
    startUs: 3_000_000,
    script: { filename: 'mqttjs-client.ts', language: 'typescript', source: '', modulePath: path.join(__dirname, 'fixtures', 'mqttjs-client.ts') },
  });
  await s.run({ stopWhen: ended(esp, pc), forUs: 30_000_000 });
  await s.close();
  return { s, esp, pc, trace: s.sim.trace.records().join('\n'), pcap: Buffer.from(pcap.bytes()) };
}

describe('mqtt.js interoperates with the broker and umqtt.simple', () => {
  test('QoS 1 both ways: mqtt.js publishes to the ESP32, the ESP32 answers; PUBACKs both ways; identical trace and capture on a second run', async () => {
    const a = await run();
    expect(a.pc.failure()).toBeUndefined();
    expect(lines(a.esp)).toEqual(['subscribed', "cmd b'ping'", 'reply acknowledged']);
    expect(lines(a.pc)).toEqual(['connected', 'subscribed lab/reply:1', 'puback for lab/cmd ok', 'message lab/reply pong: ping qos 1']);
    const broker = a.s.service('test.mosquitto.org').mqtt!;
    expect(broker.messages.map((m) => [m.from, m.topic, m.text, m.qos, m.to])).toEqual([
      ['mqttjs-pc', 'lab/cmd', 'ping', 1, ['esp32']],
      ['esp32', 'lab/reply', 'pong: ping', 1, ['mqttjs-pc']],
    ]);
    expect(broker.events.filter((e) => e.kind === 'connect').map((e) => [e.client, e.detail])).toEqual([
      ['esp32', 'MQTT 3.1.1, clean session, no keepalive'],
      ['mqttjs-pc', 'MQTT 3.1.1, clean session, no keepalive'],
    ]);
    const b = await run();
    expect(b.trace).toBe(a.trace);
    expect(b.pcap.equals(a.pcap)).toBe(true);
  }, 60_000);
});
