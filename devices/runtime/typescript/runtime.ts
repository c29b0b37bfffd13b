/**
 * TsRuntime: a TypeScript device script given as a function, run in the main
 * process (tests and library users that pass `main`). Its calls are
 * promises the kernel resolves one at a time. It has no runaway protection: a
 * function that never yields holds the process; scripts loaded from a file
 * run in a worker thread instead (./worker-runtime.ts).
 */
import type { ScriptRuntime, SysResult, SysValue, Syscall } from '../contract';
import { exitOf, kernelError, makeEnv, type TsScriptMain } from './env';

interface Pending {
  call: Syscall;
  resolve: (v: SysValue) => void;
  reject: (e: Error) => void;
}

export class TsRuntime implements ScriptRuntime {
  private deliver: ((c: Syscall) => void) | undefined;
  private queue: Pending[] = [];
  private current: Pending | undefined;
  private done = false;

  constructor(
    private readonly main: TsScriptMain,
    private readonly opts: { personality: 'esp32' | 'pc'; filename: string },
  ) {}

  start(): Promise<Syscall> {
    const p = this.next();
    Promise.resolve()
      .then(() => this.main(makeEnv(this.sys, this.opts.personality)))
      .then(
        () => this.end(0, ''),
        (e: unknown) => this.end(...exitOf(e ?? new Error('undefined'), this.opts.filename)),
      );
    return p;
  }

  resume(result: SysResult): Promise<Syscall> {
    const p = this.next();
    const cur = this.current;
    this.current = undefined;
    if (cur) {
      if (result.ok) cur.resolve(result.value);
      else cur.reject(kernelError(result.errno));
    } else {
      this.pump();
    }
    return p;
  }

  kill(): void {
    this.done = true;
    this.deliver = undefined;
    this.queue = [];
  }

  private next(): Promise<Syscall> {
    return new Promise((res) => {
      this.deliver = res;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.deliver || this.current || !this.queue.length) return;
    this.current = this.queue.shift()!;
    const d = this.deliver;
    this.deliver = undefined;
    d(this.current.call);
  }

  private end(code: number, reason: string): void {
    if (this.done) return;
    this.done = true;
    const d = this.deliver;
    this.deliver = undefined;
    d?.({ op: 'exit', args: [code, reason] });
  }

  private sys = (op: string, ...args: SysValue[]): Promise<SysValue> => {
    if (this.done) return new Promise(() => undefined); // never settles: the script is gone
    return new Promise((resolve, reject) => {
      this.queue.push({ call: { op, args }, resolve, reject });
      this.pump();
    });
  };

}
