/**
 * Booted-VM snapshots on disk (devices/runtime/micropython/disk-snapshot.ts): a process keeps the
 * snapshot its first VM of a boot wrote, a later process restores its VM from the file, and that VM
 * runs a script exactly as a booted one; a file that is not right is deleted and the VM boots. Each
 * process is a child (disk-snapshot-run.ts) with its own folder (ESP32SIM_VM_SNAPSHOT), never the
 * package's cache.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(120_000);

interface Seen {
  out: string;
  trace: string;
  restored: boolean;
  fromDisk: number;
}

function run(snapshots: string): Seen {
  const child = path.join(__dirname, 'disk-snapshot-run.ts');
  const args = ['-r', require.resolve('ts-node/register/transpile-only'), child];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 55_000, env: { ...process.env, ESP32SIM_VM_SNAPSHOT: snapshots } });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`disk-snapshot-run failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line.slice(7)) as Seen;
}

const snapFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.snap'));

describe('booted-VM snapshots on disk', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esp32sim-disk-snap-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a second process restores from the file its first wrote, and runs as the booted VM; a corrupted file is deleted, the VM boots and writes it anew', () => {
    const booted = run(dir);
    expect(booted).toMatchObject({ restored: false, fromDisk: 0 });
    expect(booted.out).toMatch(/^\d+ \d+ \d+ \d+ \d+\n\(/);
    const files = snapFiles(dir);
    expect(files).toHaveLength(1); // the ESP32 boot's
    const file = path.join(dir, files[0]);
    expect(fs.statSync(file).mode & 0o077).toBe(0);

    const restored = run(dir);
    expect(restored).toEqual({ ...booted, restored: true, fromDisk: 1 });

    // One byte of the content changed: its sha256 no longer fits, the file is not used.
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 100] ^= 0x55;
    fs.writeFileSync(file, bytes);
    const rejected = run(dir);
    expect(rejected).toEqual({ ...booted, restored: false, fromDisk: 0 });
    expect(fs.readFileSync(file).equals(bytes)).toBe(false); // written anew by the VM that booted

    const again = run(dir);
    expect(again).toEqual({ ...booted, restored: true, fromDisk: 1 });

    // Not a snapshot at all (a truncated file): deleted, booted.
    fs.writeFileSync(file, bytes.subarray(0, 50));
    expect(run(dir)).toEqual({ ...booted, restored: false, fromDisk: 0 });
  });

  test("the glue's V8 code cache is kept beside the snapshots, ours alone; a tampered one is deleted, the glue compiled and the cache written anew", () => {
    const booted = run(dir);
    const caches = fs.readdirSync(dir).filter((f) => f.endsWith('.v8cache'));
    expect(caches).toHaveLength(1);
    const file = path.join(dir, caches[0]);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 10] ^= 0x55; // its sha256 no longer fits
    fs.writeFileSync(file, bytes);
    expect(run(dir)).toEqual(booted);
    expect(fs.readFileSync(file).equals(bytes)).toBe(false);
    // Writable by others: not used, deleted and made again.
    fs.chmodSync(file, 0o666);
    expect(run(dir)).toEqual(booted);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  test('ESP32SIM_VM_SNAPSHOT=memory: no file is read (the package cache may hold one: the VM still boots)', () => {
    expect(run('memory')).toMatchObject({ restored: false, fromDisk: 0 });
  });
});
