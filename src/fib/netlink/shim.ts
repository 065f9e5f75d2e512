// Loading the native shim (native/netlink.c, built by `npm install` into build/Release). A missing
// or unloadable shim is an answer, not an error: the caller falls back to `ip -batch`.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface ShimOpenOptions {
  readonly netns?: string;
  /** Multicast groups to join (RTNLGRP_*). */
  readonly groups?: readonly number[];
  readonly extAck?: boolean;
  readonly capAck?: boolean;
  readonly strictCheck?: boolean;
  /** SO_RCVBUF and SO_SNDBUF (forced past net.core.*mem_max when CAP_NET_ADMIN allows). */
  readonly bufferBytes?: number;
}

export interface ShimSocket {
  readonly fd: number;
  readonly portId: number;
  /** What the kernel granted (it doubles the asked size for its bookkeeping). */
  readonly receiveBuffer: number;
  readonly sendBuffer: number;
  readonly extAck: boolean;
  readonly capAck: boolean;
  readonly strictCheck: boolean;
}

export interface Received {
  /** Whole datagrams, each padded to 4 bytes. */
  readonly data: Uint8Array;
  /** ENOBUFS seen: the kernel dropped messages for this socket. */
  readonly overrun: boolean;
  /** Datagrams too large for the receive slice, lost. */
  readonly truncated: number;
}

/** The functions of wren_netlink.node; see native/netlink.c. */
export interface NetlinkShim {
  open(options: ShimOpenOptions): ShimSocket;
  close(fd: number): void;
  exchange(fd: number, data: Uint8Array | null, waitMs: number, maxBytes: number, callback: (err: Error | null, received: Received | null) => void): void;
  receive(fd: number, maxBytes: number): Received;
  watch(fd: number, callback: (error: string | null) => void, ref: boolean): unknown;
  unwatch(handle: unknown): void;
}

export type ShimLoad = { readonly ok: true; readonly shim: NetlinkShim; readonly path: string } | { readonly ok: false; readonly reason: string };

const FUNCTIONS = ['open', 'close', 'exchange', 'receive', 'watch', 'unwatch'] as const;

/** Where the shim may be: WREN_NETLINK_SHIM, else build/Release at the package root (from src/ or dist/src/). */
export function shimCandidates(): string[] {
  const fromEnv = process.env.WREN_NETLINK_SHIM;
  if (fromEnv) return [fromEnv];
  return ['../../../build/Release/wren_netlink.node', '../../../../build/Release/wren_netlink.node'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
}

let cached: ShimLoad | undefined;

/** Loads the shim once; later calls return the same answer. */
export function loadNetlinkShim(): ShimLoad {
  cached ??= load();
  return cached;
}

function load(): ShimLoad {
  if (process.platform !== 'linux') return { ok: false, reason: `rtnetlink is Linux only (this is ${process.platform})` };
  const candidates = shimCandidates();
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) return { ok: false, reason: `the native shim is not built (no ${candidates[0]}; \`npm install\` or \`node native/build.mjs\` builds it)` };
  try {
    const shim = createRequire(import.meta.url)(path) as Partial<NetlinkShim>;
    const missing = FUNCTIONS.filter((f) => typeof shim[f] !== 'function');
    if (missing.length > 0) return { ok: false, reason: `${path} lacks ${missing.join(', ')} (a stale build?)` };
    return { ok: true, shim: shim as NetlinkShim, path };
  } catch (err) {
    return { ok: false, reason: `${path} did not load: ${(err as Error).message.split('\n')[0]}` };
  }
}
