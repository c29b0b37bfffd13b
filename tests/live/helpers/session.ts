/**
 * A live `esp32sim run` as a child process for the real-client tests: its output collected,
 * waits with deadlines, free loopback ports, and a kill in afterAll so nothing outlives a test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { REPO_ROOT } from '../../paths';

export const BIN = path.join(REPO_ROOT, 'scenarios', 'cli', 'bin.js');

/** A TCP (and UDP) port on 127.0.0.1 that is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export class Session {
  readonly child: ChildProcess;
  out = '';
  private exit: Promise<number | null>;

  constructor(args: string[], opts: { cmd?: string[] } = {}) {
    const cmd = opts.cmd ?? [process.execPath, BIN];
    this.child = spawn(cmd[0], [...cmd.slice(1), ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    this.child.stdout!.on('data', (b: Buffer) => (this.out += b.toString()));
    this.child.stderr!.on('data', (b: Buffer) => (this.out += b.toString()));
    this.exit = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  /** Resolves once the output contains `text`; rejects after `ms` or when the run ends first. */
  async waitFor(text: string | RegExp, ms = 60_000): Promise<void> {
    const end = Date.now() + ms;
    const has = () => (typeof text === 'string' ? this.out.includes(text) : text.test(this.out));
    while (!has()) {
      if (this.child.exitCode !== null) throw new Error(`the run ended (exit ${this.child.exitCode}) before printing ${text}:\n${this.out}`);
      if (Date.now() > end) throw new Error(`no ${text} within ${ms} ms:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ends the session as the user would (SIGTERM) and waits for its exit code. */
  async stop(ms = 30_000): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const code = await this.exit;
    clearTimeout(t);
    return code;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** `esp32sim replay` of a trace: its output and exit code. */
export function replay(trace: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, 'replay', trace, '--no-color'], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A command that must be on PATH (installed by .ci/run): fails loudly when it is not. */
export function need(cmd: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} is missing: install the Debian package ${pkg} (.ci/run does)`);
}
