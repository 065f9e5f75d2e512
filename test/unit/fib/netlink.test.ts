// The rtnetlink kernel backend against the compliance suite, inside throw-away network namespaces,
// plus what only a real kernel shows: batches of thousands of requests, failures inside a batch,
// host addresses, and the speed of a 10,000-route batch.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetlinkFib, loadNetlinkShim, openKernelFib, readHostAddresses, type FibChange } from '../../../src/fib/index.js';
import { skipTitle } from '../../helpers/until.js';
import { V4, V6, describeFibCompliance } from './compliance.js';
import { batchRoundTrip, createTestNetwork, kernelTestEnv, probeKernel, routeBatches, type TestNetwork } from './netns.js';

const run = promisify(execFile);
const skip = await probeKernel(() => {
  const shim = loadNetlinkShim();
  return shim.ok ? null : shim.reason;
});

describeFibCompliance('kernel via rtnetlink (native shim) in a network namespace', () => kernelTestEnv((options, ns) => NetlinkFib.open({ ...options, netns: ns })), skip);

function v4Prefix(i: number): string {
  return `10.${100 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
}

function codes(outcomes: readonly { ok: boolean; code?: string }[]): string[] {
  return outcomes.map((o) => (o.ok ? 'ok' : o.code!));
}

describe.skipIf(skip !== null)(skipTitle('kernel FIB via rtnetlink: beyond the compliance suite', skip), () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await createTestNetwork();
  });
  afterAll(async () => {
    await net?.remove();
  });

  it('gives every change of a multi-batch apply its own outcome, failures anywhere', async () => {
    const fib = await NetlinkFib.open({ netns: net.ns, batchSize: 100 });
    const changes: FibChange[] = [];
    for (let i = 0; i < 1000; i++) {
      // Every 97th next hop is on no connected subnet; every 101st change deletes a missing route.
      if (i % 101 === 50) changes.push({ op: 'delete', route: { prefix: `10.99.${i >> 8}.${i & 255}/32`, nextHops: [] } });
      else changes.push({ op: 'replace', route: { prefix: v4Prefix(i), nextHops: [{ address: i % 97 === 3 ? V4.unreachable : V4.hops[i % 4]! }] } });
    }
    const r = await fib.apply(changes);
    const expected = changes.map((c, i) => (c.op === 'delete' ? 'ESRCH' : i % 97 === 3 ? 'ENETUNREACH' : 'ok'));
    expect(codes(r.outcomes)).toEqual(expected);
    expect(r.outcomes.every((o, i) => o.change === changes[i])).toBe(true);
    expect(await fib.list()).toHaveLength(expected.filter((c) => c === 'ok').length);
    // The last request of a batch failing is answered too (it carries the batch's ACK).
    const last = await fib.apply([{ op: 'delete', route: { prefix: '10.98.0.0/24', nextHops: [] } }]);
    expect(codes(last.outcomes)).toEqual(['ESRCH']);
    const del = await fib.apply((await fib.list()).map((route) => ({ op: 'delete' as const, route })));
    expect(del.failed).toBe(0);
    await fib.close();
  });

  it('acks every request when asked, with the same outcomes', async () => {
    const fib = await NetlinkFib.open({ netns: net.ns, ackEach: true, batchSize: 7 });
    const changes: FibChange[] = [];
    for (let i = 0; i < 50; i++) changes.push({ op: 'replace', route: { prefix: v4Prefix(i), nextHops: [{ address: i === 20 ? V4.unreachable : V4.hops[0] }] } });
    const r = await fib.apply(changes);
    expect(codes(r.outcomes)).toEqual(changes.map((_, i) => (i === 20 ? 'ENETUNREACH' : 'ok')));
    expect((await fib.apply(changes.map((c) => ({ op: 'delete', route: c.route })))).failed).toBe(1);
    await fib.close();
  });

  it('reports changes whose answers the kernel dropped (ENOBUFS) as EIO, never as success', async () => {
    // The smallest buffers the kernel allows: batches shrink to fit the send buffer, and their ACKs
    // overflow the receive buffer.
    const fib = await NetlinkFib.open({ netns: net.ns, ackEach: true, bufferBytes: 1 });
    const changes: FibChange[] = Array.from({ length: 3000 }, (_, i) => ({ op: 'replace', route: { prefix: v4Prefix(i), nextHops: [{ address: V4.hops[i % 4]! }] } }));
    const r = await fib.apply(changes);
    const seen = new Set(codes(r.outcomes));
    expect([...seen].sort()).toEqual(['EIO', 'ok']);
    expect(r.outcomes.find((o) => !o.ok)).toMatchObject({ message: expect.stringMatching(/ENOBUFS/) });
    // Nothing reported ok is missing (the EIO ones are most likely in too: only their ACKs were lost).
    const listed = new Set((await fib.list()).map((x) => x.prefix));
    expect(r.outcomes.every((o) => !o.ok || listed.has(o.change.route.prefix))).toBe(true);
    expect((await fib.apply([...listed].map((prefix) => ({ op: 'delete', route: { prefix, nextHops: [] } })))).outcomes.every((o) => o.ok || o.code === 'EIO')).toBe(true);
    await fib.close();
    const clean = await NetlinkFib.open({ netns: net.ns });
    await clean.apply((await clean.list()).map((route) => ({ op: 'delete', route })));
    expect(await clean.list()).toEqual([]);
    await clean.close();
  });

  it('runs overlapping applies in call order', async () => {
    const fib = await NetlinkFib.open({ netns: net.ns, batchSize: 3 });
    const routes = Array.from({ length: 10 }, (_, i) => ({ prefix: v4Prefix(i), nextHops: [{ address: V4.hops[0] }] }));
    const a = fib.apply(routes.map((route) => ({ op: 'replace', route })));
    const b = fib.apply(routes.map((route) => ({ op: 'delete', route })));
    expect((await a).failed).toBe(0);
    expect((await b).failed).toBe(0);
    expect(await fib.list()).toEqual([]);
    await fib.close();
  });

  it('says which namespace does not exist', async () => {
    await expect(NetlinkFib.open({ netns: 'wren-no-such-netns' })).rejects.toThrow(/netns/);
  });

  it('reads the host addresses of a namespace, with their prefix lengths, through either transport', async () => {
    const viaNetlink = await readHostAddresses({ netns: net.ns, transport: 'netlink' });
    expect(viaNetlink).toEqual(expect.arrayContaining(['127.0.0.1/8', '::1/128', V4.local, V6.local]));
    const viaIp = await readHostAddresses({ netns: net.ns, transport: 'iproute2' });
    expect([...viaIp].sort()).toEqual([...viaNetlink].sort());
  });

  it('chooses rtnetlink when the shim is there, ip -batch when asked', async () => {
    const lines: string[] = [];
    const logger = { info: (o: object, msg: string) => lines.push(`${msg} ${JSON.stringify(o)}`), warn: () => undefined } as never;
    const auto = await openKernelFib({ netns: net.ns, logger });
    expect(auto.transport).toBe('netlink');
    await auto.close();
    const ip = await openKernelFib({ netns: net.ns, transport: 'iproute2', logger });
    expect(ip.transport).toBe('iproute2');
    await ip.close();
    expect(lines.join('\n')).toMatch(/netlink/);
  });

  it('installs, changes and removes 10,000 routes in one apply each (speed printed)', async () => {
    const n = 10_000;
    const fib = await NetlinkFib.open({ netns: net.ns });
    await batchRoundTrip(fib, 'rtnetlink backend', routeBatches(n, v4Prefix));
    const { stdout } = await run('ip', ['-n', net.ns, 'route', 'show', 'proto', '87']);
    expect(stdout).toBe('');
    await fib.close();
  }, 120_000);
});
