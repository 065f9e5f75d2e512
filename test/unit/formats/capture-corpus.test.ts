// Every capture under pcap-fixtures/ through openBgpFile, message counts checked against the
// tshark counts recorded in pcap-fixtures/PROVENANCE.md ("BGP msgs: OPEN×8 UPDATE×10 ...").
//
// Well-formed captures must match tshark exactly and decode without error records. Captures that
// are malformed on purpose (tshark flags malformed items, tcpdump's *-oobr/bgp-ub/infinite-loop
// regressions, PcapPlusPlus' malformed OPENs) may differ: Wren reports a malformed message as an
// error record carrying the RFC 4271 NOTIFICATION it would send, where tshark counts a (broken)
// message, and Wren's framer resynchronises at the next marker where tshark gives up on the rest of
// a segment. For those the test checks what must hold anyway (see checkMalformed) and the table
// below says, per file, why the counts differ.
//
// | file (tcpdump/tests/ unless noted)      | tshark             | Wren                          | why                                                                                              |
// |-----------------------------------------|--------------------|-------------------------------|--------------------------------------------------------------------------------------------------|
// | bgp-addpath.pcap                        | UPDATE×1           | 1 error (3/x)                 | synthetic UPDATE: NEXT_HOP of length 0, MP_REACH/MP_UNREACH flagged transitive (0x40) instead of |
// |                                         |                    |                               | optional, and each twice: a session-reset error (RFC 7606 s3c, s5.3, s7.11), so no message      |
// | bgp-aigp-oobr.pcap                      | UPDATE×9           | UPDATE×335, 226 errors        | one 64 KiB segment of fuzzed UPDATEs; tshark stops early in the segment, Wren resynchronises on  |
// |                                         |                    |                               | each next marker and decodes the rest (errors: unrecognised well-known attrs 3/2, bad lengths)   |
// | bgp-as-path-oobr.pcap                   | UPDATE×13          | UPDATE×136, 333 errors        | same kind of file (4 fuzzed 64 KiB segments)                                                     |
// | bgp-bgp_capabilities_print-oobr-{1,2}   | OPEN×1             | 0 messages, 3 errors          | the only frame is the first IPv4 fragment (MF set) of a 4135-byte datagram, cut by the snaplen;  |
// |                                         |                    |                               | its TCP payload starts mid-garbage (1/1), the OPEN tshark finds has version 255 (2/1, RFC 4271   |
// |                                         |                    |                               | s6.2), then garbage again (1/1)                                                                  |
// | bgp-infinite-loop.pcap                  | UPDATE×4           | 0 messages, 4×1/2 + 4×1/1     | each UPDATE has Length 19 < 23: Bad Message Length (RFC 4271 s6.1); frame 5 retransmits frame 4 |
// | bgp-ub.pcap                             | ?type0×1 UPDATE×4  | UPDATE×8, 28 errors           | fuzzed segment: Wren resynchronises and finds more whole UPDATEs; the type-0 "message" tshark    |
// |                                         |                    |                               | reports lies inside bytes Wren skips while resynchronising                                       |
// | bgp_mp_reach_nlri-oobr.pcap             | UPDATE×1           | 0 messages, 12 errors         | a 65455-byte segment cut to 2580 bytes by the snaplen; every UPDATE in it has malformed          |
// |                                         |                    |                               | withdrawn routes (3/10), then a gap for the bytes the capture lacks                              |
// | bgp_mvpn_6_and_7_oobr.pcap              | UPDATE×1 ?type20×1 | 0 messages, 3/1 + 1/1         | 67 of 473 bytes captured: the UPDATE's attribute length 50098 overruns it (3/1); the rest is not |
// |                                         |                    |                               | a header (tshark: message type 20; Wren: Connection Not Synchronized)                            |
// | bgp_pmsi_tunnel-oobr.pcap               | UPDATE×1           | 0 messages, 3/1 + 1/1         | first IPv4 fragment only, cut by the snaplen (46 of 252 payload bytes); attribute length 1714    |
// |                                         |                    |                               | overruns the message (3/1)                                                                       |
// | bgp_vpn_rt-oobr.pcap                    | UPDATE×1           | 0 messages, 6 BgpErrors       | a 60121-byte segment cut to 197 bytes: three UPDATEs with impossible lengths (3/1), garbage      |
// |                                         |                    |                               | between them (1/1); frames 2..38 are cut inside their Ethernet header                            |
// | PcapPlusPlus/.../Bgp_open_malformed.pcap| OPEN×1             | 0 messages, 2/0 + 1/1         | mergecap of the four malformed-OPEN frames, all on one 4-tuple with one sequence number: frames  |
// |                                         |                    |                               | 2..4 are retransmissions of frame 1 (only their longer tails are new bytes, garbage: 1/1).       |
// |                                         |                    |                               | Frame 1: Opt Parm Len 5 with 1 byte present, a malformed optional parameter (2/0, RFC 4271 s6.2) |
// | bgp-extended-optional-parameters-length | OPEN×1             | same                          | tshark flags the RFC 9072 extended length; Wren decodes it                                       |
// | bgp-orf.pcapng, bgp-rt-prefix.pcap,     | as listed          | same                          | tshark flags items it cannot decode (ORF entries, RT-Constraint prefixes, L2VPN FlowSpec);       |
// | ryu/.../flowspec_nlri_l2vpn.pcap        |                    |                               | the messages themselves are well framed and Wren decodes them                                    |

import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { BgpError } from '../../../src/wire/index.js';
import { openBgpFile, type BgpRecord } from '../../../src/formats/bgp-reader.js';

const ROOT = fileURLToPath(new URL('../../../pcap-fixtures/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const ALL_FILES = walk(ROOT).map((p) => relative(ROOT, p).split('\\').join('/')).sort();
const CAPTURES = ALL_FILES.filter((f) => /\.(pcap|pcapng|cap)$|\.pcap\.gz$/.test(f));
const EXPECTED_CAPTURES = 92;

// ---------------------------------------------------------------------------------------------
// PROVENANCE.md

interface Provenance {
  line: string;
  /** tshark's counts, keyed as tshark names them: OPEN, UPDATE, ..., ?type0. */
  counts: Record<string, number> | undefined;
  tsharkMalformed: boolean;
}

const PROVENANCE = new Map<string, Provenance>();
for (const line of readFileSync(join(ROOT, 'PROVENANCE.md'), 'utf8').split('\n')) {
  const m = /^- `([^`]+)`/.exec(line);
  if (!m?.[1]) continue;
  const msgs = /BGP msgs: ([^;]+)/.exec(line)?.[1];
  let counts: Record<string, number> | undefined;
  if (msgs !== undefined) {
    counts = {};
    for (const token of msgs.trim().split(/\s+/)) {
      const t = /^(.+)×(\d+)$/.exec(token);
      if (!t?.[1] || !t[2]) throw new Error(`PROVENANCE.md: cannot parse "${token}" in: ${line}`);
      counts[t[1]] = Number(t[2]);
    }
  }
  PROVENANCE.set(m[1], { line, counts, tsharkMalformed: /tshark flags \d+ malformed\/error items/.test(line) });
}

const TSHARK_NAME: Record<string, string> = {
  open: 'OPEN',
  update: 'UPDATE',
  notification: 'NOTIFICATION',
  keepalive: 'KEEPALIVE',
  'route-refresh': 'ROUTE-REFRESH',
};

/** Ports per PROVENANCE.md: bgp-rs captured its sessions on TCP port 1179. */
const portsFor = (file: string): number[] => (file.startsWith('bgp-rs/') ? [1179] : []);

interface Decoded {
  records: BgpRecord[];
  counts: Record<string, number>;
  errors: BgpRecord[];
}

function decodeFile(file: string): Decoded {
  const records = [...openBgpFile(new Uint8Array(readFileSync(join(ROOT, file))), { ports: portsFor(file) }).records];
  const counts: Record<string, number> = {};
  for (const r of records) {
    if (r.kind !== 'message') continue;
    const name = TSHARK_NAME[r.message.type] ?? r.message.type;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return { records, counts, errors: records.filter((r) => r.kind === 'error') };
}

// ---------------------------------------------------------------------------------------------
// Malformed on purpose: documented in the table above. `same`: Wren's counts equal tshark's
// anyway. `errors`: NOTIFICATION code/subcode pairs that must be among the errors (RFC 4271 s6).

interface Malformed {
  why: string;
  same?: true;
  errors?: [number, number][];
}

const MALFORMED: Record<string, Malformed> = {
  'tcpdump/tests/bgp-addpath.pcap': { why: 'NEXT_HOP length 0, MP_REACH/MP_UNREACH with wrong flags and repeated: session-reset UPDATE error' },
  'tcpdump/tests/bgp-aigp-oobr.pcap': { why: 'fuzzed 64 KiB segment; Wren resynchronises where tshark stops' },
  'tcpdump/tests/bgp-as-path-oobr.pcap': { why: 'fuzzed 64 KiB segments; Wren resynchronises where tshark stops' },
  'tcpdump/tests/bgp-bgp_capabilities_print-oobr-1.pcap': { why: 'lone cut first IP fragment; OPEN version 255', errors: [[2, 1], [1, 1]] },
  'tcpdump/tests/bgp-bgp_capabilities_print-oobr-2.pcap': { why: 'lone cut first IP fragment; OPEN version 255', errors: [[2, 1], [1, 1]] },
  'tcpdump/tests/bgp-infinite-loop.pcap': { why: 'UPDATEs of Length 19: Bad Message Length', errors: [[1, 2]] },
  'tcpdump/tests/bgp-ub.pcap': { why: 'fuzzed segment; Wren resynchronises and finds more UPDATEs' },
  'tcpdump/tests/bgp_mp_reach_nlri-oobr.pcap': { why: 'snaplen-cut segment of UPDATEs with malformed withdrawn routes', errors: [[3, 10]] },
  'tcpdump/tests/bgp_mvpn_6_and_7_oobr.pcap': { why: 'attribute length overruns the message; the rest is no header', errors: [[3, 1], [1, 1]] },
  'tcpdump/tests/bgp_pmsi_tunnel-oobr.pcap': { why: 'lone cut first IP fragment; attribute length overruns the message', errors: [[3, 1]] },
  'tcpdump/tests/bgp_vpn_rt-oobr.pcap': { why: 'snaplen-cut segment; impossible UPDATE lengths', errors: [[3, 1]] },
  'PcapPlusPlus/Tests/Packet++Test/PacketExamples/Bgp_open_malformed.pcap': { why: 'Opt Parm Len 5 with 1 byte present; other frames retransmit it', errors: [[2, 0]] },
  'tcpdump/tests/bgp-extended-optional-parameters-length.pcapng': { why: 'tshark flags RFC 9072 lengths', same: true },
  'tcpdump/tests/bgp-orf.pcapng': { why: 'tshark flags ORF entries', same: true },
  'tcpdump/tests/bgp-rt-prefix.pcap': { why: 'tshark flags RT-Constraint prefixes', same: true },
  'ryu/ryu/tests/packet_data/bgp4/flowspec_nlri_l2vpn.pcap': { why: 'tshark flags L2VPN FlowSpec', same: true },
};

const isMalformed = (file: string): boolean =>
  PROVENANCE.get(file)?.tsharkMalformed === true ||
  /oobr|bgp-ub\.|bgp-infinite-loop\.|Bgp_open_malformed/.test(file);

/**
 * Well-formed files whose counts differ because of a codec (src/wire) problem: asserted with
 * it.fails until the codec is fixed. Empty: every well-formed capture matches tshark.
 */
const CODEC_ISSUES: Record<string, string> = {};

const WELL_FORMED = CAPTURES.filter((f) => !isMalformed(f));
const MALFORMED_FILES = CAPTURES.filter(isMalformed);

describe('capture corpus (pcap-fixtures) against tshark', () => {
  it(`finds all ${EXPECTED_CAPTURES} capture files, each with tshark counts in PROVENANCE.md`, () => {
    expect(CAPTURES).toHaveLength(EXPECTED_CAPTURES);
    expect(CAPTURES).toContain('scapy/test/pcaps/bgp_fragmented.pcap.gz');
    expect(CAPTURES).toContain('packetlife-backup/pcaps/bgp med.pcapng.cap');
    for (const f of CAPTURES) expect(PROVENANCE.get(f)?.counts, f).toBeDefined();
    // Nothing listed as a capture in PROVENANCE.md is missing from the tree.
    const listed = [...PROVENANCE.entries()].filter(([f, p]) => p.counts && /\.(pcap|pcapng|cap)$|\.pcap\.gz$/.test(f)).map(([f]) => f);
    expect(listed.sort()).toEqual(CAPTURES);
    // The malformed table documents exactly the malformed files.
    expect(Object.keys(MALFORMED).sort()).toEqual([...MALFORMED_FILES].sort());
    expect(WELL_FORMED.length + MALFORMED_FILES.length).toBe(EXPECTED_CAPTURES);
  });

  it('bgp-rs captures are on port 1179 (PROVENANCE.md says so)', () => {
    for (const f of ['bgp-rs/res/pcap/BGP_notification_msg.cap', 'bgp-rs/res/pcap/bgp_withdraw.cap', 'bgp-rs/res/pcap/BGP_flowspec_v4.cap']) {
      expect(PROVENANCE.get(f)?.line).toMatch(/port \**1179/);
    }
  });

  describe('well-formed captures: Wren counts = tshark counts, no error records', () => {
    for (const file of WELL_FORMED) {
      const issue = CODEC_ISSUES[file];
      (issue ? it.fails : it)(file, () => {
        const { counts, errors } = decodeFile(file);
        expect(counts).toEqual(PROVENANCE.get(file)?.counts);
        // A capture cut in the middle of its last message is reported (tshark says nothing);
        // that is the only error a well-formed capture may have: traffic-reproducer's
        // bgp-traffic.pcap ends 111 bytes into a message.
        const messages = errors.map((e) => (e.kind === 'error' ? e.error.message : ''));
        const cut = messages.filter((m) => m.startsWith('the capture ends inside a message'));
        expect(messages.filter((m) => !cut.includes(m))).toEqual([]);
        expect(cut).toEqual(file.endsWith('pcaps/bgp-traffic.pcap') ? ['the capture ends inside a message: 111 bytes of it captured'] : []);
      });
    }
  });

  describe('malformed on purpose: counts may differ, but everything is accounted for', () => {
    it.each(MALFORMED_FILES)('%s', (file) => {
      const spec = MALFORMED[file] as Malformed;
      const tshark = PROVENANCE.get(file)?.counts ?? {};
      const { records, counts, errors } = decodeFile(file); // terminates: the iterator ran dry
      expect(records.length).toBeLessThan(10_000);
      for (const r of records) expect(['message', 'error', 'gap']).toContain(r.kind);
      const bgpErrors: BgpError[] = [];
      for (const r of errors) {
        if (r.kind !== 'error') continue;
        if (r.error instanceof BgpError) {
          // A codec error is the NOTIFICATION Wren would send: a real code, a subcode.
          expect(r.error.code).toBeGreaterThanOrEqual(1);
          expect(r.error.code).toBeLessThanOrEqual(7);
          expect(Number.isInteger(r.error.subcode)).toBe(true);
          bgpErrors.push(r.error);
        } else {
          // A container problem (capture, IP, TCP): a message, no NOTIFICATION.
          expect(r.error.message.length).toBeGreaterThan(0);
          expect('code' in r.error).toBe(false);
        }
      }
      // Every message tshark saw is a message or a codec error in Wren.
      const tsharkTotal = Object.values(tshark).reduce((n, v) => n + v, 0);
      const wrenMessages = Object.values(counts).reduce((n, v) => n + v, 0);
      expect(wrenMessages + bgpErrors.length).toBeGreaterThanOrEqual(tsharkTotal);
      if (spec.same) expect(counts).toEqual(tshark);
      for (const [code, subcode] of spec.errors ?? []) {
        expect(bgpErrors.map((e) => `${e.code}/${e.subcode}`)).toContain(`${code}/${subcode}`);
      }
    });

    it('bgp-infinite-loop: one Bad Message Length per UPDATE tshark counts, with the Length field as data', () => {
      const { errors } = decodeFile('tcpdump/tests/bgp-infinite-loop.pcap');
      const badLength = errors.flatMap((r) => (r.kind === 'error' && r.error instanceof BgpError && r.error.code === 1 && r.error.subcode === 2 ? [r.error] : []));
      expect(badLength).toHaveLength(PROVENANCE.get('tcpdump/tests/bgp-infinite-loop.pcap')?.counts?.UPDATE ?? -1);
      for (const e of badLength) expect([...e.data]).toEqual([0x00, 0x13]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// PcapPlusPlus *.dat: the hex of one Ethernet frame each, wrapped into a pcap here.

const DAT_DIR = 'PcapPlusPlus/Tests/Packet++Test/PacketExamples';

/** A classic little-endian pcap (microseconds, Ethernet) holding one frame. */
function pcapOf(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(24 + 16 + frame.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, 1_700_000_000, true);
  v.setUint32(32, frame.length, true);
  v.setUint32(36, frame.length, true);
  out.set(frame, 40);
  return out;
}

function datFrame(name: string): Uint8Array {
  const text = readFileSync(join(ROOT, DAT_DIR, name), 'utf8').replace(/\s+/g, '');
  expect(text).toMatch(/^([0-9a-fA-F]{2})+$/);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

const datRecords = (name: string): BgpRecord[] => [...openBgpFile(pcapOf(datFrame(name))).records];

/** The message types PROVENANCE.md describes for each frame, checked against its text below. */
const DAT_TYPES: Record<string, string[]> = {
  'Bgp_keepalive.dat': ['keepalive'],
  'Bgp_notification.dat': ['notification'],
  'Bgp_notification2.dat': ['notification'],
  'Bgp_open.dat': ['open'],
  'Bgp_open2.dat': ['open'],
  'Bgp_route-refresh.dat': ['route-refresh'],
  'Bgp_update1.dat': ['update', 'update'],
  'Bgp_update2.dat': ['update', 'update', 'update', 'update'],
};

/**
 * The malformed OPENs, each the only message of its frame, and the NOTIFICATION due (RFC 4271):
 * - too_short_header: Length 25 < 29, the smallest OPEN: s6.1 Bad Message Length (1/2), the data
 *   being the erroneous Length field.
 * - malformed_opt_param_len: Opt Parm Len 5 fits the message, but the Capabilities parameter in it
 *   claims 16 bytes with 3 left: a recognised optional parameter that is malformed, s6.2 subcode
 *   0 (Unspecific).
 * - partial_valid_opt_params: Opt Parm Len 4 = an empty Capabilities parameter (valid), then one
 *   claiming 5 bytes with none left: again a malformed parameter, 2/0.
 * - truncated_opt_param_hdr: Opt Parm Len 5 but only 1 byte (half a parameter header) in the
 *   message: the optional parameters are malformed, 2/0 (s6.2 gives no subcode for the length
 *   mismatch itself; this is also what FRR sends).
 */
const DAT_ERRORS: Record<string, { code: number; subcode: number; data: number[] }> = {
  'Bgp_open_too_short_header.dat': { code: 1, subcode: 2, data: [0x00, 0x19] },
  'Bgp_open_malformed_opt_param_len.dat': { code: 2, subcode: 0, data: [] },
  'Bgp_open_partial_valid_opt_params.dat': { code: 2, subcode: 0, data: [] },
  'Bgp_open_truncated_opt_param_hdr.dat': { code: 2, subcode: 0, data: [] },
};

describe('PcapPlusPlus single frames (*.dat)', () => {
  const dats = ALL_FILES.filter((f) => f.endsWith('.dat'));

  it('every .dat is covered, and PROVENANCE.md describes it as a frame of the expected size', () => {
    expect(dats.map((f) => f.slice(DAT_DIR.length + 1)).sort()).toEqual([...Object.keys(DAT_TYPES), ...Object.keys(DAT_ERRORS)].sort());
    for (const f of dats) {
      const line = PROVENANCE.get(f)?.line ?? '';
      expect(line, f).toContain('one full Ethernet frame');
      const size = /\((\d+)-byte frame\)/.exec(line)?.[1];
      if (size) expect(datFrame(f.slice(DAT_DIR.length + 1)).length).toBe(Number(size));
    }
  });

  it.each(Object.entries(DAT_TYPES))('%s: %j', (name, types) => {
    const line = PROVENANCE.get(`${DAT_DIR}/${name}`)?.line ?? '';
    // The description names the type, and the number of UPDATEs where it gives one.
    for (const t of new Set(types)) expect(line).toContain(TSHARK_NAME[t] as string);
    const n = /(\d+) [a-z-]+ UPDATEs/.exec(line)?.[1];
    if (n) expect(types).toHaveLength(Number(n));
    const records = datRecords(name);
    expect(records.map((r) => (r.kind === 'message' ? r.message.type : `${r.kind}`))).toEqual(types);
  });

  it('what the descriptions say beyond the type', () => {
    const msg = (name: string, i = 0) => {
      const r = datRecords(name)[i];
      if (r?.kind !== 'message') throw new Error(`${name}: no message ${i}`);
      return r.message;
    };
    const n1 = msg('Bgp_notification.dat');
    const n2 = msg('Bgp_notification2.dat');
    expect(n1.type === 'notification' && n1.data.length > 0).toBe(true); // "with data"
    expect(n2.type === 'notification' && n2.data.length === 0).toBe(true); // "without data"
    for (const i of [0, 1]) {
      const u = msg('Bgp_update1.dat', i); // withdraw-only
      expect(u.type === 'update' && u.withdrawn.count > 0 && u.nlri.count === 0 && u.attributes.length === 0).toBe(true);
    }
    for (const i of [0, 1, 2]) {
      const u = msg('Bgp_update2.dat', i); // ORIGIN, AS_PATH, NEXT_HOP + IPv4 NLRI
      expect(u.type === 'update' && u.nlri.count > 0).toBe(true);
      if (u.type === 'update') expect(u.attributes.map((a) => a.type)).toEqual(['origin', 'as-path', 'next-hop']);
    }
    // PROVENANCE.md calls all four "announcing", but the bytes of the fourth are 23 bytes long,
    // with empty withdrawn routes, attributes and NLRI: the IPv4 End-of-RIB marker (RFC 4724 s2).
    const eor = msg('Bgp_update2.dat', 3);
    expect(eor.type === 'update' && eor.withdrawn.count + eor.nlri.count + eor.attributes.length).toBe(0);
    const o2 = msg('Bgp_open2.dat');
    expect(o2.type === 'open' && JSON.stringify(o2).includes('add-path')).toBe(true);
  });

  it.each(Object.entries(DAT_ERRORS))('%s: NOTIFICATION %j', (name, want) => {
    expect(PROVENANCE.get(`${DAT_DIR}/${name}`)?.line).toContain('Malformed OPEN');
    const records = datRecords(name);
    expect(records).toHaveLength(1);
    const r = records[0];
    if (r?.kind !== 'error' || !(r.error instanceof BgpError)) throw new Error(`${name}: expected one BgpError, got ${JSON.stringify(r)}`);
    expect({ code: r.error.code, subcode: r.error.subcode, data: [...r.error.data] }).toEqual(want);
  });
});
