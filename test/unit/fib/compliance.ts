// The FIB compliance suite: the same tests for every FibBackend (memory.test.ts, kernel.test.ts).
// A backend passes when Wren cannot tell it from the kernel through the FibBackend interface.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FibWriter, reconcile, type FibBackend, type FibChange, type FibResult, type FibRoute, type FibTableOptions } from '../../../src/fib/index.js';
import { skipTitle } from '../../helpers/until.js';

/** Addresses of one family in the test network: a local interface address on a connected subnet. */
export interface FamilyPlan {
  /** This host's address with its subnet length ('10.255.0.1/28'). */
  readonly local: string;
  /** Four next hops on the connected subnet. */
  readonly hops: readonly [string, string, string, string];
  /** A next hop on no connected subnet. */
  readonly unreachable: string;
  /** Prefixes the tests install under (a /16 or /48). */
  readonly space: string;
}

export interface FibTestEnv {
  /** The interface the next hops are on. */
  readonly dev: string;
  readonly v4: FamilyPlan;
  readonly v6: FamilyPlan;
  /** A new backend instance on the same table state: a second call plays a restarted Wren. */
  open(options?: FibTableOptions): Promise<FibBackend>;
  /** Installs a route as someone else would (`ip route add ... proto static`). */
  addForeign(prefix: string, via: string, metric?: number): Promise<void>;
  /** The routes of protocol `static` in the main table. */
  foreign(): Promise<FibRoute[]>;
  close(): Promise<void>;
}

export const V4: FamilyPlan = {
  local: '10.255.0.1/28',
  hops: ['10.255.0.2', '10.255.0.3', '10.255.0.4', '10.255.0.5'],
  unreachable: '192.0.2.1',
  space: '10.200.0.0/16',
};

export const V6: FamilyPlan = {
  local: 'fd57:7265:6e00::1/64',
  hops: ['fd57:7265:6e00::2', 'fd57:7265:6e00::3', 'fd57:7265:6e00::4', 'fd57:7265:6e00::5'],
  unreachable: '2001:db8::1',
  space: 'fd57:7265:6e01::/48',
};

/** A backend that records what it was asked to apply. */
function spy(backend: FibBackend): FibBackend & { batches: FibChange[][] } {
  const batches: FibChange[][] = [];
  return {
    batches,
    apply: (changes) => {
      batches.push([...changes]);
      return backend.apply(changes);
    },
    list: () => backend.list(),
    close: () => backend.close(),
  };
}

function codes(r: FibResult): string[] {
  return r.outcomes.map((o) => (o.ok ? 'ok' : o.code));
}

function sortHops(r: FibRoute | undefined): FibRoute | undefined {
  return r && { ...r, nextHops: [...r.nextHops].sort((a, b) => a.address.localeCompare(b.address)) };
}

/** Registers the suite. `setup` runs in beforeAll; `skip` (a reason) skips it visibly. */
export function describeFibCompliance(name: string, setup: () => Promise<FibTestEnv>, skip: string | null = null): void {
  describe.skipIf(skip !== null)(skipTitle(`FIB compliance: ${name}`, skip), () => {
    let env: FibTestEnv;
    let opened: FibBackend[] = [];
    const open = async (options?: FibTableOptions): Promise<FibBackend> => {
      const b = await env.open(options);
      opened.push(b);
      return b;
    };
    const find = async (b: FibBackend, prefix: string): Promise<FibRoute | undefined> => sortHops((await b.list()).find((r) => r.prefix === prefix));

    beforeAll(async () => {
      env = await setup();
    });
    afterAll(async () => {
      await env?.close();
    });
    beforeEach(async () => {
      // Every test starts from an empty table of ours (foreign routes are the tests' business).
      const b = await open();
      await b.apply((await b.list()).map((route) => ({ op: 'delete', route })));
    });
    afterEach(async () => {
      await Promise.all(opened.map((b) => b.close()));
      opened = [];
    });

    it('adds a route with one next hop, resolved onto the connected interface', async () => {
      const b = await open();
      const r = await b.apply([{ op: 'replace', route: { prefix: '10.200.1.0/24', nextHops: [{ address: env.v4.hops[0] }] } }]);
      expect(codes(r)).toEqual(['ok']);
      expect(await find(b, '10.200.1.0/24')).toEqual({ prefix: '10.200.1.0/24', nextHops: [{ address: env.v4.hops[0], dev: env.dev }] });
    });

    it('replaces a route by a 4-way ECMP route and back, in place', async () => {
      const b = await open();
      const prefix = '10.200.2.0/24';
      await b.apply([{ op: 'replace', route: { prefix, nextHops: [{ address: env.v4.hops[0] }] } }]);
      const ecmp = env.v4.hops.map((address) => ({ address }));
      expect(codes(await b.apply([{ op: 'replace', route: { prefix, nextHops: ecmp } }]))).toEqual(['ok']);
      expect(await find(b, prefix)).toEqual({ prefix, nextHops: env.v4.hops.map((address) => ({ address, dev: env.dev, weight: 1 })) });
      expect((await b.list()).filter((r) => r.prefix === prefix)).toHaveLength(1);
      expect(codes(await b.apply([{ op: 'replace', route: { prefix, nextHops: [{ address: env.v4.hops[3] }] } }]))).toEqual(['ok']);
      expect(await find(b, prefix)).toEqual({ prefix, nextHops: [{ address: env.v4.hops[3], dev: env.dev }] });
    });

    it('keeps next hop weights of a multipath route', async () => {
      const b = await open();
      const prefix = '10.200.3.0/24';
      const hops = [{ address: env.v4.hops[0], weight: 3 }, { address: env.v4.hops[1] }];
      expect(codes(await b.apply([{ op: 'replace', route: { prefix, nextHops: hops } }]))).toEqual(['ok']);
      expect(await find(b, prefix)).toEqual({
        prefix,
        nextHops: [
          { address: env.v4.hops[0], dev: env.dev, weight: 3 },
          { address: env.v4.hops[1], dev: env.dev, weight: 1 },
        ],
      });
    });

    it('deletes a route; deleting a missing one fails with ESRCH and nothing else in the batch', async () => {
      const b = await open();
      const route = { prefix: '10.200.4.0/24', nextHops: [{ address: env.v4.hops[1] }] };
      await b.apply([{ op: 'replace', route }]);
      const r = await b.apply([
        { op: 'delete', route },
        { op: 'delete', route: { prefix: '10.200.5.0/24', nextHops: [] } },
        { op: 'replace', route: { prefix: '10.200.6.0/24', nextHops: [{ address: env.v4.hops[2] }] } },
      ]);
      expect(codes(r)).toEqual(['ok', 'ESRCH', 'ok']);
      expect(r.failed).toBe(1);
      expect((await b.list()).map((x) => x.prefix)).toEqual(['10.200.6.0/24']);
    });

    it('refuses unreachable next hops, unknown interfaces and malformed routes, route by route', async () => {
      const b = await open();
      const r = await b.apply([
        { op: 'replace', route: { prefix: '10.200.7.0/24', nextHops: [{ address: env.v4.unreachable }] } },
        { op: 'replace', route: { prefix: 'fd57:7265:6e01:7::/64', nextHops: [{ address: env.v6.unreachable }] } },
        { op: 'replace', route: { prefix: '10.200.8.0/24', nextHops: [{ address: env.v4.hops[0], dev: 'nosuchdev0' }] } },
        { op: 'replace', route: { prefix: '10.200.9.1/24', nextHops: [{ address: env.v4.hops[0] }] } },
        { op: 'replace', route: { prefix: '10.200.10.0/24', nextHops: [{ address: env.v6.hops[0] }] } },
        { op: 'replace', route: { prefix: '10.200.11.0/24', nextHops: [{ address: 'not-an-address' }] } },
        { op: 'replace', route: { prefix: '10.200.12.0/24', nextHops: [{ address: env.v4.hops[0], weight: 300 }, { address: env.v4.hops[1] }] } },
        { op: 'replace', route: { prefix: '10.200.13.0/24', nextHops: [{ address: env.v4.hops[0], dev: 'x y\nroute flush' }] } },
        { op: 'replace', route: { prefix: '10.200.14.0/24', nextHops: [{ address: env.v4.hops[0] }] } },
      ]);
      expect(codes(r)).toEqual(['ENETUNREACH', 'EHOSTUNREACH', 'ENODEV', 'EINVAL', 'EINVAL', 'EINVAL', 'EINVAL', 'EINVAL', 'ok']);
      for (const o of r.outcomes) if (!o.ok) expect(o.message).not.toBe('');
      expect((await b.list()).map((x) => x.prefix)).toEqual(['10.200.14.0/24']);
      // The backend still works after the failures.
      expect(codes(await b.apply([{ op: 'replace', route: { prefix: '10.200.15.0/24', nextHops: [{ address: env.v4.hops[1] }] } }]))).toEqual(['ok']);
    });

    it('installs IPv6 routes: one next hop, 4-way ECMP, back, and delete', async () => {
      const b = await open();
      const prefix = 'fd57:7265:6e01:1::/64';
      expect(codes(await b.apply([{ op: 'replace', route: { prefix, nextHops: [{ address: env.v6.hops[0] }] } }]))).toEqual(['ok']);
      expect(await find(b, prefix)).toEqual({ prefix, nextHops: [{ address: env.v6.hops[0], dev: env.dev }] });
      expect(codes(await b.apply([{ op: 'replace', route: { prefix, nextHops: env.v6.hops.map((address) => ({ address })) } }]))).toEqual(['ok']);
      expect(await find(b, prefix)).toEqual({ prefix, nextHops: env.v6.hops.map((address) => ({ address, dev: env.dev, weight: 1 })) });
      expect(codes(await b.apply([{ op: 'replace', route: { prefix, nextHops: [{ address: env.v6.hops[2] }] } }]))).toEqual(['ok']);
      expect(await find(b, prefix)).toEqual({ prefix, nextHops: [{ address: env.v6.hops[2], dev: env.dev }] });
      expect(codes(await b.apply([{ op: 'delete', route: { prefix, nextHops: [] } }, { op: 'delete', route: { prefix, nextHops: [] } }]))).toEqual(['ok', 'ESRCH']);
      expect(await b.list()).toEqual([]);
    });

    it('writes canonical prefixes and addresses', async () => {
      const b = await open();
      const r = await b.apply([{ op: 'replace', route: { prefix: 'FD57:7265:6E01:0002:0::/64', nextHops: [{ address: 'FD57:7265:6E00:0::2' }] } }]);
      expect(codes(r)).toEqual(['ok']);
      expect(await find(b, 'fd57:7265:6e01:2::/64')).toEqual({ prefix: 'fd57:7265:6e01:2::/64', nextHops: [{ address: env.v6.hops[0], dev: env.dev }] });
    });

    it("lists only its own routes and never touches another protocol's", async () => {
      await env.addForeign('10.200.20.0/24', env.v4.hops[0]);
      await env.addForeign('10.200.21.0/24', env.v4.hops[0], 100);
      const b = await open();
      await b.apply([{ op: 'replace', route: { prefix: '10.200.21.0/24', nextHops: [{ address: env.v4.hops[1] }] } }]);
      expect(await b.list()).toEqual([{ prefix: '10.200.21.0/24', nextHops: [{ address: env.v4.hops[1], dev: env.dev }] }]);
      // Our delete matches our protocol id: the static route of the same prefix stays.
      expect(codes(await b.apply([{ op: 'delete', route: { prefix: '10.200.20.0/24', nextHops: [] } }]))).toEqual(['ESRCH']);
      await reconcile(b, []);
      expect(await b.list()).toEqual([]);
      const foreign = (await env.foreign()).map((r) => r.prefix).sort();
      expect(foreign).toEqual(['10.200.20.0/24', '10.200.21.0/24']);
    });

    it('keeps tables apart', async () => {
      const main = await open();
      const other = await open({ table: 100 });
      await other.apply([{ op: 'replace', route: { prefix: '10.200.30.0/24', nextHops: [{ address: env.v4.hops[0] }] } }]);
      expect(await main.list()).toEqual([]);
      expect((await other.list()).map((r) => r.prefix)).toEqual(['10.200.30.0/24']);
      await reconcile(other, []);
      expect(await other.list()).toEqual([]);
    });

    it('reconciles: a restarted instance finds its routes and changes nothing; then only the difference', async () => {
      const desired: FibRoute[] = [];
      for (let i = 0; i < 20; i++) desired.push({ prefix: `10.200.${40 + i}.0/24`, nextHops: [{ address: env.v4.hops[i % 4]! }] });
      desired.push({ prefix: '10.200.60.0/24', nextHops: env.v4.hops.map((address) => ({ address })) });
      desired.push({ prefix: 'fd57:7265:6e01:60::/64', nextHops: env.v6.hops.slice(0, 2).map((address) => ({ address })) });
      desired.push({ prefix: 'fd57:7265:6e01:61::/64', nextHops: [{ address: env.v6.hops[3] }] });
      const first = await open();
      const r1 = await reconcile(first, desired);
      expect(r1.changes).toHaveLength(desired.length);
      expect(r1.result.failed).toBe(0);
      await first.close();

      const restarted = await open();
      const r2 = await reconcile(restarted, desired);
      expect(r2.changes).toEqual([]);
      expect(r2.installed).toHaveLength(desired.length);

      // One route gone, one changed, one new: three changes, nothing else rewritten.
      const next = desired.filter((r) => r.prefix !== '10.200.41.0/24').map((r) => (r.prefix === '10.200.42.0/24' ? { ...r, nextHops: [{ address: env.v4.hops[0] }] } : r));
      next.push({ prefix: '10.200.70.0/24', nextHops: [{ address: env.v4.hops[1] }] });
      const r3 = await reconcile(restarted, next);
      expect(r3.changes.map((c) => `${c.op} ${c.route.prefix}`).sort()).toEqual(['delete 10.200.41.0/24', 'replace 10.200.42.0/24', 'replace 10.200.70.0/24']);
      expect(r3.result.failed).toBe(0);
      expect((await reconcile(await open(), next)).changes).toEqual([]);
    });

    it('coalesces: a prefix changed twice before a flush is written once; added then withdrawn, not at all', async () => {
      const b = spy(await open());
      const w = new FibWriter(b, { delayMs: 60_000 });
      w.change([
        { op: 'replace', route: { prefix: '10.200.80.0/24', nextHops: [{ address: env.v4.hops[0] }] } },
        { op: 'replace', route: { prefix: '10.200.80.0/24', nextHops: [{ address: env.v4.hops[1] }, { address: env.v4.hops[2] }] } },
        { op: 'replace', route: { prefix: '10.200.81.0/24', nextHops: [{ address: env.v4.hops[0] }] } },
        { op: 'delete', route: { prefix: '10.200.81.0/24', nextHops: [] } },
      ]);
      const r = await w.flush();
      expect(b.batches.map((batch) => batch.map((c) => `${c.op} ${c.route.prefix} ${c.route.nextHops.length}`))).toEqual([['replace 10.200.80.0/24 2']]);
      expect(r.failed).toBe(0);
      expect((await b.list()).map((x) => x.prefix)).toEqual(['10.200.80.0/24']);
      // Asking again for what is installed writes nothing.
      w.change([{ op: 'replace', route: { prefix: '10.200.80.0/24', nextHops: [{ address: env.v4.hops[2] }, { address: env.v4.hops[1] }] } }]);
      await w.flush();
      expect(b.batches).toHaveLength(1);
      await w.close();
    });

    it('enforces the guard rails: local next hop, connected subnet, allowed prefixes, route limit', async () => {
      const b = spy(await open());
      const localV4 = env.v4.local.split('/')[0]!;
      const w = new FibWriter(b, { delayMs: 60_000, hostAddresses: [env.v4.local, env.v6.local], allowedPrefixes: [env.v4.space, env.v6.space, '10.255.0.0/16'], maxRoutes: 3 });
      const via = (address: string): { address: string }[] => [{ address }];
      w.change([
        { op: 'replace', route: { prefix: '10.200.90.0/24', nextHops: via(localV4) } },
        { op: 'replace', route: { prefix: '10.255.0.0/28', nextHops: via(env.v4.hops[0]) } },
        { op: 'replace', route: { prefix: '10.255.0.4/30', nextHops: via(env.v4.hops[0]) } },
        { op: 'replace', route: { prefix: '198.51.100.0/24', nextHops: via(env.v4.hops[0]) } },
        { op: 'replace', route: { prefix: '10.200.91.0/24', nextHops: via(env.v4.hops[0]) } },
        { op: 'replace', route: { prefix: '10.200.92.0/24', nextHops: via(env.v4.hops[1]) } },
        { op: 'replace', route: { prefix: 'fd57:7265:6e01:92::/64', nextHops: via(env.v6.hops[1]) } },
        { op: 'replace', route: { prefix: '10.200.93.0/24', nextHops: via(env.v4.hops[2]) } },
      ]);
      const r = await w.flush();
      expect(r.refused.map((x) => `${x.route.prefix} ${x.reason}`)).toEqual([
        '10.200.90.0/24 next-hop-is-local',
        '10.255.0.0/28 overlaps-connected',
        '10.255.0.4/30 overlaps-connected',
        '198.51.100.0/24 not-allowed',
        '10.200.93.0/24 max-routes',
      ]);
      expect((await b.list()).map((x) => x.prefix).sort()).toEqual(['10.200.91.0/24', '10.200.92.0/24', 'fd57:7265:6e01:92::/64']);
      // The connected route is still the kernel's.
      expect(b.batches.flat().some((c) => c.route.prefix.startsWith('10.255.'))).toBe(false);
      // Room made: the route refused for the limit goes in.
      w.change([{ op: 'delete', route: { prefix: '10.200.91.0/24', nextHops: [] } }]);
      const r2 = await w.flush();
      expect(r2.refused).toEqual([]);
      expect((await b.list()).map((x) => x.prefix).sort()).toEqual(['10.200.92.0/24', '10.200.93.0/24', 'fd57:7265:6e01:92::/64']);
      await w.close();
    });

    it('a writer reconciles at start, then writes only changes', async () => {
      const first = await open();
      await first.apply([
        { op: 'replace', route: { prefix: '10.200.100.0/24', nextHops: [{ address: env.v4.hops[0] }] } },
        { op: 'replace', route: { prefix: '10.200.101.0/24', nextHops: [{ address: env.v4.hops[0] }] } },
      ]);
      const b = spy(await open());
      const w = new FibWriter(b, { delayMs: 60_000 });
      const r = await w.reconcile([
        { prefix: '10.200.100.0/24', nextHops: [{ address: env.v4.hops[0] }] },
        { prefix: '10.200.102.0/24', nextHops: [{ address: env.v4.hops[1] }] },
      ]);
      expect(r.outcomes.map((o) => `${o.change.op} ${o.change.route.prefix}`)).toEqual(['delete 10.200.101.0/24', 'replace 10.200.102.0/24']);
      expect(w.installed().map((x) => x.prefix).sort()).toEqual(['10.200.100.0/24', '10.200.102.0/24']);
      w.change([{ op: 'delete', route: { prefix: '10.200.101.0/24', nextHops: [] } }, { op: 'delete', route: { prefix: '10.200.100.0/24', nextHops: [] } }]);
      await w.flush();
      expect(b.batches[1]?.map((c) => `${c.op} ${c.route.prefix}`)).toEqual(['delete 10.200.100.0/24']);
      await w.close();
    });
  });
}
