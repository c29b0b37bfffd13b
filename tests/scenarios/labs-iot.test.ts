/**
 * The IoT labs (web-led, weather-client, asyncio-server, ntp-clock) on the
 * real Simulation: each passes, replays identically from its trace, and its
 * capture decodes in tshark (HTTP, NTP) with no malformed frame or expert
 * warning. mqtt-sensor has its own file (labs-mqtt.test.ts).
 */
import { runScenario } from '../../scenarios/runner/runner';
import { createSimulation } from '../../devices/simulation/simulation';
import { explain, lab, runAndReplay } from './labrun';
import { badFrames, fields, writePcap } from './iot-capture';

async function capture(id: string): Promise<string> {
  const r = await runScenario(lab(id), { createSimulation, pcap: true });
  expect({ exit: r.exitCode, why: explain(r) }).toEqual({ exit: 0, why: explain(r) });
  return writePcap(r.pcap!, `${id}.pcap`);
}

describe('IoT labs', () => {
  test.each(['web-led', 'weather-client', 'asyncio-server', 'ntp-clock'])('lab %s passes and replays with an identical trace', async (id) => {
    const { first, diff } = await runAndReplay(id);
    expect({ exit: first.exitCode, why: explain(first) }).toEqual({ exit: 0, why: explain(first) });
    expect(diff).toEqual({ identical: true, count: first.trace.length });
  });

  test('web-led capture: the browser\'s four requests and the ESP32\'s answers decode as HTTP', async () => {
    const f = await capture('web-led');
    expect(badFrames(f)).toBe('');
    expect(fields(f, 'http.request', 'http.request.method', 'http.request.uri')).toEqual(['GET\t/', 'GET\t/on', 'GET\t/off', 'GET\t/favicon.ico']);
    expect(fields(f, 'http.response', 'http.response.code')).toEqual(['200', '200', '200', '404']);
  });

  test('weather-client capture: HTTP requests, answers with Content-Length, JSON bodies', async () => {
    const f = await capture('weather-client');
    expect(badFrames(f)).toBe('');
    expect(fields(f, 'http.request', 'http.request.method', 'http.request.uri')).toEqual([
      'GET\t/v1/current?city=Oslo',
      'GET\t/v1/forecast?city=Oslo&days=2',
      'POST\t/v1/reports',
      'GET\t/v1/history',
    ]);
    expect(fields(f, 'http.response', 'http.response.code', 'http.content_length')).toEqual(['200\t153', '200\t85', '201\t15', '404\t40']);
    expect(fields(f, 'json', 'json.member_with_value').join('\n')).toContain('temperature:-3.5');
  });

  test('ntp-clock capture: one SNTP exchange with pool.ntp.org, stratum 2, the scenario clock', async () => {
    const f = await capture('ntp-clock');
    expect(badFrames(f)).toBe('');
    const rows = fields(f, 'ntp', 'ntp.flags.mode', 'ntp.stratum', 'ip.dst');
    expect(rows.map((r) => r.split('\t')[0])).toEqual(['3', '4']);
    expect(rows[1].split('\t')[1]).toBe('2');
    expect(fields(f, 'ntp.flags.mode == 4', 'ntp.xmt')[0]).toContain('Sep  1, 2026 08:00:01');
  });

  test('asyncio-server capture has no malformed frame or warning', async () => {
    expect(badFrames(await capture('asyncio-server'))).toBe('');
  });
});
