/**
 * The RFC 9293 connection state diagram as an xstate v5 machine. It decides
 * *which* state comes next; the segment checks that produce its events
 * (acceptability, ACK ranges) live in input.ts, and the sequence arithmetic in
 * seq.ts. Actions call back into the PCB through `MachineHooks`; with no hooks
 * (model-based tests) they do nothing. The ESTABLISHED data path never goes
 * through the machine: only state-changing segments and calls do.
 *
 * Events: seg.* (a segment input.ts has already validated), app.* (the
 * socket layer's calls), timer.* (retransmission budget exhausted etc.).
 * TIME-WAIT (2·MSL) and the FIN-WAIT-2 timeout come from the PCB's close
 * timer as timer.twoMsl / timer.finWait2 (explicit events rather than `after`,
 * so xstate/graph can traverse the machine).
 */
import { setup } from 'xstate';
import type { TcpError, TcpStateName } from './api';

/** What the machine's actions do to the PCB (implemented in pcb.ts). */
export interface MachineHooks {
  sendSyn(): void;
  sendSynAck(): void;
  /** ACK right now (handshake completion, FIN received). */
  sendAck(): void;
  /** Queue our FIN after any unsent data and push output. */
  queueFin(): void;
  sendRst(): void;
  /** Deferred app notifications (run after the state is updated). */
  notifyConnected(): void;
  notifyAccepted(): void;
  notifyFin(): void;
  notifyError(err: TcpError): void;
  /** Stop the retransmission timer once nothing is outstanding (TIME-WAIT). */
  stopRetransmit(): void;
  /** Arms the connection's close timer; it sends `timer.twoMsl` / `timer.finWait2` when it expires. */
  startCloseTimer(kind: 'twoMsl' | 'finWait2'): void;
  /** Frees the PCB: timers, tables, port. */
  release(): void;
}

export interface TcpMachineContext {
  hooks: MachineHooks | null;
  /** Passive open (created from a listener): RST in SYN-RECEIVED frees it silently. */
  passive: boolean;
  /** The application closed its receive side (close(), not shutdown): FIN-WAIT-2 may time out. */
  rxClosed: boolean;
}

export interface TcpMachineInput {
  hooks: MachineHooks | null;
  passive?: boolean;
}

export type TcpMachineEvent =
  | { type: 'app.listen' }
  | { type: 'app.connect' }
  | { type: 'app.close' }
  | { type: 'app.shutdown' }
  | { type: 'app.abort' }
  | { type: 'seg.syn' }
  | { type: 'seg.synAck' }
  | { type: 'seg.ack' }
  | { type: 'seg.fin'; finAcked: boolean }
  | { type: 'seg.finAcked' }
  | { type: 'seg.rst' }
  | { type: 'timer.giveUp'; reason: TcpError }
  | { type: 'timer.twoMsl' }
  | { type: 'timer.finWait2' };

export const tcpMachine = setup({
  types: {
    context: {} as TcpMachineContext,
    events: {} as TcpMachineEvent,
    input: {} as TcpMachineInput,
  },
  guards: {
    /** The FIN also acknowledges our FIN (FIN-WAIT-1 straight to TIME-WAIT). */
    finAcked: ({ event }) => event.type === 'seg.fin' && event.finAcked,
    passiveOpen: ({ context }) => context.passive,
    rxClosed: ({ context }) => context.rxClosed,
  },
  actions: {
    sendSyn: ({ context }) => context.hooks?.sendSyn(),
    sendSynAck: ({ context }) => context.hooks?.sendSynAck(),
    sendAck: ({ context }) => context.hooks?.sendAck(),
    queueFin: ({ context }) => context.hooks?.queueFin(),
    sendRst: ({ context }) => context.hooks?.sendRst(),
    notifyConnected: ({ context }) => context.hooks?.notifyConnected(),
    notifyAccepted: ({ context }) => context.hooks?.notifyAccepted(),
    notifyEstablished: ({ context }) =>
      context.passive ? context.hooks?.notifyAccepted() : context.hooks?.notifyConnected(),
    notifyFin: ({ context }) => context.hooks?.notifyFin(),
    notifyRefused: ({ context }) => context.hooks?.notifyError('refused'),
    notifyReset: ({ context }) => context.hooks?.notifyError('reset'),
    notifyGiveUp: ({ context, event }) => {
      if (event.type === 'timer.giveUp') context.hooks?.notifyError(event.reason);
    },
    stopRetransmit: ({ context }) => context.hooks?.stopRetransmit(),
    release: ({ context }) => context.hooks?.release(),
    markRxClosed: ({ context }) => {
      context.rxClosed = true;
    },
    startTimeWait: ({ context }) => context.hooks?.startCloseTimer('twoMsl'),
    startFinWait2Timer: ({ context }) => context.hooks?.startCloseTimer('finWait2'),
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
      on: {
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.synAck': { target: 'ESTABLISHED', actions: ['sendAck', 'notifyConnected'] },
        'seg.syn': { target: 'SYN-RECEIVED', actions: 'sendSynAck' },
        'seg.rst': { target: 'CLOSED', actions: ['notifyRefused', 'release'] },
        'app.close': { target: 'CLOSED', actions: 'release' },
        'app.abort': { target: 'CLOSED', actions: 'release' },
      },
    },
    'SYN-RECEIVED': {
      on: {
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.ack': { target: 'ESTABLISHED', actions: 'notifyEstablished' },
        'seg.rst': [
          { guard: 'passiveOpen', target: 'CLOSED', actions: 'release' },
          { target: 'CLOSED', actions: ['notifyRefused', 'release'] },
        ],
        'app.close': { target: 'FIN-WAIT-1', actions: ['markRxClosed', 'queueFin'] },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    ESTABLISHED: {
      on: {
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.fin': { target: 'CLOSE-WAIT', actions: ['sendAck', 'notifyFin'] },
        'seg.rst': { target: 'CLOSED', actions: ['notifyReset', 'release'] },
        'app.close': { target: 'FIN-WAIT-1', actions: ['markRxClosed', 'queueFin'] },
        'app.shutdown': { target: 'FIN-WAIT-1', actions: 'queueFin' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'FIN-WAIT-1': {
      on: {
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.finAcked': { target: 'FIN-WAIT-2' },
        'seg.fin': [
          { guard: 'finAcked', target: 'TIME-WAIT', actions: ['sendAck', 'notifyFin'] },
          { target: 'CLOSING', actions: ['sendAck', 'notifyFin'] },
        ],
        'seg.rst': { target: 'CLOSED', actions: ['notifyReset', 'release'] },
        'app.close': { actions: 'markRxClosed' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'FIN-WAIT-2': {
      entry: 'startFinWait2Timer',
      on: {
        'timer.finWait2': { guard: 'rxClosed', target: 'CLOSED', actions: 'release' },
        'seg.fin': { target: 'TIME-WAIT', actions: ['sendAck', 'notifyFin'] },
        'seg.rst': { target: 'CLOSED', actions: ['notifyReset', 'release'] },
        'app.close': { target: 'FIN-WAIT-2', reenter: true, actions: 'markRxClosed' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'CLOSE-WAIT': {
      on: {
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.rst': { target: 'CLOSED', actions: ['notifyReset', 'release'] },
        'app.close': { target: 'LAST-ACK', actions: ['markRxClosed', 'queueFin'] },
        'app.shutdown': { target: 'LAST-ACK', actions: 'queueFin' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    CLOSING: {
      on: {
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.finAcked': { target: 'TIME-WAIT' },
        'seg.rst': { target: 'CLOSED', actions: 'release' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'LAST-ACK': {
      on: {
        'timer.giveUp': { target: 'CLOSED', actions: ['notifyGiveUp', 'release'] },
        'seg.finAcked': { target: 'CLOSED', actions: 'release' },
        'seg.rst': { target: 'CLOSED', actions: 'release' },
        'app.abort': { target: 'CLOSED', actions: ['sendRst', 'release'] },
      },
    },
    'TIME-WAIT': {
      entry: ['stopRetransmit', 'startTimeWait'],
      on: {
        'timer.twoMsl': { target: 'CLOSED', actions: 'release' },
        // A retransmitted FIN: ACK it again and restart the 2·MSL timer.
        'seg.fin': { target: 'TIME-WAIT', reenter: true, actions: 'sendAck' },
        'seg.rst': { target: 'CLOSED', actions: 'release' },
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
