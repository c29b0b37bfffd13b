/**
 * select.poll over sockets, sys.stdin (fd 0) and the board's own pollable
 * things (BoardApi.pollSource: the ESP-NOW receive buffer), in one call: it
 * answers at once if any is ready, else when the first becomes ready or the
 * timeout passes. Socket readiness comes from the socket layer as usual.
 */
import type { BoardApi, PollSource } from '../contracts';
import type { SysResult, SysValue } from './contract';

type Entry = { fd: number; events: number };
type Ready = { fd: number; revents: number };

const STDIN_FD = 0;
const POLLIN = 1;

export function pollWithSources(
  board: BoardApi,
  all: Entry[],
  timeoutUs: number | null,
  reply: (ready: Ready[]) => SysValue[],
  answer: (r: SysResult) => void,
): void {
  const sources: (Entry & { src: PollSource })[] = [];
  const socks: Entry[] = [];
  let wantsStdin = false;
  for (const e of all) {
    const src = e.fd === STDIN_FD ? undefined : board.pollSource?.(e.fd);
    if (src) sources.push({ ...e, src });
    else if (e.fd === STDIN_FD && e.events & POLLIN) wantsStdin = true;
    else if (e.fd !== STDIN_FD) socks.push(e);
  }
  const stdin = board.stdin;
  const others = (): SysValue[] => {
    const out: SysValue[] = [];
    for (const s of sources) {
      const rev = s.src.ready(s.events);
      if (rev) out.push([s.fd, rev]);
    }
    if (wantsStdin && (stdin.pending?.() ?? 0) > 0) out.push([STDIN_FD, POLLIN]);
    return out;
  };
  const finish = (ready: Ready[]) => answer({ ok: true, value: [...reply(ready), ...others()] });
  if (others().length || timeoutUs === 0) {
    board.sockets.poll(socks, 0, finish);
    return;
  }
  let done = false;
  let forget: (() => void)[] = [];
  const cleanup = () => {
    for (const f of forget) f();
    forget = [];
  };
  const stop = board.sockets.poll(socks, timeoutUs, (ready) => {
    if (done) return;
    done = true;
    cleanup();
    finish(ready);
  });
  if (done) return;
  const watch = () => {
    for (const s of sources) forget.push(s.src.whenChanged(wake));
    if (wantsStdin && stdin.whenReadable) forget.push(stdin.whenReadable(wake));
  };
  function wake(): void {
    if (done) return;
    cleanup();
    if (!others().length) return watch();
    done = true;
    if (typeof stop === 'function') stop();
    board.sockets.poll(socks, 0, finish);
  }
  watch();
}
