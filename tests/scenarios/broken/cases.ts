import { createHash } from 'node:crypto';

/**
 * The corpus of broken inputs: scenario files, command lines and traces as
 * students and CI scripts get them wrong. Each case says what the command must
 * answer: the exit code, the line named (file:line) where there is one, and
 * words the message must contain.
 */

export const BASE = `name: corpus
timeout: 10s
devices:
  esp32: { board: esp32, script: main.py }
  pc: { board: pc, script: client.py, start: 1s }
steps:
  - wait-serial: hi
`;

export interface YamlCase {
  name: string;
  /** The scenario text (or an edit of BASE). */
  yaml: string;
  /** Expected exit code (2 unless the run truly fails). */
  exit?: number;
  /** The line the message must name, as `scenario.yaml:LINE:`. */
  line?: number;
  /** What the message must say. */
  says: RegExp;
}

const edit = (from: string, to: string) => BASE.replace(from, to);
const dev = (extra: string) => edit('  esp32: { board: esp32, script: main.py }', `  esp32: { board: esp32, script: main.py, ${extra} }`);
const step = (s: string) => `${BASE}  - ${s}\n`;
const net = (n: string) => BASE.replace('devices:', `network:\n${n}\ndevices:`);
/** The esp32 with `parts:` in block form: the first part is on line 8. */
const parts = (p: string) => BASE.replace('  esp32: { board: esp32, script: main.py }\n', `  esp32:\n    board: esp32\n    script: main.py\n    parts:\n${p}`);
const WIRED = '      button: { type: button, pin: 14 }\n      knob: { type: potentiometer, pin: 34 }\n      probe: { type: ds18b20, pin: 5 }\n      strip: { type: neopixel, pin: 13, count: 4 }\n';
/** A step after WIRED: on line 15. */
const partStep = (st: string) => `${parts(WIRED)}  - ${st}\n`;

export const YAML_CASES: YamlCase[] = [
  // YAML itself
  { name: 'tab indentation', yaml: 'name: x\ndevices:\n  esp32:\n\tboard: esp32\n', line: 4, says: /indented with a tab.*spaces only/ },
  { name: 'tab after spaces', yaml: 'name: x\ndevices:\n  esp32:\n    board: esp32\n  \tscript: main.py\n', line: 5, says: /tab/ },
  { name: 'key indented one space short', yaml: 'name: x\ndevices:\n  esp32:\n    board: esp32\n   script: main.py\n', line: 5, says: /indentation does not line up: this line starts after 3 spaces, the line above after 4/ },
  { name: 'key indented too far', yaml: 'name: x\ndevices:\n  esp32:\n    board: esp32\n      script: main.py\n', line: 4, says: /indented further than this one/ },
  { name: 'two pairs on one line', yaml: 'name: x\ndevices:\n  esp32: board: esp32\n', line: 3, says: /two "key: value" pairs on one line/ },
  { name: 'missing colon', yaml: 'name: x\ndevices\n  esp32: { board: esp32 }\n', line: 2, says: /no colon after "devices"/ },
  { name: 'unclosed flow map', yaml: 'name: x\ndevices: {a: [}\n', line: 2, says: /not closed/ },
  { name: 'unclosed quote', yaml: "name: 'x\ndevices: 1\n", says: /quoted text is not closed/ },
  { name: 'duplicate key', yaml: 'name: x\nname: y\ndevices: {}\n', line: 2, says: /the key "name" appears twice/ },
  { name: 'alias without anchor', yaml: 'name: x\ndevices: *nothing\n', line: 2, says: /alias \*nothing has no anchor/ },
  {
    name: 'alias bomb',
    yaml: 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
    says: /aliases .* expand to a huge document/,
  },
  { name: 'empty file', yaml: '', line: 1, says: /a scenario is a YAML map/ },
  { name: 'a list at the top', yaml: '- name: x\n', line: 1, says: /a scenario is a YAML map/ },
  { name: 'a bare word', yaml: 'hello\n', line: 1, says: /a scenario is a YAML map/ },
  { name: 'a value starting with @', yaml: 'name: @x\ndevices: {}\n', line: 1, says: /cannot start with "@" unquoted/ },
  // top level
  { name: 'missing name', yaml: BASE.replace('name: corpus\n', ''), line: 1, says: /name: missing: expected a text/ },
  { name: 'empty name', yaml: edit('name: corpus', "name: ''"), line: 1, says: /name: is empty/ },
  { name: 'name is a list', yaml: edit('name: corpus', 'name: [a]'), line: 1, says: /name: expected a text, got a list/ },
  { name: 'unknown top key (typo)', yaml: `${BASE}stpes: []\n`, line: 8, says: /stpes: unknown key \(did you mean "steps"\?\)/ },
  { name: 'unknown top key', yaml: `colour: blue\n${BASE}`, line: 1, says: /colour: unknown key \(known keys: name/ },
  { name: 'version 2', yaml: `version: 2\n${BASE}`, line: 1, says: /version: 2 is not supported: this esp32sim reads version 1/ },
  { name: 'version text', yaml: `version: one\n${BASE}`, line: 1, says: /version: "one" is not supported/ },
  { name: 'negative seed', yaml: `seed: -1\n${BASE}`, line: 1, says: /seed: -1 is too small \(at least 0\)/ },
  { name: 'fractional seed', yaml: `seed: 1.5\n${BASE}`, line: 1, says: /seed: expected a whole number, got 1.5/ },
  { name: 'seed too large', yaml: `seed: 5000000000\n${BASE}`, line: 1, says: /seed: 5000000000 is too large/ },
  { name: 'seed .nan', yaml: `seed: .nan\n${BASE}`, line: 1, says: /seed: \.nan is not a usable number/ },
  { name: 'seed .inf', yaml: `seed: .inf\n${BASE}`, line: 1, says: /seed: \.inf is not a usable number/ },
  { name: 'seed as text', yaml: `seed: abc\n${BASE}`, line: 1, says: /seed: expected a number, got "abc"/ },
  { name: 'timeout without unit', yaml: edit('timeout: 10s', 'timeout: 10'), line: 2, says: /timeout: 10 has no unit: write 10s or 10ms/ },
  { name: 'timeout in words', yaml: edit('timeout: 10s', 'timeout: 10 seconds'), line: 2, says: /"10 seconds" is not a duration \(use e.g. 500ms/ },
  { name: 'timeout .inf', yaml: edit('timeout: 10s', 'timeout: .inf'), line: 2, says: /timeout: \.inf is not a duration/ },
  { name: 'timeout zero', yaml: edit('timeout: 10s', 'timeout: 0s'), line: 2, says: /timeout: must be more than 0/ },
  { name: 'timeout negative', yaml: edit('timeout: 10s', 'timeout: -5s'), line: 2, says: /timeout: "-5s" is negative/ },
  { name: 'timeout of a year', yaml: edit('timeout: 10s', 'timeout: 9000h'), line: 2, says: /too long \(at most 30 days\)/ },
  { name: 'timeout is a map', yaml: edit('timeout: 10s', 'timeout: { s: 10 }'), line: 2, says: /timeout: expected a duration like 30s/ },
  { name: 'watchdog too short', yaml: `watchdog: 1ms\n${BASE}`, line: 1, says: /watchdog: 1ms is too short for a wall-clock limit/ },
  { name: 'wall-timeout without unit', yaml: `wall-timeout: 600\n${BASE}`, line: 1, says: /wall-timeout: 600 has no unit/ },
  { name: 'no devices', yaml: 'name: x\ndevices: {}\n', line: 2, says: /devices: needs at least one device/ },
  { name: 'devices missing', yaml: 'name: x\n', line: 1, says: /devices: missing: expected a map/ },
  { name: 'devices as a list', yaml: 'name: x\ndevices:\n  - esp32\n', line: 2, says: /devices: expected a map \(key: value lines\), got a list/ },
  { name: 'steps is a map', yaml: `${BASE.replace(/steps:[\s\S]*/, '')}steps: { a: 1 }\n`, line: 6, says: /steps: expected a list/ },
  // devices
  { name: 'device id with a space', yaml: edit('  pc: { board: pc', '  "my pc": { board: pc'), says: /"my pc" is not a device id/ },
  { name: 'device id starting with a digit', yaml: edit('  pc: { board: pc', '  2pc: { board: pc'), says: /"2pc" is not a device id/ },
  { name: 'unknown board', yaml: edit('board: pc', 'board: arduino'), line: 5, says: /board: "arduino" is not one of "esp32", "pc"/ },
  { name: 'board missing', yaml: edit('{ board: pc, script: client.py, start: 1s }', '{ script: client.py }'), line: 5, says: /devices.pc.board: missing/ },
  { name: 'device key typo', yaml: dev('scirpt: x.py'), line: 4, says: /scirpt: unknown key \(did you mean "script"\?\)/ },
  { name: 'script missing', yaml: edit('script: client.py', 'script: nothere.py'), line: 5, says: /nothere.py not found/ },
  { name: 'script of the wrong kind', yaml: edit('script: client.py', 'script: notes.txt'), line: 5, says: /a script is a \.py \(MicroPython\) or \.ts\/\.js file/ },
  { name: 'script is a folder', yaml: edit('script: client.py', 'script: folder.py'), line: 5, says: /folder.py is a folder, not a file/ },
  { name: 'script is a FIFO', yaml: edit('script: client.py', 'script: fifo.py'), line: 5, says: /fifo.py is a named pipe \(FIFO\), not a file/ },
  { name: 'script links to /dev/zero', yaml: edit('script: client.py', 'script: zero.py'), line: 5, says: /zero.py is a character device/ },
  { name: 'script too large', yaml: edit('script: client.py', 'script: huge.py'), line: 5, says: /huge.py is 5 MiB: too large \(at most 4 MiB\)/ },
  { name: 'script is binary', yaml: edit('script: client.py', 'script: binary.py'), line: 5, says: /binary.py is a binary file/ },
  { name: 'TypeScript script with a syntax error', yaml: edit('script: client.py', 'script: broken.ts'), says: /broken\.ts:2: syntax error: Expression expected/ },
  { name: 'bad ip', yaml: dev('ip: 192.168.1.300'), line: 4, says: /"192.168.1.300" is not an IPv4 address/ },
  { name: 'ip as a number', yaml: dev('ip: 5'), line: 4, says: /ip: expected a text, got 5/ },
  { name: 'reservation outside the subnet', yaml: dev('ip: 10.0.0.5'), line: 4, says: /10.0.0.5 is outside the lab subnet 192.168.1.0\/24/ },
  { name: 'reservation on the router', yaml: dev('ip: 192.168.1.1'), line: 4, says: /192.168.1.1 is the router's own address/ },
  { name: 'reservation on the network address', yaml: dev('ip: 192.168.1.0'), line: 4, says: /the network address of 192.168.1.0\/24/ },
  { name: 'reservation on the broadcast address', yaml: dev('ip: 192.168.1.255'), line: 4, says: /the broadcast address of 192.168.1.0\/24/ },
  { name: 'reservation on a /30 broadcast', yaml: net('  subnet: 10.1.1.0/30').replace('script: main.py }', 'script: main.py, ip: 10.1.1.3 }'), says: /10.1.1.3 is the broadcast address of 10.1.1.0\/30/ },
  { name: 'two devices on one address', yaml: dev('ip: 192.168.1.50').replace('start: 1s }', 'start: 1s, ip: 192.168.1.50 }'), line: 5, says: /192.168.1.50 is already used by esp32/ },
  { name: 'static on an ESP32', yaml: dev('static: true, ip: 192.168.1.50'), line: 4, says: /static is for a PC/ },
  { name: 'static without ip', yaml: edit('start: 1s }', 'start: 1s, static: true }'), line: 5, says: /static: true needs an ip/ },
  { name: 'wifi on a PC', yaml: edit('start: 1s }', 'start: 1s, wifi: auto }'), line: 5, says: /only an esp32 has a wifi setting/ },
  { name: 'wifi mode unknown', yaml: dev('wifi: yes'), line: 4, says: /wifi: "yes" is not one of "auto", "none"/ },
  { name: 'heap on a PC', yaml: edit('start: 1s }', 'start: 1s, heap: 160K }'), line: 5, says: /only an esp32 has a MicroPython heap/ },
  { name: 'heap without a size', yaml: dev('heap: lots'), line: 4, says: /heap: "lots" is not a size \(use e.g. 96K, 160K, 2M\)/ },
  { name: 'heap too large', yaml: dev('heap: 64M'), line: 4, says: /heap: "64M" is outside what an ESP32 offers/ },
  { name: 'heap too small', yaml: dev('heap: 1K'), line: 4, says: /outside what an ESP32 offers/ },
  { name: 'start without unit', yaml: edit('start: 1s', 'start: 1'), line: 5, says: /start: 1 has no unit/ },
  { name: 'stdin entry is a map', yaml: edit('start: 1s }', 'start: 1s, stdin: [{ a: 1 }] }'), line: 5, says: /stdin line 1: a stdin line is a text \(put it in quotes\)/ },
  { name: 'stdin is a text', yaml: edit('start: 1s }', 'start: 1s, stdin: hello }'), line: 5, says: /stdin: expected a list/ },
  { name: 'link loss over 100%', yaml: dev('link: { loss: 150% }'), line: 4, says: /loss: "150%" is not a percentage/ },
  { name: 'link key typo', yaml: dev('link: { los: 10% }'), line: 4, says: /los: unknown key \(did you mean "loss"\?\)/ },
  // network
  { name: 'subnet with host bits', yaml: net('  subnet: 192.168.2.77/24'), line: 4, says: /192.168.2.77\/24 has host bits set: the network is 192.168.2.0\/24/ },
  { name: 'subnet without a prefix', yaml: net('  subnet: 192.168.2.0'), line: 4, says: /"192.168.2.0" is not a subnet/ },
  { name: 'subnet /31', yaml: net('  subnet: 192.168.2.0/31'), line: 4, says: /is not a subnet/ },
  { name: 'ssid too long', yaml: net(`  ssid: ${'x'.repeat(40)}`), line: 4, says: /ssid: is too long \(at most 32 characters\)/ },
  { name: 'network key typo', yaml: net('  subnett: 192.168.2.0/24'), line: 4, says: /subnett: unknown key \(did you mean "subnet"\?\)/ },
  { name: 'max-clients zero', yaml: net('  max-clients: 0'), line: 4, says: /max-clients: 0 is too small \(at least 1\)/ },
  { name: 'max-clients over 802.11', yaml: net('  max-clients: 5000'), line: 4, says: /max-clients: 5000 is too large \(at most 2007\)/ },
  { name: 'wifi rate in words', yaml: net('  wifi: { rate: fast }'), line: 4, says: /rate: "fast" is not a bit rate/ },
  { name: 'internet host inside the LAN', yaml: net('  internet:\n    - { name: web, ip: 192.168.1.7, service: http, port: 80 }'), line: 5, says: /192.168.1.7 is inside the lab subnet/ },
  {
    name: 'internet host on a device address',
    yaml: net('  internet:\n    - { name: web, ip: 192.168.1.50, service: http, port: 80 }').replace('script: main.py }', 'script: main.py, ip: 192.168.1.50 }'),
    line: 5,
    says: /192.168.1.50 is already the address of device esp32/,
  },
  {
    name: 'two internet hosts with one name',
    yaml: net('  internet:\n    - { name: web, ip: 93.1.1.1, service: http, port: 80 }\n    - { name: WEB, ip: 93.1.1.2, service: echo, port: 7 }'),
    line: 6,
    says: /"WEB" is already the name of internet host 1/,
  },
  { name: 'internet host named like a device', yaml: net('  internet:\n    - { name: pc, ip: 93.1.1.1, service: http, port: 80 }'), line: 5, says: /"pc" is also a device id/ },
  { name: 'internet host on the router WAN address', yaml: net('  internet:\n    - { name: web, ip: 100.64.0.1, service: http, port: 80 }'), line: 5, says: /the router's internet-side address/ },
  { name: 'internet host on loopback', yaml: net('  internet:\n    - { name: web, ip: 127.0.0.1, service: http, port: 80 }'), line: 5, says: /not a unicast host address/ },
  { name: 'internet service unknown', yaml: net('  internet:\n    - { name: web, ip: 93.1.1.1, service: ftp, port: 21 }'), line: 5, says: /service: "ftp" is not one of/ },
  { name: 'internet port zero', yaml: net('  internet:\n    - { name: web, ip: 93.1.1.1, service: http, port: 0 }'), line: 5, says: /port: 0 is too small \(at least 1\)/ },
  { name: 'internet host without a name', yaml: net('  internet:\n    - { ip: 93.1.1.1, service: http, port: 80 }'), line: 5, says: /internet host 1: name: missing/ },
  // services (internet hosts and LAN PCs), clock
  { name: 'bad clock', yaml: `clock: 2026-02-30T10:00:00Z\n${BASE}`, line: 1, says: /clock: bad clock "2026-02-30T10:00:00Z": use a UTC date-time/ },
  { name: 'clock before 2000', yaml: `clock: 1999-12-31T23:59:59Z\n${BASE}`, line: 1, says: /clock: bad clock .* the year must be between 2000 and 2099/ },
  { name: 'clock in words', yaml: `clock: tomorrow\n${BASE}`, line: 1, says: /clock: bad clock "tomorrow"/ },
  { name: 'unknown service on a PC', yaml: edit('{ board: pc, script: client.py, start: 1s }', '{ board: pc, service: ftp }'), line: 5, says: /devices.pc.service: "ftp" is not one of "starwars", .*"mqtt"/ },
  { name: 'route without a path', yaml: net('  internet:\n    - { name: api.example, ip: 93.1.1.1, service: http, routes: [{ body: hi }] }'), line: 5, says: /network.internet host 1: route 1: path: missing: expected a text/ },
  { name: 'route path without a slash', yaml: net('  internet:\n    - { name: api.example, ip: 93.1.1.1, service: http, routes: [{ path: api, body: hi }] }'), line: 5, says: /"api" is not a path: it starts with \//},
  { name: 'route body file missing', yaml: net('  internet:\n    - name: api.example\n      ip: 93.1.1.1\n      service: http\n      routes:\n        - { path: /w, file: weather.json }'), line: 9, says: /internet host 1: route 1: file: weather.json not found \(looked for .*weather.json\)/ },
  { name: 'route with body and json', yaml: net('  internet:\n    - { name: api.example, ip: 93.1.1.1, service: http, routes: [{ path: /a, body: x, json: { a: 1 } }] }'), line: 5, says: /a route answers with one of body, json or file \(it has body and json\)/ },
  { name: 'route method in lower case', yaml: net('  internet:\n    - { name: api.example, ip: 93.1.1.1, service: http, routes: [{ method: get, path: /a }] }'), line: 5, says: /"get" is not an HTTP method/ },
  { name: 'route status out of range', yaml: net('  internet:\n    - { name: api.example, ip: 93.1.1.1, service: http, routes: [{ path: /a, status: 999 }] }'), line: 5, says: /status: 999 is too large \(at most 599\)/ },
  { name: 'route key typo', yaml: net('  internet:\n    - { name: api.example, ip: 93.1.1.1, service: http, routes: [{ path: /a, bdy: x }] }'), line: 5, says: /bdy: unknown key \(did you mean "body"\?\)/ },
  { name: 'two routes for one path and method', yaml: net('  internet:\n    - { name: api.example, ip: 93.1.1.1, service: http, routes: [{ path: /a }, { path: /a }] }'), line: 5, says: /GET \/a is already route 1/ },
  { name: 'routes on an mqtt service', yaml: net('  internet:\n    - { name: broker.example, ip: 93.1.1.1, service: mqtt, routes: [{ path: /a }] }'), line: 5, says: /routes are for service: http \(this is mqtt\)/ },
  { name: 'users on an http service', yaml: net('  internet:\n    - { name: web, ip: 93.1.1.1, service: http, users: { alice: x } }'), line: 5, says: /users are for service: mqtt \(this is http\)/ },
  { name: 'ntp on another port', yaml: net('  internet:\n    - { name: time.example, ip: 93.1.1.1, service: ntp, port: 1234 }'), line: 5, says: /an ntp server answers on UDP port 123, not 1234/ },
  { name: 'a broker running http', yaml: edit('{ board: pc, script: client.py, start: 1s }', '{ board: broker, service: http }'), line: 5, says: /a broker runs service: mqtt; for http write board: pc, service: http/ },
  { name: 'a service on an esp32', yaml: dev('service: mqtt'), line: 4, says: /an esp32 runs its script; a built-in service runs on a PC/ },
  { name: 'routes without a service', yaml: edit('{ board: pc, script: client.py, start: 1s }', '{ board: pc, routes: [{ path: / }] }'), line: 5, says: /routes belongs to a service: add service:/ },
  { name: 'wait-mqtt without a broker', yaml: step('wait-mqtt: { topic: a/b, timeout: 1s }'), line: 8, says: /step 2: wait-mqtt: the scenario has no MQTT broker to check \(add a device with board: broker/ },
  { name: 'expect-mqtt naming an unknown broker', yaml: edit('{ board: pc, script: client.py, start: 1s }', '{ board: broker }') + '  - expect-mqtt: { broker: mosquitto, topic: a }\n', line: 8, says: /expect-mqtt.broker: "mosquitto" is not an MQTT broker of this scenario \(have: pc\)/ },
  { name: 'wait-mqtt with payload and contains', yaml: edit('{ board: pc, script: client.py, start: 1s }', '{ board: broker }') + '  - wait-mqtt: { topic: a, payload: x, contains: y }\n', line: 8, says: /give payload \(the whole text\) or contains \(a part\), not both/ },
  { name: 'expect-mqtt with a timeout', yaml: edit('{ board: pc, script: client.py, start: 1s }', '{ board: broker }') + '  - expect-mqtt: { topic: a, timeout: 1s }\n', line: 8, says: /expect-mqtt takes no timeout \(wait-mqtt waits\)/ },
  { name: 'expect-http-request without an HTTP host', yaml: step('expect-http-request: { path: / }'), line: 8, says: /the scenario has no HTTP host to check/ },
  { name: 'wait-http-request with a bad method', yaml: net('  internet:\n    - { name: web, ip: 93.1.1.1, service: http }') + '  - wait-http-request: { method: fetch, path: / }\n', line: 11, says: /"fetch" is not an HTTP method/ },
  { name: 'a step that is never met: wait-mqtt', yaml: edit('{ board: pc, script: client.py, start: 1s }', '{ board: broker }') + '  - wait-mqtt: { topic: sensors/#, timeout: 1s }\n', exit: 1, says: /pc routed no message on sensors\/# within 1s; pc routed no message since the previous check/ },
  // steps
  { name: 'unknown step (typo)', yaml: step('wait-serail: hi'), line: 8, says: /step 2: wait-serail: unknown step "wait-serail" \(did you mean "wait-serial"\?\)/ },
  { name: 'unknown step', yaml: step('dance: 1s'), line: 8, says: /step 2: dance: unknown step "dance" \(one of wait-serial/ },
  { name: 'two actions in one step', yaml: `${BASE}  - wait-serial: a\n    delay: 1s\n`, line: 8, says: /step 2: one action per step, got wait-serial and delay/ },
  { name: 'a step without an action', yaml: step('name: only a name'), line: 8, says: /step 2: a step needs an action/ },
  { name: 'a step that is a text', yaml: `${BASE}  - hello\n`, line: 8, says: /step 2: a step is a map like \{ wait-serial: "text" \}, got "hello"/ },
  { name: 'unknown device in a step', yaml: step('stop: laptop'), line: 8, says: /step 2: stop.device: no device "laptop" \(devices: esp32, pc\)/ },
  { name: 'wait-serial without text', yaml: step('wait-serial: { device: esp32 }'), line: 8, says: /step 2: wait-serial.text: missing: expected a text/ },
  { name: 'wait-serial text is a number', yaml: step('wait-serial: { text: 42 }'), line: 8, says: /wait-serial.text: expected a text, got 42/ },
  { name: 'step key typo', yaml: step('wait-serial: { txet: hi }'), line: 8, says: /wait-serial.txet: unknown key \(did you mean "text"\?\)/ },
  { name: 'step timeout without unit', yaml: step('wait-serial: { text: hi, timeout: 5 }'), line: 8, says: /wait-serial.timeout: 5 has no unit/ },
  { name: 'expect-serial with a timeout', yaml: step('expect-serial: { text: hi, timeout: 1s }'), line: 8, says: /expect-serial takes no timeout/ },
  { name: 'delay in words', yaml: step('delay: soon'), line: 8, says: /step 2: delay: "soon" is not a duration/ },
  { name: 'delay without unit', yaml: step('delay: 500'), line: 8, says: /delay: 500 has no unit: write 500s or 500ms/ },
  { name: 'pin out of range', yaml: step('set-pin: { pin: 99, value: 1 }'), line: 8, says: /set-pin.pin: 99 is too large \(at most 48\)/ },
  { name: 'pin missing', yaml: step('expect-pin: { value: 1 }'), line: 8, says: /needs a pin number/ },
  { name: 'pin value negative', yaml: step('set-pin: { pin: 2, value: -1 }'), line: 8, says: /value: -1 is too small/ },
  { name: 'link step without settings', yaml: step('link: { device: pc }'), line: 8, says: /link needs loss, latency/ },
  { name: 'expect-exit without code', yaml: step('expect-exit: { device: pc }'), line: 8, says: /expect-exit.code: missing: expected a whole number|expect-exit.code: missing/ },
  { name: 'expect-exit code in words', yaml: step('expect-exit: { device: pc, code: zero }'), line: 8, says: /code: expected a number, got "zero"/ },
  { name: 'step name is a number', yaml: step('name: 5\n    delay: 1s'), line: 8, says: /a step's name is a text, got 5/ },
  { name: 'reset of an unknown device', yaml: step('reset: { device: router }'), line: 8, says: /no device "router"/ },
  // parts (under an esp32) and the steps on them
  { name: 'part type typo', yaml: parts('      b: { type: buton, pin: 14 }\n'), line: 8, says: /devices.esp32.parts.b.type: "buton" is not a part type \(did you mean "button"\?\)/ },
  { name: 'part without type', yaml: parts('      b: { pin: 14 }\n'), line: 8, says: /parts.b.type: missing: which part \(one of button, potentiometer/ },
  { name: 'part on a flash pin', yaml: parts('      b: { type: button, pin: 7 }\n'), line: 8, says: /GPIO 7 is wired to the module's flash chip/ },
  { name: 'part on no GPIO', yaml: parts('      b: { type: button, pin: 24 }\n'), line: 8, says: /pin: 24 is not an ESP32 GPIO/ },
  { name: 'potentiometer on a pin without ADC', yaml: parts('      k: { type: potentiometer, pin: 5 }\n'), line: 8, says: /GPIO 5 has no ADC: an analog part goes on 32-39 \(ADC1\)/ },
  { name: 'DHT22 on an input-only pin', yaml: parts('      d: { type: dht22, pin: 35 }\n'), line: 8, says: /GPIO 35 is input only \(34-39\): a DHT22 needs a pin that can also drive/ },
  { name: 'DHT11 temperature out of range', yaml: parts('      d: { type: dht11, pin: 4, temperature: 60 }\n'), line: 8, says: /temperature: 60 is outside what a DHT11 measures \(0 °C to 50 °C\)/ },
  { name: 'humidity in words', yaml: parts('      d: { type: dht22, pin: 4, humidity: damp }\n'), line: 8, says: /humidity: "damp" is not a humidity \(write e.g. 45%\)/ },
  { name: 'signal points out of order', yaml: parts('      d: { type: ds18b20, pin: 4, temperature: [[10s, 20], [5s, 25]] }\n'), line: 8, says: /temperature item 2: points go in time order/ },
  { name: 'signal point without unit', yaml: parts('      d: { type: ds18b20, pin: 4, temperature: [[10, 20]] }\n'), line: 8, says: /10 has no unit/ },
  { name: 'two parts on one pin', yaml: parts('      a: { type: button, pin: 14 }\n      b: { type: dht22, pin: 14 }\n'), line: 9, says: /GPIO 14 already has "a" \(only DS18B20s share a pin/ },
  { name: 'a part named boot', yaml: parts('      boot: { type: button, pin: 14 }\n'), line: 8, says: /"boot" is the BOOT button every ESP32 has/ },
  { name: 'part key typo', yaml: parts('      b: { type: button, pin: 14, bounse: 2ms }\n'), line: 8, says: /parts.b.bounse: unknown key for a button \(did you mean "bounce"\?\)/ },
  { name: 'neopixel without count', yaml: parts('      s: { type: neopixel, pin: 13 }\n'), line: 8, says: /count: missing: how many pixels/ },
  { name: 'DS18B20 ROM with a wrong CRC', yaml: parts('      t: { type: ds18b20, pin: 4, rom: "28ff000000000000" }\n'), line: 8, says: /the ROM's last byte is its CRC: 28ff0000000000/ },
  { name: 'parts on a PC', yaml: edit('  pc: { board: pc, script: client.py, start: 1s }', '  pc: { board: pc, script: client.py, start: 1s, parts: { b: { type: button, pin: 1 } } }'), line: 5, says: /parts are wired to an esp32/ },
  { name: 'press an unknown part', yaml: partStep('press: buton'), line: 15, says: /step 2: press.part: no part "buton" \(did you mean "button"\?\)/ },
  { name: 'press a potentiometer', yaml: partStep('press: knob'), line: 15, says: /"knob" is a potentiometer; this step takes a button/ },
  { name: 'press for a bare number', yaml: partStep('press: { part: button, for: 5 }'), line: 15, says: /press.for: 5 has no unit/ },
  { name: 'set-analog past 3.3 V', yaml: partStep('set-analog: { part: knob, volts: 5V }'), line: 15, says: /volts: "5V" is outside what an analog source takes \(0 V to 3.3 V\)/ },
  { name: 'set-analog with neither volts nor position', yaml: partStep('set-analog: { part: knob }'), line: 15, says: /give volts .* or, for a potentiometer, position/ },
  { name: 'set-sensor humidity of a DS18B20', yaml: partStep('set-sensor: { part: probe, humidity: 50% }'), line: 15, says: /"probe" is a DS18B20: it measures no humidity/ },
  { name: 'expect-neopixel colour in words', yaml: partStep('expect-neopixel: { part: strip, color: red }'), line: 15, says: /color: "red" is not a colour \(write "#ff8000", \[255, 128, 0\] or off\)/ },
  { name: 'set-control of an unknown control', yaml: partStep('set-control: { part-id: button, control: position, value: 1 }'), line: 15, says: /"position" is not a control of a button \(pressed\)/ },
  { name: 'wait-pin-change without a pin', yaml: partStep('wait-pin-change: { timeout: 1s }'), line: 15, says: /wait-pin-change: needs a pin number/ },
  { name: 'wait-pin-change on a PC', yaml: partStep('wait-pin-change: { device: pc, pin: 2 }'), line: 15, says: /pc is a PC: pins are an esp32's/ },
  { name: 'step typo of press', yaml: partStep('pres: button'), line: 15, says: /unknown step "pres" \(did you mean "press"\?\)/ },
  // runs that truly fail
  { name: 'a step that is never met', yaml: step('wait-serial: { text: never, timeout: 1s }'), exit: 1, says: /did not print "never" within 1s/ },
  { name: 'a scenario timeout', yaml: edit('wait-serial: hi', 'wait-serial: never'), exit: 42, says: /timeout: 10s of virtual time ran out/ },
  // Project files on the flash (schema/project.ts) and the file steps
  { name: 'files neither folder nor list', yaml: dev('files: 42'), line: 4, says: /files: is a folder \(files: project\) or a list/ },
  { name: 'files leaving the flash', yaml: dev('files: [../x.py]'), line: 4, says: /leaves the flash.*\{ <flash path>: \.\.\/x\.py \}/ },
  { name: 'files missing', yaml: dev('files: [lib/nope.py]'), line: 4, says: /lib\/nope\.py not found/ },
  { name: 'files folder missing', yaml: dev('files: nofolder'), line: 4, says: /nofolder: no such folder/ },
  { name: 'files naming a file as the folder', yaml: dev('files: main.py'), line: 4, says: /main\.py is a file: files: names a folder, or a list/ },
  { name: 'files binary', yaml: dev('files: [binary.py]'), line: 4, says: /binary\.py is a binary file, not text/ },
  { name: 'files twice', yaml: dev('files: [main.py, { main.py: client.py }]'), line: 4, says: /main\.py is already on the flash \(given twice\)/ },
  { name: 'files on a service PC', yaml: edit('  pc: { board: pc, script: client.py, start: 1s }', '  pc: { board: pc, service: echo, files: [main.py] }'), line: 5, says: /a PC running a built-in service has no project files/ },
  { name: 'expect-file with contains and equals', yaml: step('expect-file: { path: log.txt, contains: a, equals: b }'), line: 8, says: /checks one of contains, equals or absent \(it has contains and equals\)/ },
  { name: 'expect-file with a timeout', yaml: step('expect-file: { path: log.txt, timeout: 1s }'), line: 8, says: /expect-file takes no timeout \(wait-file waits\)/ },
  { name: 'expect-file absent false', yaml: step('expect-file: { path: log.txt, absent: false }'), line: 8, says: /to check that it exists, leave absent out/ },
  { name: 'wait-file on no device', yaml: step('wait-file: { device: nope, path: log.txt }'), line: 8, says: /no device "nope"/ },
  { name: 'expect-file misspelt key', yaml: step('expect-file: { path: log.txt, contain: x }'), line: 8, says: /contain.*did you mean "contains"/ },
];

export interface ArgsCase {
  name: string;
  /** The command line; LAB is replaced by a good lab folder, DIR by a scratch folder. */
  argv: string[];
  exit?: number;
  says: RegExp;
}

export const ARGS_CASES: ArgsCase[] = [
  { name: 'no command', argv: [], says: /Usage: esp32sim/ },
  { name: 'unknown command', argv: ['runn', 'LAB'], says: /unknown command 'runn'/ },
  { name: 'unknown option', argv: ['run', 'LAB', '--frobnicate'], says: /unknown option '--frobnicate'/ },
  { name: 'run without a target', argv: ['run'], says: /missing required argument 'targets'/ },
  { name: 'missing target', argv: ['run', 'DIR/nothing-here'], says: /no such file or folder/ },
  { name: 'target of the wrong kind', argv: ['run', 'DIR/notes.txt'], says: /expected a scenario \.yaml, a lab folder or a \.py script/ },
  { name: 'folder without scenarios', argv: ['run', 'DIR/empty'], says: /no scenario\.yaml in this folder/ },
  { name: 'scenario that is a FIFO', argv: ['run', 'DIR/fifo.yaml'], says: /is a named pipe \(FIFO\), not a file/ },
  { name: 'scenario linked to /dev/zero', argv: ['run', 'DIR/zero.yaml'], says: /is a character device, not a file/ },
  { name: 'scenario too large', argv: ['run', 'DIR/huge.yaml'], says: /too large \(at most 1 MiB\)/ },
  { name: 'scenario folder named .yaml', argv: ['run', 'DIR/folder.yaml'], says: /no scenario\.yaml in this folder/ },
  { name: 'timeout without unit', argv: ['run', 'LAB', '--timeout', '5'], says: /--timeout 5: 5 has no unit: write 5s or 5ms/ },
  { name: 'timeout in words', argv: ['run', 'LAB', '--timeout', 'soon'], says: /--timeout soon: "soon" is not a duration/ },
  { name: 'timeout zero', argv: ['run', 'LAB', '--timeout', '0s'], says: /--timeout 0s: must be more than 0/ },
  { name: 'watchdog too short', argv: ['run', 'LAB', '--watchdog', '10ms'], says: /--watchdog 10ms: too short for a wall-clock limit/ },
  { name: 'wall-timeout without unit', argv: ['run', 'LAB', '--wall-timeout', '600'], says: /--wall-timeout 600: 600 has no unit/ },
  { name: 'negative seed', argv: ['run', 'LAB', '--seed', '-1'], says: /--seed -1: expected a whole number/ },
  { name: 'fractional seed', argv: ['run', 'LAB', '--seed', '1.5'], says: /--seed 1.5: expected a whole number/ },
  { name: 'seed too large', argv: ['run', 'LAB', '--seed', '99999999999'], says: /--seed 99999999999: too large/ },
  { name: 'seed and seeds', argv: ['run', 'LAB', '--seed', '1', '--seeds', '1-5'], says: /--seed and --seeds together/ },
  { name: 'seeds backwards', argv: ['run', 'LAB', '--seeds', '50-1'], says: /the range 50-1 runs backwards \(write 1-50\)/ },
  { name: 'seeds not a list', argv: ['run', 'LAB', '--seeds', 'a-b'], says: /"a-b" is not a seed or a range/ },
  { name: 'seeds empty item', argv: ['run', 'LAB', '--seeds', '1,,2'], says: /expected a range or list like 1-50/ },
  { name: 'seeds too many', argv: ['run', 'LAB', '--seeds', '1-5000'], says: /more than 1000 runs/ },
  { name: 'shard out of range', argv: ['run', 'LAB', '--shard', '3/2'], says: /--shard 3\/2: expected i\/n with 1 <= i <= n/ },
  { name: 'shard in words', argv: ['run', 'LAB', '--shard', 'half'], says: /--shard half: expected i\/n/ },
  { name: '--pc without a bare script', argv: ['run', 'LAB', '--pc', 'DIR/client.py'], says: /--pc adds PCs to a bare \.py run/ },
  { name: '--pc that does not exist', argv: ['run', 'DIR/main.py', '--pc', 'DIR/nope.py'], says: /--pc DIR\/nope.py: no such file/ },
  { name: '--pc that is not Python', argv: ['run', 'DIR/main.py', '--pc', 'DIR/notes.txt'], says: /a PC script is a Python \.py file/ },
  { name: '--input with a scenario', argv: ['run', 'LAB', '--input', 'hi'], says: /--input types into the PC of a bare \.py run/ },
  { name: '--input without --pc', argv: ['run', 'DIR/main.py', '--input', 'hi'], says: /add the PC script with --pc client\.py/ },
  { name: '--expect-text with a scenario', argv: ['run', 'LAB', '--expect-text', 'hi'], says: /--expect-text applies to a bare \.py run/ },
  { name: 'empty --fail-text', argv: ['run', 'LAB', '--fail-text', ''], says: /the text is empty/ },
  { name: '--pcap into a missing folder', argv: ['run', 'LAB', '--pcap', 'DIR/no/such/dir/x.pcap'], says: /--pcap .*: the folder .* does not exist/ },
  { name: '--trace onto a folder', argv: ['run', 'LAB', '--trace', 'DIR/empty'], says: /--trace .*: is a folder \(give a file name\)/ },
  { name: '--junit under a file', argv: ['run', 'LAB', '--junit', 'DIR/notes.txt/report.xml'], says: /--junit .*notes\.txt is not a folder/ },
  { name: '--json into a missing folder', argv: ['run', 'LAB', '--json', 'DIR/nope/r.json'], says: /--json .*: the folder .* does not exist/ },
  { name: '--serial-log onto a file', argv: ['run', 'LAB', '--serial-log', 'DIR/notes.txt'], says: /--serial-log .*: is a file, not a folder/ },
  { name: 'replay of a missing trace', argv: ['replay', 'DIR/none.trace'], says: /none\.trace: no such file/ },
  { name: 'replay of a FIFO', argv: ['replay', 'DIR/fifo.yaml'], says: /is a named pipe/ },
  { name: 'replay --against a missing folder', argv: ['replay', 'DIR/good.trace', '--against', 'DIR/nope'], says: /--against .*nope: main\.py \(esp32's script\): no such file/ },
  { name: 'init onto a file', argv: ['init', 'DIR/notes.txt'], says: /init .*notes\.txt: is a file, not a folder/ },
  { name: 'init over an existing lab', argv: ['init', 'LAB'], says: /scenario\.yaml.* already exist.*init never overwrites files/ },
  { name: 'a script that crashes', argv: ['run', 'DIR/crash'], exit: 1, says: /the script on crasher crashed at 0\.00001s during step 1 \(delay 1s\): ZeroDivisionError/ },
  { name: 'a bare run that times out', argv: ['run', 'DIR/main.py', '--timeout', '2s'], exit: 42, says: /timeout: 2s of virtual time ran out with esp32 still running/ },
  { name: 'a fail text', argv: ['run', 'LAB', '--fail-text', 'hi'], exit: 1, says: /esp32 printed the fail text "hi"/ },
];

export interface TraceCase {
  name: string;
  /** Edits the header object of a good trace (or returns whole new text). */
  header?: (h: Record<string, unknown>) => void;
  text?: (good: string) => string;
  exit?: number;
  line?: number;
  says: RegExp;
}

export const TRACE_CASES: TraceCase[] = [
  { name: 'empty file', text: () => '', line: 1, says: /not an esp32sim trace \(the first line is not JSON\)/ },
  { name: 'not JSON', text: () => 'hello\n', line: 1, says: /the first line is not JSON/ },
  { name: 'JSON but not a trace', text: () => '{"a":1}\n', line: 1, says: /no esp32sim-trace header/ },
  { name: 'a JSON list', text: () => '[1,2]\n', line: 1, says: /no esp32sim-trace header/ },
  { name: 'version 1 (host paths)', header: (h) => (h.version = 1), line: 1, says: /a version 1 trace .*record it again/ },
  { name: 'version 99', header: (h) => (h.version = 99), line: 1, says: /trace version 99 is not supported/ },
  { name: 'timeoutUs abc', header: (h) => (h.timeoutUs = 'abc'), line: 1, says: /timeoutUs: expected a number, got "abc"/ },
  { name: 'timeoutUs negative', header: (h) => (h.timeoutUs = -5), line: 1, says: /timeoutUs: -5 is too small/ },
  { name: 'timeoutUs huge', header: (h) => (h.timeoutUs = 1e20), line: 1, says: /timeoutUs: .* is too large/ },
  { name: 'seed negative', header: (h) => (h.seed = -1), line: 1, says: /seed: -1 is too small/ },
  { name: 'seed fractional', header: (h) => (h.seed = 1.5), line: 1, says: /seed: expected a whole number, got 1.5/ },
  { name: 'seed text', header: (h) => (h.seed = '1'), line: 1, says: /seed: expected a number, got "1"/ },
  { name: 'no scripts', header: (h) => delete h.scripts, line: 1, says: /scripts: missing/ },
  { name: 'no files', header: (h) => delete h.files, line: 1, says: /files: missing/ },
  { name: 'no scenario', header: (h) => delete h.scenario, line: 1, says: /scenario: missing/ },
  { name: 'scenario is a number', header: (h) => (h.scenario = 5), line: 1, says: /scenario: expected a text, got 5/ },
  { name: 'extra header key', header: (h) => (h.dir = '/home/someone/lab'), line: 1, says: /dir: unknown key/ },
  { name: 'script not among the files', header: (h) => (h.files = {}), line: 1, says: /the script main\.py of esp32 is not among its files/ },
  { name: 'script content tampered', header: (h) => ((h.files as Record<string, string>)['main.py'] = 'import os\n'), line: 1, says: /the content of main\.py does not match its sha256/ },
  { name: 'bad sha256', header: (h) => ((h.scripts as { sha256: string }[])[0].sha256 = 'xyz'), line: 1, says: /sha256: "xyz" does not have the right form/ },
  { name: 'unknown language', header: (h) => ((h.scripts as { language: string }[])[0].language = 'lua'), line: 1, says: /language: "lua" is not one of/ },
  { name: 'a record that is not JSON', text: (g) => g.replace(/\n(.*)\n/, (_m, first) => `\n${first}\nnot a record\n`), line: 3, says: /this line is not a trace record/ },
  { name: 'a record without a time', text: (g) => g.trimEnd() + '\n{"dev":"x"}\n', says: /this line is not a trace record/ },
  {
    name: 'TypeScript scripts without --allow-typescript',
    header: (h) => ((h.scripts as { language: string }[])[0].language = 'typescript'),
    says: /contains TypeScript device scripts .*full access.*--allow-typescript/,
  },
  {
    name: 'a .ts script whose header claims MicroPython',
    header: (h) => {
      const src = "import { writeFileSync } from 'node:fs';\nexport default async function () { writeFileSync('/tmp/owned', 'x'); }\n";
      h.scenario = String(h.scenario).replace('script: main.py', 'script: evil.ts');
      h.files = { 'evil.ts': src, 'client.py': (h.files as Record<string, string>)['client.py'] };
      h.scripts = [{ device: 'esp32', ref: 'evil.ts', sha256: createHash('sha256').update(src).digest('hex'), language: 'micropython' }, (h.scripts as unknown[])[1]];
    },
    says: /contains TypeScript device scripts \(evil\.ts on esp32\)/,
  },
  { name: 'the recorded scenario is broken', header: (h) => (h.scenario = 'name: x\n'), says: /\[.*scenario\.yaml\]:1: devices: missing/ },
  { name: 'an edited record (diverges)', text: (g) => g.replace('"text":"hi"', '"text":"ho"'), exit: 1, says: /✘ diverged/ },
];
