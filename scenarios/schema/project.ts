/**
 * A device's `files:`: what its flash holds at power-on (a multi-file project:
 * boot.py, main.py, lib/...). Either a folder next to the scenario (its whole
 * tree goes to the flash's root) or a list: `lib/protocol.py` (the file of
 * that path next to the scenario, at the same path on the flash) or
 * `{ lib/ledproto.py: ../shared/ledproto.py }` (a flash path and its file).
 * Files are text, read when the scenario is loaded and carried in its trace.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readInputFile, formatBytes } from './files';
import type { DataFile } from './services';
import type { Path } from './issues';
import { showValue } from './words';

/** The flash of a generic ESP32 module: what a project may hold at most. */
export const MAX_PROJECT_BYTES = 2 * 1024 * 1024;
export const MAX_PROJECT_FILES = 256;
const MAX_NAME_BYTES = 255;

export interface ProjectOptions {
  dir: string;
  /** The trace's files by their reference (a replay reads nothing from disk). */
  files?: Readonly<Record<string, string>>;
}

type Issue = { path: Path; message: string };

/** A flash path as written (relative, `/` separated, no `..`), or why it is not one. */
function flashPath(p: string): string | { why: string } {
  const parts = p.replace(/\\/g, '/').split('/').filter((x) => x !== '' && x !== '.');
  if (!parts.length) return { why: `${showValue(p)} is not a file path` };
  if (parts.includes('..')) return { why: `${showValue(p)} leaves the flash (a flash path has no ..): write { <flash path>: ${p} }` };
  if (parts.some((x) => new TextEncoder().encode(x).length > MAX_NAME_BYTES)) return { why: `${showValue(p)}: a name on the flash is at most ${MAX_NAME_BYTES} bytes (littlefs)` };
  return parts.join('/');
}

function readOne(ref: string, o: ProjectOptions): { ok: true; text: string } | { ok: false; why: string } {
  if (o.files) {
    const text = o.files[ref];
    return text === undefined ? { ok: false, why: `${ref} is not among the files of the trace` } : { ok: true, text };
  }
  const abs = path.resolve(o.dir, ref);
  const r = readInputFile(abs, MAX_PROJECT_BYTES);
  if (r.ok) return r;
  return { ok: false, why: r.why === 'no such file' ? `${ref} not found (looked for ${abs})` : `${ref} ${r.why}` };
}

/** The files of a folder, as references relative to the scenario (from the trace when replaying). */
function folderRefs(ref: string, o: ProjectOptions): string[] | { why: string } {
  const base = ref.replace(/\\/g, '/').replace(/\/+$/, '');
  if (o.files) {
    const refs = Object.keys(o.files).filter((k) => k.startsWith(base + '/'));
    return refs.length ? refs.sort() : { why: `${ref}: no files of this folder in the trace` };
  }
  const abs = path.resolve(o.dir, ref);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return { why: `${ref}: no such folder (looked for ${abs})` };
  }
  if (!st.isDirectory()) return { why: `${ref} is a file: files: names a folder, or a list ([boot.py, main.py, lib/protocol.py])` };
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(abs, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.') || e.name === '__pycache__') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(`${base}/${r}`);
      if (out.length > MAX_PROJECT_FILES) return;
    }
  };
  walk('');
  return out;
}

/**
 * Reads a device's `files:` (at `at` in the YAML). Returns the flash's files by path, and the
 * files read (for the trace) in `data`.
 */
export function projectFiles(at: Path, v: unknown, o: ProjectOptions, data: DataFile[]): { files?: Record<string, string>; issues: Issue[] } {
  const issues: Issue[] = [];
  const entries: { flash: string; ref: string; at: Path }[] = [];
  if (typeof v === 'string' && v) {
    const refs = folderRefs(v, o);
    if (!Array.isArray(refs)) return { issues: [{ path: at, message: refs.why }] };
    const base = v.replace(/\\/g, '/').replace(/\/+$/, '');
    for (const ref of refs) entries.push({ flash: ref.slice(base.length + 1), ref, at });
  } else if (Array.isArray(v)) {
    v.forEach((e, i) => {
      if (typeof e === 'string' && e) {
        const f = flashPath(e);
        if (typeof f !== 'string') issues.push({ path: [...at, i], message: f.why });
        else entries.push({ flash: f, ref: e, at: [...at, i] });
      } else if (e && typeof e === 'object' && !Array.isArray(e) && Object.keys(e).length === 1 && typeof Object.values(e)[0] === 'string') {
        const [k, ref] = Object.entries(e as Record<string, string>)[0];
        const f = flashPath(k);
        if (typeof f !== 'string') issues.push({ path: [...at, i, k], message: f.why });
        else entries.push({ flash: f, ref, at: [...at, i, k] });
      } else {
        issues.push({ path: [...at, i], message: `a project file is a path (lib/protocol.py) or { <flash path>: <file> }, got ${showValue(e)}` });
      }
    });
  } else {
    return { issues: [{ path: at, message: `files: is a folder (files: project) or a list ([boot.py, main.py, lib/protocol.py]), got ${showValue(v)}` }] };
  }
  if (entries.length > MAX_PROJECT_FILES) return { issues: [{ path: at, message: `${entries.length} files: a project holds at most ${MAX_PROJECT_FILES}` }] };
  const files: Record<string, string> = {};
  let total = 0;
  for (const e of entries) {
    if (files[e.flash] !== undefined) {
      issues.push({ path: e.at, message: `${e.flash} is already on the flash (given twice)` });
      continue;
    }
    const r = readOne(e.ref, o);
    if (!r.ok) {
      issues.push({ path: e.at, message: r.why });
      continue;
    }
    total += Buffer.byteLength(r.text);
    files[e.flash] = r.text;
    if (!data.some((d) => d.ref === e.ref)) data.push({ ref: e.ref, text: r.text });
  }
  if (total > MAX_PROJECT_BYTES) issues.push({ path: at, message: `the project is ${formatBytes(total)}: more than the flash's ${formatBytes(MAX_PROJECT_BYTES)}` });
  return issues.length ? { issues } : { files, issues };
}
