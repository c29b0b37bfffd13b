/**
 * errno numbers and texts of each personality. ESP32 numbers are newlib's
 * sys/errno.h (ESP-IDF builds MicroPython with the system errno, so
 * `OSError: [Errno 104] ECONNRESET` shows newlib's 104); lwIP's
 * err_to_errno() maps its err_t codes onto them. Linux numbers are
 * asm-generic/errno.h, its texts glibc's strerror().
 */
export type ErrnoName =
  | 'EPERM'
  | 'ENOENT'
  | 'EIO'
  | 'EBADF'
  | 'EAGAIN'
  | 'ENOMEM'
  | 'EACCES'
  | 'EEXIST'
  | 'ENODEV'
  | 'EISDIR'
  | 'EINVAL'
  | 'ENFILE'
  | 'EMFILE'
  | 'EPIPE'
  | 'EOPNOTSUPP'
  | 'ECONNRESET'
  | 'ENOBUFS'
  | 'EAFNOSUPPORT'
  | 'ENOPROTOOPT'
  | 'ECONNREFUSED'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ECONNABORTED'
  | 'ENETUNREACH'
  | 'ETIMEDOUT'
  | 'EHOSTUNREACH'
  | 'EINPROGRESS'
  | 'EALREADY'
  | 'EDESTADDRREQ'
  | 'EMSGSIZE'
  | 'EISCONN'
  | 'ENOTCONN';

export type ErrnoTable = Readonly<Record<ErrnoName, number>>;

/** newlib sys/errno.h (what MicroPython on ESP32 reports). */
export const NEWLIB_ERRNO: ErrnoTable = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11, // = EWOULDBLOCK
  ENOMEM: 12,
  EACCES: 13,
  EEXIST: 17,
  ENODEV: 19,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23, // lwIP: out of sockets
  EMFILE: 24,
  EPIPE: 32,
  EOPNOTSUPP: 95,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EAFNOSUPPORT: 106,
  ENOPROTOOPT: 109,
  ECONNREFUSED: 111,
  EADDRINUSE: 112,
  ECONNABORTED: 113,
  ENETUNREACH: 114,
  ETIMEDOUT: 116,
  EHOSTUNREACH: 118,
  EINPROGRESS: 119,
  EALREADY: 120,
  EDESTADDRREQ: 121,
  EMSGSIZE: 122,
  EADDRNOTAVAIL: 125,
  EISCONN: 127,
  ENOTCONN: 128,
};

/** Linux asm-generic/errno.h (what CPython on a PC reports). */
export const LINUX_ERRNO: ErrnoTable = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EEXIST: 17,
  ENODEV: 19,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  EPIPE: 32,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  ENOPROTOOPT: 92,
};

/**
 * The names MicroPython's `errno` module knows (py/moderrno.c default
 * MICROPY_PY_ERRNO_LIST, which the ESP32 port uses). OSError text shows
 * `[Errno n] NAME` only for these; other numbers print bare.
 */
export const MICROPYTHON_ERRNO_NAMES: readonly ErrnoName[] = [
  'EPERM',
  'ENOENT',
  'EIO',
  'EBADF',
  'EAGAIN',
  'ENOMEM',
  'EACCES',
  'EEXIST',
  'ENODEV',
  'EISDIR',
  'EINVAL',
  'EOPNOTSUPP',
  'EADDRINUSE',
  'ECONNABORTED',
  'ECONNRESET',
  'ENOBUFS',
  'ENOTCONN',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'EALREADY',
  'EINPROGRESS',
];

/**
 * glibc strerror() texts CPython prints after `[Errno n]` on Linux, for the
 * numbers a script can meet here (and the two getaddrinfo EAI codes).
 */
export const LINUX_STRERROR: Readonly<Record<number, string>> = {
  1: 'Operation not permitted',
  2: 'No such file or directory',
  4: 'Interrupted system call',
  9: 'Bad file descriptor',
  11: 'Resource temporarily unavailable',
  13: 'Permission denied',
  22: 'Invalid argument',
  23: 'Too many open files in system',
  24: 'Too many open files',
  32: 'Broken pipe',
  98: 'Address already in use',
  99: 'Cannot assign requested address',
  101: 'Network is unreachable',
  103: 'Software caused connection abort',
  104: 'Connection reset by peer',
  106: 'Transport endpoint is already connected',
  107: 'Transport endpoint is not connected',
  110: 'Connection timed out',
  111: 'Connection refused',
  113: 'No route to host',
  114: 'Operation already in progress',
  115: 'Operation now in progress',
  [-2]: 'Name or service not known',
  [-3]: 'Temporary failure in name resolution',
};

/** number → the errno module's name, for each of `names` (what MicroPython prints after `[Errno n]`). */
export function errnoNameTexts(table: ErrnoTable, names: readonly ErrnoName[]): Record<number, string> {
  const out: Record<number, string> = {};
  for (const n of names) out[table[n]] = n;
  return out;
}
