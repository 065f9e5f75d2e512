// This host's interface addresses from an RTM_GETADDR dump, as 'address/prefix length' (what the
// FIB guard takes: the address itself is local, its subnet is connected).

import { AF_UNSPEC } from './constants.js';
import { interfaceAddress } from './address-message.js';
import { dump } from './dump.js';
import { writeAddressDump } from './requests.js';
import type { NetlinkSocket } from './socket.js';
import { addressFromBytes } from './translate.js';

export async function dumpHostAddresses(socket: NetlinkSocket): Promise<string[]> {
  return dump(socket, 'address', (w, seq) => writeAddressDump(w, seq, AF_UNSPEC), (m) => {
    if (m.kind !== 'address') return null;
    const bytes = interfaceAddress(m.address);
    const text = bytes && addressFromBytes(m.address.family, bytes);
    return text ? `${text}/${m.address.prefixLength}` : null;
  });
}
