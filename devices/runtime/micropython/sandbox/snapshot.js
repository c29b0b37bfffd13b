// Snapshots of a booted VM, the sandbox's side (evaluated like fs.js, inside the sealed node:vm
// context, before kernel.js, which takes __mpSnapshot and deletes it).
//
// A VM that booted the normal way (mp_js_init, its modules imported and prepared, nothing claimed
// yet: only our own code ran) can write what it is into a SharedArrayBuffer the host gave it for
// that: its wasm memory (the non-zero 4 KiB pages), the few mutable words kernel.js keeps (its PRNG,
// the exec result struct), the filesystem's counters and the streams Python holds open. The host
// copies it out before that VM is claimed. A later VM of the same boot is restored from the copy:
// the glue and the filesystem are set up exactly as a boot sets them up (the same calls in the same
// order: the same inodes), then the memory is put back and the streams reopened, so the VM is the
// booted one byte for byte (its heap, its modules, its interned strings) without compiling a line.
//
// Layout of the buffer: Int32 [0] MAGIC, [1] bytes of the JSON description, [2] bytes of page data;
// the description at HEAD, the pages after it (8-aligned), in the order of description.pages.
(function () {
  'use strict';
  const G = globalThis;
  // Local bindings of the realm's builtins (a global read here is an interceptor call: handover.js).
  const { Int32Array, JSON, Object, SharedArrayBuffer, String, Uint8Array } = G;
  G.__mpSnapshot = function () {
    const MAGIC = 0x4d505331; // 'MPS1'
    const HEAD = 16;
    const PAGE = 4096;

    // Every node of the tree (path, inode, mode, size): a restored VM must have built the same one.
    function tree(FS) {
      const out = [];
      const walk = (n, p) => {
        out.push(p + ':' + n.id + ':' + n.mode + ':' + (n.contents && typeof n.contents.length === 'number' ? n.contents.length : '-'));
        if (FS.isDir(n.mode) && n.contents && !n.mounted) for (const k of Object.keys(n.contents)) walk(n.contents[k], p + '/' + k);
      };
      walk(FS.root, '');
      return out.join('|');
    }

    // ---- capture (the booted VM) ----
    function nonZeroPages(m8) {
      const m32 = new Int32Array(m8.buffer, 0, m8.length >>> 2);
      const runs = [];
      const words = PAGE >>> 2;
      let start = -1;
      for (let p = 0, n = m8.length / PAGE; p < n; p++) {
        let used = false;
        for (let i = p * words, e = i + words; i < e; i++) if (m32[i] !== 0) { used = true; break; }
        if (used && start < 0) start = p;
        else if (!used && start >= 0) { runs.push([start * PAGE, (p - start) * PAGE]); start = -1; }
      }
      if (start >= 0) runs.push([start * PAGE, m8.length - start * PAGE]);
      return runs;
    }

    /** Writes the snapshot into the host's buffer `sab`; false if it does not fit. */
    function capture(sab, mem, state, FS) {
      const out = new Uint8Array(sab);
      const m8 = new Uint8Array(mem.buffer);
      const streams = [];
      for (let fd = 3; fd < FS.streams.length; fd++) {
        const s = FS.streams[fd];
        if (s) streams.push({ fd, path: s.path, flags: s.flags, position: s.position });
      }
      const pages = nonZeroPages(m8);
      const desc = JSON.stringify({ memBytes: m8.length, pages, streams, nextInode: FS.nextInode, cwd: FS.cwd(), tree: tree(FS), state });
      const dataOff = (HEAD + desc.length + 7) & ~7;
      let total = 0;
      for (const [, len] of pages) total += len;
      if (dataOff + total > out.length) return false;
      for (let i = 0; i < desc.length; i++) out[HEAD + i] = desc.charCodeAt(i) & 0x7f;
      let at = dataOff;
      for (const [off, len] of pages) { out.set(m8.subarray(off, off + len), at); at += len; }
      const w = new Int32Array(out.buffer, out.byteOffset, 4);
      w[1] = desc.length;
      w[2] = total;
      w[0] = MAGIC;
      return true;
    }

    // ---- restore (a fresh VM of the same boot) ----
    /** The description of a snapshot (bytes the host copied out), or null if it is not one. */
    function describe(snap) {
      if (snap === undefined) return null;
      if (!(snap instanceof Uint8Array) || snap.length < HEAD || (snap.byteOffset & 3) !== 0) return null;
      const w = new Int32Array(snap.buffer, snap.byteOffset, 4);
      if (w[0] !== MAGIC || w[1] <= 0 || HEAD + w[1] > snap.length) return null;
      let text = '';
      for (let i = 0; i < w[1]; i++) text += String.fromCharCode(snap[HEAD + i]);
      const d = JSON.parse(text);
      d.dataOff = (HEAD + w[1] + 7) & ~7;
      if (d.dataOff + w[2] !== snap.length) return null;
      return d;
    }

    /** The description, if the snapshot is one this VM can take: its stack where ours is, its memory within our cap. */
    function usable(snap, sp, memCap) {
      const d = describe(snap);
      return d !== null && d.state.sp === sp && d.memBytes <= memCap ? d : null;
    }

    /** The memory back (grown to its size by `growTo`, which refreshes the glue's views) and the streams reopened. */
    function restore(snap, d, mem, growTo, FS) {
      return restoreMemory(snap, d, mem, growTo) && reopen(d, FS);
    }

    function restoreMemory(snap, d, mem, growTo) {
      if (mem.buffer.byteLength < d.memBytes && !growTo(d.memBytes)) return false;
      if (mem.buffer.byteLength !== d.memBytes) return false;
      const m8 = new Uint8Array(mem.buffer);
      m8.fill(0);
      let at = d.dataOff;
      for (const [off, len] of d.pages) { m8.set(snap.subarray(at, at + len), off); at += len; }
      return true;
    }

    /** Reopens the streams Python held (same fds, flags, positions): before /dev/k is unlinked, as at boot. */
    function reopen(d, FS) {
      for (const s of d.streams) {
        const st = FS.open(s.path, s.flags);
        if (st.fd !== s.fd) return false;
        st.position = s.position;
      }
      if (FS.cwd() !== d.cwd) FS.chdir(d.cwd);
      return true;
    }

    /** After the boot's last filesystem call: the same tree as the booted VM's, and its inode counter. */
    function settle(d, FS) {
      if (tree(FS) !== d.tree) return false;
      FS.nextInode = d.nextInode;
      return true;
    }

    return { capture, usable, restore, restoreMemory, settle };
  };
})();
