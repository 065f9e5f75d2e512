// The memory FIB against the compliance suite, with the same interface plan as the kernel test.

import { MemoryFib, MemoryKernel } from '../../../src/fib/index.js';
import { V4, V6, describeFibCompliance, type FibTestEnv } from './compliance.js';

const DEV = 'wfib0';

describeFibCompliance('memory', async (): Promise<FibTestEnv> => {
  const kernel = new MemoryKernel([{ name: DEV, addresses: [V4.local, V6.local] }]);
  return {
    dev: DEV,
    v4: V4,
    v6: V6,
    open: async (options) => new MemoryFib({ ...options, kernel }),
    addForeign: async (prefix, via, metric = 0) => {
      const r = kernel.add({ prefix, nextHops: [{ address: via }] }, { table: 254, metric, protocol: 4 });
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
    },
    foreign: async () => kernel.routes().filter((r) => r.protocol === 4 && r.table === 254).map((r) => r.route),
    close: async () => {},
  };
});
