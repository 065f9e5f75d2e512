// From a validated configuration to what the daemon hands to the pieces it wires: the Speaker's
// options and peers, the announcements (with their health checks), the FIB, the control API, the
// metrics listener and the logger. Pure: no backend is opened, no file read, no secret resolved.

import type { Announcement } from '../api/announcements.js';
import type { SpeakerFibOptions } from '../api/fib-sync.js';
import type { DynamicNeighbors, PeerConfig, SpeakerOptions } from '../api/speaker.js';
import type { FibTableOptions } from '../fib/index.js';
import type { HealthCheckSpec } from '../health/types.js';
import { compact } from './build.js';
import type { FibBackendName, FibTransportName, LogLevel, PasswordRef, PeerCommon, WrenConfig } from './types.js';

export type PlannedAnnouncement = Announcement & { readonly healthCheck?: HealthCheckSpec };

/** Session settings the daemon cannot apply yet; kept so that nothing configured is lost. */
export interface PeerTransport {
  /** The peer's address, or the listen range of dynamic neighbors. */
  readonly peer: string;
  readonly multihop?: number;
  readonly password?: PasswordRef;
}

export interface FibPlan {
  readonly backend: FibBackendName;
  readonly transport: FibTransportName;
  /** For the backend: which routes are ours and how they are written. */
  readonly table: FibTableOptions;
  /** For Speaker `fib:`, beside the backend the daemon opens: guard rails, batching, exit. */
  readonly options: Omit<SpeakerFibOptions, 'backend'>;
}

export interface SpeakerPlan {
  /** Everything but the logger, the clock and the FIB backend, which the daemon provides. */
  readonly speaker: Omit<SpeakerOptions, 'logger' | 'clock' | 'fib'>;
  /** Configured peers, for speaker.addPeer(). Dynamic neighbors are in speaker.dynamicNeighbors. */
  readonly peers: readonly PeerConfig[];
  readonly peerTransport: readonly PeerTransport[];
  readonly announcements: readonly PlannedAnnouncement[];
  readonly fib: FibPlan;
  readonly api: { readonly socket: string; readonly mode: number };
  readonly metrics: { readonly address: string; readonly port: number } | false;
  readonly log: { readonly level: LogLevel; readonly format: 'json' | 'pretty' };
}

export function toSpeakerPlan(config: WrenConfig): SpeakerPlan {
  const peers: PeerConfig[] = [];
  const dynamicNeighbors: DynamicNeighbors[] = [];
  const peerTransport: PeerTransport[] = [];
  for (const p of config.peers) {
    if (p.kind === 'static') {
      peers.push(
        compact<PeerConfig>({
          address: p.address,
          remoteAsn: p.remoteAsn,
          port: p.port,
          localAddress: p.localAddress,
          localPort: p.localPort,
          passive: p.passive,
          ...commonOptions(p),
        }),
      );
    } else {
      dynamicNeighbors.push(compact<DynamicNeighbors>({ prefix: p.listenRange, remoteAsn: p.remoteAsn, ...commonOptions(p) }));
    }
    if (p.multihop !== undefined || p.password !== undefined) {
      peerTransport.push(compact<PeerTransport>({ peer: p.kind === 'static' ? p.address : p.listenRange, multihop: p.multihop, password: p.password }));
    }
  }
  const gr = config.gracefulRestart;
  const speaker: SpeakerPlan['speaker'] = {
    localAsn: config.localAsn,
    routerId: config.routerId,
    listen: config.listen === false ? false : { address: config.listen.address, port: config.listen.port },
    ...(config.clusterId !== undefined ? { clusterId: config.clusterId } : {}),
    maxPaths: { ibgp: config.ecmp.maxPaths.ibgp, ebgp: config.ecmp.maxPaths.ebgp },
    multipathRelax: config.ecmp.multipathRelax,
    alwaysCompareMed: config.alwaysCompareMed,
    holdTime: config.holdTime,
    idleHoldTime: config.idleHoldTime,
    connectRetryTime: config.connectRetryTime,
    gracefulRestart: gr.enabled ? { restartTime: gr.restartTime, ...(gr.llgrStaleTime > 0 ? { llgrStaleTime: gr.llgrStaleTime } : {}) } : false,
    ...(dynamicNeighbors.length > 0 ? { dynamicNeighbors } : {}),
  };
  const f = config.fib;
  return {
    speaker,
    peers,
    peerTransport,
    announcements: config.announcements.map((a) => ({ ...a })),
    fib: {
      backend: f.backend,
      transport: f.transport,
      table: { table: f.table, metric: f.metric, protocol: f.protocol, onlink: f.onlink },
      options: compact<Omit<SpeakerFibOptions, 'backend'>>({
        allowedPrefixes: f.allowedPrefixes,
        maxRoutes: f.maxRoutes,
        hostAddresses: f.hostAddresses,
        connectedSubnets: f.connectedSubnets,
        refuseSupernets: f.refuseSupernets || undefined,
        keepOnStop: f.keepOnExit || undefined,
        syncDelayMs: f.syncDelayMs,
        maxBatch: f.maxBatch,
        delayMs: f.delayMs,
      }),
    },
    api: { ...config.api },
    metrics: config.metrics === false ? false : { ...config.metrics },
    log: { ...config.log },
  };
}

/** The PeerConfig fields a configured peer and a dynamic-neighbor range share. */
function commonOptions(p: PeerCommon) {
  return {
    holdTime: p.holdTime,
    families: p.families,
    routeReflectorClient: p.routeReflectorClient,
    import: p.import,
    export: p.export,
    maxPrefix: p.maxPrefix,
    nextHopSelf: p.nextHopSelf,
    nextHopV6: p.nextHopV6,
    addPathReceive: p.addPathReceive,
    addPathSend: p.addPathSend,
    addPathSendMode: p.addPathSendMode,
    allowAsIn: p.allowAsIn,
    description: p.description,
    role: p.role,
    strictRole: p.strictRole,
  };
}
