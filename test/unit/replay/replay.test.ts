// Replays of real MRT files (pcap-fixtures/) into a Wren Speaker, and into a 2-octet-AS receiver,
// over loopback TCP. What the receiver must end up with is computed from the file with readMrt
// and the wire codec alone (expected.ts), never with the replayer.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Speaker, type FamilyName } from '../../../src/api/speaker.js';
import { runReplay } from '../../../src/cli/replay.js';
import { buildLocalOpen, type PeerExpectations } from '../../../src/fsm/index.js';
import { replay, type ReplayOptions } from '../../../src/replay/index.js';
import { prefixKeyFromList, prefixKeyToText } from '../../../src/rib/prefix-key.js';
import { systemClock } from '../../../src/session/clock.js';
import { BgpListener } from '../../../src/session/listener.js';
import { PeerSession } from '../../../src/session/peer.js';
import { AS_TRANS, effectiveAsPath, endOfRibFamily, IPV4_UNICAST, type AsPathSegment, type PrefixList, type UpdateMessage } from '../../../src/wire/index.js';
import { until } from '../../helpers/until.js';
import { expectedFromStream, expectedFromTable, expectedFromTableV1, fileData, mrtSlice, type ExpectedRoute } from './expected.js';

const FIX = 'pcap-fixtures';
/** RouteViews 2016, MESSAGE_AS4, IPv4 + IPv6, 4 peers, 2,623 UPDATEs; 416 carry ASNs above 65535. */
const RYU_UPDATES = `${FIX}/ryu/ryu/tests/packet_data/mrt/updates.20161101.0000.bz2`;
/** RIPE 2010: MESSAGE (2-octet, with AS4_PATH) and MESSAGE_AS4 records mixed, state changes. */
const MIXED_UPDATES = `${FIX}/bgpdump/test_data/updates.20100722.2015.gz`;
/** TABLE_DUMP_V2 RIB_IPV4_UNICAST_ADDPATH: 31 prefixes, 2 entries each, 3 peers. */
const ADDPATH_V4_TABLE = `${FIX}/bgpdump/test_data/bview.ipv4_unicast_add_path.gz`;
const ADDPATH_V6_TABLE = `${FIX}/bgpdump/test_data/bview.ipv6_unicast_add_path.gz`;
/** RIPE RIS rrc00 2002, TABLE_DUMP (v1, 2-octet ASNs), 36 peers: 115,521 entries, 112,988 prefixes. */
const V1_TABLE = `${FIX}/bgpdump/test_data/bview.20020722.2337.gz`;
/** One 36,894-byte UPDATE (RFC 8654 size) withdrawing 4,096 IPv6 prefixes. */
const LONG_WITHDRAWAL = `${FIX}/bgpdump/test_data/updates.long_withdrawal.gz`;

const silent = pino({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A Speaker at `address` with one passive peer, the replayer at `peer`. */
async function receiver(address: string, asn: number, families: FamilyName[], peer: string): Promise<Speaker> {
  const s = new Speaker({ localAsn: asn, routerId: address, listen: { address, port: 0 }, holdTime: 3 });
  await s.start();
  cleanups.push(() => s.stop());
  s.addPeer({ address: peer, remoteAsn: asn, passive: true, families });
  return s;
}

const eorDone = (rx: Speaker) => () => {
  const p = rx.peerStates()[0];
  return p !== undefined && p.state === 'Established' && p.endOfRibReceived.length === p.families.length;
};

type ReplayInto = Omit<ReplayOptions, 'peer' | 'port' | 'after' | 'signal' | 'routerId' | 'localAsn' | 'localAddress'> & Partial<ReplayOptions>;

/**
 * Replays into `rx` and holds the session until `rx` has End-of-RIB for every family (it comes
 * after everything else on the TCP stream), then takes the Loc-RIB and ends the replay (Ctrl-C).
 */
async function replayInto(rx: Speaker, local: string, options: ReplayInto) {
  const ac = new AbortController();
  const running = replay({
    peer: rx.listenAddress!.address,
    port: rx.listenAddress!.port,
    localAddress: local,
    localAsn: rx.options.localAsn,
    routerId: local,
    holdTime: 3,
    logger: silent,
    ...options,
    after: 'hold',
    signal: ac.signal,
  });
  const early = running.then(() => {
    throw new Error('the replay ended before the End-of-RIB arrived');
  });
  await Promise.race([early, until('End-of-RIB at the receiver', eorDone(rx), 10_000)]);
  const routes = new Map(rx.routes().map((r) => [r.prefix, r]));
  ac.abort();
  const report = await running;
  return { report, routes };
}

const sorted = (it: Iterable<string>) => [...it].sort();

/** The routes whose expected path has a 4-octet ASN, and a few others: the ones checked in detail. */
function sample(expected: Map<string, ExpectedRoute>, n = 12): string[] {
  const wide = [...expected].filter(([, r]) => r.asPath.some((s) => s.asns.some((a) => a > 0xffff))).map(([p]) => p);
  const other = [...expected.keys()].filter((p) => !wide.includes(p));
  return [...wide.slice(0, n), ...other.filter((_, i) => i % Math.max(1, Math.floor(other.length / n)) === 0).slice(0, n)];
}

describe('replay of an update stream into a Wren Speaker', () => {
  it('ends with exactly the routes of the stream (IPv4 + IPv6, 4-octet AS), AS paths included', async () => {
    const rx = await receiver('127.0.0.101', 65000, ['ipv4-unicast', 'ipv6-unicast'], '127.0.0.102');
    const { report, routes } = await replayInto(rx, '127.0.0.102', { file: RYU_UPDATES });
    const expected = expectedFromStream(RYU_UPDATES, { afis: [1, 2], receiverAsn: 65000 });
    expect(sorted(routes.keys())).toEqual(sorted(expected.keys()));
    expect(expected.size).toBeGreaterThan(800);
    const checked = sample(expected);
    expect(checked.some((p) => p.includes(':'))).toBe(true);
    for (const p of checked) expect(routes.get(p)!.best.asPath, p).toEqual(expected.get(p)!.asPath);
    expect(report).toMatchObject({ kind: 'updates', complete: true, ended: 'hold', sent: { updates: 2623, endOfRib: 2, raw: 0 } });
    expect(report.session).toMatchObject({ ibgp: true, asn4: true, families: ['ipv4-unicast', 'ipv6-unicast'] });
    expect(report.sent.announced + report.sent.withdrawn).toBe(5762);
  });

  it('merges AS4_PATH of 2-octet records (RFC 6793) for a 4-octet peer, and skips non-UPDATE records', async () => {
    const rx = await receiver('127.0.0.103', 65000, ['ipv4-unicast', 'ipv6-unicast'], '127.0.0.104');
    const { report, routes } = await replayInto(rx, '127.0.0.104', { file: MIXED_UPDATES });
    const expected = expectedFromStream(MIXED_UPDATES, { afis: [1, 2], receiverAsn: 65000 });
    expect(sorted(routes.keys())).toEqual(sorted(expected.keys()));
    for (const p of sample(expected)) expect(routes.get(p)!.best.asPath, p).toEqual(expected.get(p)!.asPath);
    // No AS_TRANS left where the recording had the real ASN in AS4_PATH.
    const trans = [...routes.values()].filter((r) => r.best.asPath.some((s) => s.asns.includes(AS_TRANS)));
    const transExpected = [...expected.values()].filter((r) => r.asPath.some((s) => s.asns.includes(AS_TRANS)));
    expect(trans.length).toBe(transExpected.length);
    expect(report.skipped.nonUpdateMessages).toBe(331); // 192 + 139 KEEPALIVEs
    expect(report.skipped.otherRecords).toBe(40); // STATE_CHANGE_AS4
  });

  it('prepends its AS and leaves LOCAL_PREF out towards an eBGP peer', async () => {
    const rx = await receiver('127.0.0.113', 65000, ['ipv4-unicast'], '127.0.0.114');
    rx.removePeer('127.0.0.114');
    rx.addPeer({ address: '127.0.0.114', remoteAsn: 65001, passive: true, families: ['ipv4-unicast'] });
    const { report, routes } = await replayInto(rx, '127.0.0.114', { file: RYU_UPDATES, localAsn: 65001, peerAsn: 65000, recordedPeer: '202.249.2.86', raw: true });
    const expected = expectedFromStream(RYU_UPDATES, { afis: [1], receiverAsn: 65000, recordedPeer: '202.249.2.86', prepend: 65001 });
    expect(report.session?.ibgp).toBe(false);
    expect(report.sent.raw).toBe(0); // an eBGP session changes the attributes: no raw bytes
    expect(sorted(routes.keys())).toEqual(sorted(expected.keys()));
    for (const p of sample(expected)) expect(routes.get(p)!.best.asPath, p).toEqual(expected.get(p)!.asPath);
    expect([...routes.values()].every((r) => !r.best.attributes.some((a) => a.type === 'local-pref'))).toBe(true);
  });

  it('sends the recorded bytes with --raw when the session agrees with the recording', async () => {
    const rx = await receiver('127.0.0.105', 65000, ['ipv4-unicast'], '127.0.0.106');
    const { report, routes } = await replayInto(rx, '127.0.0.106', { file: RYU_UPDATES, raw: true, recordedPeer: '202.249.2.169' });
    const expected = expectedFromStream(RYU_UPDATES, { afis: [1], receiverAsn: 65000, recordedPeer: '202.249.2.169' });
    expect(sorted(routes.keys())).toEqual(sorted(expected.keys()));
    expect(report.sent.updates).toBe(999);
    expect(report.sent.raw).toBe(999);
    expect(report.skipped.otherPeers).toBe(2623 - 999);
  });

  it('rewrites next hops with --next-hop self (IPv4-mapped for IPv6 over an IPv4 session)', async () => {
    const rx = await receiver('127.0.0.107', 65000, ['ipv4-unicast', 'ipv6-unicast'], '127.0.0.108');
    const { routes } = await replayInto(rx, '127.0.0.108', { file: RYU_UPDATES, nextHop: ['self'] });
    const hops = new Set([...routes.values()].flatMap((r) => r.nextHops));
    expect(sorted(hops)).toEqual(['127.0.0.108', '::ffff:127.0.0.108']);
  });

  it('splits an UPDATE larger than the session allows (no extended messages)', async () => {
    const rx = await receiver('127.0.0.109', 65000, ['ipv6-unicast'], '127.0.0.110');
    const { report } = await replayInto(rx, '127.0.0.110', { file: LONG_WITHDRAWAL });
    expect(report.session?.extendedMessage).toBe(false);
    expect(report.sent.withdrawn).toBe(4096);
    expect(report.sent.updates).toBeGreaterThanOrEqual(10); // 36,894 bytes in UPDATEs of at most 4,096
    expect(report.sent.bytes / report.sent.updates).toBeLessThanOrEqual(4096);
  });

  it('waits for the peer with --passive', async () => {
    const rx = new Speaker({ localAsn: 65000, routerId: '127.0.0.115', listen: false, holdTime: 3 });
    await rx.start();
    cleanups.push(() => rx.stop());
    const ac = new AbortController();
    const running = replay({
      file: RYU_UPDATES,
      peer: '127.0.0.115',
      passive: true,
      listen: { address: '127.0.0.116', port: 0 },
      localAsn: 65000,
      routerId: '127.0.0.116',
      holdTime: 3,
      recordedPeer: '202.249.2.169',
      after: 'hold',
      signal: ac.signal,
      onEvent: (e) => {
        if (e.type === 'listening') rx.addPeer({ address: '127.0.0.116', port: e.port, localAddress: '127.0.0.115', remoteAsn: 65000 });
      },
    });
    await until('End-of-RIB at the receiver', eorDone(rx), 10_000);
    const expected = expectedFromStream(RYU_UPDATES, { afis: [1], receiverAsn: 65000, recordedPeer: '202.249.2.169' });
    expect(sorted(rx.routes().map((r) => r.prefix))).toEqual(sorted(expected.keys()));
    ac.abort();
    expect(await running).toMatchObject({ complete: true, ended: 'hold', sent: { updates: 999 } });
  });

  it('paces with --rate', async () => {
    const rx = await receiver('127.0.0.111', 65000, ['ipv6-unicast'], '127.0.0.112');
    const { report } = await replayInto(rx, '127.0.0.112', { file: RYU_UPDATES, recordedPeer: '2001:200:0:fe00::9c4:11', rate: 2500 });
    expect(report.sent.updates).toBe(370);
    expect(report.elapsedMs).toBeGreaterThan(140);
  });
});

describe('replay of a table dump into a Wren Speaker', () => {
  it('sends one route per prefix: the first entry, grouped into UPDATEs by attributes', async () => {
    const rx = await receiver('127.0.0.121', 65000, ['ipv4-unicast'], '127.0.0.122');
    const { report, routes } = await replayInto(rx, '127.0.0.122', { file: ADDPATH_V4_TABLE });
    const expected = expectedFromTable(ADDPATH_V4_TABLE);
    // Two prefixes' first entries are the collector's own routes: no attributes, no next hop.
    expect(expected.size).toBe(29);
    expect(sorted(routes.keys())).toEqual(sorted(expected.keys()));
    for (const [p, e] of expected) {
      expect(routes.get(p)!.best.asPath, p).toEqual(e.asPath);
      const nh = e.attributes.find((a) => a.type === 'next-hop');
      expect(routes.get(p)!.nextHops, p).toEqual([nh?.type === 'next-hop' ? nh.nextHop : '']);
    }
    expect(report).toMatchObject({ kind: 'table', complete: true, sent: { announced: 29, withdrawn: 0, endOfRib: 1 } });
    expect(report.skipped).toMatchObject({ noNextHop: 2, otherEntries: 31 });
  });

  it('takes the entry of --peer-index N; --next-hop makes entries without one usable', async () => {
    const rx = await receiver('127.0.0.123', 65000, ['ipv4-unicast'], '127.0.0.124');
    const { routes } = await replayInto(rx, '127.0.0.124', { file: ADDPATH_V4_TABLE, peerIndex: 1 });
    const expected = expectedFromTable(ADDPATH_V4_TABLE, 1);
    expect(expected.size).toBe(16);
    expect(sorted(routes.keys())).toEqual(sorted(expected.keys()));
    for (const [p, e] of expected) expect(routes.get(p)!.best.asPath, p).toEqual(e.asPath);

    const rx2 = await receiver('127.0.0.127', 65000, ['ipv4-unicast'], '127.0.0.128');
    const all = await replayInto(rx2, '127.0.0.128', { file: ADDPATH_V4_TABLE, nextHop: ['self'] });
    const expectedAll = expectedFromTable(ADDPATH_V4_TABLE, undefined, true);
    expect(sorted(all.routes.keys())).toEqual(sorted(expectedAll.keys()));
    expect(all.routes.get('10.0.15.0/24')!.best.asPath).toEqual([]);
    expect(new Set([...all.routes.values()].flatMap((r) => r.nextHops))).toEqual(new Set(['127.0.0.128']));
  });

  it('replays a TABLE_DUMP (v1) table, packing routes of shared attributes together', async () => {
    const rx = await receiver('127.0.0.129', 65000, ['ipv4-unicast'], '127.0.0.130');
    // The first 4,000 records of a full 2002 table, as plain MRT.
    const data = mrtSlice(fileData(V1_TABLE), 4000);
    const { report, routes } = await replayInto(rx, '127.0.0.130', { file: 'bview.20020722.2337 (first 4000 records)', data, table: { maxPendingRoutes: 1500, maxGroups: 800 } });
    const expected = expectedFromTableV1(data);
    expect(expected.size).toBeGreaterThan(3500);
    expect(sorted(routes.keys())).toEqual(sorted(expected.keys()));
    for (const p of sample(expected, 30)) expect(routes.get(p)!.best.asPath, p).toEqual(expected.get(p)!.asPath);
    expect(report.sent.announced).toBe(expected.size);
    expect(report.sent.updates).toBeLessThan(expected.size / 2);
  });

  it('replays an IPv6 table (its entries name no next hop: --next-hop gives one)', async () => {
    const rx = await receiver('127.0.0.125', 65000, ['ipv6-unicast'], '127.0.0.126');
    const { report, routes } = await replayInto(rx, '127.0.0.126', { file: ADDPATH_V6_TABLE, nextHop: ['2001:db8:ffff::1'] });
    const expected = expectedFromTable(ADDPATH_V6_TABLE, undefined, true);
    expect(expected.size).toBe(31);
    expect(sorted(routes.keys())).toEqual(sorted(expected.keys()));
    for (const [p, e] of expected) {
      expect(routes.get(p)!.best.asPath, p).toEqual(e.asPath);
      expect(routes.get(p)!.nextHops, p).toEqual(['2001:db8:ffff::1']);
    }
    expect(report.session?.families).toEqual(['ipv6-unicast']);
  });
});

describe('replay into a 2-octet-AS receiver', () => {
  it('sends AS_TRANS in AS_PATH and the real path in AS4_PATH (RFC 6793 s4.2.2)', async () => {
    // A PeerSession whose OPEN leaves out the four-octet AS capability: an OLD speaker.
    const expectations: PeerExpectations = { localAsn: 65000, peerAsn: 65000, localRouterId: '127.0.0.131', families: [IPV4_UNICAST], holdTime: 3 };
    const open = buildLocalOpen(expectations);
    const localOpen = { ...open, params: open.params.map((p) => ('capabilities' in p ? { ...p, capabilities: p.capabilities.filter((c) => c.type !== 'four-octet-as') } : p)) };
    const rib = new Map<string, readonly AsPathSegment[]>();
    let wideInAsPath = 0;
    let as4Paths = 0;
    let eor = false;
    const keys = (l: PrefixList) => Array.from({ length: l.count }, (_, i) => prefixKeyToText(prefixKeyFromList(l, i)));
    const session = new PeerSession({
      localOpen,
      transport: { address: '127.0.0.132', passive: true },
      expectations,
      clock: systemClock,
      logger: silent,
      hooks: {
        onEstablished: () => undefined,
        onDown: () => undefined,
        onUpdate: (_s, u: UpdateMessage) => {
          if (endOfRibFamily(u) !== null) eor = true;
          for (const p of keys(u.withdrawn)) rib.delete(p);
          if (u.nlri.count === 0) return;
          const asPath = u.attributes.find((a) => a.type === 'as-path');
          if (asPath?.type === 'as-path' && asPath.segments.some((s) => s.asns.some((a) => a > 0xffff))) wideInAsPath++;
          if (u.attributes.some((a) => a.type === 'as4-path')) as4Paths++;
          const path = effectiveAsPath(u.attributes, false).segments;
          for (const p of keys(u.nlri)) rib.set(p, path);
        },
      },
    });
    const listener = new BgpListener((socket, remote) => {
      if (remote !== '127.0.0.132') return false;
      session.acceptSocket(socket);
      return true;
    });
    const { port } = await listener.listen({ address: '127.0.0.131', port: 0 });
    session.start();
    cleanups.push(async () => {
      session.destroy();
      await listener.close();
    });
    const ac = new AbortController();
    const running = replay({ file: RYU_UPDATES, peer: '127.0.0.131', port, localAddress: '127.0.0.132', localAsn: 65000, routerId: '127.0.0.132', holdTime: 3, families: ['ipv4-unicast'], after: 'hold', signal: ac.signal });
    await until('End-of-RIB', () => eor, 10_000);
    ac.abort();
    const report = await running;
    expect(report.session?.asn4).toBe(false);
    expect(wideInAsPath).toBe(0);
    expect(as4Paths).toBeGreaterThan(100);
    const expected = expectedFromStream(RYU_UPDATES, { afis: [1], oldReceiver: true });
    expect(sorted(rib.keys())).toEqual(sorted(expected.keys()));
    for (const [p, e] of expected) expect(rib.get(p), p).toEqual(e.asPath);
  });
});

describe('wren replay (command)', () => {
  it('replays a table, closes with --exit, and prints a JSON report; a progress bar only on a terminal', async () => {
    const rx = await receiver('127.0.0.141', 65000, ['ipv4-unicast'], '127.0.0.142');
    let atEor = 0;
    rx.on('endOfRib', () => (atEor = rx.routes().length));
    const out: string[] = [];
    const err: string[] = [];
    const bar: string[] = [];
    let t = 0;
    const code = await runReplay(
      ADDPATH_V4_TABLE,
      { peer: '127.0.0.141', port: String(rx.listenAddress!.port), localAs: '65000', localAddress: '127.0.0.142', holdTime: '3', exit: true, json: true, nextHop: ['self'] },
      (s) => out.push(s),
      (s) => err.push(s),
      { progress: { stream: { isTTY: true, columns: 120, write: (s: string) => bar.push(s) }, env: {}, now: () => (t += 150) } },
    );
    expect(code).toBe(0);
    expect(atEor).toBe(31);
    const report = JSON.parse(out.join(''));
    expect(report).toMatchObject({ kind: 'table', complete: true, ended: 'exit', sent: { announced: 31, endOfRib: 1 } });
    expect(['keepalive', 'refresh']).toContain(report.roundTrip);
    expect(err.join('')).toMatch(/established with 127\.0\.0\.141/);
    expect(err.join('')).toMatch(/closing the session/);
    expect(bar.join('')).toContain('bview.ipv4_unicast_add_path.gz');
    // The session went down with our Cease / Administrative Shutdown, communication included.
    await until('peer down at the receiver', () => rx.peerStates()[0]!.state !== 'Established');
    expect(rx.peerStates()[0]!.info).toContain('wren replay finished');
  });

  it('prints a text report, and refuses bad options with status 1', async () => {
    const rx = await receiver('127.0.0.143', 65000, ['ipv4-unicast'], '127.0.0.144');
    const out: string[] = [];
    const err: string[] = [];
    const ac = new AbortController();
    rx.on('endOfRib', () => ac.abort());
    const code = await runReplay(
      ADDPATH_V4_TABLE,
      { peer: '127.0.0.143', port: String(rx.listenAddress!.port), localAs: '65000', localAddress: '127.0.0.144', holdTime: '3' },
      (s) => out.push(s),
      (s) => err.push(s),
      { signal: ac.signal, progress: { stream: { isTTY: false, write: () => expect.fail('no bar in a pipe') } } },
    );
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^sent +\d+ UPDATEs: 29 prefixes announced, 0 withdrawn; 1 End-of-RIB/m);
    expect(text).toMatch(/^skipped .*2 routes without a next hop/m);
    expect(text).toMatch(/^session +held, then closed/m);

    const e2: string[] = [];
    expect(await runReplay(ADDPATH_V4_TABLE, { peer: '127.0.0.143', localAs: '65000' }, () => undefined, (s) => e2.push(s))).toBe(1);
    expect(e2.join('')).toContain('--router-id is needed');
    // A session the peer refuses (it expects another AS): a quick, clear failure.
    const rx2 = await receiver('127.0.0.145', 65000, ['ipv4-unicast'], '127.0.0.146');
    const e4: string[] = [];
    const t = Date.now();
    const refused = await runReplay(
      ADDPATH_V4_TABLE,
      { peer: '127.0.0.145', port: String(rx2.listenAddress!.port), localAs: '65009', peerAs: '65000', localAddress: '127.0.0.146' },
      () => undefined,
      (s) => e4.push(s),
    );
    expect(refused).toBe(1);
    expect(e4.join('')).toMatch(/refused the session: received OPEN Message Error/);
    expect(Date.now() - t).toBeLessThan(3000);
    const e3: string[] = [];
    expect(await runReplay('no/such/file.mrt', { peer: '127.0.0.143', localAs: '65000', routerId: '10.0.0.1' }, () => undefined, (s) => e3.push(s))).toBe(1);
    expect(e3.join('')).toContain('no/such/file.mrt');
  });
});
