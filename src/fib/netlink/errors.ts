// Errors of the rtnetlink codec and the kernel's errno values in FIB terms.

import { getSystemErrorMap } from 'node:util';
import type { FibErrorCode } from '../types.js';

/** What was wrong with bytes that do not decode. */
export type NetlinkErrorCode = 'truncated' | 'bad-length' | 'bad-attribute' | 'bad-value';

/** The only error the decoders throw: bytes that are not rtnetlink as the kernel writes it. */
export class NetlinkError extends Error {
  constructor(
    readonly code: NetlinkErrorCode,
    message: string,
    /** Byte offset of the problem in the decoded buffer. */
    readonly offset: number,
  ) {
    super(`netlink ${code} at byte ${offset}: ${message}`);
    this.name = 'NetlinkError';
  }
}

// Errno numbers differ between architectures (MIPS, SPARC...), so names come from this platform's
// table (libuv's, through node:util), never from numbers written here.
const SYSTEM = getSystemErrorMap();

// glibc's strerror() wording, which is what `ip` prints ("RTNETLINK answers: No such process"), for
// the names the FIB meets; libuv's lower-case text for the rest.
const WORDING: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  EIO: 'Input/output error',
  EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied',
  EBUSY: 'Device or resource busy',
  EEXIST: 'File exists',
  ENODEV: 'No such device',
  EINVAL: 'Invalid argument',
  ERANGE: 'Numerical result out of range',
  EMSGSIZE: 'Message too long',
  ENOTSUP: 'Operation not supported',
  EOPNOTSUPP: 'Operation not supported',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  ENETDOWN: 'Network is down',
  ENETUNREACH: 'Network is unreachable',
  ENOBUFS: 'No buffer space available',
  EHOSTUNREACH: 'No route to host',
};

/** 'ESRCH' for 3 on Linux/x86; `E${n}` for a number this platform does not know. */
export function errnoName(errno: number): string {
  return SYSTEM.get(-Math.abs(errno))?.[0] ?? `E${Math.abs(errno)}`;
}

/** strerror()-like text for an errno. */
export function errnoText(errno: number): string {
  const entry = SYSTEM.get(-Math.abs(errno));
  if (!entry) return `Unknown error ${Math.abs(errno)}`;
  return WORDING[entry[0]] ?? entry[1].charAt(0).toUpperCase() + entry[1].slice(1);
}

const DIRECT = new Set<string>(['ESRCH', 'ENETUNREACH', 'EHOSTUNREACH', 'ENODEV', 'EINVAL', 'EEXIST', 'EPERM', 'EIO']);
/** Refusals that say "not now" rather than "not this route": left to the next reconcile, like EIO. */
const TRANSIENT = new Set<string>(['ENOBUFS', 'ENOMEM', 'EAGAIN', 'EBUSY', 'EINTR', 'ETIMEDOUT']);

/**
 * The FIB's name for a kernel errno: the name itself where FibErrorCode has it, EPERM for EACCES,
 * EIO for resource shortages (the route was not written; a later reconcile retries it), and EINVAL
 * for any other refusal (the message keeps the kernel's words and the errno name).
 */
export function fibErrorCode(errno: number): FibErrorCode {
  const name = errnoName(errno);
  if (DIRECT.has(name)) return name as FibErrorCode;
  if (name === 'EACCES') return 'EPERM';
  if (TRANSIENT.has(name)) return 'EIO';
  return 'EINVAL';
}
