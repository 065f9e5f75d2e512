// The OPEN built from the configuration: what it announces, and that the codec round-trips it.
import { describe, expect, it } from 'vitest';
import { buildLocalOpen, negotiate } from '../../../src/fsm/index.js';
import {
  AS_TRANS,
  decodeMessage,
  DEFAULT_CONTEXT,
  encodeMessage,
  IPV4_UNICAST,
  IPV6_UNICAST,
  openCapabilities,
  Role,
  type OpenMessage,
} from '../../../src/wire/index.js';
import { expectations, peerExpectations } from './fixtures.js';

const roundTrip = (m: OpenMessage) => decodeMessage(encodeMessage(m, DEFAULT_CONTEXT), DEFAULT_CONTEXT).message as OpenMessage;

describe('buildLocalOpen', () => {
  it('announces the families, route refresh and the four-octet AS', () => {
    const open = buildLocalOpen(expectations);
    expect(open).toMatchObject({ version: 4, myAsn: 65001, holdTime: 90, bgpId: '192.0.2.1' });
    expect(openCapabilities(open).map((c) => c.type)).toEqual(['multiprotocol', 'multiprotocol', 'route-refresh', 'four-octet-as']);
  });

  it('uses AS_TRANS in My AS for a four-octet AS (RFC 6793 s4.1)', () => {
    const open = buildLocalOpen({ ...expectations, localAsn: 4_200_000_000 });
    expect(open.myAsn).toBe(AS_TRANS);
    expect(openCapabilities(open)).toContainEqual({ type: 'four-octet-as', asn: 4_200_000_000 });
  });

  it('every option survives the codec and negotiates', () => {
    const full = buildLocalOpen(
      { ...expectations, role: Role.CUSTOMER, addPath: new Map([[IPV4_UNICAST, 'both'], [IPV6_UNICAST, 'receive']]) },
      {
        enhancedRouteRefresh: true,
        extendedMessage: true,
        gracefulRestart: { restartTime: 120, restarting: true, notification: true, families: [{ family: IPV4_UNICAST, forwardingState: true }] },
        llgr: [{ family: IPV4_UNICAST, staleTime: 86400 }],
        extendedNextHop: [{ afi: 1, safi: 1, nextHopAfi: 2 }],
        fqdn: { hostname: 'wren', domain: 'example.net' },
      },
    );
    const decoded = roundTrip(full);
    expect(decoded).toEqual(full);
    expect(openCapabilities(decoded).some((c) => c.type === 'unknown')).toBe(false);
    const peer = buildLocalOpen({ ...peerExpectations, role: Role.PROVIDER }, { gracefulRestart: { restartTime: 60 } });
    const n = negotiate(peer, decoded, { ...peerExpectations, role: Role.PROVIDER });
    expect(n).toMatchObject({ role: { local: Role.PROVIDER, remote: Role.CUSTOMER }, gracefulRestart: { restartTime: 120, restartState: true, notification: false } });
  });
});
