// `wren lab` in-process: the topology converges (every block with its node as next hop, the VIP
// as one ECMP route in the memory FIB), a node going down shrinks the set, and the command prints
// the tables. The kernel variant runs as root only.
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryFib, MemoryKernel, type FibRoute } from '../../../src/fib/index.js';
import { kernelUnavailable } from '../../../src/lab/netns.js';
import { makePlan } from '../../../src/lab/plan.js';
import { runLab, type LabRunOptions } from '../../../src/lab/run.js';
import { LabTopology } from '../../../src/lab/topology.js';
import { skipTitle } from '../../helpers/until.js';

const VIP = '10.96.0.10/32';
const labs: LabTopology[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});

async function start(base: string, extra: Parameters<typeof makePlan>[0] = {}) {
  const kernel = new MemoryKernel();
  const lab = await LabTopology.start(makePlan({ base, ...extra }), { fib: new MemoryFib({ kernel }) });
  labs.push(lab);
  expect(await lab.waitConverged(5000)).toBe(true);
  return { lab, table: new MemoryFib({ kernel }) };
}

const hops = (routes: FibRoute[], prefix: string) => routes.find((r) => r.prefix === prefix)?.nextHops.map((h) => h.address).sort();

async function run(o: LabRunOptions, input?: string) {
  let out = '';
  let err = '';
  const code = await runLab(o, { out: (s) => (out += s), err: (s) => (err += s), ...(input !== undefined ? { input: Readable.from([input]) } : {}) });
  return { code, out, err };
}

describe('lab topology (gateway mode)', () => {
  it('the host learns every block from its node, the VIP from two, installs them, and the set shrinks and grows with node-2', async () => {
    const { lab, table } = await start('127.0.91');
    const nodes = lab.plan.nodes;
    for (const n of nodes) for (const b of n.blocks) expect(lab.host.route(b)?.nextHops).toEqual([n.address]);
    expect([...lab.host.route(VIP)!.nextHops].sort()).toEqual(['127.0.91.11', '127.0.91.12']);
    const installed = await table.list();
    expect(installed).toHaveLength(5);
    expect(hops(installed, VIP)).toEqual(['127.0.91.11', '127.0.91.12']);
    expect(hops(installed, '10.244.0.192/26')).toEqual(['127.0.91.13']);
    // Each node tells the host its own routes only.
    expect(lab.host.peerStates().map((p) => p.prefixesReceived)).toEqual([3, 2, 1]);

    await lab.nodeDown(2);
    expect(await lab.waitConverged(5000)).toBe(true);
    expect(lab.host.route(VIP)!.nextHops).toEqual(['127.0.91.11']);
    expect(lab.host.route('10.244.0.128/26')).toBeNull();
    expect(hops(await table.list(), VIP)).toEqual(['127.0.91.11']);
    expect(lab.host.peerStates()[1]!.state).not.toBe('Established');

    await lab.nodeUp(2);
    expect(await lab.waitConverged(8000)).toBe(true);
    expect(hops(await table.list(), VIP)).toEqual(['127.0.91.11', '127.0.91.12']);

    await lab.stop();
    expect(await table.list()).toEqual([]);
  });
});

describe('lab topology (rr mode)', () => {
  it('the host, a reflector client, learns every block through the reflector and both VIP paths (ADD-PATH)', async () => {
    const { lab, table } = await start('127.0.92', { mode: 'rr', nodes: 4, blocks: 1 });
    expect(lab.host.peerStates().map((p) => [p.address, p.type])).toEqual([['127.0.92.1', 'ibgp']]);
    expect(lab.reflector.peerStates().filter((p) => p.state === 'Established')).toHaveLength(5);
    for (const n of lab.plan.nodes) {
      const r = lab.host.route(n.blocks[0]!)!;
      expect(r.nextHops).toEqual([n.address]);
      expect(r.best.peerId).toBe('127.0.92.1');
    }
    // Both paths come from the reflector, told apart by their ADD-PATH ids.
    expect([...lab.host.route(VIP)!.nextHops].sort()).toEqual(['127.0.92.11', '127.0.92.12']);
    expect(lab.host.explain(VIP)!.candidates.map((c) => [c.path.peerId, c.path.pathId]).sort()).toEqual([
      ['127.0.92.1', 1],
      ['127.0.92.1', 2],
    ]);
    expect(lab.reflector.route(VIP)!.pathCount).toBe(2);
    const installed = await table.list();
    expect(installed).toHaveLength(5);
    expect(hops(installed, VIP)).toEqual(['127.0.92.11', '127.0.92.12']);
    // A VIP node goes: the set shrinks, whichever path was best.
    await lab.nodeDown(1);
    expect(await lab.waitConverged(5000)).toBe(true);
    expect(lab.host.route(VIP)!.nextHops).toEqual(['127.0.92.12']);
    expect(hops(await table.list(), VIP)).toEqual(['127.0.92.12']);
    await lab.nodeUp(1);
    expect(await lab.waitConverged(8000)).toBe(true);
    expect(hops(await table.list(), VIP)).toEqual(['127.0.92.11', '127.0.92.12']);
  });
});

describe('wren lab', () => {
  it('prints the topology, the status, routes and FIB tables, then node-2 going down, and exits 0', async () => {
    const started = Date.now();
    const { code, out, err } = await run({ base: '127.0.93' });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(out).toContain('wren lab (gateway mode)');
    expect(out).toContain('route reflector 127.0.93.1 (cluster id 244.0.0.1)');
    const [before, after] = out.split('== node-2 goes down');
    expect(before).toContain('IPv4 BGP status');
    expect(before).toMatch(/\| PEER ADDRESS \| PEER TYPE \| STATE \| {2}SINCE {3}\| {4}INFO {5}\|/);
    expect(before).toMatch(/\| 127\.0\.93\.12 +\| ebgp +\| up +\| \d\d:\d\d:\d\d \| Established \|/);
    expect(before).toMatch(/^10\.96\.0\.10\/32 +127\.0\.93\.11 +127\.0\.93\.11 +64512 +installed\n +127\.0\.93\.12 +127\.0\.93\.12\n/m);
    expect(before).toContain('10.96.0.10 proto wren metric 0\n\tnexthop via 127.0.93.11 weight 1\n\tnexthop via 127.0.93.12 weight 1\n');
    expect(before).toMatch(/#1 +ecmp +127\.0\.93\.12 .*in the ECMP set/);
    expect(after).toMatch(/\| 127\.0\.93\.12 +\| ebgp +\| start \|/);
    expect(after).toContain('10.96.0.10 via 127.0.93.11 proto wren metric 0\n');
    expect(after).not.toContain('10.244.0.128/26');
    expect(after).toContain('Stopped');
  });

  it('prints the views as JSON', async () => {
    const { code, out } = await run({ base: '127.0.94', json: true, nodes: 2, blocks: 1 });
    expect(code).toBe(0);
    const j = JSON.parse(out) as { lab: { mode: string }; converged: { routes: { routes: { prefix: string; nextHops: string[] }[] }; fib: FibRoute[] }; afterNodeDown: { node: number; fib: FibRoute[] } };
    expect(j.lab.mode).toBe('gateway');
    expect(j.converged.routes.routes.find((r) => r.prefix === VIP)!.nextHops).toEqual(['127.0.94.11', '127.0.94.12']);
    expect(j.afterNodeDown.node).toBe(2);
    expect(hops(j.afterNodeDown.fib, VIP)).toEqual(['127.0.94.11']);
  });

  it('--mode rr: the reflector sends the host both VIP paths (ADD-PATH), and node-2 going down shrinks the set', async () => {
    const { code, out, err } = await run({ base: '127.0.97', mode: 'rr' });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('wren lab (rr mode)');
    expect(out).toContain('ADD-PATH (RFC 7911)');
    const [before, after] = out.split('== node-2 goes down');
    expect(before).toMatch(/^10\.96\.0\.10\/32 +127\.0\.97\.11 +127\.0\.97\.1 +- +installed\n +127\.0\.97\.12 +127\.0\.97\.1\n/m);
    expect(before).toContain('10.96.0.10 proto wren metric 0\n\tnexthop via 127.0.97.11 weight 1\n\tnexthop via 127.0.97.12 weight 1\n');
    expect(before).toContain("The reflector's paths of the VIP: it passes its ECMP set on to the host (ADD-PATH)");
    expect(after).toContain('10.96.0.10 via 127.0.97.11 proto wren metric 0\n');
  });

  it('--follow takes commands until quit', async () => {
    const { code, out, err } = await run({ base: '127.0.95', follow: true }, 'down 2\nroutes 10.96.0.10 why\nstatus rr\nfib\nd 7\nfrobnicate\nquit\nstatus\n');
    expect(code).toBe(0);
    expect(out).toContain('Commands: down N');
    expect(out).toContain('== node-2 down ==');
    expect(out).toMatch(/^10\.96\.0\.10\/32 +127\.0\.95\.11 +127\.0\.95\.11 +64512 +installed\n +#0 +best /m);
    expect(out).toMatch(/\| 127\.0\.95\.13 +\| ibgp rr-client \| up/);
    expect(err).toContain('no node 7');
    expect(err).toContain('unknown command "frobnicate"');
  });

  it('exits 1 on bad options', async () => {
    const { code, err } = await run({ nodes: 0 });
    expect(code).toBe(1);
    expect(err).toContain('--nodes');
  });

  const noKernel = kernelUnavailable();
  it.skipIf(noKernel !== null)(skipTitle('--kernel installs the ECMP route into a namespace it creates and removes', noKernel), async () => {
    const { code, out, err } = await run({ base: '127.0.96', kernel: true });
    expect(err).toBe('');
    expect(code).toBe(0);
    const ns = `wren-lab-${process.pid}`;
    expect(out).toContain(`ip -n ${ns} route`);
    expect(out).toMatch(/10\.96\.0\.10 proto (87|wren) *\n\tnexthop via 192\.0\.2\.11 dev wlab0 weight 1 *\n\tnexthop via 192\.0\.2\.12 dev wlab0 weight 1/);
    expect(out).toMatch(/10\.96\.0\.10 via 192\.0\.2\.11 dev wlab0 proto (87|wren)/);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(ns);
  });
});
