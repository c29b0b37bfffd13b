/**
 * The RFC 9293 connection state diagram as an xstate v5 machine: every
 * decision that depends on the state is a named guard or action here. input.ts
 * classifies each segment once (segment.ts: acceptable, ACK range, RST at
 * RCV.NXT, our FIN acked, ...) and sends the answers as events; the machine
 * decides what they mean in the current state. Actions call back into the PCB
 * through `MachineHooks` (sequence arithmetic stays in plain functions there);
 * with no hooks (model-based tests) they do nothing.
 *
 * The ESTABLISHED data path (new data, new ACKs, window updates) never goes
 * through the machine: only segments that change the state or are refused.
 *
 * Events: seg.* (facts about an arriving segment), app.* (the socket layer's
 * calls), timer.* (a budget or a state's deadline ran out). TIME-WAIT (2·MSL),
 * the FIN-WAIT-2 and the SYN-RECEIVED timeouts come from the PCB's state timer
 * as explicit events rather than `after`, so xstate/graph can traverse the
 * machine.
 *
 * State tags (states.ts turns them into bit masks for `pcb.is(...)`):
 * synchronized, handshake, writable, sendsData, receivesText, keepalive,
 * retransmits.
 */
import { and, assign, not, setup } from 'xstate';
import type { TcpError, TcpStateName } from './api';
import type { Arrival } from './segment';

/** What the machine's actions do to the PCB (implemented in pcb.ts). */
export interface MachineHooks {
  sendSyn(): void;
  sendSynAck(): void;
  /** The peer repeated its SYN: our SYN-ACK again (lwIP tcp_rexmit). */
  resendSynAck(): void;
  /** SYN-SENT: record the peer's SYN (IRS, RCV.NXT, its window and MSS). */
  takeSyn(a: Arrival): void;
  /** SYN-SENT: the peer's SYN-ACK (takeSyn, and our SYN is acknowledged). */
  takeSynAck(a: Arrival): void;
  /** SYN-RECEIVED: the ACK that completes the handshake (window, our SYN acknowledged). */
  takeHandshakeAck(a: Arrival): void;
  /** Send an ACK with the next output (TF_ACK_NOW). */
  ackNow(): void;
  /** A segment failed the sequence check: counted, and ACKed unless it is an RST. */
  refuseSegment(a: Arrival): void;
  /** RST for a segment whose ACK acknowledges nothing we sent (SEQ = SEG.ACK). */
  replyRst(a: Arrival): void;
  /** Queue our FIN after any unsent data. */
  queueFin(): void;
  /** RST|ACK of this connection (abort). */
  sendRst(): void;
  /** Deferred app notifications (run after the state is updated). */
  notifyConnected(): void;
  notifyAccepted(): void;
  notifyFin(): void;
  notifyError(err: TcpError): void;
  count(key: string): void;
  /** Stop the retransmission timer once nothing is outstanding (TIME-WAIT). */
  stopRetransmit(): void;
  /** Arms the state's timer; it sends `timer.<kind>` when it expires. */
  startStateTimer(kind: StateTimerKind): void;
  stopStateTimer(): void;
  /** Frees the PCB: timers, tables, port. */
  release(): void;
}

/** The deadline a state may have: TIME-WAIT, FIN-WAIT-2 after close(), a half-open SYN-RECEIVED. */
export type StateTimerKind = 'twoMsl' | 'finWait2' | 'synRcvd';

export interface TcpMachineContext {
  hooks: MachineHooks | null;
  /** Passive open (created from a listener): RST in SYN-RECEIVED frees it silently. */
  passive: boolean;
  /** lwIP TF_RXCLOSED: the application closed its receive side (close(), not shutdown). */
  rxClosed: boolean;
}

export interface TcpMachineInput {
  hooks: MachineHooks | null;
  passive?: boolean;
}

export type TcpMachineEvent =
  | { type: 'app.listen' }
  | { type: 'app.connect' }
  /** `reset`: unread data remains and the personality answers that with RST. */
  | { type: 'app.close'; reset: boolean }
  | { type: 'app.shutdown' }
  | { type: 'app.abort' }
  /** A SYN (without ACK in SYN-SENT); `repeated`: SEG.SEQ = IRS, the peer's SYN again. */
  | { type: 'seg.syn'; a: Arrival; repeated: boolean }
  /** SYN-SENT: SYN+ACK; `ackAcceptable`: ISS < SEG.ACK =< SND.NXT. */
  | { type: 'seg.synAck'; a: Arrival; ackAcceptable: boolean }
  /** SYN-SENT and SYN-RECEIVED: an ACK without SYN; `ackAcceptable` per the state's range. */
  | { type: 'seg.ack'; a: Arrival; ackAcceptable: boolean }
  /** `acceptable`: SEG.SEQ = RCV.NXT (SYN-SENT: the ACK acknowledges our SYN). */
  | { type: 'seg.rst'; a: Arrival; acceptable: boolean }
  /** Failed the sequence check; the flags say whether it is the peer's SYN or FIN again. */
  | { type: 'seg.unacceptable'; a: Arrival; repeatedSyn: boolean; retransmittedFin: boolean }
  /** SEG.ACK > SND.NXT. */
  | { type: 'seg.ackUnsent' }
  /** Data arrived although the application closed its receive side. */
  | { type: 'seg.textAfterClose' }
  /** The peer's FIN is in order; `finAcked`: the same segment acknowledges ours. */
  | { type: 'seg.fin'; finAcked: boolean }
  | { type: 'seg.finAcked' }
  | { type: 'timer.giveUp'; reason: TcpError }
  | { type: 'timer.twoMsl' }
  | { type: 'timer.finWait2' }
  | { type: 'timer.synRcvd' };

/** In every synchronized state (RFC 9293 §3.10.7.4), unless the state says otherwise. */
const SYNCHRONIZED_ON = {
  'seg.unacceptable': { actions: 'refuseSegment' },
  // RFC 5961 §4: a SYN in a synchronized state gets a challenge ACK.
  'seg.syn': { actions: 'challengeAck' },
  'seg.ackUnsent': { actions: 'ackNow' },
} as const;

export const tcpMachine = setup({
  types: {
    context: {} as TcpMachineContext,
    events: {} as TcpMachineEvent,
    input: {} as TcpMachineInput,
  },
  guards: {
    ackAcceptable: ({ event }) => (event.type === 'seg.synAck' || event.type === 'seg.ack') && event.ackAcceptable,
    rstAcceptable: ({ event }) => event.type === 'seg.rst' && event.acceptable,
    repeatedSyn: ({ event }) =>
      (event.type === 'seg.syn' && event.repeated) || (event.type === 'seg.unacceptable' && event.repeatedSyn),
    retransmittedFin: ({ event }) => event.type === 'seg.unacceptable' && event.retransmittedFin,
    /** The FIN also acknowledges our FIN (FIN-WAIT-1 straight to TIME-WAIT). */
    finAcked: ({ event }) => event.type === 'seg.fin' && event.finAcked,
    resetOnClose: ({ event }) => event.type === 'app.close' && event.reset,
    passiveOpen: ({ context }) => context.passive,
    rxClosed: ({ context }) => context.rxClosed,
  },
  actions: {
    sendSyn: ({ context }) => context.hooks?.sendSyn(),
    sendSynAck: ({ context }) => context.hooks?.sendSynAck(),
    resendSynAck: ({ context }) => context.hooks?.resendSynAck(),
    takeSyn: ({ context, event }) => {
      if (event.type === 'seg.syn') context.hooks?.takeSyn(event.a);
    },
    takeSynAck: ({ context, event }) => {
      if (event.type === 'seg.synAck') context.hooks?.takeSynAck(event.a);
    },
    takeHandshakeAck: ({ context, event }) => {
      if (event.type === 'seg.ack') context.hooks?.takeHandshakeAck(event.a);
    },
    /** ACK the peer's FIN (or handshake) right away. */
    sendAck: ({ context }) => context.hooks?.ackNow(),
    challengeAck: ({ context }) => context.hooks?.ackNow(),
    ackNow: ({ context }) => context.hooks?.ackNow(),
    refuseSegment: ({ context, event }) => {
      if (event.type === 'seg.unacceptable') context.hooks?.refuseSegment(event.a);
    },
    replyRst: ({ context, event }) => {
      if (event.type === 'seg.synAck' || event.type === 'seg.ack') context.hooks?.replyRst(event.a);
    },
    queueFin: ({ context }) => context.hooks?.queueFin(),
    sendRst: ({ context }) => context.hooks?.sendRst(),
    notifyConnected: ({ context }) => context.hooks?.notifyConnected(),
    notifyEstablished: ({ context }) =>
      context.passive ? context.hooks?.notifyAccepted() : context.hooks?.notifyConnected(),
    notifyFin: ({ context }) => context.hooks?.notifyFin(),
    notifyRefused: ({ context }) => context.hooks?.notifyError('refused'),
    notifyReset: ({ context }) => context.hooks?.notifyError('reset'),
    notifyAborted: ({ context }) => context.hooks?.notifyError('aborted'),
    notifyGiveUp: ({ context, event }) => {
      if (event.type === 'timer.giveUp') context.hooks?.notifyError(event.reason);
    },
    countTextAfterClose: ({ context }) => context.hooks?.count('rxAfterClose'),
    stopRetransmit: ({ context }) => context.hooks?.stopRetransmit(),
    release: ({ context }) => context.hooks?.release(),
    markRxClosed: assign({ rxClosed: true }),
    startTimeWait: ({ context }) => context.hooks?.startStateTimer('twoMsl'),
    startFinWait2Timer: ({ context }) => context.hooks?.startStateTimer('finWait2'),
    startSynRcvdTimer: ({ context }) => context.hooks?.startStateTimer('synRcvd'),
    stopStateTimer: ({ context }) => context.hooks?.stopStateTimer(),
  },
}).createMachine({
  id: 'tcp',
  initial: 'CLOSED',
  context: ({ input }) => ({
    hooks: input?.hooks ?? null,
    passive: input?.passive ?? false,
    rxClosed: false,
  }),
  states: {
    CLOSED: {
      on: {
        'app.listen': { target: 'LISTEN' },
        'app.connect': { target: 'SYN-SENT', actions: 'sendSyn' },
        'app.close': { actions: 'release' },
        'app.abort': { actions: 'release' },
      },
    },
    LISTEN: {
      on: {
        // A listener's child PCB is born here and leaves at once with the SYN.
        'seg.syn': { target: 'SYN-RECEIVED', actions: 'sendSynAck' },
        'app.close': { target: 'CLOSED', actions: 'release' },
        'app.abort': { target: 'CLOSED', actions: 'release' },
      },
    },
    'SYN-SENT': {
      tags: ['handshake', 'writable', 'retransmits'],
      on: {
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.synAck': [
          { guard: 'ackAcceptable', target: 'ESTABLISHED', actions: ['takeSynAck', 'sendAck', 'notifyConnected'] },
          { actions: 'replyRst' },
        ],
        'seg.ack': { guard: not('ackAcceptable'), actions: 'replyRst' },
        // Simultaneous open: our SYN-ACK repeats our ISS.
        'seg.syn': { target: 'SYN-RECEIVED', actions: ['takeSyn', 'sendSynAck'] },
        // Only an RST that acknowledges our SYN refuses the connection.
        'seg.rst': { guard: 'rstAcceptable', target: 'CLOSED', actions: ['notifyRefused', 'release'] },
        'app.close': { target: 'CLOSED', actions: 'release' },
        'app.abort': { target: 'CLOSED', actions: 'release' },
      },
    },
    'SYN-RECEIVED': {
      tags: ['synchronized', 'handshake', 'writable', 'retransmits'],
      entry: 'startSynRcvdTimer',
      exit: 'stopStateTimer',
      on: {
        ...SYNCHRONIZED_ON,
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        // lwIP TCP_SYN_RCVD_TIMEOUT: a half-open connection does not hold the backlog for ever.
        'timer.synRcvd': [
          { guard: 'passiveOpen', target: 'CLOSED', actions: 'release' },
          { target: 'CLOSED', actions: ['notifyAborted', 'release'] },
        ],
        'seg.unacceptable': [{ guard: 'repeatedSyn', actions: 'resendSynAck' }, { actions: 'refuseSegment' }],
        'seg.syn': [{ guard: 'repeatedSyn', actions: 'resendSynAck' }, { actions: 'challengeAck' }],
        'seg.ack': [
          { guard: 'ackAcceptable', target: 'ESTABLISHED', actions: ['takeHandshakeAck', 'notifyEstablished'] },
          { actions: 'replyRst' },
        ],
        'seg.rst': [
          { guard: and(['rstAcceptable', 'passiveOpen']), target: 'CLOSED', actions: 'release' },
          { guard: 'rstAcceptable', target: 'CLOSED', actions: ['notifyRefused', 'release'] },
          { actions: 'challengeAck' },
        ],
        'app.close': { target: 'FIN-WAIT-1', actions: ['markRxClosed', 'queueFin'] },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    ESTABLISHED: {
      tags: ['synchronized', 'writable', 'sendsData', 'receivesText', 'keepalive', 'retransmits'],
      on: {
        ...SYNCHRONIZED_ON,
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.fin': { target: 'CLOSE-WAIT', actions: ['sendAck', 'notifyFin'] },
        'seg.rst': [{ guard: 'rstAcceptable', target: 'CLOSED', actions: ['notifyReset', 'release'] }, { actions: 'challengeAck' }],
        'app.close': [
          { guard: 'resetOnClose', target: 'CLOSED', actions: ['sendRst', 'release'] },
          { target: 'FIN-WAIT-1', actions: ['markRxClosed', 'queueFin'] },
        ],
        'app.shutdown': { target: 'FIN-WAIT-1', actions: 'queueFin' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'FIN-WAIT-1': {
      tags: ['synchronized', 'sendsData', 'receivesText', 'retransmits'],
      on: {
        ...SYNCHRONIZED_ON,
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.finAcked': { target: 'FIN-WAIT-2' },
        'seg.fin': [
          { guard: 'finAcked', target: 'TIME-WAIT', actions: ['sendAck', 'notifyFin'] },
          { target: 'CLOSING', actions: ['sendAck', 'notifyFin'] },
        ],
        'seg.rst': [{ guard: 'rstAcceptable', target: 'CLOSED', actions: ['notifyReset', 'release'] }, { actions: 'challengeAck' }],
        // lwIP: data after close() aborts the connection with RST.
        'seg.textAfterClose': { guard: 'rxClosed', target: 'CLOSED', actions: ['countTextAfterClose', 'sendRst', 'release'] },
        'app.close': { actions: 'markRxClosed' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'FIN-WAIT-2': {
      tags: ['synchronized', 'receivesText', 'retransmits'],
      entry: 'startFinWait2Timer',
      on: {
        ...SYNCHRONIZED_ON,
        // Only a connection closed by close() times out here (lwIP TF_RXCLOSED), not a shutdown().
        'timer.finWait2': { guard: 'rxClosed', target: 'CLOSED', actions: 'release' },
        'seg.fin': { target: 'TIME-WAIT', actions: ['sendAck', 'notifyFin'] },
        'seg.rst': [{ guard: 'rstAcceptable', target: 'CLOSED', actions: ['notifyReset', 'release'] }, { actions: 'challengeAck' }],
        'seg.textAfterClose': { guard: 'rxClosed', target: 'CLOSED', actions: ['countTextAfterClose', 'sendRst', 'release'] },
        'app.close': { target: 'FIN-WAIT-2', reenter: true, actions: 'markRxClosed' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'CLOSE-WAIT': {
      tags: ['synchronized', 'writable', 'sendsData', 'keepalive', 'retransmits'],
      on: {
        ...SYNCHRONIZED_ON,
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        // The peer's FIN again: ACK it.
        'seg.fin': { actions: 'sendAck' },
        'seg.rst': [{ guard: 'rstAcceptable', target: 'CLOSED', actions: ['notifyReset', 'release'] }, { actions: 'challengeAck' }],
        'app.close': [
          { guard: 'resetOnClose', target: 'CLOSED', actions: ['sendRst', 'release'] },
          { target: 'LAST-ACK', actions: ['markRxClosed', 'queueFin'] },
        ],
        'app.shutdown': { target: 'LAST-ACK', actions: 'queueFin' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    CLOSING: {
      tags: ['synchronized', 'sendsData', 'retransmits'],
      on: {
        ...SYNCHRONIZED_ON,
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.finAcked': { target: 'TIME-WAIT' },
        'seg.fin': [{ guard: 'finAcked', target: 'TIME-WAIT' }, { actions: 'sendAck' }],
        'seg.rst': [{ guard: 'rstAcceptable', target: 'CLOSED', actions: 'release' }, { actions: 'challengeAck' }],
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'LAST-ACK': {
      tags: ['synchronized', 'sendsData', 'retransmits'],
      on: {
        ...SYNCHRONIZED_ON,
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.finAcked': { target: 'CLOSED', actions: 'release' },
        'seg.fin': [{ guard: 'finAcked', target: 'CLOSED', actions: 'release' }, { actions: 'sendAck' }],
        'seg.rst': [{ guard: 'rstAcceptable', target: 'CLOSED', actions: 'release' }, { actions: 'challengeAck' }],
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'TIME-WAIT': {
      tags: ['synchronized'],
      entry: ['stopRetransmit', 'startTimeWait'],
      on: {
        ...SYNCHRONIZED_ON,
        'timer.twoMsl': { target: 'CLOSED', actions: 'release' },
        // The peer's FIN again (our ACK was lost): ACK it again and restart the 2·MSL timer.
        'seg.unacceptable': [
          { guard: 'retransmittedFin', target: 'TIME-WAIT', reenter: true, actions: 'sendAck' },
          { actions: 'refuseSegment' },
        ],
        'seg.rst': [{ guard: 'rstAcceptable', target: 'CLOSED', actions: 'release' }, { actions: 'challengeAck' }],
        'app.abort': { target: 'CLOSED', actions: 'release' },
      },
    },
  },
});

export type TcpMachine = typeof tcpMachine;

/** All state names, in diagram order. */
export const TCP_STATES: TcpStateName[] = [
  'CLOSED',
  'LISTEN',
  'SYN-SENT',
  'SYN-RECEIVED',
  'ESTABLISHED',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'CLOSE-WAIT',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
];
