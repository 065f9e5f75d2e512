// Rib.applyUpdate and the queries: IPv4 and IPv6 unicast, ADD-PATH, treat-as-withdraw,
// End-of-RIB, local routes, filters, Adj-RIB-Out.
import { describe, expect, it } from 'vitest';
import { BgpError, ErrorCode, UpdateSubcode, emptyPrefixList, type PathAttribute } from '../../../src/wire/index.js';
import { Rib, prefixKeyFromText, type RibOptions } from '../../../src/rib/index.js';
import { LOCAL_AS, ROUTER_ID, attrs, peer, summary, update4, update6, withdraw4, withdraw6 } from './helpers.js';

function rib(options: Partial<RibOptions> = {}, peers = [1, 2, 3]): Rib {
  const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, ...options });
  for (const n of peers) r.addPeer(peer(n));
  return r;
}

describe('applyUpdate: IPv4 unicast', () => {
  it('announces, reports one delta per prefix, and answers lookups', () => {
    const r = rib();
    const deltas = r.applyUpdate('p1', update4(['10.0.0.0/8', '10.1.0.0/16'], { asPath: [65101], nextHop: '192.0.2.1' }));
    expect(summary(deltas)).toEqual([
      { prefix: '10.0.0.0/8', peer: 'p1', nextHops: ['192.0.2.1'], added: ['192.0.2.1'], removed: [] },
      { prefix: '10.1.0.0/16', peer: 'p1', nextHops: ['192.0.2.1'], added: ['192.0.2.1'], removed: [] },
    ]);
    expect(deltas[0]!.key).toBe(prefixKeyFromText('10.0.0.0/8'));
    expect(deltas[0]!.best!.attributes).toEqual(attrs({ asPath: [65101], nextHop: '192.0.2.1' }));
    expect(r.lookup('10.1.2.3')!.prefix).toBe('10.1.0.0/16');
    expect(r.lookup('10.2.0.1')!.prefix).toBe('10.0.0.0/8');
    expect(r.lookup('11.0.0.1')).toBeNull();
    expect([...r.routes()].map((x) => x.prefix)).toEqual(['10.0.0.0/8', '10.1.0.0/16']);
    expect(r.prefixCount('p1')).toBe(2);
  });

  it('emits nothing for an UPDATE that changes nothing', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101] }));
    expect(r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101] }))).toEqual([]);
    // A worse path from another peer changes neither best nor next hops.
    expect(r.applyUpdate('p2', update4(['10.0.0.0/8'], { asPath: [65102, 1, 2], nextHop: '192.0.2.2' }))).toEqual([]);
    // Withdrawing what was never announced changes nothing either.
    expect(r.applyUpdate('p3', withdraw4(['10.0.0.0/8']))).toEqual([]);
  });

  it('replaces a peer\'s path implicitly and withdraws it explicitly', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101], nextHop: '192.0.2.1' }));
    expect(summary(r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101], nextHop: '192.0.2.9' })))).toEqual([
      { prefix: '10.0.0.0/8', peer: 'p1', nextHops: ['192.0.2.9'], added: ['192.0.2.9'], removed: ['192.0.2.1'] },
    ]);
    // Same next hop, other attributes: the best path changed, the forwarding did not.
    expect(summary(r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101], nextHop: '192.0.2.9', med: 5 })))).toEqual([
      { prefix: '10.0.0.0/8', peer: 'p1', nextHops: ['192.0.2.9'], added: [], removed: [] },
    ]);
    expect(r.paths('10.0.0.0/8')).toHaveLength(1);
    expect(summary(r.applyUpdate('p1', withdraw4(['10.0.0.0/8'])))).toEqual([
      { prefix: '10.0.0.0/8', peer: null, nextHops: [], added: [], removed: ['192.0.2.9'] },
    ]);
    expect(r.bestPath('10.0.0.0/8')).toBeNull();
    expect(r.prefixCount('p1')).toBe(0);
  });

  it('falls back to the next best path when the best is withdrawn', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101], nextHop: '192.0.2.1' }));
    r.applyUpdate('p2', update4(['10.0.0.0/8'], { asPath: [65102, 7], nextHop: '192.0.2.2' }));
    expect(summary(r.applyUpdate('p1', withdraw4(['10.0.0.0/8'])))).toEqual([
      { prefix: '10.0.0.0/8', peer: 'p2', nextHops: ['192.0.2.2'], added: ['192.0.2.2'], removed: ['192.0.2.1'] },
    ]);
  });

  it('handles withdrawn routes and NLRI in one UPDATE', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101] }));
    const d = r.applyUpdate('p1', update4(['11.0.0.0/8'], { asPath: [65101] }, { withdrawn: ['10.0.0.0/8'] }));
    expect(d.map((x) => [x.prefix, x.best?.peerId ?? null])).toEqual([
      ['10.0.0.0/8', null],
      ['11.0.0.0/8', 'p1'],
    ]);
  });

  it('treats every NLRI as withdrawn when the UPDATE says treat-as-withdraw (RFC 7606)', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101] }));
    const bad = {
      ...update4(['10.0.0.0/8', '12.0.0.0/8'], { asPath: [65101] }),
      errors: [new BgpError(ErrorCode.UPDATE_MESSAGE, UpdateSubcode.MALFORMED_AS_PATH, 'test', { action: 'treat-as-withdraw' })],
    };
    expect(summary(r.applyUpdate('p1', bad))).toEqual([{ prefix: '10.0.0.0/8', peer: null, nextHops: [], added: [], removed: ['192.0.2.1'] }]);
    expect([...r.routes()]).toEqual([]);
    // attribute-discard keeps the routes
    const discard = { ...update4(['10.0.0.0/8'], { asPath: [65101] }), errors: [new BgpError(3, 1, 'x', { action: 'attribute-discard' })] };
    expect(r.applyUpdate('p1', discard)).toHaveLength(1);
  });

  it('takes an End-of-RIB UPDATE as End-of-RIB', () => {
    const r = rib();
    expect(r.applyUpdate('p1', { type: 'update', withdrawn: emptyPrefixList(1), attributes: [], nlri: emptyPrefixList(1) })).toEqual([]);
  });

  it('refuses UPDATEs from unknown or down peers (a bug of the caller)', () => {
    const r = rib();
    expect(() => r.applyUpdate('nobody', update4(['10.0.0.0/8']))).toThrow(/not established/);
    r.peerDown('p1');
    expect(() => r.applyUpdate('p1', update4(['10.0.0.0/8']))).toThrow(/not established/);
  });
});

describe('applyUpdate: IPv6 unicast through MP_REACH_NLRI / MP_UNREACH_NLRI', () => {
  it('announces with the MP_REACH next hop and withdraws', () => {
    const r = rib();
    const d = r.applyUpdate('p1', update6(['2001:db8::/32', '2001:db8:1::/48'], { asPath: [65101], nextHop: '2001:db8::a' }));
    expect(summary(d)).toEqual([
      { prefix: '2001:db8::/32', peer: 'p1', nextHops: ['2001:db8::a'], added: ['2001:db8::a'], removed: [] },
      { prefix: '2001:db8:1::/48', peer: 'p1', nextHops: ['2001:db8::a'], added: ['2001:db8::a'], removed: [] },
    ]);
    // The stored path keeps MP_REACH_NLRI for its next hop, not the UPDATE's prefixes.
    const mp = d[0]!.best!.attributes.find((a) => a.type === 'mp-reach') as Extract<PathAttribute, { type: 'mp-reach' }>;
    expect(mp.nlri).toBeNull();
    expect(mp.nextHops).toEqual(['2001:db8::a']);
    expect(r.lookup('2001:db8:1::5')!.prefix).toBe('2001:db8:1::/48');
    expect(r.prefixCount('p1', 0x0201)).toBe(2);
    expect(summary(r.applyUpdate('p1', withdraw6(['2001:db8:1::/48'])))).toEqual([
      { prefix: '2001:db8:1::/48', peer: null, nextHops: [], added: [], removed: ['2001:db8::a'] },
    ]);
    expect([...r.routes({ afi: 2 })].map((x) => x.prefix)).toEqual(['2001:db8::/32']);
  });

  it('ignores families other than unicast', () => {
    const r = rib();
    const u = update6(['2001:db8::/32']);
    const multicast = { ...u, attributes: u.attributes.map((a) => (a.type === 'mp-reach' ? { ...a, safi: 2 } : a)) };
    expect(r.applyUpdate('p1', multicast)).toEqual([]);
  });
});

describe('ADD-PATH (RFC 7911)', () => {
  it('keeps several paths of one peer apart by path identifier', () => {
    const r = rib({ maxPaths: { ebgp: 4, ibgp: 4 } });
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101], nextHop: '192.0.2.1' }, { pathIds: [1] }));
    const d = r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101], nextHop: '192.0.2.2' }, { pathIds: [2] }));
    expect(summary(d)).toEqual([{ prefix: '10.0.0.0/8', peer: 'p1', nextHops: ['192.0.2.1', '192.0.2.2'], added: ['192.0.2.2'], removed: [] }]);
    expect(r.paths('10.0.0.0/8').map((p) => p.pathId).sort()).toEqual([1, 2]);
    expect(r.prefixCount('p1')).toBe(2);
    // Withdrawal names the path.
    expect(summary(r.applyUpdate('p1', withdraw4(['10.0.0.0/8'], [1])))).toEqual([
      { prefix: '10.0.0.0/8', peer: 'p1', nextHops: ['192.0.2.2'], added: [], removed: ['192.0.2.1'] },
    ]);
    expect(r.paths('10.0.0.0/8').map((p) => p.pathId)).toEqual([2]);
  });

  it('breaks a full tie between paths of one peer on the lower identifier', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101] }, { pathIds: [7] }));
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101] }, { pathIds: [3] }));
    const e = r.explain('10.0.0.0/8')!;
    expect(e.candidates.map((c) => [c.path.pathId, c.reason])).toEqual([
      [3, null],
      [7, 'path-id'],
    ]);
  });
});

describe('locally originated routes', () => {
  it('win over learned ones, carry no next hops for the FIB, and can be withdrawn', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/24'], { asPath: [65101] }));
    const d = r.announceLocal('10.0.0.0/24', [{ type: 'next-hop', flags: 0x40, nextHop: '0.0.0.0' }]);
    expect(summary(d)).toEqual([{ prefix: '10.0.0.0/24', peer: 'local', nextHops: [], added: [], removed: ['192.0.2.1'] }]);
    expect(d[0]!.best!.local).toBe(true);
    expect(d[0]!.best!.attributes.map((a) => a.type)).toEqual(['origin', 'next-hop', 'as-path']);
    expect(r.explain('10.0.0.0/24')!.candidates[1]!.reason).toBe('locally-originated');
    expect(summary(r.withdrawLocal('10.0.0.0/24'))).toEqual([{ prefix: '10.0.0.0/24', peer: 'p1', nextHops: ['192.0.2.1'], added: ['192.0.2.1'], removed: [] }]);
    expect(() => r.announceLocal('10.0.0.0', [])).toThrow(TypeError);
  });
});

describe('import filter', () => {
  it('rejects, rewrites and weights paths; prefixes rewritten alike share one attribute list', () => {
    const tag: PathAttribute = { type: 'communities', flags: 0xc0, communities: [65000 * 65536 + 1] };
    const r = rib({
      importFilter: (route, p) => {
        if (route.key === prefixKeyFromText('10.66.0.0/16')) return null;
        if (p.id === 'p2') return { attributes: [...route.attributes, tag], weight: 50 };
        return route.attributes;
      },
    });
    r.applyUpdate('p1', update4(['10.0.0.0/8', '10.66.0.0/16'], { asPath: [65101] }));
    expect(r.bestPath('10.66.0.0/16')).toBeNull();
    expect(r.peerStatus('p1')!.rejected.policy).toBe(1);
    r.applyUpdate('p2', update4(['10.0.0.0/8', '11.0.0.0/8'], { asPath: [65102, 1, 2] }));
    const best = r.bestPath('10.0.0.0/8')!;
    expect(best.peerId).toBe('p2'); // weight 50 beats the shorter path
    expect(best.weight).toBe(50);
    expect(best.attributes.at(-1)).toBe(tag);
    expect(r.bestPath('11.0.0.0/8')!.attributes).toBe(best.attributes);
  });
});

describe('Adj-RIB-Out', () => {
  it('starts with the whole table, then gives changes; never back to the source', () => {
    const r = rib({}, [1]);
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101], localPref: 300 }));
    r.announceLocal('192.0.2.0/24', []);
    r.addPeer(peer(2));
    const first = r.drainAdjRibOut('p2');
    expect(first.map((o) => o.prefix)).toEqual(['10.0.0.0/8', '192.0.2.0/24']);
    // Sent to an external peer: no LOCAL_PREF.
    expect(first[0]!.attributes!.some((a) => a.type === 'local-pref')).toBe(false);
    expect(r.drainAdjRibOut('p2')).toEqual([]);
    expect([...r.adjRibOut('p1')].map((o) => o.prefix)).toEqual(['192.0.2.0/24']);
    r.drainAdjRibOut('p1');
    r.applyUpdate('p1', withdraw4(['10.0.0.0/8']));
    r.applyUpdate('p1', update4(['11.0.0.0/8'], { asPath: [65101] }));
    expect(r.drainAdjRibOut('p2').map((o) => [o.prefix, o.attributes === null])).toEqual([
      ['10.0.0.0/8', true],
      ['11.0.0.0/8', false],
    ]);
    expect(r.drainAdjRibOut('p1')).toEqual([]);
  });

  it('passes through the export filter; null means not advertised', () => {
    const r = rib({ exportFilter: (route) => (route.prefix.startsWith('10.') ? null : route.attributes) }, [1, 2]);
    r.drainAdjRibOut('p2');
    r.applyUpdate('p1', update4(['10.0.0.0/8', '11.0.0.0/8'], { asPath: [65101] }));
    expect(r.drainAdjRibOut('p2').map((o) => o.prefix)).toEqual(['11.0.0.0/8']);
    expect([...r.adjRibOut('p2')].map((o) => o.prefix)).toEqual(['11.0.0.0/8']);
  });

  it('does not queue a change nobody would see', () => {
    const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
    r.addPeer(peer(1));
    r.addPeer(peer(2, { weight: 10 }));
    r.addPeer(peer(3));
    for (const p of ['p1', 'p2', 'p3']) r.drainAdjRibOut(p);
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101] }));
    expect(r.drainAdjRibOut('p3').map((o) => o.prefix)).toEqual(['10.0.0.0/8']);
    expect(r.drainAdjRibOut('p2').map((o) => o.prefix)).toEqual(['10.0.0.0/8']);
    // p2's path (same attributes) becomes best: p3 would be sent the same thing again.
    expect(r.applyUpdate('p2', update4(['10.0.0.0/8'], { asPath: [65101] }))).toHaveLength(1);
    expect(r.bestPath('10.0.0.0/8')!.peerId).toBe('p2');
    expect(r.drainAdjRibOut('p3')).toEqual([]);
    // p1 is now sent p2's path; p2 gets a withdrawal (its own path is not sent back).
    expect(r.drainAdjRibOut('p1').map((o) => o.attributes !== null)).toEqual([true]);
    expect(r.drainAdjRibOut('p2').map((o) => o.attributes)).toEqual([null]);
  });
});

describe('queries', () => {
  it('explain ranks every candidate with the reason it lost', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/8'], { asPath: [65101, 1], nextHop: '192.0.2.1' }));
    r.applyUpdate('p2', update4(['10.0.0.0/8'], { asPath: [65102], nextHop: '192.0.2.2', origin: 2 }));
    r.applyUpdate('p3', update4(['10.0.0.0/8'], { asPath: [65103], nextHop: '192.0.2.3' }));
    const e = r.explain('10.0.0.0/8')!;
    expect(e.candidates.map((c) => [c.path.peerId, c.rank, c.best, c.reason, c.lostTo?.peerId ?? null])).toEqual([
      ['p3', 0, true, null, null],
      ['p2', 1, false, 'origin', 'p3'],
      ['p1', 2, false, 'as-path-length', 'p3'],
    ]);
    expect(r.explain('99.0.0.0/8')).toBeNull();
  });

  it('routes() filters by family and by the peer of the best path; adjRibIn lists a peer\'s paths', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/8', '11.0.0.0/8'], { asPath: [65101] }));
    r.applyUpdate('p2', update4(['11.0.0.0/8'], { asPath: [65102] }));
    r.applyUpdate('p2', update6(['2001:db8::/32'], { asPath: [65102] }));
    expect([...r.routes({ peerId: 'p1' })].map((x) => x.prefix)).toEqual(['10.0.0.0/8', '11.0.0.0/8']);
    expect([...r.routes({ afi: 2 })].map((x) => x.prefix)).toEqual(['2001:db8::/32']);
    expect([...r.adjRibIn('p2')].map((p) => p.prefix)).toEqual(['11.0.0.0/8', '2001:db8::/32']);
    expect(r.route('11.0.0.0/8')!.pathCount).toBe(2);
  });
});
