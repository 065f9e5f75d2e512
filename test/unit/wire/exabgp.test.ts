// ExaBGP's test vectors as a conformance suite for the wire codec.
//
// qa/encoding/*.ci hold the exact bytes ExaBGP sent for API commands, under the capabilities its
// configuration (etc/exabgp/*.conf) put in force, and often ExaBGP's own JSON decoding of them.
// qa/decoding/* hold messages (whole, or bodies without the header, or bare NLRI) with ExaBGP's JSON.
// Every message must decode and re-encode byte for byte; where ExaBGP printed JSON, what Wren
// decoded must say the same thing for the families and attributes Wren parses.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BgpError,
  capabilityCode,
  decodeMessage,
  DEFAULT_CONTEXT,
  encodeMessage,
  encodingLength,
  endOfRibFamily,
  familyKey,
  IPV4_UNICAST,
  isIpFamily,
  MessageType,
  openCapabilities,
  toHex,
  type BgpMessage,
  type CodecContext,
  type OpenMessage,
  type UpdateMessage,
} from '../../../src/wire/index.js';
import {
  contextFromConfig,
  eorFamilyOfCommand,
  exaFamily,
  exaFamilyKey,
  exaOpenShape,
  exaUpdateOf,
  exaUpdateShape,
  parseAnnounceCommand,
  parseCi,
  parseDecodingFile,
  parseExaConfig,
  withHeader,
  wrenOpenToExa,
  wrenUpdateToExa,
  type CiFile,
  type CiVector,
  type DecodingVector,
  type ExaConfig,
} from '../../helpers/exabgp.js';

const ENCODING = new URL('../../../pcap-fixtures/exabgp/qa/encoding/', import.meta.url);
const DECODING = new URL('../../../pcap-fixtures/exabgp/qa/decoding/', import.meta.url);
const CONFIGS = new URL('../../../pcap-fixtures/exabgp/etc/exabgp/', import.meta.url);

const read = (dir: URL, name: string) => readFileSync(new URL(name, dir), 'utf8');

interface EncodingFile extends CiFile {
  readonly name: string;
  /** null when the configuration the .ci names is not in etc/exabgp. */
  readonly cfg: ExaConfig | null;
  readonly ctx: CodecContext;
}

const encodingFiles: EncodingFile[] = readdirSync(ENCODING)
  .filter((f) => f.endsWith('.ci'))
  .sort()
  .map((name) => {
    const ci = parseCi(read(ENCODING, name));
    const cfgPath = ci.config === null ? null : new URL(ci.config, CONFIGS);
    const cfg = cfgPath && existsSync(cfgPath) ? parseExaConfig(readFileSync(cfgPath, 'utf8')) : null;
    // Without its configuration a file is read with ExaBGP's defaults: 4-octet ASNs, no ADD-PATH,
    // extended messages announced.
    const ctx = cfg ? contextFromConfig(cfg) : { ...DEFAULT_CONTEXT, extendedMessage: true };
    return { ...ci, name, cfg, ctx };
  });

const decodingFiles: (DecodingVector & { name: string })[] = readdirSync(DECODING)
  .sort()
  .map((name) => ({ ...parseDecodingFile(read(DECODING, name)), name }));

const hex = (b: Uint8Array) => toHex(b);

/** Decodes, checks the consumed length, re-encodes byte-exact and checks encodingLength. */
function roundTrip(bytes: Uint8Array, ctx: CodecContext): BgpMessage {
  const decoded = decodeMessage(bytes, ctx);
  expect(decoded.length).toBe(bytes.length);
  const encoded = encodeMessage(decoded.message, ctx);
  expect(hex(encoded)).toBe(hex(bytes));
  expect(encodingLength(decoded.message, ctx)).toBe(encoded.length);
  return decoded.message;
}

function asUpdate(m: BgpMessage): UpdateMessage {
  if (m.type !== 'update') throw new Error(`expected an UPDATE, got ${m.type}`);
  return m;
}

function asOpen(m: BgpMessage): OpenMessage {
  if (m.type !== 'open') throw new Error(`expected an OPEN, got ${m.type}`);
  return m;
}

/**
 * ExaBGP prints an attribute it does not know as "attribute-0xCODE-0xFLAGS": "0xVALUE". When the
 * flags are those of a well-known attribute (optional bit clear), RFC 4271 s6.3 makes that an
 * Unrecognized Well-known Attribute error: the NOTIFICATION's data is the attribute itself.
 */
function unrecognizedWellKnown(v: CiVector): Uint8Array | null {
  for (const j of v.json) {
    const attrs = exaUpdateOf(j.value)['attribute'];
    if (typeof attrs !== 'object' || attrs === null) continue;
    for (const [k, value] of Object.entries(attrs)) {
      const m = /^attribute-0x([0-9a-f]{2})-0x([0-9a-f]{2})$/i.exec(k);
      if (!m) continue;
      const code = parseInt(m[1]!, 16);
      const flags = parseInt(m[2]!, 16);
      if (flags & 0x80) continue;
      const val = Buffer.from(String(value).replace(/^0x/i, ''), 'hex');
      const ext = (flags & 0x10) !== 0;
      const len = ext ? [val.length >> 8, val.length & 0xff] : [val.length];
      return Uint8Array.from([flags, code, ...len, ...val]);
    }
  }
  return null;
}

/** Capability codes ExaBGP puts in its OPEN for a configuration (the ones these files exercise). */
function expectedCapabilityCodes(cfg: ExaConfig): number[] {
  const codes = new Set<number>([1]);
  if (cfg.asn4) codes.add(65);
  if (cfg.extendedMessage) codes.add(6);
  if (cfg.addPath.length) codes.add(69);
  if (cfg.capability['graceful-restart'] !== undefined) codes.add(64);
  if (cfg.capability['route-refresh'] !== undefined) codes.add(2);
  if (cfg.capability['software-version'] === 'enable') codes.add(75);
  if (cfg.capability['link-local-nexthop'] === 'enable') codes.add(77);
  if (cfg.hostName !== null || cfg.domainName !== null) codes.add(73);
  return [...codes].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// Inventory: a parser change that silently drops vectors must fail here.

const allVectors = encodingFiles.flatMap((f) => f.vectors.map((v) => ({ file: f, v })));
const typeOf = (v: CiVector) => v.bytes[18];
const eorVectors = allVectors.filter(({ v }) => eorFamilyOfCommand(v.cmd) !== null);
const rejectVectors = allVectors.filter(({ v }) => unrecognizedWellKnown(v) !== null);

describe('ExaBGP vector inventory', () => {
  it('finds every vector', () => {
    expect(encodingFiles.length).toBe(40);
    expect(allVectors.length).toBe(166);
    expect(allVectors.filter(({ v }) => typeOf(v) === MessageType.UPDATE).length).toBe(162);
    expect(allVectors.filter(({ v }) => typeOf(v) === MessageType.OPEN).length).toBe(3);
    expect(allVectors.filter(({ v }) => typeOf(v) === MessageType.NOTIFICATION).length).toBe(1);
    const json = allVectors.flatMap(({ v }) => v.json);
    expect(json.length).toBe(108);
    expect(json.filter((j) => j.tag === 'json').length).toBe(102);
    expect(json.filter((j) => j.tag === 'jsv4').length).toBe(3);
    expect(json.filter((j) => j.tag === 'jsv6').length).toBe(3);
    expect(allVectors.filter(({ v }) => v.json.length > 0).length).toBe(105);
    // Unicast UPDATEs without JSON, checked against the command that produced them instead.
    expect(allVectors.filter(({ v }) => !v.json.length && parseAnnounceCommand(v.cmd)).map(({ file, v }) => `${file.name}#${v.index}`)).toEqual([
      'conf-aggregator.ci#1',
      'conf-ipself6.ci#1',
      'conf-ipv46routes4family.ci#1',
      'conf-ipv46routes6family.ci#1',
      'conf-llnh-lla-only.ci#1',
      'conf-llnh-update.ci#1',
      'conf-no-asn4.ci#1',
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `conf-split.ci#${i}`),
    ]);
    expect(eorVectors.length).toBe(38);
    expect(rejectVectors.map(({ file, v }) => `${file.name}#${v.index}`)).toEqual(['conf-generic-attribute.ci#2', 'conf-generic-attribute.ci#3']);

    expect(decodingFiles.length).toBe(22);
    expect(decodingFiles.filter((d) => d.form === 'message').length).toBe(16);
    expect(decodingFiles.filter((d) => d.form === 'body').map((d) => d.name)).toEqual([
      'bgp-evpn-1',
      'bgp-ls-3',
      'bgp-ls-4',
      'bgp-ls-5',
      'bgp-ls-6',
    ]);
    expect(decodingFiles.filter((d) => d.form === 'nlri').map((d) => d.name)).toEqual(['bgp-ls-1']);
  });

  it('reads the configurations the .ci files name', () => {
    // conf-watchdog.ci names api-watchdog.conf, which the fixtures do not include.
    expect(encodingFiles.filter((f) => !f.cfg).map((f) => `${f.name} -> ${f.config}`)).toEqual(['conf-watchdog.ci -> api-watchdog.conf']);
    const byName = new Map(encodingFiles.map((f) => [f.name, f]));
    expect(byName.get('conf-no-asn4.ci')!.ctx.asn4).toBe(false);
    expect([...byName.get('conf-addpath.ci')!.ctx.addPath].sort()).toEqual([familyKey(1, 1), familyKey(1, 128)]);
    expect([...byName.get('conf-path-information.ci')!.ctx.addPath]).toEqual([IPV4_UNICAST]);
    const special = encodingFiles.filter((f) => !f.ctx.asn4 || f.ctx.addPath.size > 0).map((f) => f.name);
    expect(special).toEqual(['conf-addpath.ci', 'conf-no-asn4.ci', 'conf-path-information.ci']);
  });
});

// ---------------------------------------------------------------------------------------------
// qa/encoding

describe.each(encodingFiles.map((f) => [f.name, f] as const))('qa/encoding/%s', (_name, file) => {
  it.each(file.vectors.map((v) => [`#${v.index} (line ${v.line})${v.cmd ? `: ${v.cmd.slice(0, 70)}` : ''}`, v] as const))('%s', (_title, v) => {
    const reject = unrecognizedWellKnown(v);
    if (reject) {
      // RFC 4271 s6.3: UPDATE Message Error / Unrecognized Well-known Attribute, data = the attribute.
      let err: unknown;
      try {
        decodeMessage(v.bytes, file.ctx);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BgpError);
      const e = err as BgpError;
      expect({ code: e.code, subcode: e.subcode, action: e.action, data: hex(e.data) }).toEqual({
        code: 3,
        subcode: 2,
        action: 'session-reset',
        data: hex(reject),
      });
      return;
    }

    const msg = roundTrip(v.bytes, file.ctx);

    if (msg.type === 'update') {
      // ExaBGP's vectors are well-formed: nothing for RFC 7606 to report.
      expect(msg.errors).toBeUndefined();
      expect(endOfRibFamily(msg)).toBe(eorFamilyOfCommand(v.cmd));
      for (const j of v.json) {
        expect(wrenUpdateToExa(msg), `${j.tag} on line ${j.line}`).toEqual(exaUpdateShape(exaUpdateOf(j.value)));
      }
      // Without JSON, the command that produced a unicast route says what it must contain.
      const route = v.json.length ? null : parseAnnounceCommand(v.cmd);
      if (route) {
        const shape = wrenUpdateToExa(msg);
        expect(shape.attribute).toMatchObject(route.attribute);
        expect(shape.announce?.[route.family]).toEqual({ [route.nextHop]: [route.route] });
      }
    } else {
      expect(v.json).toEqual([]);
    }

    if (msg.type === 'open' && file.cfg) {
      // The OPEN ExaBGP sent agrees with what was read from its configuration.
      const caps = openCapabilities(msg);
      const codes = [...new Set(caps.map(capabilityCode))].sort((a, b) => a - b);
      expect(codes).toEqual(expectedCapabilityCodes(file.cfg));
      const families = caps.flatMap((c) => (c.type === 'multiprotocol' ? [familyKey(c.afi, c.safi)] : []));
      expect(families.sort()).toEqual([...file.cfg.families].sort());
      if (file.cfg.hostName !== null) {
        expect(caps.find((c) => c.type === 'fqdn')).toMatchObject({ hostname: file.cfg.hostName, domain: file.cfg.domainName });
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// End-of-RIB (RFC 4724 s2): the vectors ExaBGP produced for "announce eor <afi> <safi>".

describe('End-of-RIB markers', () => {
  it.each(eorVectors.map(({ file, v }) => [`${file.name}#${v.index}: ${v.cmd}`, file, v] as const))('%s', (_title, file, v) => {
    const msg = asUpdate(decodeMessage(v.bytes, file.ctx).message);
    const expected = eorFamilyOfCommand(v.cmd);
    // Empty UPDATE for IPv4 unicast, otherwise only an empty MP_UNREACH_NLRI of the family.
    if (expected === IPV4_UNICAST) {
      expect(hex(v.bytes)).toBe(`${'ff'.repeat(16)}001702${'00'.repeat(4)}`);
    } else {
      expect(msg.attributes.map((a) => a.type)).toEqual(['mp-unreach']);
    }
    expect(endOfRibFamily(msg)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// qa/decoding

describe('qa/decoding', () => {
  it.each(decodingFiles.map((d) => [`${d.name} (${d.kind}, ${d.form})`, d] as const))('%s', (_title, d) => {
    const ctx = DEFAULT_CONTEXT;
    if (d.form === 'nlri') {
      // Bare NLRI of a family Wren keeps opaque: carried in an MP_UNREACH_NLRI they must come
      // back out byte for byte.
      const { afi, safi } = exaFamily(d.family ?? '');
      expect(isIpFamily(afi, safi)).toBe(false);
      const value = Uint8Array.from([afi >> 8, afi & 0xff, safi, ...d.bytes]);
      expect(value.length).toBeLessThan(256);
      const attr = Uint8Array.from([0x80, 15, value.length, ...value]);
      const body = Uint8Array.from([0, 0, 0, attr.length, ...attr]);
      const msg = asUpdate(roundTrip(withHeader(MessageType.UPDATE, body), ctx));
      const a = msg.attributes[0];
      expect(a?.type).toBe('mp-unreach');
      if (a?.type === 'mp-unreach') {
        expect({ afi: a.afi, safi: a.safi, bytes: a.withdrawnBytes && hex(a.withdrawnBytes) }).toEqual({ afi, safi, bytes: d.hex });
      }
      return;
    }

    const msg = roundTrip(d.bytes, ctx);
    if (d.form === 'body') expect(hex(d.bytes.subarray(19))).toBe(d.hex);

    if (d.what === 'open') {
      expect(wrenOpenToExa(asOpen(msg))).toEqual(exaOpenShape(d.json));
      return;
    }
    const update = asUpdate(msg);
    expect(update.errors).toBeUndefined();
    expect(endOfRibFamily(update)).toBeNull();
    if (d.family) {
      const fam = exaFamilyKey(d.family);
      const families = update.attributes.flatMap((a) => (a.type === 'mp-reach' || a.type === 'mp-unreach' ? [familyKey(a.afi, a.safi)] : []));
      // Without MP attributes the UPDATE is in the base format of RFC 4271: IPv4 unicast.
      if (update.nlri.count || update.withdrawn.count || families.length === 0) families.push(IPV4_UNICAST);
      expect(families).toContain(fam);
    }
    expect(wrenUpdateToExa(update)).toEqual(exaUpdateShape(exaUpdateOf(d.json)));
  });
});
