/** Scenario keys of the services: what the YAML becomes in the library API's terms. */
import { parseScenario } from '../../scenarios/schema/index';
import { lab } from './labrun';

describe('service keys of a scenario', () => {
  test('weather-client: routes from body, json and a file next to the scenario (carried for the trace), delays, content types', () => {
    const s = lab('weather-client');
    const host = s.network.internet![0];
    expect(host).toMatchObject({ name: 'api.weather.example', service: 'http', latencyUs: 30_000 });
    expect(host.port).toBeUndefined(); // the service's well-known port
    const [current, forecast, reports] = host.routes!;
    expect(current).toMatchObject({ path: '/v1/current', contentType: 'application/json' });
    expect(JSON.parse(current.body as string).current.temperature).toBe(-3.5);
    expect(forecast).toMatchObject({ delayUs: 800_000, contentType: 'application/json', body: '{"city":"Oslo","days":[{"day":"Sat","max":4,"min":-2},{"day":"Sun","max":6,"min":0}]}' });
    expect(reports).toMatchObject({ method: 'POST', status: 201 });
    expect(s.dataFiles?.map((f) => f.ref)).toEqual(['current.json']);
    expect(s.steps.find((x) => x.kind === 'wait-http-request')).toMatchObject({ host: 'api.weather.example', method: 'POST', path: '/v1/reports', status: 201, timeoutUs: 5_000_000 });
  });

  test('board: broker is a PC running service: mqtt; MQTT steps default to the only broker; users', () => {
    const yaml = [
      'name: t',
      'devices:',
      '  mosquitto: { board: broker, ip: 192.168.1.10, users: { alice: secret, bob: 1234 } }',
      '  esp32: { board: esp32 }',
      'steps:',
      '  - wait-mqtt: sensors/#',
      '  - expect-mqtt: { topic: a/b, payload: 21.5, from: esp32-sensor, retain: true }',
      '',
    ].join('\n');
    const r = parseScenario(yaml, 'lab/scenario.yaml', { dir: '/lab' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.devices[0]).toMatchObject({ id: 'mosquitto', board: 'pc', service: { service: 'mqtt', users: { alice: 'secret', bob: '1234' } } });
    expect(r.scenario.steps.map((s) => s.kind === 'wait-mqtt' || s.kind === 'expect-mqtt' ? [s.kind, s.broker, s.topic, s.payload] : [])).toEqual([
      ['wait-mqtt', 'mosquitto', 'sensors/#', undefined],
      ['expect-mqtt', 'mosquitto', 'a/b', '21.5'],
    ]);
  });

  test('a route file read from the trace\'s files on replay, never from disk', () => {
    const s = lab('weather-client');
    const files: Record<string, string> = { 'weather.py': s.scripts[0].source, 'current.json': '{"replayed": true}' };
    const again = parseScenario(s.text, s.file, { files });
    expect(again.ok && again.scenario.network.internet![0].routes![0].body).toBe('{"replayed": true}');
    const missing = parseScenario(s.text, s.file, { files: { 'weather.py': s.scripts[0].source } });
    expect(!missing.ok && missing.errors[0].message).toMatch(/route 1: file: current\.json is not among the files of the trace/);
  });
});

describe("the README's services example", () => {
  test('parses as shown (with the files it names)', () => {
    const readme = require('node:fs').readFileSync(require('node:path').join(__dirname, '..', '..', 'README.md'), 'utf8') as string;
    const block = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('name: test.mosquitto.org'));
    expect(block).toBeDefined();
    const r = parseScenario(`name: readme services\n${block}`, 'x/scenario.yaml', { files: { 'current.json': '{"t": 1}', 'page.html': '<p>hi</p>' } });
    if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
    expect(r.scenario.devices.map((d) => [d.id, d.service?.service])).toEqual([['broker', 'mqtt'], ['web', 'http']]);
    expect(r.scenario.steps.map((s) => s.kind)).toEqual(['wait-mqtt', 'expect-mqtt', 'wait-http-request', 'expect-http-request']);
  });
});
