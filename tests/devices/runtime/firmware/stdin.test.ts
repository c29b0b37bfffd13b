import { Simulation } from '../../../../devices/simulation/simulation';
import { ended, lines, py } from '../micropython-real/helpers';

const READS = [
  'import sys',
  'print(repr(sys.stdin.read(3)), repr(sys.stdin.readline()))',
  'print(repr(input("> ")))',
  'print(repr(sys.stdin.buffer.readline()), repr(sys.stdin.buffer.read(2)))',
  'print(repr(input()))',
  'for line in sys.stdin:',
  '    print("got", repr(line))',
  '    if line.startswith("q"):',
  '        break',
  'b = bytearray(4)',
  'print(sys.stdin.buffer.readinto(b), b)',
];
const TYPED = ['hello', 'world', 'abcdef', 'one', 'quit', 'wxyz'];

describe('sys.stdin as a stream on the real Simulation', () => {
  test('ESP32 and PC: read(n), readline(), buffer, iteration, readinto, input() after a partial read', async () => {
    const s = new Simulation({ seed: 1 });
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', script: py(READS), stdin: TYPED });
    const pc = s.addDevice({ id: 'pc', board: 'pc', script: py(READS), stdin: TYPED });
    await s.run({ stopWhen: ended(esp, pc), forUs: 10_000_000 });
    await s.close();
    const want = [
      "'hel' 'lo\\n'",
      "'world'",
      "b'abcdef\\n' b'on'",
      "'e'",
      "got 'quit\\n'",
      "4 bytearray(b'wxyz')",
    ];
    // The ESP32's UART does not echo what is read from sys.stdin; input() echoes (MicroPython's readline).
    expect(lines(esp)).toEqual([want[0], '> world', want[1], want[2], 'e', want[3], want[4], want[5]]);
    // A PC's terminal echoes every typed line.
    expect(lines(pc)).toEqual(['hello', want[0], '> world', want[1], 'abcdef', 'one', want[2], 'e', want[3], 'quit', want[4], 'wxyz', want[5]]);
  }, 30_000);

  test('select.poll(sys.stdin) waits in virtual time until a line is typed, and sees buffered bytes at once', async () => {
    const s = new Simulation({ seed: 1 });
    const esp = s.addDevice({
      id: 'esp32',
      board: 'esp32',
      script: py([
        'import sys, select, time',
        'p = select.poll()',
        'p.register(sys.stdin, select.POLLIN)',
        'print("empty", p.poll(200))',
        't0 = time.ticks_ms()',
        'r = p.poll(10000)',
        'print("typed", r[0][0] is sys.stdin, r[0][1], time.ticks_diff(time.ticks_ms(), t0) // 100)',
        'print(sys.stdin.read(2))',
        'print("buffered", p.poll(5000)[0][1])',
        'print(repr(sys.stdin.readline()))',
        'r, w, x = select.select([sys.stdin], [], [], 0.3)',
        'print("select", len(r))',
      ]),
    });
    await s.run({ stopWhen: () => lines(esp).length >= 1, forUs: 10_000_000 });
    const t = s.sim.now;
    await s.run({ untilUs: t + 1_500_000 });
    esp.writeStdin('ok!');
    await s.run({ stopWhen: ended(esp), forUs: 10_000_000 });
    await s.close();
    expect(lines(esp)).toEqual(['empty []', 'typed True 1 15', 'ok', 'buffered 1', "'!\\n'", 'select 0']);
  }, 30_000);
});
