// Readers for ExaBGP's test vectors (pcap-fixtures/exabgp) and a mapping from Wren's decoded
// messages to the shape of ExaBGP's JSON, so the two can be compared with toEqual.
//
// - qa/encoding/*.ci: `option:file:X.conf` names the configuration in etc/exabgp/ that was in
//   force; `N:cmd:` is the API command, `N:raw:` the exact wire bytes ExaBGP sent, `N:json:`
//   (also `jsv4`/`jsv6`, the JSON of ExaBGP 4 and 6) ExaBGP's JSON when decoding that message.
// - qa/decoding/*: line 1 the kind ("update ipv4 flow", "open", "nlri bgp-ls bgp-ls"), line 2 the
//   hex (a whole message, or a message body without the 19-byte header, or bare NLRI), line 3
//   the JSON ExaBGP printed.

import {
  capabilityCode,
  familyKey,
  fromHex,
  HEADER_LENGTH,
  isIpFamily,
  makeContext,
  MARKER_LENGTH,
  MessageType,
  openCapabilities,
  prefixToString,
  readU16,
  toHex,
  type AsPathSegment,
  type CodecContext,
  type FamilyKey,
  type OpenMessage,
  type PathAttribute,
  type PrefixList,
  type UpdateMessage,
} from '../../src/wire/index.js';

// ---------------------------------------------------------------------------------------------
// Families by ExaBGP name.

const EXA_AFI: Record<string, number> = { ipv4: 1, ipv6: 2, l2vpn: 25, 'bgp-ls': 16388 };
const EXA_SAFI: Record<string, number> = {
  unicast: 1,
  multicast: 2,
  'nlri-mpls': 4,
  'mcast-vpn': 5,
  vpls: 65,
  evpn: 70,
  'bgp-ls': 71,
  'bgp-ls-vpn': 72,
  'sr-policy': 73,
  mup: 85,
  'mpls-vpn': 128,
  rtc: 132,
  flow: 133,
  'flow-vpn': 134,
};

/** "ipv4 flow" (or "ipv4/flow") -> AFI/SAFI. Throws on a name this table does not know. */
export function exaFamily(name: string): { afi: number; safi: number } {
  const [a, s, extra] = name.trim().split(/[\s/]+/);
  const afi = a === undefined ? undefined : EXA_AFI[a];
  const safi = s === undefined ? undefined : EXA_SAFI[s];
  if (afi === undefined || safi === undefined || extra !== undefined) throw new Error(`unknown ExaBGP family name "${name}"`);
  return { afi, safi };
}

export function exaFamilyKey(name: string): FamilyKey {
  const f = exaFamily(name);
  return familyKey(f.afi, f.safi);
}

/** AFI/SAFI -> ExaBGP's name ("ipv6 mpls-vpn"); "afi-X safi-Y" when ExaBGP has none. */
export function exaFamilyName(afi: number, safi: number, sep = ' '): string {
  const a = Object.keys(EXA_AFI).find((k) => EXA_AFI[k] === afi) ?? `afi-${afi}`;
  const s = Object.keys(EXA_SAFI).find((k) => EXA_SAFI[k] === safi) ?? `safi-${safi}`;
  return `${a}${sep}${s}`;
}

// ---------------------------------------------------------------------------------------------
// JSON. ExaBGP prints extended communities as integers up to 2^64 (and IPv6 extended communities
// up to 2^160), which JSON.parse would round; such integers are turned into strings first.

export function parseExaJson(text: string): unknown {
  let out = '';
  let i = 0;
  const number = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      number.lastIndex = i;
      const m = number.exec(text);
      if (!m) throw new SyntaxError(`bad number at ${i}`);
      const tok = m[0];
      const isInt = m[1] === undefined && m[2] === undefined;
      out += isInt && !Number.isSafeInteger(Number(tok)) ? `"${tok}"` : tok;
      i += tok.length;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}

// ---------------------------------------------------------------------------------------------
// qa/encoding/*.ci

export interface CiJson {
  /** json, jsv4 or jsv6. */
  readonly tag: string;
  readonly line: number;
  readonly value: unknown;
}

export interface CiVector {
  /** 1-based position among the file's raw messages. */
  readonly index: number;
  /** 1-based line number of the raw line. */
  readonly line: number;
  /** Connection/sequence prefix ("1", "A1"). */
  readonly conn: string;
  /** Lowercase hex of the whole message, separators removed. */
  readonly hex: string;
  readonly bytes: Uint8Array;
  /** The API command that produced the message (the last cmd line before it), if any. */
  readonly cmd: string | null;
  /** JSON lines following the raw line, before the next raw line. */
  readonly json: readonly CiJson[];
}

export interface CiFile {
  readonly config: string | null;
  readonly options: readonly string[];
  readonly vectors: readonly CiVector[];
}

const CI_LINE = /^([A-Z]?\d+):(raw|json|jsv4|jsv6|cmd):(.*)$/;

export function parseCi(text: string): CiFile {
  let config: string | null = null;
  const options: string[] = [];
  const vectors: { index: number; line: number; conn: string; hex: string; bytes: Uint8Array; cmd: string | null; json: CiJson[] }[] = [];
  let pendingCmd: string | null = null;
  text.split(/\r?\n/).forEach((raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('option:')) {
      const opt = line.slice('option:'.length);
      if (opt.startsWith('file:')) config = opt.slice('file:'.length);
      else options.push(opt);
      return;
    }
    const m = CI_LINE.exec(line);
    if (!m) throw new Error(`line ${n + 1}: unrecognised .ci line: ${line.slice(0, 60)}`);
    const [, conn, kind, rest] = m as unknown as [string, string, string, string];
    if (kind === 'cmd') {
      pendingCmd = rest;
    } else if (kind === 'raw') {
      const hex = rest.replace(/:/g, '').toLowerCase();
      vectors.push({ index: vectors.length + 1, line: n + 1, conn, hex, bytes: fromHex(hex), cmd: pendingCmd, json: [] });
      pendingCmd = null;
    } else {
      const last = vectors[vectors.length - 1];
      if (!last) throw new Error(`line ${n + 1}: JSON before any raw message`);
      last.json.push({ tag: kind, line: n + 1, value: parseExaJson(rest) });
    }
  });
  return { config, options, vectors };
}

// ---------------------------------------------------------------------------------------------
// etc/exabgp/*.conf: only what decides how the bytes read.

export interface ExaConfig {
  readonly asn4: boolean;
  readonly extendedMessage: boolean;
  /** Families from `family { }`; empty when the block is absent (ExaBGP then uses all it knows). */
  readonly families: readonly FamilyKey[];
  /** `capability { add-path send|receive|send/receive; }` */
  readonly addPathMode: string | null;
  /** Families with path identifiers, per ExaBGP's rules (see contextFromConfig). */
  readonly addPath: readonly FamilyKey[];
  readonly capability: Readonly<Record<string, string>>;
  readonly hostName: string | null;
  readonly domainName: string | null;
}

/** The body of every `keyword { ... }` block (flat blocks only: a nested brace throws). */
function blocks(text: string, keyword: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`(^|[\\s;{])${keyword}\\s*\\{`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = text.indexOf('}', start);
    const body = text.slice(start, end);
    if (end < 0 || body.includes('{')) throw new Error(`cannot read the ${keyword} block (nested or unterminated)`);
    out.push(body);
  }
  return out;
}

function statements(body: string): string[][] {
  return body
    .split(';')
    .map((s) => s.replace(/#.*$/gm, '').trim())
    .filter((s) => s !== '')
    .map((s) => s.split(/\s+/));
}

function enabled(value: string | undefined, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (/^(enable|enabled|true|yes)$/i.test(value)) return true;
  if (/^(disable|disabled|false|no)$/i.test(value)) return false;
  throw new Error(`not a boolean: ${value}`);
}

const ALL_IP_FAMILIES = [familyKey(1, 1), familyKey(1, 2), familyKey(2, 1), familyKey(2, 2)];

export function parseExaConfig(text: string): ExaConfig {
  const noComments = text.replace(/#.*$/gm, '');
  const topLevelNeighbors = noComments.split('\n').filter((l) => /^neighbor\s/.test(l));
  if (topLevelNeighbors.length > 1) throw new Error('configurations with several neighbors are not supported');

  const capability: Record<string, string> = {};
  for (const body of blocks(noComments, 'capability')) {
    for (const [key, ...rest] of statements(body)) capability[key!] = rest.join(' ');
  }
  const families: FamilyKey[] = [];
  for (const body of blocks(noComments, 'family')) {
    for (const words of statements(body)) families.push(exaFamilyKey(words.join(' ')));
  }
  const addPathBlock: FamilyKey[] = [];
  for (const body of blocks(noComments, 'add-path')) {
    for (const words of statements(body)) addPathBlock.push(exaFamilyKey(words.join(' ')));
  }
  const addPathMode = capability['add-path'] ?? null;
  const addPathOn = addPathMode !== null && !/^(disable|disabled|false)$/i.test(addPathMode);
  // ExaBGP (configuration/neighbor, _post_capa_addpath): without an add-path block every configured
  // family gets path ids; with one, the listed families that are also configured. No family block
  // means every family ExaBGP knows (Wren only needs the IP ones: the others stay opaque).
  const configured = families.length ? families : ALL_IP_FAMILIES;
  const addPath = !addPathOn ? [] : addPathBlock.length ? addPathBlock.filter((f) => configured.includes(f)) : configured;
  const word = (key: string) => new RegExp(`(^|[\\s;{])${key}\\s+([^;\\s]+)\\s*;`, 'm').exec(noComments)?.[2] ?? null;
  return {
    asn4: enabled(capability['asn4'], true),
    // ExaBGP announces the extended message capability unless told not to (its OPENs in
    // qa/encoding carry capability 6 without any configuration for it).
    extendedMessage: enabled(capability['extended-message'], true),
    families,
    addPathMode,
    addPath,
    capability,
    hostName: word('host-name'),
    domainName: word('domain-name'),
  };
}

export function contextFromConfig(cfg: ExaConfig): CodecContext {
  return makeContext({ asn4: cfg.asn4, extendedMessage: cfg.extendedMessage, addPath: new Set(cfg.addPath) });
}

// ---------------------------------------------------------------------------------------------
// qa/decoding/*

export type DecodingForm = 'message' | 'body' | 'nlri';

export interface DecodingVector {
  /** Line 1, e.g. "update l2vpn evpn", "open", "nlri bgp-ls bgp-ls". */
  readonly kind: string;
  /** "update", "open", "nlri". */
  readonly what: string;
  /** The family after the kind word, when given ("l2vpn evpn"). */
  readonly family: string | null;
  /** How the hex line was written. */
  readonly form: DecodingForm;
  /** The hex exactly as given (separators removed, lowercase). */
  readonly hex: string;
  /** A whole message (the body given a header when form is 'body'); the bare bytes for 'nlri'. */
  readonly bytes: Uint8Array;
  readonly json: unknown;
}

function hasMarker(b: Uint8Array): boolean {
  if (b.length < HEADER_LENGTH) return false;
  for (let i = 0; i < MARKER_LENGTH; i++) if (b[i] !== 0xff) return false;
  return true;
}

/** A 19-byte header in front of `body`. */
export function withHeader(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH + body.length);
  out.fill(0xff, 0, MARKER_LENGTH);
  out[16] = out.length >> 8;
  out[17] = out.length & 0xff;
  out[18] = type;
  out.set(body, HEADER_LENGTH);
  return out;
}

export function parseDecodingFile(text: string): DecodingVector {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length !== 3) throw new Error(`expected 3 lines, found ${lines.length}`);
  const [kind, hexLine, jsonLine] = lines.map((l) => l.trim()) as [string, string, string];
  const [what, ...fam] = kind.split(/\s+/) as [string, ...string[]];
  const hex = hexLine.replace(/[\s:]/g, '').toLowerCase();
  const raw = fromHex(hex);
  let form: DecodingForm;
  let bytes: Uint8Array;
  if (what === 'nlri') {
    form = 'nlri';
    bytes = raw;
  } else if (hasMarker(raw)) {
    form = 'message';
    bytes = raw;
    if (readU16(raw, 16) !== raw.length) throw new Error(`header length ${readU16(raw, 16)} but ${raw.length} bytes`);
  } else if (what === 'update') {
    // An UPDATE body: withdrawn length, withdrawn, attribute length, attributes, NLRI.
    form = 'body';
    const wl = readU16(raw, 0);
    if (2 + wl + 2 > raw.length || 4 + wl + readU16(raw, 2 + wl) > raw.length) throw new Error('not an UPDATE body');
    bytes = withHeader(MessageType.UPDATE, raw);
  } else if (what === 'open') {
    form = 'body';
    bytes = withHeader(MessageType.OPEN, raw);
  } else {
    throw new Error(`unknown kind "${kind}"`);
  }
  return { kind, what, family: fam.length ? fam.join(' ') : null, form, hex, bytes, json: parseExaJson(jsonLine) };
}

// ---------------------------------------------------------------------------------------------
// Wren -> ExaBGP JSON shape, for the parts compared. Families Wren keeps opaque compare as
// { opaque: {afi, safi} }; attributes it keeps opaque that ExaBGP names compare as { opaque: code }.

export type Json = null | boolean | number | string | bigint | Json[] | { [k: string]: Json };

export interface ExaUpdateShape {
  attribute: Record<string, Json>;
  announce?: Record<string, Json>;
  withdraw?: Record<string, Json>;
}

/** Attributes ExaBGP decodes into structures of its own, which Wren keeps as bytes. */
const EXA_OPAQUE_ATTRIBUTES: Record<string, number> = { 'tunnel-encap': 23, 'bgp-ls': 29, 'bgp-prefix-sid': 40 };
const EXA_OPAQUE_BY_CODE = new Map(Object.entries(EXA_OPAQUE_ATTRIBUTES).map(([k, v]) => [v, k]));
const IPV6_EXT_COMMUNITIES = 25;

const ORIGINS = ['igp', 'egp', 'incomplete'];
/** ExaBGP (attribute/aspath.py) names both confederation segment types "as-sequence" too. */
const SEGMENT_NAMES: Record<AsPathSegment['type'], string> = { 1: 'as-set', 2: 'as-sequence', 3: 'as-sequence', 4: 'as-sequence' };

function segmentsJson(segments: readonly AsPathSegment[]): Json {
  const out: Record<string, Json> = {};
  segments.forEach((s, i) => {
    out[String(i)] = { element: SEGMENT_NAMES[s.type], value: [...s.asns] };
  });
  return out;
}

export function dottedToU32(s: string): number {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not a dotted quad: ${s}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function routes(list: PrefixList): Json[] {
  const out: Json[] = [];
  for (let i = 0; i < list.count; i++) {
    const r: Record<string, Json> = { nlri: prefixToString(list, i) };
    if (list.pathIds) r['path-information'] = list.pathIds[i]!;
    out.push(r);
  }
  return out;
}

function bigintOf(bytes: Uint8Array): bigint {
  return bytes.length ? BigInt(`0x${toHex(bytes)}`) : 0n;
}

function attributeJson(a: PathAttribute, into: Record<string, Json>): void {
  switch (a.type) {
    case 'origin':
      into['origin'] = ORIGINS[a.origin]!;
      return;
    case 'as-path':
      // ExaBGP prints nothing for an empty AS_PATH.
      if (a.segments.length) into['as-path'] = segmentsJson(a.segments);
      return;
    case 'as4-path':
      into['as4-path'] = segmentsJson(a.segments);
      return;
    case 'next-hop':
      return; // the key of the announced routes
    case 'med':
      into['med'] = a.med;
      return;
    case 'local-pref':
      into['local-preference'] = a.localPref;
      return;
    case 'atomic-aggregate':
      into['atomic-aggregate'] = true;
      return;
    case 'aggregator':
      into['aggregator'] = `${a.asn}:${a.address}`;
      return;
    case 'as4-aggregator':
      into['as4-aggregator'] = `${a.asn}:${a.address}`;
      return;
    case 'communities':
      into['community'] = a.communities.map((c) => [c >>> 16, c & 0xffff]);
      return;
    case 'originator-id':
      into['originator-id'] = a.originatorId;
      return;
    case 'cluster-list':
      into['cluster-list'] = [...a.clusterIds];
      return;
    case 'extended-communities':
      into['extended-community'] = a.communities.map((c) => ({ value: BigInt(`0x${c}`) }));
      return;
    case 'large-communities':
      into['large-community'] = a.communities.map((c) => [...c]);
      return;
    case 'aigp': {
      // ExaBGP (attribute/aigp.py) prints "0x" and the last 8 bytes of the value.
      const t = a.tlvs.find((x) => x.type === 1);
      if (t) into['aigp'] = `0x${toHex(t.value.subarray(-8))}`;
      return;
    }
    case 'otc':
      into['otc'] = a.asn;
      return;
    case 'mp-reach':
    case 'mp-unreach':
      return; // families, not attributes
    case 'unknown': {
      const named = EXA_OPAQUE_BY_CODE.get(a.code);
      if (named) {
        into[named] = { opaque: a.code };
      } else if (a.code === IPV6_EXT_COMMUNITIES && a.value.length % 20 === 0) {
        const list: Json[] = [];
        for (let o = 0; o < a.value.length; o += 20) list.push({ value: bigintOf(a.value.subarray(o, o + 20)) });
        into['extended-community-ipv6'] = list;
      } else {
        into[`attribute-0x${hex2(a.code)}-0x${hex2(a.flags)}`] = `0x${toHex(a.value)}`;
      }
      return;
    }
  }
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function addRoutes(family: Record<string, Json>, nextHop: string, list: Json[]): void {
  if (!list.length) return;
  const prev = family[nextHop];
  family[nextHop] = Array.isArray(prev) ? [...prev, ...list] : list;
}

/** Wren's UPDATE in the shape of ExaBGP's `message.update` JSON, for the parts compared. */
export function wrenUpdateToExa(m: UpdateMessage): ExaUpdateShape {
  const attribute: Record<string, Json> = {};
  for (const a of m.attributes) attributeJson(a, attribute);
  const announce: Record<string, Json> = {};
  const withdraw: Record<string, Json> = {};
  const ipFamily = (into: Record<string, Json>, name: string) => (into[name] ??= {}) as Record<string, Json>;

  if (m.nlri.count) {
    const nh = m.attributes.find((a) => a.type === 'next-hop');
    addRoutes(ipFamily(announce, 'ipv4 unicast'), nh?.type === 'next-hop' ? nh.nextHop : 'no-nexthop', routes(m.nlri));
  }
  if (m.withdrawn.count) withdraw['ipv4 unicast'] = routes(m.withdrawn);
  for (const a of m.attributes) {
    if (a.type === 'mp-reach') {
      const name = exaFamilyName(a.afi, a.safi);
      if (a.nlri && isIpFamily(a.afi, a.safi)) {
        if (!a.nlri.count) continue;
        // With a global and a link-local address, ExaBGP keys the routes by the global one.
        const nh = a.nextHops[0] ?? `0x${toHex(a.nextHopBytes ?? new Uint8Array(0))}`;
        addRoutes(ipFamily(announce, name), nh, routes(a.nlri));
      } else {
        announce[name] = { opaque: { afi: a.afi, safi: a.safi } };
      }
    } else if (a.type === 'mp-unreach') {
      const name = exaFamilyName(a.afi, a.safi);
      if (a.withdrawn && isIpFamily(a.afi, a.safi)) {
        if (a.withdrawn.count) withdraw[name] = [...((withdraw[name] as Json[] | undefined) ?? []), ...routes(a.withdrawn)];
      } else if (a.withdrawnBytes?.length) {
        withdraw[name] = { opaque: { afi: a.afi, safi: a.safi } };
      }
    }
  }
  const out: ExaUpdateShape = { attribute };
  if (Object.keys(announce).length) out.announce = announce;
  if (Object.keys(withdraw).length) out.withdraw = withdraw;
  return out;
}

// ---------------------------------------------------------------------------------------------
// ExaBGP JSON -> the same shape.

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `neighbor.message.update` of an ExaBGP "update" JSON; throws when there is none. */
export function exaUpdateOf(json: unknown): Record<string, unknown> {
  const update = isObject(json) && isObject(json['neighbor']) && isObject(json['neighbor']['message']) ? json['neighbor']['message']['update'] : undefined;
  if (!isObject(update)) throw new Error('no neighbor.message.update in this JSON');
  return update;
}

function exaRoute(r: unknown): Json {
  if (!isObject(r)) throw new Error('route is not an object');
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(r)) {
    out[k] = k === 'path-information' ? dottedToU32(String(v)) : (v as Json);
  }
  return out;
}

function exaFamilies(section: unknown, kind: 'announce' | 'withdraw'): Record<string, Json> {
  const out: Record<string, Json> = {};
  if (!isObject(section)) return out;
  for (const [name, value] of Object.entries(section)) {
    const { afi, safi } = exaFamily(name);
    if (!isIpFamily(afi, safi)) {
      out[name] = { opaque: { afi, safi } };
    } else if (kind === 'withdraw') {
      if (!Array.isArray(value)) throw new Error(`withdraw ${name} is not a list`);
      out[name] = value.map(exaRoute);
    } else {
      if (!isObject(value)) throw new Error(`announce ${name} is not an object`);
      const fam: Record<string, Json> = {};
      for (const [nh, list] of Object.entries(value)) {
        if (!Array.isArray(list)) throw new Error(`announce ${name} ${nh} is not a list`);
        fam[nh] = list.map(exaRoute);
      }
      out[name] = fam;
    }
  }
  return out;
}

function bigintList(v: unknown): Json {
  if (!Array.isArray(v)) throw new Error('not a list of communities');
  return v.map((c) => {
    if (!isObject(c)) throw new Error('community is not an object');
    return { value: BigInt(c['value'] as string | number) };
  });
}

/** ExaBGP's `message.update` reduced to the parts Wren is compared on. */
export function exaUpdateShape(update: Record<string, unknown>): ExaUpdateShape {
  const attribute: Record<string, Json> = {};
  const attrs = update['attribute'];
  if (isObject(attrs)) {
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'extended-community' || k === 'extended-community-ipv6') attribute[k] = bigintList(v);
      else if (k in EXA_OPAQUE_ATTRIBUTES) attribute[k] = { opaque: EXA_OPAQUE_ATTRIBUTES[k]! };
      else if (/^attribute-0x/i.test(k)) attribute[k.toLowerCase()] = String(v).toLowerCase();
      else attribute[k] = v as Json;
    }
  }
  const out: ExaUpdateShape = { attribute };
  const announce = exaFamilies(update['announce'], 'announce');
  const withdraw = exaFamilies(update['withdraw'], 'withdraw');
  if (Object.keys(announce).length) out.announce = announce;
  if (Object.keys(withdraw).length) out.withdraw = withdraw;
  return out;
}

// ---------------------------------------------------------------------------------------------
// OPEN: ExaBGP's JSON `open` object vs Wren's OpenMessage.

export interface OpenShape {
  version: number;
  asn: number;
  hold_time: number;
  router_id: string;
  /** Capability code -> what is compared: families for 1, the ASN for 65, the text for 75, else true. */
  capabilities: Record<string, Json>;
}

export function wrenOpenToExa(m: OpenMessage): OpenShape {
  const caps: Record<string, Json> = {};
  for (const c of openCapabilities(m)) {
    switch (c.type) {
      case 'multiprotocol':
        caps['1'] = [...((caps['1'] as string[] | undefined) ?? []), exaFamilyName(c.afi, c.safi, '/')].sort();
        break;
      case 'four-octet-as':
        caps['65'] = c.asn;
        break;
      case 'software-version':
        caps['75'] = c.version;
        break;
      default:
        caps[String(capabilityCode(c))] = true;
    }
  }
  return { version: m.version, asn: m.myAsn, hold_time: m.holdTime, router_id: m.bgpId, capabilities: caps };
}

export function exaOpenShape(json: unknown): OpenShape {
  const open = isObject(json) && isObject(json['neighbor']) ? json['neighbor']['open'] : undefined;
  if (!isObject(open)) throw new Error('no neighbor.open in this JSON');
  const caps: Record<string, Json> = {};
  const src = open['capabilities'];
  if (isObject(src)) {
    for (const [code, v] of Object.entries(src)) {
      const c = isObject(v) ? v : {};
      if (code === '1') caps[code] = [...((c['families'] as string[] | undefined) ?? [])].sort();
      else if (code === '65') caps[code] = c['asn4'] as number;
      else if (code === '75') caps[code] = c['software'] as string;
      else caps[code] = true;
    }
  }
  return {
    version: open['version'] as number,
    asn: open['asn'] as number,
    hold_time: open['hold_time'] as number,
    router_id: open['router_id'] as string,
    capabilities: caps,
  };
}

// ---------------------------------------------------------------------------------------------
// End-of-RIB commands: "announce eor ipv4 unicast" -> the family key.

export function eorFamilyOfCommand(cmd: string | null): FamilyKey | null {
  const m = cmd ? /^announce eor (\S+) (\S+)$/.exec(cmd.trim()) : null;
  return m ? exaFamilyKey(`${m[1]} ${m[2]}`) : null;
}

// ---------------------------------------------------------------------------------------------
// API commands, as a second oracle for vectors ExaBGP printed no JSON for. Only unicast routes
// ("announce route P ...", "announce ipv4|ipv6 unicast P ...") with the attributes below.

export interface CommandRoute {
  readonly family: string;
  readonly nextHop: string;
  readonly route: { nlri: string };
  /** The attributes the command sets, in the ExaBGP JSON shape. */
  readonly attribute: Record<string, Json>;
}

const IGNORED_WITH_VALUE = new Set(['extended-community', 'large-community', 'split', 'path-information']);

export function parseAnnounceCommand(cmd: string | null): CommandRoute | null {
  const m = cmd ? /^announce (?:route|(ipv4|ipv6) unicast) (\S+) (.*)$/.exec(cmd.trim()) : null;
  if (!m) return null;
  const prefix = m[2]!;
  const family = `${m[1] ?? (prefix.includes(':') ? 'ipv6' : 'ipv4')} unicast`;
  // Bracketed lists become one token.
  const tokens = m[3]!.match(/\[[^\]]*\]|\S+/g) ?? [];
  const list = (t: string) => t.replace(/^\[|\]$/g, '').trim().split(/\s+/).filter(Boolean);
  const attribute: Record<string, Json> = {};
  let nextHop: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const key = tokens[i]!;
    const value = tokens[i + 1];
    const take = () => {
      if (value === undefined) throw new Error(`${key} without a value in: ${cmd}`);
      i++;
      return value;
    };
    switch (key) {
      case 'rd':
      case 'route-distinguisher':
      case 'label':
        return null; // a VPN or labeled route: not a unicast one
      case 'next-hop':
        nextHop = take();
        break;
      case 'origin':
        attribute['origin'] = take();
        break;
      case 'local-preference':
        attribute['local-preference'] = Number(take());
        break;
      case 'med':
        attribute['med'] = Number(take());
        break;
      case 'as-path':
        attribute['as-path'] = { '0': { element: 'as-sequence', value: list(take()).map(Number) } };
        break;
      case 'community':
        attribute['community'] = list(take()).map((c) => c.split(':').map(Number));
        break;
      case 'atomic-aggregate':
        attribute['atomic-aggregate'] = true;
        break;
      case 'aggregator':
        attribute['aggregator'] = take().replace(/^\(|\)$/g, '');
        break;
      default:
        if (!IGNORED_WITH_VALUE.has(key)) throw new Error(`unknown command keyword ${key} in: ${cmd}`);
        take();
    }
  }
  if (nextHop === null) throw new Error(`no next-hop in: ${cmd}`);
  return { family, nextHop, route: { nlri: prefix }, attribute };
}
