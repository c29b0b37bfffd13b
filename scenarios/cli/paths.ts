/** Paths as the user would type them. */
import * as path from 'node:path';

/** Relative to the current folder unless that climbs out of it. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return !rel ? file : rel.startsWith('..') ? path.resolve(file) : rel;
}

/**
 * How to name a bundled lab on the command line: its folder when that is below
 * the current folder (a clone of esp32sim), else just its name (`run echo`),
 * which works wherever the package is installed.
 */
export function labsRef(labsDir: string): string {
  const shown = displayPath(labsDir);
  return path.isAbsolute(shown) ? '' : shown;
}

export function labRef(labsDir: string, lab: string): string {
  const base = labsRef(labsDir);
  return base ? `${base}/${lab}` : lab;
}
