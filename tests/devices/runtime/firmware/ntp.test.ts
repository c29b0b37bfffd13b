import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CLOCK_S, parseClock } from '../../../../devices/clock';
import { NTP_UNIX_DELTA_S, readNtpTime, sntpReply } from '../../../../devices/internet/ntp';
import { Simulation } from '../../../../devices/simulation/simulation';
import { formatError, parseScenario } from '../../../../scenarios/schema/index';
import { ended, lines, py } from '../micropython-real/helpers';

const CLOCK_SCRIPT = [
  'import time, ntptime, machine',
  'print(time.localtime()[:6])',
  'ntptime.settime()',
  'print(time.localtime())',
  'print(machine.RTC().datetime()[:7])',
  'time.sleep(61)',
  'print(time.localtime()[:6], time.time())',
];

describe('wall clock, RTC and NTP on the real Simulation', () => {
  test('ntptime.settime() then time.localtime(): the ESP32 starts at 2000-01-01 and takes the scenario clock from pool.ntp.org', async () => {
    const s = new Simulation({ seed: 1, clock: '2026-09-01T08:00:00Z' });
    const pcap = s.attachPcap();
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', script: py(CLOCK_SCRIPT) });
    const pc = s.addDevice({ id: 'pc', board: 'pc', script: py(['import time', 'print(time.localtime()[:6], int(time.time()))']) });
    await s.run({ stopWhen: ended(esp, pc), forUs: 120_000_000 });
    await s.close();
    expect(lines(esp)).toEqual([
      '(2000, 1, 1, 0, 0, 1)', // ~1.4 s after power-on (WiFi join)
      '(2026, 9, 1, 8, 0, 1, 1, 244)', // a Tuesday, day 244
      '(2026, 9, 1, 1, 8, 0, 1)', // RTC weekday: Monday = 0
      '(2026, 9, 1, 8, 1, 2) 841564862', // seconds since 2000-01-01
    ]);
    expect(lines(pc)[0]).toBe(`(2026, 9, 1, 8, 0, 1) ${parseClock('2026-09-01T08:00:00Z') + 1}`);
    // pool.ntp.org is a simulated pool server beyond the router (the router answers on its own address)
    expect(s.service('pool.ntp.org').port).toBe(123);
    expect(s.internet.find((h) => h.spec.name === 'pool.ntp.org')!.service.connections).toBe(1);
    expect(s.router.counters()['ntpd.answered']).toBe(0);
    // The capture decodes as NTP (client request, server reply) without warnings.
    const dir = mkdtempSync(join(tmpdir(), 'ntp-'));
    const file = join(dir, 'ntp.pcap');
    writeFileSync(file, pcap.bytes());
    const tshark = (args: string[]) => execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const out = tshark(['-r', file, '-Y', 'ntp', '-T', 'fields', '-e', 'ntp.flags.mode', '-e', 'ntp.xmt']);
    expect(out.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(['3', '4']);
    expect(out).toContain('Sep  1, 2026 08:00:01');
    const bad = tshark(['-o', 'udp.check_checksum:TRUE', '-r', file, '-Y', '_ws.malformed || _ws.expert.severity >= warning']);
    expect(bad.trim()).toBe('');
  }, 120_000);

  test('default clock 2026-01-01; ntptime.host on an internet NTP server; a silent host times out after ntptime.timeout', async () => {
    const s = new Simulation({
      seed: 1,
      network: {
        internet: [
          { name: 'time.example', ip: '203.0.113.123', service: 'ntp', port: 123, latencyUs: 40_000 },
          { name: 'mute.example', ip: '203.0.113.124', service: 'discard', port: 9 },
        ],
      },
    });
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py([
        'import time, ntptime',
        "ntptime.host = 'time.example'",
        't0 = time.ticks_ms()',
        't = ntptime.time()',
        'print(time.gmtime(t)[:6], time.ticks_diff(time.ticks_ms(), t0) // 10)',
        "ntptime.host = 'mute.example'",
        'ntptime.timeout = 2',
        't0 = time.ticks_ms()',
        'try:',
        '    ntptime.settime()',
        'except OSError as e:',
        '    print(e, time.ticks_diff(time.ticks_ms(), t0) // 100)',
        'print(time.localtime()[0])',
      ]),
    });
    await s.run({ stopWhen: ended(esp), forUs: 30_000_000 });
    await s.close();
    // DNS, then two round trips of 80 ms on the WAN: the router's first ARP for the host, then the NTP exchange
    expect(lines(esp)).toEqual([expect.stringMatching(/^\(2026, 1, 1, 0, 0, 1\) 1[6-8]$/), '[Errno 116] ETIMEDOUT 21', '2000']);
  }, 30_000);

  test("the RTC keeps the time through machine.reset() (it restarts at 2000-01-01 only at power-on)", async () => {
    const s = new Simulation({ seed: 1, clock: 1_800_000_000 });
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py([
        'import time, machine, ntptime',
        'if time.localtime()[0] == 2000:',
        '    ntptime.settime()',
        "    print('set', time.localtime()[:3])",
        '    machine.reset()',
        "print('after reset', time.localtime()[:3])",
      ]),
    });
    await s.run({ stopWhen: () => lines(esp).some((l) => l.startsWith('after')), forUs: 30_000_000 });
    await s.close();
    expect(lines(esp)).toEqual(['set (2027, 1, 15)', 'after reset (2027, 1, 15)']);
  }, 30_000);

  test('SNTP server replies: mode 4, the request version, originate = the client transmit time; junk is dropped', () => {
    const req = new Uint8Array(48);
    req[0] = (4 << 3) | 3;
    req.set([1, 2, 3, 4, 5, 6, 7, 8], 40);
    const unixUs = DEFAULT_CLOCK_S * 1e6 + 1_500_000;
    const r = sntpReply(req, unixUs)!;
    expect(r[0]).toBe(0x24);
    expect(r[1]).toBe(1);
    expect([...r.subarray(24, 32)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(readNtpTime(r, 40)).toBe(unixUs);
    expect(new DataView(r.buffer).getUint32(40)).toBe(DEFAULT_CLOCK_S + 1 + NTP_UNIX_DELTA_S);
    expect(sntpReply(req.subarray(0, 47), unixUs)).toBeUndefined();
    expect(sntpReply(new Uint8Array(48).fill(0x24, 0, 1), unixUs)).toBeUndefined(); // a server packet, not a request
  });

  test('clock: in a scenario is a UTC date-time or Unix seconds; anything else exits 2 with file:line', () => {
    const text = (clock: string) => `name: t\nclock: ${clock}\ndevices:\n  pc:\n    board: pc\n`;
    const ok = parseScenario(text('2026-09-01T08:00:00Z'), 'lab/scenario.yaml', { dir: '/lab' });
    expect(ok.ok && ok.scenario.clock).toBe('2026-09-01T08:00:00Z');
    for (const bad of ['2026-13-01', '2026-02-29', 'tomorrow', '1999-12-31T00:00:00Z']) {
      const r = parseScenario(text(bad), 'lab/scenario.yaml', { dir: '/lab' });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(formatError(r.errors[0])).toMatch(/^lab\/scenario\.yaml:2: clock: bad clock/);
    }
    expect(parseClock('2026-09-01')).toBe(parseClock('2026-09-01T00:00:00Z'));
    expect(() => new Simulation({ clock: 'nope' })).toThrow(/bad clock "nope"/);
  });
});
