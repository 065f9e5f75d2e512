// Receiving side of graceful restart (RFC 4724) and long-lived graceful restart (RFC 9494).
import { describe, expect, it } from 'vitest';
import { IPV4_UNICAST, IPV6_UNICAST, emptyPrefixList, type PathAttribute, type UpdateMessage } from '../../../src/wire/index.js';
import { LLGR_STALE, NO_LLGR, Rib } from '../../../src/rib/index.js';
import { LOCAL_AS, ROUTER_ID, peer, summary, update4, update6 } from './helpers.js';

const EOR: UpdateMessage = { type: 'update', withdrawn: emptyPrefixList(1), attributes: [], nlri: emptyPrefixList(1) };
const A = '10.0.0.0/24';
const B = '10.0.1.0/24';

/** p1 announces A and B (and an IPv6 prefix); p2 announces A with a longer path. */
function setup(): Rib {
  const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
  r.addPeer(peer(1));
  r.addPeer(peer(2));
  r.applyUpdate('p1', update4([A, B], { asPath: [65101], nextHop: '192.0.2.1' }));
  r.applyUpdate('p1', update6(['2001:db8::/32'], { asPath: [65101] }));
  r.applyUpdate('p2', update4([A], { asPath: [65102, 1], nextHop: '192.0.2.2' }));
  return r;
}

function communitiesOf(attributes: readonly PathAttribute[]): readonly number[] {
  for (const a of attributes) if (a.type === 'communities') return a.communities;
  return [];
}
const communities = (r: Rib, prefix: string): readonly number[] => communitiesOf(r.bestPath(prefix)!.attributes);

describe('graceful restart, receiving side', () => {
  it('without GR, peerDown removes every path of the peer, with deltas', () => {
    const r = setup();
    expect(summary(r.peerDown('p1'))).toEqual([
      { prefix: A, peer: 'p2', nextHops: ['192.0.2.2'], added: ['192.0.2.2'], removed: ['192.0.2.1'] },
      { prefix: B, peer: null, nextHops: [], added: [], removed: ['192.0.2.1'] },
      { prefix: '2001:db8::/32', peer: null, nextHops: [], added: [], removed: ['2001:db8::1'] },
    ]);
    expect(r.prefixCount('p1')).toBe(0);
  });

  it('with GR the listed families are kept stale; stale loses to fresh; other families go', () => {
    const r = setup();
    const d = r.peerDown('p1', { gracefulRestart: { families: [IPV4_UNICAST], restartTime: 120 } });
    expect(summary(d)).toEqual([
      { prefix: A, peer: 'p2', nextHops: ['192.0.2.2'], added: ['192.0.2.2'], removed: ['192.0.2.1'] },
      // B's best is the same path, now stale: forwarding unchanged.
      { prefix: B, peer: 'p1', nextHops: ['192.0.2.1'], added: [], removed: [] },
      { prefix: '2001:db8::/32', peer: null, nextHops: [], added: [], removed: ['2001:db8::1'] },
    ]);
    expect(r.bestPath(B)!.stale).toBe('gr');
    expect(r.explain(A)!.candidates[1]!.reason).toBe('stale');
    expect(r.peerStatus('p1')!.families.find((f) => f.family === IPV4_UNICAST)).toEqual({ family: IPV4_UNICAST, paths: 2, phase: 'gr' });
  });

  it('End-of-RIB removes what the restarted peer did not announce again', () => {
    const r = setup();
    r.peerDown('p1', { gracefulRestart: { families: [IPV4_UNICAST], restartTime: 120 } });
    r.addPeer(peer(1));
    // A comes back fresh and wins again; B is not re-announced.
    expect(summary(r.applyUpdate('p1', update4([A], { asPath: [65101], nextHop: '192.0.2.1' })))[0]!.peer).toBe('p1');
    expect(r.bestPath(A)!.stale).toBe('none');
    expect(summary(r.applyUpdate('p1', EOR))).toEqual([{ prefix: B, peer: null, nextHops: [], added: [], removed: ['192.0.2.1'] }]);
    expect(r.prefixCount('p1')).toBe(1);
    expect(r.peerStatus('p1')!.families.find((f) => f.family === IPV4_UNICAST)!.phase).toBe('none');
  });

  it('an IPv6 End-of-RIB (empty MP_UNREACH_NLRI) ends the phase for IPv6 only', () => {
    const r = setup();
    r.peerDown('p1', { gracefulRestart: { families: [IPV4_UNICAST, IPV6_UNICAST], restartTime: 120 } });
    r.addPeer(peer(1));
    const eor6: UpdateMessage = { ...EOR, attributes: [{ type: 'mp-unreach', flags: 0x90, afi: 2, safi: 1, withdrawn: emptyPrefixList(2), withdrawnBytes: null }] };
    expect(r.applyUpdate('p1', eor6).map((d) => d.prefix)).toEqual(['2001:db8::/32']);
    expect(r.bestPath(B)!.stale).toBe('gr');
  });

  it('removePeer removes everything and forgets the peer', () => {
    const r = setup();
    r.peerDown('p1', { gracefulRestart: { families: [IPV4_UNICAST], restartTime: 120 } });
    expect(r.removePeer('p1').map((d) => d.prefix)).toEqual([B]);
    expect(r.peerStatus('p1')).toBeNull();
    expect([...r.routes()].map((x) => x.best.peerId)).toEqual(['p2']);
  });

  it('the restart timer removes stale paths (the caller runs the timer)', () => {
    const r = setup();
    r.peerDown('p1', { gracefulRestart: { families: [IPV4_UNICAST, IPV6_UNICAST], restartTime: 120 } });
    expect(r.staleTimerExpired('p1', IPV6_UNICAST).map((d) => d.prefix)).toEqual(['2001:db8::/32']);
    // A's best is already p2's fresh path: only B changes.
    expect(r.staleTimerExpired('p1', IPV4_UNICAST).map((d) => [d.prefix, d.best?.peerId ?? null])).toEqual([[B, null]]);
    expect(r.paths(A).map((p) => p.peerId)).toEqual(['p2']);
    expect(r.staleTimerExpired('p1', IPV4_UNICAST)).toEqual([]);
    expect(r.prefixCount('p1')).toBe(0);
  });

  it('LLGR: after the GR phase paths become LLGR-stale with 65535:6; NO_LLGR paths go; then the stale time ends them', () => {
    const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
    r.addPeer(peer(1));
    r.addPeer(peer(2));
    r.applyUpdate('p1', update4([A], { asPath: [65101], nextHop: '192.0.2.1', communities: [100] }));
    r.applyUpdate('p1', update4([B], { asPath: [65101], nextHop: '192.0.2.1', communities: [NO_LLGR] }));
    r.applyUpdate('p2', update4([A], { asPath: [65102, 1, 2, 3], nextHop: '192.0.2.2', localPref: 10 }));
    r.peerDown('p1', { gracefulRestart: { families: [IPV4_UNICAST], restartTime: 120 }, llgr: new Map([[IPV4_UNICAST, 3600]]) });
    expect(r.bestPath(A)!.peerId).toBe('p2'); // stale loses to fresh
    const d = r.staleTimerExpired('p1', IPV4_UNICAST);
    expect(summary(d)).toEqual([{ prefix: B, peer: null, nextHops: [], added: [], removed: ['192.0.2.1'] }]);
    const paths = r.paths(A);
    const stale = paths.find((p) => p.peerId === 'p1')!;
    expect(stale.stale).toBe('llgr');
    expect(communitiesOf(stale.attributes)).toEqual([100, LLGR_STALE]);
    expect(r.explain(A)!.candidates[1]!.reason).toBe('llgr-stale');
    expect(r.peerStatus('p1')!.families.find((f) => f.family === IPV4_UNICAST)!.phase).toBe('llgr');
    r.applyUpdate('p2', update4([], {}, { withdrawn: [A] }));
    expect(r.bestPath(A)!.stale).toBe('llgr'); // still usable when nothing else is left
    expect(summary(r.staleTimerExpired('p1', IPV4_UNICAST))).toEqual([{ prefix: A, peer: null, nextHops: [], added: [], removed: ['192.0.2.1'] }]);
  });

  it('LLGR without GR for a family: long-lived stale at once', () => {
    const r = setup();
    r.peerDown('p1', { llgr: { [IPV4_UNICAST]: 600 } });
    expect(r.bestPath(B)!.stale).toBe('llgr');
    expect(communities(r, B)).toEqual([LLGR_STALE]);
    expect(r.bestPath('2001:db8::/32')).toBeNull();
  });

  it('a path received with LLGR_STALE loses to everything else (RFC 9494)', () => {
    const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
    r.addPeer(peer(1, { ibgp: true }));
    r.addPeer(peer(2));
    r.applyUpdate('p1', update4([A], { localPref: 500, communities: [LLGR_STALE] }));
    r.applyUpdate('p2', update4([A], { asPath: [65102, 1, 2, 3] }));
    expect(r.bestPath(A)!.peerId).toBe('p2');
    expect(r.paths(A).find((p) => p.peerId === 'p1')!.stale).toBe('llgr');
  });
});
