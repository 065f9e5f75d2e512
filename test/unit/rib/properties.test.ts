// Properties of the decision process and the RIB that must hold for any input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { UpdateMessage } from '../../../src/wire/index.js';
import {
  DEFAULT_DECISION_OPTIONS,
  Rib,
  comparePaths,
  multipathEqual,
  type DecisionInput,
  type RibDelta,
  type RibOptions,
} from '../../../src/rib/index.js';
import { LOCAL_AS, ROUTER_ID, peer, update4, update6, withdraw4, withdraw6, type AttrSpec } from './helpers.js';

const P = '198.51.100.0/24';

/** A path as a peer would send it, with values drawn from small sets so that ties are common. */
const pathArb = fc.record({
  ibgp: fc.constantFrom(false, false, true),
  localPref: fc.constantFrom(100, 100, 100, 200),
  neighborAs: fc.constantFrom(64512, 64513),
  asPathTail: fc.array(fc.constantFrom(64520, 64521), { minLength: 0, maxLength: 1 }),
  origin: fc.constantFrom<0 | 1 | 2>(0, 0, 0, 1, 2),
  med: fc.option(fc.constantFrom(0, 5, 10), { nil: undefined, freq: 3 }),
  nextHop: fc.constantFrom('192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'),
  originatorId: fc.option(fc.constantFrom('3.3.3.3', '4.4.4.4'), { nil: undefined }),
  clusterLen: fc.integer({ min: 0, max: 2 }),
  routerId: fc.constantFrom('1.1.1.1', '2.2.2.2', '9.9.9.9'),
});
type PathSpec = typeof pathArb extends fc.Arbitrary<infer T> ? T : never;

const optionsArb = fc.record({
  alwaysCompareMed: fc.boolean(),
  medMissingAsWorst: fc.boolean(),
  multipathRelax: fc.boolean(),
  maxPaths: fc.record({ ebgp: fc.integer({ min: 1, max: 4 }), ibgp: fc.integer({ min: 1, max: 4 }) }),
});

function specOf(p: PathSpec): AttrSpec {
  return {
    // iBGP paths may be empty (neighbouring AS: ours); eBGP ones start with the neighbour.
    asPath: p.ibgp && p.asPathTail.length === 0 ? [] : [p.neighborAs, ...p.asPathTail],
    origin: p.origin,
    nextHop: p.nextHop,
    ...(p.med === undefined ? {} : { med: p.med }),
    ...(p.ibgp ? { localPref: p.localPref } : {}),
    ...(p.ibgp && p.originatorId ? { originatorId: p.originatorId, clusterList: ['7.7.7.7', '8.8.8.8'].slice(0, p.clusterLen) } : {}),
  };
}

/** A RIB holding the paths (peer i sends path i) inserted in `order`. */
function ribOf(paths: PathSpec[], order: number[], options: Partial<RibOptions>): Rib {
  const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, ...options });
  paths.forEach((p, i) => r.addPeer(peer(i + 1, { ibgp: p.ibgp, routerId: p.routerId, asn: p.ibgp ? LOCAL_AS : 65100 })));
  for (const i of order) r.applyUpdate(`p${i + 1}`, update4([P], specOf(paths[i]!)));
  return r;
}

function outcome(r: Rib): { best: string | null; nextHops: string[]; ranking: string[] } {
  const e = r.explain(P);
  return {
    best: r.bestPath(P)?.peerId ?? null,
    nextHops: [...(r.route(P)?.nextHops ?? [])].sort(),
    ranking: e ? e.candidates.map((c) => c.path.peerId) : [],
  };
}

const permutation = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });

describe('decision properties', () => {
  it('the best path, the ECMP set and the ranking do not depend on arrival order', () => {
    fc.assert(
      fc.property(
        fc.array(pathArb, { minLength: 1, maxLength: 6 }).chain((paths) => fc.tuple(fc.constant(paths), permutation(paths.length), permutation(paths.length))),
        optionsArb,
        ([paths, o1, o2], options) => {
          expect(outcome(ribOf(paths, o2, options))).toEqual(outcome(ribOf(paths, o1, options)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the result does not depend on history: withdrawing some paths equals never having had them', () => {
    fc.assert(
      fc.property(
        fc.array(pathArb, { minLength: 1, maxLength: 6 }).chain((paths) => fc.tuple(fc.constant(paths), permutation(paths.length), fc.subarray([...paths.keys()]))),
        optionsArb,
        ([paths, order, gone], options) => {
          const r = ribOf(paths, order, options);
          for (const i of gone) r.applyUpdate(`p${i + 1}`, withdraw4([P]));
          const kept = order.filter((i) => !gone.includes(i));
          const fresh = ribOf(paths, kept, options);
          expect(outcome(r)).toEqual(outcome(fresh));
        },
      ),
      { numRuns: 200 },
    );
  });

  const inputArb = fc.record({
    stale: fc.constantFrom<'none' | 'gr' | 'llgr'>('none', 'none', 'gr', 'llgr'),
    weight: fc.constantFrom(0, 10),
    localPref: fc.constantFrom(100, 200),
    local: fc.boolean(),
    asPathLength: fc.integer({ min: 0, max: 2 }),
    origin: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    med: fc.option(fc.constantFrom(0, 5), { nil: null }),
    neighborAs: fc.constantFrom(1, 2),
    ebgp: fc.boolean(),
    nextHop: fc.constantFrom('192.0.2.1', '192.0.2.2'),
    routerId: fc.constantFrom('1.1.1.1', '2.2.2.2'),
    clusterListLength: fc.integer({ min: 0, max: 1 }),
    peerAddress: fc.constantFrom('10.0.0.1', '10.0.0.2', '2001:db8::1'),
    pathId: fc.constantFrom(0, 1),
  }) as fc.Arbitrary<DecisionInput>;

  it('multipath equality is symmetric, and comparePaths antisymmetric', () => {
    fc.assert(
      fc.property(inputArb, inputArb, optionsArb, (a, b, options) => {
        const o = { ...DEFAULT_DECISION_OPTIONS, ...options, igpMetric: (nh: string) => (nh.endsWith('1') ? 1 : 2) };
        expect(multipathEqual(a, b, o)).toBe(multipathEqual(b, a, o));
        const ab = comparePaths(a, b, o);
        const ba = comparePaths(b, a, o);
        expect(ba.reason).toBe(ab.reason);
        expect(ba.winner).toBe(ab.winner === null ? null : ab.winner === 'a' ? 'b' : 'a');
      }),
      { numRuns: 500 },
    );
  });
});

describe('RIB properties', () => {
  type Op = { peer: number; afi: 1 | 2; prefix: number; pathId: number; nextHop: number; asLen: number };
  const v4 = (i: number) => `10.${i >> 2}.${(i & 3) * 64}.0/${18 + (i % 7)}`;
  const v6 = (i: number) => `2001:db8:${i.toString(16)}::/${40 + (i % 9)}`;
  const opArb: fc.Arbitrary<Op> = fc.record({
    peer: fc.integer({ min: 1, max: 3 }),
    afi: fc.constantFrom<1 | 2>(1, 2),
    prefix: fc.integer({ min: 0, max: 24 }),
    pathId: fc.constantFrom(0, 0, 1, 2),
    nextHop: fc.integer({ min: 1, max: 3 }),
    asLen: fc.integer({ min: 0, max: 2 }),
  });
  const announce = (o: Op): UpdateMessage => {
    const spec = { asPath: [65100 + o.peer, ...Array<number>(o.asLen).fill(64512)] };
    if (o.afi === 1) return update4([v4(o.prefix)], { ...spec, nextHop: `192.0.2.${o.nextHop}` }, { pathIds: [o.pathId] });
    return update6([v6(o.prefix)], { ...spec, nextHop: `2001:db8::${o.nextHop}` }, [o.pathId]);
  };
  const withdraw = (o: Op): UpdateMessage => (o.afi === 1 ? withdraw4([v4(o.prefix)], [o.pathId]) : withdraw6([v6(o.prefix)], [o.pathId]));

  /** What a FIB fed with the deltas holds. */
  function replay(fib: Map<string, readonly string[]>, deltas: readonly RibDelta[]): void {
    for (const d of deltas) {
      const before = fib.get(d.prefix) ?? [];
      expect([...d.added].every((h) => !before.includes(h))).toBe(true);
      expect([...d.removed].every((h) => before.includes(h))).toBe(true);
      const after = [...before.filter((h) => !d.removed.includes(h)), ...d.added].sort();
      expect(after).toEqual([...d.nextHops].sort());
      if (d.best === null) fib.delete(d.prefix);
      else fib.set(d.prefix, after);
    }
  }

  it('deltas describe the RIB; withdrawing everything (in any order) leaves it empty', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 60 }).chain((ops) => fc.tuple(fc.constant(ops), fc.shuffledSubarray(ops, { minLength: ops.length, maxLength: ops.length }))),
        fc.boolean(),
        ([ops, withdrawOrder], byPeerDown) => {
          const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, maxPaths: { ebgp: 4, ibgp: 4 }, multipathRelax: true });
          for (const n of [1, 2, 3]) r.addPeer(peer(n));
          const fib = new Map<string, readonly string[]>();
          for (const o of ops) replay(fib, r.applyUpdate(`p${o.peer}`, announce(o)));
          const model = new Map([...r.routes()].map((x) => [x.prefix, [...x.nextHops].sort()]));
          expect(fib).toEqual(model);
          if (byPeerDown) for (const n of [1, 2, 3]) replay(fib, r.peerDown(`p${n}`));
          else for (const o of withdrawOrder) replay(fib, r.applyUpdate(`p${o.peer}`, withdraw(o)));
          expect(fib.size).toBe(0);
          expect([...r.routes()]).toEqual([]);
          expect(r.stats.prefixes).toEqual({ ipv4: 0, ipv6: 0 });
          expect(r.stats.paths).toEqual({ ipv4: 0, ipv6: 0 });
          for (const n of [1, 2, 3]) expect(r.prefixCount(`p${n}`) + r.prefixCount(`p${n}`, 0x0201)).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
