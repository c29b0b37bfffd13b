/**
 * The glue's V8 code cache (vm.ts glueCodeCache): made by the host from the source alone with every
 * function compiled, kept as a file of ours that others cannot write, read back by the next call,
 * and accepted by a VM worker's V8 (made under the start-up flags, not the ones it was compiled with).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { glueSource } from '../../../../devices/runtime/micropython/glue';
import { glueCodeCache } from '../../../../devices/runtime/micropython/vm';

jest.setTimeout(60_000);

/** Whether a worker started as VmThread starts its workers (no flags of its own) rejects the cache. */
function rejectedInWorker(source: string, cache: Uint8Array): Promise<boolean> {
  const code = `const vm = require('node:vm'); const { workerData: d, parentPort } = require('node:worker_threads');
    parentPort.postMessage(new vm.Script(d.source, { filename: 'micropython-glue.js', cachedData: d.cache }).cachedDataRejected);`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { source, cache }, execArgv: [], env: {} });
    w.once('message', (m: boolean) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe("the glue's code cache", () => {
  let dir: string;
  const saved = process.env.ESP32SIM_VM_SNAPSHOT;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esp32sim-glue-cache-'));
    process.env.ESP32SIM_VM_SNAPSHOT = dir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.ESP32SIM_VM_SNAPSHOT;
    else process.env.ESP32SIM_VM_SNAPSHOT = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('holds the compiled functions, is kept as a private file and read back, and a VM worker accepts it', async () => {
    const source = glueSource();
    const made = glueCodeCache(source);
    // A cache of the top level only (another text, or V8 hands back the script it compiled above):
    // the glue is one function, so it holds next to nothing.
    const topLevel = new vm.Script(`${source}\n`, { filename: 'micropython-glue.js' }).createCachedData();
    expect(made.length).toBeGreaterThan(20 * topLevel.length);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
    expect(files).toHaveLength(1);
    expect(fs.statSync(path.join(dir, files[0])).mode & 0o077).toBe(0);
    expect(Buffer.from(glueCodeCache(source)).equals(Buffer.from(made))).toBe(true);
    expect(await rejectedInWorker(source, made)).toBe(false);
  });
});
