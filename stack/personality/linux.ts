/** A Linux PC running CPython 3 (asm-generic errno, glibc texts, the Linux TCP stack). */
import { LINUX_TCP } from '../tcp/config';
import { LINUX_ERRNO, LINUX_STRERROR, type ErrnoName } from './errno';
import type { Personality } from './api';
import { LINUX_SOCKOPTS } from './sockopt';

const POLLOUT_POLLHUP = 4 | 16;

export const LINUX_PERSONALITY: Personality = {
  name: 'linux',
  errno: LINUX_ERRNO,
  errnoNames: Object.keys(LINUX_ERRNO) as ErrnoName[],
  errnoText: LINUX_STRERROR,
  resolveFailed: -2, // EAI_NONAME
  tcp: LINUX_TCP,
  sockopt: LINUX_SOCKOPTS,
  msgDontwait: 0x40,
  maxSockets: 1021, // ulimit -n 1024 minus stdin/stdout/stderr
  tooManySockets: 'EMFILE',
  firstFd: 3,
  unsupportedSocketType: 'EPERM',
  recvTimeoutSliceUs: null,
  defaultBacklog: 4096,
  tcpErrors: {
    reset: 'ECONNRESET',
    refused: 'ECONNREFUSED',
    'syn-timeout': 'ETIMEDOUT',
    'rtx-timeout': 'ETIMEDOUT',
    'keepalive-timeout': 'ETIMEDOUT',
    aborted: 'ECONNABORTED',
  },
  ipErrors: { 'no-route': 'ENETUNREACH', 'no-address': 'ENETUNREACH', 'link-down': 'ENETUNREACH', 'too-big': 'EMSGSIZE' },
  errorRecvReports: 1,
  afterErrorRecv: 'eof',
  afterErrorSend: 'EPIPE',
  connectAfterDeath: 'EISCONN',
  sendUnconnected: 'EPIPE',
  recvBound: 'ENOTCONN',
  boundReadiness: POLLOUT_POLLHUP,
  sendUnconnectedUdp: 'EDESTADDRREQ',
  broadcastNeedsOption: true,
  timeoutSend: 'first-partial',
  sendallNonBlocking: 'EAGAIN',
  sndLowWater: 0,
  pollErr: true,
  reconnectAfterFailure: true,
  acceptFullDrops: false,
  udpQueue: { maxDatagrams: Number.MAX_SAFE_INTEGER, maxBytes: 212_992 }, // net.core.rmem_default
};
