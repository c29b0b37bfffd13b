// Minimal wasm binary helpers (section walking, LEB128, limits rewrite, name-section injection).
// Only what patch.mjs needs; no dependency on binaryen.

export function readU32(buf, pos) {
  let result = 0, shift = 0, b;
  do {
    b = buf[pos++];
    result |= (b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  return [result >>> 0, pos];
}

export function u32leb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Lists sections: {id, start (of payload), end, headerStart, name (custom)}. */
export function sections(buf) {
  if (buf[0] !== 0 || buf[1] !== 0x61 || buf[2] !== 0x73 || buf[3] !== 0x6d) throw new Error('not a wasm binary');
  const out = [];
  let pos = 8;
  while (pos < buf.length) {
    const headerStart = pos;
    const id = buf[pos++];
    let size;
    [size, pos] = readU32(buf, pos);
    const s = { id, start: pos, end: pos + size, headerStart };
    if (id === 0) {
      const [len, p2] = readU32(buf, pos);
      s.name = new TextDecoder().decode(buf.subarray(p2, p2 + len));
    }
    out.push(s);
    pos += size;
  }
  return out;
}

function section(id, payload) {
  return Uint8Array.from([id, ...u32leb(payload.length), ...payload]);
}

function concat(parts) {
  const len = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Appends a "name" custom section naming globals (subsection 7). Fails if one exists. */
export function withGlobalNames(buf, names /* Map index->name */) {
  if (sections(buf).some((s) => s.id === 0 && s.name === 'name')) throw new Error('module already has a name section');
  const enc = new TextEncoder();
  const entries = [];
  for (const [idx, name] of names) {
    const b = enc.encode(name);
    entries.push(...u32leb(idx), ...u32leb(b.length), ...b);
  }
  const sub = [...u32leb(names.size), ...entries];
  const nameStr = enc.encode('name');
  const payload = [...u32leb(nameStr.length), ...nameStr, 7, ...u32leb(sub.length), ...sub];
  return concat([buf, section(0, payload)]);
}

/** Strips custom sections with the given names. */
export function stripCustom(buf, names) {
  const parts = [buf.subarray(0, 8)];
  for (const s of sections(buf)) {
    if (s.id === 0 && names.includes(s.name)) continue;
    parts.push(buf.subarray(s.headerStart, s.end));
  }
  return concat(parts);
}

/** Reads the (single, defined) memory's limits. */
export function memoryLimits(buf) {
  const s = sections(buf).find((x) => x.id === 5);
  if (!s) throw new Error('no memory section');
  let pos = s.start;
  let count, flags, min, max;
  [count, pos] = readU32(buf, pos);
  if (count !== 1) throw new Error('expected exactly one memory');
  flags = buf[pos++];
  [min, pos] = readU32(buf, pos);
  if (flags & 1) [max, pos] = readU32(buf, pos);
  return { flags, min, max };
}

/** Rewrites the memory section limits (pages). */
export function setMemoryLimits(buf, minPages, maxPages) {
  const secs = sections(buf);
  const s = secs.find((x) => x.id === 5);
  const { flags } = memoryLimits(buf);
  if (flags & ~1) throw new Error('unexpected memory flags ' + flags);
  const payload = Uint8Array.from([1, 1, ...u32leb(minPages), ...u32leb(maxPages)]);
  return concat([buf.subarray(0, s.headerStart), section(5, payload), buf.subarray(s.end)]);
}
