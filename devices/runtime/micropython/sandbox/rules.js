// The sealed realm's rules, the sandbox's side (evaluated like fs.js, inside the sealed node:vm context,
// before kernel.js, which takes __mpRules and deletes it):
//  * determinism: the realm's clock and randomness come from the host (virtual time from the
//    header, a PRNG seeded by the claim); Date.now, Math.random and crypto.getRandomValues are ours;
//  * the import whitelist: the wasm gets kernel.js's own functions, the glue's for a fixed list of
//    filesystem syscalls and the wasm-only invoke_* trampolines, and a trap for anything else (the
//    jsffi family, anything unknown): fail closed.
(function () {
  'use strict';
  const G = globalThis;
  // Local bindings of the realm's builtins (a global read here is an interceptor call: handover.js).
  const { Error, Math, Object, Set, WebAssembly } = G;
  G.__mpRules = function (h, L, TRAPPED, violation) {
    // ---- determinism ----
    let rng = 0x9e3779b9 | 0;
    const nextU32 = () => {
      // xorshift32
      let x = rng;
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      rng = x | 0;
      return x >>> 0;
    };
    const EPOCH_MS = 1704067200000; // 2024-01-01T00:00:00Z + virtual ms
    const vtime = () => (h[L.VT_HI] >>> 0) * 4294967296 + (h[L.VT_LO] >>> 0);
    G.Date.now = () => EPOCH_MS + vtime();
    G.Math.random = () => nextU32() / 4294967296;
    G.crypto = { getRandomValues(v) { for (let i = 0; i < v.length; i++) v[i] = nextU32(); return v; } };

    // ---- the import whitelist ----
    const ALLOW = new Set([
      '__syscall_chdir', '__syscall_getcwd', '__syscall_mkdirat', '__syscall_openat', '__syscall_poll',
      '__syscall_getdents64', '__syscall_renameat', '__syscall_rmdir', '__syscall_fstat64', '__syscall_stat64',
      '__syscall_newfstatat', '__syscall_lstat64', '__syscall_statfs64', '__syscall_unlinkat',
      'fd_close', 'fd_sync', 'fd_seek', '_abort_js', '_emscripten_throw_longjmp',
    ]);
    const INVOKE = /^invoke_[vijfd]+$/; // call a wasm table entry, catch longjmp: wasm-only
    function trap(name) {
      const i = TRAPPED.indexOf(name);
      const idx = i < 0 ? TRAPPED.length - 1 : i;
      return function () { violation(idx, name); };
    }
    /** The import object for `mod`: `overrides` first, then the whitelisted glue functions, else traps. */
    function link(mod, glue, overrides) {
      const env = {}, wasi = {};
      for (const imp of WebAssembly.Module.imports(mod)) {
        const name = imp.name;
        let f;
        if (imp.kind !== 'function') throw new Error('unexpected import ' + name);
        if (Object.prototype.hasOwnProperty.call(overrides, name)) f = overrides[name];
        else if (ALLOW.has(name) || INVOKE.test(name)) f = glue[name];
        else f = trap(name);
        if (typeof f !== 'function') throw new Error('missing import ' + name);
        (imp.module === 'env' ? env : wasi)[name] = f;
      }
      return { env, wasi_snapshot_preview1: wasi };
    }

    return {
      nextU32, vtime, EPOCH_MS, link,
      seed(s) { rng = (s | 0) || 0x9e3779b9; },
      get rng() { return rng; },
      set rng(v) { rng = v | 0; },
    };
  };
})();
