/**
 * The DHCP client state machine (RFC 2131 figure 5) with ESP-IDF 5.5 lwIP
 * timing:
 * - DISCOVER and REQUEST retransmit after DHCP_REQUEST_TIMEOUT_SEQUENCE(tries)
 *   = (tries < 5 ? 1 << tries : 16) * 250 ms, i.e. 0.5, 1, 2, 4, 4, ... s;
 * - REQUESTING gives up after 6 requests and starts over (lwIP dhcp_timeout);
 * - after the ACK, the address is checked with two ARP probes 500 ms apart
 *   (ESP-IDF port/acd_dhcp_check.c); a conflict sends DECLINE and restarts after 10 s;
 * - T1 = option 58 or lease/2, T2 = option 59 or lease*7/8; RENEWING/REBINDING
 *   retransmit at half the remaining time, at least 60 s (RFC 2131 4.4.5).
 * Packets are sent through `context.io`; the machine only decides.
 */
import { assign, setup } from 'xstate';
import type { DhcpRepr } from '../wire/dhcp';
import type { Ipv4Addr } from '../wire/types';

export type DhcpSendKind = 'discover' | 'select' | 'renew' | 'rebind' | 'decline';

export interface DhcpIo {
  now(): number;
  newXid(): number;
  send(kind: DhcpSendKind, ctx: DhcpContext): void;
  probe(ip: Ipv4Addr): void;
  bound(ctx: DhcpContext): void;
  lost(ctx: DhcpContext): void;
  /** Skip the ARP check (PCs, tests). */
  readonly arpCheck: boolean;
}

export interface DhcpLeaseInfo {
  ip: Ipv4Addr;
  serverId: Ipv4Addr;
  mask: Ipv4Addr;
  router: Ipv4Addr;
  dns: Ipv4Addr[];
  leaseS: number;
  t1S: number;
  t2S: number;
  /** Virtual time (µs) the lease was bound (T1/T2/expiry count from here). */
  grantedAt: number;
}

export interface DhcpContext {
  io: DhcpIo;
  xid: number;
  tries: number;
  /** From the OFFER being requested. */
  offeredIp: Ipv4Addr;
  serverId: Ipv4Addr;
  /** From the last ACK (while CHECKING, the one being checked). */
  lease: DhcpLeaseInfo | undefined;
  /** True once bound() was reported and not yet followed by lost(). */
  reported: boolean;
}

export type DhcpMachineEvent =
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'rx.offer'; msg: DhcpRepr }
  | { type: 'rx.ack'; msg: DhcpRepr }
  | { type: 'rx.nak'; msg: DhcpRepr }
  | { type: 'arp.conflict' };

/** ESP-IDF DHCP_REQUEST_TIMEOUT_SEQUENCE, in ms; `tries` counts the message just sent (1 = first). */
export function requestTimeoutMs(tries: number): number {
  return (tries < 5 ? 1 << tries : 16) * 250;
}

/** lwIP: lease 0 is treated as 120 s. */
const DEFAULT_LEASE_S = 120;
const MIN_RETRY_MS = 60_000;
const DECLINE_BACKOFF_MS = 10_000;
const ACD_PROBE_INTERVAL_MS = 500;
const ACD_PROBES = 2;
const MAX_REQUESTS = 6;

/** Lease timing from an ACK (lwIP dhcp_handle_ack + timeout_from_offered). */
export function leaseFromAck(msg: DhcpRepr, fallbackServer: Ipv4Addr, now: number): DhcpLeaseInfo {
  const leaseS = msg.leaseTime || DEFAULT_LEASE_S;
  return {
    ip: msg.yiaddr,
    serverId: msg.serverId ?? fallbackServer,
    mask: msg.subnetMask ?? 0,
    router: msg.router ?? 0,
    dns: msg.dnsServers ?? [],
    leaseS,
    t1S: msg.renewalTime || Math.floor(leaseS / 2),
    t2S: msg.rebindingTime || Math.floor((leaseS / 8) * 7),
    grantedAt: now,
  };
}

/** Milliseconds from now until `offsetS` seconds after the lease was granted (never negative). */
function untilLeaseOffset(ctx: DhcpContext, offsetS: number): number {
  const l = ctx.lease;
  if (!l) return 0;
  return Math.max(0, (l.grantedAt + offsetS * 1e6 - ctx.io.now()) / 1000);
}

export const dhcpMachine = setup({
  types: {
    context: {} as DhcpContext,
    events: {} as DhcpMachineEvent,
    input: {} as { io: DhcpIo },
  },
  guards: {
    offerUsable: ({ event }) => event.type === 'rx.offer' && event.msg.yiaddr !== 0 && event.msg.serverId !== undefined,
    ackUsable: ({ event }) => event.type === 'rx.ack' && event.msg.yiaddr !== 0,
    requestTriesLeft: ({ context }) => context.tries < MAX_REQUESTS,
    probesLeft: ({ context }) => context.tries < ACD_PROBES,
    ackNeedsCheck: ({ context, event }) => event.type === 'rx.ack' && event.msg.yiaddr !== 0 && context.io.arpCheck,
  },
  actions: {
    newTransaction: assign({ xid: ({ context }) => context.io.newXid(), tries: 0, offeredIp: 0, serverId: 0 }),
    countTry: assign({ tries: ({ context }) => context.tries + 1 }),
    resetTries: assign({ tries: 0 }),
    takeOffer: assign(({ event }) =>
      event.type === 'rx.offer' ? { offeredIp: event.msg.yiaddr, serverId: event.msg.serverId ?? 0, tries: 0 } : {},
    ),
    takeAck: assign(({ context, event }) =>
      event.type === 'rx.ack' ? { lease: leaseFromAck(event.msg, context.serverId, context.io.now()), tries: 0 } : {},
    ),
    sendDiscover: ({ context }) => context.io.send('discover', context),
    sendSelect: ({ context }) => context.io.send('select', context),
    sendRenew: ({ context }) => context.io.send('renew', context),
    sendRebind: ({ context }) => context.io.send('rebind', context),
    sendDecline: ({ context }) => context.io.send('decline', context),
    sendProbe: ({ context }) => {
      if (context.lease) context.io.probe(context.lease.ip);
    },
    // lwIP dhcp_bind(): lease timers count from binding (after the ARP check), not from the ACK.
    reportBound: assign(({ context }) => {
      const lease = context.lease ? { ...context.lease, grantedAt: context.io.now() } : undefined;
      context.io.bound({ ...context, lease });
      return { reported: true, lease };
    }),
    forget: assign({ reported: false, lease: undefined }),
    reportLost: assign(({ context }) => {
      if (context.reported) context.io.lost(context);
      return { reported: false, lease: undefined };
    }),
  },
  delays: {
    backoff: ({ context }) => requestTimeoutMs(context.tries),
    probeInterval: ACD_PROBE_INTERVAL_MS,
    declineBackoff: DECLINE_BACKOFF_MS,
    t1: ({ context }) => untilLeaseOffset(context, context.lease?.t1S ?? 0),
    t2: ({ context }) => untilLeaseOffset(context, context.lease?.t2S ?? 0),
    leaseEnd: ({ context }) => untilLeaseOffset(context, context.lease?.leaseS ?? 0),
    renewRetry: ({ context }) => Math.max(MIN_RETRY_MS, untilLeaseOffset(context, context.lease?.t2S ?? 0) / 2),
    rebindRetry: ({ context }) => Math.max(MIN_RETRY_MS, untilLeaseOffset(context, context.lease?.leaseS ?? 0) / 2),
  },
}).createMachine({
  id: 'dhcp',
  initial: 'stopped',
  context: ({ input }) => ({ io: input.io, xid: 0, tries: 0, offeredIp: 0, serverId: 0, lease: undefined, reported: false }),
  on: {
    // Stopping keeps the address (lwIP dhcp_stop); the owner unconfigures if it wants to.
    stop: { target: '.stopped', actions: 'forget' },
  },
  states: {
    stopped: {
      on: { start: 'init' },
    },
    init: {
      entry: 'newTransaction',
      always: 'selecting',
    },
    selecting: {
      entry: ['countTry', 'sendDiscover'],
      after: { backoff: { target: 'selecting', reenter: true } },
      on: { 'rx.offer': { guard: 'offerUsable', target: 'requesting', actions: 'takeOffer' } },
    },
    requesting: {
      entry: ['countTry', 'sendSelect'],
      after: {
        backoff: [{ guard: 'requestTriesLeft', target: 'requesting', reenter: true }, { target: 'init' }],
      },
      on: {
        'rx.ack': [
          { guard: 'ackNeedsCheck', target: 'checking', actions: 'takeAck' },
          { guard: 'ackUsable', target: 'bound', actions: 'takeAck' },
        ],
        'rx.nak': { target: 'init' },
      },
    },
    checking: {
      entry: ['countTry', 'sendProbe'],
      after: {
        probeInterval: [{ guard: 'probesLeft', target: 'checking', reenter: true }, { target: 'bound' }],
      },
      on: { 'arp.conflict': { target: 'backingOff', actions: 'sendDecline' } },
    },
    backingOff: {
      after: { declineBackoff: 'init' },
    },
    bound: {
      entry: 'reportBound',
      after: { t1: { target: 'renewing', actions: 'resetTries' } },
    },
    renewing: {
      entry: ['countTry', 'sendRenew'],
      after: {
        t2: { target: 'rebinding', actions: 'resetTries' },
        renewRetry: { target: 'renewing', reenter: true },
      },
      on: {
        'rx.ack': { guard: 'ackUsable', target: 'bound', actions: 'takeAck' },
        'rx.nak': { target: 'init', actions: 'reportLost' },
      },
    },
    rebinding: {
      entry: ['countTry', 'sendRebind'],
      after: {
        leaseEnd: { target: 'init', actions: 'reportLost' },
        rebindRetry: { target: 'rebinding', reenter: true },
      },
      on: {
        'rx.ack': { guard: 'ackUsable', target: 'bound', actions: 'takeAck' },
        'rx.nak': { target: 'init', actions: 'reportLost' },
      },
    },
  },
});
