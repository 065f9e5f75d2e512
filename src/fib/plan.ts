// Plan mode (`wren run --fib=plan`): what Wren would write to the table, printed, never applied.
// The real table is read once (so the plan is the diff against what is there), then a memory copy
// plays the kernel: later changes are planned against the state the earlier ones would have made.
// Each change is printed as one JSON line and as the `ip` command that would make it.

import { replaceLine, deleteLine } from './iproute2-commands.js';
import { MemoryFib } from './memory.js';
import { checkChange } from './route.js';
import { resolveTableOptions, type FibBackend, type FibChange, type FibResult, type FibRoute, type FibTableOptions } from './types.js';

export interface PlannedChange {
  readonly op: FibChange['op'];
  readonly prefix: string;
  readonly nextHops: readonly string[];
  /** The `ip` command that makes the change (`ip route replace ...`). */
  readonly command: string;
}

export interface PlanFibOptions extends FibTableOptions {
  /** The table as it is: read once, at the first list() or apply(). Without it, an empty table. */
  readonly source?: FibBackend;
  /** Where each planned change goes (one call per change). */
  readonly output: (change: PlannedChange) => void;
}

export class PlanFib implements FibBackend {
  private readonly shadow: MemoryFib;
  private loaded: Promise<void> | null = null;
  private readonly table;

  constructor(private readonly options: PlanFibOptions) {
    this.table = resolveTableOptions(options);
    this.shadow = new MemoryFib(options);
  }

  async apply(changes: readonly FibChange[]): Promise<FibResult> {
    await this.load();
    const result = await this.shadow.apply(changes);
    for (const o of result.outcomes) {
      if (!o.ok) continue;
      const check = checkChange(o.change);
      if (!check.ok) continue;
      const line = o.change.op === 'replace' ? replaceLine(check.checked, this.table) : deleteLine(check.checked, this.table);
      this.options.output({ op: o.change.op, prefix: o.change.route.prefix, nextHops: o.change.route.nextHops.map((h) => h.address), command: `ip ${line}` });
    }
    return result;
  }

  async list(): Promise<FibRoute[]> {
    await this.load();
    return this.shadow.list();
  }

  async close(): Promise<void> {
    await this.shadow.close();
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const routes = this.options.source ? await this.options.source.list() : [];
      await this.shadow.apply(routes.map((route) => ({ op: 'replace', route })));
    })();
    return this.loaded;
  }
}
