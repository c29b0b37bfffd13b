/**
 * The ESP32 WiFi station as an xstate v5 machine, with MicroPython's status
 * codes and ESP-IDF-like virtual delays:
 *   idle → scanning (passes of SCAN_PASS_MS) → authenticating → associating →
 *   handshake (WPA2 4-way) → linked.dhcp → linked.gotIp
 * Unknown SSID: 201 after SCAN_PASSES passes. Wrong password: the 4-way
 * handshake times out (HANDSHAKE_TIMEOUT_MS) → 202. AP full → 203. Link lost
 * during the handshake → 204. AP vanishes → 200 after BEACON_TIMEOUT_MS.
 */
import { assign, createActor, setup, type Actor } from 'xstate';
import type { Simulator } from '../../sim/simulator';
import {
  STAT_ASSOC_FAIL,
  STAT_BEACON_TIMEOUT,
  STAT_CONNECTING,
  STAT_GOT_IP,
  STAT_HANDSHAKE_TIMEOUT,
  STAT_IDLE,
  STAT_NO_AP_FOUND,
  STAT_WRONG_PASSWORD,
} from '../contracts';
import type { AccessPointRadio, Airspace } from '../medium/airspace';
import { macToString, type MacAddr } from '../../stack/wire/types';

export const SCAN_PASS_MS = 360;
export const SCAN_PASSES = 3;
export const AUTH_MS = 4;
export const ASSOC_MS = 6;
export const HANDSHAKE_MS = 12;
export const HANDSHAKE_TIMEOUT_MS = 3200;
export const BEACON_TIMEOUT_MS = 6000;

/** What the machine needs from its board. */
export interface StaHost {
  readonly sim: Simulator;
  readonly device: string;
  readonly airspace: Airspace;
  /** Associated and keyed: attach the NIC to the AP's BSS and start DHCP (or apply the static config). */
  linkUp(ap: AccessPointRadio): void;
  /** Detach from the BSS, stop DHCP, drop the address. */
  linkDown(ap: AccessPointRadio | undefined): void;
  /** True while the station interface has an address. */
  hasAddress(): boolean;
  /** Station NIC as the AP sees it. */
  port(): import('../nic').MediumPort;
}

interface StaContext {
  /** The board (the actor's input): the machine is built once, every station is an actor of it. */
  host: StaHost;
  ssid: string;
  password: string;
  bssid: MacAddr | undefined;
  ap: AccessPointRadio | undefined;
  pass: number;
  /** Reason code of the last failure (MicroPython's status() while not connected). */
  reason: number;
  unsubscribeGone: (() => void) | undefined;
}

export type StaEvent =
  | { type: 'app.connect'; ssid: string; password: string; bssid?: MacAddr }
  | { type: 'app.disconnect' }
  | { type: 'ip.bound' }
  | { type: 'ip.lost' }
  | { type: 'ap.gone' };

const find = (ctx: StaContext): AccessPointRadio | undefined =>
  ctx.host.airspace.visible(ctx.host.device).find((a) => a.ssid === ctx.ssid && (ctx.bssid === undefined || a.bssid === ctx.bssid));
const trace = (host: StaHost, kind: string, fields?: Record<string, unknown>) => host.sim.trace.emit(host.device, 'wifi', kind, fields);

/** The station machine (immutable, built once: xstate keeps its transition tables with it). */
export const staMachine = setup({
  types: { context: {} as StaContext, events: {} as StaEvent, input: {} as StaHost },
  delays: {
    SCAN_PASS: SCAN_PASS_MS,
    AUTH: AUTH_MS,
    ASSOC: ASSOC_MS,
    HANDSHAKE: HANDSHAKE_MS,
    HANDSHAKE_TIMEOUT: HANDSHAKE_TIMEOUT_MS,
    BEACON_TIMEOUT: BEACON_TIMEOUT_MS,
  },
  guards: {
    apVisible: ({ context }) => find(context) !== undefined,
    morePasses: ({ context }) => context.pass + 1 < SCAN_PASSES,
    apHearsUs: ({ context }) => context.ap !== undefined && context.ap.beaconing && !context.ap.bss.params(context.host.device).down,
    passwordRight: ({ context }) => context.ap !== undefined && context.ap.passwordMatches(context.password),
    assocAccepted: ({ context }) => context.ap !== undefined && context.ap.associate(context.host.port()) === 'ok',
  },
  actions: {
    storeTarget: assign(({ event }) =>
      event.type === 'app.connect' ? { ssid: event.ssid, password: event.password, bssid: event.bssid, pass: 0, reason: 0 } : {},
    ),
    nextPass: assign(({ context }) => ({ pass: context.pass + 1 })),
    pickAp: assign(({ context }) => ({ ap: find(context) })),
    traceScan: ({ context }) => trace(context.host, 'scan', { ssid: context.ssid, pass: context.pass }),
    traceState: ({ context }, params: { state: string }) => trace(context.host, 'state', { state: params.state }),
    failNoAp: assign({ reason: STAT_NO_AP_FOUND }),
    failPassword: assign({ reason: STAT_WRONG_PASSWORD }),
    failAssoc: assign({ reason: STAT_ASSOC_FAIL }),
    failHandshake: assign({ reason: STAT_HANDSHAKE_TIMEOUT }),
    failBeacon: assign({ reason: STAT_BEACON_TIMEOUT }),
    traceFail: ({ context }) => trace(context.host, 'fail', { reason: context.reason }),
    releaseAp: ({ context }) => {
      context.ap?.disassociate(context.host.port());
    },
    linkUp: assign(({ context, self }) => {
      const ap = context.ap!;
      const host = context.host;
      trace(host, 'associated', { ssid: ap.ssid, bssid: macToString(ap.bssid), channel: ap.channel });
      host.linkUp(ap);
      return { unsubscribeGone: ap.onGone(() => self.send({ type: 'ap.gone' })) };
    }),
    linkDown: assign(({ context }) => {
      context.unsubscribeGone?.();
      context.host.linkDown(context.ap);
      context.ap?.disassociate(context.host.port());
      return { unsubscribeGone: undefined };
    }),
    forgetAp: assign({ ap: undefined }),
    clearReason: assign({ reason: 0 }),
  },
}).createMachine({
  id: 'wifi-sta',
  initial: 'idle',
  context: ({ input }) => ({ host: input, ssid: '', password: '', bssid: undefined, ap: undefined, pass: 0, reason: 0, unsubscribeGone: undefined }),
  on: {
    'app.connect': { target: '.scanning', actions: ['storeTarget'] },
  },
  states: {
    idle: { entry: [{ type: 'traceState', params: { state: 'idle' } }, 'forgetAp', 'clearReason'] },
    scanning: {
      entry: ['traceScan'],
      on: { 'app.disconnect': 'idle' },
      after: {
        SCAN_PASS: [
          { guard: 'apVisible', target: 'authenticating', actions: ['pickAp'] },
          { guard: 'morePasses', target: 'scanning', reenter: true, actions: ['nextPass'] },
          { target: 'failed', actions: ['failNoAp'] },
        ],
      },
    },
    authenticating: {
      entry: [{ type: 'traceState', params: { state: 'authenticating' } }],
      on: { 'app.disconnect': 'idle' },
      after: { AUTH: [{ guard: 'apHearsUs', target: 'associating' }, { target: 'failed', actions: ['failNoAp'] }] },
    },
    associating: {
      entry: [{ type: 'traceState', params: { state: 'associating' } }],
      on: { 'app.disconnect': 'idle' },
      after: {
        ASSOC: [
          { guard: 'apHearsUs', target: 'handshake' },
          { target: 'failed', actions: ['failNoAp'] },
        ],
      },
    },
    handshake: {
      entry: [{ type: 'traceState', params: { state: 'handshake' } }],
      on: { 'app.disconnect': 'idle' },
      after: {
        HANDSHAKE: { guard: 'passwordRight', target: 'admitting' },
        HANDSHAKE_TIMEOUT: [
          { guard: 'apHearsUs', target: 'failed', actions: ['failPassword'] },
          { target: 'failed', actions: ['failHandshake'] },
        ],
      },
    },
    // The AP admits the station only once it holds the keys (association table entry).
    admitting: {
      always: [{ guard: 'assocAccepted', target: 'linked' }, { target: 'failed', actions: ['failAssoc'] }],
    },
    linked: {
      entry: ['linkUp'],
      exit: ['linkDown'],
      initial: 'dhcp',
      on: {
        'app.disconnect': 'idle',
        'ap.gone': '.lost',
      },
      states: {
        dhcp: {
          entry: [{ type: 'traceState', params: { state: 'dhcp' } }],
          on: { 'ip.bound': 'gotIp' },
        },
        gotIp: {
          entry: [{ type: 'traceState', params: { state: 'got-ip' } }],
          on: { 'ip.lost': 'dhcp' },
        },
        lost: {
          after: { BEACON_TIMEOUT: { target: '#wifi-sta.failed', actions: ['failBeacon'] } },
        },
      },
    },
    failed: {
      entry: ['traceFail'],
      on: { 'app.disconnect': 'idle' },
    },
  },
});

export type StaMachine = typeof staMachine;

/** The running station: an actor on the kernel clock plus MicroPython's status(). */
export class WifiStation {
  readonly actor: Actor<StaMachine>;

  constructor(private readonly host: StaHost) {
    this.actor = createActor(staMachine, { input: host, clock: host.sim.clock });
    this.actor.start();
  }

  connect(ssid: string, password: string, bssid?: MacAddr): void {
    this.actor.send({ type: 'app.connect', ssid, password, bssid });
  }

  disconnect(): void {
    this.actor.send({ type: 'app.disconnect' });
  }

  send(ev: StaEvent): void {
    this.actor.send(ev);
  }

  /** network.WLAN(STA_IF).status() */
  status(): number {
    const snap = this.actor.getSnapshot();
    if (snap.matches('idle')) return STAT_IDLE;
    if (snap.matches('failed')) return snap.context.reason;
    // Until the beacon timeout fires the station still believes it is connected.
    if (snap.matches({ linked: 'gotIp' }) || (snap.matches({ linked: 'lost' }) && this.host.hasAddress())) return STAT_GOT_IP;
    return STAT_CONNECTING;
  }

  isconnected(): boolean {
    return this.status() === STAT_GOT_IP;
  }

  /** The AP the station is associated with (undefined when not linked). */
  ap(): AccessPointRadio | undefined {
    const snap = this.actor.getSnapshot();
    return snap.matches('linked') ? snap.context.ap : undefined;
  }

  /** Back to idle (reset / power off). */
  stop(): void {
    this.disconnect();
  }

  get stateName(): string {
    return JSON.stringify(this.actor.getSnapshot().value);
  }
}
