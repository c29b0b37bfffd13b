/**
 * Reading a user's input file safely: only regular files (a FIFO would block
 * forever, /dev/zero would never end), and only up to a size limit, checked
 * before anything is read. Every refusal is a plain sentence for `file: why`.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';

export const MAX_SCENARIO_BYTES = 1024 * 1024;
export const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;
export const MAX_TRACE_BYTES = 256 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; why: string };

/** "8.2 GB", "1 MiB": sizes for messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / 1024 ** 2).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

/** What kind of thing sits at `p`, for a refusal: "a folder", "a named pipe (FIFO)", ... */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads a UTF-8 text file of at most `maxBytes`, refusing anything but a regular file. */
export function readInputFile(p: string, maxBytes: number): ReadResult {
  let st;
  try {
    st = statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, why: 'no such file' };
    if (code === 'EACCES') return { ok: false, why: 'permission denied' };
    if (code === 'ELOOP') return { ok: false, why: 'a symbolic link that points to itself' };
    return { ok: false, why: `cannot read it (${code ?? (e as Error).message})` };
  }
  if (!st.isFile()) return { ok: false, why: `is ${kindOf(st)}, not a file` };
  if (st.size > maxBytes) return { ok: false, why: `is ${formatBytes(st.size)}: too large (at most ${formatBytes(maxBytes)})` };
  try {
    const text = readFileSync(p, 'utf8');
    // A file that grew between stat and read.
    if (text.length > maxBytes) return { ok: false, why: `is larger than ${formatBytes(maxBytes)}` };
    if (text.includes('\u0000')) return { ok: false, why: 'is a binary file, not text' };
    return { ok: true, text };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, why: code === 'EACCES' ? 'permission denied' : `cannot read it (${code ?? (e as Error).message})` };
  }
}
