// Plan mode: the diff against the real table, printed as JSON and `ip` commands, never applied.
import { describe, expect, it } from 'vitest';
import { FibWriter, MemoryFib, type FibRoute } from '../../../src/fib/index.js';
import { PlanFib, type PlannedChange } from '../../../src/fib/plan.js';

const route = (prefix: string, ...hops: string[]): FibRoute => ({ prefix, nextHops: hops.map((address) => ({ address })) });

describe('PlanFib', () => {
  it('plans the difference with the real table, and leaves the real table alone', async () => {
    const real = new MemoryFib();
    await real.apply([
      { op: 'replace', route: route('10.244.1.0/26', '192.168.1.11') },
      { op: 'replace', route: route('10.244.9.0/26', '192.168.1.19') },
    ]);
    const planned: PlannedChange[] = [];
    const plan = new PlanFib({ source: real, output: (c) => planned.push(c) });
    const writer = new FibWriter(plan);
    await writer.reconcile([route('10.244.1.0/26', '192.168.1.11'), route('10.96.0.10/32', '192.168.1.11', '192.168.1.12')]);
    expect(planned).toEqual([
      { op: 'delete', prefix: '10.244.9.0/26', nextHops: ['192.168.1.19'], command: 'ip route del 10.244.9.0/26 proto 87 table 254 metric 0' },
      {
        op: 'replace',
        prefix: '10.96.0.10/32',
        nextHops: ['192.168.1.11', '192.168.1.12'],
        command: 'ip route replace 10.96.0.10/32 proto 87 table 254 metric 0 nexthop via 192.168.1.11 weight 1 nexthop via 192.168.1.12 weight 1',
      },
    ]);
    expect((await real.list()).map((r) => r.prefix).sort()).toEqual(['10.244.1.0/26', '10.244.9.0/26']);
    // Later changes are planned against the planned state: the VIP shrinking is one replace.
    planned.length = 0;
    writer.change([{ op: 'replace', route: route('10.96.0.10/32', '192.168.1.12') }]);
    await writer.flush();
    expect(planned.map((c) => c.command)).toEqual(['ip route replace 10.96.0.10/32 proto 87 table 254 metric 0 via 192.168.1.12']);
  });
});
