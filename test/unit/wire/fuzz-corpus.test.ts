// GoBGP's fuzz-found "bad length" inputs: raw bytes offered as one BGP message. Each must end in a
// header error (RFC 4271 s6.1: Connection Not Synchronized or Bad Message Length), or decode and
// re-encode byte-exact. Nothing else may come out.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BgpError, decodeMessage, encodeMessage, makeContext, toHex } from '../../../src/wire/index.js';

const dir = fileURLToPath(new URL('../../../pcap-fixtures/gobgp/pkg/packet/bgp/testdata/bad-len/', import.meta.url));
const files = readdirSync(dir).sort();

describe('GoBGP bad-len fuzz corpus', () => {
  it('has the eleven inputs', () => {
    expect(files).toHaveLength(11);
  });
  for (const f of files) {
    it(f.slice(0, 12), () => {
      const bytes = new Uint8Array(readFileSync(dir + f));
      const ctx = makeContext();
      let error: unknown;
      try {
        const { message, length } = decodeMessage(bytes, ctx);
        expect(toHex(encodeMessage(message, ctx))).toBe(toHex(bytes.subarray(0, length)));
        return;
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BgpError);
      const e = error as BgpError;
      expect(e.code).toBe(1);
      expect([1, 2]).toContain(e.subcode);
      if (e.subcode === 2) expect(e.data).toHaveLength(2); // the erroneous length field
    });
  }
});
