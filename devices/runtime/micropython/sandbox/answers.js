// The calls the VM's JavaScript answers itself, with no hand-over (evaluated like flash.js, inside the
// sealed node:vm context, before kernel.js, which takes __mpAnswers and deletes it):
//  * OP_REFETCH: the last answer again, into a bigger buffer (it is still in DATA: nothing ran since);
//  * OP_BOOTCFG: the boot configuration the host gave with the boot message (before any claim);
//  * the script's first 'config' call of a run: the run's configuration, which the host wrote into
//    DATA before the claim (LAYOUT.CFG_HEAD), put into the answer words and DATA as the host answers it
//    (K_JSON, the callbacks due then; kernel.js hands it to Python as any answer). The clock words then
//    stay the last answer's until the next one: a read of the clock before it first asks the host for
//    'config' again, which it answers at once, with the time (rules.js staleClock).
(function () {
  'use strict';
  const G = globalThis;
  // Local bindings of the realm's builtins (a global read here is an interceptor call: handover.js).
  const { Int32Array, Math } = G;
  /** `ended(kind)`: kernel.js unwinds the wasm when the host ended the run in its answer (K_DIE, K_REWIND). */
  G.__mpAnswers = function (h, L, sab8, opts, rules, roundTrip, ended) {
    const head = new Int32Array(sab8.buffer, L.DATA_OFF, L.CFG_HEAD >> 2);
    let run = null; // { bytes, pending }: until the script's first 'config' call of the run

    /** `n` of `bytes` into Python's buffer (its header at word w), with the kind and full length; false: the buffer is not in memory. */
    function put(m32, m8, w, bytes, n, kind, full) {
      const iptr = m32[w + L.P_INPTR] >>> 0, icap = m32[w + L.P_INCAP] | 0;
      if (icap < 0 || (icap && iptr + icap > m8.length)) return false;
      const k = Math.min(n, icap);
      m8.set(k === bytes.length ? bytes : bytes.subarray(0, k), iptr);
      m32[w + L.P_KIND] = kind;
      m32[w + L.P_INLEN] = full;
      return true;
    }
    const refetch = (m32, m8, w, len, kind) => put(m32, m8, w, sab8.subarray(L.DATA_OFF, L.DATA_OFF + len), len, kind, len);
    const bootConfig = (m32, m8, w) => put(m32, m8, w, opts.bootConfig, opts.bootConfig.length, L.K_BYTES, opts.bootConfig.length);

    /** At the claim: the run's configuration, if the host wrote one (a VM that shares its thread leaves it: its clock cannot wait). */
    function claimed(async) {
      const n = head[0];
      const ok = !async && opts.configOp > 0 && n > 0 && n <= L.DATA_SIZE - L.CFG_HEAD;
      run = ok ? { bytes: sab8.slice(L.DATA_OFF + L.CFG_HEAD, L.DATA_OFF + L.CFG_HEAD + n), pending: head[1] } : null;
      head[0] = 0;
    }
    /** True when the call is the run's first 'config' and is now answered in the answer words and DATA. */
    function config(op, olen, batched) {
      if (op !== opts.configOp || run === null || olen !== 0 || batched) return false;
      const { bytes, pending } = run;
      run = null;
      sab8.set(bytes, L.DATA_OFF);
      h[L.AKIND] = L.K_JSON;
      h[L.AVAL] = bytes.length;
      h[L.ALEN] = bytes.length;
      h[L.PENDING] = pending;
      rules.staleClock(refresh);
      return true;
    }
    function refresh() {
      rules.staleClock(null);
      h[L.OP] = opts.configOp;
      h[L.TAGS] = 0; h[L.DLEN] = 0; h[L.ICAP] = 0;
      roundTrip();
      ended(h[L.AKIND]);
    }
    /** A rewound VM: nothing of the last run's configuration stays. */
    function reset() { run = null; rules.staleClock(null); }
    return { refetch, bootConfig, claimed, config, reset };
  };
})();
