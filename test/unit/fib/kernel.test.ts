// The iproute2 kernel backend against the compliance suite, inside throw-away network namespaces,
// plus what only a real `ip` shows: recovery after `ip` exits, and the speed of a 10,000-route batch.

import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Iproute2Fib } from '../../../src/fib/index.js';
import { IpBatchProcess } from '../../../src/fib/iproute2-batch.js';
import { skipTitle } from '../../helpers/until.js';
import { V4, describeFibCompliance } from './compliance.js';
import { batchRoundTrip, createTestNetwork, kernelTestEnv, probeKernel, routeBatches, routeRate, type TestNetwork } from './netns.js';

const skip = await probeKernel();

describeFibCompliance('kernel via iproute2 (ip -batch) in a network namespace', () => kernelTestEnv((options, ns) => Iproute2Fib.open({ ...options, netns: ns })), skip);

function v4Prefix(i: number): string {
  return `10.${100 + (i >> 8)}.${i & 255}.0/24`;
}

describe.skipIf(skip !== null)(skipTitle('kernel FIB via iproute2: beyond the compliance suite', skip), () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await createTestNetwork();
  });
  afterAll(async () => {
    await net?.remove();
  });

  it('reports the lines of an ip process that exited as unknown, and starts a new one', async () => {
    const batch = new IpBatchProcess('ip', ['-n', net.ns, '-force', '-batch', '-']);
    // `ip` exits on a line it cannot parse (a weight over 256): this is what route.ts keeps from happening.
    const bad = await batch.run([`route replace 10.201.0.0/24 proto 87 via ${V4.hops[0]}`, `route replace 10.201.1.0/24 proto 87 nexthop via ${V4.hops[0]} weight 300`, 'route del 10.201.0.0/24 proto 87']);
    expect(bad.unknownFrom).toBe(0);
    expect(bad.stopped).toMatch(/weight/);
    const good = await batch.run(['route del 10.201.0.0/24 proto 87', 'route del 10.201.0.0/24 proto 87']);
    expect(good.unknownFrom).toBeNull();
    expect([...good.failures.keys()]).toEqual([1]);
    expect(good.failures.get(1)).toMatch(/No such process/);
    await batch.close();
  });

  it('runs overlapping batches in order', async () => {
    const fib = await Iproute2Fib.open({ netns: net.ns });
    const a = fib.apply([{ op: 'replace', route: { prefix: '10.202.0.0/24', nextHops: [{ address: V4.hops[0] }] } }]);
    const b = fib.apply([{ op: 'delete', route: { prefix: '10.202.0.0/24', nextHops: [] } }, { op: 'delete', route: { prefix: '10.202.0.0/24', nextHops: [] } }]);
    expect((await a).failed).toBe(0);
    expect((await b).outcomes.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['ok', 'ESRCH']);
    await fib.close();
  });

  it('installs, changes and removes 10,000 routes in one batch each (speed printed)', async () => {
    const n = 10_000;
    const rate = (ms: number): string => routeRate(n, ms);
    const batches = routeBatches(n, v4Prefix);
    const { single } = batches;

    // The floor first (it also pays for the table's first growth): the same lines piped to a fresh `ip -batch`.
    const floor = (lines: string[]): number => {
      const t0 = performance.now();
      const res = spawnSync('ip', ['-n', net.ns, '-force', '-batch', '-'], { input: `${lines.join('\n')}\n`, encoding: 'utf8' });
      expect(res.status).toBe(0);
      return performance.now() - t0;
    };
    const floorAdd = floor(single.map((c) => `route replace ${c.route.prefix} proto 87 table 254 metric 0 via ${c.route.nextHops[0]!.address}`));
    const floorDel = floor(single.map((c) => `route del ${c.route.prefix} proto 87 table 254 metric 0`));
    console.log(`plain ip -batch (floor): add ${rate(floorAdd)}; delete ${rate(floorDel)}`);

    const fib = await Iproute2Fib.open({ netns: net.ns });
    await batchRoundTrip(fib, 'iproute2 backend', batches);
    await fib.close();
  }, 120_000);
});
