// The VM's in-memory filesystem, the sandbox's side (evaluated like kernel.js, inside the sealed
// node:vm context, before it; kernel.js takes __mpFsTools and deletes it). Given the glue's FS:
//  * a quota: MEMFS data lives in JS typed arrays, outside wasm memory and its cap, so bytes and
//    nodes are counted (ENOSPC past opts.fsQuotaBytes / opts.fsQuotaNodes);
//  * surelyMissing(): an import tries up to 9 paths that do not exist (a built-in module is looked
//    for on the filesystem first, every time it is imported), each a path walk and an ErrnoError
//    in the glue; this walk answers those at once;
//  * checkpoint() / rollback(): the whole filesystem as it is (every node reachable from the root,
//    each directory's entries in order, file bytes, the open streams, the hash table, the inode and
//    fd counters, the working directory, the quota's counts) and back to exactly that, for a VM that
//    is rewound to its boot after a run (kernel.js): nothing a script made, changed or removed stays.
//    A file's bytes are copied back only if the run may have changed them (written since the last
//    rollback, or its contents replaced), and a directory's entries only if they differ: a run reads
//    the frozen modules' sources and changes none of them, and every run of a warm process rewinds.
(function () {
  'use strict';
  const G = globalThis;
  // Local bindings of the realm's builtins (a global read here is an interceptor call: handover.js).
  const { Math, Object, Set, String } = G;
  G.__mpFsTools = function (FS, opts) {
    const FS_BYTES = opts.fsQuotaBytes, FS_NODES = opts.fsQuotaNodes, ENOSPC = 51, ENOENT = 44;
    let fsBytes = 0, fsNodes = 0; // grow-only estimates, corrected by a walk when a limit is reached
    // File nodes written since the checkpoint or the last rollback: the only ones whose bytes can have
    // changed in place (every MEMFS file write goes through the write below; truncation and growth
    // put a new array in node.contents, which rollback sees).
    const written = new Set();
    function fsUsage() {
      let bytes = 0, nodes = 0;
      const walk = (n) => {
        nodes++;
        if (FS.isDir(n.mode)) { if (n.contents && !n.mounted) for (const k of Object.keys(n.contents)) walk(n.contents[k]); }
        else if (n.contents && typeof n.contents.length === 'number') bytes += n.contents.length;
      };
      walk(FS.root);
      return { bytes, nodes };
    }
    function fsCharge(bytes, nodes) {
      if (fsBytes + bytes > FS_BYTES || fsNodes + nodes > FS_NODES) {
        const u = fsUsage(); fsBytes = u.bytes; fsNodes = u.nodes;
        if (fsBytes + bytes > FS_BYTES || fsNodes + nodes > FS_NODES) throw new FS.ErrnoError(ENOSPC);
      }
      fsBytes += bytes; fsNodes += nodes;
    }
    function installQuota() {
      const MEMFS = FS.filesystems.MEMFS;
      const createNode = MEMFS.createNode;
      MEMFS.createNode = function (parent, name, mode, dev) {
        if (parent) fsCharge(0, 1);
        return createNode.apply(this, arguments);
      };
      // Only write() grows file data: the wasm imports no truncate/fallocate/mmap syscall.
      const ops = MEMFS.ops_table.file.stream; // shared by every MEMFS file node
      const write = ops.write;
      ops.write = function (stream, buffer, offset, length, position, canOwn) {
        const node = stream.node;
        written.add(node); // its bytes may change in place (rollback copies them back)
        const cap0 = node.contents ? node.contents.length : 0;
        const need = position + length - cap0;
        if (need > 0) fsCharge(need, 0);
        const r = write.apply(this, arguments);
        const cap1 = node.contents ? node.contents.length : 0;
        fsBytes += Math.max(0, cap1 - cap0 - Math.max(0, need)); // over-allocation by the glue (<= 2x)
        return r;
      };
    }
    const hasOwn = Object.prototype.hasOwnProperty;
    // True only when the C string at m8[p] names a path whose walk over plain MEMFS directories meets
    // a missing entry; anything else (mounts, links, '..', non-ASCII, a file on the way) is the glue's.
    function surelyMissing(m8, p) {
      let s = '';
      for (let i = p; ; i++) {
        if (i >= m8.length || s.length > 1024) return false;
        const c = m8[i];
        if (c === 0) break;
        if (c >= 0x80) return false;
        s += String.fromCharCode(c);
      }
      if (s.charCodeAt(0) !== 47) s = FS.cwd() + '/' + s;
      const dirOps = FS.filesystems.MEMFS.ops_table.dir.node;
      let node = FS.root;
      for (const name of s.split('/')) {
        if (name === '' || name === '.') continue;
        if (name === '..' || node.mounted || node.node_ops !== dirOps || !FS.isDir(node.mode) || !node.contents) return false;
        if (!hasOwn.call(node.contents, name)) return true;
        node = node.contents[name];
        if (FS.isLink(node.mode)) return false;
      }
      return false;
    }

    const own = (o) => Object.assign({}, o); // own enumerable fields (the glue's classes keep their state in them)
    function checkpoint() {
      const nodes = [];
      const walk = (n) => {
        const dir = FS.isDir(n.mode) && n.contents && !n.mounted;
        const names = dir ? Object.keys(n.contents) : null;
        const data = !dir && n.contents && typeof n.contents.length === 'number' ? n.contents.slice() : null;
        // live: the array the node holds now, its bytes still data's until it is written or replaced.
        nodes.push({ n, fields: own(n), names, kids: names && names.map((k) => n.contents[k]), data, live: data && n.contents });
        if (dir) for (const k of names) walk(n.contents[k]);
      };
      walk(FS.root);
      written.clear();
      const streams = FS.streams.map((st) => st && { st, fields: own(st), shared: own(st.shared) });
      return { nodes, streams, nameTable: FS.nameTable.slice(), nextInode: FS.nextInode, cwd: FS.currentPath, fsBytes, fsNodes };
    }
    /** The directory object `c` holds exactly these entries, in this order. */
    function sameEntries(c, names, kids) {
      const ks = Object.keys(c);
      if (ks.length !== names.length) return false;
      for (let i = 0; i < ks.length; i++) if (ks[i] !== names[i] || c[ks[i]] !== kids[i]) return false;
      return true;
    }
    function rollback(cp) {
      for (const e of cp.nodes) {
        const { n, fields, names, kids, data } = e;
        const held = n.contents;
        for (const k of Object.keys(n)) if (!hasOwn.call(fields, k)) delete n[k];
        Object.assign(n, fields);
        if (names) {
          const c = n.contents;
          if (!sameEntries(c, names, kids)) {
            for (const k of Object.keys(c)) delete c[k];
            for (let i = 0; i < names.length; i++) c[names[i]] = kids[i];
          }
        } else if (data) {
          // Unwritten and not replaced since the last rollback: its bytes are still data's.
          if (held === e.live && !written.has(n)) n.contents = held;
          else n.contents = e.live = data.slice();
        }
      }
      written.clear();
      FS.streams.length = 0;
      for (const e of cp.streams) {
        if (!e) { FS.streams.push(null); continue; }
        const { st, fields, shared } = e;
        for (const k of Object.keys(st)) if (!hasOwn.call(fields, k)) delete st[k];
        Object.assign(st, fields);
        st.shared = Object.assign(fields.shared, shared);
        for (const k of Object.keys(st.shared)) if (!hasOwn.call(shared, k)) delete st.shared[k];
        FS.streams.push(st);
      }
      FS.nameTable = cp.nameTable.slice();
      FS.nextInode = cp.nextInode;
      FS.currentPath = cp.cwd;
      fsBytes = cp.fsBytes; fsNodes = cp.fsNodes;
    }
    return { installQuota, surelyMissing, checkpoint, rollback, ENOENT };
  };
})();
