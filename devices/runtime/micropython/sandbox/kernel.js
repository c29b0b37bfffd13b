// The VM's JavaScript side. Evaluated as a classic script INSIDE the sealed
// node:vm context (codeGeneration {strings:false, wasm:false}), after the
// emscripten glue. It sees nothing but this realm's JS builtins and what
// __kernelStart(msg) receives: a message deserialized in this realm
// (SharedArrayBuffer, compiled WebAssembly.Module, layout, /lib texts).
//
// Jobs:
//  * instantiate the wasm with a WHITELISTED import object: every jsffi import
//    (the only way MicroPython reaches JS objects) becomes a trap, unknown
//    imports trap too (fail closed);
//  * carry kernel calls over bytes: a character device /dev/k whose read()
//    takes a 16-int request header from Python's buffer, does one SAB round
//    trip with the host, and writes the answer back into the same buffer;
//  * stdout/stderr: fd 1/2 writes are copied in bulk into the SAB OUT area;
//  * clock and randomness come from the host (virtual time, seeded PRNG);
//  * memory growth is capped here (the host's cap, enforced, not reported).
'use strict';
(function () {
  const G = globalThis;
  // The glue expects a browser-ish worker scope; give it one (nothing in it).
  G.WorkerGlobalScope = {};
  const noop = () => {};
  G.console = { log: noop, error: noop, warn: noop, info: noop, debug: noop };
  // No stack traces in this realm: nobody reads them, and the glue's FS throws an ErrnoError
  // for every path a failed lookup tries (a function-level import of a built-in module tries 9).
  G.Error.stackTraceLimit = 0;

  G.__kernelStart = function (msg) {
    delete G.__kernelStart;
    const createGlue = G.__mpGlue;
    delete G.__mpGlue;
    const makeFsTools = G.__mpFsTools; // sandbox/fs.js
    delete G.__mpFsTools;
    const snapTools = G.__mpSnapshot(); // sandbox/snapshot.js
    delete G.__mpSnapshot;
    const L = msg.layout;
    const TRAPPED = msg.trapped;
    const MOD = msg.module;
    const SAB = msg.sab;
    const lib = msg.lib; // { name: UTF-8 bytes }
    const opts = msg.opts; // { heapBytes, pystackWords, memCapBytes, fastFd }
    const h = new Int32Array(SAB, 0, L.HEADER_INTS);
    const sab8 = new Uint8Array(SAB);

    // ---- determinism: clock and randomness of this realm come from the host ----
    let rng = 0x9e3779b9 | 0;
    const seedRng = (s) => { rng = (s | 0) || 0x9e3779b9; };
    const nextU32 = () => {
      // xorshift32
      let x = rng;
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      rng = x | 0;
      return x >>> 0;
    };
    const EPOCH_MS = 1704067200000; // 2024-01-01T00:00:00Z + virtual ms
    const vtime = () => (h[L.VT_HI] >>> 0) * 4294967296 + (h[L.VT_LO] >>> 0);
    Date.now = () => EPOCH_MS + vtime();
    Math.random = () => nextU32() / 4294967296;
    G.crypto = { getRandomValues(v) { for (let i = 0; i < v.length; i++) v[i] = nextU32(); return v; } };

    // ---- wasm memory views (refreshed after growth) ----
    let mem = null, memBuf = null, m8 = null, m32 = null;
    const views = () => {
      const b = mem.buffer;
      if (b !== memBuf) { memBuf = b; m8 = new Uint8Array(b); m32 = new Int32Array(b); }
    };

    // ---- crash reporting (never throws) ----
    let dead = false;
    function crash(why, arg) {
      if (dead) return;
      dead = true;
      try {
        h[L.WHY] = why;
        h[L.WHYARG] = arg | 0;
        h[L.OUTLEN] = outLen;
        h[L.OP] = L.OP_FINAL;
        h[L.A0] = why;
        Atomics.store(h, L.STATE, L.S_CRASHED);
        Atomics.store(h, L.FLAG, L.FLAG_REQ);
        Atomics.notify(h, L.FLAG);
        Atomics.notify(h, L.STATE);
      } catch (e) { /* nothing more to do */ }
    }
    class SandboxViolation extends Error {}
    class VmEnd extends Error {}

    // ---- output: bytes go straight into the SAB OUT area ----
    let outLen = 0;
    let outTotal = 0;
    function outBytes(src8, ptr, n) {
      while (n > 0) {
        if (outLen === L.OUT_SIZE) flush();
        const k = Math.min(n, L.OUT_SIZE - outLen);
        if (k < 32) { for (let i = 0; i < k; i++) sab8[L.OUT_OFF + outLen + i] = src8[ptr + i]; }
        else sab8.set(src8.subarray(ptr, ptr + k), L.OUT_OFF + outLen);
        outLen += k; ptr += k; n -= k; outTotal += k;
      }
      h[L.OUTLEN] = outLen; // published at once: a host that gives up on us (watchdog) still gets it
      h[L.OUTTOTAL_KB] = outTotal >>> 10;
    }
    function outByte(b) {
      if (outLen === L.OUT_SIZE) flush();
      sab8[L.OUT_OFF + outLen++] = b;
      h[L.OUTLEN] = outLen;
      outTotal++;
    }
    function flush() {
      h[L.OP] = L.OP_FLUSH;
      h[L.DLEN] = 0;
      h[L.ICAP] = 0;
      roundTrip();
    }

    // ---- the one blocking round trip ----
    const SPIN_MAX = opts.spinMax > 0 ? opts.spinMax : opts.spinMax === 0 ? 0 : L.SPIN_MAX;
    let spinFails = 0, spinProbe = 0;
    // Test hook (the host sets JITTER_MS at the claim): a random real delay before each request proves
    // that thread timing cannot change a run. Its own generator: the VM's seeded one is never touched.
    let jitter = 0, jrng = 0x2545f491, gcEach = false;
    const jitterCell = new Int32Array(new SharedArrayBuffer(4));
    function roundTrip() {
      if (dead) throw new SandboxViolation('VM is dead');
      if (jitter) {
        jrng ^= jrng << 13; jrng ^= jrng >>> 17; jrng ^= jrng << 5;
        Atomics.wait(jitterCell, 0, 0, ((jrng >>> 0) / 4294967296) * jitter);
      }
      h[L.OUTLEN] = outLen;
      h[L.MEMKB] = memBuf ? memBuf.byteLength >>> 10 : 0;
      h[L.CALLS]++;
      Atomics.store(h, L.FLAG, L.FLAG_REQ);
      const hostAsleep = Atomics.load(h, L.MAIN_SLEEP) !== 0;
      if (hostAsleep) Atomics.notify(h, L.FLAG);
      // Spin only while the host is awake (a sleeping host takes longer to wake than a spin
      // lasts, and spinning would take the core it needs); probe now and then to get back.
      const budget = spinFails < L.SPIN_GIVEUP || (++spinProbe % L.SPIN_PROBE) === 0 ? SPIN_MAX : 0;
      let n = budget;
      const ready = Atomics.load(h, L.FLAG) === L.FLAG_ANS; // already answered: no spin, no verdict
      while (Atomics.load(h, L.FLAG) !== L.FLAG_ANS) {
        if (--n > 0) continue;
        h[L.VM_SLEEPS]++;
        Atomics.store(h, L.VM_SLEEP, 1);
        while (Atomics.load(h, L.FLAG) !== L.FLAG_ANS) Atomics.wait(h, L.FLAG, L.FLAG_REQ);
        Atomics.store(h, L.VM_SLEEP, 0);
        n = -1;
        break;
      }
      // A spin pays only if the answer came early in it; a late success (the host was
      // descheduled) or a sleep counts as a failure.
      if (budget && !ready) { if (n > budget >> 1) spinFails = 0; else spinFails++; }
      outLen = 0; // the host took the output with the request
      h[L.OUTLEN] = 0;
    }

    // ---- /dev/k: one kernel call per read() of the 64-byte header ----
    let kstream = null;
    let kfd = -1;
    let lastAnsLen = 0;
    let lastAnsKind = 0;
    function errno(e) { return new FS.ErrnoError(e); }
    const EINVAL = 28, EFAULT = 21, EBUSY = 10;
    function kcall(p /* byte address of the header */, length) {
      views();
      if (length !== L.P_WORDS * 4 || (p & 3) !== 0 || p + length > memBuf.byteLength) throw errno(EINVAL);
      const w = p >> 2;
      const op = m32[w + L.P_OP];
      if (op === L.OP_REFETCH) return refetch(w);
      if (op === L.OP_BOOTCFG) return bootConfig(w);
      if (op < 0 || op >= L.OP_INTERNAL) throw errno(EINVAL);
      const optr = m32[w + L.P_OUTPTR] >>> 0, olen = m32[w + L.P_OUTLEN] | 0;
      const iptr = m32[w + L.P_INPTR] >>> 0;
      let icap = m32[w + L.P_INCAP] | 0;
      if (olen < 0 || olen > L.DATA_SIZE || (olen && optr + olen > memBuf.byteLength)) throw errno(EINVAL);
      if (icap < 0 || (icap && iptr + icap > memBuf.byteLength)) throw errno(EFAULT);
      if (icap > L.DATA_SIZE) icap = L.DATA_SIZE;
      h[L.OP] = op;
      h[L.A0] = m32[w + 1]; h[L.A0 + 1] = m32[w + 2]; h[L.A0 + 2] = m32[w + 3];
      h[L.A0 + 3] = m32[w + 4]; h[L.A0 + 4] = m32[w + 5]; h[L.A0 + 5] = m32[w + 6];
      h[L.TAGS] = m32[w + L.P_TAGS];
      h[L.DLEN] = olen;
      h[L.ICAP] = icap;
      if (olen) {
        if (olen < 64) for (let i = 0; i < olen; i++) sab8[L.DATA_OFF + i] = m8[optr + i];
        else sab8.set(m8.subarray(optr, optr + olen), L.DATA_OFF);
      }
      if (gcEach) exportsObj.gcp_collect(); // test hook: a collection with every frame that led here live
      roundTrip();
      views(); // memory cannot grow during the call, but keep it obviously right
      const kind = h[L.AKIND];
      if (kind === L.K_DIE) { dead = true; throw new VmEnd(); }
      let alen = kind === L.K_INT || kind === L.K_ERR ? 0 : h[L.ALEN] | 0;
      if (alen < 0 || alen > L.DATA_SIZE) { crash(L.W_PROTOCOL, 1); throw new SandboxViolation('bad answer'); }
      lastAnsLen = alen; lastAnsKind = kind;
      const n = alen < icap ? alen : icap;
      if (n) {
        if (n < 64) for (let i = 0; i < n; i++) m8[iptr + i] = sab8[L.DATA_OFF + i];
        else m8.set(sab8.subarray(L.DATA_OFF, L.DATA_OFF + n), iptr);
      }
      m32[w + L.P_KIND] = kind;
      m32[w + L.P_VAL] = h[L.AVAL];
      m32[w + L.P_INLEN] = alen; // may exceed icap: Python then REFETCHes with a bigger buffer
      m32[w + L.P_PENDING] = h[L.PENDING];
      return length;
    }
    function refetch(w) {
      // The last answer is still in DATA (nothing ran since): copy it again, no round trip.
      const iptr = m32[w + L.P_INPTR] >>> 0, icap = m32[w + L.P_INCAP] | 0;
      if (icap < 0 || (icap && iptr + icap > memBuf.byteLength)) throw errno(EFAULT);
      const n = Math.min(lastAnsLen, icap);
      m8.set(sab8.subarray(L.DATA_OFF, L.DATA_OFF + n), iptr);
      m32[w + L.P_KIND] = lastAnsKind;
      m32[w + L.P_INLEN] = lastAnsLen;
      return L.P_WORDS * 4;
    }
    function bootConfig(w) {
      // The host's boot configuration (bytes of JSON, in the boot message): no round trip.
      const cfg = opts.bootConfig;
      const iptr = m32[w + L.P_INPTR] >>> 0, icap = m32[w + L.P_INCAP] | 0;
      if (icap < 0 || (icap && iptr + icap > memBuf.byteLength)) throw errno(EFAULT);
      const n = Math.min(cfg.length, icap);
      m8.set(n === cfg.length ? cfg : cfg.subarray(0, n), iptr);
      m32[w + L.P_KIND] = L.K_BYTES;
      m32[w + L.P_INLEN] = cfg.length;
      return L.P_WORDS * 4;
    }
    const kdev_ops = {
      open(stream) {
        if (kstream) throw errno(EBUSY); // the bridge opens it once, at boot
        kstream = stream;
        kfd = stream.fd;
      },
      close(stream) { if (stream === kstream) { kstream = null; kfd = -1; } },
      read(stream, buffer, offset, length) { return kcall(offset, length); },
      write() { throw errno(EINVAL); },
    };

    // ---- the import whitelist ----
    const ALLOW = new Set([
      '__syscall_chdir', '__syscall_getcwd', '__syscall_mkdirat', '__syscall_openat', '__syscall_poll',
      '__syscall_getdents64', '__syscall_renameat', '__syscall_rmdir', '__syscall_fstat64', '__syscall_stat64',
      '__syscall_newfstatat', '__syscall_lstat64', '__syscall_statfs64', '__syscall_unlinkat',
      'fd_close', 'fd_sync', 'fd_seek', '_abort_js', '_emscripten_throw_longjmp',
    ]);
    const INVOKE = /^invoke_[vijfd]+$/; // call a wasm table entry, catch longjmp: wasm-only
    const trapIndex = (name) => { const i = TRAPPED.indexOf(name); return i < 0 ? TRAPPED.length - 1 : i; };
    function trap(name) {
      const idx = trapIndex(name);
      return function () {
        crash(L.W_VIOLATION, idx);
        throw new SandboxViolation('forbidden import ' + name);
      };
    }
    let memCap = opts.memCapBytes;
    let resizeHeap = null;
    function buildImports(glue) {
      const env = {}, wasi = {};
      const overrides = {
        // Bulk stdout/stderr: one copy per write() into the OUT area.
        fd_write(fd, iov, iovcnt, pnum) {
          if (fd !== 1 && fd !== 2) return glue.fd_write(fd, iov, iovcnt, pnum);
          views();
          let total = 0;
          for (let i = 0; i < iovcnt; i++) {
            const ptr = m32[(iov >> 2) + 2 * i] >>> 0, len = m32[(iov >> 2) + 2 * i + 1] >>> 0;
            if (ptr + len > memBuf.byteLength) return EFAULT;
            outBytes(m8, ptr, len);
            total += len;
          }
          m32[pnum >> 2] = total;
          return 0;
        },
        // Fast path for the bridge's fd: skip the FS layers (same checks as the device op).
        fd_read(fd, iov, iovcnt, pnum) {
          if (fd !== kfd || !opts.fastFd) return glue.fd_read(fd, iov, iovcnt, pnum);
          views();
          if (iovcnt !== 1) return EINVAL;
          try {
            m32[pnum >> 2] = kcall(m32[iov >> 2] >>> 0, m32[(iov >> 2) + 1] | 0);
            return 0;
          } catch (e) {
            if (e instanceof FS.ErrnoError) return e.errno;
            throw e;
          }
        },
        emscripten_resize_heap(requested) {
          requested >>>= 0;
          const target = Math.ceil(requested / 65536) * 65536;
          if (target > memCap) return 0; // malloc fails -> MicroPython MemoryError
          // Grow to exactly what is asked (emscripten would add 20%), then let the glue refresh its views.
          const cur = mem.buffer.byteLength;
          if (target > cur && mem.grow((target - cur) >>> 16) < 0) return 0;
          return glue.emscripten_resize_heap(requested);
        },
        // An import tries up to 9 paths that do not exist (a built-in module is looked for on the
        // filesystem first, every time it is imported): answer those without the glue's path walk.
        __syscall_stat64(path, buf) {
          if (fsTools) { views(); if (fsTools.surelyMissing(m8, path >>> 0)) return -fsTools.ENOENT; }
          return glue.__syscall_stat64(path, buf);
        },
        mp_js_ticks_ms: () => h[L.VT_LO] >>> 0,
        mp_js_time_ms: () => EPOCH_MS + vtime(),
        mp_js_random_u32: () => nextU32(),
        proxy_js_free_obj: () => {}, // a JsProxy was garbage-collected: nothing to free, nothing held
      };
      resizeHeap = overrides.emscripten_resize_heap;
      for (const imp of WebAssembly.Module.imports(MOD)) {
        const name = imp.name;
        let f;
        if (imp.kind !== 'function') throw new Error('unexpected import ' + name);
        if (Object.prototype.hasOwnProperty.call(overrides, name)) f = overrides[name];
        else if (ALLOW.has(name) || INVOKE.test(name)) f = glue[name];
        else f = trap(name); // the jsffi family and anything unknown
        if (typeof f !== 'function') throw new Error('missing import ' + name);
        (imp.module === 'env' ? env : wasi)[name] = f;
      }
      return { env, wasi_snapshot_preview1: wasi };
    }

    let exportsObj = null;
    const Module = {
      noInitialRun: true,
      print: noop,
      printErr: noop,
      // Fallback per-byte hooks (only if Python opens /dev/stdout itself).
      stdout: (c) => { if (c !== null) outByte(c); },
      stderr: (c) => { if (c !== null) outByte(c); },
      stdin: () => null,
      instantiateWasm(info, done) {
        const inst = new WebAssembly.Instance(MOD, buildImports(info.env));
        exportsObj = inst.exports;
        mem = inst.exports.memory;
        // Cap growth done by the glue itself, whatever it asks.
        const grow = WebAssembly.Memory.prototype.grow;
        mem.grow = function (pages) {
          const max = Math.floor(memCap / 65536) - (mem.buffer.byteLength >>> 16);
          return pages > max ? -1 : grow.call(mem, pages);
        };
        views();
        done(inst, MOD);
        return {};
      },
      onAbort: () => crash(L.W_ABORT, 0),
    };

    // ---- running Python: only through mp_js_do_exec with our own boot text ----
    let outStruct = 0;
    function exec(text) {
      const X = exportsObj;
      views();
      const n = text.length;
      const buf = X.malloc(n + 1);
      for (let i = 0; i < n; i++) m8[buf + i] = text.charCodeAt(i) & 0x7f;
      m8[buf + n] = 0;
      X.mp_js_do_exec(buf, n, outStruct);
      X.free(buf);
      views();
      const kind = m32[outStruct >> 2];
      if (kind === -1) {
        // Uncaught Python exception (text: "Type\x04Traceback..."): hand it to the host as output.
        const len = m32[(outStruct >> 2) + 1], ptr = m32[(outStruct >> 2) + 2] >>> 0;
        if (len > 0 && ptr + len <= memBuf.byteLength) outBytes(m8, ptr, len);
        return false;
      }
      return true;
    }

    function onReady(M) {
      FS = M.FS;
      fsTools = makeFsTools(FS, opts);
      fsTools.installQuota();
      const X = exportsObj;
      // Restored from the snapshot of a booted VM of this boot (sandbox/snapshot.js), or booted.
      const snap = snapTools.usable(msg.restore, X.emscripten_stack_get_current(), memCap);
      if (!snap) {
        X.mp_js_init(opts.pystackWords, opts.heapBytes);
        X.proxy_c_init();
        outStruct = X.malloc(16);
      }
      // A device number of its own: emscripten numbers its devices from major 64 up (64 is /dev/random),
      // and registering over one would make that path a second way to the bridge.
      FS.createDevice.major ??= 64;
      const dev = FS.makedev(FS.createDevice.major++, 0);
      if (FS.devices[dev]) throw new Error('the bridge device number is taken');
      FS.registerDevice(dev, kdev_ops);
      FS.mkdev('/dev/k', 0o600, dev);
      // Our modules live in /.frozen: they are the board's frozen modules (the user's /lib is the flash's).
      FS.mkdirTree('/.frozen');
      for (const name of Object.keys(lib)) {
        const slash = name.lastIndexOf('/');
        if (slash > 0) FS.mkdirTree('/.frozen/' + name.slice(0, slash)); // packages: asyncio/core.py
        FS.writeFile('/.frozen/' + name, lib[name]);
      }
      // Import the bridge and boot modules now (compiled before any claim).
      // /.frozen first: our modules (asyncio, ...) win over the build's frozen ones.
      // _boot.prepare() installs the device's modules (boot configuration only: no host call).
      if (snap) {
        // The booted VM's memory (its heap, modules, the prepared device) and the stream Python holds.
        if (!snapTools.restore(msg.restore, snap, mem, resizeHeap, FS)) { crash(L.W_UNCAUGHT, 2); return; }
        ({ outStruct, rng } = snap.state);
        h[L.CALLS] = snap.state.calls;
        h[L.RESTORED] = 1;
      } else if (!exec('import sys\nsys.path.insert(0, "/.frozen")\nimport _boot\n_boot.prepare()')) { crash(L.W_UNCAUGHT, 0); return; }
      FS.unlink('/dev/k'); // nobody opens it again; the bridge keeps its fd
      if (snap && !snapTools.settle(snap, FS)) { crash(L.W_UNCAUGHT, 2); return; }
      // Asked by the host: what this VM is now (only our own code ran) for the next VMs of its boot.
      const state = { sp: X.emscripten_stack_get_current(), outStruct, rng, calls: h[L.CALLS] };
      if (!snap && msg.snapshotSab && outTotal === 0) snapTools.capture(msg.snapshotSab, mem, state, FS);
      // Test hook (the host's attack runner only): code compiled by the worker from the runner's
      // text, standing for "an attacker already runs JS in this realm", sees everything we hold.
      const probe = G.__probe;
      delete G.__probe;
      if (typeof probe === 'function') {
        return Promise.resolve()
          .then(() => probe({ Module: M, FS, exports: exportsObj, memory: mem, sab: SAB, h, sab8, module: MOD, kdev_ops, msg, Module_cfg: Module }))
          .then((r) => { const t = String(r); for (let i = 0; i < t.length; i++) outByte(t.charCodeAt(i) & 0x7f); },
            (e) => { const t = 'probe threw ' + e; for (let i = 0; i < t.length; i++) outByte(t.charCodeAt(i) & 0x7f); })
          .then(() => idleThenRun());
      }
      return idleThenRun();
    }
    function idleThenRun() {
      // ---- pooled: wait to be claimed ----
      Atomics.store(h, L.STATE, L.S_IDLE);
      Atomics.notify(h, L.STATE);
      for (;;) {
        if (Atomics.load(h, L.CLAIM) === L.C_SENT) break;
        const r = Atomics.wait(h, L.CLAIM, L.C_IDLE, L.IDLE_MS);
        if (r === 'timed-out' && Atomics.compareExchange(h, L.CLAIM, L.C_IDLE, L.C_RETIRED) === L.C_IDLE) {
          Atomics.store(h, L.STATE, L.S_RETIRED);
          Atomics.notify(h, L.STATE);
          return;
        }
      }
      seedRng(h[L.SEED]);
      jitter = h[L.JITTER_MS] | 0;
      gcEach = h[L.GC_EACH] === 1;
      if (h[L.MEMCAP_KB] > 0) memCap = Math.min(memCap, h[L.MEMCAP_KB] * 1024); // cap from the claim
      Atomics.store(h, L.STATE, L.S_RUNNING);
      let ok;
      try {
        ok = exec('_boot.main()');
      } catch (e) {
        if (!(e instanceof VmEnd)) throw e;
        // Ended by the host after EXIT: nothing of this VM runs again; the worker may boot the next one.
        Atomics.store(h, L.STATE, L.S_DONE);
        Atomics.notify(h, L.STATE);
        return;
      }
      // Normal end: _boot already made its EXIT call (the host stops us there). Getting here means
      // the script's top level returned without it, or _boot itself failed.
      if (!dead) {
        h[L.OP] = L.OP_FINAL;
        h[L.A0] = ok ? L.W_NONE : L.W_UNCAUGHT;
        h[L.DLEN] = 0;
        h[L.ICAP] = 0;
        try { roundTrip(); } catch (e) { /* host gone */ }
        Atomics.store(h, L.STATE, ok ? L.S_DONE : L.S_CRASHED);
        Atomics.notify(h, L.STATE);
      }
    }
    let FS = null;
    let fsTools = null;
    const onFatal = (e) => {
      const name = e && typeof e === 'object' && typeof e.name === 'string' ? e.name : '';
      crash(e instanceof SandboxViolation ? L.W_VIOLATION : L.W_ABORT, name === 'RuntimeError' ? 1 : 0);
    };
    try {
      createGlue()
        .then((create) => create(Module))
        .then((M) => onReady(M))
        .then(undefined, onFatal);
    } catch (e) {
      onFatal(e);
    }
  };
})();
