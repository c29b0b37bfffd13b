// IR helpers and the two passes of our own that the GC patch runs around binaryen's (see patch.mjs):
// walking binaryen.js expression refs, exposing i64 locals to spill-pointers, and compacting the
// spill frames spill-pointers leaves behind.
import binaryen from 'binaryen';

export class PatchError extends Error {
  constructor(msg) {
    super('patchMicroPythonWasm: ' + msg + ' (is this @micropython/micropython-webassembly-pyscript 1.27.0 micropython.wasm?)');
  }
}
export function check(cond, msg) {
  if (!cond) throw new PatchError(msg);
}

export function children(info) {
  const B = binaryen;
  switch (info.id) {
    case B.BlockId: return info.children;
    case B.IfId: return [info.condition, info.ifTrue, info.ifFalse].filter(Boolean);
    case B.LoopId: return [info.body];
    case B.BreakId: return [info.condition, info.value].filter(Boolean);
    case B.SwitchId: return [info.condition, info.value].filter(Boolean);
    case B.CallId: return info.operands;
    case B.CallIndirectId: return [...info.operands, info.target];
    case B.LocalSetId: case B.GlobalSetId: case B.DropId: case B.UnaryId: return [info.value];
    case B.ReturnId: return info.value ? [info.value] : [];
    case B.LoadId: return [info.ptr];
    case B.StoreId: return [info.ptr, info.value];
    case B.BinaryId: return [info.left, info.right];
    case B.SelectId: return [info.ifTrue, info.ifFalse, info.condition];
    case B.MemoryGrowId: return [info.delta];
    default: return [];
  }
}
export function xi(expr) {
  try { return binaryen.getExpressionInfo(expr); } catch { return { id: binaryen.getExpressionId(expr) }; }
}
export function walk(expr, fn) {
  if (!expr) return;
  let info;
  try { info = binaryen.getExpressionInfo(expr); } catch { info = { id: binaryen.getExpressionId(expr) }; }
  fn(info, expr);
  for (const c of children(info)) walk(c, fn);
}
export function collect(expr) { const out = []; walk(expr, (i) => out.push(i)); return out; }
export function constVal(expr) {
  const i = binaryen.getExpressionInfo(expr);
  return i.id === binaryen.ConstId ? i.value : undefined;
}

// spill-pointers only considers i32 locals.  LLVM sometimes keeps two adjacent pointers in ONE i64
// local across a call (e.g. the saved dict_locals/dict_globals pair, 8-byte struct copies).  In the
// flat IR, around every call of a function that has i64 locals, copy each i64 local into two fresh
// i32 locals (lo/hi) before the call and read them after it: they are then live across the call,
// and spill-pointers stores them to the shadow stack like any other i32.
export function exposeI64ToSpill(m) {
  const B = binaryen;
  let funcs = 0, sites = 0;
  for (let fi = 0; fi < m.getNumFunctions(); fi++) {
    const fref = m.getFunctionByIndex(fi);
    const f = B.getFunctionInfo(fref);
    if (f.module || !f.body) continue;
    const params = B.expandType(f.params);
    const types = [...params, ...f.vars];
    const i64s = types.map((t, i) => (t === B.i64 ? i : -1)).filter((i) => i >= 0);
    if (!i64s.length) continue;
    // collect call sites with their parent slot
    const sitesHere = [];
    const visit = (expr, setInParent) => {
      const info = xi(expr);
      if (info.id === B.CallId || info.id === B.CallIndirectId) { sitesHere.push({ expr, type: info.type, setInParent }); return; }
      switch (info.id) {
        case B.BlockId: info.children.forEach((c, k) => visit(c, (e) => B.Block.setChildAt(expr, k, e))); break;
        case B.IfId: visit(info.ifTrue, (e) => B.If.setIfTrue(expr, e)); if (info.ifFalse) visit(info.ifFalse, (e) => B.If.setIfFalse(expr, e)); break;
        case B.LoopId: visit(info.body, (e) => B.Loop.setBody(expr, e)); break;
        case B.LocalSetId: visit(info.value, (e) => B.LocalSet.setValue(expr, e)); break;
        case B.DropId: visit(info.value, (e) => B.Drop.setValue(expr, e)); break;
        case B.ReturnId: if (info.value) visit(info.value, (e) => B.Return.setValue(expr, e)); break;
        default:
          // flat IR: no other expression may contain a call
          for (const c of children(info)) {
            const ci = xi(c);
            if (ci.id === B.CallId || ci.id === B.CallIndirectId) throw new PatchError('call in unexpected position (IR not flat)');
          }
      }
    };
    visit(f.body, (e) => B.Function.setBody(fref, e));
    if (!sitesHere.length) continue;
    // one lo/hi i32 pair per i64 local, plus temps for call results
    let next = types.length;
    const newVars = [];
    const addVar = (t) => { newVars.push(t); return next++; };
    const pairs = i64s.map((x) => [x, addVar(B.i32), addVar(B.i32)]);
    const tmpOf = new Map();
    for (const s of sitesHere) {
      const pre = [], post = [];
      for (const [x, lo, hi] of pairs) {
        pre.push(m.local.set(lo, m.i32.wrap(m.local.get(x, B.i64))));
        pre.push(m.local.set(hi, m.i32.wrap(m.i64.shr_u(m.local.get(x, B.i64), m.i64.const(32n)))));
        post.push(m.drop(m.local.get(lo, B.i32)), m.drop(m.local.get(hi, B.i32)));
      }
      let repl;
      if (s.type === B.none || s.type === B.unreachable) {
        repl = m.block(null, [...pre, s.expr, ...post]);
      } else {
        if (!tmpOf.has(s.type)) tmpOf.set(s.type, addVar(s.type));
        const t = tmpOf.get(s.type);
        repl = m.block(null, [...pre, m.local.set(t, s.expr), ...post, m.local.get(t, s.type)], s.type);
      }
      s.setInParent(repl);
      sites++;
    }
    for (const t of newVars) B._BinaryenFunctionAddVar(fref, t);
    funcs++;
  }
  return { funcs, sites };
}

// spill-pointers gives every i32 local of a function a 4-byte slot, whether or not it is ever
// spilled.  That ~doubles C frames and halves the recursion depth the VM's C-stack check allows.
// Right after the pass the shape is canonical:
//   prologue  global.set SP (local.tee L (i32.sub (global.get SP) (i32.const N)))
//   spills    i32.store offset=K (local.get L) (local.get x)
//   restores  global.set SP (i32.add (local.get L) (i32.const N))
// L is a local the pass added and uses for nothing else.  Renumber the used K densely and shrink N.
export function compactSpillFrames(m, SP) {
  const B = binaryen;
  let before = 0, after = 0, funcs = 0, skipped = 0;
  for (let fi = 0; fi < m.getNumFunctions(); fi++) {
    const fref = m.getFunctionByIndex(fi);
    const f = B.getFunctionInfo(fref);
    if (f.module || !f.body) continue;
    const body = xi(f.body);
    if (body.id !== B.BlockId || !body.children.length) continue;
    const g = xi(body.children[0]);
    if (g.id !== B.GlobalSetId || g.name !== SP) continue;
    const tee = xi(g.value);
    if (tee.id !== B.LocalSetId || !tee.isTee) continue;
    const sub = xi(tee.value);
    if (sub.id !== B.BinaryId || sub.op !== B.SubInt32) continue;
    const l = xi(sub.left), r = xi(sub.right);
    if (l.id !== B.GlobalGetId || l.name !== SP || r.id !== B.ConstId) continue;
    const L = tee.index, N = r.value;
    const stores = [], restores = [];
    let getsOfL = 0, ok = true;
    walk(f.body, (info, expr) => {
      if (info.id === B.LocalGetId && info.index === L) getsOfL++;
      if (info.id === B.StoreId) {
        const p = xi(info.ptr);
        if (p.id === B.LocalGetId && p.index === L) {
          if (info.bytes !== 4 || info.offset % 4) ok = false;
          stores.push(expr);
        }
      }
      if (info.id === B.GlobalSetId && info.name === SP && expr !== body.children[0]) {
        const a = xi(info.value);
        const al = a.id === B.BinaryId && a.op === B.AddInt32 ? xi(a.left) : null;
        const ar = al ? xi(a.right) : null;
        if (al && al.id === B.LocalGetId && al.index === L && ar.id === B.ConstId && ar.value === N) restores.push(a.right);
        else if (a.id === B.LocalGetId && a.index === L) ok = false; // unexpected form
      }
    });
    // every use of L must be one of ours
    if (!ok || getsOfL !== stores.length + restores.length || restores.length === 0) { skipped++; continue; }
    const offs = [...new Set(stores.map((s) => B.Store.getOffset(s)))].sort((a, b) => a - b);
    const map = new Map(offs.map((o, i) => [o, i * 4]));
    const N2 = (offs.length * 4 + 15) & ~15;
    for (const s of stores) B.Store.setOffset(s, map.get(B.Store.getOffset(s)));
    B.Const.setValueI32(sub.right, N2);
    for (const c of restores) B.Const.setValueI32(c, N2);
    before += N; after += N2; funcs++;
  }
  return { funcs, skipped, bytesBefore: before, bytesAfter: after };
}

