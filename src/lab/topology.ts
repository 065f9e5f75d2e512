// The lab's speakers, all Wren, all in this process, on loopback addresses of one 127.X.Y.0/24
// with port-0 listeners: the route reflector, the Calico nodes, and the external host with its
// forwarding table. Nodes connect to the reflector (and, in gateway mode, to the host); the
// reflector and the host only wait, so a node taken down and brought back simply connects again.
// In rr mode the reflector sends the host its multipath set of each prefix with ADD-PATH (RFC 7911),
// so the host has both VIP paths as it has in gateway mode.

import pino, { type Logger } from 'pino';
import { Speaker, type PeerConfig } from '../api/speaker.js';
import type { FibBackend } from '../fib/index.js';
import type { PolicyDecl } from '../policy/index.js';
import { expectedRoutes, type ExpectedRoute, type LabNode, type LabPlan } from './plan.js';

export interface LabTopologyOptions {
  /** The host's forwarding table (a MemoryFib, or an Iproute2Fib in the lab's namespace). */
  readonly fib: FibBackend;
  readonly logger?: Logger;
  /** How long the host's FIB writer waits for more changes before a write (5 ms). */
  readonly fibDelayMs?: number;
}

/** Timers short enough for a lab: a session that went down is retried after a second. */
const QUICK = { idleHoldTime: 1, connectRetryTime: 1 } as const;

export class LabTopology {
  private readonly nodeSpeakers = new Map<number, Speaker>();
  private stopped = false;

  private constructor(
    readonly plan: LabPlan,
    readonly reflector: Speaker,
    readonly host: Speaker,
    private readonly log: Logger,
  ) {}

  /** Starts the reflector, the host, then every node. */
  static async start(plan: LabPlan, o: LabTopologyOptions): Promise<LabTopology> {
    const log = o.logger ?? pino({ level: 'silent' });
    const rr = plan.mode === 'rr';
    const reflector = new Speaker({
      localAsn: plan.clusterAsn,
      routerId: plan.reflector.address,
      clusterId: plan.reflector.clusterId,
      listen: { address: plan.reflector.address, port: 0 },
      // rr: the multipath set is what ADD-PATH send (mode 'ecmp') passes on to the host.
      ...(rr ? { maxPaths: { ibgp: plan.host.maxPaths } } : {}),
      ...QUICK,
      logger: log.child({ speaker: 'reflector' }),
    });
    for (const n of plan.nodes) {
      reflector.addPeer({ address: n.address, remoteAsn: plan.clusterAsn, passive: true, routeReflectorClient: true, description: n.name });
    }
    if (rr) {
      reflector.addPeer({
        address: plan.host.address,
        remoteAsn: plan.host.asn,
        passive: true,
        routeReflectorClient: true,
        addPathSend: ['ipv4-unicast'],
        description: 'external host',
      });
    }
    const gateway = plan.mode === 'gateway';
    const host = new Speaker({
      localAsn: plan.host.asn,
      routerId: plan.host.address,
      listen: gateway ? { address: plan.host.address, port: 0 } : false,
      maxPaths: gateway ? { ebgp: plan.host.maxPaths } : { ibgp: plan.host.maxPaths },
      ...QUICK,
      logger: log.child({ speaker: 'host' }),
      fib: { backend: o.fib, delayMs: o.fibDelayMs ?? 5 },
    });
    const lab = new LabTopology(plan, reflector, host, log);
    try {
      await reflector.start();
      if (gateway) {
        for (const n of plan.nodes) {
          host.addPeer({ address: n.address, remoteAsn: plan.clusterAsn, passive: true, description: n.name, ...hostImport(plan, [n]) });
        }
      } else {
        host.addPeer({
          address: plan.reflector.address,
          remoteAsn: plan.clusterAsn,
          port: reflector.listenAddress!.port,
          localAddress: plan.host.address,
          addPathReceive: ['ipv4-unicast'],
          description: 'route reflector',
          ...hostImport(plan, plan.nodes),
        });
      }
      await host.start();
      for (const n of plan.nodes) await lab.startNode(n);
    } catch (err) {
      await lab.stop();
      throw err;
    }
    return lab;
  }

  /** The nodes running now (1-based indexes). */
  upNodes(): Set<number> {
    return new Set(this.nodeSpeakers.keys());
  }

  node(index: number): Speaker | null {
    return this.nodeSpeakers.get(index) ?? null;
  }

  /** Stops a node's speaker: its sessions close (Cease), and its routes go from the host. */
  async nodeDown(index: number): Promise<boolean> {
    const s = this.nodeSpeakers.get(index);
    if (!s) return false;
    this.nodeSpeakers.delete(index);
    await s.stop(`node-${index} taken down (wren lab)`);
    return true;
  }

  /** Starts a node that was taken down, as a new speaker on the same address. */
  async nodeUp(index: number): Promise<boolean> {
    const n = this.plan.nodes.find((x) => x.index === index);
    if (!n || this.nodeSpeakers.has(index) || this.stopped) return false;
    await this.startNode(n);
    return true;
  }

  /** The routes the host must have now. */
  expected(): Map<string, ExpectedRoute> {
    return expectedRoutes(this.plan, this.upNodes());
  }

  /**
   * True when the host has exactly the expected routes with the expected next hops, its sessions
   * to running nodes (or to the reflector) are up, and its forwarding table holds every route as
   * the RIB has it.
   */
  converged(): boolean {
    const want = this.expected();
    const up = this.upNodes();
    for (const p of this.host.peerStates()) {
      const node = this.plan.nodes.find((n) => n.address === p.address);
      const shouldBeUp = node ? up.has(node.index) : true;
      if (shouldBeUp !== (p.state === 'Established')) return false;
    }
    const routes = this.host.routes();
    if (routes.length !== want.size) return false;
    for (const r of routes) {
      const w = want.get(r.prefix);
      if (!w || !hopsMatch(r.nextHops, w)) return false;
    }
    const fib = this.host.fib;
    if (!fib) return true;
    const installed = fib.installed();
    if (installed.length !== want.size) return false;
    for (const f of installed) {
      const hops = this.host.route(f.prefix)?.nextHops;
      if (!hops || !sameSet(f.nextHops.map((h) => h.address), hops)) return false;
    }
    return true;
  }

  /** Waits until converged(); false when `timeoutMs` passed first. */
  async waitConverged(timeoutMs = 10_000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!this.converged()) {
      if (Date.now() > end || this.stopped) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  /** Stops every speaker; the host first, so that its routes leave the forwarding table. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.host.stop('wren lab stopping').catch((err: unknown) => this.log.error({ err }, 'host stop failed'));
    const others = [this.reflector, ...this.nodeSpeakers.values()];
    this.nodeSpeakers.clear();
    await Promise.all(others.map((s) => s.stop('wren lab stopping').catch((err: unknown) => this.log.error({ err }, 'stop failed'))));
  }

  private async startNode(n: LabNode): Promise<void> {
    const plan = this.plan;
    const s = new Speaker({ localAsn: plan.clusterAsn, routerId: n.address, listen: false, ...QUICK, logger: this.log.child({ speaker: n.name }) });
    for (const b of n.blocks) s.announce({ prefix: b });
    if (n.vip) s.announce({ prefix: plan.vip });
    s.addPeer({ address: plan.reflector.address, remoteAsn: plan.clusterAsn, port: this.reflector.listenAddress!.port, localAddress: n.address, description: 'route reflector' });
    if (plan.mode === 'gateway') {
      const peer: PeerConfig = {
        address: plan.host.address,
        remoteAsn: plan.host.asn,
        port: this.host.listenAddress!.port,
        localAddress: n.address,
        description: 'external host',
        export: ownRoutes(plan, n),
      };
      s.addPeer(peer);
    }
    this.nodeSpeakers.set(n.index, s);
    await s.start();
  }
}

/**
 * A node tells the host about its own blocks and the VIP when it hosts it, not the routes of other
 * nodes it learned through the reflector: the host reaches each block through its node.
 */
function ownRoutes(plan: LabPlan, n: LabNode): PolicyDecl {
  const own = [...n.blocks, ...(n.vip ? [plan.vip] : [])];
  if (own.length === 0) return 'reject';
  return { name: `${n.name}-own-routes`, default: 'reject', terms: [{ match: { prefixList: own }, then: 'accept' }] };
}

/**
 * Kernel mode: the host's import policy maps each node's loopback next hop onto the node's address
 * on the namespace's link (192.0.2.1x), which the kernel takes as a gateway.
 */
function hostImport(plan: LabPlan, nodes: readonly LabNode[]): { import?: PolicyDecl } {
  if (!plan.kernel) return {};
  return {
    import: {
      name: 'lab-next-hops',
      default: 'accept',
      terms: nodes.map((n) => ({ name: n.name, match: { nextHop: n.address }, then: { nextHop: n.nextHop, action: 'accept' as const } })),
    },
  };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function hopsMatch(hops: readonly string[], w: ExpectedRoute): boolean {
  return sameSet(hops, w.nextHops);
}
