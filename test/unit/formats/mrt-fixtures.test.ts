// readMrt() + decompress() against the real MRT files in pcap-fixtures/. Expected counts come
// from pcap-fixtures/PROVENANCE.md, which records for each MRT file its record count, its
// uncompressed size, its time range and its records per type/subtype.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decompress } from '../../../src/formats/decompress.js';
import {
  bgpStateName,
  Bgp4mpSubtype,
  MrtType,
  readMrt,
  TableDumpSubtype,
  TableDumpV2Subtype,
  type MrtIssue,
  type MrtRecord,
} from '../../../src/formats/mrt.js';

const fixtureUrl = (path: string): URL => new URL(`../../../pcap-fixtures/${path}`, import.meta.url);

function load(path: string): { data: Uint8Array; truncated: boolean } {
  const r = decompress(new Uint8Array(readFileSync(fixtureUrl(path))));
  return { data: r.data, truncated: r.truncated };
}

// ---- PROVENANCE.md -------------------------------------------------------------------------

interface ProvenanceEntry {
  path: string;
  records: number;
  bytes: number;
  from: string;
  to: string;
  types: Map<string, number>;
  truncated: boolean;
}

const num = (s: string): number => Number(s.replaceAll(',', ''));

function parseProvenance(text: string): ProvenanceEntry[] {
  const out: ProvenanceEntry[] = [];
  const line = /^- `([^`]+)` — .*?MRT, ([\d,]+) records, ([\d,]+) B uncompressed, (\d{4}-\d\d-\d\d \d\d:\d\d)\.\.(\d{4}-\d\d-\d\d \d\d:\d\d)Z; record types: (.*?)(?:\. bgpdump -m:.*)?$/;
  for (const l of text.split('\n')) {
    const m = line.exec(l);
    if (!m) continue;
    const [, path = '', records = '', bytes = '', from = '', to = '', typeText = ''] = m;
    const types = new Map<string, number>();
    for (const tok of typeText.replace(/\[[^\]]*\]/, '').trim().split(/\s+/)) {
      const [name = '', count = ''] = tok.split('×');
      types.set(name, num(count));
    }
    out.push({ path, records: num(records), bytes: num(bytes), from, to, types, truncated: typeText.includes('truncated') });
  }
  return out;
}

const provenance = parseProvenance(readFileSync(fixtureUrl('PROVENANCE.md'), 'utf8'));

// Names as PROVENANCE.md writes them: "BGP4MP/MESSAGE_AS4", "BGP(deprecated)/1".
const TYPE_NAMES: Record<number, [string, Record<string, number> | null]> = {
  [MrtType.BGP]: ['BGP(deprecated)', null],
  [MrtType.TABLE_DUMP]: ['TABLE_DUMP', TableDumpSubtype],
  [MrtType.TABLE_DUMP_V2]: ['TABLE_DUMP_V2', TableDumpV2Subtype],
  [MrtType.BGP4MP]: ['BGP4MP', Bgp4mpSubtype],
  [MrtType.BGP4MP_ET]: ['BGP4MP_ET', Bgp4mpSubtype],
};

function typeName(type: number, subtype: number): string {
  const [name, subtypes] = TYPE_NAMES[type] ?? [String(type), null];
  const sub = subtypes ? Object.entries(subtypes).find(([, v]) => v === subtype)?.[0] : undefined;
  return `${name}/${sub ?? subtype}`;
}

const minute = (seconds: number): string => new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 16).replace('T', ' ');

interface Summary {
  types: Map<string, number>;
  records: number;
  issues: MrtIssue[];
  items: (MrtRecord | MrtIssue)[];
  first: number;
  last: number;
}

function summarise(data: Uint8Array): Summary {
  const types = new Map<string, number>();
  const issues: MrtIssue[] = [];
  const items: (MrtRecord | MrtIssue)[] = [];
  let lastIndex = -1;
  let first = Infinity;
  let last = -Infinity;
  for (const item of readMrt(data)) {
    items.push(item);
    if (item.kind === 'issue') {
      issues.push(item);
      continue;
    }
    // Batched TABLE_DUMP records yield several items with one index; count the record once.
    if (item.index === lastIndex) continue;
    lastIndex = item.index;
    const name = typeName(item.mrtType, item.subtype);
    types.set(name, (types.get(name) ?? 0) + 1);
    first = Math.min(first, item.timestamp);
    last = Math.max(last, item.timestamp);
  }
  const records = [...types.values()].reduce((a, b) => a + b, 0);
  return { types, records, issues, items, first, last };
}

describe('PROVENANCE.md MRT fixtures', () => {
  it('lists every MRT file with counts', () => {
    expect(provenance.length).toBeGreaterThanOrEqual(32);
    expect(provenance.filter((p) => p.truncated).map((p) => p.path)).toEqual([
      'pyasn/data/rib.20080501.0644_firstMB.bz2',
      'pyasn/data/rib.20140523.0600_firstMB.bz2',
      'pyasn/data/rib6.20151101.0600_firstMB.bz2',
    ]);
  });

  it.each(provenance.map((p) => [p.path, p] as const))('%s', (_path, p) => {
    const { data, truncated } = load(p.path);
    expect(data.length).toBe(p.bytes);
    expect(truncated).toBe(p.truncated);
    const s = summarise(data);
    expect(Object.fromEntries(s.types)).toEqual(Object.fromEntries(p.types));
    expect(s.records).toBe(p.records);
    expect(minute(s.first)).toBe(p.from);
    expect(minute(s.last)).toBe(p.to);
    if (p.truncated) {
      // The stream stops inside the record after the last complete one.
      expect(s.issues).toHaveLength(1);
      expect(s.issues[0]).toMatchObject({ index: p.records, message: expect.stringMatching(/truncated/) });
      expect(s.items.at(-1)).toBe(s.issues[0]);
    } else {
      expect(s.issues).toEqual([]);
    }
  });
});

// ---- files with particular content ---------------------------------------------------------

describe('ADD-PATH RIB dumps (RFC 8050)', () => {
  it.each([
    ['bgpdump/test_data/bview.ipv4_unicast_add_path.gz', 1, TableDumpV2Subtype.RIB_IPV4_UNICAST_ADDPATH],
    ['bgpdump/test_data/bview.ipv6_unicast_add_path.gz', 2, TableDumpV2Subtype.RIB_IPV6_UNICAST_ADDPATH],
  ])('%s carries a path identifier on every entry', (path, afi, subtype) => {
    const items = [...readMrt(load(path).data)];
    const [table, ...ribs] = items;
    expect(table).toMatchObject({ kind: 'peer-index-table' });
    expect(table?.kind === 'peer-index-table' && table.peers.length).toBe(3);
    expect(ribs).toHaveLength(31);
    const prefixes = new Set<string>();
    let entries = 0;
    for (const r of ribs) {
      if (r.kind !== 'rib') throw new Error(`unexpected ${r.kind}`);
      expect(r).toMatchObject({ afi, safi: 1, subtype, addPath: true });
      prefixes.add(r.prefix);
      for (const e of r.entries) {
        expect(e.pathId).toEqual(expect.any(Number));
        expect(e.peerIndex).toBeLessThan(3);
        entries++;
      }
    }
    // bgpdump -m prints 62 route lines for 31 prefixes from each file.
    expect(entries).toBe(62);
    expect(prefixes.size).toBe(31);
  });
});

describe('big and unusual records', () => {
  it('reads the 89,686-record BGP4MP_ET full-table stream quickly, with views into the input', () => {
    const t0 = performance.now();
    const { data } = load('bgpdump/test_data/updates.et-header.2015.gz');
    let messages = 0;
    let views = true;
    let fractional = 0;
    for (const r of readMrt(data)) {
      if (r.kind !== 'bgp4mp-message') continue;
      messages++;
      views &&= r.message.buffer === data.buffer;
      if (!Number.isInteger(r.timestamp)) fractional++;
    }
    const elapsed = performance.now() - t0;
    expect(messages).toBe(89_682);
    expect(views).toBe(true);
    expect(fractional).toBeGreaterThan(80_000);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('handles a RIB record over 64 KiB', () => {
    const [, rib] = [...readMrt(load('bgpdump/test_data/bview.64k_stream_overflow.gz').data)];
    expect(rib).toMatchObject({ kind: 'rib', afi: 2 });
    expect(rib?.kind === 'rib' && rib.entries.length).toBe(23);
  });

  it('hands out a 36,894-byte (RFC 8654 sized) UPDATE whole', () => {
    const [r] = [...readMrt(load('bgpdump/test_data/updates.long_withdrawal.gz').data)];
    expect(r?.kind === 'bgp4mp-message' && r.message.length).toBe(36_894);
  });

  it('decodes RIB records that have no PEER_INDEX_TABLE before them', () => {
    const items = [...readMrt(load('pyasn/data/bview.20140112.1600_3samples.bz2').data)];
    expect(items.map((r) => r.kind)).toEqual(['rib', 'rib', 'rib']);
  });
});

describe('historic RIPE RIS files', () => {
  const ripe = 'bgpkit-parser/tests/fixtures/ripe/';

  it('bview.20000111.0032: repairs the 4-bytes-short TABLE_DUMP records and splits their entries', () => {
    const s = summarise(load(`${ripe}rrc00/2000.01/bview.20000111.0032.gz`).data);
    // One quirk report per record and nothing else; the last record ends the data exactly.
    expect(s.records).toBe(2_490);
    expect(s.issues).toHaveLength(2_490);
    expect(s.issues.every((i) => /early RIPE RIS quirk/.test(i.message))).toBe(true);
    const dumps = s.items.filter((r) => r.kind === 'table-dump');
    // Regression values from this reader: ~450k routes, 82k prefixes, 7 peers is the size of
    // a 2000-era full table seen from rrc00.
    expect(dumps).toHaveLength(452_018);
    expect(new Set(dumps.map((d) => d.prefix)).size).toBe(82_377);
    expect(new Set(dumps.map((d) => d.peerIp)).size).toBe(7);
  });

  it('updates.20000325.0345: reports both damaged boundaries and reads on to the end', () => {
    const s = summarise(load(`${ripe}rrc00/2000.03/updates.20000325.0345.gz`).data);
    expect(s.issues.map((i) => [i.index, i.offset])).toEqual([[4, 188], [202, 4554]]);
    expect(s.issues[0]!.message).toMatch(/damaged record/);
    expect(s.issues[1]!.message).toMatch(/14 bytes of unframed data/);
    // A naive walker stops after 5 records; this one reads all of the remaining 151 KB.
    expect(s.records).toBe(2_580);
    expect(s.types.get('BGP(deprecated)/1')).toBe(2_239);
  });

  it('updates.20001104.0124: decodes the address-less Zebra records', () => {
    const items = [...readMrt(load(`${ripe}rrc01/2000.11/updates.20001104.0124.gz`).data)];
    const bare = items.filter((r) => (r.kind === 'bgp4mp-state' || r.kind === 'bgp4mp-message') && r.afi === 0);
    expect(bare.filter((r) => r.kind === 'bgp4mp-state')).toHaveLength(42);
    expect(bare.filter((r) => r.kind === 'bgp4mp-message').length).toBeGreaterThan(0);
    for (const r of bare) if (r.kind === 'bgp4mp-message') expect([...r.message.subarray(0, 16)]).toEqual(Array(16).fill(0xff));
  });

  it.each(['rrc03/2010.02/updates.20100227.1600.first-796-records.gz', 'rrc15/2010.02/updates.20100227.1600.gz', 'rrc15/2010.02/updates.20100227.1610.gz'])(
    '%s: carries Quagga FSM states 7/8',
    (path) => {
      const names = new Set<string>();
      for (const r of readMrt(load(ripe + path).data)) {
        if (r.kind === 'bgp4mp-state') names.add(bgpStateName(r.oldState)).add(bgpStateName(r.newState));
      }
      expect([...names].some((n) => n === 'Clearing' || n === 'Deleted')).toBe(true);
    },
  );

  it('updates.19991214.1621: has one BGP OPEN and one NOTIFY record', () => {
    const legacy = [...readMrt(load(`${ripe}rrc00/1999.12/updates.19991214.1621.gz`).data)].filter((r) => r.kind === 'bgp-legacy');
    expect(legacy.filter((r) => r.bgpType === 1)).toHaveLength(1);
    expect(legacy.filter((r) => r.bgpType === 3)).toHaveLength(1);
    expect(legacy.filter((r) => r.oldState !== undefined)).toHaveLength(27);
  });
});
