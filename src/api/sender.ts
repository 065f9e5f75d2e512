// Sends a peer its Adj-RIB-Out: takes what the RIB says changed, groups prefixes by the attribute
// set they share, packs them into UPDATEs and writes them while the socket keeps up. A peer that
// stops reading stops this peer's sending only (the socket's buffer stays bounded; the rest waits
// in the RIB as pending prefixes), never anyone else's. For a family with ADD-PATH send (RFC 7911)
// every announced and withdrawn prefix carries the path identifier the RIB gave its path.

import type { Logger } from 'pino';
import type { Negotiated } from '../fsm/index.js';
import type { OutRoute, Rib } from '../rib/index.js';
import type { PeerSession } from '../session/peer.js';
import {
  encodeMessage,
  endOfRib,
  IPV4_UNICAST,
  IPV6_UNICAST,
  packAnnouncements,
  packWithdrawals,
  prefixList,
  type CodecContext,
  type PathAttribute,
  type UpdateMessage,
} from '../wire/index.js';

/** What sendBatch needs of a route. */
type SendRoute = Pick<OutRoute, 'prefix' | 'afi' | 'attributes' | 'pathId'>;

/** The prefixes of one attribute set, with their path ids when the family sends them. */
interface Group {
  readonly prefixes: string[];
  readonly pathIds: number[] | null;
}

/** Routes handled per turn before checking the socket again and yielding to the event loop. */
const BATCH = 4096;

export class PeerSender {
  private queue: OutRoute[] = [];
  private head = 0;
  private ctx: CodecContext | null = null;
  private families: number[] = [];
  /** ADD-PATH send negotiated, per afi - 1 (IPv4, IPv6 unicast). */
  private pathIds: readonly [boolean, boolean] = [false, false];
  private endOfRibPending = false;
  private scheduled = false;
  /** UPDATEs sent since the session came up. */
  updatesSent = 0;
  /** UPDATEs sent over every session of this peer. */
  totalUpdatesSent = 0;

  constructor(
    private readonly session: PeerSession,
    private readonly rib: Rib,
    private readonly peerId: string,
    private readonly log: Logger,
  ) {}

  /** The session is Established: send the whole Adj-RIB-Out, then End-of-RIB per family. */
  start(n: Negotiated): void {
    this.ctx = n.codecOut;
    this.families = [...n.families];
    this.pathIds = [n.codecOut.addPath.has(IPV4_UNICAST), n.codecOut.addPath.has(IPV6_UNICAST)];
    this.queue = [];
    this.head = 0;
    this.endOfRibPending = true;
    this.updatesSent = 0;
    this.schedule();
  }

  stop(): void {
    this.ctx = null;
    this.queue = [];
    this.head = 0;
    this.endOfRibPending = false;
  }

  /**
   * Withdraws prefixes from the peer (an export policy now refuses them). Not for families with
   * ADD-PATH send: a withdrawal there names a path id, and the RIB, which knows what it sent,
   * withdraws those paths itself at the full drain that follows refreshAdjRibOut().
   */
  withdraw(prefixes: readonly string[]): void {
    const ctx = this.ctx;
    if (!ctx || prefixes.length === 0) return;
    const routes: SendRoute[] = [];
    for (const prefix of prefixes) {
      const afi = prefix.includes(':') ? 2 : 1;
      if (!this.pathIds[afi - 1]) routes.push({ prefix, afi, attributes: null });
    }
    for (let i = 0; i < routes.length; i += BATCH) this.sendBatch(routes, i, Math.min(routes.length, i + BATCH), ctx);
  }

  /** Flush on the next turn of the event loop: many RIB changes in one turn make one batch. */
  schedule(): void {
    if (this.scheduled || !this.ctx) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  flush(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    if (this.head >= this.queue.length) {
      this.queue = this.rib.drainAdjRibOut(this.peerId);
      this.head = 0;
    }
    while (this.head < this.queue.length) {
      if (!this.session.writable) return; // resumed by the session's onWritable
      const end = Math.min(this.queue.length, this.head + BATCH);
      this.sendBatch(this.queue, this.head, end, ctx);
      this.head = end;
      if (this.head >= this.queue.length) {
        this.queue = this.rib.drainAdjRibOut(this.peerId);
        this.head = 0;
      }
    }
    if (this.endOfRibPending && this.session.writable) {
      // RFC 4724 s2: End-of-RIB after the initial update, one per negotiated family.
      this.endOfRibPending = false;
      for (const f of this.families) this.write(endOfRib(f >> 8, f & 255), ctx);
    }
  }

  private sendBatch(routes: readonly SendRoute[], from: number, to: number, ctx: CodecContext): void {
    const ids = this.pathIds;
    const withdrawals: [Group, Group] = [
      { prefixes: [], pathIds: ids[0] ? [] : null },
      { prefixes: [], pathIds: ids[1] ? [] : null },
    ];
    const groups = new Map<readonly PathAttribute[], Group>();
    for (let i = from; i < to; i++) {
      const r = routes[i]!;
      if (!r.attributes) {
        const w = withdrawals[r.afi - 1]!;
        w.prefixes.push(r.prefix);
        w.pathIds?.push(r.pathId ?? 0);
        continue;
      }
      let g = groups.get(r.attributes);
      if (!g) {
        g = { prefixes: [], pathIds: ids[r.afi - 1] ? [] : null };
        groups.set(r.attributes, g);
      }
      g.prefixes.push(r.prefix);
      g.pathIds?.push(r.pathId ?? 0);
    }
    for (const afi of [1, 2] as const) {
      const w = withdrawals[afi - 1]!;
      if (w.prefixes.length) for (const u of packWithdrawals(prefixList(afi, w.prefixes, w.pathIds ?? undefined), ctx)) this.write(u, ctx);
    }
    for (const [attributes, { prefixes, pathIds }] of groups) {
      const afi = prefixes[0]!.includes(':') ? 2 : 1;
      const nextHops = nextHopsOf(attributes, afi);
      if (nextHops.length === 0) {
        this.log.warn({ prefix: prefixes[0] }, 'route without a next hop not sent');
        continue;
      }
      for (const u of packAnnouncements({ afi, attributes, nextHops, prefixes: prefixList(afi, prefixes, pathIds ?? undefined) }, ctx)) this.write(u, ctx);
    }
  }

  private write(u: UpdateMessage, ctx: CodecContext): void {
    this.session.sendBytes(encodeMessage(u, ctx));
    this.updatesSent++;
    this.totalUpdatesSent++;
  }
}

function nextHopsOf(attrs: readonly PathAttribute[], afi: 1 | 2): readonly string[] {
  for (const a of attrs) {
    if (afi === 1 && a.type === 'next-hop') return [a.nextHop];
    if (a.type === 'mp-reach' && a.afi === afi) return a.nextHops;
  }
  return [];
}
