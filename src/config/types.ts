// The configuration after validation: every value checked, defaults filled in, addresses and
// prefixes in canonical text, AS numbers as numbers, durations in the unit the code uses,
// policy references resolved. docs/config.md describes the file this comes from.

import type { FamilyName } from '../api/speaker.js';
import type { RoleName } from '../api/roles.js';
import type { Announcement } from '../api/announcements.js';
import type { HealthCheckSpec } from '../health/types.js';
import type { PolicyDecl } from '../policy/index.js';
import type { AddPathSendMode } from '../rib/index.js';

/** Where a session's TCP-MD5 password is read from; the secret itself is never in the config. */
export type PasswordRef = { readonly file: string } | { readonly env: string };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** What every peer, configured or accepted from a range, may set. */
export interface PeerCommon {
  readonly remoteAsn: number | 'any';
  readonly holdTime?: number;
  readonly families?: readonly FamilyName[];
  readonly routeReflectorClient?: boolean;
  /** Validated declarations (docs/policy.md); a named policy is replaced by its declaration. */
  readonly import?: PolicyDecl;
  readonly export?: PolicyDecl;
  /** The names under `policies:` that import / export referred to, if they did. */
  readonly importName?: string;
  readonly exportName?: string;
  readonly maxPrefix?: number;
  readonly nextHopSelf?: boolean;
  readonly nextHopV6?: string;
  readonly addPathReceive?: readonly FamilyName[];
  /** RFC 7911 ADD-PATH send per family, and which paths go out (docs/addpath.md). */
  readonly addPathSend?: readonly FamilyName[];
  readonly addPathSendMode?: AddPathSendMode;
  readonly allowAsIn?: number;
  readonly description?: string;
  readonly role?: RoleName;
  readonly strictRole?: boolean;
  /** eBGP multihop: the TTL of our packets (1..255). Kept, not applied yet. */
  readonly multihop?: number;
  /** TCP-MD5 (RFC 2385) password source. Kept, not applied yet. */
  readonly password?: PasswordRef;
}

export interface StaticPeerSpec extends PeerCommon {
  readonly kind: 'static';
  readonly address: string;
  readonly remoteAsn: number;
  readonly port?: number;
  readonly localAddress?: string;
  readonly localPort?: number;
  readonly passive?: boolean;
}

/** Dynamic neighbors: sessions accepted from any address of a range (passive). */
export interface DynamicPeerSpec extends PeerCommon {
  readonly kind: 'dynamic';
  readonly listenRange: string;
}

export type PeerSpec = StaticPeerSpec | DynamicPeerSpec;

export interface AnnouncementSpec extends Announcement {
  readonly healthCheck?: HealthCheckSpec;
}

export type FibBackendName = 'kernel' | 'memory' | 'plan' | 'none';
export type FibTransportName = 'auto' | 'netlink' | 'iproute2';

export interface FibSpec {
  readonly backend: FibBackendName;
  readonly transport: FibTransportName;
  readonly table: number | 'main';
  readonly metric: number;
  readonly protocol: number;
  readonly onlink: boolean;
  /** Only routes inside these prefixes are installed (absent: any route). */
  readonly allowedPrefixes?: readonly string[];
  readonly maxRoutes?: number;
  readonly hostAddresses?: readonly string[];
  readonly connectedSubnets?: readonly string[];
  readonly refuseSupernets: boolean;
  /** Leave our routes in the table when Wren exits (a graceful restart always does). */
  readonly keepOnExit: boolean;
  /** A route of ours deleted or changed by someone else: put back (restore) or only logged (report). */
  readonly foreignChanges: 'restore' | 'report';
  /** Start-up: how long to wait for every peer's End-of-RIB before stale routes go (ms). */
  readonly syncDelayMs?: number;
  readonly maxBatch?: number;
  readonly delayMs?: number;
}

export interface WrenConfig {
  readonly localAsn: number;
  readonly routerId: string;
  readonly clusterId?: string;
  readonly listen: { readonly address: string; readonly port: number } | false;
  /** Seconds. */
  readonly holdTime: number;
  readonly connectRetryTime: number;
  readonly idleHoldTime: number;
  readonly ecmp: { readonly maxPaths: { readonly ibgp: number; readonly ebgp: number }; readonly multipathRelax: boolean };
  readonly alwaysCompareMed: boolean;
  /** Seconds; disabled: not announced. */
  readonly gracefulRestart: { readonly enabled: boolean; readonly restartTime: number; readonly llgrStaleTime: number };
  /** Named policies, as declared. */
  readonly policies: Readonly<Record<string, PolicyDecl>>;
  readonly peers: readonly PeerSpec[];
  readonly announcements: readonly AnnouncementSpec[];
  readonly fib: FibSpec;
  readonly api: { readonly socket: string; readonly mode: number };
  /** The Prometheus listener; false: off (the default). */
  readonly metrics: { readonly address: string; readonly port: number } | false;
  readonly log: { readonly level: LogLevel; readonly format: 'json' | 'pretty' };
}

export const DEFAULT_CONFIG_PATH = '/etc/wren/wren.yaml';
export const DEFAULT_API_SOCKET = '/run/wren/wren.sock';
