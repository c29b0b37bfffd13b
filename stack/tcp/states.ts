/**
 * State predicates (gVisor style: `conn.is(SENDS_DATA)` rather than a list
 * of states at the call site). Each is a tag the machine puts on its states
 * (machine.ts), turned into a bit mask once, so the data path tests one bit.
 */
import type { TcpStateName } from './api';
import { tcpMachine, TCP_STATES } from './machine';

/** Every state after the SYN exchange started: all segments carry ACK (RFC 9293 §3.10.7.4). */
export const SYNCHRONIZED = 1 << 0;
/** SYN-SENT and SYN-RECEIVED: our SYN (or SYN-ACK) is not yet acknowledged. */
export const HANDSHAKE = 1 << 1;
/** The application may queue data (lwIP tcp_write). */
export const WRITABLE = 1 << 2;
/** Queued data and our FIN may go out (lwIP tcp_output). */
export const SENDS_DATA = 1 << 3;
/** Segment text is delivered (RFC 9293 §3.10.7.4, "seventh, process the segment text"). */
export const RECEIVES_TEXT = 1 << 4;
/** Keepalive probes run (lwIP: ESTABLISHED and CLOSE-WAIT). */
export const KEEPALIVE = 1 << 5;
/** The retransmission timer runs (lwIP's active PCBs: not CLOSED, LISTEN or TIME-WAIT). */
export const RETRANSMITS = 1 << 6;

const TAG_BITS: Record<string, number> = {
  synchronized: SYNCHRONIZED,
  handshake: HANDSHAKE,
  writable: WRITABLE,
  sendsData: SENDS_DATA,
  receivesText: RECEIVES_TEXT,
  keepalive: KEEPALIVE,
  retransmits: RETRANSMITS,
};

function maskOf(state: TcpStateName): number {
  let m = 0;
  for (const tag of tcpMachine.states[state].tags) {
    const bit = TAG_BITS[tag];
    if (bit === undefined) throw new Error(`tcp machine: unknown tag ${tag} on ${state}`);
    m |= bit;
  }
  return m;
}

/** Tag bits of each state. */
export const STATE_TAGS: Readonly<Record<TcpStateName, number>> = Object.fromEntries(
  TCP_STATES.map((s) => [s, maskOf(s)]),
) as Record<TcpStateName, number>;
