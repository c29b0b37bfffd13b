/**
 * The binary protocol between the main thread and a script in a worker thread
 * (a sealed MicroPython VM, or a TypeScript device script): the layout of the
 * worker's SharedArrayBuffer and MicroPython's request header. Plain data: the
 * host hands it to the worker (for MicroPython, a copy deserialized in the
 * sandbox realm reaches the VM's JavaScript, micropython/sandbox/kernel.js;
 * a TypeScript worker speaks it through typescript/client.js).
 *
 * One kernel call: Python fills a 16-int header (op, six argument words,
 * argument tags, where its payload and answer buffers are) and calls
 * readinto() on the bridge device; the VM's JavaScript copies op, arguments
 * and payload into the SAB, sets FLAG=REQ and waits for FLAG=ANS; the host
 * writes the answer (kind, value, payload) and releases it. Int arguments and
 * int answers cross in header words: no JSON, no strings, no allocation.
 */

/** Argument tags, 3 bits each (TAGS word; argument i at bits 3i..3i+2). */
export const TAG = { NONE: 0, INT: 1, BOOL: 2, FLOAT: 3, STR: 4, BYTES: 5, JSON: 6 } as const;

export const LAYOUT = {
  // ---- Int32 header words ----
  /** Hand-over word: RUN (the VM owns the turn), REQ (request posted), ANS (answer posted). */
  FLAG: 0,
  OP: 1,
  /** A0..A5: the six argument words (an int, or the byte length of a payload argument). */
  A0: 2,
  /** Request payload bytes in DATA (payload arguments, in order). */
  DLEN: 8,
  /** How many answer bytes the VM can take. */
  ICAP: 9,
  AKIND: 10,
  /** Answer int: the value, an errno, or (JSON) the length of the JSON text. */
  AVAL: 11,
  /** Answer payload bytes in DATA. */
  ALEN: 12,
  /** stdout bytes waiting in OUT (written by the VM's JavaScript only). */
  OUTLEN: 13,
  /** Wasm memory in KiB, from memory.buffer (written by the VM's JavaScript, never by Python). */
  MEMKB: 14,
  STATE: 15,
  /** Why the VM stopped (W_*) and a detail (e.g. which import trapped); VM JavaScript only. */
  WHY: 16,
  WHYARG: 17,
  /** Virtual time in ms (the host writes it with each answer; the VM's clock reads it). */
  VT_LO: 18,
  VT_HI: 19,
  /** 1 while that side sleeps in Atomics.wait (the other side notifies only then). */
  MAIN_SLEEP: 20,
  VM_SLEEP: 21,
  /** Pooled VM hand-over: C_IDLE → C_SENT (claimed) or C_RETIRED (idle too long). */
  CLAIM: 22,
  /** Seed of the VM's own PRNG (mp_js_random_u32, os.urandom), written before the claim. */
  SEED: 23,
  /** Kernel calls made (diagnostics). */
  CALLS: 24,
  /** Output bytes so far / 1024 (VM JavaScript). */
  OUTTOTAL_KB: 25,
  /** Wasm memory cap of this run in KiB (host, before the claim). */
  MEMCAP_KB: 26,
  /** Argument tags of the request (TAG per argument). */
  TAGS: 27,
  /** Number of callbacks due on the device (the host sets it with each answer; Python runs them). */
  PENDING: 28,
  /** Test hook: the VM sleeps a random wall time up to this (ms) before each request (host, before the claim). */
  JITTER_MS: 29,
  /** The run's switches (host, before the claim): RUN_GC_EACH, RUN_NO_SPIN. */
  RUN_FLAGS: 30,
  /** 1 when the VM was restored from a snapshot of a booted VM instead of booting (VM JavaScript; tests). */
  RESTORED: 31,
  HEADER_INTS: 32,
  /** Test hook: the VM collects garbage at every kernel call (proves collection mid-run is safe). */
  RUN_GC_EACH: 1,
  /** The VM never spins for an answer (its host shares too few cores with other runs: run --jobs). */
  RUN_NO_SPIN: 2,

  FLAG_RUN: 0,
  FLAG_REQ: 1,
  FLAG_ANS: 2,

  // ---- answer kinds ----
  K_INT: 0,
  K_ERR: 1,
  K_NONE: 2,
  K_BOOL: 3,
  K_FLOAT: 4,
  K_STR: 5,
  K_BYTES: 6,
  /** JSON text in DATA[0, AVAL), then raw bytes DATA[AVAL, ALEN) (a value with one byte string in it). */
  K_JSON: 7,
  /** The host ends the VM after its exit call: its JavaScript unwinds the wasm, the thread can be reused. */
  K_DIE: 8,
  /**
   * The host ends the run after a kernel call and keeps the VM: its JavaScript unwinds the wasm and puts
   * the VM back as it was restored (memory, stack pointer, filesystem, its own words), then waits idle for
   * the next claim. Only a VM with its thread to itself that was restored from a snapshot and whose memory
   * did not grow; the host has reset the header words (STATE = S_BOOTING, CLAIM = C_IDLE) before it answers.
   */
  K_REWIND: 9,

  S_BOOTING: 0,
  S_IDLE: 1,
  S_RUNNING: 2,
  S_DONE: 3,
  S_CRASHED: 4,
  S_RETIRED: 5,

  W_NONE: 0,
  /** Python made the wasm call a forbidden import (the jsffi family). */
  W_VIOLATION: 1,
  /** Wasm trap, emscripten abort or an error in the VM's JavaScript. */
  W_ABORT: 2,
  /** An exception escaped the boot code (should not happen). */
  W_UNCAUGHT: 3,
  /** A malformed request. */
  W_PROTOCOL: 4,

  C_IDLE: 0,
  C_SENT: 1,
  C_RETIRED: 2,

  /** Op 0: intern an op name (payload) and answer its code; handled by the runtime, never the OS. */
  OP_INTERN: 0,
  /** Ops from here on are the VM JavaScript's own: Python gets EINVAL for them. */
  OP_INTERNAL: 0x7f00,
  /** Only carries output (OUT is full). */
  OP_FLUSH: 0x7f01,
  /** The VM's top level returned or crashed; A0 = WHY. */
  OP_FINAL: 0x7f02,
  /** Handled inside the VM: copy the last answer again into a bigger buffer. */
  OP_REFETCH: 0x7f03,
  /** Handled inside the VM: the boot configuration the host gave the VM's JavaScript (JSON, before any claim). */
  OP_BOOTCFG: 0x7f04,

  // ---- the Python header: array('i', 16) passed to readinto() ----
  P_OP: 0,
  /** P_A0..: six argument words. */
  P_A0: 1,
  P_OUTPTR: 7,
  P_OUTLEN: 8,
  P_INPTR: 9,
  P_INCAP: 10,
  P_KIND: 11,
  P_VAL: 12,
  P_INLEN: 13,
  P_TAGS: 14,
  /** Set by the VM with the answer: callbacks due (LAYOUT.PENDING). */
  P_PENDING: 15,
  P_WORDS: 16,

  DATA_OFF: 128,
  DATA_SIZE: 128 * 1024,
  OUT_OFF: 128 + 128 * 1024,
  OUT_SIZE: 16 * 1024,
  /**
   * Calls put off (see DEFERRABLE_OPS): the VM's JavaScript queues them here instead of a round trip
   * and they travel with its next request. Int32 words from BATCH_OFF: [0] how many (the VM adds, the
   * host sets 0 once it took them), then the entries, BATCH_ENTRY_WORDS each: op, A0..A5, tags, and
   * OUTLEN when the call was made (the output printed before it goes to the console before it).
   */
  BATCH_OFF: 128 + 144 * 1024,
  BATCH_SIZE: 4 * 1024,
  BATCH_ENTRY_WORDS: 9,
  /** Entries the batch holds: the whole ones after its count word, ((4096 >> 2) - 1) / 9 rounded down. */
  BATCH_MAX: 113,
  /** Bit of Python's tags word (P_TAGS): the call may be put off (py/_kern.py post()); never reaches the host. */
  TAG_DEFER: 1 << 30,
  TOTAL: 128 + 148 * 1024,

  /** Wall time an unclaimed pooled VM waits before it retires (its thread then boots a fresh one or ends). */
  IDLE_MS: 10_000,
  /**
   * Bounded, adaptive spins before Atomics.wait (iterations of Atomics.load, 5-25 ns each). A side spins
   * only when the other was awake when it handed over, gives up after SPIN_GIVEUP failed spins in a row and
   * then probes once every SPIN_PROBE waits: only the running VM and the main thread ever spin, briefly.
   * Each side keeps that count per op (SPIN_SLOTS): a sendto's answer comes at once and a
   * sleep's comes when the host has run up to its deadline, and one op's successes must not keep the
   * other spinning in vain (nor its failures stop the first). The budget covers a host that runs a
   * quiet network's events before it answers (a lone board's sleep(1): ~30 µs); a longer wait is a
   * futex wake, 13-43 µs of latency (npm run bench -- handover).
   */
  SPIN_MAX: 10_000,
  /**
   * Slots of a side's per-op spin counts; an op's slot is `op & (SPIN_SLOTS - 1)`: the interned codes
   * (below MAX_OPS) are their own slots and the internal ops (OP_INTERNAL + k) fall on 768 + k.
   */
  SPIN_SLOTS: 1024,
  /**
   * The main thread's spin while it waits for a worker's next request (handover.ts), counted per op it
   * last answered: longer, since it has nothing else to do meanwhile and a sleeping host costs the
   * worker a notify and itself a wake. It pays whenever the request comes within it: after a sleep's
   * answer that is the VM's own wake-up and its Python up to the next call (~35 µs with ten boards).
   */
  MAIN_SPIN_MAX: 25_000,
  SPIN_GIVEUP: 8,
  /** A divisor of 256: the per-slot count of skipped spins is a byte. */
  SPIN_PROBE: 64,
} as const;

export type Layout = typeof LAYOUT;

/** The wasm imports that reach JavaScript objects (jsffi): every one is a trap in the sealed VM. */
export const TRAPPED_IMPORTS = [
  'proxy_convert_mp_to_js_then_js_to_mp_obj_jsside',
  'proxy_convert_mp_to_js_then_js_to_js_then_js_to_mp_obj_jsside',
  'js_get_proxy_js_ref_info',
  'call0_kwarg',
  'calln_kwarg',
  'call1',
  'call2',
  'calln',
  'call0',
  'lookup_attr',
  'store_attr',
  'js_subscr_load',
  'js_subscr_store',
  'has_attr',
  'js_get_iter',
  'js_reflect_construct',
  'js_iter_next',
  'js_check_existing',
  'js_get_error_info',
  'js_then_resolve',
  'create_promise',
  'js_then_continue',
  'js_then_reject',
  '(unknown import)',
] as const;

/**
 * The calls a VM may put off and send with its next request (py/_kern.py post()), since their answer
 * is known before they are made: ok and None for a valid pin of a board with GPIO, and no callback
 * can become due by then (the script armed no interrupt source: no Timer, Pin.irq, ESP-NOW callback
 * or micropython.schedule). The host hands them to the OS in order, each at the virtual time it would
 * have had (one syscall after another, as before), so runs are unchanged; a failure of one would go
 * unreported, which is why nothing that can fail is in this list. UDP sendto is not: lwIP answers it
 * synchronously with the byte count or an error (EHOSTUNREACH, ENOMEM...) a script may act on.
 */
export const DEFERRABLE_OPS: readonly string[] = ['pin.write'];

/** What an op name may look like ("socket.recv", "_flush"): checked before it is interned. */
export const OP_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$/;
export const MAX_OPS = 512;

/**
 * Op names interned before a worker starts: codes 1..n in this order, on the host and (through
 * the boot configuration) in the VM's _kern, so the calls a boot and a usual script make cost no
 * interning round trip. Any other valid name is still interned on first use; a name here that the
 * OS does not know is refused as before. Every call py/ makes by a literal name is here (a test
 * checks it).
 */
export const KNOWN_OPS: readonly string[] = [
  'config', 'source', '_ready', 'exit', 'write', 'input', 'irq.resume', 'irq.push', 'irq.take',
  'fs.image', 'fs.ls', 'fs.mkdir', 'fs.open', 'fs.read', 'fs.remove', 'fs.rename', 'fs.stat', 'fs.statvfs', 'fs.write',
  'time.sleep', 'time.ticks_cpu', 'time.ticks_ms', 'time.ticks_us', 'time.time', 'time.time_ns',
  'socket.accept', 'socket.bind', 'socket.close', 'socket.connect', 'socket.listen', 'socket.poll', 'socket.recv',
  'socket.recvfrom', 'socket.send', 'socket.sendall', 'socket.sendto', 'socket.setblocking', 'socket.setsockopt',
  'socket.settimeout', 'socket.socket', 'resolve', 'hostname', 'stdin.read',
  'wlan.active', 'wlan.config', 'wlan.connect', 'wlan.disconnect', 'wlan.ifconfig', 'wlan.isconnected', 'wlan.scan',
  'wlan.setconfig', 'wlan.status',
  'pin.bitstream', 'pin.irq', 'pin.mode', 'pin.pwm', 'pin.read', 'pin.wake', 'pin.write',
  'adc.init', 'adc.width', 'dht.read', 'ow.rbits', 'ow.reset', 'ow.wbits', 'machine.reset', 'machine.unique_id',
  'power.cause', 'power.deepsleep', 'power.freq', 'power.lightsleep', 'rtc.get', 'rtc.memget', 'rtc.memset', 'rtc.set',
  'timer.deinit', 'timer.init', 'timer.value', 'wdt.feed', 'wdt.init',
];
