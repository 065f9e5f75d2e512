// tcpdump's regression outputs as an independent oracle for the capture decoder: for every BGP
// test in pcap-fixtures/tcpdump/tests/TESTLIST, the prefixes, AS paths, next hops and communities
// tcpdump printed are the ones Wren decoded from the same capture (openBgpFile), message by
// message; so are, as a bonus, origin, MED, LOCAL_PREF, the attribute codes and flags, extended
// communities, OTC, AIGP, End-of-RIB, OPEN capabilities, NOTIFICATION codes and ROUTE-REFRESH.
//
// How messages are paired, what "facts" are and how text is normalised: test/helpers/tcpdump*.ts.
// Nothing tcpdump printed is left out silently: per capture, the table below states how many
// facts of each kind are compared, how many prefixes of families Wren keeps as bytes were
// skipped, which attributes tcpdump details but Wren keeps opaque, which messages Wren rejects,
// and where tcpdump's text had to be set right.

import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeMessage,
  decodePathAttributes,
  decodePrefixes,
  familyKey,
  inferUpdateContext,
  makeContext,
  readU16,
  BgpError,
  type PathAttribute,
} from '../../../src/wire/index.js';
import { bgpTestList, TCPDUMP_TESTS, type TestListEntry } from '../../helpers/tcpdump.js';
import { scanMessages } from '../../helpers/tcpdump-capture.js';
import { FACT_KINDS, wrenFacts, type FactKind } from '../../helpers/tcpdump-facts.js';
import { compareKind, compareOpaque, isItem, loadCapture, type Capture } from '../../helpers/tcpdump-oracle.js';

type Counts = Record<FactKind | 'opaque', number>;

interface Expected {
  /** BGP messages tcpdump printed (within -c N): each must have its Wren item. */
  readonly messages: number;
  /** Facts compared, counted on tcpdump's side. */
  readonly compared: Counts;
  /** Prefixes tcpdump decoded in families Wren keeps as bytes: only "there were NLRI" is compared. */
  readonly skipped?: number;
  /** Attributes tcpdump details but Wren keeps as bytes (code and tcpdump's name, one per occurrence). */
  readonly notCompared?: readonly string[];
  /** NOTIFICATION code/subcode of each message Wren rejects, in order; tcpdump must flag each. */
  readonly rejected?: readonly string[];
  /** Messages ("frame.index") tcpdump flags but Wren decodes, and why that is right. */
  readonly flaggedByTcpdumpOnly?: Readonly<Record<string, string>>;
  /** Frames that rewrite TCP sequence numbers Wren's reassembly already delivered (see below). */
  readonly retransmitted?: readonly number[];
  /** Places where tcpdump's text is wrong and the fact was set right (see tcpdump.ts). */
  readonly corrections?: number;
  /** Capture support the file depends on (link type, IP fragments). */
  readonly needs?: string;
  /** Known disagreements where Wren is wrong: that one assertion is it.fails, with the reason. */
  readonly wrenWrong?: { readonly rfc7606?: string };
}

const c = (prefixes: number, asPaths: number, nextHops: number, communities: number, other: number, opaque = 0): Counts => ({
  prefixes,
  asPaths,
  nextHops,
  communities,
  other,
  opaque,
});

const BGPSEC = (n: number) => new Array<string>(n).fill('33 BGPsec Path');

// RFC 4760 s3: the octet after the next hop is Reserved. tcpdump still reads it as the SNPA count
// of RFC 2858, and bgp-ub's MVPN UPDATEs have 8 there: it shows NLRI bytes as eight "SNPAs",
// then the rest as MVPN routes. Wren keeps the octet (reserved: 8) and MVPN NLRI as bytes.
const SNPA = 'tcpdump reads the Reserved octet as an SNPA count';

// Multiple labels (RFC 8277 s2.2): prefix length 128 = four 24-bit labels, 30.1.1.1/32. tcpdump
// assumes one label, finds 104 bits of IPv4 prefix and gives up; Wren keeps labeled NLRI as bytes.
const MULTI_LABEL = 'RFC 8277 multi-label NLRI (4 labels, 30.1.1.1/32) that tcpdump cannot read; labeled unicast is opaque to Wren';

// RFC 8205 s3: "the BGPsec_PATH attribute and the AS_PATH attribute are mutually exclusive": an
// UPDATE carrying BGPsec_PATH (code 33) has no AS_PATH, and both OPENs of these sessions announce
// the BGPsec capability (code 7, send and receive, IPv4). Wren does not know BGPsec_PATH and marks
// every such UPDATE treat-as-withdraw, "Missing Well-known Attribute" AS_PATH (3/3); tcpdump, right
// here, does not complain. Frame 18 message 0 of bgp-bgpsec.pcap (offset 1783), for instance:
// ffff...ff 009e 02 0000 0087 900e000d00010104ac12000200180100 40010100 800404 00000000 902100670008...

const EXPECTED: Record<string, Expected> = {
  bgp_vpn_attrset: { messages: 1, compared: c(0, 1, 1, 0, 10, 1), skipped: 1, notCompared: ['128 Attribute Set'] },
  'mpbgp-linklocal-nexthop': { messages: 1, compared: c(1, 1, 3, 0, 6) },
  // Frame 5 is frame 4 again (same flow, same sequence numbers). Each is an UPDATE whose length
  // field says 19: too short for an UPDATE (RFC 4271 s6.1, Bad Message Length).
  'bgp_infloop-v': { messages: 5, compared: c(0, 0, 0, 0, 0), skipped: 0, rejected: ['1/2', '1/2', '1/2', '1/2', '1/2'], retransmitted: [5] },
  'bgp-aigp': { messages: 2, compared: c(0, 1, 1, 1, 18, 2), skipped: 1, needs: 'link type 178 (Juniper Ethernet)' },
  'bgp-aigp-2': { messages: 1, compared: c(0, 1, 2, 0, 8, 1), skipped: 1 },
  'bgp-large-community': { messages: 5, compared: c(5, 5, 5, 10, 25) },
  // Frame 2 repeats frame 1's sequence numbers with other bytes (subcode 4 instead of 2).
  'bgp-shutdown-communication': { messages: 2, compared: c(0, 0, 0, 0, 4), retransmitted: [2] },
  // The one UPDATE breaks three rules: MP_REACH_NLRI / MP_UNREACH_NLRI flagged 0x40 where RFC 4760
  // s3/s4 says optional non-transitive (0x80), both of them twice (RFC 7606 s3(g)), and a NEXT_HOP
  // of length 0. Wren rejects it (Attribute Flags Error, AFI/SAFI disable, as its attribute table
  // says); tcpdump prints it. The ADD-PATH comparison is made on the attributes: see below.
  'bgp-addpath': { messages: 1, compared: c(0, 0, 0, 0, 0), rejected: ['3/4'] },
  // The same capture twice: plain and asdot (-b) numbers.
  'bgp-4byte-asn': { messages: 35, compared: c(50, 11, 7, 0, 105), corrections: 3 },
  'bgp-4byte-asdot': { messages: 35, compared: c(50, 11, 7, 0, 105), corrections: 3 },
  'bgp-lu-multiple-labels': {
    messages: 20,
    compared: c(0, 2, 2, 0, 86, 5),
    skipped: 1,
    flaggedByTcpdumpOnly: { '18.0': MULTI_LABEL, '35.1': MULTI_LABEL },
  },
  'bgp-evpn': { messages: 1, compared: c(0, 0, 0, 0, 19) },
  'bgp-llgr': { messages: 1, compared: c(0, 0, 0, 0, 19) },
  // No EVPN decoder in tcpdump: it dumps the MP_REACH value, whose next hop and NLRI bytes are compared.
  'bgp-encap': { messages: 1, compared: c(0, 1, 1, 0, 10, 1) },
  'bgp-rt-prefix': { messages: 8, compared: c(0, 8, 13, 0, 45, 8), skipped: 8 },
  'bgp-extended-shutdown-msg': { messages: 1, compared: c(0, 0, 0, 0, 2) },
  // Frames 2 and 3 are SYNs with the same initial sequence number as frame 1, so to a TCP reader
  // retransmissions. Frame 3's communication length (64) runs past the data: tcpdump says invalid,
  // Wren gives no communication and the data as it is (RFC 9003 s2; a NOTIFICATION is not answered).
  'bgp-shutdown-msg-variations': {
    messages: 3,
    compared: c(0, 0, 0, 0, 7),
    retransmitted: [2, 3],
    flaggedByTcpdumpOnly: { '3.0': 'shutdown communication longer than the data: Wren shows no communication, the same data bytes' },
  },
  'bgp-link-bw-extcommunity': { messages: 6, compared: c(7, 6, 6, 0, 60) },
  'bgp-extended-msg': { messages: 1, compared: c(0, 0, 0, 0, 23) },
  'bgp-enhanced-route-refresh': { messages: 1, compared: c(0, 0, 0, 0, 23) },
  'bgp-enhanced-route-refresh-subtype': { messages: 8, compared: c(12, 5, 5, 0, 31) },
  'bgp-extended-optional-parameters-length': { messages: 1, compared: c(0, 0, 0, 0, 30) },
  'bgp-cease-hard-reset': { messages: 3, compared: c(0, 0, 0, 0, 25) },
  // A Hard Reset without the inner code and subcode RFC 8538 s3 asks for; neither tool complains
  // (a NOTIFICATION cannot be answered). Wren's data is empty: checked below.
  'bgp-malformed-hard-reset': { messages: 1, compared: c(0, 0, 0, 0, 1) },
  'bgp-bfd-cease': { messages: 1, compared: c(0, 0, 0, 0, 1) },
  'bgp-orf': { messages: 2, compared: c(0, 0, 0, 0, 4) },
  // BGPsec_Path (RFC 8205) replaces AS_PATH here; Wren keeps it as bytes, so its secure path
  // segments (the ASNs tcpdump shows) are not compared.
  'bgp-bgpsec': { messages: 32, compared: c(20, 0, 20, 0, 240), notCompared: BGPSEC(20) },
  'bgp-ovs': { messages: 4, compared: c(4, 4, 4, 0, 40) },
  'bgp-role': { messages: 12, compared: c(11, 7, 7, 1, 87) },
  bgp_notification_rr_msg_error: { messages: 1, compared: c(0, 0, 0, 0, 1) },
  bgpsec_invalid_signature_block_length: {
    messages: 1,
    compared: c(2, 0, 2, 0, 8),
    notCompared: BGPSEC(1),
    flaggedByTcpdumpOnly: { '1.0': 'the bad signature block is inside BGPsec_Path, which Wren keeps as bytes (optional attribute)' },
  },
  // Fuzzed files. The IP datagram is a first fragment whose others are not in the capture.
  'bgp-bgp_capabilities_print-oobr-1': { messages: 1, compared: c(0, 0, 0, 0, 0), rejected: ['2/1'], needs: 'IPv4 first fragments' },
  'bgp-bgp_capabilities_print-oobr-2': { messages: 1, compared: c(0, 0, 0, 0, 0), rejected: ['2/1'], needs: 'IPv4 first fragments' },
  'bgp_pmsi_tunnel-oobr': { messages: 1, compared: c(0, 0, 0, 0, 0), rejected: ['3/1'], needs: 'IPv4 first fragments' },
  bgp_mvpn_6_and_7_oobr: { messages: 1, compared: c(0, 0, 0, 0, 0), rejected: ['3/1'] },
  'bgp_vpn_rt-oobr': { messages: 3, compared: c(0, 0, 0, 0, 0), rejected: ['3/1', '3/1', '3/1'] },
  'bgp_mp_reach_nlri-oobr': { messages: 6, compared: c(0, 0, 0, 0, 0), rejected: ['3/10', '3/10', '3/10', '3/10', '3/10', '3/10'] },
  'bgp-ub': {
    messages: 22,
    compared: c(2, 7, 7, 4, 77, 6),
    skipped: 13,
    notCompared: [
      ...['113 Unknown Attribute', '75 Unknown Attribute', '47 Unknown Attribute'],
      ...['113 Unknown Attribute', '75 Unknown Attribute', '47 Unknown Attribute'],
      ...['0 Unknown Attribute', '22 PMSI Tunnel', '0 Unknown Attribute', '22 PMSI Tunnel'],
    ],
    rejected: ['3/5', '3/10', '3/2', '3/2', '3/10', '3/5', '3/10', '3/2', '3/2', '3/10', '3/5', '3/2', '3/5', '3/2'],
    flaggedByTcpdumpOnly: {
      '1.0': 'a VPN prefix length tcpdump cannot read, inside NLRI Wren keeps as bytes',
      '1.17': `MVPN NLRI Wren keeps as bytes; ${SNPA}`,
    },
    corrections: 2,
  },
};

const entries = bgpTestList();

describe('tcpdump TESTLIST', () => {
  it('has 38 BGP tests, all with their capture and output, all covered here', () => {
    expect(entries).toHaveLength(38);
    for (const e of entries) {
      expect(existsSync(join(TCPDUMP_TESTS, e.capture)), e.capture).toBe(true);
      expect(existsSync(join(TCPDUMP_TESTS, e.out)), e.out).toBe(true);
    }
    expect(entries.map((e) => e.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});

function lazy(entry: TestListEntry, exp: Expected): () => Capture {
  let cap: Capture | undefined;
  return () => (cap ??= loadCapture(entry, exp.retransmitted));
}

describe.each(entries.map((e) => [e.name, e] as const))('%s', (name, entry) => {
  const exp = EXPECTED[name] ?? { messages: -1, compared: c(-1, -1, -1, -1, -1, -1) };
  const load = lazy(entry, exp);
  const where = `${entry.capture} / ${entry.out}${exp.needs ? ` (needs ${exp.needs})` : ''}`;

  it(`Wren reads ${where} and has an item for each of the ${exp.messages} messages tcpdump printed`, () => {
    expect(load).not.toThrow();
    const cap = load();
    expect(cap.pairs).toHaveLength(exp.messages);
    for (const f of cap.frames) {
      const items = cap.itemsByFrame.get(f.frame) ?? [];
      expect(items.length, `frame ${f.frame}: Wren items for tcpdump's ${f.messages.length} messages`).toBe(f.messages.length);
    }
    for (const { td, wren } of cap.pairs) {
      if (wren?.kind !== 'message') continue;
      expect(`${wren.message.type} ${wren.length}`, `frame ${td.frame} message ${td.index}`).toBe(`${td.type} ${td.length}`);
    }
    expect(cap.unmatched, 'Wren messages where tcpdump printed none').toEqual([]);
    // Retransmissions: the full read has nothing for them; they were read as one-frame captures.
    for (const frame of exp.retransmitted ?? []) {
      expect(cap.inScope.filter((r) => r.frame === frame && isItem(r))).toEqual([]);
      expect(cap.itemsByFrame.get(frame)!.every((x) => x.single)).toBe(true);
    }
  });

  for (const kind of FACT_KINDS) {
    it(`${kind} (${exp.compared[kind]}): what tcpdump printed is what Wren decoded`, () => {
      const { tcpdump, wren } = compareKind(load().pairs, kind);
      expect(wren).toEqual(tcpdump);
      expect(tcpdump).toHaveLength(exp.compared[kind]);
    });
  }

  it(`opaque families (${exp.compared.opaque} attributes, ${exp.skipped ?? 0} prefixes skipped): Wren keeps the NLRI tcpdump decodes`, () => {
    const cap = load();
    const { tcpdump, wren } = compareOpaque(cap.pairs);
    expect(wren).toEqual(tcpdump);
    expect(tcpdump).toHaveLength(exp.compared.opaque);
    expect(cap.pairs.flatMap((p) => p.td.skipped)).toHaveLength(exp.skipped ?? 0);
    expect(cap.pairs.flatMap((p) => p.td.notCompared)).toEqual(exp.notCompared ?? []);
    expect(cap.pairs.flatMap((p) => p.td.corrections)).toHaveLength(exp.corrections ?? 0);
  });

  it(`malformed data: Wren rejects ${exp.rejected?.length ?? 0} messages, each one tcpdump flags too`, () => {
    const cap = load();
    const rejected: string[] = [];
    const onlyTcpdump: string[] = [];
    for (const { td, wren } of cap.pairs) {
      const at = `${td.frame}.${td.index}`;
      if (wren?.kind === 'error') {
        expect(wren.error).toBeInstanceOf(BgpError);
        expect(td.marker, `${at}: Wren rejects a message tcpdump printed without complaint`).not.toBeNull();
        rejected.push(`${wren.error.code}/${wren.error.subcode}`);
      } else if (wren?.kind === 'message' && td.marker !== null) {
        onlyTcpdump.push(at);
      }
    }
    expect(rejected).toEqual(exp.rejected ?? []);
    // Flagged by tcpdump, decoded by Wren: each one explained in EXPECTED.
    expect(onlyTcpdump).toEqual(Object.keys(exp.flaggedByTcpdumpOnly ?? {}));
  });

  // Messages tcpdump takes as valid, or flags only inside bytes Wren keeps opaque, carry no
  // RFC 7606 error in Wren (treat-as-withdraw, attribute-discard) either.
  const rfc7606 = exp.wrenWrong?.rfc7606 ? it.fails : it;
  rfc7606(`no RFC 7606 error where tcpdump sees valid data${exp.wrenWrong?.rfc7606 ? ` (known: ${exp.wrenWrong.rfc7606})` : ''}`, () => {
    const flagged: string[] = [];
    for (const { td, wren } of load().pairs) {
      const at = `${td.frame}.${td.index}`;
      if (wren?.kind !== 'message' || wren.message.type !== 'update' || !wren.message.errors) continue;
      if (td.marker !== null && !(at in (exp.flaggedByTcpdumpOnly ?? {}))) continue;
      for (const e of wren.message.errors) flagged.push(`${at} ${e.code}/${e.subcode} ${e.action}`);
    }
    expect(flagged).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Beyond the message-by-message comparison.

describe('bgp-addpath: ADD-PATH prefixes of an UPDATE Wren rightly rejects as a whole', () => {
  // Wren's reader rejects the UPDATE (see EXPECTED). Its prefix and attribute decoders still read
  // each part: the NLRI fields with the ADD-PATH context the reader infers, and each attribute on
  // its own, MP attributes with the flags RFC 4760 gives them. What they find is what tcpdump printed.
  const entry = entries.find((e) => e.name === 'bgp-addpath')!;
  const cap = () => loadCapture(entry);

  it('the attribute and prefix decoders give tcpdump\'s prefixes, path IDs, AS path and next hops', () => {
    const { bytes, pairs } = cap();
    const messages = scanMessages(bytes);
    expect(messages).toHaveLength(1);
    const msg = messages[0]!;
    const ctx = inferUpdateContext(msg, makeContext({ extendedMessage: true }));
    expect([...ctx.addPath].sort()).toEqual([familyKey(1, 1), familyKey(2, 1)]);
    expect(() => decodeMessage(msg, ctx)).toThrow(BgpError);

    const wl = readU16(msg, 19);
    const withdrawn = decodePrefixes(msg, 21, 21 + wl, 1, ctx.addPath.has(familyKey(1, 1)))!;
    const attrStart = 23 + wl;
    const attrEnd = attrStart + readU16(msg, 21 + wl);
    const nlri = decodePrefixes(msg, attrEnd, msg.length, 1, ctx.addPath.has(familyKey(1, 1)))!;
    const attributes: PathAttribute[] = [];
    const rejected: number[] = [];
    for (let o = attrStart; o < attrEnd; ) {
      const ext = (msg[o]! & 0x10) !== 0;
      const end = o + (ext ? 4 + readU16(msg, o + 2) : 3 + msg[o + 2]!);
      const one = msg.slice(o, end);
      if (one[1] === 14 || one[1] === 15) one[0] = 0x80 | (one[0]! & 0x10);
      const got = decodePathAttributes(one, 0, one.length, ctx);
      attributes.push(...got.attributes);
      if (got.errors.length) rejected.push(one[1]!);
      o = end;
    }
    expect(rejected, 'NEXT_HOP of length 0: RFC 7606 s7.3 treat-as-withdraw; tcpdump: "invalid len"').toEqual([3]);

    const mine = wrenFacts({ type: 'update', withdrawn, nlri, attributes });
    const td = pairs[0]!.td.allFacts;
    for (const kind of ['prefixes', 'asPaths', 'nextHops', 'communities'] as const) {
      expect([...mine[kind]].sort(), kind).toEqual([...td[kind]].sort());
    }
    expect(td.prefixes).toHaveLength(12);
    expect(td.prefixes.every((p) => / path-id \d+$/.test(p))).toBe(true);
    expect(td.asPaths).toEqual(['AS_PATH 100 200']);
    expect(td.nextHops).toEqual(['MP_REACH 1/1 1.2.3.4', 'MP_REACH 2/1 2000:0:0:40::1']);
  });
});

describe('bgp-malformed-hard-reset', () => {
  it('Wren shows the Hard Reset as it is: no inner code and subcode (RFC 8538 s3 wants them)', () => {
    const { pairs } = loadCapture(entries.find((e) => e.name === 'bgp-malformed-hard-reset')!);
    const item = pairs[0]!.wren;
    expect(item?.kind === 'message' && item.message.type === 'notification' ? [item.message.code, item.message.subcode, item.message.data.length] : null).toEqual([6, 9, 0]);
  });
});

describe('bgp-ub: the end of the capture', () => {
  // The last header in the SYN's 4708 bytes (offset 4421 of the payload) says type 40, length
  // 10280; 287 bytes of it are captured. tcpdump stops at the unknown type: "[|BGP Unknown Message
  // Type]"; Wren reports that the capture ends inside a message.
  it('Wren reports the unfinished message of unknown type 40 that tcpdump flags', () => {
    const cap = loadCapture(entries.find((e) => e.name === 'bgp-ub')!);
    expect(cap.frames[0]!.trailer).toEqual(['[|BGP Unknown Message Type]']);
    const lastItem = cap.records.findLastIndex(isItem);
    const after = cap.records.slice(lastItem + 1);
    expect(after.some((r) => r.kind === 'error' && r.error.message === 'the capture ends inside a message: 287 bytes of it captured')).toBe(true);
  });
});
