// RFC 9234 route-leak prevention with BGP roles: the Only-to-Customer (OTC) attribute added and
// checked at the edges of a session, by the local role we configured for it.

import { Role, type PathAttribute } from '../wire/index.js';

export type RoleName = 'provider' | 'rs' | 'rs-client' | 'customer' | 'peer';
export const ROLE_CODES: Record<RoleName, number> = {
  provider: Role.PROVIDER,
  rs: Role.RS,
  'rs-client': Role.RS_CLIENT,
  customer: Role.CUSTOMER,
  peer: Role.PEER,
};

function otcOf(attrs: readonly PathAttribute[]): number | undefined {
  for (const a of attrs) if (a.type === 'otc') return a.asn;
  return undefined;
}

/**
 * RFC 9234 s5, ingress. `local` is our role on the session.
 * 1. A route with OTC from a Customer or an RS-Client (we are Provider / RS) is a leak.
 * 2. A route with OTC from a Peer whose value is not the Peer's AS is a leak.
 * 3. A route without OTC from a Provider, a Peer or an RS (we are Customer / Peer / RS-Client)
 *    gets OTC = the neighbour's AS.
 * Returns the attributes to keep, or null for a leak (the route is not eligible).
 */
export function otcIngress(attrs: readonly PathAttribute[], local: number, remoteAsn: number): readonly PathAttribute[] | null {
  const otc = otcOf(attrs);
  if (otc !== undefined) {
    if (local === Role.PROVIDER || local === Role.RS) return null;
    if (local === Role.PEER && otc !== remoteAsn) return null;
    return attrs;
  }
  if (local === Role.CUSTOMER || local === Role.PEER || local === Role.RS_CLIENT) {
    return [...attrs, { type: 'otc', flags: 0xc0, asn: remoteAsn }];
  }
  return attrs;
}

/**
 * RFC 9234 s5, egress.
 * 1. A route with OTC is not sent to a Provider, a Peer or an RS (we are Customer / Peer / RS-Client).
 * 2. A route without OTC sent to a Customer, a Peer or an RS-Client (we are Provider / Peer / RS)
 *    gets OTC = our AS.
 */
export function otcEgress(attrs: readonly PathAttribute[], local: number, localAsn: number): readonly PathAttribute[] | null {
  const otc = otcOf(attrs);
  if (otc !== undefined) return local === Role.CUSTOMER || local === Role.PEER || local === Role.RS_CLIENT ? null : attrs;
  if (local === Role.PROVIDER || local === Role.PEER || local === Role.RS) return [...attrs, { type: 'otc', flags: 0xc0, asn: localAsn }];
  return attrs;
}
