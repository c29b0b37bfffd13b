// The VM's half of the hand-over on its SharedArrayBuffer (the host's half: bridge/handover.ts),
// evaluated like kernel.js inside the sealed node:vm context, before it; kernel.js takes
// __mpHandover and deletes it. A TypeScript device's worker (typescript/worker.js) requires this
// file in its own realm and uses post(false) the same way. After a request is posted: a bounded, adaptive spin, then
//  * wait(false): Atomics.wait, the thread blocks (a VM that has its thread to itself);
//  * wait(true):  Atomics.waitAsync, a promise (a VM that shares its thread: its wasm stack is
//    set aside, JSPI, and the thread runs the other VMs' answers meanwhile).
// Both spin the same way and post the same words: which one a VM uses changes no answer.
// The same two ways for a pooled VM's wait for its claim.
// And the batch of calls put off (defer): they go with the next request posted.
(function () {
  'use strict';
  const G = globalThis;
  // The realm's builtins as local bindings: a global read in a node:vm context goes through the
  // context's C++ interceptor every time (a hand-over's spin reads Atomics up to a thousand times).
  const { Atomics, Int32Array, Promise, SharedArrayBuffer, Uint8Array } = G;
  G.__mpHandover = function (h, L, opts) {
    // Failed spins in a row, per op (slot: op & (LAYOUT.SPIN_SLOTS - 1)), and, once a slot gave up,
    // its waits since (a probe every SPIN_PROBE of them: a count shared by the ops would probe the
    // same one of a loop's two calls every time).
    const spinFails = new Uint8Array(L.SPIN_SLOTS);
    const spinSkips = new Uint8Array(L.SPIN_SLOTS);
    let spinMax = L.SPIN_MAX; // 0 for a run with RUN_NO_SPIN
    // Test hook (the host sets JITTER_MS at the claim): a random real delay before each request proves
    // that thread timing cannot change a run. Its own generator: the VM's seeded one is never touched.
    let jitter = 0, jrng = 0x2545f491;
    const jitterCell = new Int32Array(new SharedArrayBuffer(4));
    function jitterWait() {
      if (!jitter) return;
      jrng ^= jrng << 13; jrng ^= jrng >>> 17; jrng ^= jrng << 5;
      Atomics.wait(jitterCell, 0, 0, ((jrng >>> 0) / 4294967296) * jitter);
    }
    function sleepSync() {
      Atomics.store(h, L.VM_SLEEP, 1);
      while (Atomics.load(h, L.FLAG) !== L.FLAG_ANS) Atomics.wait(h, L.FLAG, L.FLAG_REQ);
      Atomics.store(h, L.VM_SLEEP, 0);
    }
    function sleepAsync() {
      Atomics.store(h, L.VM_SLEEP, 1);
      return new Promise((resolve) => {
        const check = () => {
          if (Atomics.load(h, L.FLAG) === L.FLAG_ANS) {
            Atomics.store(h, L.VM_SLEEP, 0);
            resolve();
            return;
          }
          const r = Atomics.waitAsync(h, L.FLAG, L.FLAG_REQ);
          if (r.async) r.value.then(check);
          else check();
        };
        check();
      });
    }
    /** Posts the request already written; null once the answer is there, or (async) a promise of it. */
    function post(async) {
      Atomics.store(h, L.FLAG, L.FLAG_REQ);
      const hostAsleep = Atomics.load(h, L.MAIN_SLEEP) !== 0;
      if (hostAsleep) Atomics.notify(h, L.FLAG);
      // Spin only while the host is awake (a sleeping host takes longer to wake than a spin
      // lasts, and spinning would take the core it needs); probe now and then to get back.
      const slot = h[L.OP] & (L.SPIN_SLOTS - 1);
      const fails = spinFails[slot];
      const budget = fails < L.SPIN_GIVEUP || (++spinSkips[slot] % L.SPIN_PROBE) === 0 ? spinMax : 0;
      let n = budget;
      const ready = Atomics.load(h, L.FLAG) === L.FLAG_ANS; // already answered: no spin, no verdict
      let slept = false;
      while (Atomics.load(h, L.FLAG) !== L.FLAG_ANS) {
        if (--n > 0) continue;
        slept = true;
        n = -1;
        break;
      }
      // A spin pays only if the answer came early in it; a late success (the host was
      // descheduled) or a sleep counts as a failure.
      if (budget && !ready) spinFails[slot] = n > budget >> 1 ? 0 : (fails < 255 ? fails + 1 : 255);
      if (!slept) return null;
      if (async) return sleepAsync();
      sleepSync();
      return null;
    }
    // ---- calls put off (TAG_DEFER, bridge/protocol.ts DEFERRABLE_OPS): queued in the SAB's batch area ----
    const b32 = new Int32Array(h.buffer, L.BATCH_OFF, L.BATCH_SIZE >> 2);
    let batchN = 0;
    /**
     * Queues the call in Python's header (m32 at word w; int arguments only), with the output length so
     * far, and answers it None at once; false when the batch is full (the call then makes a round trip).
     */
    function defer(m32, w, op, tags, outLen) {
      if (batchN >= L.BATCH_MAX) return false;
      let at = 1 + batchN * L.BATCH_ENTRY_WORDS;
      b32[at++] = op;
      for (let i = 1; i <= 6; i++) b32[at++] = m32[w + i];
      b32[at++] = tags;
      b32[at] = outLen;
      b32[0] = ++batchN;
      m32[w + L.P_KIND] = L.K_NONE;
      m32[w + L.P_VAL] = 0;
      m32[w + L.P_INLEN] = 0;
      m32[w + L.P_PENDING] = h[L.PENDING]; // still the last answer's
      return true;
    }
    /** The host took the batch with a request (it set its count to 0); `clear`: a rewound VM's, nobody took it. */
    function batchTaken(clear) {
      batchN = 0;
      if (clear) b32[0] = 0;
    }
    /** An unclaimed VM that waited IDLE_MS retires. */
    function retired(r) {
      if (r !== 'timed-out' || Atomics.compareExchange(h, L.CLAIM, L.C_IDLE, L.C_RETIRED) !== L.C_IDLE) return false;
      Atomics.store(h, L.STATE, L.S_RETIRED);
      Atomics.notify(h, L.STATE);
      return true;
    }
    /** A pooled VM waits for its claim: true once claimed, false when it retired; (async) a promise of that. */
    function claimed(async) {
      if (!async) {
        for (;;) {
          if (Atomics.load(h, L.CLAIM) === L.C_SENT) return true;
          if (retired(Atomics.wait(h, L.CLAIM, L.C_IDLE, L.IDLE_MS))) return false;
        }
      }
      return new Promise((resolve) => {
        const check = () => {
          if (Atomics.load(h, L.CLAIM) === L.C_SENT) return resolve(true);
          const r = Atomics.waitAsync(h, L.CLAIM, L.C_IDLE, L.IDLE_MS);
          if (!r.async) return retired(r.value) ? resolve(false) : check();
          r.value.then((v) => (retired(v) ? resolve(false) : check()));
        };
        check();
      });
    }
    return { post, claimed, jitterWait, defer, batchTaken, batched: () => batchN, setJitter(ms) { jitter = ms | 0; }, setSpin(on) { spinMax = on ? L.SPIN_MAX : 0; } };
  };
})();
