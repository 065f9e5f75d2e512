// A Lab owns everything one describe block starts — daemons, namespaces, veths, Calico clusters —
// and tears it all down in reverse order in `cleanup()` (call it from afterAll; it never throws
// before trying everything). `lab.guard(fn)` wraps a test body so a failure message carries the
// logs of every daemon in the lab.
//
//   const lab = new Lab('bird');
//   afterAll(() => lab.cleanup());
//   it('...', lab.guard(async () => { const b = await lab.bird({ name: 'a', config }); ... }));

import { Bird, type BirdOptions } from './bird.js';
import { startCalico, type CalicoCluster, type CalicoTopologyOptions } from './calico.js';
import type { BgpDaemon } from './daemon.js';
import { Exabgp, type ExabgpOptions } from './exabgp.js';
import { Frr, type FrrOptions } from './frr.js';
import { Gobgp, type GobgpOptions } from './gobgp.js';
import { createNetns, createVeth, removeStaleNamespaces, vethToRoot, type Netns, type RootLink, type VethEnd, type VethPair } from './netns.js';
import { sweepStaleWorkDirs } from './workdir.js';

let swept = false;

/** Once per worker: remove work dirs and namespaces left by crashed earlier runs. */
export async function sweepOnce(): Promise<void> {
  if (swept) return;
  swept = true;
  sweepStaleWorkDirs();
  await removeStaleNamespaces().catch(() => undefined);
}

export class Lab {
  readonly name: string;
  private readonly cleanups: Array<{ what: string; fn: () => Promise<void> }> = [];
  private readonly daemonList: BgpDaemon[] = [];
  private readonly clusters: CalicoCluster[] = [];

  constructor(name: string) {
    this.name = name;
  }

  /** Registers a cleanup step (run in reverse registration order). */
  defer(what: string, fn: () => Promise<void> | void): void {
    this.cleanups.push({ what, fn: async () => fn() });
  }

  /** Tracks a daemon started elsewhere. */
  adopt<D extends BgpDaemon>(d: D): D {
    this.daemonList.push(d);
    this.defer(d.label, () => d.dispose());
    return d;
  }

  get daemons(): readonly BgpDaemon[] {
    return [...this.daemonList, ...this.clusters.flatMap((c) => c.all)];
  }

  async bird(opts: BirdOptions): Promise<Bird> {
    await sweepOnce();
    return this.adopt(await Bird.start(opts));
  }

  async gobgp(opts: GobgpOptions): Promise<Gobgp> {
    await sweepOnce();
    return this.adopt(await Gobgp.start(opts));
  }

  async frr(opts: FrrOptions): Promise<Frr> {
    await sweepOnce();
    return this.adopt(await Frr.start(opts));
  }

  async exabgp(opts: ExabgpOptions): Promise<Exabgp> {
    await sweepOnce();
    return this.adopt(await Exabgp.start(opts));
  }

  async calico(opts: CalicoTopologyOptions & { netns?: Netns; label?: string } = {}): Promise<CalicoCluster> {
    await sweepOnce();
    const c = await startCalico(opts);
    this.clusters.push(c);
    this.defer('calico cluster', () => c.dispose());
    return c;
  }

  async netns(label = 'ns'): Promise<Netns> {
    await sweepOnce();
    const ns = await createNetns(label);
    this.defer(`netns ${ns.name}`, () => ns.delete());
    return ns;
  }

  async veth(a: VethEnd, b: VethEnd): Promise<VethPair> {
    const v = await createVeth(a, b);
    this.defer(`veth ${v.a}/${v.b}`, () => v.delete());
    return v;
  }

  /** A veth from the root namespace into `ns` on a free 10.255.x.y/30 (see netns.ts vethToRoot). */
  async rootLink(ns: Netns, opts: { ipv6?: boolean } = {}): Promise<RootLink> {
    const link = await vethToRoot(ns, opts);
    this.defer(`veth ${link.veth.a}/${link.veth.b}`, () => link.veth.delete());
    return link;
  }

  /** Logs of every daemon (tails), for failure messages. */
  logs(maxCharsPerPart = 6000): string {
    const ds = this.daemons;
    return ds.length ? ds.map((d) => d.logs(maxCharsPerPart)).join('\n\n') : '(no daemons)';
  }

  /** Wraps a test body: on failure the error message gets every daemon's logs appended. */
  guard(fn: () => Promise<void> | void): () => Promise<void> {
    return async () => {
      try {
        await fn();
      } catch (e) {
        if (e instanceof Error && !e.message.includes('=== daemon logs ===')) {
          e.message = `${e.message}\n\n=== daemon logs === (lab ${this.name})\n${this.logs()}`;
        }
        throw e;
      }
    };
  }

  /** Stops and removes everything, newest first. Throws one AggregateError at the end if any step failed. */
  async cleanup(): Promise<void> {
    const errors: Error[] = [];
    while (this.cleanups.length > 0) {
      const c = this.cleanups.pop()!;
      try {
        await c.fn();
      } catch (e) {
        errors.push(new Error(`cleanup of ${c.what} failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
    this.daemonList.length = 0;
    this.clusters.length = 0;
    if (errors.length) throw new AggregateError(errors, `lab ${this.name}: ${errors.map((e) => e.message).join('; ')}`);
  }
}
