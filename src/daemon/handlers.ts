// The control API's methods (docs/api.md). Parameters are checked here; the speaker, announcer
// and daemon do the work.

import { AnnouncementError, type Announcement } from '../api/announcements.js';
import { ControlError, type ControlHandlers } from '../api/control.js';
import { routesView, statusView, ViewError } from '../api/views.js';
import { VERSION } from '../version.js';
import type { Daemon } from './daemon.js';

export function controlHandlers(d: Daemon): ControlHandlers {
  return {
    version: () => ({ version: VERSION, node: process.version }),

    status: () => {
      const fib = d.speaker.fib;
      return {
        ...statusView(d.speaker),
        version: VERSION,
        pid: process.pid,
        startedAt: d.startedAt.toISOString(),
        config: d.configPath,
        listen: d.speaker.listenAddress,
        announcements: d.announcer.views(),
        fib: fib
          ? { backend: d.fibDescription, routes: fib.installed().length, synced: fib.initialSyncComplete, counters: { ...fib.counters } }
          : { backend: d.fibDescription, routes: 0, synced: false, counters: null },
      };
    },

    routes: (p) => {
      const prefix = optionalString(p, 'prefix');
      const afi = p.afi === undefined ? undefined : p.afi === 1 || p.afi === 4 || p.afi === 'ipv4' ? 1 : p.afi === 2 || p.afi === 6 || p.afi === 'ipv6' ? 2 : bad('afi is 4 or 6');
      const limit = p.limit === undefined ? undefined : typeof p.limit === 'number' && Number.isInteger(p.limit) && p.limit > 0 ? p.limit : bad('limit is a positive integer');
      try {
        return routesView(d.speaker, { ...(prefix ? { prefix } : {}), why: p.why === true, ...(afi ? { afi } : {}), ...(limit ? { limit } : {}) });
      } catch (err) {
        if (err instanceof ViewError) throw new ControlError('invalid-params', err.message);
        throw err;
      }
    },

    announce: (p) => {
      const a = announcementFrom(p);
      let prefix: string;
      try {
        prefix = d.announcer.announce(a);
      } catch (err) {
        if (err instanceof AnnouncementError) throw new ControlError('invalid-params', err.message);
        throw err;
      }
      return d.announcer.views().find((v) => v.prefix === prefix) ?? null;
    },

    withdraw: (p) => {
      const prefix = requiredString(p, 'prefix');
      if (!d.announcer.withdraw(prefix)) throw new ControlError('not-found', `${prefix} is not announced`);
      return { withdrawn: prefix };
    },

    'peers.reset': (p) => {
      const address = requiredString(p, 'address');
      try {
        const done = d.speaker.resetPeer(address, { soft: p.soft === true, ...(typeof p.communication === 'string' ? { communication: p.communication } : {}) });
        return { address, reset: done };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new ControlError(message.startsWith('no peer') ? 'not-found' : 'failed', message);
      }
    },

    reload: () => d.reload(),

    stop: (p) => {
      const gracefulRestart = p.gracefulRestart === true;
      // After the reply has left.
      setTimeout(() => d.requestStop(gracefulRestart), 20);
      return { stopping: true, gracefulRestart };
    },

    fib: () => {
      const fib = d.speaker.fib;
      if (!fib) throw new ControlError('unavailable', 'no forwarding table is configured (fib.backend: none)');
      return { backend: d.fibDescription, synced: fib.initialSyncComplete, routes: fib.installed() };
    },
  };
}

function bad(message: string): never {
  throw new ControlError('invalid-params', message);
}

function requiredString(p: Record<string, unknown>, key: string): string {
  const v = p[key];
  if (typeof v !== 'string' || v === '') bad(`"${key}" is required (a string)`);
  return v;
}

function optionalString(p: Record<string, unknown>, key: string): string | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') bad(`"${key}" is a string`);
  return v;
}

/** An announcement from request params: only the fields an Announcement has, with their types. */
function announcementFrom(p: Record<string, unknown>): Announcement {
  const prefix = requiredString(p, 'prefix');
  const known = new Set(['prefix', 'nextHop', 'communities', 'largeCommunities', 'med', 'localPref', 'asPathPrepend', 'origin']);
  for (const k of Object.keys(p)) if (!known.has(k)) bad(`unknown field "${k}"; known: ${[...known].join(', ')}`);
  const strings = (k: string) => {
    const v = p[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) bad(`"${k}" is a list of strings`);
    return v as string[];
  };
  const num = (k: string) => {
    const v = p[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number') bad(`"${k}" is a number`);
    return v;
  };
  const origin = p.origin;
  if (origin !== undefined && origin !== 'igp' && origin !== 'egp' && origin !== 'incomplete') bad('"origin" is igp, egp or incomplete');
  const nextHop = optionalString(p, 'nextHop');
  const communities = strings('communities');
  const largeCommunities = strings('largeCommunities');
  const med = num('med');
  const localPref = num('localPref');
  const asPathPrepend = num('asPathPrepend');
  return {
    prefix,
    ...(nextHop ? { nextHop } : {}),
    ...(communities ? { communities } : {}),
    ...(largeCommunities ? { largeCommunities } : {}),
    ...(med !== undefined ? { med } : {}),
    ...(localPref !== undefined ? { localPref } : {}),
    ...(asPathPrepend !== undefined ? { asPathPrepend } : {}),
    ...(origin ? { origin } : {}),
  };
}
