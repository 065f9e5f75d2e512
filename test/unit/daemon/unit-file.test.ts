// docs/examples/wren.service: a unit systemd accepts, running Wren unprivileged with exactly
// CAP_NET_ADMIN and CAP_NET_BIND_SERVICE.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipTitle } from '../../helpers/until.js';

const unit = join(import.meta.dirname, '../../../docs/examples/wren.service');
const text = readFileSync(unit, 'utf8');
const lines = text.split('\n').filter((l) => !l.startsWith('#'));
const value = (key: string) => lines.filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('docs/examples/wren.service', () => {
  it('runs wren as an unprivileged user with only CAP_NET_ADMIN and CAP_NET_BIND_SERVICE', () => {
    expect(value('User')).toEqual(['wren']);
    expect(value('AmbientCapabilities')).toEqual(['CAP_NET_ADMIN CAP_NET_BIND_SERVICE']);
    expect(value('CapabilityBoundingSet')).toEqual(['CAP_NET_ADMIN CAP_NET_BIND_SERVICE']);
    expect(value('NoNewPrivileges')).toEqual(['yes']);
    expect(value('ExecStart')[0]).toMatch(/wren run -c \/etc\/wren\/wren\.yaml$/);
    expect(value('ExecReload')[0]).toContain('kill -HUP');
    // The control socket's directory (api.socket's default is /run/wren/wren.sock).
    expect(value('RuntimeDirectory')).toEqual(['wren']);
    // Netlink must stay allowed for the kernel FIB.
    expect(value('RestrictAddressFamilies')[0]).toContain('AF_NETLINK');
  });

  it.skipIf(!analyze)(skipTitle('is accepted by systemd-analyze verify', analyze ? null : 'systemd-analyze is not installed'), () => {
    const dir = mkdtempSync(join(tmpdir(), 'wren-unit-'));
    try {
      copyFileSync(unit, join(dir, 'wren.service'));
      const r = spawnSync('systemd-analyze', ['verify', join(dir, 'wren.service')], { encoding: 'utf8' });
      expect(r.stderr.split('\n').filter((l) => l.includes('wren.service'))).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
