import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { BgpError, decodeMessage, encodeMessage, encodingLength, familyKey, makeContext, MessageFramer, toHex } from '../../../src/wire/index.js';
import type { CodecContext } from '../../../src/wire/index.js';
import { arbMessage } from '../../helpers/arbitraries.js';

const contexts: [string, CodecContext][] = [
  ['asn4', makeContext({ asn4: true })],
  ['asn2', makeContext({ asn4: false })],
  ['add-path', makeContext({ asn4: true, addPath: new Set([familyKey(1, 1), familyKey(2, 1)]) })],
];

/** Decoding must either succeed or throw a BgpError; anything else is a bug in Wren. */
function decodeOrBgpError(bytes: Uint8Array, ctx: CodecContext): void {
  try {
    decodeMessage(bytes, ctx);
  } catch (e) {
    if (!(e instanceof BgpError)) throw e;
  }
}

/** UPDATE messages of a real table dump (MRT BGP4MP_ET records), for mutation tests. */
function corpusMessages(limit: number): Uint8Array[] {
  const raw = gunzipSync(readFileSync(new URL('../../../pcap-fixtures/bgpdump/test_data/updates.20160811.1600.gz', import.meta.url)));
  const out: Uint8Array[] = [];
  // Walk MRT records: timestamp(4) type(2) subtype(2) length(4); BGP4MP MESSAGE_AS4 (16/4) bodies.
  let o = 0;
  while (o + 12 <= raw.length && out.length < limit) {
    const type = raw.readUInt16BE(o + 4);
    const sub = raw.readUInt16BE(o + 6);
    const len = raw.readUInt32BE(o + 8);
    const body = raw.subarray(o + 12, o + 12 + len);
    if (type === 16 && sub === 4) {
      const afi = body.readUInt16BE(10);
      const hdr = 12 + (afi === 1 ? 8 : 32);
      out.push(new Uint8Array(body.subarray(hdr)));
    }
    o += 12 + len;
  }
  return out;
}

describe('codec properties', () => {
  for (const [name, ctx] of contexts) {
    it(`generated messages round-trip byte-exact (${name})`, () => {
      fc.assert(
        fc.property(arbMessage(ctx), (m) => {
          const bytes = encodeMessage(m, ctx);
          expect(bytes.length).toBe(encodingLength(m, ctx));
          const { message, length } = decodeMessage(bytes, ctx);
          expect(length).toBe(bytes.length);
          expect(message.type).toBe(m.type);
          expect(toHex(encodeMessage(message, ctx))).toBe(toHex(bytes));
        }),
        { numRuns: 400 },
      );
    });
  }

  it('arbitrary bytes never produce anything but a BgpError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (tail, asn4) => {
        decodeOrBgpError(tail, makeContext({ asn4 }));
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary bodies behind a valid header never produce anything but a BgpError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.uint8Array({ maxLength: 300 }), fc.boolean(), (type, body, addPath) => {
        const msg = new Uint8Array(19 + body.length);
        msg.fill(0xff, 0, 16);
        msg[16] = msg.length >> 8;
        msg[17] = msg.length & 255;
        msg[18] = type;
        msg.set(body, 19);
        decodeOrBgpError(msg, makeContext({ addPath: addPath ? new Set([familyKey(1, 1), familyKey(2, 1)]) : new Set() }));
      }),
      { numRuns: 3000 },
    );
  });

  const corpus = corpusMessages(400);
  it('reads a real corpus to mutate', () => {
    expect(corpus.length).toBe(400);
  });

  it('single-byte mutations of corpus messages never produce anything but a BgpError', () => {
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.nat(), fc.nat(255), (which, pos, value) => {
        const original = corpus[which]!;
        const m = original.slice();
        m[pos % m.length] = value;
        decodeOrBgpError(m, makeContext());
        decodeOrBgpError(m, makeContext({ asn4: false }));
      }),
      { numRuns: 5000 },
    );
  });

  it('a framer fed any split of a message stream returns the same messages', () => {
    const stream = Buffer.concat(corpus.slice(0, 50));
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 30 }), (cuts) => {
        const points = [...new Set([0, ...cuts, stream.length])].sort((a, b) => a - b);
        const framer = new MessageFramer();
        const got: string[] = [];
        for (let i = 0; i + 1 < points.length; i++) {
          framer.push(stream.subarray(points[i]!, points[i + 1]!));
          for (let m = framer.next(); m; m = framer.next()) got.push(toHex(m));
        }
        expect(got).toEqual(corpus.slice(0, 50).map((m) => toHex(m)));
        expect(framer.buffered).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
