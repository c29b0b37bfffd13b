/**
 * The MQTT broker against bare clients (the mqtt-packet codec on PCs' socket
 * layers, no scripts): the OASIS 3.1.1 behaviours one by one, the 5.0 ones
 * the broker gives, and that keepalive is enforced in virtual time.
 */
import type { Packet } from 'mqtt-packet';
import { brokerLab } from './mqtt-client';
import { topicMatches, validTopicFilter, validTopicName } from '../../../devices/internet/mqtt/topics';

const BROKER = '192.168.1.10';
const conn = (clientId: string, extra: object = {}) => ({ cmd: 'connect' as const, protocolId: 'MQTT' as const, protocolVersion: 4 as const, clientId, clean: true, keepalive: 0, ...extra });
const texts = (ps: Packet[]) => ps.flatMap((p) => (p.cmd === 'publish' ? [`${p.topic}=${String(p.payload)}`] : []));

describe('topic names and filters (MQTT 3.1.1 section 4.7)', () => {
  test('wildcards match whole levels; # also matches its parent; $-topics only explicitly', () => {
    expect(topicMatches('sport/tennis/#', 'sport/tennis')).toBe(true);
    expect(topicMatches('sport/tennis/#', 'sport/tennis/player1/ranking')).toBe(true);
    expect(topicMatches('sport/+', 'sport')).toBe(false);
    expect(topicMatches('sport/+', 'sport/')).toBe(true);
    expect(topicMatches('+/+', '/finance')).toBe(true);
    expect(topicMatches('#', '$SYS/uptime')).toBe(false);
    expect(topicMatches('+/uptime', '$SYS/uptime')).toBe(false);
    expect(topicMatches('$SYS/#', '$SYS/uptime')).toBe(true);
    expect(['sport/tennis#', 'sport/#/ranking', 'sport+', ''].map(validTopicFilter)).toEqual([false, false, false, false]);
    expect(['#', '+/+', 'a/+/b/#', '/'].map(validTopicFilter)).toEqual([true, true, true, true]);
    expect(['a/+', 'a/#', '', 'a/b'].map(validTopicName)).toEqual([false, false, false, true]);
  });
});

describe('MQTT broker on the LAN (board: broker)', () => {
  test('QoS 0/1/2 both ways: the delivered QoS is the lower of publish and subscription; QoS 2 is routed once', async () => {
    const { s, client, broker } = await brokerLab(2);
    const sub = client(0);
    const pub = client(1);
    sub.open(BROKER);
    pub.open(BROKER);
    await s.run({ forUs: 200_000 });
    sub.send(conn('sub'));
    pub.send(conn('pub'));
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q/one', qos: 1 }, { topic: 'q/two', qos: 2 }, { topic: 'bad/#/x', qos: 0 }] });
    await s.run({ forUs: 200_000 });
    expect(sub.of('suback')[0].granted).toEqual([1, 2, 0x80]);
    pub.send({ cmd: 'publish', topic: 'q/one', payload: Buffer.from('a'), qos: 2, retain: false, dup: false, messageId: 7 });
    pub.send({ cmd: 'publish', topic: 'q/two', payload: Buffer.from('b'), qos: 2, retain: false, dup: false, messageId: 8 });
    // A resent QoS 2 PUBLISH (DUP) before PUBREL is acknowledged again, not routed again.
    pub.send({ cmd: 'publish', topic: 'q/two', payload: Buffer.from('b'), qos: 2, retain: false, dup: true, messageId: 8 });
    await s.run({ forUs: 200_000 });
    expect(pub.of('pubrec').map((p) => p.messageId)).toEqual([7, 8, 8]);
    pub.send({ cmd: 'pubrel', messageId: 7 });
    pub.send({ cmd: 'pubrel', messageId: 8 });
    await s.run({ forUs: 200_000 });
    expect(pub.of('pubcomp').map((p) => p.messageId)).toEqual([7, 8]);
    const got = sub.of('publish');
    expect(got.map((p) => [p.topic, p.qos])).toEqual([['q/one', 1], ['q/two', 2]]);
    sub.send({ cmd: 'puback', messageId: got[0].messageId! });
    sub.send({ cmd: 'pubrec', messageId: got[1].messageId! });
    await s.run({ forUs: 200_000 });
    expect(sub.of('pubrel').map((p) => p.messageId)).toEqual([got[1].messageId]);
    sub.send({ cmd: 'pubcomp', messageId: got[1].messageId! });
    await s.run({ forUs: 200_000 });
    expect(broker.mqtt!.messages.map((m) => [m.from, m.topic, m.text, m.qos, m.to])).toEqual([
      ['pub', 'q/one', 'a', 2, ['sub']],
      ['pub', 'q/two', 'b', 2, ['sub']],
    ]);
    await s.close();
  });

  test('retained messages: the last one per topic goes to a new subscriber with RETAIN set; an empty one clears it; live copies have RETAIN 0', async () => {
    const { s, client, broker } = await brokerLab(2);
    const pub = client(0);
    pub.open(BROKER);
    await s.run({ forUs: 200_000 });
    pub.send(conn('pub'));
    for (const [t, v] of [['home/temp', '20'], ['home/temp', '21'], ['home/door', 'open'], ['home/door', '']]) pub.send({ cmd: 'publish', topic: t, payload: Buffer.from(v), qos: 0, retain: true, dup: false });
    await s.run({ forUs: 200_000 });
    expect(broker.mqtt!.retained().map((m) => [m.topic, m.text])).toEqual([['home/temp', '21']]);
    const sub = client(1);
    sub.open(BROKER);
    await s.run({ forUs: 200_000 });
    sub.send(conn('sub'));
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'home/+', qos: 0 }] });
    await s.run({ forUs: 200_000 });
    pub.send({ cmd: 'publish', topic: 'home/temp', payload: Buffer.from('22'), qos: 0, retain: true, dup: false });
    await s.run({ forUs: 200_000 });
    expect(sub.of('publish').map((p) => [p.topic, String(p.payload), p.retain])).toEqual([['home/temp', '21', true], ['home/temp', '22', false]]);
    await s.close();
  });

  test('persistent session: subscriptions and QoS 1 messages kept while offline, unacknowledged ones resent with DUP; clean session forgets', async () => {
    const { s, client } = await brokerLab(2);
    const pub = client(0);
    pub.open(BROKER);
    let sub = client(1);
    sub.open(BROKER);
    await s.run({ forUs: 200_000 });
    pub.send(conn('pub'));
    sub.send(conn('keeper', { clean: false }));
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'jobs/#', qos: 1 }] });
    await s.run({ forUs: 200_000 });
    expect(sub.of('connack')[0]).toMatchObject({ sessionPresent: false, returnCode: 0 });
    pub.send({ cmd: 'publish', topic: 'jobs/1', payload: Buffer.from('first'), qos: 1, retain: false, dup: false, messageId: 1 });
    await s.run({ forUs: 200_000 });
    expect(texts(sub.got)).toEqual(['jobs/1=first']); // not acknowledged
    sub.drop();
    await s.run({ forUs: 200_000 });
    pub.send({ cmd: 'publish', topic: 'jobs/2', payload: Buffer.from('second'), qos: 1, retain: false, dup: false, messageId: 2 });
    pub.send({ cmd: 'publish', topic: 'jobs/3', payload: Buffer.from('lost'), qos: 0, retain: false, dup: false });
    await s.run({ forUs: 200_000 });
    sub = client(1);
    sub.open(BROKER);
    await s.run({ forUs: 200_000 });
    sub.send(conn('keeper', { clean: false }));
    await s.run({ forUs: 200_000 });
    expect(sub.of('connack')[0]).toMatchObject({ sessionPresent: true });
    expect(sub.of('publish').map((p) => [p.topic, String(p.payload), p.dup])).toEqual([['jobs/1', 'first', true], ['jobs/2', 'second', false]]);
    sub.send({ cmd: 'disconnect' });
    await s.run({ forUs: 200_000 });
    sub = client(1);
    sub.open(BROKER);
    await s.run({ forUs: 200_000 });
    sub.send(conn('keeper', { clean: true }));
    await s.run({ forUs: 200_000 });
    expect(sub.of('connack')[0]).toMatchObject({ sessionPresent: false });
    await s.close();
  });

  test('last will: published when the connection drops or the keepalive runs out (1.5 × in virtual time), not after DISCONNECT; takeover closes the old connection', async () => {
    const { s, client, broker } = await brokerLab(3);
    const watcher = client(0);
    watcher.open(BROKER);
    const a = client(1);
    a.open(BROKER);
    const b = client(2);
    b.open(BROKER);
    await s.run({ forUs: 200_000 });
    watcher.send(conn('watcher'));
    watcher.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'status/#', qos: 0 }] });
    const will = (id: string) => ({ will: { topic: `status/${id}`, payload: Buffer.from('offline'), qos: 0 as const, retain: false } });
    a.send(conn('a', { keepalive: 2, ...will('a') }));
    b.send(conn('b', will('b')));
    await s.run({ forUs: 100_000 });
    const connectedAt = broker.mqtt!.events.find((e) => e.kind === 'connect' && e.client === 'a')!.t;
    await s.run({ forUs: 4_000_000 });
    const timeout = broker.mqtt!.events.find((e) => e.kind === 'keepalive-timeout')!;
    expect(timeout).toMatchObject({ client: 'a' });
    expect(timeout.t - connectedAt).toBe(3_000_000);
    expect(a.closed).toBe(true);
    b.send({ cmd: 'disconnect' });
    await s.run({ forUs: 200_000 });
    expect(texts(watcher.got)).toEqual(['status/a=offline']);
    // The same client id again: the first connection is closed, its will published.
    const c1 = client(1);
    c1.open(BROKER);
    await s.run({ forUs: 200_000 });
    c1.send(conn('dup', will('dup')));
    await s.run({ forUs: 200_000 });
    const c2 = client(2);
    c2.open(BROKER);
    await s.run({ forUs: 200_000 });
    c2.send(conn('dup'));
    await s.run({ forUs: 200_000 });
    expect(c1.closed).toBe(true);
    expect(texts(watcher.got)).toEqual(['status/a=offline', 'status/dup=offline']);
    expect(broker.mqtt!.events.map((e) => e.kind)).toContain('takeover');
    expect(broker.log.lines.map((l) => l.text)).toContainEqual(expect.stringMatching(/^keepalive: nothing from a for 3s \(1\.5 × 2s\): closing$/));
    await s.close();
  });

  test('username and password: refused with return code 4 or 5, accepted with the right pair', async () => {
    const { s, client, broker } = await brokerLab(3, { users: { alice: 's3cret' } });
    const [anon, wrong, ok] = [client(0), client(1), client(2)];
    for (const c of [anon, wrong, ok]) c.open(BROKER);
    await s.run({ forUs: 200_000 });
    anon.send(conn('anon'));
    wrong.send(conn('wrong', { username: 'alice', password: Buffer.from('guess') }));
    ok.send(conn('ok', { username: 'alice', password: Buffer.from('s3cret') }));
    await s.run({ forUs: 200_000 });
    expect([anon, wrong, ok].map((c) => c.of('connack')[0]?.returnCode)).toEqual([5, 4, 0]);
    expect([anon.closed, wrong.closed, ok.closed]).toEqual([true, true, false]);
    expect(broker.log.lines.map((l) => l.text).filter((l) => l.startsWith('connect'))).toEqual([
      expect.stringMatching(/^connect refused for anon from 192\.168\.1\.\d+:\d+: not authorised/),
      expect.stringMatching(/^connect refused for wrong from .*: bad username or password$/),
      expect.stringMatching(/^connect ok from .*: MQTT 3\.1\.1, clean session, no keepalive, user "alice"$/),
    ]);
    await s.close();
  });

  test('protocol errors close the connection: a packet before CONNECT, a wildcard in a PUBLISH topic, a second CONNECT', async () => {
    const { s, client, broker } = await brokerLab(3);
    const [x, y, z] = [client(0), client(1), client(2)];
    for (const c of [x, y, z]) c.open(BROKER);
    await s.run({ forUs: 200_000 });
    x.send({ cmd: 'pingreq' });
    y.send(conn('y'));
    y.send({ cmd: 'publish', topic: 'a/+', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
    z.send(conn('z'));
    z.send(conn('z'));
    await s.run({ forUs: 300_000 });
    expect([x.closed, y.closed, z.closed]).toEqual([true, true, true]);
    expect(broker.mqtt!.events.filter((e) => e.kind === 'protocol-error').map((e) => e.detail)).toEqual(['PINGREQ before CONNECT', 'PUBLISH to an invalid topic name "a/+"', 'a second CONNECT']);
    await s.close();
  });

  test('MQTT 5.0: reason codes, an assigned client id, session expiry in virtual time, no-local, subscription identifiers and user properties passed on', async () => {
    const { s, client, broker } = await brokerLab(2);
    const a = client(0, 5);
    const b = client(1, 5);
    a.open(BROKER);
    b.open(BROKER);
    await s.run({ forUs: 200_000 });
    a.send({ ...conn('', { protocolVersion: 5 }), properties: { sessionExpiryInterval: 30 } } as never);
    b.send(conn('b5', { protocolVersion: 5 }));
    await s.run({ forUs: 200_000 });
    const ack = a.of('connack')[0];
    expect(ack.reasonCode).toBe(0);
    expect(ack.properties?.assignedClientIdentifier).toBe('auto-1');
    a.send({ cmd: 'subscribe', messageId: 1, properties: { subscriptionIdentifier: 42 }, subscriptions: [{ topic: 'chat/#', qos: 1, nl: true }] });
    b.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'chat/#', qos: 0 }] });
    await s.run({ forUs: 200_000 });
    a.send({ cmd: 'publish', topic: 'chat/a', payload: Buffer.from('mine'), qos: 0, retain: false, dup: false });
    b.send({ cmd: 'publish', topic: 'chat/b', payload: Buffer.from('hers'), qos: 1, retain: false, dup: false, messageId: 3, properties: { userProperties: { lang: 'en' }, contentType: 'text/plain' } });
    await s.run({ forUs: 200_000 });
    expect(a.of('publish').map((p) => [p.topic, p.properties?.subscriptionIdentifier, p.properties?.userProperties, p.properties?.contentType])).toEqual([['chat/b', 42, { lang: 'en' }, 'text/plain']]);
    expect(texts(b.got)).toEqual(['chat/a=mine', 'chat/b=hers']);
    expect(b.of('puback')[0].reasonCode ?? 0).toBe(0);
    // Takeover of b5 by a second connection: the old one is told why (reason 0x8E) before it is closed.
    const b2 = client(1, 5);
    b2.open(BROKER);
    await s.run({ forUs: 200_000 });
    b2.send(conn('b5', { protocolVersion: 5 }));
    await s.run({ forUs: 200_000 });
    expect(b.of('disconnect').map((p) => p.reasonCode)).toEqual([0x8e]);
    expect(b.closed).toBe(true);
    a.drop();
    await s.run({ forUs: 29_000_000 });
    expect(broker.mqtt!.events.some((e) => e.kind === 'session-expired')).toBe(false);
    await s.run({ forUs: 2_000_000 });
    expect(broker.mqtt!.events.filter((e) => e.kind === 'session-expired').map((e) => e.client)).toEqual(['auto-1']);
    await s.close();
  });
});
