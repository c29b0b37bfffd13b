// JS-level probe: hand Node's error printer a value whose util.inspect hook, stack and message
// getters would run with outer-realm arguments (the classic vm escape through error printing),
// and an Error whose Error.prepareStackTrace would see the outer frames. The worker must end the
// thread without ever looking at them. Header words 30 and 31 record any call.
globalThis.__probe = function (env) {
  const h = env.h;
  const mark = (w, v) => Atomics.store(h, w, v);
  const evil = {
    [Symbol.for('nodejs.util.inspect.custom')](depth, options, inspect) {
      mark(30, 0x0bad);
      try {
        const p = (inspect || options.stylize).constructor('return process')();
        mark(31, p && p.pid ? 0x0dead : 1);
      } catch (e) { mark(31, 2); }
      return 'x';
    },
    get stack() { mark(31, 0x57ac); return 's'; },
    get message() { mark(31, 0x3e55); return 'm'; },
    get name() { mark(31, 0x4a3e); return 'n'; },
  };
  Error.prepareStackTrace = (e, cs) => { mark(30, 0x9e7); for (const c of cs) if (c.getFunction && c.getFunction()) mark(31, 0xf00); return 's'; };
  Promise.reject(evil); // unhandled rejection in the worker
  Promise.reject(new Error('with prepareStackTrace'));
  // Never resolves: the kernel never reaches its wait, so the worker's event loop sees the rejections.
  return new Promise(() => {});
};
