// The VM's JavaScript side, evaluated as a classic script INSIDE the sealed node:vm context
// (codeGeneration {strings:false, wasm:false}) after the emscripten glue. It sees only this realm's
// builtins and what __kernelStart(msg) receives (deserialized here: SAB, compiled module, layout, /lib).
// Jobs: instantiate the wasm with a WHITELISTED import object (jsffi and unknown imports trap: fail
// closed); carry kernel calls over bytes (read() of a 16-int header on /dev/k: one SAB round trip,
// the answer written back into Python's buffer; a VM that shares its thread (opts.suspend) returns a
// promise instead and JSPI sets its wasm stack aside, sandbox/handover.js); copy fd 1/2 writes in bulk
// into the SAB OUT area; take clock and randomness from the host; cap memory growth (enforced).
'use strict';
(function () {
  const G = globalThis;
  const { Atomics, Error, Int32Array, JSON, Math, Object, Promise, String, Uint8Array, WebAssembly } = G; // local: handover.js says why
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
    const makeHandover = G.__mpHandover; // sandbox/handover.js
    delete G.__mpHandover;
    const snapTools = G.__mpSnapshot(); // sandbox/snapshot.js
    delete G.__mpSnapshot;
    const makeFlash = G.__mpFlash; // sandbox/flash.js
    delete G.__mpFlash;
    const L = msg.layout;
    const TRAPPED = msg.trapped;
    const MOD = msg.module;
    const SAB = msg.sab;
    const lib = msg.lib; // { name: UTF-8 bytes }
    const opts = msg.opts; // { heapBytes, pystackWords, memCapBytes, fastFd }
    const h = new Int32Array(SAB, 0, L.HEADER_INTS);
    const sab8 = new Uint8Array(SAB);

    // ---- determinism and the import whitelist (sandbox/rules.js) ----
    const rules = G.__mpRules(h, L, TRAPPED, (idx, name) => { crash(L.W_VIOLATION, idx); throw new SandboxViolation('forbidden import ' + name); });
    delete G.__mpRules;
    const { nextU32, vtime, EPOCH_MS } = rules;

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
        h[L.WHY] = why; h[L.WHYARG] = arg | 0; h[L.OUTLEN] = outLen;
        h[L.OP] = L.OP_FINAL; h[L.A0] = why;
        Atomics.store(h, L.STATE, L.S_CRASHED); Atomics.store(h, L.FLAG, L.FLAG_REQ);
        Atomics.notify(h, L.FLAG); Atomics.notify(h, L.STATE);
      } catch (e) { /* nothing more to do */ }
    }
    class SandboxViolation extends Error {}
    class VmEnd extends Error {}
    class VmRewind extends Error {}

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
    function flushRequest() { h[L.OP] = L.OP_FLUSH; h[L.DLEN] = 0; h[L.ICAP] = 0; }
    function flush() { flushRequest(); roundTrip(); }
    /** outBytes from the wasm memory for a VM that shares its thread: null when done, or a promise (it had to flush). */
    function outBytesAsync(ptr, n) {
      while (n > 0) {
        if (outLen === L.OUT_SIZE) {
          flushRequest();
          const wait = roundTripAsync();
          if (wait) return wait.then(() => outBytesAsync(ptr, n));
        }
        const k = Math.min(n, L.OUT_SIZE - outLen);
        outBytes(m8, ptr, k);
        ptr += k; n -= k;
      }
      return null;
    }
    const after = (v, f) => (v !== null && typeof v === 'object' && typeof v.then === 'function' ? v.then(f) : f(v));

    // ---- the one blocking round trip (sandbox/handover.js): the thread blocks, or (ASYNC) the VM's stack is set aside ----
    const ASYNC = opts.suspend === true;
    const hand = makeHandover(h, L, opts);
    const flash = !ASYNC && opts.flashOps ? makeFlash(h, L, sab8, opts.flashOps, hand, roundTrip) : null; // a VM with its thread to itself
    let gcEach = false;
    function postRequest(async) {
      if (dead) throw new SandboxViolation('VM is dead');
      hand.jitterWait();
      h[L.OUTLEN] = outLen;
      h[L.MEMKB] = memBuf ? memBuf.byteLength >>> 10 : 0;
      h[L.CALLS]++;
      return hand.post(async);
    }
    // The host took the output and the calls put off with the request (it set the batch's count to 0).
    function answered() { outLen = 0; h[L.OUTLEN] = 0; hand.batchTaken(); }
    function roundTrip() { postRequest(false); answered(); }
    /** null once answered, or a promise of the answer (ASYNC only). */
    function roundTripAsync() {
      const p = postRequest(true);
      if (!p) { answered(); return null; }
      return p.then(answered);
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
      // The last answer again, into a bigger buffer: it is still in DATA (nothing ran since).
      if (op === L.OP_REFETCH) return ownAnswer(w, sab8.subarray(L.DATA_OFF, L.DATA_OFF + lastAnsLen), lastAnsKind);
      // The host's boot configuration (bytes of JSON, in the boot message).
      if (op === L.OP_BOOTCFG) return ownAnswer(w, opts.bootConfig, L.K_BYTES);
      if (op < 0 || op >= L.OP_INTERNAL) throw errno(EINVAL);
      const optr = m32[w + L.P_OUTPTR] >>> 0, olen = m32[w + L.P_OUTLEN] | 0;
      const iptr = m32[w + L.P_INPTR] >>> 0;
      let icap = m32[w + L.P_INCAP] | 0;
      if (olen < 0 || olen > L.DATA_SIZE || (olen && optr + olen > memBuf.byteLength)) throw errno(EINVAL);
      if (icap < 0 || (icap && iptr + icap > memBuf.byteLength)) throw errno(EFAULT);
      if (icap > L.DATA_SIZE) icap = L.DATA_SIZE;
      let tags = m32[w + L.P_TAGS];
      if (tags & L.TAG_DEFER) {
        tags &= ~L.TAG_DEFER;
        if (olen === 0 && hand.defer(m32, w, op, tags, outLen)) return length;
      }
      if (flash !== null && flash.answer(op, m32, w, m8, optr, olen, tags) !== flash.HOST) return kanswer(w, iptr, icap, length);
      h[L.OP] = op;
      h[L.A0] = m32[w + 1]; h[L.A0 + 1] = m32[w + 2]; h[L.A0 + 2] = m32[w + 3];
      h[L.A0 + 3] = m32[w + 4]; h[L.A0 + 4] = m32[w + 5]; h[L.A0 + 5] = m32[w + 6];
      h[L.TAGS] = tags;
      h[L.DLEN] = olen;
      h[L.ICAP] = icap;
      if (olen) {
        if (olen < 64) for (let i = 0; i < olen; i++) sab8[L.DATA_OFF + i] = m8[optr + i];
        else sab8.set(m8.subarray(optr, optr + olen), L.DATA_OFF);
      }
      if (gcEach) exportsObj.gcp_collect(); // test hook: a collection with every frame that led here live
      if (!ASYNC) {
        roundTrip();
        return kanswer(w, iptr, icap, length);
      }
      const wait = roundTripAsync();
      return wait ? wait.then(() => kanswer(w, iptr, icap, length)) : kanswer(w, iptr, icap, length);
    }
    /** ASYNC: ended by the host; the stack stays set aside (never resumed) until the thread ends (vm.ts SUSPENDED_STACK_KB). */
    function ended() { Atomics.store(h, L.STATE, L.S_DONE); Atomics.notify(h, L.STATE); return new Promise(() => {}); }
    /** The host's answer into Python's header and buffer (after the round trip of kcall). */
    function kanswer(w, iptr, icap, length) {
      views(); // memory cannot grow during the call, but keep it obviously right
      const kind = h[L.AKIND];
      if (kind === L.K_REWIND && rewindable()) throw new VmRewind();
      if (kind === L.K_DIE || kind === L.K_REWIND) { dead = true; if (ASYNC) return ended(); throw new VmEnd(); }
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
    /** A call the VM answers itself, with no round trip: `src` into Python's answer buffer, as kanswer would. */
    function ownAnswer(w, src, kind) {
      const iptr = m32[w + L.P_INPTR] >>> 0, icap = m32[w + L.P_INCAP] | 0;
      if (icap < 0 || (icap && iptr + icap > memBuf.byteLength)) throw errno(EFAULT);
      const n = Math.min(src.length, icap);
      m8.set(n === src.length ? src : src.subarray(0, n), iptr);
      m32[w + L.P_KIND] = kind;
      m32[w + L.P_INLEN] = src.length;
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

    let memCap = opts.memCapBytes;
    let resizeHeap = null;
    function buildImports(glue) {
      const overrides = {
        // Bulk stdout/stderr: one copy per write() into the OUT area.
        fd_write(fd, iov, iovcnt, pnum) {
          if (fd !== 1 && fd !== 2) return glue.fd_write(fd, iov, iovcnt, pnum);
          views();
          let total = 0, i = 0;
          const rest = () => {
            for (; i < iovcnt; i++) {
              const ptr = m32[(iov >> 2) + 2 * i] >>> 0, len = m32[(iov >> 2) + 2 * i + 1] >>> 0;
              if (ptr + len > memBuf.byteLength) return EFAULT;
              total += len;
              if (!ASYNC) outBytes(m8, ptr, len);
              else {
                const wait = outBytesAsync(ptr, len);
                if (wait) { i++; return wait.then(rest); }
              }
            }
            m32[pnum >> 2] = total;
            return 0;
          };
          return rest();
        },
        // Fast path for the bridge's fd: skip the FS layers (same checks as the device op).
        fd_read(fd, iov, iovcnt, pnum) {
          if (fd !== kfd || !opts.fastFd) return glue.fd_read(fd, iov, iovcnt, pnum);
          views();
          if (iovcnt !== 1) return EINVAL;
          const failed = (e) => { if (e instanceof FS.ErrnoError) return e.errno; throw e; };
          try {
            const r = kcall(m32[iov >> 2] >>> 0, m32[(iov >> 2) + 1] | 0);
            if (typeof r === 'number') { m32[pnum >> 2] = r; return 0; }
            return r.then((n) => { m32[pnum >> 2] = n; return 0; }, failed); // ASYNC: the VM's stack waits aside
          } catch (e) {
            return failed(e);
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
      // The build's suspendable forms of the two (wasm/jspi.mjs): the suspender comes first. A VM that
      // shares its thread hands them to JSPI, which sets the wasm stack aside while a promise is pending.
      // (JSPI's wrapper takes the suspender: the function itself gets the four words.)
      const type = { parameters: ['externref', 'i32', 'i32', 'i32', 'i32'], results: ['i32'] };
      const sfn = (f) => (ASYNC ? new WebAssembly.Function(type, f, { suspending: 'first' }) : (s, a, b, c, d) => f(a, b, c, d));
      overrides.gcp_fd_read_s = sfn(overrides.fd_read);
      overrides.gcp_fd_write_s = sfn(overrides.fd_write);
      resizeHeap = overrides.emscripten_resize_heap;
      return rules.link(MOD, glue, overrides);
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
    let execAsync = null; // ASYNC: mp_js_do_exec_s behind JSPI's promising wrapper
    /** Runs Python text: true if it ended normally; ASYNC: a promise of that. */
    function exec(text) {
      const X = exportsObj;
      views();
      const n = text.length;
      const buf = X.malloc(n + 1);
      for (let i = 0; i < n; i++) m8[buf + i] = text.charCodeAt(i) & 0x7f;
      m8[buf + n] = 0;
      const ended = () => {
        X.free(buf);
        views();
        const kind = m32[outStruct >> 2];
        if (kind !== -1) return true;
        // Uncaught Python exception (text: "Type\x04Traceback..."): hand it to the host as output.
        const len = m32[(outStruct >> 2) + 1], ptr = m32[(outStruct >> 2) + 2] >>> 0;
        if (!(len > 0 && ptr + len <= memBuf.byteLength)) return false;
        if (!ASYNC) { outBytes(m8, ptr, len); return false; }
        return after(outBytesAsync(ptr, len), () => false);
      };
      if (!ASYNC) {
        X.mp_js_do_exec(buf, n, outStruct);
        return ended();
      }
      execAsync ??= new WebAssembly.Function({ parameters: ['i32', 'i32', 'i32'], results: ['externref'] }, X.mp_js_do_exec_s, { promising: 'first' });
      return Promise.resolve(execAsync(buf, n, outStruct)).then(ended); // (a run that never suspended returns no promise)
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
        FS.writeFile('/.frozen/' + name, lib[name], { canOwn: true }); // the boot message's copy is this VM's own: no second one
      }
      // Import the bridge and boot modules now (compiled before any claim).
      // /.frozen first: our modules (asyncio, ...) win over the build's frozen ones.
      // _boot.prepare() installs the device's modules (boot configuration only: no host call).
      if (snap) {
        // The booted VM's memory (its heap, modules, the prepared device) and the stream Python holds.
        if (!snapTools.restore(msg.restore, snap, mem, resizeHeap, FS)) { crash(L.W_UNCAUGHT, 2); return; }
        outStruct = snap.state.outStruct; rules.rng = snap.state.rng;
        h[L.CALLS] = snap.state.calls;
        h[L.RESTORED] = 1;
        return prepared(M, X, snap);
      }
      return after(exec('import sys\nsys.path.insert(0, "/.frozen")\nimport _boot\n_boot.prepare()'), (ok) => (ok ? prepared(M, X, snap) : crash(L.W_UNCAUGHT, 0)));
    }
    function prepared(M, X, snap) {
      FS.unlink('/dev/k'); // nobody opens it again; the bridge keeps its fd
      if (snap && !snapTools.settle(snap, FS)) { crash(L.W_UNCAUGHT, 2); return; }
      if (snap && !ASYNC) boot = { snap, fs: fsTools.checkpoint(), kstream, kfd }; // what a rewind puts back
      // Asked by the host: what this VM is now (only our own code ran) for the next VMs of its boot.
      const state = { sp: X.emscripten_stack_get_current(), outStruct, rng: rules.rng, calls: h[L.CALLS] };
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
    // ---- rewinding after a run (K_REWIND): back to the VM this one was restored as ----
    let boot = null; // { snap, fs }: the snapshot's description and the filesystem's checkpoint
    const rewindable = () => boot !== null && !ASYNC && mem.buffer.byteLength === boot.snap.memBytes;
    function rewind() {
      // The memory (its heap, modules, stack), the stack pointer (the only mutable wasm global that
      // moves; the others are fixed after init or unread), the filesystem and this file's own state.
      if (!snapTools.restoreMemory(msg.restore, boot.snap, mem, () => false)) { crash(L.W_UNCAUGHT, 2); return; }
      exportsObj._emscripten_stack_restore(boot.snap.state.sp);
      fsTools.rollback(boot.fs);
      ({ kstream, kfd } = boot);
      outStruct = boot.snap.state.outStruct; rules.rng = boot.snap.state.rng;
      h[L.CALLS] = boot.snap.state.calls;
      outLen = 0; outTotal = 0; h[L.OUTLEN] = 0; h[L.OUTTOTAL_KB] = 0;
      hand.batchTaken(true);
      lastAnsLen = 0; lastAnsKind = 0;
      gcEach = false;
      memCap = opts.memCapBytes;
      hand.setJitter(0);
      rewinds++;
      // From a fresh microtask: the run's frames are gone first (a VM rewound many times never nests).
      Promise.resolve().then(idleThenRun).then(undefined, onFatal);
    }
    // Every TURN_EVERY rewinds, the claim is waited for without holding the thread (Atomics.waitAsync):
    // its event loop, and V8's tasks on it, get a turn, so a VM rewound many times needs no new realm
    // for them. Not every time: an asynchronous wake costs the host more than a blocked thread's.
    // The claim's words are read the same way: this changes no run.
    const TURN_EVERY = 64;
    let rewinds = 0;
    function idleThenRun() {
      // ---- pooled: wait to be claimed (or retire) ----
      Atomics.store(h, L.STATE, L.S_IDLE);
      Atomics.notify(h, L.STATE);
      return after(hand.claimed(ASYNC || (rewinds > 0 && rewinds % TURN_EVERY === 0)), (claimed) => claimed && run());
    }
    function run() {
      rules.seed(h[L.SEED]);
      if (flash !== null) flash.reset();
      hand.setJitter(h[L.JITTER_MS] | 0);
      gcEach = (h[L.RUN_FLAGS] & L.RUN_GC_EACH) !== 0;
      hand.setSpin((h[L.RUN_FLAGS] & L.RUN_NO_SPIN) === 0);
      if (h[L.MEMCAP_KB] > 0) memCap = Math.min(memCap, h[L.MEMCAP_KB] * 1024); // cap from the claim
      Atomics.store(h, L.STATE, L.S_RUNNING);
      const killed = (e) => {
        if (e instanceof VmRewind) return rewind();
        if (!(e instanceof VmEnd)) throw e;
        // Ended by the host after EXIT: nothing of this VM runs again; the worker may boot the next one.
        Atomics.store(h, L.STATE, L.S_DONE);
        Atomics.notify(h, L.STATE);
      };
      // Normal end: _boot already made its EXIT call (the host stops us there). Getting here means
      // the script's top level returned without it, or _boot itself failed.
      const returned = (ok) => {
        if (dead) return;
        h[L.OP] = L.OP_FINAL;
        h[L.A0] = ok ? L.W_NONE : L.W_UNCAUGHT;
        h[L.DLEN] = 0; h[L.ICAP] = 0;
        const last = () => { Atomics.store(h, L.STATE, ok ? L.S_DONE : L.S_CRASHED); Atomics.notify(h, L.STATE); };
        let wait = null;
        try { if (ASYNC) wait = roundTripAsync(); else roundTrip(); } catch (e) { /* host gone */ }
        return wait ? wait.then(last) : last();
      };
      if (ASYNC) return exec('_boot.main()').then(returned, killed);
      let ok;
      try {
        ok = exec('_boot.main()');
      } catch (e) {
        return killed(e);
      }
      return returned(ok);
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
