// The kernel FIB, whichever way it can be written: rtnetlink through the native shim when it is
// built and loads, else one long-lived `ip -batch` process. The choice and its reason are logged
// once, at start. Also this host's addresses (the guard rails' input), the same way.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pino, { type Logger } from 'pino';
import { Iproute2Fib } from './iproute2.js';
import { dumpHostAddresses } from './netlink/host.js';
import { NetlinkFib } from './netlink/fib.js';
import { loadNetlinkShim } from './netlink/shim.js';
import { NetlinkSocket } from './netlink/socket.js';
import type { FibBackend, FibChange, FibResult, FibRoute, FibTableOptions } from './types.js';

const run = promisify(execFile);

export type KernelTransport = 'netlink' | 'iproute2';

export interface KernelFibOptions extends FibTableOptions {
  /** Work inside this named network namespace. */
  readonly netns?: string;
  /** 'auto' (the default): rtnetlink when the shim loads, else iproute2. */
  readonly transport?: 'auto' | KernelTransport;
  readonly logger?: Logger;
  /** NetlinkFib: silence after which unanswered changes are EIO (ms). */
  readonly timeoutMs?: number;
  /** NetlinkFib: requests per sendmsg(). */
  readonly batchSize?: number;
  /** Iproute2Fib: the `ip` binary. */
  readonly ip?: string;
}

/** A kernel backend that says which transport it uses and why. */
export class KernelFib implements FibBackend {
  constructor(
    readonly backend: FibBackend,
    readonly transport: KernelTransport,
    readonly reason: string,
  ) {}

  apply(changes: readonly FibChange[]): Promise<FibResult> {
    return this.backend.apply(changes);
  }

  list(): Promise<FibRoute[]> {
    return this.backend.list();
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

/** Opens the kernel FIB; throws when the asked-for transport (or, in 'auto', both) cannot work. */
export async function openKernelFib(options: KernelFibOptions = {}): Promise<KernelFib> {
  const log = options.logger ?? pino({ level: 'silent' });
  const transport = options.transport ?? 'auto';
  const { logger: _logger, transport: _transport, ...rest } = options;
  const where = options.netns !== undefined ? { netns: options.netns } : {};
  if (transport !== 'iproute2') {
    const shim = loadNetlinkShim();
    if (shim.ok) {
      try {
        const fib = await NetlinkFib.open({ ...rest, shim: shim.shim });
        const reason = `native shim loaded from ${shim.path}`;
        log.info({ transport: 'netlink', shim: shim.path, ...where }, 'kernel FIB: writing through rtnetlink');
        return new KernelFib(fib, 'netlink', reason);
      } catch (err) {
        if (transport === 'netlink') throw err;
        log.warn({ transport: 'iproute2', err: (err as Error).message, ...where }, 'kernel FIB: rtnetlink failed to open, falling back to ip -batch');
        return openIproute2(rest, `rtnetlink failed to open: ${(err as Error).message}`, log, where);
      }
    }
    if (transport === 'netlink') throw new Error(`kernel FIB: rtnetlink asked for, but ${shim.reason}`);
    return openIproute2(rest, `rtnetlink unavailable: ${shim.reason}`, log, where);
  }
  return openIproute2(rest, 'iproute2 asked for', log, where);
}

async function openIproute2(options: Omit<KernelFibOptions, 'logger' | 'transport'>, reason: string, log: Logger, where: object): Promise<KernelFib> {
  const fib = await Iproute2Fib.open(options);
  log.info({ transport: 'iproute2', reason, ...where }, 'kernel FIB: writing through ip -batch');
  return new KernelFib(fib, 'iproute2', reason);
}

export interface HostAddressOptions {
  readonly netns?: string;
  readonly transport?: 'auto' | KernelTransport;
}

/**
 * This host's interface addresses with their prefix lengths ('10.0.0.5/24', 'fd00::5/64'), IPv4
 * first: an RTM_GETADDR dump when the shim loads, else `ip -json addr show`.
 */
export async function readHostAddresses(options: HostAddressOptions = {}): Promise<string[]> {
  const transport = options.transport ?? 'auto';
  if (transport === 'iproute2') return ipAddresses(options.netns);
  const shim = loadNetlinkShim();
  if (!shim.ok) {
    if (transport === 'netlink') throw new Error(`host addresses: rtnetlink asked for, but ${shim.reason}`);
    return ipAddresses(options.netns);
  }
  const socket = NetlinkSocket.open(shim.shim, { ...(options.netns !== undefined ? { netns: options.netns } : {}), bufferBytes: 1 << 20 });
  try {
    return await dumpHostAddresses(socket);
  } finally {
    await socket.close();
  }
}

interface JsonAddress {
  readonly family?: string;
  readonly local?: string;
  readonly prefixlen?: number;
}

async function ipAddresses(netns: string | undefined): Promise<string[]> {
  const args = [...(netns !== undefined ? ['-n', netns] : []), '-json', 'addr', 'show'];
  const { stdout } = await run('ip', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const rows = JSON.parse(stdout.trim() || '[]') as readonly { addr_info?: readonly JsonAddress[] }[];
  const all = rows.flatMap((r) => r.addr_info ?? []).filter((a) => a.local !== undefined && a.prefixlen !== undefined && (a.family === 'inet' || a.family === 'inet6'));
  // IPv4 first, as the dump gives them.
  return [...all.filter((a) => a.family === 'inet'), ...all.filter((a) => a.family === 'inet6')].map((a) => `${a.local}/${a.prefixlen}`);
}
