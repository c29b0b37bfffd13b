/** `esp32sim list`: the bundled labs, one line each, and how to run one. */
import { LABS_DIR, listLabs } from '../runner/targets';
import type { Io } from './io';
import { labRef } from './paths';

export function cmdList(io: Io): number {
  const labs = listLabs();
  const w = Math.max(...labs.map((l) => l.id.length), 4);
  for (const l of labs) io.out(`${l.id.padEnd(w)}  ${l.name}${l.description ? ` — ${l.description}` : ''}`);
  io.out(`\nRun one with: ${io.cmd ?? 'npx esp32sim'} run ${labRef(LABS_DIR, '<lab>')}${labRef(LABS_DIR, '<lab>') === '<lab>' ? '' : '   (or just: run <lab>)'}`);
  return 0;
}
