import { formatError, parseScenario } from '../../scenarios/schema/index';

const scripts: Record<string, string> = { '/lab/server.py': 'print("hi")\n', '/lab/client.py': 'print("pc")\n' };
const readScript = (p: string) => scripts[p];
const parse = (text: string) => parseScenario(text, 'echo/scenario.yaml', { dir: '/lab', readScript });
const errorsOf = (text: string) => {
  const r = parse(text);
  if (r.ok) throw new Error('expected errors');
  return r.errors.map((e) => formatError(e).split('\n')[0]);
};

const GOOD = `name: TCP echo
version: 1
seed: 7
timeout: 30s
network:
  subnet: 192.168.2.0/24
  wifi: { latency: 2ms, jitter: 1ms, loss: 10%, rate: 20Mbit }
  internet:
    - { name: towel.blinkenlights.nl, ip: 94.142.241.111, service: starwars, port: 23, latency: 40ms }
devices:
  esp32:
    board: esp32
    script: server.py
    ip: 192.168.2.231
  pc:
    board: pc
    script: client.py
    stdin: ["hello", 42]
    start: 1.5s
steps:
  - wait-serial: 'tcp waiting'
  - name: accepting
    wait-serial: { device: esp32, text: "accepting", timeout: 5s }
  - write-serial: { device: pc, text: "hello\\n" }
  - expect-serial: { device: esp32, text: "b'hello'" }
  - delay: 500ms
  - expect-pin: { part-id: esp32, name: 2, value: 1 }
  - wait-pin: { device: esp32, pin: 2, value: 0, timeout: 2s }
  - set-pin: { device: esp32, pin: 0, value: 0 }
  - link: { device: pc, loss: 30% }
  - link: { device: pc, down: true }
  - link: { device: pc, up: true }
  - reset: { device: esp32 }
  - stop: pc
  - expect-exit: { device: pc, code: 0 }
`;

describe('scenario schema', () => {
  test('a classroom LAN: a /22 subnet, max-clients and the broadcast filter reach the network spec', () => {
    const r = parse(GOOD.replace('  subnet: 192.168.2.0/24\n', '  subnet: 192.168.0.0/22\n  max-clients: 600\n  broadcast-filter: true\n'));
    if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
    expect(r.scenario.network).toMatchObject({ subnet: '192.168.0.0/22', maxClients: 600, broadcastFilter: true });
    expect(errorsOf(GOOD.replace('  subnet: 192.168.2.0/24\n', '  broadcast-filter: yes please\n'))[0]).toMatch(/network.broadcast-filter/);
  });

  test('full example parses into api specs with durations, fractions, rates and both step forms', () => {
    const r = parse(GOOD);
    if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
    const s = r.scenario;
    expect(s.seed).toBe(7);
    expect(s.timeoutUs).toBe(30_000_000);
    expect(s.network.wifi).toEqual({ latencyUs: 2000, jitterUs: 1000, loss: 0.1, rateBps: 20_000_000 });
    expect(s.network.internet?.[0]).toMatchObject({ service: 'starwars', port: 23, latencyUs: 40_000 });
    expect(s.devices[0]).toMatchObject({ id: 'esp32', board: 'esp32', ip: '192.168.2.231', wifi: 'auto' });
    expect(s.devices[0].script).toMatchObject({ filename: 'server.py', language: 'micropython' });
    expect(s.devices[1]).toMatchObject({ id: 'pc', startUs: 1_500_000, stdin: ['hello', '42'] });
    expect(s.scripts.map((x) => x.sha256.length)).toEqual([64, 64]);
    expect(s.steps.map((x) => x.kind)).toEqual([
      'wait-serial', 'wait-serial', 'write-serial', 'expect-serial', 'delay', 'expect-pin', 'wait-pin',
      'set-pin', 'link', 'link', 'link', 'reset', 'stop', 'expect-exit',
    ]);
    expect(s.steps[0]).toMatchObject({ device: 'esp32', text: 'tcp waiting', line: 21 });
    expect(s.steps[1]).toMatchObject({ name: 'accepting', timeoutUs: 5_000_000, line: 22 });
    expect(s.steps[5]).toMatchObject({ kind: 'expect-pin', device: 'esp32', pin: 2, value: 1 });
    expect(s.steps[8]).toMatchObject({ link: { loss: 0.3 } });
    expect(s.steps[10]).toMatchObject({ link: { down: false } });
    expect(s.steps[12]).toMatchObject({ kind: 'stop', device: 'pc' });
  });

  test('bad IP reports file:line and the path', () => {
    const errs = errorsOf(GOOD.replace('ip: 192.168.2.231', 'ip: "192.168.2.300"'));
    expect(errs).toEqual(['echo/scenario.yaml:14: devices.esp32.ip: "192.168.2.300" is not an IPv4 address (four numbers 0-255, e.g. 192.168.1.50)']);
  });

  test('unknown key anywhere is an error on its own line', () => {
    expect(errorsOf(GOOD.replace('    start: 1.5s', '    strat: 1.5s'))).toEqual(['echo/scenario.yaml:19: devices.pc.strat: unknown key (did you mean "start"?)']);
    expect(errorsOf(GOOD.replace('version: 1', 'verison: 1'))).toEqual(['echo/scenario.yaml:2: verison: unknown key (did you mean "version"?)']);
    expect(errorsOf(GOOD.replace('timeout: 5s }', 'timeout: 5s, colour: red }'))[0]).toMatch(/^echo\/scenario.yaml:23: step 2: wait-serial.colour: unknown key/);
  });

  test('bad duration, percentage and rate are explained', () => {
    expect(errorsOf(GOOD.replace('timeout: 30s', 'timeout: 30 seconds'))).toEqual([
      'echo/scenario.yaml:4: timeout: "30 seconds" is not a duration (use e.g. 500ms, 1.5s, 2m)',
    ]);
    expect(errorsOf(GOOD.replace('loss: 30%', 'loss: 130%'))[0]).toMatch(/:30: step 9: link.loss: "130%" is not a percentage/);
    expect(errorsOf(GOOD.replace('rate: 20Mbit', 'rate: fast'))[0]).toMatch(/:7: network.wifi.rate: "fast" is not a bit rate/);
    expect(errorsOf(GOOD.replace('delay: 500ms', 'delay: soon'))[0]).toMatch(/:26: step 5: delay: "soon" is not a duration/);
  });

  test('missing script names the file relative to the YAML', () => {
    expect(errorsOf(GOOD.replace('script: client.py', 'script: missing.py'))).toEqual([
      'echo/scenario.yaml:17: devices.pc.script: missing.py not found (looked for /lab/missing.py)',
    ]);
  });

  test('missing name, unknown step, unknown device and YAML syntax errors', () => {
    expect(errorsOf(GOOD.replace('name: TCP echo\n', ''))[0]).toBe('echo/scenario.yaml:1: name: missing: expected a text');
    expect(errorsOf(GOOD.replace("  - delay: 500ms", "  - dance: 500ms"))[0]).toMatch(/:26: step 5: dance: unknown step "dance"/);
    expect(errorsOf(GOOD.replace('stop: pc', 'stop: laptop'))[0]).toMatch(/:34: step 13: stop.device: no device "laptop"/);
    expect(errorsOf(GOOD.replace('board: pc', 'board: arduino'))[0]).toMatch(/:16: devices.pc.board: "arduino" is not one of "esp32", "pc"/);
    expect(errorsOf('name: x\ndevices: {a: [}\n')[0]).toMatch(/^echo\/scenario.yaml:2: YAML: /);
  });

  test('YAML anchors and merge keys work (as in CI files); values are checked after the merge', () => {
    const r = parse('name: merged\ndevices:\n  pc1: &pc { board: pc, script: client.py, start: 1s }\n  pc2: { <<: *pc, start: 2s }\n  esp32: { board: esp32, script: server.py }\n');
    if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
    expect(r.scenario.devices.map((d) => [d.id, d.board, d.startUs])).toEqual([['pc1', 'pc', 1_000_000], ['pc2', 'pc', 2_000_000], ['esp32', 'esp32', undefined]]);
    expect(errorsOf('name: m\ndevices:\n  pc1: &pc { board: pc, script: client.py }\n  pc2: { <<: *pc, strat: 2s }\n')[0]).toMatch(/:4: devices.pc2.strat: unknown key \(did you mean "start"\?\)/);
  });
});
