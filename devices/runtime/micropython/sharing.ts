/**
 * Whether and how MicroPython VMs share worker threads (vm.ts VmThread, VmPool.sharedThread): the
 * process's JSPI, the setting, the size of a suspended VM's stack and the V8 11.3 hazards it meets.
 */
/**
 * Whether this process can suspend wasm (JSPI, V8 11.3's form): Node must be started with
 * `--experimental-wasm-stack-switching` (NODE_OPTIONS refuses it). Setting the flag later with
 * v8.setFlagsFromString is not enough: the main isolate, made without it, then crashes in its next
 * garbage collection (Isolate::Iterate walks wasm stacks it never set up).
 */
export function canShareVmThreads(): boolean {
  return typeof (globalThis as unknown as { WebAssembly: { Suspender?: unknown } }).WebAssembly.Suspender === 'function';
}

/**
 * A suspended VM's wasm frames live on a stack of JSPI's own (984 KiB by default), not the thread's
 * (RESOURCE_LIMITS.stackSizeMb, 2 MiB). With the default and with 1.5 MiB the PC's security suite
 * crashed the process (SIGSEGV, SIGTRAP) where its C recursion attacks run; with 4 MiB it passes and
 * a recursion without a depth check (== of lists nested 60,000 deep) traps cleanly, as on a thread.
 */
export const SUSPENDED_STACK_KB = 4096;
// A second V8 11.3 hazard: a worker whose VMs share it crashed the process now and then (SIGSEGV) in
// a major GC's conservative stack scan (cppgc IteratePointersInStack, seen in gdb), mostly when it
// booted a VM after another had ended: most likely a scan that still reaches into a suspendable
// stack V8 had freed. So no such stack is freed while its thread lives: a VM ended by the host stays
// set aside for good (sandbox/kernel.js ended()), and a thread that had a VM end takes no new one and ends
// with its last (vm.ts finishShared). Security suite with 4 VMs per thread: about half of the runs crashed
// before, none of 7 after. A VM that crashes still unwinds (and frees) its stack: sharing stays
// opt-in, for scale runs, until a newer V8 (or asyncify) takes JSPI's place.

/**
 * VMs per worker thread: ESP32SIM_VMS_PER_THREAD (default 1: a thread of its own), when the process
 * can suspend wasm (canShareVmThreads; else 1). Above 1, VMs share threads (a worker costs ~7.5 MB,
 * a VM ~1.5 MB): their kernel calls suspend, and the host still runs one VM at a time, so runs are
 * unchanged. A runaway VM then takes its thread's other VMs with it (the watchdog can only end a
 * thread): share threads only where the scenario needs the scale.
 */
export function vmsPerThread(): number {
  const n = Number(process.env.ESP32SIM_VMS_PER_THREAD ?? 1);
  if (!(Number.isInteger(n) && n > 1) || !canShareVmThreads()) return 1;
  return Math.min(n, 256);
}
