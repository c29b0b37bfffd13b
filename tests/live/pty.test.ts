/**
 * A live session driven through a pseudo-terminal: three lines typed into the tutorial's
 * client reach the ESP32's console, Ctrl-C ends the client, and the recorded trace replays
 * identically (offline, at full speed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LABS, REPO_ROOT } from '../paths';

jest.setTimeout(180_000);
const BIN = path.join(REPO_ROOT, 'scenarios', 'cli', 'bin.js');
const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-pty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('typing into the echo lab live through a pty, then replaying its trace', () => {
  const trace = path.join(dir, 'live.jsonl');
  const r = spawnSync('python3', [path.join(__dirname, 'helpers', 'pty_session.py'), trace, process.execPath, BIN, 'run', path.join(LABS, 'echo'), '--live', '--trace', trace, '--no-color'], {
    encoding: 'utf8',
    timeout: 150_000,
    env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' },
  });
  const said = `${r.stdout}\n${r.stderr}`;
  expect({ status: r.status, said }).toEqual({ status: 0, said: expect.stringContaining("b'socket programming is fun'") });
  expect(said).toMatch(/esp32 │ b'hello from a pty'/);
  expect(said).toMatch(/esp32 │ b'ESP32'/);
  expect(said).toMatch(/pc +│ KeyboardInterrupt/);
  const rec = readFileSync(trace, 'utf8');
  expect(rec.match(/"kind":"external","what":"type"/g)).toHaveLength(3);
  expect(rec).toMatch(/"kind":"external","what":"interrupt"/);
  const replay = spawnSync(process.execPath, [BIN, 'replay', trace, '--no-color'], { encoding: 'utf8', timeout: 120_000 });
  expect(replay.stdout).toMatch(/✔ identical: the replay of live session of TCP echo/);
  expect(replay.status).toBe(0);
});
