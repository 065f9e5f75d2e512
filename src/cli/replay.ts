// `wren replay FILE --peer ADDR`: replays an MRT update stream or table dump into a BGP peer
// (docs/replay.md). The report goes to stdout (text, or JSON with --json); what the replay is
// doing, and a progress bar on a terminal, go to stderr.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { replay, type ReplayEvent, type ReplayOptions, type ReplayReport } from '../replay/replay.js';
import { ReplayError } from '../replay/source.js';
import type { ReplayFamily } from '../replay/scan.js';
import { ipv4ToU32, parseIpv6 } from '../wire/index.js';
import { createProgress, formatBytes, progressWanted, type Progress, type ProgressOptions, type ProgressStream } from './progress.js';

export interface ReplayCliOptions {
  peer?: string;
  port?: string;
  localAs?: string;
  peerAs?: string;
  routerId?: string;
  localAddress?: string;
  passive?: boolean;
  listen?: string;
  holdTime?: string;
  family?: string[];
  raw?: boolean;
  rate?: string;
  speed?: string;
  nextHop?: string[];
  peerIndex?: string;
  recordedPeer?: string;
  exit?: boolean;
  hold?: string;
  connectTimeout?: string;
  json?: boolean;
  /** false with --no-progress. */
  progress?: boolean;
}

/** Where runReplay may draw a progress bar: the command passes stderr, tests a fake terminal. */
export interface ReplayProgress extends Pick<ProgressOptions, 'env' | 'now'> {
  readonly stream: ProgressStream;
}

/** Test hooks: what the command would take from the process. */
export interface ReplayRunExtras {
  readonly progress?: ReplayProgress;
  readonly signal?: AbortSignal;
  /** Overrides of the replay options (tests: shorter timeouts, the bytes of the file). */
  readonly options?: Partial<ReplayOptions>;
}

export function registerReplay(program: Command, setExit: (code: number) => void): void {
  program
    .command('replay')
    .description('replay an MRT update stream or table dump (plain, .gz, .bz2) into a BGP peer, for labs and benchmarks')
    .argument('<file>', 'MRT file: BGP4MP update stream, or TABLE_DUMP_V2 / TABLE_DUMP table')
    .requiredOption('--peer <address>', 'the peer to replay into')
    .requiredOption('--local-as <asn>', 'our AS number')
    .option('--router-id <id>', 'our BGP identifier (default: --local-address when IPv4)')
    .option('--peer-as <asn>', "the peer's AS (default: --local-as, an iBGP session)")
    .option('--port <port>', "the peer's TCP port, or the port to listen on with --passive", '179')
    .option('--local-address <address>', 'connect from this address')
    .option('--passive', 'wait for the peer to connect instead of connecting')
    .option('--listen <address[:port]>', 'with --passive: where to listen (default: all addresses, --port)')
    .option('--hold-time <seconds>', 'hold time we offer', '90')
    .option('--family <family...>', 'families to negotiate: ipv4, ipv6 (default: those in the file)')
    .option('--raw', 'send recorded UPDATEs byte for byte when the session agrees with the recording (fast path)')
    .option('--rate <n>', 'at most n UPDATEs per second')
    .option('--speed <x>', 'update streams: follow the recorded timestamps, x times faster (1 = real time)')
    .option('--next-hop <self|address...>', 'replace next hops: self (our address on the session), an IPv4 and/or an IPv6 address')
    .option('--peer-index <n>', 'tables: replay the entry of this peer (PEER_INDEX_TABLE index) of each prefix (default: the first entry)')
    .option('--recorded-peer <address>', 'only what this recorded peer sent (update streams), or its entries (tables)')
    .option('--exit', 'close the session (Cease) once everything is sent and the peer has read it, then exit')
    .option('--hold <seconds>', 'keep the session up this long after End-of-RIB, then close it (default: until Ctrl-C)')
    .option('--connect-timeout <seconds>', 'give up when no session is up after this long', '60')
    .option('--json', 'print the report as JSON')
    .option('--no-progress', 'no progress bar (it is shown only when stderr is a terminal, and not under CI or WREN_NO_PROGRESS)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  wren replay updates.gz --peer 192.0.2.1 --local-as 65000 --router-id 192.0.2.2 --exit',
        '  wren replay rib.bz2 --peer 2001:db8::1 --local-as 65000 --peer-as 65001 --router-id 192.0.2.2 --next-hop self',
        '',
        'Exit status: 0 all sent, 1 no session / the peer ended it / bad options, 3 all sent but some records had errors (skipped), 130 interrupted.',
      ].join('\n'),
    )
    .action(async (file: string, opts: ReplayCliOptions) => {
      const ac = new AbortController();
      // The first Ctrl-C closes the session properly (Cease); a second one does not wait.
      const onSignal = () => {
        if (ac.signal.aborted) process.exit(130);
        ac.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        setExit(await runReplay(file, opts, (s) => process.stdout.write(s), (s) => process.stderr.write(s), { progress: { stream: process.stderr }, signal: ac.signal }));
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

class UsageError extends Error {}

function int(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw new UsageError(`${name} ${v}: a whole number from ${min} to ${max} is needed`);
  return Number(v);
}

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} ${v}: a positive number is needed`);
  return n;
}

/** "65000", or asdot "1.10" (RFC 5396). */
function asn(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const dot = /^(\d+)\.(\d+)$/.exec(v.trim());
  if (dot) {
    const hi = Number(dot[1]);
    const lo = Number(dot[2]);
    if (hi > 0xffff || lo > 0xffff) throw new UsageError(`${name} ${v}: not an AS number`);
    return hi * 65536 + lo;
  }
  return int(name, v, 1, 0xffffffff);
}

const isAddress = (a: string) => ipv4ToU32(a) >= 0 || parseIpv6(a) !== null;

function address(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!isAddress(v)) throw new UsageError(`${name} ${v}: not an IPv4 or IPv6 address`);
  return v;
}

/** "addr", "addr:port", "[v6]:port" or a bare IPv6 address. */
export function parseListen(v: string): { address?: string; port?: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (bracket) return { address: address('--listen', bracket[1]!)!, ...(bracket[2] ? { port: int('--listen port', bracket[2], 0, 65535)! } : {}) };
  if (isAddress(v)) return { address: v };
  const m = /^(.*):(\d+)$/.exec(v);
  if (m && (m[1] === '' || isAddress(m[1]!))) return { ...(m[1] ? { address: m[1] } : {}), port: int('--listen port', m[2], 0, 65535)! };
  throw new UsageError(`--listen ${v}: ADDRESS, ADDRESS:PORT or [IPv6]:PORT expected`);
}

const FAMILY_NAMES: Record<string, ReplayFamily> = { ipv4: 'ipv4-unicast', 'ipv4-unicast': 'ipv4-unicast', ipv6: 'ipv6-unicast', 'ipv6-unicast': 'ipv6-unicast' };

/** The replay options the command line asks for. */
export function replayOptions(file: string, opts: ReplayCliOptions): ReplayOptions {
  const peer = address('--peer', opts.peer);
  if (!peer) throw new UsageError('--peer is needed');
  const localAsn = asn('--local-as', opts.localAs);
  if (localAsn === undefined) throw new UsageError('--local-as is needed');
  const localAddress = address('--local-address', opts.localAddress);
  const routerId = opts.routerId ?? (localAddress && ipv4ToU32(localAddress) >= 0 ? localAddress : undefined);
  if (!routerId) throw new UsageError('--router-id is needed (an IPv4 address), unless --local-address is an IPv4 address');
  if (ipv4ToU32(routerId) < 0) throw new UsageError(`--router-id ${routerId}: a BGP identifier is written as an IPv4 address`);
  const families = (opts.family ?? []).map((f) => {
    const name = FAMILY_NAMES[f.toLowerCase()];
    if (!name) throw new UsageError(`--family ${f}: ipv4 or ipv6`);
    return name;
  });
  for (const nh of opts.nextHop ?? []) if (nh !== 'self' && !isAddress(nh)) throw new UsageError(`--next-hop ${nh}: "self" or an address`);
  if (opts.exit && opts.hold !== undefined) throw new UsageError('--exit and --hold: choose one');
  const holdTime = int('--hold-time', opts.holdTime, 0, 65535);
  if (holdTime !== undefined && holdTime > 0 && holdTime < 3) throw new UsageError('--hold-time: 0, or 3 seconds and more (RFC 4271 s4.2)');
  const listen = opts.listen === undefined ? undefined : parseListen(opts.listen);
  const peerAsn = asn('--peer-as', opts.peerAs);
  const port = int('--port', opts.port, 1, 65535);
  const rate = positive('--rate', opts.rate);
  const speed = positive('--speed', opts.speed);
  const peerIndex = int('--peer-index', opts.peerIndex, 0, 65535);
  const recordedPeer = address('--recorded-peer', opts.recordedPeer);
  const holdSeconds = positive('--hold', opts.hold);
  const connectTimeout = positive('--connect-timeout', opts.connectTimeout);
  return {
    file,
    peer,
    localAsn,
    routerId,
    ...(peerAsn === undefined ? {} : { peerAsn }),
    ...(port === undefined ? {} : { port }),
    ...(localAddress ? { localAddress } : {}),
    ...(opts.passive || listen ? { passive: true } : {}),
    ...(listen ? { listen } : {}),
    ...(holdTime === undefined ? {} : { holdTime }),
    ...(families.length ? { families } : {}),
    ...(opts.raw ? { raw: true } : {}),
    ...(rate === undefined ? {} : { rate }),
    ...(speed === undefined ? {} : { speed }),
    ...(opts.nextHop?.length ? { nextHop: opts.nextHop } : {}),
    ...(peerIndex === undefined ? {} : { peerIndex }),
    ...(recordedPeer === undefined ? {} : { recordedPeer }),
    after: opts.exit ? 'exit' : 'hold',
    ...(holdSeconds === undefined ? {} : { holdSeconds }),
    ...(connectTimeout === undefined ? {} : { connectTimeout }),
  };
}

export async function runReplay(file: string, opts: ReplayCliOptions, out: (s: string) => void, err: (s: string) => void, extras: ReplayRunExtras = {}): Promise<number> {
  let options: ReplayOptions;
  try {
    options = { ...replayOptions(file, opts), ...extras.options };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`wren replay: ${e.message}\n`);
    return 1;
  }
  const p = extras.progress;
  const wanted = p && progressWanted(p.stream, opts.progress !== false, p.env) ? p : undefined;
  let bar: Progress | undefined;
  const say = (s: string) => {
    bar?.clear();
    err(s);
  };
  let report: ReplayReport;
  try {
    report = await replay({
      ...options,
      ...(extras.signal ? { signal: extras.signal } : {}),
      onEvent: (e) => say(eventLine(e)),
      ...(wanted
        ? {
            onProgress: (position: number, total: number, records: number) => {
              bar ??= createProgress({
                total,
                label: basename(file),
                stream: wanted.stream,
                ...(wanted.env ? { env: wanted.env } : {}),
                ...(wanted.now ? { now: wanted.now } : {}),
              });
              bar.update(position, records);
              if (position >= total) bar.done();
            },
          }
        : {}),
    });
  } catch (e) {
    bar?.done();
    if (e instanceof ReplayError || (e as NodeJS.ErrnoException).code !== undefined) {
      err(`wren replay: ${file}: ${(e as Error).message}\n`);
      return extras.signal?.aborted ? 130 : 1;
    }
    throw e;
  }
  bar?.done();
  out(opts.json ? `${JSON.stringify(report)}\n` : reportText(report));
  if (report.ended === 'peer-down') return 1;
  if (!report.complete) return 130;
  return report.skipped.errors > 0 ? 3 : 0;
}

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

function eventLine(e: ReplayEvent): string {
  switch (e.type) {
    case 'read':
      return `wren replay: ${basename(e.file)}: ${e.kind === 'table' ? `table of ${plural(e.routes, 'prefix', 'prefixes')}` : e.kind === 'updates' ? `update stream of ${plural(e.updates, 'UPDATE')}` : e.kind === 'mixed' ? `${plural(e.updates, 'UPDATE')} and ${plural(e.routes, 'table route')}` : 'nothing to replay'} (${e.families.join(', ') || 'no IP unicast'})${e.truncated ? `; ${e.truncated}: replaying what is there` : ''}\n`;
    case 'connecting':
      return `wren replay: connecting to ${e.address} port ${e.port}\n`;
    case 'listening':
      return `wren replay: waiting for the peer on ${e.address} port ${e.port}\n`;
    case 'established': {
      const s = e.session;
      return `wren replay: established with ${s.peer} (AS ${s.peerAsn}, ${s.ibgp ? 'iBGP' : 'eBGP'}, router id ${s.peerRouterId}, ${s.asn4 ? '4-octet AS' : '2-octet AS'}, ${s.families.join(' ')})\n`;
    }
    case 'sent':
      return `wren replay: sent ${plural(e.updates, 'UPDATE')} (${plural(e.prefixes, 'prefix', 'prefixes')}) and End-of-RIB in ${(e.elapsedMs / 1000).toFixed(2)} s\n`;
    case 'holding':
      return e.seconds === undefined ? 'wren replay: holding the session; Ctrl-C closes it\n' : `wren replay: holding the session for ${e.seconds} s\n`;
    case 'closing':
      return 'wren replay: closing the session (Cease / Administrative Shutdown)\n';
  }
}

/** The report as text. */
export function reportText(r: ReplayReport): string {
  const lines: string[] = [];
  const s = r.session;
  lines.push(`file      ${r.file} (${r.kind === 'updates' ? 'update stream' : r.kind}, ${r.compression}, ${plural(r.records, 'MRT record')})${r.truncated ? `; ${r.truncated}` : ''}`);
  if (s) lines.push(`peer      ${s.peer} port ${s.port}: AS ${s.peerAsn} ${s.ibgp ? 'iBGP' : 'eBGP'}, ${s.asn4 ? '4-octet AS' : '2-octet AS'}${s.extendedMessage ? ', extended messages' : ''}, hold ${s.holdTime} s, ${s.families.join(' ')}`);
  const sent = r.sent;
  lines.push(
    `sent      ${plural(sent.updates, 'UPDATE')}${sent.raw ? ` (${n(sent.raw)} raw)` : ''}: ${plural(sent.announced, 'prefix', 'prefixes')} announced, ${n(sent.withdrawn)} withdrawn; ${plural(sent.endOfRib, 'End-of-RIB')}; ${formatBytes(sent.bytes, sent.bytes)}`,
  );
  const secs = r.elapsedMs / 1000;
  lines.push(`time      ${secs.toFixed(3)} s: ${n(Math.round(r.updatesPerSecond))} UPDATEs/s, ${n(Math.round(r.prefixesPerSecond))} prefixes/s`);
  const k = r.skipped;
  const skipped = [
    k.nonUpdateMessages && `${n(k.nonUpdateMessages)} non-UPDATE messages`,
    k.localMessages && `${n(k.localMessages)} messages the collector sent`,
    k.otherRecords && `${n(k.otherRecords)} records without routes`,
    k.otherPeers && `${n(k.otherPeers)} of other recorded peers`,
    k.otherEntries && `${n(k.otherEntries)} further entries of replayed prefixes`,
    k.otherFamilyRecords && `${n(k.otherFamilyRecords)} RIB records of other families`,
    k.emptyUpdates && `${n(k.emptyUpdates)} empty UPDATEs / End-of-RIB`,
    k.prefixesOfOtherFamilies && `${n(k.prefixesOfOtherFamilies)} prefixes of families not negotiated`,
    k.noNextHop && `${n(k.noNextHop)} routes without a next hop`,
    k.badAttributes && `${n(k.badAttributes)} routes with unusable attributes`,
    k.errors && `${n(k.errors)} errors`,
  ].filter(Boolean);
  if (skipped.length) lines.push(`skipped   ${skipped.join(', ')}`);
  for (const i of r.issues) lines.push(`  ${i}`);
  const ended =
    r.ended === 'exit'
      ? `closed after the replay${r.roundTrip === 'refresh' ? ` (the peer had read it all after ${(r.readByPeerMs! / 1000).toFixed(3)} s: BoRR)` : r.roundTrip === 'none' ? ' (nothing heard from the peer before the Cease)' : ''}`
      : r.ended === 'hold'
        ? 'held, then closed'
        : r.ended === 'interrupted'
          ? r.complete
            ? 'closed on request'
            : 'interrupted before everything was sent; closed'
          : `the peer ended it${r.down ? `: ${r.down}` : ''}${r.complete ? '' : ' before everything was sent'}`;
  lines.push(`session   ${ended}; received ${plural(r.received.keepalives, 'KEEPALIVE')}, ${plural(r.received.updates, 'UPDATE')}`);
  return `${lines.join('\n')}\n`;
}
