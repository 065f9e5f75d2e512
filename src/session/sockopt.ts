// TCP socket options Node has no API for, through the native shim (native/sockopt.c, built into
// the same wren_netlink.node as the rtnetlink transport): the TTL of a session (eBGP multihop),
// the minimum TTL accepted (GTSM, RFC 5082) and TCP-MD5 signatures (RFC 2385).
//
// Without the shim every function here throws an error that says why; callers that can do
// without (a TTL) check `sockoptUnavailable()` first.
//
// TCP-MD5 has to be on a socket before its SYN leaves, but a node:net socket gets its file
// descriptor only inside connect() (libuv creates it lazily; `socket._handle.fd` is -1 until
// then, and the `lookup` hook is not called for an address literal). So an outgoing socket that
// needs options is created by the shim (`tcpSocket`), given its options, wrapped in a net.Socket
// ({ fd }) and only then connected. Incoming connections inherit the keys of the listening socket.

import { Socket, type Server } from 'node:net';
import { loadNetlinkShim } from '../fib/netlink/shim.js';

interface SockoptShim {
  tcpSocket(family: 4 | 6): number;
  setTtl(fd: number, family: 4 | 6, ttl: number): void;
  getTtl(fd: number, family: 4 | 6): number;
  setMinTtl(fd: number, family: 4 | 6, minTtl: number): void;
  setMd5(fd: number, family: 4 | 6, address: string, key: string): void;
  close(fd: number): void;
}

const FUNCTIONS = ['tcpSocket', 'setTtl', 'getTtl', 'setMinTtl', 'setMd5', 'close'] as const;

let cached: { shim: SockoptShim } | { reason: string } | undefined;

function load(): { shim: SockoptShim } | { reason: string } {
  const loaded = loadNetlinkShim();
  if (!loaded.ok) return { reason: loaded.reason };
  const mod = loaded.shim as unknown as Record<string, unknown>;
  const missing = FUNCTIONS.filter((f) => typeof mod[f] !== 'function');
  if (missing.length > 0) return { reason: `${loaded.path} lacks ${missing.join(', ')} (built before TCP options were added: \`node native/build.mjs\` rebuilds it)` };
  return { shim: mod as unknown as SockoptShim };
}

/** Why TTL / MD5 cannot be set here (the shim is not built or too old), or null when they can. */
export function sockoptUnavailable(): string | null {
  cached ??= load();
  return 'reason' in cached ? cached.reason : null;
}

function shim(what: string): SockoptShim {
  cached ??= load();
  if ('reason' in cached) throw new Error(`${what} needs the native shim, which is unavailable: ${cached.reason}`);
  return cached.shim;
}

/** 4 or 6: the family of an address (a v4-mapped IPv6 address is IPv4 traffic). */
export function addressFamily(address: string): 4 | 6 {
  return address.includes(':') && !/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? 6 : 4;
}

/** The file descriptor of a node:net socket or server (Linux: `_handle.fd`). */
export function socketFd(s: Socket | Server): number {
  const fd = (s as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('the socket has no file descriptor (not connected / not listening yet, or closed)');
  return fd;
}

/** The TTL (IPv6: hop limit) of what the socket sends to `peer`. */
export function setTtl(s: Socket, peer: string, ttl: number): void {
  shim('setting the TTL').setTtl(socketFd(s), addressFamily(peer), ttl);
}

export function getTtl(s: Socket, peer: string): number {
  return shim('reading the TTL').getTtl(socketFd(s), addressFamily(peer));
}

/** GTSM (RFC 5082): the kernel drops segments from `peer` that arrive with a lower TTL. */
export function setMinTtl(s: Socket | Server, peer: string, minTtl: number): void {
  shim('setting the minimum TTL').setMinTtl(socketFd(s), addressFamily(peer), minTtl);
}

/** The TCP-MD5 key for `peer` on a socket or a listening server; '' removes it. */
export function setMd5(s: Socket | Server, peer: string, key: string): void {
  shim('TCP-MD5').setMd5(socketFd(s), addressFamily(peer), peer.replace(/^::ffff:/i, ''), key);
}

export interface PreparedSocketOptions {
  /** The peer the socket will connect to. */
  readonly peer: string;
  readonly ttl?: number;
  readonly md5Key?: string;
}

/**
 * An unconnected net.Socket whose TTL and MD5 key are set already: call connect() on it. The
 * family of the socket is the peer's.
 */
export function preparedSocket(options: PreparedSocketOptions): Socket {
  const s = shim(options.md5Key !== undefined ? 'TCP-MD5' : 'setting the TTL');
  const family = addressFamily(options.peer);
  const fd = s.tcpSocket(family);
  try {
    if (options.ttl !== undefined) s.setTtl(fd, family, options.ttl);
    if (options.md5Key) s.setMd5(fd, family, options.peer, options.md5Key);
    // manualStart: do not start reading an unconnected socket (it would see EOF at once);
    // connect() starts reading once the connection is up.
    return new Socket({ fd, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
  } catch (err) {
    s.close(fd);
    throw err;
  }
}
