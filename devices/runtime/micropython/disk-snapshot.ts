/**
 * Snapshots of booted VMs kept on disk, so that a new process (the command, cold) restores its first
 * VMs instead of booting them (a boot compiles the device's modules: 140-160 ms on the critical path
 * of `esp32sim run`). The pool's snapshots (snapshot.ts) are what is written: a process whose first
 * VM of a boot wrote one keeps it, at exit, in node_modules/.cache/esp32sim/vm-snapshots/ (the OS
 * temp folder, in a folder of this user's only, when that is not writable), one file per boot.
 *
 * The file's name and its header carry a key: the sha256 of everything the booted image is made of
 * (vm.ts bootInputs: the patched wasm, the glue, the worker's and the sandbox's files, the frozen
 * modules, the boot message and configuration) with FORMAT and Node's and V8's versions; a change to
 * any of them is another file. A file is used only if it is a regular file of this user's, not
 * writable by others, within the size a snapshot of that boot can have, with the magic, the key and
 * the sha256 of its content right; else it is deleted and the VM boots. A VM restored from a file
 * that then fails to boot deletes it too (snapshot.ts failed). Files are written whole (a temporary
 * file renamed), so processes running side by side never read half of one. Restoring changes no run:
 * a restored VM is the booted one byte for byte.
 *
 * ESP32SIM_VM_SNAPSHOT=0 turns snapshots off (in memory too); =memory keeps them in memory only;
 * =<absolute folder> keeps the files there.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from './wasm';

/** Bump when what a snapshot holds, or this file's format, changes. */
export const FORMAT = 1;
const MAGIC = Buffer.from('esp32sim-vmsnap\n', 'latin1'); // 16 bytes
/** Magic, key (32), sha256 of the content (32), content length (u64 LE): 88 bytes, 8-aligned. */
const HEADER = MAGIC.length + 32 + 32 + 8;

/** Where this process keeps and reads boots' snapshots (undefined: not on disk). */
export function diskSnapshotDir(): string | undefined {
  const env = process.env.ESP32SIM_VM_SNAPSHOT;
  if (env === '0' || env === 'memory') return undefined;
  if (env && path.isAbsolute(env)) return ownDir(env, false);
  const root = packageRoot();
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'u';
  if (root) {
    const dir = ownDir(path.join(root, 'node_modules', '.cache', 'esp32sim', 'vm-snapshots'), false);
    if (dir) return dir;
  }
  // In the shared temp folder, the folder above ours must be ours and private too: another user who
  // made it first could otherwise swap our folder for one of theirs between the check and the read.
  const base = ownDir(path.join(os.tmpdir(), `esp32sim-cache-${uid}`), true);
  return base && ownDir(path.join(base, 'vm-snapshots'), true);
}

/** `dir`, made if needed, if it is a writable folder of ours that others cannot write (`private`: nor read). */
function ownDir(dir: string, private_: boolean): string | undefined {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || !ours(st) || (st.mode & (private_ ? 0o077 : 0o002)) !== 0) return undefined;
    fs.accessSync(dir, fs.constants.W_OK);
    return dir;
  } catch {
    return undefined;
  }
}

function ours(st: fs.Stats): boolean {
  return typeof process.getuid !== 'function' || st.uid === process.getuid();
}

/** The key of a boot's snapshot: its inputs (vm.ts bootInputs), each length-prefixed, with the format and Node's versions. */
export function diskKey(inputs: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const part of [`esp32sim-vmsnap/${FORMAT}`, process.version, process.versions.v8, process.arch, ...inputs]) {
    const b = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    h.update(`${b.length}:`).update(b);
  }
  return h.digest('hex');
}

/** One boot's file. */
export class DiskSnapshot {
  readonly file: string;

  constructor(
    dir: string,
    readonly key: string,
    /** The largest snapshot that boot can have (its memory cap and the description's room). */
    private readonly maxBytes: number,
    /** What the file holds: a booted VM ('snap'), or V8's code cache of the VM's JavaScript ('v8cache', vm.ts). */
    ext = 'snap',
  ) {
    this.file = path.join(dir, `${key}.${ext}`);
  }

  /** The snapshot's bytes (a copy of their own, 8-aligned), or undefined; a file that is not right is deleted. */
  read(): Uint8Array | undefined {
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    } catch {
      return undefined; // none yet
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = this.check(fd);
    } catch {
      bytes = undefined;
    } finally {
      fs.closeSync(fd);
    }
    if (!bytes) this.remove();
    return bytes;
  }

  private check(fd: number): Uint8Array | undefined {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !ours(st) || (st.mode & 0o022) !== 0 || st.size < HEADER || st.size > HEADER + this.maxBytes) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    if (fs.readSync(fd, buf, 0, st.size, 0) !== st.size) return undefined;
    const key = buf.subarray(MAGIC.length, MAGIC.length + 32);
    const digest = buf.subarray(MAGIC.length + 32, MAGIC.length + 64);
    const len = Number(buf.readBigUInt64LE(MAGIC.length + 64));
    if (!buf.subarray(0, MAGIC.length).equals(MAGIC) || key.toString('hex') !== this.key || len !== st.size - HEADER) return undefined;
    const content = buf.subarray(HEADER);
    if (!createHash('sha256').update(content).digest().equals(digest)) return undefined;
    return new Uint8Array(content).slice(); // its own buffer, at offset 0 (the sandbox reads it as Int32 words)
  }

  /** Keeps `bytes` as this boot's snapshot (a temporary file renamed over it); false if it could not. */
  write(bytes: Uint8Array): boolean {
    if (bytes.length > this.maxBytes) return false;
    const head = Buffer.alloc(HEADER);
    MAGIC.copy(head, 0);
    Buffer.from(this.key, 'hex').copy(head, MAGIC.length);
    createHash('sha256').update(bytes).digest().copy(head, MAGIC.length + 32);
    head.writeBigUInt64LE(BigInt(bytes.length), MAGIC.length + 64);
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
      try {
        fs.writeFileSync(fd, head); // (to an fd: every byte, from where the last write ended)
        fs.writeFileSync(fd, bytes);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file);
      return true;
    } catch {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // never made
      }
      return false;
    }
  }

  /** Deletes the file (it was not right, or a VM restored from it failed). */
  remove(): void {
    try {
      fs.unlinkSync(this.file);
    } catch {
      // already gone
    }
  }
}
