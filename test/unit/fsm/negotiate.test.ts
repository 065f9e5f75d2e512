// Capability negotiation and the checks of the peer's OPEN (RFC 4271 s6.2, RFC 5492, RFC 6793,
// RFC 4760, RFC 7911, RFC 4724, RFC 9494, RFC 8950, RFC 9234, RFC 6286).
import { describe, expect, it } from 'vitest';
import { buildLocalOpen, negotiate, type LocalOpenOptions, type Negotiated, type PeerExpectations } from '../../../src/fsm/index.js';
import {
  AS_TRANS,
  BgpError,
  familyKey,
  IPV4_UNICAST,
  IPV6_UNICAST,
  Role,
  toHex,
  type Capability,
  type OpenMessage,
} from '../../../src/wire/index.js';
import { expectations, peerExpectations } from './fixtures.js';

const local = (change: Partial<PeerExpectations> = {}, options: LocalOpenOptions = {}) => buildLocalOpen({ ...expectations, ...change }, options);
const remote = (change: Partial<PeerExpectations> = {}, options: LocalOpenOptions = {}) => buildLocalOpen({ ...peerExpectations, ...change }, options);

/** An OPEN with exactly these capabilities. */
const withCaps = (o: OpenMessage, capabilities: Capability[], change: Partial<OpenMessage> = {}): OpenMessage => ({
  ...o,
  params: capabilities.length ? [{ type: 2, capabilities }] : [],
  ...change,
});

function ok(r: Negotiated | BgpError): Negotiated {
  if (r instanceof BgpError) throw r;
  return r;
}

function refused(r: Negotiated | BgpError): [number, number, string] {
  if (!(r instanceof BgpError)) throw new Error('expected a refusal');
  return [r.code, r.subcode, toHex(r.data)];
}

describe('negotiate: the basics', () => {
  it('peer AS, identifier, eBGP, hold time, keepalive', () => {
    const n = ok(negotiate(local(), remote({ holdTime: 30 }), expectations));
    expect(n).toMatchObject({ peerAsn: 65002, peerRouterId: '192.0.2.2', ibgp: false, holdTime: 30, keepaliveTime: 10, asn4: true });
    expect(n.routeRefresh).toBe(true);
    expect(n.enhancedRouteRefresh).toBe(false);
    expect(n.extendedMessage).toBe(false);
    expect(n.gracefulRestart).toBeUndefined();
    expect(n.llgr).toBeUndefined();
    expect(n.role).toBeUndefined();
  });

  it.each([
    [90, 180, 90, 30],
    [180, 90, 90, 30],
    [90, 0, 0, 0],
    [0, 90, 0, 0],
    [90, 3, 3, 1],
    [10, 90, 10, 3],
  ])('hold time: ours %i, theirs %i -> %i (keepalive %i)', (ours, theirs, hold, keepalive) => {
    const n = ok(negotiate(local({ holdTime: ours }), remote({ holdTime: theirs }), { ...expectations, holdTime: ours }));
    expect([n.holdTime, n.keepaliveTime]).toEqual([hold, keepalive]);
  });

  it.each([1, 2])('hold time %i: Unacceptable Hold Time (RFC 4271 s6.2)', (h) => {
    expect(refused(negotiate(local(), { ...remote(), holdTime: h }, expectations))).toEqual([2, 6, '']);
  });

  it('version other than 4: Unsupported Version Number, data 0004', () => {
    expect(refused(negotiate(local(), { ...remote(), version: 3 }, expectations))).toEqual([2, 1, '0004']);
  });

  it('iBGP when the peer AS is ours', () => {
    const n = ok(negotiate(local(), remote({ localAsn: 65001 }), { ...expectations, peerAsn: 65001 }));
    expect(n.ibgp).toBe(true);
  });
});

describe('negotiate: peer AS (RFC 4271 s6.2, RFC 6793, RFC 7607)', () => {
  it('a four-octet AS comes from the capability, My AS being AS_TRANS', () => {
    const open = remote({ localAsn: 4_200_000_000 });
    expect(open.myAsn).toBe(AS_TRANS);
    const n = ok(negotiate(local(), open, { ...expectations, peerAsn: 4_200_000_000 }));
    expect([n.peerAsn, n.asn4, n.codecIn.asn4, n.codecOut.asn4]).toEqual([4_200_000_000, true, true, true]);
  });

  it('an OLD speaker (no four-octet AS capability) is known by My AS; 2-octet AS_PATHs both ways', () => {
    const n = ok(negotiate(local(), withCaps(remote(), []), expectations));
    expect([n.peerAsn, n.asn4, n.codecIn.asn4, n.codecOut.asn4]).toEqual([65002, false, false, false]);
  });

  it('Bad Peer AS carries the 2-octet My AS field', () => {
    expect(refused(negotiate(local(), remote({ localAsn: 65099 }), expectations))).toEqual([2, 2, 'fe4b']);
  });

  it('Bad Peer AS for a wrong four-octet AS carries AS_TRANS, as received', () => {
    expect(refused(negotiate(local(), remote({ localAsn: 4_200_000_001 }), { ...expectations, peerAsn: 4_200_000_000 }))).toEqual([2, 2, '5ba0']);
  });

  it('AS_TRANS without the capability is no AS', () => {
    const open = withCaps(remote(), [], { myAsn: AS_TRANS });
    expect(refused(negotiate(local(), open, { ...expectations, peerAsn: 'any' }))).toEqual([2, 2, '5ba0']);
  });

  it('AS 0 is refused, in My AS or in the capability (RFC 7607 s2)', () => {
    expect(refused(negotiate(local(), withCaps(remote(), [], { myAsn: 0 }), { ...expectations, peerAsn: 'any' }))[1]).toBe(2);
    expect(refused(negotiate(local(), withCaps(remote(), [{ type: 'four-octet-as', asn: 0 }]), { ...expectations, peerAsn: 'any' }))[1]).toBe(2);
  });

  it("peerAsn 'any' accepts whatever AS the peer has", () => {
    expect(ok(negotiate(local(), remote({ localAsn: 64512 }), { ...expectations, peerAsn: 'any' })).peerAsn).toBe(64512);
  });
});

describe('negotiate: BGP Identifier (RFC 6286 s2.2)', () => {
  it('our own identifier from an internal peer: Bad BGP Identifier with the identifier as data', () => {
    const open = remote({ localAsn: 65001, localRouterId: '192.0.2.1' });
    expect(refused(negotiate(local(), open, { ...expectations, peerAsn: 65001 }))).toEqual([2, 3, 'c0000201']);
  });

  it('our own identifier from an external peer is allowed', () => {
    expect(ok(negotiate(local(), remote({ localRouterId: '192.0.2.1' }), expectations)).peerRouterId).toBe('192.0.2.1');
  });

  it('zero is refused', () => {
    expect(refused(negotiate(local(), { ...remote(), bgpId: '0.0.0.0' }, expectations))).toEqual([2, 3, '00000000']);
  });
});

describe('negotiate: families (RFC 4760)', () => {
  const mp = (afi: number, safi: number): Capability => ({ type: 'multiprotocol', afi, safi, reserved: 0 });

  it('both announce IPv4 and IPv6 unicast', () => {
    expect(ok(negotiate(local(), remote(), expectations)).families).toEqual(new Set([IPV4_UNICAST, IPV6_UNICAST]));
  });

  it('only the families both announced', () => {
    const n = ok(negotiate(local(), remote({ families: [IPV6_UNICAST, familyKey(1, 133)] }), expectations));
    expect(n.families).toEqual(new Set([IPV6_UNICAST]));
  });

  it('neither sends multiprotocol capabilities: IPv4 unicast', () => {
    const n = ok(negotiate(withCaps(local(), []), withCaps(remote(), []), expectations));
    expect(n.families).toEqual(new Set([IPV4_UNICAST]));
  });

  it('one side sends none: it speaks IPv4 unicast only', () => {
    expect(ok(negotiate(local(), withCaps(remote(), []), expectations)).families).toEqual(new Set([IPV4_UNICAST]));
    expect(ok(negotiate(withCaps(local(), []), remote(), expectations)).families).toEqual(new Set([IPV4_UNICAST]));
  });

  it('a side announcing only IPv6 does not do IPv4 implicitly', () => {
    const n = ok(negotiate(withCaps(local(), [mp(2, 1)]), withCaps(remote(), []), expectations));
    expect(n.families.size).toBe(0);
  });
});

describe('negotiate: ADD-PATH directions (RFC 7911)', () => {
  it.each([
    ['receive', 'send', [IPV4_UNICAST], []],
    ['send', 'receive', [], [IPV4_UNICAST]],
    ['both', 'both', [IPV4_UNICAST], [IPV4_UNICAST]],
    ['receive', 'receive', [], []],
    ['send', 'send', [], []],
    ['both', 'receive', [], [IPV4_UNICAST]],
  ] as const)('ours %s, theirs %s', (ours, theirs, receive, send) => {
    const n = ok(
      negotiate(
        local({ addPath: new Map([[IPV4_UNICAST, ours]]) }),
        remote({ addPath: new Map([[IPV4_UNICAST, theirs]]) }),
        expectations,
      ),
    );
    expect([...n.addPathReceive]).toEqual(receive);
    expect([...n.addPathSend]).toEqual(send);
    expect(n.codecIn.addPath).toEqual(n.addPathReceive);
    expect(n.codecOut.addPath).toEqual(n.addPathSend);
  });

  it('only for negotiated families', () => {
    const fam = familyKey(1, 133);
    const n = ok(negotiate(local({ addPath: new Map([[fam, 'both']]) }), remote({ addPath: new Map([[fam, 'both']]) }), expectations));
    expect(n.addPathReceive.size + n.addPathSend.size).toBe(0);
  });
});

describe('negotiate: other capabilities', () => {
  it('route refresh: code 2 on one side and 128 on the other is enough (RFC 2918)', () => {
    const theirs = withCaps(remote(), [{ type: 'route-refresh-cisco' }, { type: 'four-octet-as', asn: 65002 }]);
    expect(ok(negotiate(local(), theirs, expectations)).routeRefresh).toBe(true);
    expect(ok(negotiate(local(), remote({}, { routeRefresh: false }), expectations)).routeRefresh).toBe(false);
  });

  it('enhanced route refresh and extended messages need both sides', () => {
    const o = { enhancedRouteRefresh: true, extendedMessage: true };
    const both = ok(negotiate(local({}, o), remote({}, o), expectations));
    expect([both.enhancedRouteRefresh, both.extendedMessage, both.codecIn.extendedMessage]).toEqual([true, true, true]);
    const one = ok(negotiate(local({}, o), remote(), expectations));
    expect([one.enhancedRouteRefresh, one.extendedMessage, one.codecOut.extendedMessage]).toEqual([false, false, false]);
  });

  it('extended next hop: the triples both announced (RFC 8950)', () => {
    const a = { extendedNextHop: [{ afi: 1, safi: 1, nextHopAfi: 2 }, { afi: 1, safi: 128, nextHopAfi: 2 }] };
    const b = { extendedNextHop: [{ afi: 1, safi: 1, nextHopAfi: 2 }] };
    expect(ok(negotiate(local({}, a), remote({}, b), expectations)).extendedNextHop).toEqual(new Set(['1/1/2']));
    expect(ok(negotiate(local({}, a), remote(), expectations)).extendedNextHop.size).toBe(0);
  });
});

describe('negotiate: graceful restart (RFC 4724, RFC 8538) and LLGR (RFC 9494)', () => {
  const gr = (notification: boolean): LocalOpenOptions => ({ gracefulRestart: { restartTime: 120, notification } });
  const peerGr: LocalOpenOptions = {
    gracefulRestart: {
      restartTime: 90,
      restarting: true,
      notification: true,
      families: [
        { family: IPV4_UNICAST, forwardingState: true },
        { family: IPV6_UNICAST, forwardingState: false },
        { family: familyKey(1, 133), forwardingState: true },
      ],
    },
  };

  it("the peer's restart time, R bit, and per-family F bits, for negotiated families", () => {
    const n = ok(negotiate(local({}, gr(true)), remote({}, peerGr), expectations));
    expect(n.gracefulRestart).toEqual({
      restartTime: 90,
      restartState: true,
      notification: true,
      families: new Map([
        [IPV4_UNICAST, { forwardingState: true }],
        [IPV6_UNICAST, { forwardingState: false }],
      ]),
    });
  });

  it('the N bit counts only when both set it', () => {
    expect(ok(negotiate(local({}, gr(false)), remote({}, peerGr), expectations)).gracefulRestart?.notification).toBe(false);
  });

  it('nothing when only one side announced it', () => {
    expect(ok(negotiate(local(), remote({}, peerGr), expectations)).gracefulRestart).toBeUndefined();
    expect(ok(negotiate(local({}, gr(true)), remote(), expectations)).gracefulRestart).toBeUndefined();
  });

  it('LLGR stale times per family', () => {
    const llgr = [
      { family: IPV4_UNICAST, staleTime: 3600 },
      { family: IPV6_UNICAST, staleTime: 0xffffff },
    ];
    const n = ok(negotiate(local({}, { ...gr(false), llgr }), remote({}, { ...peerGr, llgr }), expectations));
    expect(n.llgr).toEqual(new Map([[IPV4_UNICAST, 3600], [IPV6_UNICAST, 0xffffff]]));
  });

  it('LLGR without GR is disregarded (RFC 9494 s4.1)', () => {
    const llgr = [{ family: IPV4_UNICAST, staleTime: 3600 }];
    expect(ok(negotiate(local({}, { ...gr(false), llgr }), remote({}, { llgr }), expectations)).llgr).toBeUndefined();
  });
});

describe('negotiate: BGP Roles (RFC 9234 s4.2)', () => {
  const names = ['provider', 'rs', 'rs-client', 'customer', 'peer'];
  const allowed = new Set(['provider/customer', 'customer/provider', 'rs/rs-client', 'rs-client/rs', 'peer/peer']);
  const pairs = [0, 1, 2, 3, 4].flatMap((l) => [0, 1, 2, 3, 4, 7].map((r) => [l, r] as const));

  it.each(pairs)('local %i, remote %i', (l, r) => {
    const result = negotiate(local({ role: l }), remote({ role: r }), { ...expectations, role: l });
    if (allowed.has(`${names[l]}/${names[r] ?? '?'}`)) expect(ok(result).role).toEqual({ local: l, remote: r });
    else expect(refused(result)).toEqual([2, 11, '']);
  });

  it('a missing role is ignored, unless strict', () => {
    const mine = { ...expectations, role: Role.CUSTOMER };
    expect(ok(negotiate(local({ role: Role.CUSTOMER }), remote(), mine)).role).toBeUndefined();
    expect(refused(negotiate(local({ role: Role.CUSTOMER }), remote(), { ...mine, strictRole: true }))).toEqual([2, 11, '']);
  });

  it('several different roles are a mismatch; the same role twice is one', () => {
    const caps = (roles: number[]) => withCaps(remote(), [{ type: 'four-octet-as', asn: 65002 }, ...roles.map((role) => ({ type: 'role' as const, role }))]);
    const mine = { ...expectations, role: Role.CUSTOMER };
    expect(refused(negotiate(local(mine), caps([Role.PROVIDER, Role.PEER]), mine))[1]).toBe(11);
    expect(ok(negotiate(local(mine), caps([Role.PROVIDER, Role.PROVIDER]), mine)).role).toEqual({ local: Role.CUSTOMER, remote: Role.PROVIDER });
  });

  it('no role configured: the peer role is not checked', () => {
    expect(ok(negotiate(local(), remote({ role: Role.PEER }), expectations)).role).toBeUndefined();
  });

  it('roles are not checked on iBGP', () => {
    const mine = { ...expectations, peerAsn: 65001, role: Role.PROVIDER, strictRole: true };
    expect(ok(negotiate(local(mine), remote({ localAsn: 65001, role: Role.PROVIDER }), mine)).ibgp).toBe(true);
  });
});

describe('negotiate: required capabilities (RFC 5492 s5, local policy)', () => {
  it('none required by default: a peer without capabilities is fine', () => {
    expect(ok(negotiate(local(), withCaps(remote(), []), expectations))).toBeTruthy();
  });

  it('a missing required capability: Unsupported Capability carrying ours', () => {
    const mine = { ...expectations, requiredCapabilities: [2, 70] };
    expect(refused(negotiate(local(), remote({}, { routeRefresh: false }), mine))).toEqual([2, 7, '02004600']);
  });
});

describe('negotiate: optional parameters (RFC 4271 s6.2)', () => {
  it('an optional parameter other than Capabilities: Unsupported Optional Parameter', () => {
    const open: OpenMessage = { ...remote(), params: [...remote().params, { type: 1, value: Uint8Array.of(0) }] };
    expect(refused(negotiate(local(), open, expectations))).toEqual([2, 4, '']);
  });
});
