// The OPEN we send, built from what we configured for the peer, so that what negotiate() checks
// and what the peer was told cannot drift apart.

import { AS_TRANS, BGP_VERSION, type Capability, type FamilyKey, type OpenMessage } from '../wire/index.js';
import type { AddPathMode, PeerExpectations } from './negotiated.js';

/** Capabilities beyond what PeerExpectations implies. */
export interface LocalOpenOptions {
  /** RFC 2918; on by default. */
  readonly routeRefresh?: boolean;
  /** RFC 7313. */
  readonly enhancedRouteRefresh?: boolean;
  /** RFC 8654. */
  readonly extendedMessage?: boolean;
  /** RFC 4724 (N bit: RFC 8538). Families listed are those whose forwarding state we preserve. */
  readonly gracefulRestart?: {
    readonly restartTime: number;
    readonly restarting?: boolean;
    readonly notification?: boolean;
    readonly families?: readonly { readonly family: FamilyKey; readonly forwardingState: boolean }[];
  };
  /** RFC 9494: requires gracefulRestart too (s4.1). */
  readonly llgr?: readonly { readonly family: FamilyKey; readonly staleTime: number }[];
  /** RFC 8950. */
  readonly extendedNextHop?: readonly { readonly afi: number; readonly safi: number; readonly nextHopAfi: number }[];
  /** draft-walton-bgp-hostname-capability. */
  readonly fqdn?: { readonly hostname: string; readonly domain: string };
}

const ADD_PATH_BITS: Record<AddPathMode, number> = { receive: 1, send: 2, both: 3 };
const afiOf = (f: FamilyKey) => Math.floor(f / 256);
const safiOf = (f: FamilyKey) => f % 256;

export function buildLocalOpen(peer: PeerExpectations, options: LocalOpenOptions = {}): OpenMessage {
  const caps: Capability[] = [];
  // RFC 4760 s8: one multiprotocol capability per family.
  for (const f of peer.families) caps.push({ type: 'multiprotocol', afi: afiOf(f), safi: safiOf(f), reserved: 0 });
  if (options.routeRefresh ?? true) caps.push({ type: 'route-refresh' });
  if (options.enhancedRouteRefresh) caps.push({ type: 'enhanced-route-refresh' });
  if (options.extendedMessage) caps.push({ type: 'extended-message' });
  if (options.extendedNextHop?.length) caps.push({ type: 'extended-next-hop', entries: options.extendedNextHop });
  if (peer.role !== undefined) caps.push({ type: 'role', role: peer.role });
  const gr = options.gracefulRestart;
  if (gr) {
    caps.push({
      type: 'graceful-restart',
      flags: (gr.restarting ? 0x8 : 0) | (gr.notification ? 0x4 : 0),
      restartTime: gr.restartTime,
      families: (gr.families ?? []).map((f) => ({ afi: afiOf(f.family), safi: safiOf(f.family), flags: f.forwardingState ? 0x80 : 0 })),
    });
  }
  // RFC 6793 s4.1: always announce our four-octet AS.
  caps.push({ type: 'four-octet-as', asn: peer.localAsn });
  const addPath = [...(peer.addPath ?? new Map<FamilyKey, AddPathMode>())];
  if (addPath.length > 0) {
    caps.push({ type: 'add-path', families: addPath.map(([f, mode]) => ({ afi: afiOf(f), safi: safiOf(f), sendReceive: ADD_PATH_BITS[mode] })) });
  }
  if (options.llgr?.length) {
    caps.push({
      type: 'long-lived-graceful-restart',
      families: options.llgr.map((f) => ({ afi: afiOf(f.family), safi: safiOf(f.family), flags: 0, staleTime: f.staleTime })),
    });
  }
  if (options.fqdn) caps.push({ type: 'fqdn', ...options.fqdn });
  return {
    type: 'open',
    version: BGP_VERSION,
    // RFC 6793 s4.1: My Autonomous System is AS_TRANS when our AS does not fit two octets.
    myAsn: peer.localAsn > 0xffff ? AS_TRANS : peer.localAsn,
    holdTime: peer.holdTime,
    bgpId: peer.localRouterId,
    params: [{ type: 2, capabilities: caps }],
    extendedParams: false,
  };
}
