// Reads tcpdump's regression tests (pcap-fixtures/tcpdump/tests): which captures TESTLIST pairs
// with which .out file, and what tcpdump printed there for each BGP message, as Facts
// (tcpdump-facts.ts). The text is `tcpdump -v` (with --number): one block per frame, one block
// per BGP message inside, one line per path attribute at a fixed indentation:
//
//     13  2019-04-11 17:16:39.745302 IP (tos 0xc0, ...)                 <- frame 13
//     1.0.2.1.179 > 1.0.2.2.42741: Flags [P.], ... length 95: BGP
//  \tUpdate Message (2), length: 95                                    <- message
//  \t  AS Path (2), length: 12, Flags [T]: 200 1 23456 23456 23456     <- attribute
//  \t  Updated routes:
//  \t    4.4.4.4/32                                                    <- prefix
//
// Only what tcpdump printed as valid counts: lines from the first malformation marker on
// ("[|bgp]", "invalid", "(illegal prefix length)", "too short") are not turned into facts.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  emptyFacts,
  formatSegments,
  nextHopAddresses,
  normalizeIp,
  normalizePrefix,
  RENDERED_EXT_TYPES,
  type Facts,
  type OpaqueMp,
} from './tcpdump-facts.js';
import { isIpFamily, type AsPathSegment, type BgpMessage } from '../../src/wire/index.js';

export const TCPDUMP_TESTS = join(dirname(fileURLToPath(import.meta.url)), '../../pcap-fixtures/tcpdump/tests');

export interface TestListEntry {
  readonly name: string;
  readonly capture: string;
  readonly out: string;
  readonly flags: readonly string[];
}

/** TESTLIST lines that mention BGP: "name capture output flags...". */
export function bgpTestList(dir = TCPDUMP_TESTS): TestListEntry[] {
  const out: TestListEntry[] = [];
  for (const raw of readFileSync(join(dir, 'TESTLIST'), 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || !/bgp/i.test(line)) continue;
    const [name, capture, outFile, ...flags] = line.split(/\s+/);
    if (!name || !capture || !outFile) throw new Error(`TESTLIST line not understood: ${line}`);
    out.push({ name, capture, out: outFile, flags });
  }
  return out;
}

export interface TdMessage {
  readonly frame: number;
  /** Position among the BGP messages tcpdump printed for this frame. */
  readonly index: number;
  readonly type: BgpMessage['type'] | 'unknown';
  readonly length: number;
  readonly lines: readonly string[];
  /** The first line with a malformation marker, if any. */
  readonly marker: string | null;
  /** What tcpdump printed as valid (before the marker). */
  readonly facts: Facts;
  /** What tcpdump printed on every line without a marker, also after one (it goes on after "invalid len"). */
  readonly allFacts: Facts;
  /** Prefixes of families Wren keeps as bytes: tcpdump decoded them, nothing to compare with. */
  readonly skipped: string[];
  /** Other printed details Wren keeps as bytes ("33 BGPsec Path", "128 Attribute Set"...). */
  readonly notCompared: string[];
  /** Where tcpdump's text is wrong and the fact was set right (each with the reason). */
  readonly corrections: string[];
}

export interface TdFrame {
  readonly frame: number;
  readonly messages: TdMessage[];
  /** Markers printed outside any message (e.g. "[|BGP Unknown Message Type]"). */
  readonly trailer: string[];
}

const FRAME_LINE = /^\s*(\d+)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ /;
const MESSAGE_LINE = /^\t(Open|Update|Notification|Keepalive|Route Refresh) Message \((\d+)\), length: (\d+)(.*)$/;
// tcpdump's words for bytes it could not take as they are. ("ovs: invalid" is a value: RFC 8097.)
const MARKER = /\[\|bgp\]|\[\|BGP|invalid len|\(invalid\)|invalid Shutdown Communication length|illegal prefix length|too short/;

export interface ParseOptions {
  /** tcpdump -b: ASNs in asdot notation (RFC 5396), "65535.65530". */
  readonly asdot?: boolean;
}

/** Parses a whole .out file into frames with the BGP messages tcpdump printed. */
export function parseTcpdumpOut(text: string, options: ParseOptions = {}): TdFrame[] {
  const frames: TdFrame[] = [];
  let frame: TdFrame | null = null;
  let block: string[] | null = null;
  const flush = () => {
    if (frame && block) frame.messages.push(parseMessage(frame.frame, frame.messages.length, block, options));
    block = null;
  };
  for (const line of text.split('\n')) {
    const f = FRAME_LINE.exec(line);
    if (f) {
      flush();
      frame = { frame: Number(f[1]), messages: [], trailer: [] };
      frames.push(frame);
      continue;
    }
    if (!frame) continue;
    if (MESSAGE_LINE.test(line)) {
      flush();
      block = [line];
      continue;
    }
    if (line.startsWith('\t') && block) {
      block.push(line);
      continue;
    }
    if (/^\[\|/.test(line)) {
      flush();
      frame.trailer.push(line.trim());
    }
    // Anything else is the link/IP/TCP part of the frame.
  }
  flush();
  return frames.filter((x) => x.messages.length > 0 || x.trailer.length > 0);
}

// ---------------------------------------------------------------------------------------------

function parseAsn(text: string, asdot: boolean): number {
  if (asdot && text.includes('.')) {
    const [hi, lo] = text.split('.').map(Number) as [number, number];
    return hi * 65536 + lo;
  }
  if (!/^\d+$/.test(text)) throw new Error(`not an ASN: ${text}`);
  return Number(text);
}

/** "200 1 { 3 4 } ( 5 ) " -> segments (print-bgp.c: "{ " / "}" AS_SET, "( " / ")" confed sequence, "({ " / "})" confed set). */
function parseAsPath(value: string, asdot: boolean): string {
  if (value.trim() === 'empty') return '';
  const segments: AsPathSegment[] = [];
  let cur: { type: 1 | 2 | 3 | 4; asns: number[] } | null = null;
  for (const tok of value.trim().split(/\s+/)) {
    if (tok === '{' || tok === '(' || tok === '({') {
      cur = { type: tok === '{' ? 1 : tok === '(' ? 3 : 4, asns: [] };
      segments.push(cur);
    } else if (tok === '}' || tok === ')' || tok === '})') {
      cur = null;
    } else {
      if (!cur) {
        cur = { type: 2, asns: [] };
        segments.push(cur);
      }
      cur.asns.push(parseAsn(tok, asdot));
    }
  }
  return formatSegments(segments);
}

const ORIGINS: Record<string, string> = { IGP: 'IGP', EGP: 'EGP', Incomplete: 'INCOMPLETE' };
const COMMUNITY_NAMES: Record<string, string> = {
  NO_EXPORT: '65535:65281',
  NO_ADVERTISE: '65535:65282',
  NO_EXPORT_SUBCONFED: '65535:65283',
};

function flagsByte(letters: string | undefined): number {
  if (!letters) return 0;
  const [main, low] = letters.split('+') as [string, string | undefined];
  let f = 0;
  if (main.includes('O')) f |= 0x80;
  if (main.includes('T')) f |= 0x40;
  if (main.includes('P')) f |= 0x20;
  if (main.includes('E')) f |= 0x10;
  if (low) f |= parseInt(low, 16);
  return f;
}

interface MpState {
  readonly attr: 'mp-reach' | 'mp-unreach';
  family: string | null;
  ip: boolean;
  opaque: { attr: 'mp-reach' | 'mp-unreach'; family: string; empty: boolean; hex?: string } | null;
  /** Hex dump lines of an attribute tcpdump has no decoder for. */
  hex: string[] | null;
}

function parseMessage(frame: number, index: number, lines: string[], options: ParseOptions): TdMessage {
  const asdot = options.asdot ?? false;
  const head = MESSAGE_LINE.exec(lines[0]!)!;
  const typeCode = Number(head[2]);
  const type = ({ 1: 'open', 2: 'update', 3: 'notification', 4: 'keepalive', 5: 'route-refresh' } as const)[typeCode] ?? 'unknown';
  const body = lines.slice(1);
  const rest = head[4]!;
  const sink = (): Sink => ({ facts: emptyFacts(), skipped: [], notCompared: [], corrections: [], asdot });
  const main = sink();
  const all = sink();
  let marker: string | null = null;
  if (type === 'notification') {
    // The header line of a NOTIFICATION carries the codes, then maybe a marker ("invalid Shutdown...").
    if (parseNotification(rest, body, main.facts)) marker = lines[0]!;
    parseNotification(rest, body, all.facts);
  } else if (MARKER.test(rest)) {
    marker = lines[0]!;
  } else {
    const parse = type === 'open' ? parseOpen : type === 'update' ? parseUpdate : type === 'route-refresh' ? parseRouteRefresh : null;
    if (parse) {
      const at = parse(body, main, true);
      if (at >= 0) marker = body[at]!;
      parse(body, all, false);
    }
  }
  return { frame, index, type, length: Number(head[3]), lines, marker, ...main, allFacts: all.facts };
}

interface Sink {
  readonly facts: Facts;
  readonly skipped: string[];
  readonly notCompared: string[];
  readonly corrections: string[];
  readonly asdot: boolean;
}

/** "Cease (6), subcode Administrative Shutdown (2), Shutdown Communication (length: 52): "..."" */
function parseNotification(rest: string, more: string[], facts: Facts): boolean {
  const m = /^, [^(]*\((\d+)\),? subcode [^(]*\((\d+)\)(.*)$/.exec(rest);
  if (!m) throw new Error(`NOTIFICATION line not understood: ${rest}`);
  facts.other.push(`notification ${m[1]}/${m[2]}`);
  let tail = m[3]!;
  const hard = /^, [^(]*\((\d+)\), subcode [^(]*\((\d+)\)/.exec(tail);
  if (m[1] === '6' && m[2] === '9' && hard) {
    facts.other.push(`hard-reset ${hard[1]}/${hard[2]}`);
    tail = tail.slice(hard[0].length);
  }
  const text = /^, Shutdown Communication \(length: (\d+)\): "(.*)"/.exec(tail);
  if (text) facts.other.push(`shutdown-communication ${JSON.stringify(text[2])}`);
  if (/^, empty Shutdown Communication/.test(tail)) facts.other.push('shutdown-communication ""');
  if (/Data: \(length: \d+\)/.test(tail)) {
    const hex = more
      .map((l) => /^\t+0x[0-9a-f]+:\s+([0-9a-f ]+)$/.exec(l)?.[1])
      .filter((x): x is string => x !== undefined)
      .join('')
      .replace(/\s+/g, '');
    facts.other.push(`notification-data ${hex}`);
  }
  return MARKER.test(tail);
}

/**
 * The parsers below return the index of the first line with a marker, or -1. With stopAtMarker
 * they stop there; otherwise they skip lines with a marker and go on.
 */
function parseOpen(body: string[], sink: Sink, stopAtMarker: boolean): number {
  const { facts } = sink;
  let cap = -1;
  let first = -1;
  for (let i = 0; i < body.length; i++) {
    const line = body[i]!;
    if (MARKER.test(line)) {
      if (first < 0) first = i;
      if (stopAtMarker) return i;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^\t {2}Version (\d+), my AS (\S+), Holdtime (\d+)s, ID (\S+)$/.exec(line))) {
      facts.other.push(`open version ${m[1]} as ${parseAsn(m[2]!, sink.asdot)} hold ${m[3]} id ${m[4]}`);
    } else if (/^\t {2}Optional parameters \(Extended\), length: \d+$/.test(line)) {
      facts.other.push('extended-params');
    } else if (/^\t {2}Optional parameters, length: \d+$/.test(line)) {
      // nothing to compare
    } else if ((m = /^\t {4}Option .* \((\d+)\), length: \d+$/.exec(line))) {
      facts.other.push(`param ${m[1]}`);
      cap = -1;
    } else if ((m = /^\t {6}.* \((\d+)\), length: \d+$/.exec(line))) {
      cap = Number(m[1]);
      facts.other.push(`capability ${cap}`);
    } else if ((m = /^\t\t\s*AFI \S+ \((\d+)\), SAFI .* \((\d+)\)(.*)$/.exec(line))) {
      const fam = `${m[1]}/${m[2]}`;
      const tail = m[3]!;
      if (cap === 1) facts.other.push(`mp-capability ${fam}`);
      else if (cap === 69) facts.other.push(`add-path ${fam} ${/Send\/Receive: (\S+)/.exec(tail)![1]!.toLowerCase()}`);
      else if (cap === 64) facts.other.push(`graceful-restart ${fam} forwarding ${/preserved: (\w+)/.exec(tail)![1]}`);
      else if (cap === 8) facts.other.push(`multiple-labels ${fam} count ${/Count: (\d+)/.exec(tail)![1]}`);
      else throw new Error(`AFI line under capability ${cap}: ${line}`);
    } else if ((m = /^\t\t\s*4 Byte AS (\S+)$/.exec(line))) {
      facts.other.push(`four-octet-as ${parseAsn(m[1]!, sink.asdot)}`);
    } else if ((m = /^\t\tRestart Flags: \[([^\]]*)\], Restart Time (\d+)s$/.exec(line))) {
      facts.other.push(`graceful-restart [${m[1]}] ${m[2]}s`);
    } else if ((m = /^\t\tRole name .* \((\d+)\)$/.exec(line))) {
      facts.other.push(`role ${m[1]}`);
    } else if (/^\t\t(no decoder for Capability \d+|0x[0-9a-f]+: .*|Version \d+, Direction .*)$/.test(line) || /^\t\t {6}/.test(line)) {
      // capability bytes tcpdump dumps, and BGPsec capability details: not compared
    } else if (/^\t {6}no decoder for option \d+$/.test(line)) {
      // an unknown optional parameter
    } else {
      throw new Error(`OPEN line not understood: ${JSON.stringify(line)}`);
    }
  }
  return first;
}

function parseRouteRefresh(body: string[], sink: Sink, stopAtMarker: boolean): number {
  let first = -1;
  for (let i = 0; i < body.length; i++) {
    const line = body[i]!;
    if (MARKER.test(line)) {
      if (first < 0) first = i;
      if (stopAtMarker) return i;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^\t {2}AFI \S+ \((\d+)\), SAFI .* \((\d+)\), Subtype .* \((\d+)\)$/.exec(line))) {
      sink.facts.other.push(`route-refresh ${m[1]}/${m[2]} subtype ${m[3]}`);
    } else if ((m = /^\t {2}ORF refresh .* \((\d+)\), ORF type .* \((\d+)\), ORF length (\d+)$/.exec(line))) {
      sink.facts.other.push(`orf when ${m[1]} type ${m[2]} length ${m[3]}`);
    } else if (!/^\t {4}/.test(line)) {
      throw new Error(`ROUTE-REFRESH line not understood: ${JSON.stringify(line)}`);
    }
  }
  return first;
}

/** "8.2.0.0/24   Path Id: 20" */
function parseUnicastPrefix(text: string): string {
  const m = /^(\S+\/\d+)(?:\s+Path Id: (\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`prefix not understood: ${JSON.stringify(text)}`);
  return `${normalizePrefix(m[1]!)}${m[2] === undefined ? '' : ` path-id ${m[2]}`}`;
}

const ATTR_LINE = /^\t {2}(\S.*?) \((\d+)\), length: (\d+)(?:, Flags \[([A-Za-z+0-9]*)\])?:?\s?(.*)$/;

function parseUpdate(body: string[], sink: Sink, stopAtMarker: boolean): number {
  const { facts, skipped, notCompared, corrections, asdot } = sink;
  let mode: 'withdrawn' | 'nlri' | 'attr' | null = null;
  let attr = -1;
  let mp: MpState | null = null;
  let withdrawnSeen = 0;
  let first = -1;
  const closeMp = () => {
    if (mp?.hex) {
      // No decoder for this family: tcpdump dumped the attribute value (AFI, SAFI, next hop
      // length, next hop, reserved, NLRI), so the next hop and the NLRI bytes can be compared.
      const b = Buffer.from(mp.hex.join(''), 'hex');
      const family = `${b.readUInt16BE(0)}/${b[2]}`;
      if (mp.attr === 'mp-reach') {
        const nhLen = b[3]!;
        const hops = nextHopAddresses(b.subarray(4, 4 + nhLen));
        if (hops) for (const h of hops) facts.nextHops.push(`MP_REACH ${family} ${h}`);
        else facts.nextHops.push(`MP_REACH ${family} hex ${b.subarray(4, 4 + nhLen).toString('hex')}`);
        facts.other.push(`mp-reach ${family} reserved ${b[4 + nhLen]}`);
        const nlri = b.subarray(5 + nhLen).toString('hex');
        facts.opaque.push({ attr: 'mp-reach', family, empty: nlri.length === 0, hex: nlri });
      } else {
        const nlri = b.subarray(3).toString('hex');
        facts.opaque.push({ attr: 'mp-unreach', family, empty: nlri.length === 0, hex: nlri });
      }
    } else if (mp?.opaque) {
      facts.opaque.push(mp.opaque as OpaqueMp);
    }
    mp = null;
  };
  for (let i = 0; i < body.length; i++) {
    const line = body[i]!;
    if (MARKER.test(line)) {
      if (first < 0) first = i;
      // What was printed of an opaque family before the marker still says "there were NLRI".
      if (mp?.opaque && /illegal prefix length/.test(line)) mp.opaque.empty = false;
      if (stopAtMarker) {
        closeMp();
        return i;
      }
      if (ATTR_LINE.test(line)) {
        closeMp();
        mode = 'attr';
        attr = Number(ATTR_LINE.exec(line)![2]);
      }
      continue;
    }
    let m: RegExpExecArray | null;
    if (/^\t {2}Withdrawn routes:$/.test(line)) {
      closeMp();
      mode = 'withdrawn';
      continue;
    }
    if (/^\t {2}Updated routes:$/.test(line)) {
      closeMp();
      mode = 'nlri';
      continue;
    }
    if (/^\t {2}End-of-Rib Marker \(empty NLRI\)$/.test(line)) {
      closeMp();
      // print-bgp.c prints this whenever an UPDATE has no attributes and no NLRI; RFC 4724 s2
      // also wants no withdrawn routes, so an UPDATE that only withdraws is no End-of-RIB.
      if (withdrawnSeen === 0) facts.other.push('eor 1/1');
      else corrections.push(`an UPDATE withdrawing ${withdrawnSeen} routes is no End-of-RIB (RFC 4724 s2), as tcpdump prints`);
      continue;
    }
    if ((m = ATTR_LINE.exec(line))) {
      closeMp();
      mode = 'attr';
      attr = Number(m[2]);
      const flags = flagsByte(m[4]);
      const value = m[5]!;
      facts.other.push(`attr ${attr} flags 0x${flags.toString(16).padStart(2, '0')}`);
      switch (attr) {
        case 1:
          facts.other.push(`origin ${ORIGINS[value.trim()] ?? `? ${value}`}`);
          break;
        case 2:
          facts.asPaths.push(`AS_PATH ${parseAsPath(value, asdot)}`.trim());
          break;
        case 17:
          facts.asPaths.push(`AS4_PATH ${parseAsPath(value, asdot)}`.trim());
          break;
        case 3:
          facts.nextHops.push(`NEXT_HOP ${normalizeIp(value.trim())}`);
          break;
        case 4:
          facts.other.push(`med ${Number(value)}`);
          break;
        case 5:
          facts.other.push(`local-pref ${Number(value)}`);
          break;
        case 8:
          for (const c of value.split(',').map((s) => s.trim()).filter(Boolean)) {
            facts.communities.push(COMMUNITY_NAMES[c] ?? (/^\d+:\d+$/.test(c) ? c : `? ${c}`));
          }
          break;
        case 9:
          facts.other.push(`originator-id ${value.trim()}`);
          break;
        case 10:
          facts.other.push(`cluster-list ${value.split(',').map((s) => s.trim()).join(' ')}`);
          break;
        case 14:
        case 15:
          mp = { attr: attr === 14 ? 'mp-reach' : 'mp-unreach', family: null, ip: false, opaque: null, hex: null };
          break;
        case 16:
        case 26:
        case 32:
        case 35:
          break; // values on the following lines
        default:
          notCompared.push(`${attr} ${m[1]}`);
      }
      continue;
    }
    if ((m = /^\t {4}(\S.*)$/.exec(line))) {
      const text = m[1]!;
      if (mode === 'withdrawn') {
        facts.prefixes.push(`withdrawn ${parseUnicastPrefix(text)}`);
        withdrawnSeen++;
        continue;
      }
      if (mode === 'nlri') {
        facts.prefixes.push(`nlri ${parseUnicastPrefix(text)}`);
        continue;
      }
      if (mp) {
        let a: RegExpExecArray | null;
        if ((a = /^AFI: .*?\((\d+)\), (?:vendor specific )?SAFI: .*\((\d+)\)$/.exec(text))) {
          const afi = Number(a[1]);
          const safi = Number(a[2]);
          mp.family = `${afi}/${safi}`;
          mp.ip = isIpFamily(afi, safi);
          if (!mp.ip) mp.opaque = { attr: mp.attr, family: mp.family, empty: true };
        } else if ((a = /^nexthop: (.*), nh-length: \d+(, no SNPA)?$/.exec(text))) {
          // VPN next hops come with their Route Distinguisher: "RD: 0:0 (= 0.0.0.0), 12.4.4.4".
          const hops = a[1]!.split(', ').filter((h) => !h.startsWith('RD: '));
          for (const h of hops) facts.nextHops.push(`MP_REACH ${mp.family} ${normalizeIp(h)}`);
          if (a[2]) facts.other.push(`mp-reach ${mp.family} reserved 0`);
        } else if ((a = /^(\d+) SNPA$/.exec(text))) {
          // print-bgp.c reads the octet after the next hop as an SNPA count (RFC 2858 s3); RFC 4760 s3
          // made it Reserved, and the bytes tcpdump then shows as SNPAs are NLRI.
          facts.other.push(`mp-reach ${mp.family} reserved ${a[1]}`);
          corrections.push(`MP_REACH ${mp.family}: octet ${a[1]} after the next hop is RFC 4760's Reserved, not an SNPA count`);
        } else if (/^no AFI \d+ \/ SAFI \d+ decoder$/.test(text)) {
          mp.hex = [];
          mp.opaque = null;
        } else if (mp.hex && (a = /^0x[0-9a-f]+:\s+([0-9a-f ]+)$/.exec(text))) {
          mp.hex.push(a[1]!.replace(/\s+/g, ''));
        } else {
          throw new Error(`MP attribute line not understood: ${JSON.stringify(line)}`);
        }
        continue;
      }
      switch (attr) {
        case 16: {
          const e = /^.* \((0x[0-9a-f]{4})\), Flags \[[^\]]*\]: (.*)$/.exec(text);
          if (!e) throw new Error(`extended community not understood: ${JSON.stringify(line)}`);
          const value = RENDERED_EXT_TYPES.has(parseInt(e[1]!, 16)) ? ` ${e[2]!.trim()}` : '';
          facts.other.push(`ext ${e[1]}${value}`);
          break;
        }
        case 32:
          for (const c of text.split(',').map((s) => s.trim())) facts.communities.push(`large ${c}`);
          break;
        case 26: {
          const g = /^AIGP TLV \(1\), length \d+, metric (\d+)$/.exec(text);
          if (!g) throw new Error(`AIGP not understood: ${JSON.stringify(line)}`);
          facts.other.push(`aigp ${g[1]}`);
          break;
        }
        case 35: {
          const o = /^OTC (\d+)$/.exec(text);
          if (!o) throw new Error(`OTC not understood: ${JSON.stringify(line)}`);
          facts.other.push(`otc ${o[1]}`);
          break;
        }
        default:
          break; // details of an attribute counted in notCompared
      }
      continue;
    }
    if ((m = /^\t {6}(\S.*)$/.exec(line))) {
      const text = m[1]!;
      if (mp && mp.family) {
        if (/^End-of-Rib Marker \(empty NLRI\)$/.test(text)) {
          facts.other.push(`eor ${mp.family}`);
        } else if (mp.ip) {
          facts.prefixes.push(`${mp.attr} ${mp.family} ${parseUnicastPrefix(text)}`);
        } else if (/^\d+ bytes$/.test(text)) {
          // an "SNPA" (see above)
        } else {
          skipped.push(`${mp.attr} ${mp.family} ${text}`);
          mp.opaque!.empty = false;
        }
        continue;
      }
      // Nested lines of attributes Wren keeps as bytes (ATTR_SET, BGPsec_Path, PMSI...).
      continue;
    }
    if (/^\t {8,}\S/.test(line) || /^\t\t/.test(line)) continue; // deeper details of the same
    throw new Error(`UPDATE line not understood: ${JSON.stringify(line)}`);
  }
  closeMp();
  return first;
}
