// Checking the peer's OPEN and negotiating what the session may use (RFC 4271 s6.2, RFC 5492).
// The values both ends must agree on (hold time, families, codec contexts) come from the two OPENs,
// exactly as the peer computes them; our configuration supplies the checks.

import {
  AS_TRANS,
  BGP_VERSION,
  BgpError,
  capabilityCode,
  encodeCapability,
  ErrorCode,
  ipv4ToU32,
  negotiateContext,
  openCapabilities,
  OpenSubcode,
  writeU16,
  writeU32,
  type CodecContext,
  type FamilyKey,
  type OpenMessage,
} from '../wire/index.js';
import {
  announcesRouteRefresh,
  commonFamilies,
  extendedNextHop,
  gracefulRestart,
  hasCap,
  longLivedGracefulRestart,
  type Caps,
} from './negotiate-caps.js';
import type { Negotiated, PeerExpectations } from './negotiated.js';
import { rolesCorrespond } from './roles.js';

function openError(subcode: number, detail: string, data?: Uint8Array): BgpError {
  return new BgpError(ErrorCode.OPEN_MESSAGE, subcode, detail, data ? { data } : {});
}

/** RFC 6793 s4.1: a NEW speaker's AS is in its four-octet AS capability, else My Autonomous System. */
function remoteAsn(remote: OpenMessage, caps: Caps): number {
  for (const c of caps) if (c.type === 'four-octet-as') return c.asn;
  return remote.myAsn;
}

function checkPeerAs(remote: OpenMessage, asn: number, hasAs4: boolean, peer: PeerExpectations): BgpError | undefined {
  // RFC 4271 s6.2: an unacceptable My Autonomous System is Bad Peer AS. The data is the 2-octet
  // field as received, which is what the peer can recognise whatever AS it thinks it announced.
  const data = new Uint8Array(2);
  writeU16(data, 0, remote.myAsn);
  // RFC 7607 s2: AS 0, in My Autonomous System or in the four-octet AS capability, is Bad Peer AS.
  if (asn === 0) return openError(OpenSubcode.BAD_PEER_AS, 'peer AS is 0', data);
  // RFC 6793 s9: 23456 is reserved as AS_TRANS, a stand-in that never names the speaker's own AS.
  if (asn === AS_TRANS) {
    return openError(OpenSubcode.BAD_PEER_AS, hasAs4 ? 'four-octet AS capability carries AS_TRANS' : 'AS_TRANS without a four-octet AS capability', data);
  }
  if (peer.peerAsn !== 'any' && asn !== peer.peerAsn) {
    return openError(OpenSubcode.BAD_PEER_AS, `peer AS ${asn}, expected ${peer.peerAsn}`, data);
  }
  return undefined;
}

function checkIdentifier(remote: OpenMessage, ibgp: boolean, peer: PeerExpectations): BgpError | undefined {
  const id = ipv4ToU32(remote.bgpId);
  const data = new Uint8Array(4);
  if (id > 0) writeU32(data, 0, id);
  // RFC 6286 s2.2: Bad BGP Identifier when it is zero, or when it equals ours and the peer is
  // internal; two ASes may use the same identifier (RFC 6286 s2.1 only asks AS-wide uniqueness).
  if (id <= 0) return openError(OpenSubcode.BAD_BGP_IDENTIFIER, `BGP identifier ${remote.bgpId}`, data);
  if (ibgp && id === ipv4ToU32(peer.localRouterId)) {
    return openError(OpenSubcode.BAD_BGP_IDENTIFIER, `internal peer uses our BGP identifier ${remote.bgpId}`, data);
  }
  return undefined;
}

/** RFC 9234 s4.2. Returns the peer's role (undefined when it sent none) or the error to send. */
function checkRole(caps: Caps, ibgp: boolean, peer: PeerExpectations): number | undefined | BgpError {
  // Roles describe the relation between two ASes (RFC 9234 s3.1, s4.1: eBGP sessions).
  if (peer.role === undefined || ibgp) return undefined;
  const roles = new Set<number>();
  for (const c of caps) if (c.type === 'role') roles.add(c.role);
  // RFC 9234 s4.2: several role capabilities with different values are a Role Mismatch.
  if (roles.size > 1) return openError(OpenSubcode.ROLE_MISMATCH, `peer announced several roles: ${[...roles].join(', ')}`);
  const [remote] = roles;
  if (remote === undefined) {
    // RFC 9234 s4.2: a missing role is ignored, unless strict mode asks for one.
    return peer.strictRole ? openError(OpenSubcode.ROLE_MISMATCH, 'strict mode and the peer announced no role') : undefined;
  }
  // RFC 9234 s4.2, Table 2: only the allowed pairs correspond.
  if (!rolesCorrespond(peer.role, remote)) return openError(OpenSubcode.ROLE_MISMATCH, `local role ${peer.role} and peer role ${remote} do not correspond`);
  return remote;
}

/**
 * RFC 5492 s5: a speaker MAY refuse a peer that lacks a capability it needs, with Unsupported
 * Capability carrying the capabilities in question. Only as configured policy (requiredCapabilities).
 */
function checkRequired(local: Caps, remote: Caps, peer: PeerExpectations): BgpError | undefined {
  const missing = (peer.requiredCapabilities ?? []).filter((code) => !remote.some((c) => capabilityCode(c) === code));
  if (missing.length === 0) return undefined;
  const parts: Uint8Array[] = [];
  for (const code of missing) {
    const ours = local.filter((c) => capabilityCode(c) === code);
    if (ours.length === 0) parts.push(Uint8Array.of(code, 0));
    else for (const c of ours) parts.push(encodeCapability(c));
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return openError(OpenSubcode.UNSUPPORTED_CAPABILITY, `peer did not announce capabilities ${missing.join(', ')}`, data);
}

/** RFC 4271 s4.2: the smaller Hold Time, which is 0 or at least 3 seconds. */
function negotiatedHoldTime(local: OpenMessage, remote: OpenMessage): number {
  const hold = Math.min(local.holdTime, remote.holdTime);
  // Only our own (validated) configuration could bring 1 or 2 here; never blame the peer for it.
  return hold === 0 ? 0 : Math.max(3, hold);
}

function restrictAddPath(ctx: CodecContext, families: ReadonlySet<FamilyKey>): CodecContext {
  return { ...ctx, addPath: new Set([...ctx.addPath].filter((f) => families.has(f))) };
}

/**
 * Checks the peer's OPEN (`remote`) against our configuration and negotiates the session with our
 * OPEN (`local`). Returns the BgpError whose NOTIFICATION must be sent when the OPEN is refused.
 */
export function negotiate(local: OpenMessage, remote: OpenMessage, peer: PeerExpectations): Negotiated | BgpError {
  const localCaps = openCapabilities(local);
  const remoteCaps = openCapabilities(remote);

  // RFC 4271 s6.2: data is the largest version we support (the decoder checks this too).
  if (remote.version !== BGP_VERSION) return openError(OpenSubcode.UNSUPPORTED_VERSION_NUMBER, `version ${remote.version}`, Uint8Array.of(0, BGP_VERSION));

  // RFC 4271 s6.2: an Optional Parameter we do not recognize is Unsupported Optional Parameter.
  // The only one defined (and kept decoded by wire/) is Capabilities, type 2 (RFC 5492 s4).
  const unknownParam = remote.params.find((p) => !('capabilities' in p));
  if (unknownParam) return openError(OpenSubcode.UNSUPPORTED_OPTIONAL_PARAMETER, `optional parameter type ${unknownParam.type}`);

  const peerAsn = remoteAsn(remote, remoteCaps);
  const asError = checkPeerAs(remote, peerAsn, hasCap(remoteCaps, 'four-octet-as'), peer);
  if (asError) return asError;
  // RFC 4271 s8.2.2 (OpenSent, Event 19): the connection is internal when the peer's AS is ours.
  const ibgp = peerAsn === peer.localAsn;

  const idError = checkIdentifier(remote, ibgp, peer);
  if (idError) return idError;

  // RFC 4271 s6.2: Hold Time values of one or two seconds MUST be rejected.
  // (RFC 4271 asks no data; the decoder sends none either.)
  if (remote.holdTime === 1 || remote.holdTime === 2) return openError(OpenSubcode.UNACCEPTABLE_HOLD_TIME, `hold time ${remote.holdTime}`);

  const requiredError = checkRequired(localCaps, remoteCaps, peer);
  if (requiredError) return requiredError;
  const remoteRole = checkRole(remoteCaps, ibgp, peer);
  if (remoteRole instanceof BgpError) return remoteRole;

  const families = commonFamilies(localCaps, remoteCaps);
  // RFC 6793 s4, RFC 7911 s5, RFC 8654 s3, as the codec negotiates them for captures; path ids
  // only for the families of this session.
  const codecIn = restrictAddPath(negotiateContext(remote, local), families);
  const codecOut = restrictAddPath(negotiateContext(local, remote), families);
  const holdTime = negotiatedHoldTime(local, remote);
  const both = (type: Parameters<typeof hasCap>[1]) => hasCap(localCaps, type) && hasCap(remoteCaps, type);
  const gr = gracefulRestart(localCaps, remoteCaps, families);
  const llgr = longLivedGracefulRestart(localCaps, remoteCaps, families);

  return {
    peerAsn,
    peerRouterId: remote.bgpId,
    ibgp,
    holdTime,
    // RFC 4271 s10: one third of the Hold Time; whole seconds, rounded down, at least 1.
    keepaliveTime: holdTime === 0 ? 0 : Math.max(1, Math.floor(holdTime / 3)),
    families,
    asn4: codecIn.asn4,
    addPathReceive: codecIn.addPath,
    addPathSend: codecOut.addPath,
    extendedMessage: codecIn.extendedMessage,
    routeRefresh: announcesRouteRefresh(localCaps) && announcesRouteRefresh(remoteCaps),
    enhancedRouteRefresh: both('enhanced-route-refresh'),
    ...(gr ? { gracefulRestart: gr } : {}),
    ...(llgr ? { llgr } : {}),
    extendedNextHop: extendedNextHop(localCaps, remoteCaps),
    ...(peer.role !== undefined && remoteRole !== undefined ? { role: { local: peer.role, remote: remoteRole } } : {}),
    codecIn,
    codecOut,
  };
}
