// Shared by bench/ingest.ts (the driver, which also runs the replayer) and bench/ingest-target.ts
// (the Wren receiver in a child process): the messages they exchange over the IPC channel, the
// clock both read, and memory snapshots.

/** Microseconds on CLOCK_MONOTONIC (process.hrtime), which is the same clock in every process on the host. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export interface MemorySnapshot {
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

/** process.memoryUsage() after full collections (needs --expose-gc). */
export function memoryAfterGc(): MemorySnapshot {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  // Twice: the first pass can leave weakly held or finalisable objects for the second.
  gc();
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

/** Driver -> target. */
export type TargetCommand =
  | {
      readonly cmd: 'start';
      readonly routerId: string;
      readonly listenAddress: string;
      readonly peerAddress: string;
      /** Loc-RIB size when every UPDATE has been applied. */
      readonly finalCount: number;
      /** Largest Loc-RIB size on the way (the final one must be seen after this one). */
      readonly peakCount: number;
    }
  | { readonly cmd: 'status' }
  | { readonly cmd: 'measure' }
  | { readonly cmd: 'stop' };

export interface TargetStatus {
  readonly count: number;
  /** nowUs() of the first 'routes' event, of the last one, and when finalCount was reached. */
  readonly firstUs: number | null;
  readonly lastChangeUs: number | null;
  readonly doneUs: number | null;
  readonly routeEvents: number;
  readonly peerState: string;
}

/** Target -> driver. */
export type TargetEvent =
  | { readonly ev: 'ready'; readonly port: number; readonly memory: MemorySnapshot; readonly pid: number }
  | { readonly ev: 'done'; readonly status: TargetStatus }
  | { readonly ev: 'status'; readonly status: TargetStatus }
  | {
      readonly ev: 'measured';
      readonly memory: MemorySnapshot;
      readonly status: TargetStatus;
      /** Speaker.routes().length, counted after the memory snapshot (it allocates). */
      readonly routesLength: number;
      readonly prefixesReceived: number;
      readonly rejected: Readonly<Record<string, number>> | null;
      readonly trieBytes: number;
    }
  | { readonly ev: 'error'; readonly message: string };
