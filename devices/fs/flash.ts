/**
 * A board's flash filesystem, in memory on the host: what MicroPython on a
 * generic ESP32 module mounts at `/` (littlefs v2 on the `vfs` partition of a
 * 4 MiB flash: 512 blocks of 4096 bytes). It belongs to the board, not to the
 * script's VM, so files survive machine.reset() and a new VM finds them; the
 * script reaches it only through the `fs.*` kernel calls (calls.ts), and steps
 * and tests read it directly. Never touches the host's disk.
 *
 * Space is accounted as littlefs does it, approximately, and incrementally
 * (no walk per call): the superblock takes 2 blocks; every directory, the root
 * too, a metadata pair (2 blocks) per 4096 bytes of entries (a name and 16
 * bytes each, plus the data of a small file, which littlefs keeps inline);
 * a larger file ceil(size / 4096) blocks. A fresh board (boot.py only) shows
 * statvfs (4096, 4096, 512, 508, 508, 0, 0, 0, 0, 255), as a real one does.
 */

/** littlefs's error codes (lfs.h, negated): MicroPython raises them as they are (Linux numbers, on every port). */
export const FS_ERRNO = {
  ENOENT: 2,
  EBADF: 9,
  EEXIST: 17,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  ENOSPC: 28,
  EROFS: 30,
  ENAMETOOLONG: 36,
  ENOTEMPTY: 39,
} as const;

/** MP_S_IFDIR / MP_S_IFREG: the st_mode values MicroPython's VFS reports. */
export const S_IFDIR = 0x4000;
export const S_IFREG = 0x8000;

export interface FlashGeometry {
  blockSize: number;
  blocks: number;
}

/** ESP32_GENERIC (4 MiB flash): the `vfs` partition at 0x200000, 2 MiB. */
export const ESP32_FLASH: FlashGeometry = { blockSize: 4096, blocks: 512 };
/** LFS_NAME_MAX. */
export const NAME_MAX = 255;
/** Longest path accepted (littlefs has no limit of its own; this bounds the host's work). */
export const PATH_MAX = 1024;
/** The superblock's pair. */
const SUPER_BLOCKS = 2;
/** Blocks of a directory's metadata pair. */
const DIR_BLOCKS = 2;
/** A file at most this long lives inline in its directory's metadata (no block of its own). */
const INLINE_MAX = 512;
/** Metadata bytes of a directory entry besides its name (tag, struct, CRC: approximate). */
const ENTRY_BYTES = 16;

/** What a fresh ESP32 writes at its first boot (MicroPython's esp32 port, modules/_boot.py's inisetup). */
export const DEFAULT_BOOT_PY =
  '# This file is executed on every boot (including wake-boot from deepsleep)\n#import esp\n#esp.osdebug(None)\n#import webrepl\n#webrepl.start()\n';

export interface FileNode {
  kind: 'file';
  data: Uint8Array;
  size: number;
  mtime: number;
  /** Where it is (kept by rename): its directory's metadata holds its inline data. */
  parent: DirNode | undefined;
  name: string;
}
export interface DirNode {
  kind: 'dir';
  children: Map<string, Node>;
  mtime: number;
  parent: DirNode | undefined;
  name: string;
  /** Bytes of its entries' metadata (names, inline data). */
  meta: number;
}
export type Node = FileNode | DirNode;

/** An errno, thrown inside this module and calls.ts only, turned into an answer there. */
export class FsError extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
  }
}

const fail = (errno: number): never => {
  throw new FsError(errno);
};

const nameBytes = (name: string) => new TextEncoder().encode(name).length;
/** Blocks of a file's own (not inline). */
const fileBlocks = (size: number, bs: number) => (size <= INLINE_MAX ? 0 : Math.ceil(size / bs));
/** What an entry adds to its directory's metadata. */
const entryMeta = (n: Node) => ENTRY_BYTES + nameBytes(n.name) + (n.kind === 'file' && n.size <= INLINE_MAX ? n.size : 0);

export class FlashFs {
  readonly root: DirNode = { kind: 'dir', children: new Map(), mtime: 0, parent: undefined, name: '', meta: 0 };
  /** Blocks in use, kept up to date by every change. */
  private used = SUPER_BLOCKS + DIR_BLOCKS;
  /** Seconds for mtime (the board's RTC); 0 when the board has none. */
  clock: () => number = () => 0;

  constructor(readonly geometry: FlashGeometry = ESP32_FLASH) {}

  /** `path` as components (absolute; '.', '..' and repeated '/' resolved). Too long: ENAMETOOLONG. */
  static split(path: string): string[] {
    if (path.length > PATH_MAX) fail(FS_ERRNO.ENAMETOOLONG);
    const out: string[] = [];
    for (const p of path.split('/')) {
      if (p === '' || p === '.') continue;
      if (p === '..') out.pop();
      else {
        if (new TextEncoder().encode(p).length > NAME_MAX) fail(FS_ERRNO.ENAMETOOLONG);
        if (p.includes('\0')) fail(FS_ERRNO.EINVAL);
        out.push(p);
      }
    }
    return out;
  }

  /** The node at `path`, or undefined; a file on the way is ENOTDIR. */
  lookup(path: string): Node | undefined {
    let n: Node = this.root;
    for (const p of FlashFs.split(path)) {
      if (n.kind !== 'dir') fail(FS_ERRNO.ENOTDIR);
      const c: Node | undefined = (n as DirNode).children.get(p);
      if (!c) return undefined;
      n = c;
    }
    return n;
  }

  get(path: string): Node {
    return this.lookup(path) ?? fail(FS_ERRNO.ENOENT);
  }

  /** The directory that would hold `path`, and its last name (the root itself has none: EINVAL). */
  parentOf(path: string): { dir: DirNode; name: string } {
    const parts = FlashFs.split(path);
    const name = parts.pop() ?? fail(FS_ERRNO.EINVAL);
    const dir = this.get('/' + parts.join('/'));
    if (dir.kind !== 'dir') fail(FS_ERRNO.ENOTDIR);
    return { dir: dir as DirNode, name };
  }

  usedBlocks(): number {
    return this.used;
  }

  freeBlocks(): number {
    return Math.max(0, this.geometry.blocks - this.used);
  }

  private pairs(d: DirNode, meta = d.meta): number {
    return DIR_BLOCKS * Math.max(1, Math.ceil(meta / this.geometry.blockSize));
  }

  /** Blocks `n` takes besides its entry (a file's own blocks; an empty directory's pair). */
  private own(n: Node): number {
    return n.kind === 'file' ? fileBlocks(n.size, this.geometry.blockSize) : this.pairs(n);
  }

  /** ENOSPC unless `delta` more blocks fit. */
  private need(delta: number): void {
    if (delta > 0 && this.used + delta > this.geometry.blocks) fail(FS_ERRNO.ENOSPC);
  }

  /** Puts `n` (a new file or directory, or one moved here) into `dir` as `name`. */
  private attach(dir: DirNode, name: string, n: Node): void {
    n.name = name;
    const meta = dir.meta + entryMeta(n);
    const delta = this.pairs(dir, meta) - this.pairs(dir) + this.own(n);
    this.need(delta);
    dir.meta = meta;
    this.used += delta;
    n.parent = dir;
    dir.children.set(name, n);
  }

  private detach(n: Node): void {
    const dir = n.parent;
    if (!dir) return;
    const meta = dir.meta - entryMeta(n);
    this.used += this.pairs(dir, meta) - this.pairs(dir) - this.own(n);
    dir.meta = meta;
    dir.children.delete(n.name);
    n.parent = undefined;
  }

  /** A file changes size: its inline data or its blocks (ENOSPC when that does not fit: nothing changes). */
  private resize(f: FileNode, size: number): void {
    const bs = this.geometry.blockSize;
    const dir = f.parent;
    const inl = (n: number) => (n <= INLINE_MAX ? n : 0);
    const meta = dir ? dir.meta - inl(f.size) + inl(size) : 0;
    const delta = fileBlocks(size, bs) - fileBlocks(f.size, bs) + (dir ? this.pairs(dir, meta) - this.pairs(dir) : 0);
    this.need(delta);
    if (dir) dir.meta = meta;
    this.used += delta;
    f.size = size;
  }

  private newDir(): DirNode {
    return { kind: 'dir', children: new Map(), mtime: this.clock(), parent: undefined, name: '', meta: 0 };
  }

  /** os.statvfs() as littlefs answers it. */
  statvfs(): number[] {
    const { blockSize, blocks } = this.geometry;
    const free = this.freeBlocks();
    return [blockSize, blockSize, blocks, free, free, 0, 0, 0, 0, NAME_MAX];
  }

  mkdir(path: string): void {
    const { dir, name } = this.parentOf(path);
    if (dir.children.has(name)) fail(FS_ERRNO.EEXIST);
    this.attach(dir, name, this.newDir());
  }

  /** mkdir -p (loading a project): existing directories are fine. */
  mkdirs(path: string): DirNode {
    let n: DirNode = this.root;
    for (const p of FlashFs.split(path)) {
      let c = n.children.get(p);
      if (!c) {
        c = this.newDir();
        this.attach(n, p, c);
      }
      if (c.kind !== 'dir') fail(FS_ERRNO.ENOTDIR);
      n = c as DirNode;
    }
    return n;
  }

  /** os.remove() and os.rmdir() alike (littlefs's lfs_remove): a file, or an empty directory. */
  remove(path: string): void {
    const { dir, name } = this.parentOf(path);
    const n = dir.children.get(name) ?? fail(FS_ERRNO.ENOENT);
    if (n.kind === 'dir' && n.children.size) fail(FS_ERRNO.ENOTEMPTY);
    this.detach(n);
  }

  /** os.rename(): replaces a file, or an empty directory, at the new name (lfs_rename). */
  rename(from: string, to: string): void {
    const a = this.parentOf(from);
    const n = a.dir.children.get(a.name) ?? fail(FS_ERRNO.ENOENT);
    const b = this.parentOf(to);
    const old = b.dir.children.get(b.name);
    if (old === n) return;
    if (n.kind === 'dir') {
      // A directory cannot move into itself.
      for (let d: Node | undefined = this.root, i = 0, parts = FlashFs.split(to); d && i < parts.length; i++) {
        if (d === n) fail(FS_ERRNO.EINVAL);
        d = d.kind === 'dir' ? d.children.get(parts[i]) : undefined;
      }
      if (b.dir === n) fail(FS_ERRNO.EINVAL);
    }
    if (old) {
      if (old.kind !== n.kind) fail(old.kind === 'dir' ? FS_ERRNO.EISDIR : FS_ERRNO.ENOTDIR);
      if (old.kind === 'dir' && old.children.size) fail(FS_ERRNO.ENOTEMPTY);
    }
    if (old) this.detach(old);
    this.detach(n);
    try {
      this.attach(b.dir, b.name, n);
    } catch (e) {
      this.attach(a.dir, a.name, n); // no room for the new name's entry: nothing moved
      if (old) this.attach(b.dir, b.name, old);
      throw e;
    }
  }

  /** A file node to write into: created (empty) when missing, as open(path, 'w') does. */
  create(path: string, exclusive: boolean): FileNode {
    const { dir, name } = this.parentOf(path);
    const n = dir.children.get(name);
    if (n) {
      if (exclusive) fail(FS_ERRNO.EEXIST);
      if (n.kind === 'dir') fail(FS_ERRNO.EISDIR);
      return n as FileNode;
    }
    const f: FileNode = { kind: 'file', data: new Uint8Array(0), size: 0, mtime: this.clock(), parent: undefined, name };
    this.attach(dir, name, f);
    return f;
  }

  /** Writes `bytes` at `pos` of `f` (ENOSPC when the flash is full: nothing is written then). */
  static writeAt(fs: FlashFs, f: FileNode, pos: number, bytes: Uint8Array): void {
    const end = pos + bytes.length;
    const size = f.size;
    if (end > size) fs.resize(f, end);
    if (end > f.data.length) {
      const grown = new Uint8Array(Math.min(Math.max(end, f.data.length * 2, 256), fs.geometry.blocks * fs.geometry.blockSize));
      grown.set(f.data.subarray(0, size));
      f.data = grown;
    }
    if (pos > size) f.data.fill(0, size, pos);
    f.data.set(bytes, pos);
    f.mtime = fs.clock();
  }

  static truncate(fs: FlashFs, f: FileNode): void {
    fs.resize(f, 0);
    f.data = new Uint8Array(0);
  }

  // ---- for the host: projects, steps, tests ----

  /** Writes a whole file, creating its folders (a project's files at power-on, or a test). */
  writeFile(path: string, content: Uint8Array | string): void {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const parts = FlashFs.split(path);
    if (!parts.length) fail(FS_ERRNO.EISDIR);
    this.mkdirs('/' + parts.slice(0, -1).join('/'));
    const f = this.create(path, false);
    const before = f.size;
    FlashFs.truncate(this, f);
    try {
      FlashFs.writeAt(this, f, 0, bytes);
    } catch (e) {
      if (before === 0) this.remove(path);
      throw e;
    }
  }

  /** A file's bytes, or undefined when there is no such file. */
  readFile(path: string): Uint8Array | undefined {
    let n: Node | undefined;
    try {
      n = this.lookup(path);
    } catch {
      return undefined;
    }
    return n?.kind === 'file' ? n.data.slice(0, n.size) : undefined;
  }

  /** Every file's path, sorted (for messages and tests). */
  paths(): string[] {
    const out: string[] = [];
    const walk = (d: DirNode, at: string) => {
      for (const [k, v] of d.children) {
        if (v.kind === 'dir') walk(v, `${at}/${k}`);
        else out.push(`${at}/${k}`);
      }
    };
    walk(this.root, '');
    return out.sort();
  }
}

/** An empty board's flash, as MicroPython formats it at its first boot (boot.py only). */
export function freshFlash(): FlashFs {
  const f = new FlashFs();
  f.writeFile('/boot.py', DEFAULT_BOOT_PY);
  return f;
}

/** A device's project files onto its flash (paths relative to /); a message naming the file when one does not fit. */
export function loadProject(flash: FlashFs, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    try {
      flash.writeFile('/' + path.replace(/^\/+/, ''), content);
    } catch (e) {
      const errno = e instanceof FsError ? e.errno : 0;
      const why = errno === FS_ERRNO.ENOSPC ? 'the flash is full (2 MiB)' : errno === FS_ERRNO.ENAMETOOLONG ? 'a name is longer than 255 bytes' : errno === FS_ERRNO.ENOTDIR ? 'a file is in the way of its folder' : 'it cannot be written';
      throw new Error(`file ${path}: ${why}`);
    }
  }
}
