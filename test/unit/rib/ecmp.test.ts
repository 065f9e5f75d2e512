// Multipath (ECMP): which paths share a prefix, and the next-hop deltas the FIB consumes.
import { describe, expect, it } from 'vitest';
import { Rib, multipathEqual, type RibOptions } from '../../../src/rib/index.js';
import { DEFAULT_DECISION_OPTIONS } from '../../../src/rib/index.js';
import { LOCAL_AS, ROUTER_ID, candidate, peer, summary, update4, withdraw4 } from './helpers.js';

const P = '198.51.100.0/24';

function rib(options: Partial<RibOptions>, peers: Parameters<typeof peer>[] = [[1], [2], [3], [4]]): Rib {
  const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, ...options });
  for (const args of peers) r.addPeer(peer(...args));
  return r;
}

/** The same AS path from several peers of one neighbouring AS (a cluster announcing a VIP). */
const via = (n: number, extra: Parameters<typeof update4>[1] = {}) => update4([P], { asPath: [64512], nextHop: `192.0.2.${n}`, ...extra });

describe('ECMP', () => {
  it('adds and removes next hops as equal paths come and go, one delta each', () => {
    const r = rib({ maxPaths: { ebgp: 8, ibgp: 1 } });
    expect(summary(r.applyUpdate('p1', via(1)))).toEqual([{ prefix: P, peer: 'p1', nextHops: ['192.0.2.1'], added: ['192.0.2.1'], removed: [] }]);
    expect(summary(r.applyUpdate('p2', via(2)))).toEqual([{ prefix: P, peer: 'p1', nextHops: ['192.0.2.1', '192.0.2.2'], added: ['192.0.2.2'], removed: [] }]);
    expect(summary(r.applyUpdate('p3', via(3)))[0]!.added).toEqual(['192.0.2.3']);
    expect(r.route(P)!.nextHops).toHaveLength(3);
    expect(summary(r.applyUpdate('p2', withdraw4([P])))).toEqual([
      { prefix: P, peer: 'p1', nextHops: ['192.0.2.1', '192.0.2.3'], added: [], removed: ['192.0.2.2'] },
    ]);
    // The best path goes: another member becomes best, the set loses only its hop.
    expect(summary(r.applyUpdate('p1', withdraw4([P])))).toEqual([{ prefix: P, peer: 'p3', nextHops: ['192.0.2.3'], added: [], removed: ['192.0.2.1'] }]);
    expect(summary(r.applyUpdate('p3', withdraw4([P])))).toEqual([{ prefix: P, peer: null, nextHops: [], added: [], removed: ['192.0.2.3'] }]);
  });

  it('a path that is not multipath-equal changes nothing; one that becomes best replaces the set', () => {
    const r = rib({ maxPaths: { ebgp: 8, ibgp: 8 } });
    r.applyUpdate('p1', via(1));
    r.applyUpdate('p2', via(2));
    expect(r.applyUpdate('p3', via(3, { asPath: [64512, 1] }))).toEqual([]);
    expect(summary(r.applyUpdate('p4', via(4, { asPath: [], origin: 0 })))).toEqual([
      { prefix: P, peer: 'p4', nextHops: ['192.0.2.4'], added: ['192.0.2.4'], removed: ['192.0.2.1', '192.0.2.2'] },
    ]);
  });

  it('maxPaths bounds the set, separately for eBGP and iBGP', () => {
    const r = rib({ maxPaths: { ebgp: 2, ibgp: 3 } }, [[1], [2], [3], [4, { ibgp: true }], [5, { ibgp: true }], [6, { ibgp: true }], [7, { ibgp: true }]]);
    for (const n of [1, 2, 3]) r.applyUpdate(`p${n}`, via(n));
    expect(r.route(P)!.nextHops).toEqual(['192.0.2.1', '192.0.2.2']);
    const Q = '203.0.113.0/24';
    for (const n of [4, 5, 6, 7]) r.applyUpdate(`p${n}`, update4([Q], { asPath: [64512], nextHop: `192.0.2.${n}` }));
    expect(r.route(Q)!.nextHops).toEqual(['192.0.2.4', '192.0.2.5', '192.0.2.6']);
    // Defaults: no multipath.
    const single = rib({});
    for (const n of [1, 2]) single.applyUpdate(`p${n}`, via(n));
    expect(single.route(P)!.nextHops).toEqual(['192.0.2.1']);
  });

  it('eBGP multipath needs the same neighbouring AS unless multipathRelax', () => {
    for (const relax of [false, true]) {
      const r = rib({ maxPaths: { ebgp: 4, ibgp: 1 }, multipathRelax: relax });
      r.applyUpdate('p1', update4([P], { asPath: [64512, 1], nextHop: '192.0.2.1' }));
      r.applyUpdate('p2', update4([P], { asPath: [64513, 1], nextHop: '192.0.2.2' }));
      expect(r.route(P)!.nextHops).toEqual(relax ? ['192.0.2.1', '192.0.2.2'] : ['192.0.2.1']);
    }
  });

  it('paths must be equal through the IGP metric; router id and peer address may differ', () => {
    const igp: Record<string, number> = { '192.0.2.1': 5, '192.0.2.2': 5, '192.0.2.3': 9 };
    const r = rib({ maxPaths: { ebgp: 4, ibgp: 4 }, igpMetric: (nh) => igp[nh] ?? 0 });
    for (const n of [1, 2, 3]) r.applyUpdate(`p${n}`, via(n));
    expect(r.route(P)!.nextHops).toEqual(['192.0.2.1', '192.0.2.2']);
    igp['192.0.2.3'] = 5;
    expect(summary(r.reevaluate())).toEqual([{ prefix: P, peer: 'p1', nextHops: ['192.0.2.1', '192.0.2.2', '192.0.2.3'], added: ['192.0.2.3'], removed: [] }]);
    expect(r.explain(P)!.candidates.map((c) => c.multipath)).toEqual([true, true, true]);
  });

  it('a next hop counts once', () => {
    const r = rib({ maxPaths: { ebgp: 4, ibgp: 4 } });
    r.applyUpdate('p1', via(1));
    expect(r.applyUpdate('p2', via(1))).toEqual([]);
    expect(r.route(P)!.nextHops).toEqual(['192.0.2.1']);
  });

  it('with multipathRelax, MED still removes the worse path of a neighbouring AS', () => {
    const r = rib({ maxPaths: { ebgp: 4, ibgp: 4 }, multipathRelax: true });
    r.applyUpdate('p1', update4([P], { asPath: [64512], med: 5, nextHop: '192.0.2.1' }));
    r.applyUpdate('p2', update4([P], { asPath: [64512], med: 9, nextHop: '192.0.2.2' }));
    r.applyUpdate('p3', update4([P], { asPath: [64513], med: 1, nextHop: '192.0.2.3' }));
    expect([...r.route(P)!.nextHops].sort()).toEqual(['192.0.2.1', '192.0.2.3']);
  });

  it('multipathEqual is an equality (symmetric) that ignores the router id and peer address', () => {
    const o = { ...DEFAULT_DECISION_OPTIONS, maxPaths: { ebgp: 4, ibgp: 4 }, multipathRelax: false };
    const a = candidate({ routerId: '1.1.1.1', peerAddress: '10.0.0.1' });
    const b = candidate({ routerId: '2.2.2.2', peerAddress: '10.0.0.2' });
    expect(multipathEqual(a, b, o)).toBe(true);
    expect(multipathEqual(a, candidate({ neighborAs: 1 }), o)).toBe(false);
    expect(multipathEqual(a, candidate({ neighborAs: 1 }), { ...o, multipathRelax: true })).toBe(true);
    expect(multipathEqual(a, candidate({ ebgp: false }), o)).toBe(false);
  });
});
