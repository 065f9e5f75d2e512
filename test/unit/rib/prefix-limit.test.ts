// Max-prefix per peer and family (RFC 4486 s4).
import { describe, expect, it } from 'vitest';
import { IPV4_UNICAST, IPV6_UNICAST } from '../../../src/wire/index.js';
import { Rib } from '../../../src/rib/index.js';
import { LOCAL_AS, ROUTER_ID, peer, update4, update6, withdraw4 } from './helpers.js';

describe('max-prefix', () => {
  function rib(): Rib {
    const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS });
    r.addPeer(peer(1, { maxPrefix: [{ afi: 1, safi: 1, limit: 4, warningPercent: 50 }, { afi: 2, safi: 1, limit: 1 }] }));
    return r;
  }

  it('warns once at the threshold, then reports the exceeded limit with Cease data', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/24'], { asPath: [65101] }));
    expect(r.checkPrefixLimits('p1')).toBeNull();
    r.applyUpdate('p1', update4(['10.0.1.0/24'], { asPath: [65101] }));
    expect(r.checkPrefixLimits('p1')).toMatchObject({ kind: 'warning', afi: 1, safi: 1, count: 2, limit: 4 });
    expect(r.checkPrefixLimits('p1')).toBeNull(); // reported once
    r.applyUpdate('p1', update4(['10.0.2.0/24', '10.0.3.0/24'], { asPath: [65101] }));
    expect(r.checkPrefixLimits('p1')).toBeNull(); // at the limit is allowed
    r.applyUpdate('p1', update4(['10.0.4.0/24'], { asPath: [65101] }));
    const report = r.checkPrefixLimits('p1')!;
    expect(report).toMatchObject({ kind: 'exceeded', count: 5, limit: 4 });
    expect(report.notification!.code).toBe(6);
    expect(report.notification!.subcode).toBe(1);
    expect([...report.notification!.data]).toEqual([0, 1, 1, 0, 0, 0, 4]);
  });

  it('counts accepted paths per family, down on withdrawal, re-arming the warning', () => {
    const r = rib();
    r.applyUpdate('p1', update4(['10.0.0.0/24', '10.0.1.0/24'], { asPath: [65101] }));
    expect(r.checkPrefixLimits('p1')!.kind).toBe('warning');
    r.applyUpdate('p1', update4(['10.0.0.0/24'], { asPath: [65101, 5] })); // replacement: same count
    expect(r.prefixCount('p1', IPV4_UNICAST)).toBe(2);
    r.applyUpdate('p1', withdraw4(['10.0.0.0/24', '10.0.1.0/24']));
    expect(r.prefixCount('p1', IPV4_UNICAST)).toBe(0);
    expect(r.checkPrefixLimits('p1')).toBeNull();
    r.applyUpdate('p1', update4(['10.0.0.0/24', '10.0.1.0/24'], { asPath: [65101] }));
    expect(r.checkPrefixLimits('p1')!.kind).toBe('warning');
    r.applyUpdate('p1', update6(['2001:db8::/32', '2001:db8:1::/48'], { asPath: [65101] }));
    expect(r.prefixCount('p1', IPV6_UNICAST)).toBe(2);
    expect(r.checkPrefixLimits('p1')).toMatchObject({ kind: 'exceeded', afi: 2, safi: 1, limit: 1 });
  });

  it('counts ADD-PATH paths, and not what loop checks or the import filter refused', () => {
    const r = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, importFilter: (route) => (route.pathId === 9 ? null : route.attributes) });
    r.addPeer(peer(1, { maxPrefix: [{ afi: 1, safi: 1, limit: 1 }] }));
    r.applyUpdate('p1', update4(['10.0.0.0/24', '10.0.0.0/24', '10.0.0.0/24'], { asPath: [65101] }, { pathIds: [1, 2, 9] }));
    r.applyUpdate('p1', update4(['10.9.0.0/24'], { asPath: [65101, LOCAL_AS] }));
    expect(r.prefixCount('p1')).toBe(2);
    expect(r.checkPrefixLimits('p1')!.kind).toBe('exceeded');
  });
});
