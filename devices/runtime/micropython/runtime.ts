/**
 * MicroPythonRuntime: a device's script in a sealed MicroPython VM (vm.ts)
 * over the worker bridge (../bridge/host.ts). The VM is taken from the pool
 * (or booted) with the board's heap, claimed with the run's seed, and told
 * its configuration and text when its boot code asks.
 */
import { BOARD_PERSONALITY, ESP32_PERSONALITY, scriptSocketConstants } from '../../../stack/personality';
import { BridgeRuntime } from '../bridge/host';
import { KNOWN_OPS } from '../bridge/protocol';
import { ERRNO_CALLBACKS, ERRNO_KEYBOARD_INTERRUPT, IRQ_RESUME_OP, type SysValue } from '../contract';
import type { RuntimeOptions } from '../index';
import { takeVm } from './pool';
import type { VmBoot } from './vm';
import { FlashCalls } from '../../fs/calls';
import { freshFlash } from '../../fs/flash';
import type { SysResult } from '../contract';

/** Where a PC's flash (its project's files) is mounted: its working directory. */
export const PC_HOME = '/home/user';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The MicroPython heap of an ESP32-WROOM-32 without PSRAM (see README: Memory), and of a PC. */
export const ESP32_HEAP_BYTES = 192 * KiB;
export const PC_HEAP_BYTES = 4 * MiB;
export const PYSTACK_WORDS = 2048;
/** A script up to this size travels inside the 'config' answer (JSON may escape a byte into 6: 96 KiB < DATA_SIZE). */
const INLINE_SOURCE_BYTES = 16 * KiB;

/**
 * What a VM of this kind and heap boots with: its wasm memory is capped at the heap plus 2 MiB.
 * The configuration's JSON (~30 µs) is written when first read: only a VM booted for it reads it,
 * and a runtime that gets a pooled VM (every run of a warm process) never does.
 */
export function vmBoot(personality: 'esp32' | 'pc', heapBytes?: number, memoryCapBytes?: number): VmBoot {
  const heap = heapBytes ?? (personality === 'pc' ? PC_HEAP_BYTES : ESP32_HEAP_BYTES);
  const floor = heap + PYSTACK_WORDS * 4 + 512 * KiB;
  let config: string | undefined;
  return {
    personality,
    heapBytes: heap,
    pystackWords: PYSTACK_WORDS,
    memCapBytes: Math.max(floor, memoryCapBytes ?? heap + 2 * MiB),
    get config() {
      return (config ??= JSON.stringify(bootConfig(personality, heap)));
    },
  };
}

/**
 * The part of a device's configuration that only depends on its personality and heap: a VM gets it
 * with its boot and installs the device's modules before it is claimed (py/_boot.py prepare()), so
 * a pooled VM is ready to run; the rest (the run's seed, the script's name, WiFi) comes with 'config'.
 */
function bootConfig(personality: 'esp32' | 'pc', heapBytes: number): SysValue {
  return {
    personality,
    kbi: ERRNO_KEYBOARD_INTERRUPT,
    irq: ERRNO_CALLBACKS,
    irqResume: IRQ_RESUME_OP,
    heapBytes,
    // The errno names MicroPython's ESP32 port knows, with newlib numbers: one table (stack/personality)
    // for the socket layer and the VM's own errno module (rewritten at boot by py/_errno.py).
    espErrno: Object.fromEntries(ESP32_PERSONALITY.errnoNames.map((n) => [n, ESP32_PERSONALITY.errno[n]])),
    // The running personality's OSError texts and socket constants (stack/personality): _oserror.py, _socket.py.
    errnoText: BOARD_PERSONALITY[personality].errnoText,
    socket: scriptSocketConstants(BOARD_PERSONALITY[personality]),
    // The op names the host interned before the VM started (codes 1..n): _kern knows them at boot.
    ops: [...KNOWN_OPS],
  };
}

export interface MicroPythonOptions extends Omit<RuntimeOptions, 'main'> {
  filename: string;
  source: string;
  /** Wall-clock budget for the VM to boot (not counted against the watchdog). */
  bootTimeoutMs?: number;
}


export class MicroPythonRuntime extends BridgeRuntime {
  /** The VM came booted from the pool (nothing else may differ). */
  readonly pooled: boolean;
  private readonly vm: { restored: boolean };
  private readonly text: Uint8Array;
  private readonly cfg: SysValue;
  private readonly fs: FlashCalls | undefined;
  /** Board callbacks run at the script's safe points (py/_irq.py): blocking calls may be set aside for them. */
  readonly softIrqs = true;

  constructor(opts: MicroPythonOptions) {
    const boot = vmBoot(opts.personality, opts.heapBytes, opts.memoryCapBytes);
    const { vm, pooled } = takeVm(boot);
    super(vm, opts);
    this.pooled = pooled;
    this.vm = vm;
    this.text = new TextEncoder().encode(opts.source);
    const flash = opts.flash ?? (opts.personality === 'esp32' ? freshFlash() : undefined);
    this.fs = flash && new FlashCalls(flash);
    // The run's part of the configuration (the rest came with the VM's boot: vmBoot()).
    this.cfg = {
      filename: opts.filename,
      seed: opts.seed,
      bootWifi: opts.bootWifi ?? null,
      flash: flash ? (opts.personality === 'pc' ? PC_HOME : '/') : null,
      mainFromFlash: Boolean(flash && opts.mainFromFlash),
      // A small script comes with the configuration (no 'source' round trips): escaped, it still fits the answer area.
      source: !opts.mainFromFlash && this.text.length <= INLINE_SOURCE_BYTES ? opts.source : null,
      // The VM may put calls off and send them with its next request (bridge/protocol.ts DEFERRABLE_OPS).
      batch: opts.batchCalls !== false,
    };
    if (!vm.claim({ seed: opts.seed, jitterMs: opts.jitterMs, gcEveryCall: opts.gcEveryCall })) this.gone('VM error: the VM was gone before its script started');
  }

  /** The VM was restored from a snapshot of a booted VM (nothing else may differ either). */
  get restored(): boolean {
    return this.vm.restored;
  }

  protected config(): SysValue {
    return this.cfg;
  }

  protected source(): Uint8Array {
    return this.text;
  }

  protected override flashImage(): SysValue {
    return this.fs?.image() ?? null;
  }

  protected override local(op: string, args: SysValue[]): SysResult | undefined {
    return this.fs?.call(op, args);
  }
}
