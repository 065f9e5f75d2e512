// Which interop tools are present, and a skip reason when some are not.
//
//   const reason = requireTools(['bird', 'gobgp']);
//   describe.skipIf(!!reason)(`gobgp interop${reason ? ` (skipped: ${reason})` : ''}`, () => { ... });

import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Tool groups:
 * - bird:   bird + birdc (Debian bird2)
 * - gobgp:  gobgpd + gobgp (Debian gobgpd)
 * - frr:    /usr/lib/frr/bgpd + vtysh (Debian frr; vtysh is in the same package and is how bgpd is queried)
 * - exabgp: exabgp + the python3 its script runs on (Debian exabgp)
 * - ip:     iproute2's ip
 * - netns:  ip, and `ip netns add` actually works here (needs CAP_SYS_ADMIN)
 * Every group also needs root unless `{ root: false }` is passed.
 */
export type ToolName = 'bird' | 'gobgp' | 'frr' | 'exabgp' | 'ip' | 'netns';

export const FRR_BGPD = '/usr/lib/frr/bgpd';

const BINARIES: Record<Exclude<ToolName, 'netns'>, readonly string[]> = {
  bird: ['bird', 'birdc'],
  gobgp: ['gobgpd', 'gobgp'],
  frr: [FRR_BGPD, 'vtysh'],
  exabgp: ['exabgp'],
  ip: ['ip'],
};

const PACKAGE: Record<ToolName, string> = { bird: 'bird2', gobgp: 'gobgpd', frr: 'frr', exabgp: 'exabgp', ip: 'iproute2', netns: 'iproute2' };

const SEARCH_EXTRA = ['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/lib/frr'];

/** Absolute path of an executable, looking in PATH plus the sbin directories; undefined if missing. */
export function which(name: string): string | undefined {
  const candidates = name.includes('/') ? [name] : [...(process.env['PATH'] ?? '').split(delimiter), ...SEARCH_EXTRA].filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

/** Like which() but throws, for launchers. */
export function tool(name: string): string {
  const p = which(name);
  if (!p) throw new Error(`${name} not found (PATH and ${SEARCH_EXTRA.join(', ')})`);
  return p;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The interpreter named on a script's #! line (ExaBGP runs our helper with the same python). */
export function shebangInterpreter(script: string): string | undefined {
  try {
    const first = readFileSync(script, 'utf8').split('\n', 1)[0] ?? '';
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
    if (!m) return undefined;
    if (m[1]?.endsWith('/env') && m[2]) return which(m[2]);
    return m[1];
  } catch {
    return undefined;
  }
}

/** Python for ExaBGP's API helper: exabgp's own interpreter, else python3 on PATH. */
export function exabgpPython(): string | undefined {
  const exa = which('exabgp');
  const fromShebang = exa ? shebangInterpreter(exa) : undefined;
  if (fromShebang && which(fromShebang)) return fromShebang;
  return which('python3');
}

let netnsProbe: string | null | undefined;

function probeNetns(): string | null {
  if (netnsProbe !== undefined) return netnsProbe;
  const name = `wren-test-${process.pid}-probe`;
  try {
    execFileSync('ip', ['netns', 'add', name], { stdio: 'pipe', timeout: 5000 });
    execFileSync('ip', ['netns', 'del', name], { stdio: 'pipe', timeout: 5000 });
    netnsProbe = null;
  } catch (e) {
    const msg = e instanceof Error ? (e as Error & { stderr?: Buffer }).stderr?.toString().trim() || e.message : String(e);
    netnsProbe = `\`ip netns add\` does not work here (${msg.split('\n')[0]})`;
  }
  return netnsProbe;
}

/**
 * null when every named tool is usable, else a short reason ("not root; missing gobgpd (apt install gobgpd)")
 * suitable for a test name.
 */
export function requireTools(names: readonly ToolName[], opts: { root?: boolean } = {}): string | null {
  const problems: string[] = [];
  if ((opts.root ?? true) && !isRoot()) problems.push('not root');
  const missing: string[] = [];
  const packages = new Set<string>();
  for (const n of names) {
    const bins = n === 'netns' ? ['ip'] : BINARIES[n];
    for (const b of bins) {
      if (!which(b)) {
        missing.push(b);
        packages.add(PACKAGE[n]);
      }
    }
    if (n === 'exabgp' && which('exabgp') && !exabgpPython()) {
      missing.push('python3 for exabgp');
      packages.add('python3');
    }
  }
  if (missing.length > 0) problems.push(`missing ${missing.join(', ')} (apt install ${[...packages].join(' ')})`);
  if (names.includes('netns') && problems.length === 0) {
    const r = probeNetns();
    if (r) problems.push(r);
  }
  return problems.length > 0 ? problems.join('; ') : null;
}
