// Watching the kernel's routing table for changes to our routes: the rtnetlink multicast groups
// RTNLGRP_IPV4_ROUTE and RTNLGRP_IPV6_ROUTE through the native shim, or `ip -N -o monitor route`
// as a child process without it. Only routes of our protocol id, table and metric are reported, so
// the daemon can restore or report a route of ours that someone else deleted or changed.
//
// Our own writes are reported too: the kernel notifies every change, whoever made it. Compare an
// event with what the FIB writer installed (FibWriter.installed()) to tell them apart.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { KernelTransport } from './kernel.js';
import { parseMonitorLine } from './monitor-text.js';
import { RTM_DELROUTE, RTM_NEWROUTE, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE } from './netlink/constants.js';
import { LinkIndex } from './netlink/links.js';
import type { NetlinkMessage } from './netlink/message.js';
import type { RouteMessage } from './netlink/route-message.js';
import { loadNetlinkShim } from './netlink/shim.js';
import { NetlinkSocket } from './netlink/socket.js';
import { fibRouteOf, isOurs, routeIfindexes } from './netlink/translate.js';
import { effectiveMetric, resolveTableOptions, type FibRoute, type FibTableOptions, type ResolvedTableOptions } from './types.js';

export interface FibMonitorOptions extends FibTableOptions {
  /** Watch inside this named network namespace. */
  readonly netns?: string;
  /** 'auto' (the default): rtnetlink when the shim loads, else `ip monitor`. */
  readonly transport?: 'auto' | KernelTransport;
  readonly logger?: Logger;
  /** Keep the process alive while watching; true by default. */
  readonly ref?: boolean;
  /** Iproute2: the `ip` binary. */
  readonly ip?: string;
}

export interface FibMonitorEvents {
  /** A route of ours was added or changed (what it is now). */
  changed: [route: FibRoute];
  /** A route of ours was deleted (what it was). */
  deleted: [route: FibRoute];
  /** Notifications were lost (the kernel's ENOBUFS): list the table to know where things are. */
  overrun: [];
  error: [error: Error];
}

export class FibMonitor extends EventEmitter<FibMonitorEvents> {
  private stop: () => Promise<void> = async () => undefined;

  private constructor(
    readonly transport: KernelTransport,
    private readonly options: ResolvedTableOptions,
  ) {
    super();
  }

  /** Starts watching; events that happen after this resolves are reported. */
  static async open(options: FibMonitorOptions = {}): Promise<FibMonitor> {
    const log = options.logger ?? pino({ level: 'silent' });
    const resolved = resolveTableOptions(options);
    const transport = options.transport ?? 'auto';
    const shim = transport === 'iproute2' ? null : loadNetlinkShim();
    if (shim && !shim.ok && transport === 'netlink') throw new Error(`FIB monitor: rtnetlink asked for, but ${shim.reason}`);
    if (shim?.ok) {
      const monitor = new FibMonitor('netlink', resolved);
      monitor.startNetlink(shim.shim, options);
      log.info({ transport: 'netlink', ...(options.netns !== undefined ? { netns: options.netns } : {}) }, 'FIB monitor: watching rtnetlink route notifications');
      return monitor;
    }
    const monitor = new FibMonitor('iproute2', resolved);
    await monitor.startIproute2(options);
    log.info({ transport: 'iproute2', reason: shim && !shim.ok ? shim.reason : 'iproute2 asked for' }, 'FIB monitor: watching `ip monitor route`');
    return monitor;
  }

  async close(): Promise<void> {
    const stop = this.stop;
    this.stop = async () => undefined;
    await stop();
  }

  private startNetlink(shim: Parameters<typeof NetlinkSocket.open>[0], options: FibMonitorOptions): void {
    const where = options.netns !== undefined ? { netns: options.netns } : {};
    const events = NetlinkSocket.open(shim, { ...where, groups: [RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE], bufferBytes: 32 << 20 });
    // Interface names come from a second socket: the first one only listens.
    let requests: NetlinkSocket | null = null;
    const links = new LinkIndex(() => (requests ??= NetlinkSocket.open(shim, where)));
    // Events are reported in order, also when one waits for the interface table.
    let chain = Promise.resolve();
    const report = (type: number, route: RouteMessage): void => {
      chain = chain.then(async () => {
        try {
          await links.ensure([], routeIfindexes(route));
        } catch {
          // Listed without the names then.
        }
        const r = fibRouteOf(route, (i) => links.nameOf(i));
        if (r) this.emit(type === RTM_DELROUTE ? 'deleted' : 'changed', r);
      });
    };
    events.listen(
      (m: NetlinkMessage) => {
        if (m.kind === 'route' && (m.header.type === RTM_NEWROUTE || m.header.type === RTM_DELROUTE) && isOurs(m.route, this.options)) report(m.header.type, m.route);
      },
      (trouble) => {
        if (trouble.overrun) this.emit('overrun');
        if (trouble.error) this.emit('error', trouble.error);
      },
      options.ref ?? true,
    );
    this.stop = async () => {
      await events.close();
      await chain;
      await requests?.close();
    };
  }

  private async startIproute2(options: FibMonitorOptions): Promise<void> {
    const ip = options.ip ?? 'ip';
    const args = [...(options.netns !== undefined ? ['-n', options.netns] : []), '-N', '-o', 'monitor', 'route'];
    const child: ChildProcessByStdio<null, Readable, Readable> = spawn(ip, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stopping = false;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => (stderr = (stderr + t).slice(-2000)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = parseMonitorLine(line);
      if (!m || m.protocol !== this.options.protocol || m.table !== this.options.table || m.metric !== effectiveMetric(m.afi, this.options.metric)) return;
      this.emit(m.deleted ? 'deleted' : 'changed', m.route);
    });
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.once('error', (err) => this.emit('error', new Error(`${ip} ${args.join(' ')}: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (!stopping) this.emit('error', new Error(`${ip} ${args.join(' ')} exited (${signal ?? `code ${String(code)}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
    });
    if (options.ref === false) child.unref();
    this.stop = async () => {
      stopping = true;
      // An unref'd child does not keep Node alive while we wait for it to go: without this, a
      // daemon with nothing else left to wait on exits in the middle of its stop.
      child.ref();
      const keepAlive = setTimeout(() => undefined, 10_000);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      clearTimeout(keepAlive);
    };
    await subscribed(child.pid);
  }
}

/**
 * Waits (up to 2 s) until `ip monitor` has joined its multicast groups, so that a change made right
 * after open() is seen: its socket shows in /proc/PID/net/netlink (the list of its namespace) with
 * its port id (the pid, for a process's first socket) and a non-zero Groups mask.
 */
async function subscribed(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const end = Date.now() + 2000;
  while (Date.now() < end) {
    const table = await readFile(`/proc/${pid}/net/netlink`, 'utf8').catch(() => null);
    if (table === null) return;
    for (const line of table.split('\n')) {
      const cols = line.trim().split(/\s+/);
      // sk Eth Pid Groups ...; Eth 0 is NETLINK_ROUTE.
      if (cols[1] === '0' && cols[2] === String(pid) && cols[3] !== undefined && /^[0-9a-f]+$/.test(cols[3]) && Number.parseInt(cols[3], 16) !== 0) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
