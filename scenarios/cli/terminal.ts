/**
 * The terminal of a live run, attached to one device's console: each line
 * typed (Enter) goes to the device's input()/sys.stdin, Ctrl-C sends
 * KeyboardInterrupt to its script, a second Ctrl-C (or Ctrl-D, or SIGTERM)
 * ends the session with its summary. The timeline's lines are printed above
 * the line being typed, which is drawn again after each of them.
 */
import * as readline from 'node:readline';
import type { LiveInputs } from '../runner/live';

export interface LiveTerminal {
  /** Prints a timeline line without disturbing what is being typed. */
  write(line: string): void;
  close(): void;
}

export function attachTerminal(live: LiveInputs, device: string | undefined, note: (line: string) => void): LiveTerminal {
  const input = process.stdin;
  const tty = Boolean(input.isTTY) && Boolean(process.stdout.isTTY);
  let interrupts = 0;
  let ended = false;
  const end = (why: string) => {
    if (ended) return;
    ended = true;
    note(why);
    live.end();
  };
  const ctrlC = () => {
    interrupts++;
    if (interrupts > 1 || device === undefined) return end('Ctrl-C again: ending the live session');
    note(`Ctrl-C: KeyboardInterrupt to ${device} (Ctrl-C again, or Ctrl-D, ends the session)`);
    live.push({ what: 'interrupt', device });
  };
  const rl = readline.createInterface({ input, output: tty ? process.stdout : undefined, terminal: tty, prompt: device ? `${device} ⟩ ` : '' });
  rl.on('line', (line) => {
    if (device !== undefined && !ended) live.push({ what: 'type', device, line });
    if (tty) rl.prompt();
  });
  rl.on('SIGINT', ctrlC);
  rl.on('close', () => {
    if (tty) end('Ctrl-D: ending the live session');
  });
  const onSigint = () => ctrlC();
  const onSigterm = () => end('SIGTERM: ending the live session');
  if (!tty) process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  if (tty) rl.prompt();
  return {
    write(line: string) {
      if (!tty) return void process.stdout.write(line + '\n');
      readline.clearLine(process.stdout, 0);
      readline.cursorTo(process.stdout, 0);
      process.stdout.write(line + '\n');
      if (!ended) rl.prompt(true);
    },
    close() {
      ended = true;
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      if (tty) {
        readline.clearLine(process.stdout, 0);
        readline.cursorTo(process.stdout, 0);
      }
      rl.close();
      input.pause();
      if (input.isTTY) input.setRawMode?.(false);
    },
  };
}
