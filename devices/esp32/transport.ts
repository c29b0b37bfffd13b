/**
 * Builds a device's transport layers (TCP + the BSD socket table) on top of its
 * NetStack, for a personality: 'esp32' (lwIP numbers and timers) or 'linux'
 * (PCs and internet hosts). Shared by every board kind.
 */
import type { Simulator } from '../../sim/simulator';
import type { NetStack } from '../../stack/netstack';
import type { SocketApi } from '../../stack/socket/api';
import type { TcpLayerApi } from '../../stack/tcp/api';

export type Personality = 'esp32' | 'linux';

export interface Transport {
  tcp: TcpLayerApi | undefined;
  sockets: SocketApi;
}

const ENOSYS = 38;

/** Placeholder until stack/tcp and stack/socket land: every call fails with ENOSYS. */
function unavailableSockets(): SocketApi {
  const no = { ok: false as const, errno: ENOSYS };
  return {
    socket: () => no,
    bind: () => no,
    listen: () => no,
    accept: (_f, cb) => cb(no),
    connect: (_f, _a, cb) => cb(no),
    send: (_f, _d, _fl, cb) => cb(no),
    sendall: (_f, _d, cb) => cb(no),
    sendto: (_f, _d, _a, _fl, cb) => cb(no),
    recv: (_f, _m, _fl, cb) => cb(no),
    recvfrom: (_f, _m, _fl, cb) => cb(no),
    setsockopt: () => no,
    settimeout: () => no,
    setblocking: () => no,
    close: () => no,
    readiness: () => 32,
    poll: (_e, _t, cb) => cb([]),
    destroyAll: () => {},
    closeAll: () => {},
  };
}

export function buildTransport(_sim: Simulator, _device: string, _net: NetStack, _personality: Personality): Transport {
  return { tcp: undefined, sockets: unavailableSockets() };
}
