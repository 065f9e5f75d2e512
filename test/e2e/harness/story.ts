// The checks of issue #5's end-to-end stories, shared by the seed story (Wren as an RR client of a
// Calico cluster), the NetScaler story (Wren as the cluster's eBGP gateway in AS 500 with
// max-paths 8) and their IPv6 variants (/122 blocks, a /128 VIP, IPv6 sessions). One topology per
// story, built in beforeAll; the tests run in order and each leaves the cluster as it found it,
// except the last, which stops Wren. Wren is the daemon, `wren run -c wren.yaml` (harness/wren.ts),
// watched through its log lines, its CLI over the control socket and the host's routing table.

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab, requireTools, waitFor } from '../../interop/harness/index.js';
import { skipTitle } from '../../helpers/until.js';
import { E2eCluster } from './cluster.js';
import { duplicatePrefixes, isWren, kernelRoutes, snapshot, watchTable, WREN_PROTOCOL, wrenRoutes, wrenTable, type KernelRoute, type TableSample } from './kernel-routes.js';
import { APP_PORT, bridgeReason, buildNetwork, HOST, HOST_DEV, lan4, lan6, RR, SERVICE_VIP, SERVICE_VIP6, type E2eNetwork } from './network.js';
import { probeTcp, type ProbeResult } from './probe.js';
import { distReason, fibTransport, WrenHost, type WrenConfigFile, type WrenExit } from './wren.js';

export interface StoryOptions {
  readonly title: string;
  readonly mode: 'reflector' | 'gateway';
  readonly family: 'ipv4' | 'ipv6';
  /** Hold time of every BGP session in the story (s). */
  readonly holdTime?: number;
}

type Table = Record<string, string[] | 'DUPLICATE'>;

/** Why the e2e stories cannot run here, or null. */
export function e2eReason(): string | null {
  return requireTools(['bird', 'netns']) ?? distReason() ?? bridgeReason();
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function defineStory(o: StoryOptions): void {
  const reason = e2eReason();
  describe.skipIf(!!reason)(skipTitle(o.title, reason), () => {
    const v6 = o.family === 'ipv6';
    const hold = o.holdTime ?? 4;
    const lab = new Lab(`e2e-${o.mode}-${o.family}`);
    const wrens: WrenHost[] = [];
    let net: E2eNetwork;
    let cluster: E2eCluster;
    const wren = (): WrenHost => wrens[wrens.length - 1]!;
    /** fib.counters.foreign as last read from `wren status`. */
    let foreignSeen = 0;
    const vip = v6 ? SERVICE_VIP6 : SERVICE_VIP;
    const vipHops = (): readonly string[] => (v6 ? cluster.topology.vipNextHops6 : cluster.topology.vipNextHops);
    const nodeAddress = (i: number): string => (v6 ? lan6(10 + i) : lan4(10 + i));
    const blockWord = v6 ? '/122' : '/26';

    /** What Wren's routes in the host's table must be, with node `without` gone or blocks `minus` released. */
    const expected = (opts: { without?: number; minus?: readonly string[] } = {}): Table => {
      const t: Table = {};
      const gone = opts.without !== undefined ? nodeAddress(opts.without) : undefined;
      for (const b of cluster.topology.blocks) if (b.nextHop !== gone && !opts.minus?.includes(b.prefix)) t[b.prefix] = [b.nextHop];
      t[vip] = vipHops()
        .filter((h) => h !== gone)
        .sort();
      return t;
    };

    /** wren.yaml (docs/config.md); the harness adds api.socket in the work directory. */
    const wrenConfig = (): WrenConfigFile => {
      const families = [v6 ? 'ipv6-unicast' : 'ipv4-unicast'];
      return {
        localAsn: o.mode === 'reflector' ? 64512 : 500,
        routerId: lan4(HOST),
        listen: { address: '::', port: 179 },
        idleHoldTime: 1,
        connectRetryTime: 2,
        // seed: `maxPaths.ibgp` 8; NetScaler: `router bgp 500`, `max-paths ebgp 8`, `max-paths ibgp 8`
        ecmp: { maxPaths: o.mode === 'reflector' ? { ibgp: 8 } : { ebgp: 8, ibgp: 8 } },
        gracefulRestart: { enabled: true, restartTime: 120 },
        peers:
          o.mode === 'reflector'
            ? [{ address: v6 ? lan6(RR) : lan4(RR), remoteAsn: 64512, families, addPathReceive: families, holdTime: hold, description: 'route reflector' }]
            : cluster.topology.nodes.map((nd) => ({ address: v6 ? nd.address6 : nd.address, remoteAsn: 64512, families, holdTime: hold, description: nd.name })),
        fib: {
          backend: 'kernel',
          transport: fibTransport(),
          hostAddresses: [`${lan4(HOST)}/24`, `${lan6(HOST)}/64`],
          allowedPrefixes: ['10.244.0.0/16', '10.96.0.0/12', 'fd00:244::/56', 'fd00:96::/64'],
          syncDelay: '20s',
          keepOnExit: false,
        },
        log: { level: 'debug', format: 'json' },
      };
    };
    const peerAddresses = (): string[] => wrenConfig().peers.map((p) => String(p['address']));

    const startWren = async (): Promise<WrenHost> => {
      const w = await WrenHost.start({ netns: net.host, config: wrenConfig(), name: `wren${wrens.length + 1}` });
      wrens.push(w);
      lab.defer(w.name, () => w.dispose());
      return w;
    };

    const table = async (): Promise<Table> => wrenTable(await wrenRoutes(net.host, o.family));

    /** Wren's routes of the story's family in each sample that differ from `ok`: the table at those moments. */
    const badSamples = (samples: readonly TableSample[], ok: (t: Table) => boolean): string[] =>
      samples
        .map((s) => ({ t: s.t, table: sortKeys(wrenTable(s.routes.filter((r) => r.family === o.family))) }))
        .filter((s) => !ok(s.table))
        .map((s) => `+${s.t} ms: ${JSON.stringify(s.table)}`);

    /** "Wren stopped" logged: the stop ran to its end rather than the process running out of work half-way. */
    const expectStopped = (exit: WrenExit): void => {
      expect(exit.stopped, `"Wren stopped" logged before the exit (${wren().name})`).toBe(true);
    };

    /** The reconcile after start: from every peer's End-of-RIB (not the 20 s delay), nothing failed. */
    const expectReconciled = async (w: WrenHost): Promise<void> => {
      const line = await w.waitSynced(30_000);
      expect(line, 'FIB reconciled with the RIB').toMatchObject({ why: 'end-of-rib', failed: 0, refused: 0 });
    };

    /** Polls the host's table until Wren's routes are exactly `want`; returns the time it took. */
    const waitTable = async (what: string, want: Table, timeoutMs = 30_000): Promise<number> => {
      const start = Date.now();
      let last: Table = {};
      while (Date.now() - start < timeoutMs) {
        last = sortKeys(await table());
        if (JSON.stringify(last) === JSON.stringify(sortKeys(want))) return Date.now() - start;
        await sleep(50);
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nwanted ${JSON.stringify(sortKeys(want))}\nlast   ${JSON.stringify(last)}`);
    };

    const probe = (targets: string[]): Promise<ProbeResult[]> => probeTcp(net.host, targets, 2000);
    const target = (address: string, times = 1): string => `${v6 ? `[${address}]` : address}:${APP_PORT}${times > 1 ? `x${times}` : ''}`;
    const podAddress = (i: number): string => (v6 ? net.pods[i - 1]!.address6 : net.pods[i - 1]!.address);
    const vipAddress = vip.split('/')[0]!;

    /** A failure message gets Wren's and every BIRD's logs. */
    const guard =
      (fn: () => Promise<void>): (() => Promise<void>) =>
      async () => {
        try {
          await fn();
        } catch (e) {
          if (e instanceof Error) e.message = `${e.message}\n\n=== wren ===\n${wrens.map((w) => w.logs(8000)).join('\n')}\n\n=== daemons ===\n${lab.logs(3000)}`;
          throw e;
        }
      };

    beforeAll(async () => {
      net = await buildNetwork(lab);
      cluster = await E2eCluster.start(lab, net, { mode: o.mode, family: o.family, holdTime: hold });
      await startWren();
    }, 60_000);

    afterAll(() => lab.cleanup(), 60_000);

    it(
      `every ${blockWord} block via its node (protocol wren), the service VIP one route with two next hops`,
      guard(async () => {
        await cluster.waitConverged(30_000);
        await expectReconciled(wren());
        const running = wren().logged('Wren running')[0]!;
        const transport = wren().log().find((l) => l.msg.startsWith('kernel FIB: writing through'));
        console.info(`[${o.title}] Wren's FIB: ${String(running['fib'])} (${String(transport?.['reason'] ?? transport?.['shim'] ?? '')})`);
        if (fibTransport() !== 'auto') expect(running['fib']).toBe(`kernel (${fibTransport()})`);
        await waitTable('every block and the VIP in the host table', expected());
        const all = await kernelRoutes(net.host, o.family);
        for (const b of cluster.topology.blocks) {
          const rs = all.filter((r) => r.prefix === b.prefix);
          expect(rs, b.prefix).toHaveLength(1);
          expect(isWren(rs[0]!), `${b.prefix} protocol ${rs[0]!.protocol}`).toBe(true);
          expect(rs[0]!.raw).toMatchObject({ gateway: b.nextHop, dev: HOST_DEV });
        }
        const vipRoutes = all.filter((r) => r.prefix === vip);
        expect(vipRoutes, vip).toHaveLength(1);
        expect(vipRoutes[0]!.multipath).toBe(true);
        expect([...vipRoutes[0]!.gateways].sort()).toEqual([...vipHops()].sort());
        expect(vipRoutes[0]!.raw.nexthops!.map((h) => h.dev)).toEqual([HOST_DEV, HOST_DEV]);
        expect(duplicatePrefixes(await kernelRoutes(net.host))).toEqual([]);
        for (const p of peerAddresses()) expect(wren().stateChanges(p).some((l) => l['to'] === 'Established'), `${p} Established (log)`).toBe(true);
      }),
      60_000,
    );

    it(
      'the host reaches a TCP service in every pod, and the VIP over both of its next hops',
      guard(async () => {
        const res = await probe([...net.pods.map((p) => target(podAddress(p.node))), target(vipAddress, 16)]);
        for (const p of net.pods) expect(res.find((r) => r.target === target(podAddress(p.node))), `pod ${p.node}`).toMatchObject({ ok: true, answer: `pod${p.node}` });
        const vipRes = res.filter((r) => r.target === target(vipAddress));
        expect(vipRes.every((r) => r.ok), JSON.stringify(vipRes)).toBe(true);
        // 16 connections from different source ports, hashed on L4 over the two next hops
        expect([...new Set(vipRes.map((r) => r.answer))].sort()).toEqual(net.vipNodes.map((i) => `node${i}`));
      }),
      30_000,
    );

    it(
      "the daemon's CLI over its control socket: check-config, the peer table, the VIP's two next hops installed",
      guard(async () => {
        const w = wren();
        // one node process each, run together
        const [check, status, vipRoutes] = await Promise.all([w.cli('check-config', w.configFile), w.status(), w.routes(vip)]);
        expect(check, `wren check-config ${w.configFile}`).toMatchObject({ code: 0, stdout: 'configuration OK\n' });

        // `ip netns exec` execs node: the pid the harness signals is Wren's own
        expect(status.pid, 'wren status pid = the pid the harness spawned and signals').toBe(w.pid);
        expect(status.peers.map((p) => [p.address, p.state]).sort()).toEqual(peerAddresses().map((a) => [a, 'Established']).sort());
        for (const p of status.peers) expect(p.endOfRibReceived, `${p.address} End-of-RIB`).toEqual([v6 ? 'ipv6-unicast' : 'ipv4-unicast']);
        expect(status.fib).toMatchObject({ synced: true, routes: Object.keys(expected()).length, counters: { failed: 0, refused: 0, foreign: 0 } });
        foreignSeen = status.fib.counters!['foreign']!;
        expect(status.fib.backend).toMatch(/^kernel \((netlink|iproute2)\)$/);

        const [vipRoute, ...more] = vipRoutes;
        expect(more, `wren routes ${vip}: one route`).toEqual([]);
        expect(vipRoute).toMatchObject({ prefix: vip, fib: { state: 'installed' } });
        expect([...vipRoute!.nextHops].sort()).toEqual([...vipHops()].sort());
        expect(vipRoute!.paths).toBeGreaterThanOrEqual(2);
      }),
      30_000,
    );

    it(
      'a route of ours deleted by someone else (`ip route del ... proto 87`) is put back at once',
      guard(async () => {
        const w = wren();
        const before = foreignSeen; // fib.counters.foreign of the previous test's `wren status`
        const block = cluster.topology.blocks.find((b) => b.nextHop === nodeAddress(3))!.prefix;
        // a pod block and the VIP's multipath route, by hand (`ip` fails if there is no such route)
        const t0 = Date.now();
        await Promise.all([block, vip].map((prefix) => net.host.ip(v6 ? '-6' : '-4', 'route', 'del', prefix, 'proto', String(WREN_PROTOCOL))));
        await waitTable(`${block} and ${vip} restored by the FIB monitor`, expected(), 2000);
        const ms = Date.now() - t0;
        console.info(`[${o.title}] ${block} and ${vip} deleted by hand: back in the table after ${ms} ms`);
        const foreignLogged = (): string[] => w.logged('FIB: routes of ours were changed or deleted by someone else').flatMap((l) => l['prefixes'] as string[]);
        await waitFor('the foreign change logged', () => foreignLogged().includes(block) && foreignLogged().includes(vip), { timeoutMs: 2000, intervalMs: 25, context: () => w.logs(4000) });
        const after = await w.status();
        expect(after.fib.counters!['foreign'], 'fib.counters.foreign').toBeGreaterThanOrEqual(before + 2);
        foreignSeen = after.fib.counters!['foreign']!;
        expect(after.fib.routes).toBe(Object.keys(expected()).length);
        const vipRoutes = (await kernelRoutes(net.host, o.family)).filter((r) => r.prefix === vip);
        expect(vipRoutes).toHaveLength(1);
        expect(vipRoutes[0]!.multipath).toBe(true);
        expect(duplicatePrefixes(await kernelRoutes(net.host))).toEqual([]);
      }),
      30_000,
    );

    it(
      'a node stopped cleanly: its block is withdrawn and the VIP drops to the remaining next hop at once',
      guard(async () => {
        await cluster.stopNode(2);
        const ms = await waitTable('node 2 gone from the host table', expected({ without: 2 }), hold * 1000);
        console.info(`[${o.title}] clean stop of node 2: host table updated after ${ms} ms`);
        const vipRoute = (await kernelRoutes(net.host, o.family)).filter((r) => r.prefix === vip);
        expect(vipRoute).toHaveLength(1);
        expect(vipRoute[0]!.multipath).toBe(false);
        expect(vipRoute[0]!.gateways).toEqual([nodeAddress(1)]);
        const res = await probe([target(podAddress(1)), target(podAddress(3)), target(vipAddress, 4)]);
        expect(res.every((r) => r.ok), JSON.stringify(res)).toBe(true);
        expect(new Set(res.slice(2).map((r) => r.answer))).toEqual(new Set(['node1']));

        await cluster.startNode(2);
        const back = await waitTable('node 2 back in the host table', expected());
        console.info(`[${o.title}] node 2 started again: back in the host table after ${back} ms`);
      }),
      60_000,
    );

    it(
      `a node that dies (no NOTIFICATION, no FIN): withdrawn within the hold time (${hold} s)`,
      guard(async () => {
        const t0 = Date.now();
        await cluster.crashNode(2);
        await waitTable('node 2 gone after its hold timer', expected({ without: 2 }), hold * 1000 + 5000);
        const elapsed = Date.now() - t0;
        console.info(`[${o.title}] node 2 crashed: host table updated after ${elapsed} ms (hold time ${hold} s)`);
        // Keepalives every hold/3 s: the hold timer fires between 2/3 and all of the hold time after
        // the crash (the lower bound is kept loose: it only shows that no FIN or NOTIFICATION did it).
        expect(elapsed).toBeGreaterThanOrEqual((hold * 1000) / 3);
        expect(elapsed).toBeLessThanOrEqual(hold * 1000 + 1500);
        const res = await probe([target(podAddress(1)), target(vipAddress, 4)]);
        expect(res.every((r) => r.ok && (r.answer === 'pod1' || r.answer === 'node1')), JSON.stringify(res)).toBe(true);

        await cluster.startNode(2);
        const back = await waitTable('node 2 back in the host table', expected(), 30_000);
        console.info(`[${o.title}] node 2 started again after its crash: back in the host table after ${back} ms`);
      }),
      60_000,
    );

    it(
      'restarting Wren (graceful): its routes stay while it is down; afterwards the same table, nothing duplicated',
      guard(async () => {
        const before = await kernelRoutes(net.host);
        expect(wrenTable(before)).toEqual(sortKeys(expected()));
        const beforeLines = snapshot(before);
        const whole = JSON.stringify(beforeLines);
        // the whole restart, sampled: not one moment without a route, a next hop less, anything changed
        const watch = watchTable(net.host);
        let samples: TableSample[] = [];
        try {
          const old = wren();
          const exit = await old.signalAndWait('SIGUSR2');
          expect(exit).toMatchObject({ code: 0, signal: null, stopping: { gracefulRestart: true, reason: 'SIGUSR2 received' } });
          expectStopped(exit);
          expect(old.logged('FIB: routes left in the table for the next start')[0], 'routes left').toMatchObject({ routes: Object.keys(expected()).length });

          const during = await kernelRoutes(net.host);
          expect(snapshot(during)).toEqual(snapshot(before));
          const res = await probe([target(podAddress(1)), target(podAddress(3))]);
          expect(res.every((r) => r.ok), `forwarding while Wren is down: ${JSON.stringify(res)}`).toBe(true);

          const w = await startWren();
          const adopted = w.logged('FIB: routes of ours found in the table; kept until the peers have sent their routes')[0];
          expect(adopted?.['routes'], 'routes of ours found at start').toBe(Object.keys(expected()).length);
          await expectReconciled(w);
          await waitTable('the same routes after the restart', expected());
        } finally {
          samples = await watch.stop();
        }
        const changed = samples
          .map((s) => ({ t: s.t, lines: snapshot(s.routes) }))
          .filter((s) => JSON.stringify(s.lines) !== whole)
          .map((s) => `+${s.t} ms: missing ${brief(beforeLines.filter((l) => !s.lines.includes(l)))}; new ${brief(s.lines.filter((l) => !beforeLines.includes(l)))}`);
        expect(changed, `samples of the table during the restart (${samples.length}) that differ from the table before`).toEqual([]);
        console.info(`[${o.title}] graceful restart: ${samples.length} samples of the table over ${samples.at(-1)?.t ?? 0} ms, every one as before`);
        const after = await kernelRoutes(net.host);
        expect(snapshot(after)).toEqual(snapshot(before));
        expect(duplicatePrefixes(after)).toEqual([]);
        for (const p of peerAddresses()) await wren().waitEstablished(p, 5000);
        // adopted routes the RIB wants again are not rewritten: the reconcile changed nothing
        expect(wren().logged('FIB reconciled with the RIB')[0], 'the reconcile after the restart').toMatchObject({ changes: 0, deleted: 0 });
      }),
      60_000,
    );

    it(
      'a block released while Wren is down is removed once Wren is back (no stale route)',
      guard(async () => {
        const node1 = cluster.topology.nodes[0]!;
        const released = (v6 ? node1.blocks6 : node1.blocks)[1]!;
        const watch = watchTable(net.host);
        let samples: TableSample[] = [];
        try {
          const exit = await wren().signalAndWait('SIGUSR2');
          expect(exit).toMatchObject({ code: 0, signal: null, stopping: { gracefulRestart: true, reason: 'SIGUSR2 received' } });
          expectStopped(exit);

          await cluster.setOriginated(1, (node1.config.originate ?? []).filter((p) => p !== released));
          if (o.mode === 'reflector') await cluster.rr.waitForNoRoute(released, { timeoutMs: 10_000 });
          else await cluster.node(1).waitForNoRoute(released, { timeoutMs: 10_000 });
          expect(Object.keys(await table()), 'kept while Wren is down').toContain(released);

          const w = await startWren();
          await expectReconciled(w);
          await waitTable(`${released} removed after the restart`, expected({ minus: [released] }), 5000);
        } finally {
          samples = await watch.stop();
        }
        // every other route stayed, as it was, all along
        const rest = JSON.stringify(sortKeys(expected({ minus: [released] })));
        expect(badSamples(samples, (t) => JSON.stringify(sortKeys(Object.fromEntries(Object.entries(t).filter(([p]) => p !== released)))) === rest), `${samples.length} samples`).toEqual([]);
        expect(duplicatePrefixes(await kernelRoutes(net.host))).toEqual([]);

        await cluster.setOriginated(1, node1.config.originate ?? []);
        await waitTable(`${released} back`, expected());
      }),
      60_000,
    );

    it(
      'stopping Wren (SIGTERM) removes all of its routes and nothing else',
      guard(async () => {
        const before = await kernelRoutes(net.host);
        const others: KernelRoute[] = before.filter((r) => !isWren(r));
        // WREN_E2E_GROUP_SIGNAL=1: to the whole process group, as systemd (KillMode=control-group) does
        const w = wren();
        const exit = await w.signalAndWait('SIGTERM', { group: process.env['WREN_E2E_GROUP_SIGNAL'] === '1' });
        expect(exit).toMatchObject({ code: 0, signal: null, stopping: { gracefulRestart: false, reason: 'SIGTERM received' } });
        expectStopped(exit);
        expect(w.logged('FIB: our routes removed')[0], 'routes removed').toMatchObject({ deleted: Object.keys(expected()).length, failed: 0 });
        expect(existsSync(w.socket), 'control socket removed').toBe(false);
        const after = await kernelRoutes(net.host);
        expect(after.filter(isWren)).toEqual([]);
        expect(await net.host.ip('route', 'show', 'proto', String(WREN_PROTOCOL)), 'ip route show proto 87').toBe('');
        expect(await net.host.ip('-6', 'route', 'show', 'proto', String(WREN_PROTOCOL)), 'ip -6 route show proto 87').toBe('');
        expect(snapshot(after)).toEqual(snapshot(others));
        const res = await probe([target(podAddress(1))]);
        expect(res[0]!.ok, 'no route to the pods any more').toBe(false);
      }),
      30_000,
    );
  });
}

/** Lines of snapshot(), in short: "10.96.0.10 proto 87 via 192.168.100.11,192.168.100.12". */
function brief(lines: readonly string[]): string {
  return `[${lines
    .map((l) => {
      const r = JSON.parse(l) as { dst: string; protocol?: string; gateway?: string; dev?: string; nexthops?: { gateway?: string }[] };
      const via = r.nexthops ? r.nexthops.map((h) => h.gateway).join(',') : (r.gateway ?? `dev ${r.dev ?? '?'}`);
      return `${r.dst} proto ${r.protocol ?? '?'} via ${via}`;
    })
    .join('; ')}]`;
}

function sortKeys(t: Table): Table {
  return Object.fromEntries(Object.entries(t).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
