// RFC 9234 s4.2, Table 2: the pairs of BGP Roles that correspond. Any other pair is a Role Mismatch.

import { Role } from '../wire/index.js';

const CORRESPONDING: ReadonlyMap<number, number> = new Map([
  [Role.PROVIDER, Role.CUSTOMER],
  [Role.CUSTOMER, Role.PROVIDER],
  [Role.RS, Role.RS_CLIENT],
  [Role.RS_CLIENT, Role.RS],
  [Role.PEER, Role.PEER],
]);

/** True when the local and remote roles form one of the allowed pairs of RFC 9234 s4.2. */
export function rolesCorrespond(local: number, remote: number): boolean {
  return CORRESPONDING.get(local) === remote;
}
