// `wren replay` options as commander parses them, and what replay() is asked to do with them.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseListen, registerReplay, replayOptions, type ReplayCliOptions } from '../../../src/cli/replay.js';

function parse(args: string[]): { file: string; opts: ReplayCliOptions } {
  const program = new Command('wren').exitOverride();
  registerReplay(program, () => undefined);
  let got: { file: string; opts: ReplayCliOptions } | undefined;
  // The real action opens a session: swap it for one that only keeps what commander parsed.
  program.commands.find((c) => c.name() === 'replay')!.action((file: string, opts: ReplayCliOptions) => {
    got = { file, opts };
  });
  program.parse(['node', 'wren', 'replay', ...args]);
  return got!;
}

describe('wren replay options', () => {
  it('maps the command line onto replay options', () => {
    const { file, opts } = parse([
      'rib.bz2', '--peer', '2001:db8::1', '--local-as', '1.10', '--peer-as', '65001', '--router-id', '192.0.2.2',
      '--family', 'ipv6', '--next-hop', 'self', '2001:db8::2', '--peer-index', '3', '--rate', '500', '--hold', '30', '--no-progress',
    ]);
    expect(opts.progress).toBe(false);
    expect(replayOptions(file, opts)).toEqual({
      file: 'rib.bz2',
      peer: '2001:db8::1',
      localAsn: 65546,
      peerAsn: 65001,
      routerId: '192.0.2.2',
      port: 179,
      holdTime: 90,
      families: ['ipv6-unicast'],
      nextHop: ['self', '2001:db8::2'],
      peerIndex: 3,
      rate: 500,
      after: 'hold',
      holdSeconds: 30,
      connectTimeout: 60,
    });
    const passive = replayOptions('u.gz', parse(['u.gz', '--peer', '192.0.2.1', '--local-as', '65000', '--local-address', '192.0.2.2', '--listen', '[::]:1179', '--exit', '--raw', '--speed', '10']).opts);
    expect(passive).toMatchObject({ routerId: '192.0.2.2', passive: true, listen: { address: '::', port: 1179 }, after: 'exit', raw: true, speed: 10 });
  });

  it('refuses what cannot work', () => {
    const bad = (args: string[]) => () => replayOptions('f', parse(['f', '--peer', '192.0.2.1', '--local-as', '65000', '--router-id', '192.0.2.2', ...args]).opts);
    expect(bad(['--exit', '--hold', '5'])).toThrow(/choose one/);
    expect(bad(['--hold-time', '2'])).toThrow(/3 seconds/);
    expect(bad(['--family', 'vpnv4'])).toThrow(/ipv4 or ipv6/);
    expect(bad(['--next-hop', 'me'])).toThrow(/self/);
    expect(bad(['--rate', '0'])).toThrow(/positive/);
    expect(() => replayOptions('f', parse(['f', '--peer', 'router1', '--local-as', '65000', '--router-id', '192.0.2.2']).opts)).toThrow(/not an IPv4 or IPv6 address/);
    expect(parseListen('127.0.0.1:1179')).toEqual({ address: '127.0.0.1', port: 1179 });
    expect(parseListen('::1')).toEqual({ address: '::1' });
    expect(parseListen(':1179')).toEqual({ port: 1179 });
  });
});
