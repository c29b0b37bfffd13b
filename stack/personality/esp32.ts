/** An ESP32 running MicroPython 1.27 on ESP-IDF 5.5 (newlib errno, lwIP sockets and TCP). */
import { ESP32_TCP } from '../tcp/config';
import { errnoNameTexts, MICROPYTHON_ERRNO_NAMES, NEWLIB_ERRNO } from './errno';
import type { Personality } from './api';
import { ESP32_SOCKOPTS } from './sockopt';

export const ESP32_PERSONALITY: Personality = {
  name: 'esp32',
  errno: NEWLIB_ERRNO,
  errnoNames: MICROPYTHON_ERRNO_NAMES,
  errnoText: errnoNameTexts(NEWLIB_ERRNO, MICROPYTHON_ERRNO_NAMES),
  resolveFailed: -202, // modsocket.c: getaddrinfo failure raises OSError(-202)
  tcp: ESP32_TCP,
  sockopt: ESP32_SOCKOPTS,
  msgDontwait: 8,
  maxSockets: 10, // CONFIG_LWIP_MAX_SOCKETS (MEMP_NUM_NETCONN)
  tooManySockets: 'ENFILE',
  firstFd: 54,
  unsupportedSocketType: 'EOPNOTSUPP',
  recvTimeoutSliceUs: 100_000,
  defaultBacklog: 2, // MICROPY_PY_SOCKET_LISTEN_BACKLOG_DEFAULT
  tcpErrors: {
    reset: 'ECONNRESET', // ERR_RST
    refused: 'ECONNRESET', // RST in SYN-SENT is ERR_RST too
    'syn-timeout': 'ECONNABORTED', // tcp_slowtmr purges with ERR_ABRT
    'rtx-timeout': 'ECONNABORTED',
    'keepalive-timeout': 'ECONNABORTED',
    aborted: 'ECONNABORTED',
  },
  ipErrors: { 'no-route': 'EHOSTUNREACH', 'no-address': 'EHOSTUNREACH', 'link-down': 'EHOSTUNREACH', 'too-big': 'EMSGSIZE' },
  errorRecvReports: 2,
  afterErrorRecv: 'ENOTCONN',
  afterErrorSend: 'ENOTCONN',
  connectAfterDeath: 'ENOTCONN',
  sendUnconnected: 'ENOTCONN',
  recvBound: 'block',
  boundReadiness: 0, // MicroPython marks a bound socket "connected": lwIP reports nothing for it
  sendUnconnectedUdp: 'ENOTCONN',
  broadcastNeedsOption: false,
  timeoutSend: 'deadline',
  sendallNonBlocking: 'ETIMEDOUT', // modsocket.c socket_sendall: r < len → MP_ETIMEDOUT
  sndLowWater: 2881, // TCP_SNDLOWAT = min(max(5760/2, 2*1440+1), 5760-1)
  pollErr: false,
  reconnectAfterFailure: false,
  acceptFullDrops: true,
  udpQueue: { maxDatagrams: 6, maxBytes: Number.MAX_SAFE_INTEGER }, // CONFIG_LWIP_UDP_RECVMBOX_SIZE
};
