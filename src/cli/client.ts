// The commands that talk to a running daemon, only through its control API (docs/api.md):
// status, routes, announce, withdraw, peers reset, reload, stop.

import type { Command } from 'commander';
import { controlRequest, ControlRequestError } from '../api/control.js';
import type { RoutesView, StatusView } from '../api/views.js';
import { DEFAULT_API_SOCKET } from '../config/types.js';
import { formatRoutes, formatStatus } from './tables.js';

interface Common {
  socket?: string;
  json?: boolean;
}

/** The socket: --socket, then $WREN_SOCKET, then /run/wren/wren.sock. */
function socketOf(o: Common): string {
  return o.socket ?? process.env.WREN_SOCKET ?? DEFAULT_API_SOCKET;
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

export function registerClient(program: Command, setExit: (code: number) => void): void {
  const call = async (o: Common, method: string, params: Record<string, unknown> = {}): Promise<unknown> => {
    try {
      return await controlRequest(socketOf(o), method, params);
    } catch (err) {
      if (err instanceof ControlRequestError) {
        process.stderr.write(`wren: ${err.message}\n`);
        setExit(err.code === 'not-found' || err.code === 'invalid-params' ? 1 : 3);
        return undefined;
      }
      throw err;
    }
  };
  const socketOption = (c: Command) => c.option('--socket <path>', `control socket of the daemon (default $WREN_SOCKET or ${DEFAULT_API_SOCKET})`);

  socketOption(program.command('status').description('the peers, as `calicoctl node status` shows them').option('--json', 'the whole status as JSON')).action(async (o: Common) => {
    const r = (await call(o, 'status')) as (StatusView & Record<string, unknown>) | undefined;
    if (r === undefined) return;
    if (o.json) return out(JSON.stringify(r, null, 2));
    const tty = process.stdout.isTTY === true;
    const lines = [`Wren ${String(r.version)}, AS ${r.localAsn}, router id ${r.routerId}, running since ${String(r.startedAt)}`, ''];
    lines.push(formatStatus(r, { color: tty }));
    const anns = (r.announcements ?? []) as { prefix: string; announced: boolean; reason?: string; source: string }[];
    if (anns.length) {
      lines.push('', 'Announcements:');
      for (const a of anns) lines.push(`  ${a.prefix.padEnd(20)} ${a.announced ? 'announced' : 'withdrawn'}${a.reason ? ` (${a.reason})` : ''}${a.source === 'operator' ? ' [operator]' : ''}`);
    }
    const fib = r.fib as { backend: string; routes: number; synced: boolean } | undefined;
    if (fib) lines.push('', `Forwarding table: ${fib.backend}, ${fib.routes} routes installed${fib.backend === 'none' ? '' : fib.synced ? ', reconciled' : ', waiting for End-of-RIB before removing stale routes'}`);
    out(lines.join('\n'));
  });

  socketOption(
    program
      .command('routes [prefix]')
      .description('best path and ECMP set per prefix, whom it came from and whether it is in the kernel; PREFIX or an address (longest match)')
      .option('--why', 'rank every candidate path and say why the best one won')
      .option('-4', 'IPv4 only')
      .option('-6', 'IPv6 only')
      .option('--limit <n>', 'at most this many routes', (v) => Number(v))
      .option('--json', 'JSON'),
  ).action(async (prefix: string | undefined, o: Common & { why?: boolean; limit?: number; ['4']?: boolean; ['6']?: boolean }) => {
    const r = (await call(o, 'routes', { ...(prefix ? { prefix } : {}), why: o.why === true, ...(o['4'] ? { afi: 4 } : o['6'] ? { afi: 6 } : {}), ...(o.limit ? { limit: o.limit } : {}) })) as RoutesView | undefined;
    if (r === undefined) return;
    if (o.json) return out(JSON.stringify(r, null, 2));
    if (r.routes.length === 0) {
      out(prefix ? `no route for ${prefix}` : 'no routes');
      if (prefix) setExit(1);
      return;
    }
    out(formatRoutes(r, { color: process.stdout.isTTY === true }));
  });

  socketOption(
    program
      .command('announce <prefix>')
      .description('announce a prefix (an address means /32 or /128) until `wren withdraw`')
      .option('--next-hop <address>', 'next hop (default: self)')
      .option('--community <c...>', 'standard communities ASN:VALUE')
      .option('--large-community <c...>', 'large communities GA:LD1:LD2')
      .option('--med <n>', 'MULTI_EXIT_DISC', (v) => Number(v))
      .option('--local-pref <n>', 'LOCAL_PREF towards iBGP peers', (v) => Number(v))
      .option('--prepend <n>', 'extra copies of our AS towards eBGP peers', (v) => Number(v))
      .option('--json', 'JSON'),
  ).action(async (prefix: string, o: Common & { nextHop?: string; community?: string[]; largeCommunity?: string[]; med?: number; localPref?: number; prepend?: number }) => {
    const r = await call(o, 'announce', {
      prefix,
      ...(o.nextHop ? { nextHop: o.nextHop } : {}),
      ...(o.community ? { communities: o.community } : {}),
      ...(o.largeCommunity ? { largeCommunities: o.largeCommunity } : {}),
      ...(o.med !== undefined ? { med: o.med } : {}),
      ...(o.localPref !== undefined ? { localPref: o.localPref } : {}),
      ...(o.prepend !== undefined ? { asPathPrepend: o.prepend } : {}),
    });
    if (r === undefined) return;
    out(o.json ? JSON.stringify(r, null, 2) : `announced ${(r as { prefix: string }).prefix}`);
  });

  socketOption(program.command('withdraw <prefix>').description('withdraw an announced prefix').option('--json', 'JSON')).action(async (prefix: string, o: Common) => {
    const r = await call(o, 'withdraw', { prefix });
    if (r === undefined) return;
    out(o.json ? JSON.stringify(r) : `withdrawn ${(r as { withdrawn: string }).withdrawn}`);
  });

  const peers = program.command('peers').description('act on peers');
  socketOption(
    peers
      .command('reset <address>')
      .description('reset a session: hard (Cease / Administrative Reset, the session starts again) or --soft (ROUTE-REFRESH, the session stays)')
      .option('--soft', 'ask the peer for its routes again and send ours again, without a reset')
      .option('--message <text>', 'shutdown communication sent with a hard reset (RFC 9003)'),
  ).action(async (address: string, o: Common & { soft?: boolean; message?: string }) => {
    const r = (await call(o, 'peers.reset', { address, soft: o.soft === true, ...(o.message ? { communication: o.message } : {}) })) as { reset: string } | undefined;
    if (r === undefined) return;
    out(`${r.reset} reset of ${address}`);
  });

  socketOption(program.command('reload').description('read the configuration file again and apply what changed').option('--json', 'JSON')).action(async (o: Common) => {
    const r = (await call(o, 'reload')) as
      | { ok: boolean; errors?: { file: string; line: number; column: number; path: string; message: string }[]; peers?: Record<string, string[]>; restartNeeded?: string[] }
      | undefined;
    if (r === undefined) return;
    if (o.json) out(JSON.stringify(r, null, 2));
    else if (!r.ok) {
      out('reload refused; the running configuration stays:');
      for (const e of r.errors ?? []) out(`  ${e.file}:${e.line}:${e.column}: ${e.path ? `${e.path}: ` : ''}${e.message}`);
    } else {
      const p = r.peers ?? {};
      const parts = ['added', 'removed', 'reset', 'policy'].filter((k) => (p[k] ?? []).length).map((k) => `${k}: ${p[k]!.join(', ')}`);
      out(`configuration reloaded${parts.length ? ` (peers ${parts.join('; ')})` : ''}`);
      if (r.restartNeeded?.length) out(`changed, and applied at the next start only: ${r.restartNeeded.join(', ')}`);
    }
    if (!r.ok) setExit(1);
  });

  socketOption(program.command('stop').description('stop the daemon (Cease to every peer, routes removed unless kept)').option('--graceful', 'stop for a graceful restart: no NOTIFICATION, routes stay in the kernel')).action(
    async (o: Common & { graceful?: boolean }) => {
      const r = await call(o, 'stop', { gracefulRestart: o.graceful === true });
      if (r !== undefined) out(o.graceful ? 'stopping for a graceful restart' : 'stopping');
    },
  );
}
