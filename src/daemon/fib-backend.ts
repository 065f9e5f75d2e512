// Opens the forwarding-table backend the config (or `wren run --fib=...`) asks for, with what
// the kernel backend needs around it: this host's addresses for the guard rails, and a monitor
// of changes others make to our routes.

import type { Logger } from 'pino';
import type { FibChangeSource } from '../api/fib-sync.js';
import type { FibSpec } from '../config/types.js';
import { FibMonitor, MemoryFib, openKernelFib, readHostAddresses, type FibBackend, type FibTableOptions } from '../fib/index.js';
import { PlanFib, type PlannedChange } from '../fib/plan.js';

export interface OpenedFib {
  readonly backend: FibBackend | null;
  /** What it is, for status and logs: "kernel (netlink)", "kernel (iproute2)", "memory", "plan", "none". */
  readonly description: string;
  /** This host's addresses, read from the kernel when the config names none (guard rails). */
  readonly hostAddresses?: readonly string[];
  readonly monitor?: FibMonitor;
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
        source = await openKernelFib({ ...table, transport: spec.transport, logger: log });
      } catch (err) {
        log.warn({ err }, 'plan mode: the kernel table cannot be read; planning against an empty table');
      }
      return { backend: new PlanFib({ ...table, ...(source ? { source } : {}), output: planOutput }), description: source ? 'plan (against the kernel table)' : 'plan (against an empty table)' };
    }
    case 'kernel': {
      const backend = await openKernelFib({ ...table, transport: spec.transport, logger: log });
      let hostAddresses: string[] | undefined;
      if (!spec.hostAddresses) {
        hostAddresses = await readHostAddresses({ transport: spec.transport });
        log.info({ hostAddresses }, "FIB: this host's addresses, read from the kernel: routes via them or over their subnets are refused");
      }
      let monitor: FibMonitor | undefined;
      try {
        monitor = await FibMonitor.open({ ...table, transport: spec.transport, logger: log, ref: false });
        monitor.on('error', (err) => log.warn({ err }, 'FIB monitor error'));
      } catch (err) {
        log.warn({ err }, 'FIB: no monitor of the table; routes of ours deleted by others are found at the next reconcile only');
      }
      return { backend, description: `kernel (${backend.transport})`, ...(hostAddresses ? { hostAddresses } : {}), ...(monitor ? { monitor } : {}) };
    }
  }
}

export type { FibChangeSource };
