// The text tables of `wren status` and `wren routes` (and of `wren lab`), from the plain views of
// src/api/views.ts. Pure: a view in, a string out.
//
// `formatStatus` looks like `calicoctl node status`, so that people who know that table read this
// one at once:
//
//   IPv4 BGP status
//   +--------------+-----------+-------+----------+-------------+
//   | PEER ADDRESS | PEER TYPE | STATE |  SINCE   |    INFO     |
//   +--------------+-----------+-------+----------+-------------+
//   | 10.20.1.81   | ibgp      | up    | 12:00:00 | Established |
//   +--------------+-----------+-------+----------+-------------+
//
//   IPv6 BGP status
//   No IPv6 peers found.
//
// - PEER TYPE: "ibgp" or "ebgp", "dynamic " before it for a peer accepted from a range, and
//   " rr-client" after it for a route-reflector client of ours ("ibgp rr-client").
// - STATE: the protocol state as BIRD prints it and calicoctl passes on: "up" when Established,
//   "start" in every other state (BIRD keeps a BGP protocol in "start" until the session is up);
//   the BGP state itself is in INFO.
// - SINCE: the time of day (HH:MM:SS) of the last state change when it is less than 24 hours ago,
//   else its date (YYYY-MM-DD), as BIRD does; local time unless `utc`.
// - INFO: "Established", or the BGP state and what went wrong last ("Active: Connection refused").

import type { CandidateView, PeerView, RouteView, RoutesView, StatusView } from '../api/views.js';

export interface TableOptions {
  /** ANSI colours (only for a terminal; default off). */
  readonly color?: boolean;
  /** Times in UTC rather than local time (tests, logs). */
  readonly utc?: boolean;
  /** "Now", for SINCE (default: the current time). */
  readonly now?: Date;
  /** Fit the table into this many columns by shortening its last column (INFO, or --why reasons). */
  readonly width?: number;
}

type Color = 'green' | 'yellow' | 'red' | 'dim';
const ANSI: Record<Color, string> = { green: '\u001b[32m', yellow: '\u001b[33m', red: '\u001b[31m', dim: '\u001b[2m' };
const RESET = '\u001b[0m';

interface Cell {
  readonly text: string;
  readonly color?: Color;
}

function paint(cell: Cell, width: number, o: TableOptions): string {
  const padded = cell.text.padEnd(width);
  return o.color && cell.color ? `${ANSI[cell.color]}${cell.text}${RESET}${padded.slice(cell.text.length)}` : padded;
}

/** Shortens text to `max` characters with "..." at the end. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 3 ? text.slice(0, max) : `${text.slice(0, max - 3)}...`;
}

function center(text: string, width: number): string {
  const left = Math.floor((width - text.length) / 2);
  return `${' '.repeat(left)}${text}`.padEnd(width);
}

// --- status ------------------------------------------------------------------------------------

/** The words of the PEER TYPE column. */
export function peerTypeText(p: PeerView): string {
  return `${p.dynamic ? 'dynamic ' : ''}${p.type}${p.routeReflectorClient ? ' rr-client' : ''}`;
}

/** The STATE column: "up" when Established, "start" otherwise (BIRD's protocol states). */
export function peerStateText(p: PeerView): 'up' | 'start' {
  return p.state === 'Established' ? 'up' : 'start';
}

/** The SINCE column: HH:MM:SS within 24 hours of `now`, else YYYY-MM-DD. */
export function sinceText(since: string, o: TableOptions = {}): string {
  const t = new Date(since);
  if (Number.isNaN(t.getTime())) return '?';
  const now = (o.now ?? new Date()).getTime();
  const two = (n: number) => String(n).padStart(2, '0');
  if (now - t.getTime() < 24 * 3600_000) {
    return o.utc ? `${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}` : `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
  }
  return o.utc ? t.toISOString().slice(0, 10) : `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())}`;
}

/** A +---+ box table with centred headers, as calicoctl (tablewriter) prints them. */
function boxTable(headers: readonly string[], rows: readonly (readonly Cell[])[], o: TableOptions): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.text.length ?? 0)));
  const last = widths.length - 1;
  if (o.width !== undefined) {
    // Each column costs its width plus 3 ("| " and " "), and the closing "|" one more.
    const total = widths.reduce((s, w) => s + w + 3, 1);
    if (total > o.width) widths[last] = Math.max(headers[last]!.length, widths[last]! - (total - o.width));
  }
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const out = [rule, line(headers.map((h, i) => center(h, widths[i]!))), rule];
  for (const r of rows) out.push(line(r.map((c, i) => paint({ ...c, text: shorten(c.text, widths[i]!) }, widths[i]!, o))));
  out.push(rule);
  return out.join('\n');
}

function peerRow(p: PeerView, o: TableOptions): Cell[] {
  const state = peerStateText(p);
  return [
    { text: p.address },
    { text: peerTypeText(p) },
    { text: state, color: state === 'up' ? 'green' : 'yellow' },
    { text: sinceText(p.since, o) },
    { text: p.info, ...(state === 'up' ? {} : { color: 'red' as const }) },
  ];
}

const STATUS_HEADERS = ['PEER ADDRESS', 'PEER TYPE', 'STATE', 'SINCE', 'INFO'];

/** The peer tables of `wren status`: IPv4 peers, then IPv6 peers, like `calicoctl node status`. */
export function formatStatus(view: StatusView, o: TableOptions = {}): string {
  const parts: string[] = [];
  for (const [family, v6] of [['IPv4', false], ['IPv6', true]] as const) {
    const peers = view.peers.filter((p) => p.address.includes(':') === v6);
    parts.push(`${family} BGP status`);
    parts.push(peers.length === 0 ? `No ${family} peers found.` : boxTable(STATUS_HEADERS, peers.map((p) => peerRow(p, o)), o));
    parts.push('');
  }
  return parts.join('\n');
}

// --- routes ------------------------------------------------------------------------------------

const FIB_COLORS: Record<string, Color> = { installed: 'green', pending: 'yellow', refused: 'red', failed: 'red', none: 'dim' };

/** The FIB column: the state, "-" for none. */
function fibCell(r: RouteView): Cell {
  if (!r.fib) return { text: '' };
  const text = r.fib.state === 'none' ? '-' : r.fib.state;
  const color = FIB_COLORS[r.fib.state];
  return color ? { text, color } : { text };
}

function candidateCells(c: CandidateView): Cell[] {
  const mark = c.best ? 'best' : c.multipath ? 'ecmp' : '';
  return [{ text: `#${c.rank}` }, { text: mark, ...(mark ? { color: 'green' as const } : {}) }, { text: c.peer }, { text: c.asPath || '-' }, { text: c.nextHop ? `via ${c.nextHop}` : 'local' }, { text: c.reason }];
}

function columns(widths: readonly number[], cells: readonly Cell[], o: TableOptions, gap = '  '): string {
  return cells
    .map((c, i) => (i === cells.length - 1 ? paint(c, 0, o) : paint(c, widths[i]!, o)))
    .join(gap)
    .trimEnd();
}

/**
 * The routes of `wren routes`: one line per prefix with the ECMP set's next hops stacked under
 * each other (PREFIX | NEXT HOPS | FROM | AS PATH | FIB; FIB only when the speaker keeps a table),
 * and with `why` in the view, every candidate ranked under its prefix. An empty AS path (a route
 * from inside the AS) shows as "-".
 */
export function formatRoutes(view: RoutesView, o: TableOptions = {}): string {
  if (view.routes.length === 0) return 'No routes.\n';
  const withFib = view.routes.some((r) => r.fib !== null);
  const headers = ['PREFIX', 'NEXT HOPS', 'FROM', 'AS PATH', ...(withFib ? ['FIB'] : [])];
  const blocks = view.routes.map((r) => ({ route: r, rows: routeRows(r, withFib), why: (r.why ?? []).map(candidateCells) }));
  const all = blocks.flatMap((b) => b.rows);
  const widths = headers.map((h, i) => Math.max(h.length, ...all.map((r) => r[i]!.text.length)));
  const whyAll = blocks.flatMap((b) => b.why);
  const whyWidths = [0, 1, 2, 3, 4].map((i) => Math.max(0, ...whyAll.map((r) => r[i]!.text.length)));
  const out = [columns(widths, headers.map((text) => ({ text })), o)];
  for (const { route, rows, why } of blocks) {
    for (const row of rows) out.push(columns(widths, row, o));
    if (route.fib && (route.fib.state === 'refused' || route.fib.state === 'failed') && route.fib.detail) out.push(`    fib: ${route.fib.detail}`);
    for (const cells of why) {
      if (o.width !== undefined) {
        const used = 4 + whyWidths.reduce((sum, w) => sum + w + 2, 0);
        cells[5] = { ...cells[5]!, text: shorten(cells[5]!.text, Math.max(20, o.width - used)) };
      }
      out.push(`    ${columns(whyWidths, cells, o)}`);
    }
  }
  if (view.truncated) out.push(`(more routes not shown: the first ${view.routes.length} only)`);
  return `${out.join('\n')}\n`;
}

/** A route's lines: the first with prefix, AS path and FIB state, one more per further next hop. */
function routeRows(r: RouteView, withFib: boolean): Cell[][] {
  const hops = r.ecmp.length > 0 ? r.ecmp : [{ nextHop: r.best.nextHop || 'local', peer: r.best.peer }];
  return hops.map((h, i) => [
    { text: i === 0 ? r.prefix : '' },
    { text: h.nextHop },
    { text: h.peer },
    { text: i === 0 ? r.best.asPath || '-' : '' },
    ...(withFib ? [i === 0 ? fibCell(r) : { text: '' }] : []),
  ]);
}
