// Loop checks on input (RFC 4456 s8, RFC 4271 s9.1.2) and route reflection on output (RFC 4456 s6, s8).
import { describe, expect, it } from 'vitest';
import type { PathAttribute } from '../../../src/wire/index.js';
import { Rib, type PeerInfo } from '../../../src/rib/index.js';
import { LOCAL_AS, ROUTER_ID, peer, update4 } from './helpers.js';

const P = '10.0.0.0/24';

describe('input loop checks', () => {
  it('drops a path whose ORIGINATOR_ID is our router id, withdrawing the previous one', () => {
    const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
    r.addPeer(peer(1, { ibgp: true }));
    r.applyUpdate('p1', update4([P], {}));
    const d = r.applyUpdate('p1', update4([P], { originatorId: ROUTER_ID, clusterList: ['9.9.9.9'] }));
    expect(d.map((x) => x.best)).toEqual([null]);
    expect(r.peerStatus('p1')!.rejected.originatorId).toBe(1);
  });

  it('drops a path whose CLUSTER_LIST holds our cluster id (the router id, or as configured)', () => {
    for (const clusterId of [undefined, '7.7.7.7']) {
      const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, ...(clusterId ? { clusterId } : {}) });
      r.addPeer(peer(1, { ibgp: true }));
      expect(r.applyUpdate('p1', update4([P], { originatorId: '1.2.3.4', clusterList: ['5.5.5.5', clusterId ?? ROUTER_ID] }))).toEqual([]);
      expect(r.peerStatus('p1')!.rejected.clusterList).toBe(1);
      expect(r.applyUpdate('p1', update4([P], { originatorId: '1.2.3.4', clusterList: ['5.5.5.5'] }))).toHaveLength(1);
    }
  });

  it('drops paths with our AS in the AS_PATH, tolerating allowAsIn occurrences', () => {
    const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
    r.addPeer(peer(1));
    r.addPeer(peer(2, { allowAsIn: 1 }));
    r.addPeer(peer(3, { ibgp: true }));
    expect(r.applyUpdate('p1', update4([P], { asPath: [65101, LOCAL_AS, 7] }))).toEqual([]);
    expect(r.applyUpdate('p1', update4([P], { segments: [{ type: 2, asns: [65101] }, { type: 1, asns: [LOCAL_AS, 8] }] }))).toEqual([]);
    expect(r.peerStatus('p1')!.rejected.asLoop).toBe(2);
    expect(r.applyUpdate('p2', update4([P], { asPath: [65102, LOCAL_AS, 7] }))).toHaveLength(1);
    expect(r.applyUpdate('p2', update4([P], { asPath: [65102, LOCAL_AS, LOCAL_AS] }))[0]!.best).toBeNull();
    // iBGP paths too: our AS in an internal path means it left the AS and came back.
    expect(r.applyUpdate('p3', update4([P], { asPath: [LOCAL_AS] }))).toEqual([]);
    expect(r.peerStatus('p3')!.rejected.asLoop).toBe(1);
  });
});

describe('route reflection on output', () => {
  const client = (n: number): PeerInfo => peer(n, { ibgp: true, rrClient: true });
  const nonClient = (n: number): PeerInfo => peer(n, { ibgp: true });

  function reflector(): Rib {
    const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, clusterId: '5.5.5.5' });
    for (const p of [client(1), client(2), nonClient(3), nonClient(4), peer(5)]) r.addPeer(p);
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) r.drainAdjRibOut(id);
    return r;
  }
  const sentTo = (r: Rib): string[] => ['p1', 'p2', 'p3', 'p4', 'p5'].filter((id) => r.drainAdjRibOut(id).some((o) => o.attributes));
  const sent = (r: Rib, id: string): readonly PathAttribute[] => [...r.adjRibOut(id)][0]!.attributes!;

  it('reflects a client route to everyone but its source', () => {
    const r = reflector();
    r.applyUpdate('p1', update4([P], { localPref: 100 }));
    expect(sentTo(r)).toEqual(['p2', 'p3', 'p4', 'p5']);
  });

  it('reflects a non-client route to clients only (and to eBGP peers)', () => {
    const r = reflector();
    r.applyUpdate('p3', update4([P], { localPref: 100 }));
    expect(sentTo(r)).toEqual(['p1', 'p2', 'p5']);
  });

  it('sends an eBGP route to every iBGP peer, with LOCAL_PREF', () => {
    const r = reflector();
    r.applyUpdate('p5', update4([P], { asPath: [65105] }));
    expect(sentTo(r)).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(sent(r, 'p3').find((a) => a.type === 'local-pref')).toEqual({ type: 'local-pref', flags: 0x40, localPref: 100 });
    expect(sent(r, 'p3').some((a) => a.type === 'cluster-list' || a.type === 'originator-id')).toBe(false);
  });

  it('sets ORIGINATOR_ID when absent and prepends the CLUSTER_ID', () => {
    const r = reflector();
    r.applyUpdate('p1', update4([P], { localPref: 100 }));
    const attrs = sent(r, 'p3');
    expect(attrs.find((a) => a.type === 'originator-id')).toMatchObject({ originatorId: '1.1.1.1' });
    expect(attrs.find((a) => a.type === 'cluster-list')).toMatchObject({ clusterIds: ['5.5.5.5'] });
    r.applyUpdate('p1', update4([P], { localPref: 100, originatorId: '8.8.8.8', clusterList: ['6.6.6.6'] }));
    const again = sent(r, 'p3');
    expect(again.find((a) => a.type === 'originator-id')).toMatchObject({ originatorId: '8.8.8.8' });
    expect(again.find((a) => a.type === 'cluster-list')).toMatchObject({ clusterIds: ['5.5.5.5', '6.6.6.6'] });
    // Towards eBGP: none of the reflection attributes, no LOCAL_PREF.
    expect(sent(r, 'p5').map((a) => a.type)).toEqual(['origin', 'as-path', 'next-hop']);
  });

  it('without clients, iBGP routes are not sent to iBGP peers (RFC 4271 s9.2)', () => {
    const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
    for (const p of [nonClient(1), nonClient(2), peer(3)]) r.addPeer(p);
    r.applyUpdate('p1', update4([P], { localPref: 100 }));
    expect(r.drainAdjRibOut('p2')).toEqual([]);
    expect(r.drainAdjRibOut('p3').map((o) => o.prefix)).toEqual([P]);
  });
});
