// `wren check-config` and `wren config from-calico` as commands: output, exit status, and the
// register functions the CLI wires in.
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerCheckConfig, runCheckConfig } from '../../../src/cli/check-config.js';
import { registerConfig } from '../../../src/cli/config-cmd.js';

const examples = fileURLToPath(new URL('../../../docs/examples', import.meta.url));

async function check(file: string, opts: Parameters<typeof runCheckConfig>[1] = {}) {
  let out = '';
  let err = '';
  const status = await runCheckConfig(file, opts, (s) => (out += s), (s) => (err += s));
  return { status, out, err };
}

function tempFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wren-cli-')), 'wren.yaml');
  writeFileSync(file, text);
  return file;
}

describe('wren check-config', () => {
  it('says "configuration OK" and exits 0', async () => {
    expect(await check(join(examples, 'wren.yaml'))).toEqual({ status: 0, out: 'configuration OK\n', err: '' });
  });

  it('prints every error as file:line:column: field: message and exits 1', async () => {
    const file = tempFile('localAsn: 64512\nrouterId: 10.0.0.1\npeers:\n  - address: 10.0.0.2\n    remoteAsn: abc\n  - address: 10.0.0.3\n    remoteASN: 1\n');
    const r = await check(file);
    expect(r.status).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toEqual([
      `${file}:5:16: peers[0].remoteAsn: expected an AS number 1..4294967295, got "abc"`,
      `${file}:7:5: peers[1].remoteASN: unknown key; did you mean remoteAsn?`,
      '2 errors',
      '',
    ]);
  });

  it('prints warnings but passes', async () => {
    const file = tempFile('localAsn: 64512\nrouterId: 10.0.0.1\npeers:\n  - listenRange: 10.0.0.0/24\n    remoteAsn: 1\n    passwordEnv: PEER_PW\n');
    const r = await check(file, { quiet: true });
    expect(r.status).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/:6:18: peers\[0\]\.passwordEnv: warning: not applied: TCP-MD5 is set per peer address/);
    expect(r.err).not.toMatch(/PEER_PW[^"]/);
  });

  it('--print shows the configuration as read', async () => {
    const r = await check(join(examples, 'netscaler.yaml'), { print: true });
    expect(r.status).toBe(0);
    const json = r.out.slice(0, r.out.lastIndexOf('configuration OK'));
    expect(JSON.parse(json)).toMatchObject({ localAsn: 500, ecmp: { maxPaths: { ebgp: 8 } } });
  });

  it('exits 1 when the file cannot be read', async () => {
    const r = await check('/nonexistent/wren.yaml');
    expect(r).toEqual({ status: 1, out: '', err: '/nonexistent/wren.yaml: cannot read the configuration: no such file\n1 error\n' });
  });
});

describe('the register functions', () => {
  function program() {
    let code = 0;
    const p = new Command('wren').exitOverride();
    registerCheckConfig(p, (c) => (code = Math.max(code, c)));
    registerConfig(p, (c) => (code = Math.max(code, c)));
    return { p, code: () => code };
  }

  it('wire check-config into a program', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const { p, code } = program();
      await p.parseAsync(['node', 'wren', 'check-config', join(examples, 'anycast.yaml')]);
      expect(code()).toBe(0);
      expect(write).toHaveBeenCalledWith('configuration OK\n');
    } finally {
      write.mockRestore();
    }
  });

  it('wire config from-calico into a program, with its options', async () => {
    let printed = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      printed += String(s);
      return true;
    });
    try {
      const { p, code } = program();
      await p.parseAsync(['node', 'wren', 'config', 'from-calico', join(examples, 'calico/ippools.yaml'), '--host-ip', '10.9.0.1', '--peer', '10.9.0.2', '10.9.0.3', '--local-asn', '65001']);
      expect(code()).toBe(0);
      expect(printed).toMatch(/^localAsn: 65001$/m);
      expect(printed).toMatch(/- address: 10\.9\.0\.3$/m);
    } finally {
      write.mockRestore();
    }
  });
});
