// `wren lab --kernel`: a network namespace `wren-lab-<pid>` whose kernel table the host's FIB
// writes. The host speaker itself runs in this process; only `ip -n NS` reaches into the namespace.
// Inside it, a veth pair (wlab0 <-> wlab1, both ends in the namespace) with 192.0.2.1/24 on wlab0
// puts the nodes' next hops (192.0.2.11, .12, ...) on a connected subnet, so that the kernel takes
// routes via them. Loopback next hops (127.X.Y.Z) it would refuse as gateways.
// The namespace is removed when the lab stops, on SIGINT, and as a last resort when the process
// exits; namespaces of earlier runs whose process is gone are removed at the next start.

import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PREFIX = 'wren-lab-';
export const LAB_DEV = 'wlab0';
const FAR_DEV = 'wlab1';

/** Runs `ip args...`; a failure names the command and what `ip` said. (Also used by bench/ and tests.) */
export async function ipCommand(args: readonly string[], options: { maxBuffer?: number } = {}): Promise<string> {
  try {
    return (await run('ip', [...args], { encoding: 'utf8', ...(options.maxBuffer ? { maxBuffer: options.maxBuffer } : {}) })).stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`ip ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

const ip = (...args: string[]): Promise<string> => ipCommand(args);

/** Why `--kernel` cannot run here, or null. */
export function kernelUnavailable(): string | null {
  if (process.platform !== 'linux') return 'network namespaces are a Linux feature';
  if (process.getuid?.() !== 0) return 'creating a network namespace needs root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return '`ip` (iproute2) is not installed';
  }
  return null;
}

/** True while a process of that pid exists (EPERM: it exists, it is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the namespaces whose name matches `pattern` (its first group: the pid of the process
 * that made it) and whose process is gone; returns their names.
 */
export async function sweepNamespaces(pattern: RegExp): Promise<string[]> {
  const names = (await ip('netns', 'list')).split('\n').map((l) => l.split(' ')[0] ?? '');
  const stale = names.filter((n) => {
    const m = pattern.exec(n);
    return m !== null && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
  });
  for (const n of stale) await ip('netns', 'del', n).catch(() => undefined);
  return stale;
}

/** Removes `wren-lab-<pid>` namespaces whose process is gone; returns their names. */
export async function sweepStaleLabNamespaces(): Promise<string[]> {
  return sweepNamespaces(new RegExp(`^${PREFIX}(\\d+)$`));
}

export interface LabNamespace {
  readonly name: string;
  /** `ip -n NAME route`: what the kernel table holds. */
  routes(): Promise<string>;
  remove(): Promise<void>;
}

export async function createLabNamespace(link: { address: string }): Promise<LabNamespace> {
  const name = `${PREFIX}${process.pid}`;
  let created = false;
  const removeSync = (): void => {
    if (!created) return;
    created = false;
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  };
  const remove = async (): Promise<void> => {
    process.off('exit', removeSync);
    if (!created) return;
    created = false;
    await ip('netns', 'del', name).catch(() => undefined);
  };
  process.once('exit', removeSync);
  try {
    await sweepStaleLabNamespaces().catch(() => []);
    await ip('netns', 'add', name);
    created = true;
    await ip('-n', name, 'link', 'add', LAB_DEV, 'type', 'veth', 'peer', 'name', FAR_DEV);
    await ip('-n', name, 'addr', 'add', link.address, 'dev', LAB_DEV);
    for (const dev of ['lo', LAB_DEV, FAR_DEV]) await ip('-n', name, 'link', 'set', dev, 'up');
  } catch (err) {
    await remove();
    throw err;
  }
  return { name, routes: () => ip('-n', name, 'route'), remove };
}
