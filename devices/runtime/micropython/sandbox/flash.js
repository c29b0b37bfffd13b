// The board's flash as the VM's JavaScript sees it, the sandbox's side (evaluated like fs.js, inside
// the sealed node:vm context, before kernel.js, which takes __mpFlash and deletes it). An import
// looks for its module on the flash (an ESP32's is mounted at '/': 3 paths for each entry of
// sys.path), boot.py is read from it at every boot, a project's modules are read from it in pieces:
// each an fs.* call the host answers from the flash at once, without virtual time or a trace
// (devices/fs/calls.ts). Here the first of them fetches an image of the whole flash (fs.image: one
// hand-over) and the later stat, open (without create) and read calls are answered from it, the
// same words and bytes the host would answer, until the script makes a call that changes the flash
// (write, mkdir, remove, rename, an open that creates): from then on, for the rest of the run, the
// host answers them all, as it does for what the image does not cover (a path that is not plain
// ASCII, a flash too large for an image: the host then sends none). Only this VM's calls change
// the flash while its script runs, so the image stays true until one of them.
(function () {
  'use strict';
  const G = globalThis;
  // Local bindings of the realm's builtins (a global read here is an interceptor call: handover.js).
  const { JSON, Map, Math, Set, String } = G;
  G.__mpFlash = function (h, L, sab8, ops, hand, roundTrip) {
    // The host's facts (vm.ts FLASH_OPS: devices/fs/calls.ts FLASH_IMAGE_FACTS, bridge/protocol.ts TAG).
    const { S_IFDIR, S_IFREG, O_CREATE, FS_CHUNK, PATH_MAX, NAME_MAX } = ops.facts;
    const T_STR = ops.tags.STR, T_INT = ops.tags.INT, T_BOOL = ops.tags.BOOL;
    const STAT_TAGS = T_STR, OPEN_TAGS = T_STR | (T_INT << 3), READ_TAGS = T_STR | (T_INT << 3) | (T_INT << 6) | (T_BOOL << 9);
    const mutating = new Set(ops.mutating);
    const HOST = 0, HERE = 1, ENDED = 2;
    /** undefined: not fetched yet this run; null: none (or the flash changed); else { nodes: path -> [isDir, size, mtime, offset], data, errno }. */
    let image;
    /** Fetches the image: false when the host's answer is not one (an end, K_DIE or K_REWIND: the caller's to take). */
    function fetch() {
      image = null;
      h[L.OP] = ops.image;
      h[L.TAGS] = 0;
      h[L.DLEN] = 0;
      h[L.ICAP] = L.DATA_SIZE;
      roundTrip();
      const kind = h[L.AKIND];
      if (kind === L.K_NONE) return true;
      if (kind !== L.K_JSON) return false;
      const n = h[L.AVAL] | 0, all = h[L.ALEN] | 0;
      if (n <= 0 || all < n || all > L.DATA_SIZE) return true;
      let text = '';
      for (let i = 0; i < n; i++) text += String.fromCharCode(sab8[L.DATA_OFF + i]);
      const [entries, errnos, size] = JSON.parse(text);
      if (size !== all - n) return true;
      const nodes = new Map();
      let off = 0;
      for (const [path, dir, bytes, mtime] of entries) {
        nodes.set(path, [dir === 1, bytes, mtime, off]);
        if (dir !== 1) off += bytes;
      }
      const [ENOENT, ENOTDIR, EISDIR] = errnos;
      image = { nodes, data: sab8.slice(L.DATA_OFF + n, L.DATA_OFF + all), ENOENT, ENOTDIR, EISDIR };
      return true;
    }
    /** The request's path (the payload), when it is plain printable ASCII; else undefined (the host decodes it). */
    function pathOf(m8, optr, olen, len) {
      if (len !== olen || len > PATH_MAX) return undefined;
      let s = '';
      for (let i = 0; i < len; i++) {
        const c = m8[optr + i];
        if (c < 0x20 || c > 0x7e) return undefined;
        s += String.fromCharCode(c);
      }
      return s;
    }
    /** FlashFs.lookup on the image: the node, or an errno (a missing name, a file on the way); undefined: the host's. */
    function lookup(path) {
      const parts = [];
      for (const p of path.split('/')) {
        if (p === '' || p === '.') continue;
        if (p === '..') parts.pop();
        else if (p.length > NAME_MAX) return undefined;
        else parts.push(p);
      }
      let n = image.nodes.get('/');
      let at = '';
      for (const p of parts) {
        if (!n[0]) return image.ENOTDIR;
        at += '/' + p;
        n = image.nodes.get(at);
        if (n === undefined) return image.ENOENT;
      }
      return n;
    }
    function error(errno) {
      h[L.AKIND] = L.K_ERR;
      h[L.AVAL] = errno;
      h[L.ALEN] = 0;
      return HERE;
    }
    /**
     * Answers the request in Python's header (m32 at word w, payload at m8[optr], olen bytes) into the
     * SAB's answer words and data as the host would: HOST (0) when the host is to answer it instead,
     * HERE (1) when answered, ENDED (2) when the host answered the image's fetch with the run's end.
     */
    function answer(op, m32, w, m8, optr, olen, tags) {
      if (mutating.has(op)) { image = null; return HOST; }
      // Not while calls are put off (the hand-over's batch): they go to the host with the next request, before it.
      if (hand.batched() !== 0) return HOST;
      const stat = op === ops.stat, open = op === ops.open, read = op === ops.read;
      if (!stat && !open && !read) return HOST;
      if (tags !== (stat ? STAT_TAGS : open ? OPEN_TAGS : READ_TAGS)) return HOST;
      if (open && (m32[w + 2] & O_CREATE)) { image = null; return HOST; }
      if (image === undefined && !fetch()) return ENDED;
      if (image === null) return HOST;
      const path = pathOf(m8, optr, olen, m32[w + 1]);
      if (path === undefined) return HOST;
      const n = lookup(path);
      if (n === undefined) return HOST;
      if (typeof n === 'number') return error(n);
      const [dir, size, mtime, off] = n;
      if (stat) {
        const text = JSON.stringify(dir ? [S_IFDIR, 0, mtime] : [S_IFREG, size, mtime]);
        for (let i = 0; i < text.length; i++) sab8[L.DATA_OFF + i] = text.charCodeAt(i);
        h[L.AKIND] = L.K_JSON;
        h[L.AVAL] = text.length;
        h[L.ALEN] = text.length;
        return HERE;
      }
      if (dir) return error(image.EISDIR);
      if (open) {
        h[L.AKIND] = L.K_INT;
        h[L.AVAL] = size;
        h[L.ALEN] = 0;
        return HERE;
      }
      // (path, pos, n, line): up to n bytes from pos; with line, up to and including a newline.
      const pos = Math.max(0, m32[w + 2]);
      let end = Math.min(size, pos + Math.min(Math.max(0, m32[w + 3]), FS_CHUNK));
      if (m32[w + 4] !== 0) {
        const nl = image.data.subarray(off, off + end).indexOf(10, pos);
        if (nl >= 0) end = nl + 1;
      }
      const k = pos >= end ? 0 : end - pos;
      if (k) sab8.set(image.data.subarray(off + pos, off + end), L.DATA_OFF);
      h[L.AKIND] = L.K_BYTES;
      h[L.ALEN] = k;
      return HERE;
    }
    return { answer, HOST, HERE, ENDED, reset() { image = undefined; } };
  };
})();
