/** Paths as the user would type them. */
import * as path from 'node:path';

/** Relative to the current folder unless that climbs out of it. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return !rel ? file : rel.startsWith('..') ? path.resolve(file) : rel;
}
