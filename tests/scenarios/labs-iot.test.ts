/**
 * The IoT labs (web-led, weather-client, asyncio-server, ntp-clock) on the
 * real Simulation: each passes, replays identically from its trace, and its
 * capture decodes in tshark (HTTP, NTP) with no malformed frame or expert
 * warning. mqtt-sensor has its own file (labs-mqtt.test.ts).
 */
import { explain, runAndReplay } from './labrun';
import { badFrames, fields, writePcap } from './iot-capture';

/** Runs the lab (trace and capture), replays it from the trace, and answers the capture's file. */
async function passReplayCapture(id: string): Promise<string> {
  const { first, diff } = await runAndReplay(id, { pcap: true });
  expect({ exit: first.exitCode, why: explain(first) }).toEqual({ exit: 0, why: explain(first) });
  expect(diff).toEqual({ identical: true, count: first.trace.length });
  const f = writePcap(first.pcap!, `${id}.pcap`);
  expect(badFrames(f)).toBe('');
  return f;
}

describe('IoT labs', () => {
  test('web-led passes, replays identically; the browser\'s four requests and the ESP32\'s answers decode as HTTP', async () => {
    const f = await passReplayCapture('web-led');
    expect(fields(f, 'http.request', 'http.request.method', 'http.request.uri')).toEqual(['GET\t/', 'GET\t/on', 'GET\t/off', 'GET\t/favicon.ico']);
    expect(fields(f, 'http.response', 'http.response.code')).toEqual(['200', '200', '200', '404']);
  });

  test('weather-client passes, replays identically; HTTP requests, answers with Content-Length, JSON bodies', async () => {
    const f = await passReplayCapture('weather-client');
    expect(fields(f, 'http.request', 'http.request.method', 'http.request.uri')).toEqual([
      'GET\t/v1/current?city=Oslo',
      'GET\t/v1/forecast?city=Oslo&days=2',
      'POST\t/v1/reports',
      'GET\t/v1/history',
    ]);
    expect(fields(f, 'http.response', 'http.response.code', 'http.content_length')).toEqual(['200\t153', '200\t85', '201\t15', '404\t40']);
    expect(fields(f, 'json', 'json.member_with_value').join('\n')).toContain('temperature:-3.5');
  });

  test('ntp-clock passes, replays identically; one SNTP exchange with pool.ntp.org, stratum 2, the scenario clock', async () => {
    const f = await passReplayCapture('ntp-clock');
    const rows = fields(f, 'ntp', 'ntp.flags.mode', 'ntp.stratum', 'ip.dst');
    expect(rows.map((r) => r.split('\t')[0])).toEqual(['3', '4']);
    expect(rows[1].split('\t')[1]).toBe('2');
    expect(fields(f, 'ntp.flags.mode == 4', 'ntp.xmt')[0]).toContain('Sep  1, 2026 08:00:01');
  });

  test('asyncio-server passes, replays identically, and its capture is clean', async () => {
    await passReplayCapture('asyncio-server');
  });
});
