// nextHop: "self", "peer" or an address, written where the route's family keeps it: NEXT_HOP for
// IPv4 (and an IPv4 MP_REACH_NLRI if present), MP_REACH_NLRI for IPv6 (RFC 4760 s3).

import { AttrType, defaultFlags, emptyPrefixList } from '../wire/index.js';
import { addressText, parseAddress } from './address.js';
import { findAttr, findMpReach, type AttrEditor } from './attributes.js';
import type { Edit } from './compile-actions.js';
import { show, type Errors } from './validate.js';

export function setNextHop(v: unknown, path: string, errors: Errors): Edit | undefined {
  let fixed: string | undefined;
  if (v !== 'self' && v !== 'peer') {
    const words = new Uint32Array(4);
    const afi = typeof v === 'string' ? parseAddress(v, words) : 0;
    if (afi === 0) {
      errors.push({ path, message: `must be "self", "peer" or an address, got ${show(v)}` });
      return undefined;
    }
    fixed = addressText(afi, words);
  }
  return (ed, route) => {
    let address = v === 'self' ? route.local.address : v === 'peer' ? route.peer.address : fixed;
    if (address === undefined) return;
    const zone = address.indexOf('%');
    if (zone >= 0) address = address.slice(0, zone);
    // A next hop of the other family cannot be written into this route's NEXT_HOP field.
    if (address.includes(':') !== (route.afi === 2)) return;
    writeNextHop(ed, route.afi, address);
  };
}

function writeNextHop(ed: AttrEditor, afi: 1 | 2, address: string): void {
  const mp = findMpReach(ed.attributes, afi);
  if (afi === 1) {
    const nh = findAttr(ed.attributes, 'next-hop');
    if ((nh || !mp) && nh?.nextHop !== address) {
      ed.put(nh, { type: 'next-hop', flags: nh?.flags ?? defaultFlags(AttrType.NEXT_HOP), nextHop: address });
    }
  }
  if (mp) {
    if (mp.nextHops.length !== 1 || mp.nextHops[0] !== address) ed.replace(mp, { ...mp, nextHops: [address], nextHopBytes: null });
  } else if (afi === 2) {
    // The NLRI field is left empty: the RIB and Adj-RIB-Out place prefixes, not the policy.
    ed.insert({
      type: 'mp-reach',
      flags: defaultFlags(AttrType.MP_REACH_NLRI),
      afi: 2,
      safi: 1,
      nextHops: [address],
      nextHopBytes: null,
      reserved: 0,
      nlri: emptyPrefixList(2),
      nlriBytes: null,
    });
  }
}
