// A table dump as UPDATEs: routes grouped by identical attributes, each group packed into as few
// UPDATEs as the negotiated message size allows (packAnnouncements), the way a router sends its
// table. A dump is sorted by prefix, not by attributes, so groups fill up slowly: a group is sent
// as soon as it fills one UPDATE, and the groups least recently started are sent (part-filled)
// whenever too many routes or groups are pending. Memory stays bounded whatever the table size.

import {
  BgpError,
  decodePathAttributes,
  HEADER_LENGTH,
  maxMessageLength,
  packAnnouncements,
  pathAttributesLength,
  prefixList,
  type MpReachAttr,
  type PathAttribute,
  type UpdateMessage,
} from '../wire/index.js';
import { addIssue, type SourceCounts, type TableRoute } from './source.js';
import { routeAttributes, type Target } from './transform.js';

export interface TableLimits {
  /** Routes held back in part-filled groups before the oldest groups are sent. */
  readonly maxPendingRoutes?: number;
  /** Attribute sets remembered (decoded) at once. */
  readonly maxGroups?: number;
}

export interface TableCounts {
  /** Entries without a usable next hop (and no --next-hop): not sent. */
  noNextHop: number;
  /** Entries whose attributes do not decode, or do not fit an UPDATE. */
  badAttributes: number;
}

interface Group {
  readonly afi: 1 | 2;
  readonly attributes: readonly PathAttribute[];
  readonly nextHops: readonly string[];
  /** Bytes of NLRI one UPDATE of this group holds. */
  readonly budget: number;
  prefixes: string[];
  bytes: number;
}

/** An attribute set that cannot be sent, remembered so its other routes are refused quickly. */
interface BadGroup {
  readonly bad: 'no-next-hop' | 'attributes';
}

const isBad = (g: Group | BadGroup): g is BadGroup => 'bad' in g;

const latin1 = (b: Uint8Array, from: number, to: number) => Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');

/**
 * The grouping key of a RIB entry's raw attributes: the bytes themselves, except that a full
 * MP_REACH_NLRI (some collectors write it whole instead of the RFC 6396 s4.3.4 abbreviation)
 * counts by its family and next hop only, not by the prefix it carries.
 */
export function attributeKey(b: Uint8Array): string {
  let p = 0;
  let from = 0;
  let key = '';
  while (p + 3 <= b.length) {
    const flags = b[p]!;
    const code = b[p + 1]!;
    const ext = (flags & 0x10) !== 0;
    if (ext && p + 4 > b.length) break;
    const len = ext ? (b[p + 2]! << 8) | b[p + 3]! : b[p + 2]!;
    const v = p + (ext ? 4 : 3);
    const end = v + len;
    if (end > b.length) break;
    // Full form: AFI (2), SAFI (1), next hop length (1), next hop, reserved (1), NLRI.
    if (code === 14 && len >= 5 && b[v]! + 1 !== len) {
      const nhEnd = v + 4 + b[v + 3]!;
      if (nhEnd <= end) {
        key += latin1(b, from, nhEnd);
        from = end;
      }
    }
    p = end;
  }
  return from === 0 ? latin1(b, 0, b.length) : key + latin1(b, from, b.length);
}

/** NLRI bytes of "a.b.c.d/len" (RFC 4271 s4.3): one length octet and the octets the length covers. */
function prefixSize(prefix: string): number {
  const slash = prefix.lastIndexOf('/');
  return 1 + ((Number(prefix.slice(slash + 1)) + 7) >> 3);
}

/** Mirrors packAnnouncements: room for NLRI next to these attributes in one UPDATE. */
function nlriBudget(afi: 1 | 2, attributes: readonly PathAttribute[], nextHops: readonly string[], t: Target): number {
  const max = maxMessageLength(t.ctx) - HEADER_LENGTH - 4;
  const mp = afi !== 1 || nextHops.some((h) => h.includes(':'));
  if (!mp) return max - pathAttributesLength([...attributes, { type: 'next-hop', flags: 0x40, nextHop: nextHops[0]! }], t.ctx);
  const probe: MpReachAttr = { type: 'mp-reach', flags: 0x90, afi, safi: 1, nextHops, nextHopBytes: null, reserved: 0, nlri: prefixList(afi, []), nlriBytes: null };
  return max - pathAttributesLength([...attributes, probe], t.ctx);
}

export class TableBatcher {
  private readonly groups = new Map<string, Group | BadGroup>();
  private pending = 0;
  private readonly maxPending: number;
  private readonly maxGroups: number;
  readonly counts: TableCounts = { noNextHop: 0, badAttributes: 0 };

  constructor(
    private readonly target: Target,
    /** Receives each UPDATE and the number of prefixes it announces. */
    private readonly emit: (update: UpdateMessage, prefixes: number) => void,
    private readonly source: SourceCounts,
    limits: TableLimits = {},
  ) {
    this.maxPending = limits.maxPendingRoutes ?? 65_536;
    this.maxGroups = limits.maxGroups ?? 32_768;
  }

  /** Routes received and not yet sent. */
  get pendingRoutes(): number {
    return this.pending;
  }

  add(route: TableRoute): void {
    const key = `${route.afi}${route.context.asn4 ? 4 : 2}${attributeKey(route.attributes)}`;
    let g = this.groups.get(key);
    if (!g) {
      g = this.newGroup(route);
      this.groups.set(key, g);
    }
    if (isBad(g)) {
      if (g.bad === 'no-next-hop') this.counts.noNextHop++;
      else this.counts.badAttributes++;
      return;
    }
    const size = prefixSize(route.prefix);
    if (g.bytes + size > g.budget && g.prefixes.length > 0) {
      this.send(g);
      // Full groups start again as the youngest: they are the ones likely to fill again.
      this.groups.delete(key);
      this.groups.set(key, g);
    }
    g.prefixes.push(route.prefix);
    g.bytes += size;
    this.pending++;
    if (this.pending > this.maxPending || this.groups.size > this.maxGroups) this.evict();
  }

  /** Sends everything pending. */
  flush(): void {
    for (const g of this.groups.values()) if (!isBad(g)) this.send(g);
    this.groups.clear();
  }

  private newGroup(route: TableRoute): Group | BadGroup {
    let decoded: PathAttribute[];
    try {
      const d = decodePathAttributes(route.attributes, 0, route.attributes.length, route.context);
      if (d.errors.some((e) => e.action === 'treat-as-withdraw')) throw d.errors.find((e) => e.action === 'treat-as-withdraw')!;
      decoded = d.attributes;
    } catch (e) {
      if (!(e instanceof BgpError)) throw e;
      addIssue(this.source, `record ${route.record} (${route.prefix}): ${e.message}; its attribute set is not replayed`);
      return { bad: 'attributes' };
    }
    const ra = routeAttributes(decoded, route.afi, route.context.asn4, this.target);
    if (!ra) return { bad: 'no-next-hop' };
    const budget = nlriBudget(route.afi, ra.attributes, ra.nextHops, this.target);
    // packAnnouncements refuses attributes that leave no room for one IPv6 /128 (and more).
    if (budget < 37) {
      addIssue(this.source, `record ${route.record} (${route.prefix}): path attributes too large for an UPDATE of ${maxMessageLength(this.target.ctx)} bytes; not replayed`);
      return { bad: 'attributes' };
    }
    return { afi: route.afi, attributes: ra.attributes, nextHops: ra.nextHops, budget, prefixes: [], bytes: 0 };
  }

  private send(g: Group): void {
    if (g.prefixes.length === 0) return;
    const prefixes = prefixList(g.afi, g.prefixes);
    this.pending -= g.prefixes.length;
    g.prefixes = [];
    g.bytes = 0;
    for (const u of packAnnouncements({ afi: g.afi, attributes: g.attributes, nextHops: g.nextHops, prefixes }, this.target.ctx)) {
      let n = u.nlri.count;
      for (const a of u.attributes) if (a.type === 'mp-reach') n += a.nlri?.count ?? 0;
      this.emit(u, n);
    }
  }

  /** Sends the groups started longest ago until half the limits are free. */
  private evict(): void {
    for (const [key, g] of this.groups) {
      if (this.pending <= this.maxPending / 2 && this.groups.size <= this.maxGroups / 2) break;
      if (!isBad(g)) this.send(g);
      this.groups.delete(key);
    }
  }
}
