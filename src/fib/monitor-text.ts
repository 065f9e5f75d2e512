// Lines of `ip -N -o monitor route` (iproute2), the monitor's fallback without the native shim, back
// to routes. -N prints numbers (proto 87, table 100) whatever rt_protos says; -o puts a multipath
// route on one line, its next hops after "\<tab>nexthop". The main table and metric 0 are not printed:
//
//   10.200.5.0/24 via 10.255.0.2 dev d0 proto 87
//   Deleted 10.200.6.0/24 table 100 proto 87 metric 5 \	nexthop via 10.255.0.2 dev d0 weight 1 \	nexthop via ...
//   fd57:7265:6e01:2::/64 via fd57:7265:6e00::2 dev d0 proto 87 metric 1024 pref medium

import { canonicalPrefix } from './route.js';
import { MAIN_TABLE, type FibNextHop, type FibRoute } from './types.js';

export interface MonitorLine {
  readonly deleted: boolean;
  readonly afi: 1 | 2;
  readonly route: FibRoute;
  readonly table: number;
  readonly protocol: number;
  readonly metric: number;
}

// Route types `ip` prints before the prefix; a unicast route has none.
const TYPES = new Set(['local', 'broadcast', 'anycast', 'multicast', 'unreachable', 'blackhole', 'prohibit', 'throw', 'nat', 'xresolve']);

/** A unicast route of one `ip -N -o monitor route` line; null for anything else. */
export function parseMonitorLine(line: string): MonitorLine | null {
  const tokens = line.replace(/\\/g, ' ').trim().split(/\s+/);
  let k = 0;
  const deleted = tokens[0] === 'Deleted';
  if (deleted) k++;
  const dst = tokens[k++];
  if (dst === undefined || dst === '' || TYPES.has(dst)) return null;
  const afi: 1 | 2 = dst.includes(':') ? 2 : 1;
  const prefix = dst === 'default' ? (afi === 1 ? '0.0.0.0/0' : '::/0') : canonicalPrefix(dst.includes('/') ? dst : `${dst}/${afi === 1 ? 32 : 128}`);
  let table = MAIN_TABLE;
  let protocol = 0;
  let metric = 0;
  const hops: { address?: string; dev?: string; weight?: number }[] = [{}];
  let multipath = false;
  for (; k < tokens.length; k++) {
    const t = tokens[k]!;
    const next = tokens[k + 1];
    const hop = hops[hops.length - 1]!;
    if (t === 'nexthop') {
      if (multipath) hops.push({});
      multipath = true;
    } else if (next === undefined) {
      break;
    } else if (t === 'via') {
      // "via inet6 ADDR": a next hop of the other family (RFC 8950), which a FibRoute cannot hold.
      if (next === 'inet' || next === 'inet6') k++;
      else hop.address = next;
      k++;
    } else if (t === 'dev') {
      hop.dev = next;
      k++;
    } else if (t === 'weight') {
      hop.weight = Number(next);
      k++;
    } else if (t === 'table' || t === 'proto' || t === 'metric') {
      const n = Number(next);
      if (!Number.isInteger(n)) return null;
      if (t === 'table') table = n;
      else if (t === 'proto') protocol = n;
      else metric = n;
      k++;
    }
  }
  if (table === 255) return null;
  const nextHops: FibNextHop[] = hops.flatMap((h) =>
    h.address === undefined ? [] : [{ address: h.address, ...(h.dev !== undefined ? { dev: h.dev } : {}), ...(multipath ? { weight: h.weight ?? 1 } : {}) }],
  );
  return { deleted, afi, route: { prefix, nextHops }, table, protocol, metric };
}
