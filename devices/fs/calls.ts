/**
 * The `fs.*` kernel calls of one script's VM on its board's flash (flash.ts):
 * what py/_flash.py's VFS and file objects ask. Paths arrive absolute (the VM
 * side resolves its working directory); every size and handle is checked
 * here, and the flash's size is the quota. Writes reach the flash at once,
 * so a reset keeps everything written before it.
 *
 * Answered by the runtime itself (no virtual time, not traced): flash is
 * fast next to the network, and a project without files behaves as before.
 */
import type { SysResult, SysValue } from '../runtime/contract';
import { FS_ERRNO, FlashFs, FsError, NAME_MAX, PATH_MAX, S_IFDIR, S_IFREG, type DirNode, type FileNode } from './flash';

/** Bytes one read or write carries at most (the VM asks again for more). */
export const FS_CHUNK = 32 * 1024;

/**
 * The most an image (fs.image) carries: entries, bytes of file data, and the UTF-8 bytes of its
 * listing's JSON (its answer must fit the bridge's answer area, 128 KiB, with room to spare).
 */
const IMAGE_MAX_ENTRIES = 256;
const IMAGE_MAX_DATA = 64 * 1024;
const IMAGE_MAX_LISTING = 32 * 1024;

/** open() flags as py/_flash.py sends them. */
const O_CREATE = 8;
const O_TRUNC = 16;
const O_EXCL = 32;

/** What the VM's JavaScript needs to answer stat, open and read from an image as these calls do (sandbox/flash.js). */
export const FLASH_IMAGE_FACTS = { S_IFDIR, S_IFREG, O_CREATE, FS_CHUNK, PATH_MAX, NAME_MAX } as const;

const ok = (value: SysValue = null): SysResult => ({ ok: true, value });

function str(v: SysValue | undefined): string {
  if (typeof v !== 'string') throw new FsError(FS_ERRNO.EINVAL);
  return v;
}
function int(v: SysValue | undefined): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new FsError(FS_ERRNO.EINVAL);
  return v;
}

/**
 * The calls hold no state: a file object in the VM keeps its path, mode and position, so a
 * file the script never closes costs the host nothing (the board's finaliser would close it).
 */
export class FlashCalls {
  constructor(readonly flash: FlashFs) {}

  /** Carries out `op` if it is an fs call (undefined otherwise). Never throws. */
  call(op: string, a: SysValue[]): SysResult | undefined {
    if (!op.startsWith('fs.')) return undefined;
    try {
      return ok(this.run(op, a));
    } catch (e) {
      if (e instanceof FsError) return { ok: false, errno: e.errno };
      return { ok: false, errno: FS_ERRNO.EINVAL };
    }
  }

  private file(path: string): FileNode {
    const n = this.flash.get(path);
    if (n.kind === 'dir') throw new FsError(FS_ERRNO.EISDIR);
    return n;
  }

  /**
   * The whole flash as it is, for the VM's JavaScript to answer Python's stat, open (without create)
   * and read calls from until one of its calls changes the flash (sandbox/flash.js): [entries, errnos, data]. Entries
   * [path, isDir, size, mtime] in a walk from the root, each directory before what it holds; data,
   * the files' bytes in the entries' order. Null when the flash holds more than an image carries.
   * Only this VM's calls change the flash while its script runs, so the image stays true until then.
   */
  image(): SysValue {
    const entries: SysValue[] = [];
    const files: Uint8Array[] = [];
    let bytes = 0;
    const walk = (d: DirNode, at: string): boolean => {
      for (const [name, n] of d.children) {
        const path = at + '/' + name;
        // Plain printable ASCII paths only: the VM's side reads the listing byte for byte.
        if (entries.length >= IMAGE_MAX_ENTRIES || !/^[\x20-\x7e]*$/.test(path)) return false;
        if (n.kind === 'dir') {
          entries.push([path, 1, 0, n.mtime]);
          if (!walk(n, path)) return false;
        } else {
          bytes += n.size;
          if (bytes > IMAGE_MAX_DATA) return false;
          entries.push([path, 0, n.size, n.mtime]);
          files.push(n.data.subarray(0, n.size));
        }
      }
      return true;
    };
    const root = this.flash.root;
    entries.push(['/', 1, 0, root.mtime]);
    if (!walk(root, '')) return null;
    const data = new Uint8Array(bytes);
    let at = 0;
    for (const f of files) {
      data.set(f, at);
      at += f.length;
    }
    const value = [entries, [FS_ERRNO.ENOENT, FS_ERRNO.ENOTDIR, FS_ERRNO.EISDIR], data];
    // What the bridge sends (the data crosses raw after the JSON, as its length).
    const listing = JSON.stringify([entries, value[1], data.length]);
    return new TextEncoder().encode(listing).length > IMAGE_MAX_LISTING ? null : value;
  }

  private run(op: string, a: SysValue[]): SysValue {
    const fs = this.flash;
    switch (op) {
      case 'fs.stat': {
        const n = fs.get(str(a[0]));
        return n.kind === 'dir' ? [S_IFDIR, 0, n.mtime] : [S_IFREG, n.size, n.mtime];
      }
      case 'fs.ls': {
        const n = fs.get(str(a[0]));
        if (n.kind !== 'dir') throw new FsError(FS_ERRNO.ENOTDIR);
        return [...n.children].map(([k, c]): SysValue => [k, c.kind === 'dir' ? S_IFDIR : S_IFREG, c.kind === 'dir' ? 0 : c.size]);
      }
      case 'fs.mkdir':
        return fs.mkdir(str(a[0])), null;
      case 'fs.remove':
        return fs.remove(str(a[0])), null;
      case 'fs.rename':
        return fs.rename(str(a[0]), str(a[1])), null;
      case 'fs.statvfs':
        return fs.statvfs();
      case 'fs.open': {
        // (path, flags): creates or truncates as the mode asks; answers the file's size.
        const path = str(a[0]);
        const flags = int(a[1]);
        if (!(flags & O_CREATE)) return this.file(path).size;
        const node = fs.create(path, (flags & O_EXCL) !== 0);
        if (flags & O_TRUNC) FlashFs.truncate(fs, node);
        return node.size;
      }
      case 'fs.read': {
        // (path, pos, n, line): up to n bytes from pos; with line, up to and including a newline.
        const f = this.file(str(a[0]));
        const pos = Math.max(0, int(a[1]));
        let end = Math.min(f.size, pos + Math.min(Math.max(0, int(a[2])), FS_CHUNK));
        if (a[3]) {
          const nl = f.data.subarray(0, end).indexOf(10, pos);
          if (nl >= 0) end = nl + 1;
        }
        return pos >= end ? new Uint8Array(0) : f.data.slice(pos, end);
      }
      case 'fs.write': {
        // (path, pos, data): pos -1 appends; answers the position after the data.
        const f = this.file(str(a[0]));
        const data = a[2];
        if (!(data instanceof Uint8Array) || data.length > FS_CHUNK) throw new FsError(FS_ERRNO.EINVAL);
        const pos = int(a[1]) < 0 ? f.size : int(a[1]);
        FlashFs.writeAt(fs, f, pos, data);
        return pos + data.length;
      }
      default:
        throw new FsError(FS_ERRNO.EINVAL);
    }
  }
}
