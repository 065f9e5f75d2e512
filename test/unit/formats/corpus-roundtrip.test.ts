// encode(decode(bytes)) is bytes for every well-formed message of the corpus: every capture and
// MRT file under pcap-fixtures, decoded with the context each session negotiated.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBgpFile } from '../../../src/formats/bgp-reader.js';
import { encodeMessage, encodingLength, encodePathAttributes, pathAttributesLength, toHex } from '../../../src/wire/index.js';

const root = fileURLToPath(new URL('../../../pcap-fixtures/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const captures = walk(root).filter((p) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(p));
const dumps = walk(root).filter((p) => /(updates|bview|rib)[^/]*(\.gz|\.bz2|\.mrt)$/.test(p) || p.endsWith('.mrt'));

const totals = { messages: 0, entries: 0 };

describe('corpus round trip', () => {
  it('finds the corpus', () => {
    expect(captures.length).toBeGreaterThanOrEqual(90);
    expect(dumps.length).toBeGreaterThanOrEqual(25);
  });

  for (const file of [...captures, ...dumps]) {
    it(relative(root, file), () => {
      const opened = openBgpFile(readFileSync(file), { ports: [1179] });
      let messages = 0;
      let entries = 0;
      for (const r of opened.records) {
        if (r.kind === 'message') {
          // Messages with RFC 7606 findings are not well-formed: their attributes were discarded.
          if (r.message.type === 'update' && r.message.errors) continue;
          const out = encodeMessage(r.message, r.context);
          expect(out.length).toBe(encodingLength(r.message, r.context));
          if (toHex(out) !== toHex(r.bytes)) expect.fail(`message at ${r.frame ?? r.record}: ${toHex(r.bytes)} re-encodes as ${toHex(out)}`);
          messages++;
        } else if (r.kind === 'rib-entry' && !r.errors) {
          const out = new Uint8Array(pathAttributesLength(r.attributes, r.context));
          encodePathAttributes(r.attributes, out, 0, r.context);
          if (toHex(out) !== toHex(r.attributeBytes)) expect.fail(`RIB entry of record ${r.record}: attributes re-encode differently`);
          entries++;
        }
      }
      totals.messages += messages;
      totals.entries += entries;
    }, 60_000);
  }

  it('checked the whole corpus', () => {
    // 89,682 messages in updates.et-header.2015 alone; RIB dumps add over a million entries.
    expect(totals.messages).toBeGreaterThan(250_000);
    expect(totals.entries).toBeGreaterThan(1_000_000);
  });
});
