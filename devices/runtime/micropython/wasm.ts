/**
 * The MicroPython VM's WebAssembly module: the npm package's micropython.wasm,
 * patched once (wasm/patch.mjs) so that garbage is collected while a script
 * runs (a conservative scan of the whole live C stack, every live local
 * spilled to it) and the GC heap has a fixed size (exhausting it raises
 * MemoryError inside the VM). The patched bytes are found, in order:
 *
 *   1. beside this file (the package's build ships them: dist/.../micropython-gc.wasm);
 *   2. in the cache, node_modules/.cache/esp32sim/ of the package root (or the OS temp folder);
 *   3. made now by running the patcher in a child process (a clone with its devDependencies:
 *      binaryen), then kept in the cache. This takes several seconds, once.
 *
 * The key of a patched file is the stock build's sha256 and PATCH_VERSION.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';

/** Bump when wasm/patch.mjs or its options change what it produces. */
export const PATCH_VERSION = 3;
export const PATCHED_NAME = 'micropython-gc.wasm';

const PKG = '@micropython/micropython-webassembly-pyscript';

/** A compiled WebAssembly.Module (lib "dom" is not in this project's types). */
export type WasmModule = object;
const WA = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => WasmModule } }).WebAssembly;

/** Process-wide cache of immutable inputs: the patched bytes, their sha256, the compiled module (no simulation state). */
const compiled: { bytes?: Uint8Array; digest?: string; module?: WasmModule } = {};

export function stockWasmPath(): string {
  return path.join(path.dirname(require.resolve(`${PKG}/package.json`)), 'micropython.wasm');
}

/** The esp32sim package's root folder (where its package.json is), from this file up. */
export function packageRoot(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'esp32sim') return dir;
    } catch {
      // not here
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function cacheFile(stock: Uint8Array): string {
  const key = `${createHash('sha256').update(stock).digest('hex').slice(0, 16)}-v${PATCH_VERSION}`;
  const root = packageRoot();
  const dirs = [root && path.join(root, 'node_modules', '.cache', 'esp32sim'), path.join(os.tmpdir(), 'esp32sim-cache')].filter(Boolean) as string[];
  for (const dir of dirs) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
      return path.join(dir, `micropython-gc-${key}.wasm`);
    } catch {
      // try the next one
    }
  }
  throw new Error('no writable cache folder for the patched MicroPython VM');
}

/** Path of the patched VM, making it if needed (see the file comment). */
export function patchedWasmFile(): string {
  const shipped = path.join(__dirname, PATCHED_NAME);
  if (fs.existsSync(shipped)) return shipped;
  const stock = fs.readFileSync(stockWasmPath());
  const cached = cacheFile(stock);
  if (fs.existsSync(cached)) return cached;
  // The patcher lives in the sources (a clone: the build's compiled copy of this file runs it from there too).
  const root = packageRoot();
  const patcher = [path.join(__dirname, 'wasm', 'patch.mjs'), root && path.join(root, 'devices', 'runtime', 'micropython', 'wasm', 'patch.mjs')].find(
    (p): p is string => !!p && fs.existsSync(p),
  );
  if (!patcher) throw new Error(`cannot prepare the MicroPython VM: ${PATCHED_NAME} is missing and so is the patcher (reinstall esp32sim)`);
  const r = spawnSync(process.execPath, [patcher, stockWasmPath(), cached], { encoding: 'utf8', execArgv: [] } as never);
  if (r.status !== 0 || !fs.existsSync(cached)) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ');
    throw new Error(`cannot prepare the MicroPython VM (patching ${PKG}'s micropython.wasm failed: ${why || `exit ${r.status}`})`);
  }
  return cached;
}

/** The patched module, compiled once per process and handed to every VM worker. */
export function wasmModule(): WasmModule {
  compiled.module ??= new WA.Module(patchedBytes());
  return compiled.module;
}

/** V8 11.3's (Node 20's) default --wasm-tiering-budget: what the flag is put back to. */
const DEFAULT_TIERING_BUDGET = 1_800_000;

/**
 * Compiles the module now (if it is not yet) with a larger budget before a function is recompiled
 * by V8's optimizing tier (TurboFan, on V8's background threads): a one-shot run (the command) then
 * spends its first second in the baseline code instead of optimizing the VM's hot functions on the
 * cores its VMs need (~50 ms of CPU before the echo lab's first line); a long run still tiers up.
 * V8 reads the budget when it compiles a module, so the flag is set only meanwhile and put back:
 * V8's code caches carry a hash of the flags, which is the start-up one again. It changes no result
 * (either tier runs the same wasm). Only on V8 11.3, whose default is known (elsewhere the module is
 * compiled as usual), and not when Node was started with a budget of its own.
 */
export function compileWasmModuleLateTierUp(budget: number): void {
  if (compiled.module || !process.versions.v8.startsWith('11.3.') || [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('tiering-budget'))) return;
  const bytes = patchedBytes();
  setFlagsFromString(`--wasm-tiering-budget=${budget}`);
  try {
    compiled.module = new WA.Module(bytes);
  } finally {
    setFlagsFromString(`--wasm-tiering-budget=${DEFAULT_TIERING_BUDGET}`);
  }
}

function patchedBytes(): Uint8Array {
  compiled.bytes ??= fs.readFileSync(patchedWasmFile());
  return compiled.bytes;
}

/** The sha256 of the patched module's bytes (part of the key of a booted VM's snapshot on disk). */
export function wasmDigest(): string {
  compiled.digest ??= createHash('sha256').update(patchedBytes()).digest('hex');
  return compiled.digest;
}
