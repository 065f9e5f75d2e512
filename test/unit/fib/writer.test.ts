// FibWriter and its coalescer with the memory backend: timing, batching, coalescing, the limit,
// a property over random change sequences, and deltas from a real Rib.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FibCoalescer, FibGuard, FibWriter, MemoryFib, changeFromDelta, reconcile, routeSatisfies, type FibBackend, type FibChange, type FibRoute, type FlushReport } from '../../../src/fib/index.js';
import { Rib, type RibDelta } from '../../../src/rib/index.js';
import { ManualClock } from '../../../src/session/clock.js';
import { LOCAL_AS, ROUTER_ID, peer, update4, withdraw4 } from '../rib/helpers.js';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
const route = (prefix: string, ...hops: string[]): FibRoute => ({ prefix, nextHops: hops.map((address) => ({ address })) });
const put = (prefix: string, ...hops: string[]): FibChange => ({ op: 'replace', route: route(prefix, ...hops) });
const del = (prefix: string): FibChange => ({ op: 'delete', route: route(prefix) });

function spied(): { fib: MemoryFib; backend: FibBackend; batches: FibChange[][] } {
  const fib = new MemoryFib();
  const batches: FibChange[][] = [];
  const backend: FibBackend = {
    apply: (c) => {
      batches.push([...c]);
      return fib.apply(c);
    },
    list: () => fib.list(),
    close: () => fib.close(),
  };
  return { fib, backend, batches };
}

describe('FibWriter timing', () => {
  it('flushes delayMs after the first change, not before', async () => {
    const clock = new ManualClock();
    const { backend, batches } = spied();
    const w = new FibWriter(backend, { delayMs: 50, timers: clock });
    w.change([put('10.0.1.0/24', '192.0.2.1')]);
    clock.advance(30);
    w.change([put('10.0.2.0/24', '192.0.2.1')]);
    await settle();
    expect(batches).toEqual([]);
    clock.advance(20);
    await settle();
    expect(batches.map((b) => b.length)).toEqual([2]);
    expect(w.pendingCount).toBe(0);
  });

  it('flushes at once when maxBatch prefixes wait, in batches of maxBatch', async () => {
    const clock = new ManualClock();
    const { backend, batches } = spied();
    const reports: number[] = [];
    const w = new FibWriter(backend, { delayMs: 1000, maxBatch: 2, timers: clock, onFlush: (r) => reports.push(r.batches) });
    w.change(['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24', '10.0.4.0/24', '10.0.5.0/24'].map((p) => put(p, '192.0.2.1')));
    await settle();
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(reports).toEqual([3]);
  });

  it('runs one flush at a time; changes made during a flush go out in the next', async () => {
    const { fib, batches } = spied();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow: FibBackend = {
      apply: async (c) => {
        batches.push([...c]);
        if (batches.length === 1) await gate;
        return fib.apply(c);
      },
      list: () => fib.list(),
      close: () => fib.close(),
    };
    const w = new FibWriter(slow, { delayMs: 1e9 });
    w.change([put('10.0.1.0/24', '192.0.2.1')]);
    const first = w.flush();
    await settle();
    w.change([put('10.0.1.0/24', '192.0.2.2'), put('10.0.2.0/24', '192.0.2.2')]);
    const second = w.flush();
    await settle();
    expect(batches).toHaveLength(1);
    release();
    await Promise.all([first, second]);
    expect(batches.map((b) => b.map((c) => c.route.prefix))).toEqual([['10.0.1.0/24'], ['10.0.1.0/24', '10.0.2.0/24']]);
    expect(await fib.list()).toEqual([route('10.0.1.0/24', '192.0.2.2'), route('10.0.2.0/24', '192.0.2.2')]);
  });
});

describe('FibCoalescer', () => {
  it('writes the latest state once, nothing for add+withdraw or a change back', () => {
    const c = new FibCoalescer(new FibGuard());
    c.adopt([route('10.0.9.0/24', '192.0.2.1')]);
    c.offer(put('10.0.1.0/24', '192.0.2.1'));
    c.offer(put('10.0.1.0/24', '192.0.2.2'));
    c.offer(put('10.0.2.0/24', '192.0.2.1'));
    c.offer(del('10.0.2.0/24'));
    c.offer(del('10.0.9.0/24'));
    c.offer(put('10.0.9.0/24', '192.0.2.1'));
    c.offer(del('10.0.3.0/24'));
    expect(c.take(100).changes).toEqual([put('10.0.1.0/24', '192.0.2.2')]);
    expect(c.pendingCount).toBe(0);
  });

  it('keys prefixes canonically', () => {
    const c = new FibCoalescer(new FibGuard());
    c.offer(put('2001:DB8::/32', '2001:db8::1'));
    c.offer(del('2001:0db8:0::/32'));
    expect(c.take(100).changes).toEqual([]);
  });

  it('deletes an installed route whose new version is refused', () => {
    const c = new FibCoalescer(new FibGuard({ hostAddresses: ['192.0.2.9/24'] }));
    c.adopt([route('10.0.1.0/24', '192.0.2.1')]);
    c.offer(put('10.0.1.0/24', '192.0.2.9'));
    const t = c.take(100);
    expect(t.changes).toEqual([{ op: 'delete', route: route('10.0.1.0/24', '192.0.2.1') }]);
    expect(t.refused.map((r) => r.reason)).toEqual(['next-hop-is-local']);
  });

  it('counts the limit after deletes, and installs over-limit routes once there is room', () => {
    const c = new FibCoalescer(new FibGuard(), 2);
    c.adopt([route('10.0.1.0/24', '192.0.2.1'), route('10.0.2.0/24', '192.0.2.1')]);
    c.offer(put('10.0.3.0/24', '192.0.2.1'));
    c.offer(del('10.0.1.0/24'));
    c.offer(put('10.0.4.0/24', '192.0.2.1'));
    const t = c.take(100);
    expect(t.changes.map((x) => `${x.op} ${x.route.prefix}`)).toEqual(['delete 10.0.1.0/24', 'replace 10.0.3.0/24']);
    expect(t.refused.map((r) => `${r.route.prefix} ${r.reason}`)).toEqual(['10.0.4.0/24 max-routes']);
    c.commit({ outcomes: t.changes.map((change) => ({ ok: true, change })), failed: 0 });
    c.offer(del('10.0.2.0/24'));
    expect(c.take(100).changes.map((x) => `${x.op} ${x.route.prefix}`)).toEqual(['delete 10.0.2.0/24', 'replace 10.0.4.0/24']);
  });

  it('follows outcomes: a failed replace keeps the old belief, ESRCH on delete forgets the route', () => {
    const c = new FibCoalescer(new FibGuard());
    c.adopt([route('10.0.1.0/24', '192.0.2.1'), route('10.0.2.0/24', '192.0.2.1')]);
    c.commit({
      outcomes: [
        { ok: false, change: put('10.0.1.0/24', '192.0.2.7'), code: 'ENETUNREACH', message: 'x' },
        { ok: false, change: del('10.0.2.0/24'), code: 'ESRCH', message: 'x' },
      ],
      failed: 2,
    });
    expect(c.installedRoutes()).toEqual([route('10.0.1.0/24', '192.0.2.1')]);
  });
});

describe('FibWriter properties', () => {
  const prefixes = ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24', 'fd00::/64', 'fd00:1::/64'];
  const hops4 = ['192.0.2.1', '192.0.2.2', '192.0.2.3'];
  const hops6 = ['2001:db8::1', '2001:db8::2'];
  const step = fc.oneof(
    fc.record({ kind: fc.constant('change' as const), p: fc.nat(prefixes.length - 1), hops: fc.subarray([0, 1, 2]) }),
    fc.record({ kind: fc.constant('flush' as const) }),
  );

  it('after any sequence of changes and flushes, the FIB is the last wanted state, each prefix written at most once per flush', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), async (steps, maxBatch) => {
        const { fib, backend } = spied();
        const reports: FlushReport[] = [];
        // A small maxBatch also flushes on its own, between the explicit flushes.
        const w = new FibWriter(backend, { delayMs: 1e9, maxBatch, onFlush: (r) => reports.push(r) });
        const want = new Map<string, FibRoute | null>();
        for (const s of steps) {
          if (s.kind === 'flush') {
            await w.flush();
            continue;
          }
          const prefix = prefixes[s.p]!;
          const pool = prefix.includes(':') ? hops6 : hops4;
          const hops = s.hops.filter((i) => i < pool.length).map((i) => pool[i]!);
          const c: FibChange = hops.length > 0 ? put(prefix, ...hops) : del(prefix);
          w.change([c]);
          want.set(prefix, hops.length > 0 ? c.route : null);
        }
        await w.flush();
        for (const r of reports) {
          const written = r.outcomes.map((o) => o.change.route.prefix);
          expect(new Set(written).size).toBe(written.length);
          // Deletes only go to installed routes, replaces only to valid ones: nothing fails.
          expect(r.failed).toBe(0);
        }
        const listed = await fib.list();
        const expected = [...want.values()].filter((r): r is FibRoute => r !== null);
        expect(listed.map((r) => r.prefix).sort()).toEqual(expected.map((r) => r.prefix).sort());
        for (const r of expected) expect(routeSatisfies(listed.find((l) => l.prefix === r.prefix)!, r)).toBe(true);
        // The writer's belief matches the FIB, and a new instance on the same state has nothing to do.
        expect(w.installed().map((r) => r.prefix).sort()).toEqual(listed.map((r) => r.prefix).sort());
        expect((await reconcile(new MemoryFib({ kernel: fib.kernel }), expected)).changes).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('from the RIB to the FIB', () => {
  it('turns deltas into changes: a multipath set is one route, a withdrawal a delete', async () => {
    const rib = new Rib({ routerId: ROUTER_ID, localAsn: LOCAL_AS, maxPaths: { ebgp: 8, ibgp: 1 } });
    for (const n of [1, 2, 3]) rib.addPeer(peer(n));
    const { fib, batches } = spied();
    const w = new FibWriter({ apply: (c) => (batches.push([...c]), fib.apply(c)), list: () => fib.list(), close: () => fib.close() }, { delayMs: 1e9 });
    const P = '198.51.100.0/24';
    const deltas: RibDelta[] = [];
    for (const n of [1, 2, 3]) deltas.push(...rib.applyUpdate(`p${n}`, update4([P], { asPath: [64512], nextHop: `192.0.2.${n}` })));
    expect(deltas).toHaveLength(3);
    w.update(deltas);
    await w.flush();
    expect(batches).toHaveLength(1);
    expect(await fib.list()).toEqual([{ prefix: P, nextHops: ['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((address) => ({ address, weight: 1 })) }]);
    w.update(rib.applyUpdate('p2', withdraw4([P])));
    w.update(rib.applyUpdate('p1', withdraw4([P])));
    w.update(rib.applyUpdate('p3', withdraw4([P])));
    await w.flush();
    expect(batches[1]).toEqual([{ op: 'delete', route: { prefix: P, nextHops: [{ address: '192.0.2.1' }, { address: '192.0.2.2' }, { address: '192.0.2.3' }] } }]);
    expect(await fib.list()).toEqual([]);
  });

  it('changeFromDelta: no best path or no next hops means delete', () => {
    const base = { prefix: '10.0.0.0/8', key: 0, afi: 1 as const, added: [], removed: [] };
    expect(changeFromDelta({ ...base, best: null, nextHops: [] }).op).toBe('delete');
    const best = {} as NonNullable<RibDelta['best']>;
    expect(changeFromDelta({ ...base, best, nextHops: [] }).op).toBe('delete');
    expect(changeFromDelta({ ...base, best, nextHops: ['192.0.2.1'] })).toEqual(put('10.0.0.0/8', '192.0.2.1'));
  });
});
