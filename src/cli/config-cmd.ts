// `wren config from-calico FILES...`: the Wren configuration of a host outside a Calico cluster,
// made from the cluster's BGPConfiguration, IPPool, BGPPeer (and Node) resources as `calicoctl get
// -o yaml` prints them. docs/config.md ("Calico input") says how the host's side is worked out.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fromCalico, formatConfigError, mergeCalico, parseConfig, readCalico, renderWrenYaml, type CalicoResources } from '../config/index.js';
import { asn } from '../config/values.js';

interface FromCalicoCliOptions {
  hostIp?: string;
  peer?: string[];
  listenRange?: string[];
  localAsn?: string;
  routerId?: string;
}

export function registerConfig(program: Command, setExit: (code: number) => void): void {
  const config = program.command('config').description('work with configuration files');
  config
    .command('from-calico')
    .description('print the Wren configuration of a host that peers with a Calico cluster, from its resources (calicoctl get bgpconfig,ippool,bgppeer,node -o yaml)')
    .argument('<files...>', 'YAML files of Calico resources (BGPConfiguration, IPPool, BGPPeer, Node; single, List or several documents)')
    .option('--host-ip <addr>', "this host's address, as the BGPPeers name it in peerIP (default: the only peerIP they name)")
    .option('--peer <addr...>', 'Calico nodes or route reflectors to peer with (instead of, or besides, Node resources)')
    .option('--listen-range <cidr...>', 'accept sessions from Calico nodes in these ranges (dynamic neighbors)')
    .option('--local-asn <asn>', "this host's AS, when no BGPPeer names it (default: the BGPPeers' asNumber)")
    .option('--router-id <id>', 'router id (default: the host address when it is IPv4)')
    .addHelpText('after', '\nThe configuration goes to stdout, with notes as comments. Exit status: 0 written, 1 an input error.')
    .action((files: string[], opts: FromCalicoCliOptions) => {
      setExit(runFromCalico(files, opts, (s) => process.stdout.write(s), (s) => process.stderr.write(s)));
    });
}

export function runFromCalico(files: readonly string[], opts: FromCalicoCliOptions, out: (s: string) => void, err: (s: string) => void): number {
  const read: CalicoResources[] = [];
  let failed = false;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      err(`wren config from-calico: ${file}: ${(e as Error).message}\n`);
      failed = true;
      continue;
    }
    const r = readCalico(text, file);
    if (!r.ok) {
      for (const e of r.errors) err(`${formatConfigError(e)}\n`);
      failed = true;
    } else {
      read.push(r.resources);
    }
  }
  let localAsn: number | undefined;
  if (opts.localAsn !== undefined) {
    const a = asn.parse(opts.localAsn);
    if (!a.ok) {
      err(`wren config from-calico: --local-asn: ${a.message}\n`);
      failed = true;
    } else localAsn = a.value;
  }
  if (failed) return 1;
  const result = fromCalico(mergeCalico(read), {
    ...(opts.hostIp !== undefined ? { hostIp: opts.hostIp } : {}),
    ...(opts.peer ? { peers: opts.peer } : {}),
    ...(opts.listenRange ? { listenRanges: opts.listenRange } : {}),
    ...(localAsn !== undefined ? { localAsn } : {}),
    ...(opts.routerId !== undefined ? { routerId: opts.routerId } : {}),
  });
  if (!result.ok) {
    for (const e of result.errors) err(`wren config from-calico: ${e}\n`);
    return 1;
  }
  const header = [`Wren configuration made by \`wren config from-calico\` from ${files.join(', ')}.`, 'Check it with `wren check-config`; docs/config.md describes every key.', ...result.notes.map((n) => `note: ${n}`)];
  const yaml = renderWrenYaml(result.config, header);
  // What we print must be a configuration Wren accepts; anything else is our bug.
  const check = parseConfig(yaml, '<from-calico>');
  if (!check.ok) {
    for (const e of check.errors) err(`wren config from-calico: internal error: ${formatConfigError(e)}\n`);
    return 2;
  }
  out(yaml);
  return 0;
}
