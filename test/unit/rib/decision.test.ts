// The decision process step by step: each tie-break decides when everything before it ties,
// whichever path is given first.
import { describe, expect, it } from 'vitest';
import { DECISION_STEPS, Rib, comparePaths, type DecisionInput, type DecisionOptions } from '../../../src/rib/index.js';
import { LOCAL_AS, ROUTER_ID, candidate, peer, update4 } from './helpers.js';

/** Asserts that `better` beats `worse` at `reason`, in both argument orders. */
function expectWins(better: DecisionInput, worse: DecisionInput, reason: string, options: Partial<DecisionOptions> = {}): void {
  expect(comparePaths(better, worse, options)).toEqual({ winner: 'a', reason });
  expect(comparePaths(worse, better, options)).toEqual({ winner: 'b', reason });
}

describe('decision process, one step at a time', () => {
  it('applies the steps in the documented order', () => {
    expect(DECISION_STEPS.map((s) => s.reason)).toEqual([
      'llgr-stale',
      'stale',
      'weight',
      'local-pref',
      'locally-originated',
      'as-path-length',
      'origin',
      'med',
      'ebgp-over-ibgp',
      'igp-metric',
      'originator-id/router-id',
      'cluster-list-length',
      'peer-address',
      'path-id',
    ]);
  });

  it('identical paths tie', () => {
    expect(comparePaths(candidate(), candidate())).toEqual({ winner: null, reason: null });
  });

  it('LLGR-stale loses to everything, even a worse LOCAL_PREF (RFC 9494)', () => {
    expectWins(candidate({ localPref: 50 }), candidate({ stale: 'llgr', localPref: 500 }), 'llgr-stale');
    expectWins(candidate({ stale: 'gr' }), candidate({ stale: 'llgr', weight: 10 }), 'llgr-stale');
  });

  it('GR-stale loses to fresh (RFC 4724 retained paths)', () => {
    expectWins(candidate({ localPref: 50 }), candidate({ stale: 'gr', localPref: 500 }), 'stale');
  });

  it('higher weight wins before LOCAL_PREF', () => {
    expectWins(candidate({ weight: 10, localPref: 50 }), candidate({ weight: 0, localPref: 500 }), 'weight');
  });

  it('higher LOCAL_PREF wins (RFC 4271 s9.1.1)', () => {
    expectWins(candidate({ localPref: 200, asPathLength: 9 }), candidate({ localPref: 100, asPathLength: 1 }), 'local-pref');
  });

  it('locally originated wins over learned', () => {
    expectWins(candidate({ local: true, asPathLength: 3 }), candidate({ asPathLength: 1 }), 'locally-originated');
  });

  it('shorter AS_PATH wins (RFC 4271 s9.1.2.2 a)', () => {
    expectWins(candidate({ asPathLength: 1, origin: 2 }), candidate({ asPathLength: 2, origin: 0 }), 'as-path-length');
  });

  it('lower ORIGIN wins: IGP < EGP < INCOMPLETE (s9.1.2.2 b)', () => {
    expectWins(candidate({ origin: 0, med: 50 }), candidate({ origin: 1, med: 0 }), 'origin');
    expectWins(candidate({ origin: 1 }), candidate({ origin: 2 }), 'origin');
  });

  it('lower MED wins between paths from the same neighbouring AS (s9.1.2.2 c)', () => {
    expectWins(candidate({ med: 10, ebgp: false }), candidate({ med: 20, ebgp: true }), 'med');
  });

  it('MED is not compared across neighbouring ASes unless alwaysCompareMed', () => {
    const a = candidate({ med: 10, neighborAs: 1, routerId: '9.9.9.9' });
    const b = candidate({ med: 20, neighborAs: 2, routerId: '1.1.1.1' });
    expect(comparePaths(a, b)).toEqual({ winner: 'b', reason: 'originator-id/router-id' });
    expectWins(a, b, 'med', { alwaysCompareMed: true });
  });

  it('a missing MED is 0, or the worst with medMissingAsWorst', () => {
    const missing = candidate({ med: null });
    const five = candidate({ med: 5 });
    expectWins(missing, five, 'med');
    expectWins(five, missing, 'med', { medMissingAsWorst: true });
  });

  it('eBGP wins over iBGP (s9.1.2.2 d)', () => {
    expectWins(candidate({ ebgp: true, routerId: '9.9.9.9' }), candidate({ ebgp: false, routerId: '1.1.1.1' }), 'ebgp-over-ibgp');
  });

  it('lower IGP metric to the next hop wins (s9.1.2.2 e), through the hook', () => {
    const igpMetric = (nh: string) => (nh === '192.0.2.1' ? 10 : 20);
    expectWins(candidate({ nextHop: '192.0.2.1', routerId: '9.9.9.9' }), candidate({ nextHop: '192.0.2.2', routerId: '1.1.1.1' }), 'igp-metric', { igpMetric });
    // Without a hook every next hop costs 0.
    expect(comparePaths(candidate({ nextHop: '192.0.2.1' }), candidate({ nextHop: '192.0.2.2' })).reason).not.toBe('igp-metric');
  });

  it('lower router id (ORIGINATOR_ID when present) wins (s9.1.2.2 f, RFC 4456 s9), numerically', () => {
    expectWins(candidate({ routerId: '10.0.0.9', clusterListLength: 3 }), candidate({ routerId: '10.0.0.10', clusterListLength: 0 }), 'originator-id/router-id');
  });

  it('shorter CLUSTER_LIST wins, between steps f and g (RFC 4456 s9)', () => {
    expectWins(candidate({ clusterListLength: 1, peerAddress: '10.0.0.9' }), candidate({ clusterListLength: 2, peerAddress: '10.0.0.1' }), 'cluster-list-length');
  });

  it('lower peer address wins (s9.1.2.2 g): numeric order, IPv4 before IPv6', () => {
    expectWins(candidate({ peerAddress: '10.0.0.9' }), candidate({ peerAddress: '10.0.0.10' }), 'peer-address');
    expectWins(candidate({ peerAddress: '192.0.2.1' }), candidate({ peerAddress: '2001:db8::1' }), 'peer-address');
    expectWins(candidate({ peerAddress: '2001:db8::2' }), candidate({ peerAddress: '2001:db8::10' }), 'peer-address');
  });

  it('lower ADD-PATH identifier breaks the last tie', () => {
    expectWins(candidate({ pathId: 1 }), candidate({ pathId: 2 }), 'path-id');
  });
});

describe('decision inputs derived from attributes', () => {
  function ribWith(...paths: [number, Parameters<typeof update4>[1], object?][]): Rib {
    const rib = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
    for (const [n, spec, extra] of paths) {
      rib.addPeer(peer(n, extra as object));
      rib.applyUpdate(`p${n}`, update4(['203.0.113.0/24'], spec));
    }
    return rib;
  }

  it('an AS_SET counts 1 and confederation segments 0 (RFC 4271 s9.1.2.2 a, RFC 5065)', () => {
    const rib = ribWith(
      [1, { segments: [{ type: 3, asns: [64512, 64513] }, { type: 2, asns: [1] }, { type: 1, asns: [2, 3, 4] }] }],
      [2, { asPath: [1, 2, 3] }],
    );
    const e = rib.explain('203.0.113.0/24')!;
    expect(e.candidates[0]!.path.peerId).toBe('p1');
    expect(e.candidates[0]!.path.asPathLength).toBe(2);
    expect(e.candidates[1]!.reason).toBe('as-path-length');
  });

  it('LOCAL_PREF from an eBGP peer is ignored (RFC 4271 s5.1.5); missing means 100', () => {
    const rib = ribWith([1, { asPath: [1], localPref: 500 }], [2, { asPath: [2], localPref: 150 }, { ibgp: true }]);
    expect(rib.bestPath('203.0.113.0/24')!.peerId).toBe('p2');
    expect(rib.paths('203.0.113.0/24').find((p) => p.peerId === 'p1')!.localPref).toBe(100);
  });

  it('a 2-octet peer has AS4_PATH merged before its AS_PATH is counted (RFC 6793)', () => {
    const rib = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
    rib.addPeer(peer(1, { asn4: false }));
    rib.addPeer(peer(2));
    const as2 = update4(['203.0.113.0/24'], [
      ...update4(['203.0.113.0/24'], { asPath: [1, 23456] }).attributes,
      { type: 'as4-path', flags: 0xc0, segments: [{ type: 2, asns: [70000] }] },
    ]);
    rib.applyUpdate('p1', as2);
    rib.applyUpdate('p2', update4(['203.0.113.0/24'], { asPath: [2, 3, 4] }));
    const p1 = rib.paths('203.0.113.0/24').find((p) => p.peerId === 'p1')!;
    expect(p1.asPath).toEqual([{ type: 2, asns: [1, 70000] }]);
    expect(p1.asPathLength).toBe(2);
    expect(rib.bestPath('203.0.113.0/24')!.peerId).toBe('p1');
  });

  it('neighbouring AS for MED: the first AS of the path; the local AS for an empty iBGP path', () => {
    const rib = ribWith([1, { asPath: [7, 8], med: 50 }], [2, { asPath: [7, 9], med: 10 }], [3, { med: 0 }, { ibgp: true }]);
    const byPeer = Object.fromEntries(rib.paths('203.0.113.0/24').map((p) => [p.peerId, p.neighborAs]));
    expect(byPeer).toEqual({ p1: 7, p2: 7, p3: LOCAL_AS });
    const e = rib.explain('203.0.113.0/24')!;
    expect(e.candidates.map((c) => [c.path.peerId, c.reason])).toEqual([
      ['p3', null],
      ['p2', 'as-path-length'],
      ['p1', 'med'],
    ]);
    expect(e.candidates[2]!.lostTo).toEqual({ peerId: 'p2', pathId: 0 });
  });

  it('ORIGINATOR_ID stands in for the router id (RFC 4456 s9)', () => {
    const rib = ribWith([1, { originatorId: '9.9.9.9', clusterList: ['5.5.5.5'] }, { ibgp: true, routerId: '1.1.1.1' }], [2, { originatorId: '2.2.2.2', clusterList: ['5.5.5.5'] }, { ibgp: true, routerId: '3.3.3.3' }]);
    const e = rib.explain('203.0.113.0/24')!;
    expect(e.candidates[0]!.path.peerId).toBe('p2');
    expect(e.candidates[1]!.reason).toBe('originator-id/router-id');
  });
});

describe('MED and arrival order', () => {
  // A and C come from AS 64512 (MED 10 and 5), B from AS 64513; router ids A < B < C.
  // Pairwise: A beats B (router id), B beats C (router id), C beats A (MED): a cycle.
  const paths: [string, Parameters<typeof update4>[1]][] = [
    ['A', { asPath: [64512], med: 10 }],
    ['B', { asPath: [64513] }],
    ['C', { asPath: [64512], med: 5 }],
  ];
  function best(order: number[], deterministicMed: boolean): string {
    const rib = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, deterministicMed });
    paths.forEach(([, ], i) => rib.addPeer(peer(i + 1, { routerId: `1.1.1.${i + 1}` })));
    for (const i of order) rib.applyUpdate(`p${i + 1}`, update4(['203.0.113.0/24'], paths[i]![1]));
    return paths[Number(rib.bestPath('203.0.113.0/24')!.peerId.slice(1)) - 1]![0];
  }

  it('deterministic MED (the default) picks the same path whatever the order: C removes A by MED, then B wins by router id', () => {
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0]]) expect(best(order, true)).toBe('B');
  });

  it('without it, paths are compared pairwise in arrival order, and the order shows', () => {
    expect(best([0, 1, 2], false)).toBe('C');
    expect(best([2, 1, 0], false)).toBe('A');
  });
});
