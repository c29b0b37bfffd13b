import { Simulation } from '../../../../devices/simulation/simulation';
import { ended, lines, py } from '../micropython-real/helpers';
import { startMqttBroker, type MqttEvent } from './peers';
import { topicMatches } from '../../../../devices/internet/mqtt/topics';

function lab() {
  const s = new Simulation({ seed: 2 });
  const host = s.addInternetHost({ name: 'broker.example', ip: '203.0.113.20', service: 'discard', port: 9, latencyUs: 15_000 });
  const broker = startMqttBroker(s.sim, host.sockets, 1883);
  return { s, broker };
}
const brief = (log: MqttEvent[]) => log.filter((e) => e.kind !== 'deliver').map((e) => [e.kind, e.client, e.topic, e.payload, e.qos, e.retain].filter((x) => x !== undefined).join(' '));

describe('umqtt on the real Simulation (against a small MQTT 3.1.1 test broker)', () => {
  test('topic filters of the test broker', () => {
    expect(topicMatches('sensors/#', 'sensors/esp32/temp')).toBe(true);
    expect(topicMatches('sensors/+/temp', 'sensors/esp32/temp')).toBe(true);
    expect(topicMatches('sensors/+', 'sensors/esp32/temp')).toBe(false);
  });

  test('a umqtt.simple publisher and a subscriber with check_msg/wait_msg: QoS 0/1, retain, last will, ping', async () => {
    const { s, broker } = lab();
    const sub = s.addDevice({
      id: 'display',
      board: 'esp32',
      script: py([
        'from umqtt.simple import MQTTClient',
        'import time',
        'def on_msg(topic, msg):',
        '    print(topic, msg)',
        "c = MQTTClient('display', 'broker.example')",
        'c.set_callback(on_msg)',
        'c.connect()',
        "c.subscribe(b'sensors/#', qos=1)",
        'print("subscribed")',
        'n = 0',
        'while n < 40:',
        '    if c.check_msg() is None:',
        '        time.sleep_ms(100)',
        '    n += 1',
        'c.wait_msg()',
        'c.disconnect()',
      ]),
    });
    const pub = s.addDevice({
      id: 'sensor',
      board: 'esp32',
      startUs: 2_000_000,
      script: py([
        'from umqtt.simple import MQTTClient',
        'import time',
        "c = MQTTClient('esp32-sensor', 'broker.example', keepalive=30)",
        "c.set_last_will(b'sensors/esp32/status', b'offline', retain=True)",
        "print('session', c.connect())",
        "c.publish(b'sensors/esp32/status', b'online', retain=True)",
        'for i in range(3):',
        "    c.publish(b'sensors/esp32/temp', b'%d' % (20 + i))",
        '    time.sleep(0.5)',
        "c.publish('sensors/esp32/temp', '99', qos=1)",
        "print('qos1 acked')",
        'c.ping()',
        "print('pong', c.wait_msg())",
        'time.sleep(0.5)',
        "c.publish(b'sensors/esp32/last', b'bye')",
        'c.disconnect()',
      ]),
    });
    await s.run({ stopWhen: ended(sub, pub), forUs: 30_000_000 });
    await s.run({ forUs: 500_000 }); // the last segments in flight reach the broker
    await s.close();
    expect(lines(pub)).toEqual(['session 0', 'qos1 acked', 'pong None']);
    expect(lines(sub)).toEqual([
      'subscribed',
      "b'sensors/esp32/status' b'online'",
      "b'sensors/esp32/temp' b'20'",
      "b'sensors/esp32/temp' b'21'",
      "b'sensors/esp32/temp' b'22'",
      "b'sensors/esp32/temp' b'99'",
      "b'sensors/esp32/last' b'bye'",
    ]);
    expect(brief(broker.log)).toEqual([
      'connect display',
      'subscribe display sensors/# 1',
      'connect esp32-sensor',
      'publish esp32-sensor sensors/esp32/status online 0 true',
      'publish esp32-sensor sensors/esp32/temp 20 0 false',
      'publish esp32-sensor sensors/esp32/temp 21 0 false',
      'publish esp32-sensor sensors/esp32/temp 22 0 false',
      'publish esp32-sensor sensors/esp32/temp 99 1 false',
      'ping esp32-sensor',
      'puback display', // the subscriber acknowledged the QoS 1 delivery (it polls every 100 ms)
      'publish esp32-sensor sensors/esp32/last bye 0 false',
      'disconnect esp32-sensor',
      'closed esp32-sensor',
      'disconnect display',
      'closed display',
    ]);
    expect(broker.log.find((e) => e.kind === 'connect' && e.client === 'esp32-sensor')?.keepalive).toBe(30);
    expect(broker.retained.get('sensors/esp32/status')).toEqual(new Uint8Array(Buffer.from('online')));
  }, 30_000);

  test('keepalive without ping: the broker drops the client after 1.5x and publishes its will; the client then sees the connection gone', async () => {
    const { s, broker } = lab();
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py([
        'from umqtt.simple import MQTTClient',
        'import time',
        "c = MQTTClient('quiet', 'broker.example', keepalive=2)",
        "c.set_last_will('status/quiet', 'lost')",
        'c.connect()',
        'time.sleep(4)',
        'try:',
        '    c.ping()',
        '    c.wait_msg()',
        'except OSError as e:',
        "    print('gone', e)",
      ]),
    });
    await s.run({ stopWhen: ended(esp), forUs: 30_000_000 });
    await s.close();
    expect(lines(esp)).toEqual([expect.stringMatching(/^gone (-1|\[Errno 104\] ECONNRESET)$/)]);
    const connect = broker.log.find((e) => e.kind === 'connect')!;
    const timeout = broker.log.find((e) => e.kind === 'keepalive-timeout')!;
    expect(timeout.t - connect.t).toBe(3_000_000);
    expect(brief(broker.log).slice(1)).toEqual(['keepalive-timeout quiet', 'will quiet status/quiet lost']);
  }, 30_000);

  test('umqtt.robust reconnects (clean_session=False keeps its subscription) when the broker drops it', async () => {
    const { s, broker } = lab();
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py([
        'from umqtt.robust import MQTTClient',
        "c = MQTTClient('robust', 'broker.example')",
        'c.DEBUG = True',
        'c.DELAY = 1',
        "c.set_callback(lambda t, m: print('msg', t, m))",
        "print('present', c.connect(clean_session=False))",
        "c.subscribe(b'cmd')",
        'for i in range(2):',
        '    c.wait_msg()',
        "c.publish(b'ack', b'done')",
        'c.disconnect()',
      ]),
    });
    const ctl = s.addDevice({
      id: 'ctl',
      board: 'esp32',
      startUs: 3_000_000,
      script: py([
        'from umqtt.simple import MQTTClient',
        'import time',
        "c = MQTTClient('ctl', 'broker.example')",
        'c.connect()',
        "c.publish(b'cmd', b'one')",
        'time.sleep(4)',
        "c.publish(b'cmd', b'two')",
        'c.disconnect()',
      ]),
    });
    await s.run({ stopWhen: () => lines(esp).some((l) => l.startsWith('msg')), forUs: 20_000_000 });
    broker.kick('robust');
    await s.run({ stopWhen: ended(esp, ctl), forUs: 30_000_000 });
    await s.run({ forUs: 500_000 });
    await s.close();
    expect(lines(esp)).toEqual(['present 0', "msg b'cmd' b'one'", 'mqtt: OSError(-1,)', "msg b'cmd' b'two'"]);
    expect(brief(broker.log).filter((l) => l.includes('robust'))).toEqual([
      'connect robust',
      'subscribe robust cmd 0',
      'kicked robust',
      'connect robust',
      'publish robust ack done 0 false',
      'disconnect robust',
      'closed robust',
    ]);
  }, 30_000);
});
