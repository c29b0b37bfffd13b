/** The UDP and lossy labs on the real Simulation, plus failing scenarios: wrong expectation, crash. */
import { explain, labWith, run, runAndReplay } from './labrun';

const d = describe;

d('bundled UDP and lossy labs', () => {
  test.each(['led-udp', 'udp-echo', 'lossy-echo'])('lab %s run then replayed passes with an identical trace', async (id) => {
    const { first, diff } = await runAndReplay(id);
    expect({ exit: first.exitCode, why: explain(first) }).toEqual({ exit: 0, why: explain(first) });
    expect(diff).toEqual({ identical: true, count: first.trace.length });
  });

  test('echo lab with a wrong expectation exits 1 naming the step', async () => {
    const s = labWith('echo', (y) => y.replace(`text: "b'ESP32'", timeout: 2s`, `text: "b'esp32'", timeout: 2s`));
    const r = await run(s);
    expect(r.exitCode).toBe(1);
    expect(r.reason).toMatch(/^step 8 failed \(line 27\): wait-serial esp32 "b'esp32'": esp32 did not print "b'esp32'" within 2s/);
  });

  test('a script that crashes shows its traceback and exits 1', async () => {
    const s = labWith('udp-echo', (y) => y, { 'udp_echo_server.py': 'print("starting")\nx = 1 // 0\n' });
    const r = await run(s);
    expect(r.exitCode).toBe(1);
    expect(r.crash?.device).toBe('esp32');
    expect(r.crash?.failure).toMatch(/Traceback \(most recent call last\):\n\s+File "udp_echo_server.py", line 2/);
    expect(r.crash?.failure).toMatch(/ZeroDivisionError/);
  });
});
