// JS-level probe for a recycled thread: every VM the thread hosts runs it at boot. It reports what it
// finds of an earlier VM (globals, prototypes, builtins, files), then plants the same marks itself,
// as an attacker in the first VM would to reach the next device's VM.
globalThis.__probe = function (env) {
  const marks = [];
  if ('__planted' in globalThis) marks.push('globalThis');
  if (Object.prototype.__planted) marks.push('Object.prototype');
  if (Array.prototype.__planted) marks.push('Array.prototype');
  if (Function.prototype.__planted) marks.push('Function.prototype');
  if (Atomics.__planted) marks.push('Atomics');
  if (WebAssembly.__planted) marks.push('WebAssembly');
  if (Int32Array.prototype.__planted) marks.push('Int32Array.prototype');
  if (env.FS.analyzePath('/tmp/planted').exists) marks.push('/tmp/planted');
  globalThis.__planted = 1;
  Object.prototype.__planted = 1;
  Array.prototype.__planted = 1;
  Function.prototype.__planted = 1;
  Atomics.__planted = 1;
  WebAssembly.__planted = 1;
  Int32Array.prototype.__planted = 1;
  env.FS.writeFile('/tmp/planted', 'from an earlier VM');
  return 'earlier VM marks seen: [' + marks.join(', ') + ']\n';
};
