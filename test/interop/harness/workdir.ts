// Temp directories, free ports, loopback addresses, and the sweep that removes what a crashed
// earlier run left behind.
//
// Every work directory is $TMPDIR/wren-interop-<owner pid>-<label>-XXXXXX and holds a
// `daemon.pid` per daemon started in it. A directory whose owner pid is dead belongs to a run
// that crashed: its daemons are killed (only if their command line still names the directory)
// and the directory is removed. Directories of live test workers are never touched, so test files
// running in parallel do not disturb each other.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from './proc.js';

const PREFIX = 'wren-interop-';

/** WREN_INTEROP_KEEP=1 keeps work directories (configs, logs) after the tests for inspection. */
export const keepWorkDirs = process.env['WREN_INTEROP_KEEP'] === '1';

export function makeWorkDir(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 40);
  return mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-${safe}-`));
}

export function removeWorkDir(dir: string): void {
  if (keepWorkDirs) return;
  rmSync(dir, { recursive: true, force: true });
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Kills daemons of dead owners and removes their directories. Returns the directories removed. */
export function sweepStaleWorkDirs(): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(tmpdir());
  } catch {
    return removed;
  }
  for (const e of entries) {
    const m = /^wren-interop-(\d+)-/.exec(e);
    if (!m) continue;
    const owner = Number(m[1]);
    if (owner === process.pid || pidAlive(owner)) continue;
    const dir = join(tmpdir(), e);
    let files: string[] = [];
    try {
      files = readdirSync(dir);
    } catch {
      // vanished
    }
    for (const f of files) {
      if (!f.endsWith('.pid')) continue;
      let pid = NaN;
      try {
        pid = Number(readFileSync(join(dir, f), 'utf8').trim());
      } catch {
        // unreadable
      }
      if (Number.isInteger(pid) && pid > 1 && cmdlineOf(pid).includes(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** A TCP port that was free on `host` a moment ago. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

const rand = (lo: number, hi: number): number => lo + Math.floor(Math.random() * (hi - lo + 1));

/**
 * A random 127.A.B.0/24 to draw daemon addresses from (every 127/8 address is local on Linux, so
 * nothing needs configuring). Random per call so parallel test files do not collide.
 * Returns a function host(n) -> "127.A.B.n".
 */
export function loopbackBlock(): (n: number) => string {
  const a = rand(100, 254);
  const b = rand(1, 254);
  return (n: number) => {
    if (!Number.isInteger(n) || n < 1 || n > 254) throw new Error(`host number ${n} out of 1..254`);
    return `127.${a}.${b}.${n}`;
  };
}

export function randomHex(bytes = 3): string {
  let s = '';
  for (let i = 0; i < bytes; i++) s += rand(0, 255).toString(16).padStart(2, '0');
  return s;
}
