// Opens the forwarding-table backend the config (or `wren run --fib=...`) asks for.

import type { Logger } from 'pino';
import type { FibSpec } from '../config/types.js';
import { Iproute2Fib, MemoryFib, type FibBackend, type FibTableOptions } from '../fib/index.js';
import { PlanFib, type PlannedChange } from '../fib/plan.js';

export interface OpenedFib {
  readonly backend: FibBackend | null;
  /** What it is, for status and logs: "kernel (iproute2)", "memory", "plan", "none". */
  readonly description: string;
}

export async function openFibBackend(spec: FibSpec, log: Logger, planOutput: (c: PlannedChange) => void): Promise<OpenedFib> {
  const table: FibTableOptions = { table: spec.table, metric: spec.metric, protocol: spec.protocol, onlink: spec.onlink };
  switch (spec.backend) {
    case 'none':
      return { backend: null, description: 'none' };
    case 'memory':
      return { backend: new MemoryFib(table), description: 'memory' };
    case 'plan': {
      // The diff against the real table when it can be read (root, Linux); else against an empty one.
      let source: FibBackend | undefined;
      try {
        source = await openKernel(spec, table, log);
      } catch (err) {
        log.warn({ err }, 'plan mode: the kernel table cannot be read; planning against an empty table');
      }
      return { backend: new PlanFib({ ...table, ...(source ? { source } : {}), output: planOutput }), description: source ? 'plan (against the kernel table)' : 'plan (against an empty table)' };
    }
    case 'kernel': {
      const backend = await openKernel(spec, table, log);
      return { backend, description: `kernel (${backend instanceof Iproute2Fib ? 'iproute2' : 'netlink'})` };
    }
  }
}

async function openKernel(spec: FibSpec, table: FibTableOptions, log: Logger): Promise<FibBackend> {
  if (spec.transport === 'netlink') throw new Error('the netlink transport is not available in this build; use transport: iproute2 or auto');
  log.info({ transport: 'iproute2', requested: spec.transport }, 'FIB: writing through `ip -batch`');
  return Iproute2Fib.open(table);
}
