/**
 * One personality object per kind of device: everything in which an ESP32
 * running MicroPython (newlib + lwIP) and a Linux PC running CPython differ
 * as the scripts see them — errno numbers and texts, socket options, socket
 * table limits, blocking rules, TCP parameters. The socket layer, the TCP
 * layer (through `tcp`), the Python modules (through the VM's boot config)
 * and the TypeScript runtime all read these objects; none of them hard-codes
 * a number or compares personality names.
 */
import type { Personality } from './api';
import { ESP32_PERSONALITY } from './esp32';
import { LINUX_PERSONALITY } from './linux';
import { sockoptConstants } from './sockopt';

export type { Personality } from './api';
export * from './errno';
export * from './sockopt';
export { ESP32_PERSONALITY } from './esp32';
export { LINUX_PERSONALITY } from './linux';

/** The socket constants a script's `socket` module (or the TypeScript env) exports for this personality. */
export function scriptSocketConstants(p: Personality): Record<string, number> {
  return { ...sockoptConstants(p.sockopt), MSG_DONTWAIT: p.msgDontwait };
}

/** The personality of each board kind: PCs (and internet hosts) are Linux. */
export const BOARD_PERSONALITY: Readonly<Record<'esp32' | 'pc', Personality>> = {
  esp32: ESP32_PERSONALITY,
  pc: LINUX_PERSONALITY,
};
