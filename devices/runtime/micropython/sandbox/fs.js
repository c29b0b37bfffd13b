// The VM's in-memory filesystem, the sandbox's side (evaluated like kernel.js, inside the sealed
// node:vm context, before it; kernel.js takes __mpFsTools and deletes it). Given the glue's FS:
//  * a quota: MEMFS data lives in JS typed arrays, outside wasm memory and its cap, so bytes and
//    nodes are counted (ENOSPC past opts.fsQuotaBytes / opts.fsQuotaNodes);
//  * surelyMissing(): an import tries up to 9 paths that do not exist (a built-in module is looked
//    for on the filesystem first, every time it is imported), each a path walk and an ErrnoError
//    in the glue; this walk answers those at once.
(function () {
  'use strict';
  const G = globalThis;
  G.__mpFsTools = function (FS, opts) {
    const FS_BYTES = opts.fsQuotaBytes, FS_NODES = opts.fsQuotaNodes, ENOSPC = 51, ENOENT = 44;
    let fsBytes = 0, fsNodes = 0; // grow-only estimates, corrected by a walk when a limit is reached
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
    return { installQuota, surelyMissing, ENOENT };
  };
})();
