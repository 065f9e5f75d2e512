// Forwarding-table routes as `ip route` prints them, for the lab's memory FIB:
//   10.244.0.0/26 via 127.0.0.11 proto wren metric 0
//   10.96.0.10 proto wren metric 0
//   	nexthop via 127.0.0.11 weight 1
//   	nexthop via 127.0.0.12 weight 1
// (host routes without their /32 or /128, as `ip` does; "wren" is protocol 87, docs/fib.md).

import type { FibNextHop, FibRoute } from '../fib/index.js';

function dst(prefix: string): string {
  return prefix.endsWith('/32') && !prefix.includes(':') ? prefix.slice(0, -3) : prefix.endsWith('/128') ? prefix.slice(0, -4) : prefix;
}

function hop(h: FibNextHop): string {
  return `via ${h.address}${h.dev ? ` dev ${h.dev}` : ''}`;
}

export function fibRoutesText(routes: readonly FibRoute[], o: { metric?: number; protocol?: string } = {}): string {
  const tail = `proto ${o.protocol ?? 'wren'} metric ${o.metric ?? 0}`;
  const lines: string[] = [];
  for (const r of routes) {
    if (r.nextHops.length === 1) {
      lines.push(`${dst(r.prefix)} ${hop(r.nextHops[0]!)} ${tail}`);
      continue;
    }
    lines.push(`${dst(r.prefix)} ${tail}`);
    for (const h of r.nextHops) lines.push(`\tnexthop ${hop(h)} weight ${h.weight ?? 1}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '(no routes)\n';
}
