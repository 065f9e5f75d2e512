// ADD-PATH send (RFC 7911): a reflector's Adj-RIB-Out with several paths per prefix, each under a
// stable path identifier; changes go out as the fewest entries that say them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IPV4_UNICAST, IPV6_UNICAST, type PathAttribute } from '../../../src/wire/index.js';
import { Rib, type AddPathSendMode, type OutRoute, type PeerInfo, type RibOptions } from '../../../src/rib/index.js';
import { LOCAL_AS, ROUTER_ID, peer, update4, update6, withdraw4 } from './helpers.js';

const VIP = '10.96.0.10/32';
const CLUSTER_ID = '244.0.0.1';

const client = (n: number, extra: Partial<PeerInfo> = {}): PeerInfo => peer(n, { ibgp: true, rrClient: true, ...extra });
const nonClient = (n: number, extra: Partial<PeerInfo> = {}): PeerInfo => peer(n, { ibgp: true, ...extra });
const sending = (mode?: AddPathSendMode, families = [IPV4_UNICAST]): Partial<PeerInfo> => ({
  addPathSend: new Set(families),
  ...(mode ? { addPathSendMode: mode } : {}),
});

/** A node of the cluster announcing the VIP (and whatever else) with itself as next hop. */
const fromNode = (n: number, prefixes = [VIP], extra: Parameters<typeof update4>[1] = {}) => update4(prefixes, { nextHop: `10.0.0.${n}`, localPref: 100, ...extra });

function reflector(options: Partial<RibOptions>, peers: PeerInfo[]): Rib {
  const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, clusterId: CLUSTER_ID, ...options });
  for (const p of peers) r.addPeer(p);
  for (const p of peers) r.drainAdjRibOut(p.id);
  return r;
}

const nextHopOf = (attrs: readonly PathAttribute[] | null) => {
  const a = attrs?.find((x) => x.type === 'next-hop');
  return a?.type === 'next-hop' ? a.nextHop : null;
};

/** Drained entries as [prefix, pathId, next hop or 'withdraw'], sorted. */
const entries = (out: readonly OutRoute[]) =>
  out.map((o) => [o.prefix, o.pathId ?? null, o.attributes ? nextHopOf(o.attributes) : 'withdraw'] as const).sort((a, b) => `${a[0]}/${a[1]}`.localeCompare(`${b[0]}/${b[1]}`));

describe('ADD-PATH send: path identifiers', () => {
  it("sends a host every client's path of the VIP, each with its own path id, reflected per path (RFC 4456)", () => {
    const r = reflector({}, [client(1), client(2), client(9, sending('all'))]);
    r.applyUpdate('p1', fromNode(1));
    r.applyUpdate('p2', fromNode(2));
    const out = r.drainAdjRibOut('p9');
    expect(entries(out)).toEqual([
      [VIP, 1, '10.0.0.1'],
      [VIP, 2, '10.0.0.2'],
    ]);
    for (const o of out) {
      const originator = o.attributes!.find((a) => a.type === 'originator-id');
      expect(originator).toMatchObject({ originatorId: `1.1.1.${nextHopOf(o.attributes)!.slice(-1)}` });
      expect(o.attributes!.find((a) => a.type === 'cluster-list')).toMatchObject({ clusterIds: [CLUSTER_ID] });
    }
    // What the peer is advertised, with the ids it got.
    expect([...r.adjRibOut('p9')].map((o) => [o.pathId, nextHopOf(o.attributes)])).toEqual([
      [1, '10.0.0.1'],
      [2, '10.0.0.2'],
    ]);
  });

  it('keeps path ids across unrelated changes: a changed path is replaced under its id, a gone one withdrawn by id', () => {
    const r = reflector({}, [client(1), client(2), client(3), client(4), client(9, sending('all'))]);
    r.applyUpdate('p1', fromNode(1));
    r.applyUpdate('p2', fromNode(2));
    r.drainAdjRibOut('p9');
    // A third path: only it goes out.
    r.applyUpdate('p3', fromNode(3));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 3, '10.0.0.3']]);
    // Node 1 changes its path (a community): implicit withdraw of id 1 only (RFC 7911 s2 keys).
    r.applyUpdate('p1', fromNode(1, [VIP], { communities: [0xfde80001] }));
    const changed = r.drainAdjRibOut('p9');
    expect(entries(changed)).toEqual([[VIP, 1, '10.0.0.1']]);
    expect(changed[0]!.attributes!.find((a) => a.type === 'communities')).toMatchObject({ communities: [0xfde80001] });
    // Node 2 withdraws: one withdrawal, by its id.
    r.applyUpdate('p2', withdraw4([VIP]));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 2, 'withdraw']]);
    // A new path takes the freed id; the others keep theirs.
    r.applyUpdate('p4', fromNode(4));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 2, '10.0.0.4']]);
    expect([...r.adjRibOut('p9')].map((o) => [o.pathId, nextHopOf(o.attributes)]).sort()).toEqual([
      [1, '10.0.0.1'],
      [2, '10.0.0.4'],
      [3, '10.0.0.3'],
    ]);
    // A re-announcement that changes nothing sends nothing.
    r.applyUpdate('p3', fromNode(3));
    expect(r.drainAdjRibOut('p9')).toEqual([]);
    // The last paths go: each withdrawn by its id, and the prefix is forgotten.
    for (const p of ['p1', 'p3', 'p4']) r.applyUpdate(p, withdraw4([VIP]));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([
      [VIP, 1, 'withdraw'],
      [VIP, 2, 'withdraw'],
      [VIP, 3, 'withdraw'],
    ]);
    expect([...r.adjRibOut('p9')]).toEqual([]);
  });

  it('gives paths received with ADD-PATH from one peer ids of their own, and withdraws them one by one', () => {
    const r = reflector({}, [client(1), client(9, sending('all'))]);
    r.applyUpdate('p1', update4([VIP, VIP], { nextHop: '10.0.0.1' }, { pathIds: [7, 8] }));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([
      [VIP, 1, '10.0.0.1'],
      [VIP, 2, '10.0.0.1'],
    ]);
    r.applyUpdate('p1', update4([], {}, { withdrawn: [VIP], withdrawnPathIds: [7] }));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 1, 'withdraw']]);
    expect(r.drainAdjRibOut('p9')).toEqual([]);
  });

  it("a source peer's session going down withdraws its paths by id; the other paths are not sent again", () => {
    const r = reflector({}, [client(1), client(2), client(9, sending('all'))]);
    r.applyUpdate('p1', fromNode(1, [VIP, '10.244.1.0/26']));
    r.applyUpdate('p2', fromNode(2));
    r.drainAdjRibOut('p9');
    r.peerDown('p2');
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 2, 'withdraw']]);
    r.peerDown('p1');
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([
      ['10.244.1.0/26', 1, 'withdraw'],
      [VIP, 1, 'withdraw'],
    ]);
  });

  it('a route refresh sends every path again under the same ids', () => {
    const r = reflector({}, [client(1), client(2), client(9, sending('all'))]);
    r.applyUpdate('p1', fromNode(1));
    r.applyUpdate('p2', fromNode(2));
    const first = entries(r.drainAdjRibOut('p9'));
    r.refreshAdjRibOut('p9');
    expect(entries(r.drainAdjRibOut('p9'))).toEqual(first);
    // A path that went while a refresh was pending is withdrawn by the full pass.
    r.refreshAdjRibOut('p9');
    r.applyUpdate('p1', withdraw4([VIP]));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([
      [VIP, 1, 'withdraw'],
      [VIP, 2, '10.0.0.2'],
    ]);
    r.refreshAdjRibOut('p9');
    r.applyUpdate('p2', withdraw4([VIP]));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 2, 'withdraw']]);
  });
});

describe('ADD-PATH send: which paths', () => {
  it("'ecmp' sends the multipath set; a path joining or leaving it costs one entry", () => {
    const r = reflector({ maxPaths: { ibgp: 8 } }, [client(1), client(2), client(3), client(9, sending())]);
    r.applyUpdate('p1', fromNode(1));
    r.applyUpdate('p2', fromNode(2));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([
      [VIP, 1, '10.0.0.1'],
      [VIP, 2, '10.0.0.2'],
    ]);
    // Not multipath-equal (longer AS path): not in the set, nothing to send.
    r.applyUpdate('p3', fromNode(3, [VIP], { asPath: [65001] }));
    expect(r.drainAdjRibOut('p9')).toEqual([]);
    // It becomes equal: it joins the set.
    r.applyUpdate('p3', fromNode(3));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 3, '10.0.0.3']]);
    // Node 1's path gets worse and leaves the set (the best path changes too): only its id goes.
    r.applyUpdate('p1', fromNode(1, [VIP], { asPath: [65001] }));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 1, 'withdraw']]);
    // A better path replaces the whole set: it takes the lowest free id, the others are withdrawn.
    r.applyUpdate('p1', fromNode(1, [VIP], { localPref: 200 }));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([
      [VIP, 1, '10.0.0.1'],
      [VIP, 2, 'withdraw'],
      [VIP, 3, 'withdraw'],
    ]);
  });

  it("'ecmp' with maxPaths 1 sends the best path only, as without ADD-PATH but with a path id", () => {
    const r = reflector({}, [client(1), client(2), client(9, sending('ecmp'))]);
    r.applyUpdate('p1', fromNode(1));
    r.applyUpdate('p2', fromNode(2));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 1, '10.0.0.1']]);
  });

  it('{ best: n } sends the n most preferred paths, in decision order', () => {
    const r = reflector({}, [client(1), client(2), client(3), client(9, sending({ best: 2 }))]);
    r.applyUpdate('p1', fromNode(1, [VIP], { localPref: 50 }));
    r.applyUpdate('p2', fromNode(2, [VIP], { localPref: 300 }));
    r.applyUpdate('p3', fromNode(3, [VIP], { localPref: 200 }));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([
      [VIP, 1, '10.0.0.2'],
      [VIP, 2, '10.0.0.3'],
    ]);
    // The third path overtakes the second: the second goes, the new one takes its id.
    r.applyUpdate('p1', fromNode(1, [VIP], { localPref: 250 }));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 2, '10.0.0.1']]);
  });

  it("never reflects a client's path back to it, and sends non-clients client paths only (RFC 4456 s6)", () => {
    const r = reflector({}, [client(1, sending('all')), client(2), nonClient(3, sending('all')), nonClient(4, sending('all'))]);
    r.applyUpdate('p1', fromNode(1));
    r.applyUpdate('p2', fromNode(2));
    r.applyUpdate('p3', fromNode(3));
    // p1 gets p2's and p3's paths, not its own.
    expect(entries(r.drainAdjRibOut('p1')).map((e) => e[2])).toEqual(['10.0.0.2', '10.0.0.3']);
    // Non-clients get the client paths; p4 not p3's (non-client to non-client), p3 not its own.
    expect(entries(r.drainAdjRibOut('p3')).map((e) => e[2])).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(entries(r.drainAdjRibOut('p4')).map((e) => e[2])).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('applies the export filter to each path', () => {
    const r = reflector({ exportFilter: (route) => (route.path.nextHop === '10.0.0.2' ? null : route.attributes) }, [client(1), client(2), client(9, sending('all'))]);
    r.applyUpdate('p1', fromNode(1));
    r.applyUpdate('p2', fromNode(2));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 1, '10.0.0.1']]);
  });

  it('sends path ids only for the families negotiated; others get the best path as before', () => {
    const r = reflector({}, [client(1), client(2), client(9, sending('all', [IPV4_UNICAST])), client(8, sending('all', [IPV6_UNICAST]))]);
    r.applyUpdate('p1', fromNode(1));
    r.applyUpdate('p2', fromNode(2));
    r.applyUpdate('p1', update6(['2001:db8::/32'], { nextHop: '2001:db8::1' }));
    r.applyUpdate('p2', update6(['2001:db8::/32'], { nextHop: '2001:db8::2' }));
    const to9 = r.drainAdjRibOut('p9');
    expect(to9.map((o) => [o.prefix, o.pathId ?? null])).toEqual([
      [VIP, 1],
      [VIP, 2],
      ['2001:db8::/32', null],
    ]);
    const to8 = r.drainAdjRibOut('p8');
    expect(to8.map((o) => [o.prefix, o.pathId ?? null])).toEqual([
      [VIP, null],
      ['2001:db8::/32', 1],
      ['2001:db8::/32', 2],
    ]);
    // A change beside the best path: only the ADD-PATH peer of that family hears of it.
    r.applyUpdate('p2', fromNode(2, [VIP], { communities: [1] }));
    expect(entries(r.drainAdjRibOut('p9'))).toEqual([[VIP, 2, '10.0.0.2']]);
    expect(r.drainAdjRibOut('p8')).toEqual([]);
  });

  it('a peer without ADD-PATH send is not sent changes beside the best path', () => {
    const r = reflector({}, [client(1), client(2), client(9)]);
    r.applyUpdate('p1', fromNode(1));
    r.applyUpdate('p2', fromNode(2));
    expect(r.drainAdjRibOut('p9').map((o) => [o.pathId, nextHopOf(o.attributes)])).toEqual([[undefined, '10.0.0.1']]);
    r.applyUpdate('p2', fromNode(2, [VIP], { communities: [1] }));
    expect(r.drainAdjRibOut('p9')).toEqual([]);
  });
});

describe('ADD-PATH send: properties', () => {
  const opArb = fc.oneof(
    fc.record({
      kind: fc.constant('announce' as const),
      node: fc.integer({ min: 1, max: 4 }),
      prefix: fc.constantFrom(VIP, '10.244.0.0/26'),
      localPref: fc.constantFrom(100, 100, 200),
      longer: fc.boolean(),
      community: fc.constantFrom(1, 2),
    }),
    fc.record({ kind: fc.constant('withdraw' as const), node: fc.integer({ min: 1, max: 4 }), prefix: fc.constantFrom(VIP, '10.244.0.0/26') }),
    fc.record({ kind: fc.constantFrom('drain' as const, 'refresh' as const, 'down' as const), node: fc.integer({ min: 1, max: 4 }) }),
  );
  const modeArb = fc.constantFrom<AddPathSendMode>('all', 'ecmp', { best: 1 }, { best: 2 }, { best: 3 });

  /** The receiving peer's Adj-RIB-In, keyed by prefix and path id: next hop and attributes as text. */
  type Held = Map<string, { source: string; attrs: string }>;
  const sourceOf = (attrs: readonly PathAttribute[]) => {
    const a = attrs.find((x) => x.type === 'originator-id');
    return a?.type === 'originator-id' ? a.originatorId : '?';
  };

  it('the peer ends up holding exactly the Adj-RIB-Out, through entries that each change something, with stable ids', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), modeArb, fc.integer({ min: 1, max: 4 }), (ops, mode, maxPaths) => {
        const nodes = [1, 2, 3, 4].map((n) => client(n));
        const r = reflector({ maxPaths: { ibgp: maxPaths } }, [...nodes, client(9, sending(mode))]);
        const held: Held = new Map();
        let refreshing = false;
        const drain = () => {
          const before = new Map([...held].map(([k, v]) => [`${k.split('|')[0]}|${v.source}`, k]));
          for (const o of r.drainAdjRibOut('p9')) {
            expect(o.pathId).toBeTypeOf('number');
            const k = `${o.prefix}|${o.pathId}`;
            if (!o.attributes) {
              expect(held.has(k), `withdrawal of ${k}, which the peer does not hold`).toBe(true);
              held.delete(k);
              continue;
            }
            const v = { source: sourceOf(o.attributes), attrs: JSON.stringify(o.attributes) };
            if (!refreshing) expect(held.get(k)?.attrs, `${k} sent again unchanged`).not.toBe(v.attrs);
            held.set(k, v);
          }
          refreshing = false;
          // What the peer holds is what adjRibOut() says it is advertised.
          const want = new Map([...r.adjRibOut('p9')].map((o) => [`${o.prefix}|${o.pathId}`, { source: sourceOf(o.attributes!), attrs: JSON.stringify(o.attributes) }]));
          expect(held).toEqual(want);
          // A path advertised before and after kept its id.
          for (const [k, v] of held) {
            const was = before.get(`${k.split('|')[0]}|${v.source}`);
            if (was !== undefined) expect(k).toBe(was);
          }
        };
        for (const op of ops) {
          const id = `p${op.node}`;
          if (op.kind === 'announce') {
            r.applyUpdate(id, fromNode(op.node, [op.prefix], { localPref: op.localPref, communities: [op.community], ...(op.longer ? { asPath: [65001] } : {}) }));
          } else if (op.kind === 'withdraw') {
            r.applyUpdate(id, withdraw4([op.prefix]));
          } else if (op.kind === 'down') {
            r.peerDown(id);
            r.addPeer(client(op.node));
          } else if (op.kind === 'refresh') {
            r.refreshAdjRibOut('p9');
            refreshing = true;
          } else {
            drain();
          }
        }
        drain();
        // Every prefix's ids are distinct and small: freed ids are reused.
        const ids = new Map<string, number[]>();
        for (const k of held.keys()) {
          const [p, n] = k.split('|') as [string, string];
          ids.set(p, [...(ids.get(p) ?? []), Number(n)]);
        }
        for (const list of ids.values()) expect(Math.max(...list)).toBeLessThanOrEqual(4);
      }),
      { numRuns: 300 },
    );
  });
});
