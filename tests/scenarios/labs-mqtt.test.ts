/**
 * The mqtt-sensor lab: passes, replays identically, its capture decodes as
 * MQTT in tshark, and under 10% WiFi loss two runs with the same seed give
 * byte-identical traces and captures.
 */
import { runScenario } from '../../scenarios/runner/runner';
import { traceText } from '../../scenarios/runner/tracefile';
import { createSimulation } from '../../devices/simulation/simulation';
import { explain, lab, labWith, runAndReplay } from './labrun';
import { badFrames, fields, writePcap } from './iot-capture';

describe('mqtt-sensor lab', () => {
  test('passes, replays with an identical trace; MQTT decodes in tshark (CONNECT, CONNACK, PUBLISH, SUBSCRIBE, SUBACK), nothing malformed', async () => {
    const { first, diff } = await runAndReplay('mqtt-sensor', { pcap: true });
    expect({ exit: first.exitCode, why: explain(first) }).toEqual({ exit: 0, why: explain(first) });
    expect(diff).toEqual({ identical: true, count: first.trace.length });
    const f = writePcap(first.pcap!, 'mqtt-sensor.pcap');
    expect(badFrames(f)).toBe('');
    const types = new Set(fields(f, 'mqtt', 'mqtt.msgtype').flatMap((l) => l.split(',')));
    expect([...types].sort((a, b) => Number(a) - Number(b))).toEqual(['1', '2', '3', '8', '9']);
    const topics = fields(f, 'mqtt.msgtype == 3', 'mqtt.topic', 'mqtt.msg').flatMap((l) => l.split('\t')[0].split(','));
    expect(topics).toContain('sensors/esp32/temperature');
    expect(fields(f, 'mqtt.msgtype == 1', 'mqtt.clientid', 'mqtt.kalive', 'mqtt.willtopic')).toContain('esp32-sensor\t5\tsensors/esp32/status');
  });

  test('under 10% WiFi loss, the same seed twice gives byte-identical traces and captures', async () => {
    const lossy = () => labWith('mqtt-sensor', (y) => y.replace('devices:\n', 'network:\n  wifi: { loss: 10% }\ndevices:\n'));
    const runs = [];
    for (let i = 0; i < 2; i++) runs.push(await runScenario(lossy(), { createSimulation, pcap: true, recordTrace: true }));
    const [a, b] = runs;
    expect(a.exitCode).toBe(b.exitCode);
    expect(a.trace.length).toBeGreaterThan(200);
    expect(traceText(b)).toBe(traceText(a));
    expect(Buffer.from(b.pcap!).equals(Buffer.from(a.pcap!))).toBe(true);
    expect({ exit: a.exitCode, why: explain(a) }).toEqual({ exit: 0, why: explain(a) }); // the lab still passes at 10% loss
    // The loss is real: the run differs from the lossless one (frames lost and sent again).
    const clean = await runScenario(lab('mqtt-sensor'), { createSimulation, recordTrace: true });
    const rtx = (r: typeof a) => r.devices.reduce((n, d) => n + (d.counters['tcp.rtxTimeouts'] ?? 0) + (d.counters['dhcp.tx-discover'] ?? 0), 0);
    expect(rtx(a)).toBeGreaterThan(rtx(clean));
  });

  test('random real delays in the MicroPython workers change nothing: the same trace', async () => {
    const plain = await runScenario(lab('mqtt-sensor'), { createSimulation, recordTrace: true });
    const jittery = await runScenario(lab('mqtt-sensor'), { createSimulation: (o) => createSimulation({ ...o, workerJitterMs: 1 }), recordTrace: true });
    expect(jittery.exitCode).toBe(0);
    expect(traceText(jittery)).toBe(traceText(plain));
  });
});
