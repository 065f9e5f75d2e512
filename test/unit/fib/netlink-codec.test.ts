// The rtnetlink codec against bytes captured from iproute2 6.1 and Linux 6.18 (strace of `ip -n NS
// route ...` for requests; the kernel's replies to the same requests read from a NETLINK_ROUTE
// socket with NETLINK_EXT_ACK, NETLINK_CAP_ACK and NETLINK_GET_STRICT_CHK), and fast-check
// properties: decode(encode(x)) = x, random bytes only ever throw NetlinkError, and the hot-path
// writer equals the codec. Byte vectors are little-endian (x86_64): skipped on a big-endian host.

import { endianness } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRoute, resolveTableOptions, type CheckedRoute, type FibRoute } from '../../../src/fib/index.js';
import {
  ByteWriter,
  HOST_LITTLE_ENDIAN,
  NetlinkError,
  addressFromBytes,
  decodeMessages,
  encodeMessages,
  errnoName,
  errnoText,
  fibErrorCode,
  fibRouteOf,
  interfaceAddress,
  isOurs,
  routeRequestBody,
  writeAddressDump,
  writeChangeRequest,
  writeLinkDump,
  writeRouteDump,
  writeRouteRequest,
  type NetlinkMessage,
  type RouteMessage,
} from '../../../src/fib/netlink/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const MAIN = resolveTableOptions({});
const NAMES = new Map([
  ['lo', 1],
  ['d0', 3],
]);
const indexOf = (name: string): number | undefined => NAMES.get(name);
const nameOf = (index: number): string | undefined => [...NAMES].find(([, i]) => i === index)?.[0];

function checked(route: FibRoute, op: 'replace' | 'delete' = 'replace'): CheckedRoute {
  const c = checkRoute(route, op === 'replace');
  if (!c.ok) throw new Error(c.message);
  return c.checked;
}

function request(route: FibRoute, op: 'replace' | 'delete', options = MAIN, seq = 2): string {
  const w = new ByteWriter(16);
  expect(writeChangeRequest(w, checked(route, op), op, options, seq, true, indexOf)).toBeNull();
  return toHex(w.finish());
}

// Requests as `ip` sends them (strace -xx): nlmsghdr, rtmsg, then attributes.
const IP = {
  // ip route replace 10.200.1.0/24 proto 87 table 254 metric 0 via 10.255.0.2
  replace: '34000000 1800 0505 02000000 00000000  02 18 00 00 fe 57 00 01 00000000  0800 0100 0ac80100  0800 0600 00000000  0800 0500 0aff0002',
  // ... nexthop via 10.255.0.2 weight 1 nexthop via 10.255.0.3 weight 3
  multipath:
    '50000000 1800 0505 03000000 00000000  02 18 00 00 fe 57 00 01 00000000  0800 0100 0ac80200  0800 0600 00000000' +
    '  2400 0900  1000 00 00 00000000 0800 0500 0aff0002  1000 00 02 00000000 0800 0500 0aff0003',
  // ip route replace fd57:7265:6e01:1::/64 proto 87 table 1000 metric 0 via fd57:7265:6e00::2 dev d0 onlink
  v6onlink:
    '5c000000 1800 0505 02000000 00000000  0a 40 00 00 00 57 00 01 04000000  1400 0100 fd5772656e010001 0000000000000000' +
    '  0800 0f00 e8030000  0800 0600 00000000  1400 0500 fd5772656e000000 0000000000000002  0800 0400 03000000',
  // ip route del 10.200.2.0/24 proto 87 table 254 metric 0
  delete: '2c000000 1900 0500 02000000 00000000  02 18 00 00 fe 57 ff 00 00000000  0800 0100 0ac80200  0800 0600 00000000',
};

// The kernel's answers.
const KERNEL = {
  // ACK of seq 2 (NLM_F_CAPPED: only the request's header comes back).
  ack: '24000000 0200 0001 02000000 b9210000  00000000  34000000 1800 0505 02000000 00000000',
  // 10.200.7.0/24 via 192.0.2.1: -ENETUNREACH and the extended ACK's words (NLM_F_CAPPED | NLM_F_ACK_TLVS).
  unreachable: '44000000 0200 0003 01000000 90210000  9bffffff  34000000 1800 0505 01000000 00000000  2000 0100 4e657874686f702068617320696e76616c696420676174657761 7900',
  // The same without NETLINK_CAP_ACK or NETLINK_EXT_ACK: the whole request comes back.
  unreachableFull:
    '48000000 0200 0000 01000000 56230000  9bffffff  34000000 1800 0505 01000000 00000000  02180000fe57000100000000 080001000ac80700 0800060000000000 08000500c0000201',
  // fd57:7265:6e01:7::/64 via 2001:db8::1: -EHOSTUNREACH, no words.
  v6unreachable: '24000000 0200 0001 05000000 34220000  8fffffff  4c000000 1800 0505 05000000 00000000',
  // ip route del of a route that is not there: -ESRCH.
  missing: '24000000 0200 0001 06000000 5d220000  fdffffff  2c000000 1900 0500 06000000 00000000',
  // 10.200.9.1/24: -EINVAL with words.
  hostBits:
    '50000000 0200 0003 0b000000 2a230000  eaffffff  34000000 1800 0505 0b000000 00000000  2b00 0100 496e76616c69642070726566697820666f7220676976656e20707265666978206c656e67746800 00',
  // RTM_GETROUTE dump of AF_INET, proto 87, table 254: a single-hop and a weighted multipath route, then NLMSG_DONE.
  dump4:
    '3c000000 1800 2200 07000000 86220000  02180000fe57000100000000 08000f00fe000000 080001000ac80100 080005000aff0002 0800040003000000' +
    '50000000 1800 2200 07000000 86220000  02180000fe57000100000000 08000f00fe000000 080001000ac80200' +
    '  24000900 1000 00 00 03000000 080005000aff0002 1000 00 02 03000000 080005000aff0003' +
    '14000000 0300 2200 07000000 86220000  00000000',
  // The IPv6 dump: metric 1024, RTA_CACHEINFO and RTA_PREF (kept as they are).
  dump6:
    '88000000 1800 2200 08000000 af220000  0a400000fe57000100000000 08000f00fe000000 14000100fd5772656e010001 0000000000000000 0800060000040000' +
    '  14000500fd5772656e000000 0000000000000002 0800040003000000  24000c00 0000000000000000000000000000000000000000000000000000000000000000  05001400 00000000' +
    '14000000 0300 2200 08000000 af220000  00000000',
  // An IPv4 dump of table 77, which does not exist: NLMSG_DONE with -ENOENT and the reason.
  noTable: '38000000 0300 2202 07000000 2c190000  feffffff  2300 0100 697076343a20464942207461626c6520646f6573206e6f742065786973740000',
  // RTM_GETADDR dump, AF_UNSPEC.
  addresses:
    '4c0000001400020009000000d8220000020880fe01000000080001007f000001080002007f000001070003006c6f0000080008008000000014000600ffffffffffffffff2b570d002b570d00' +
    '4c0000001400020009000000d8220000021c800003000000080001000aff0001080002000aff00010700030064300000080008008000000014000600ffffffffffffffff2b570d002b570d00' +
    '500000001400020009000000d82200000a8080fe01000000140001000000000000000000000000000000000114000600ffffffffffffffff2b570d002b570d00080008008000000005000b0001000000' +
    '500000001400020009000000d82200000a4080fd0200000014000100fe80000000000000c08207fffe90e1ec14000600ffffffffffffffff2a570d002a570d00080008008000000005000b0003000000' +
    '480000001400020009000000d82200000a4082000300000014000100fd5772656e000000000000000000000114000600ffffffffffffffff2b570d002b570d000800080082000000' +
    '500000001400020009000000d82200000a4080fd0300000014000100fe8000000000000098ed8efffe6d457c14000600ffffffffffffffff2a570d002a570d00080008008000000005000b0003000000' +
    '140000000300020009000000d822000000000000',
};

// RTM_NEWLINK of `lo` from an RTM_GETLINK dump (1468 bytes: IFLA_STATS, IFLA_AF_SPEC... kept raw).
const LINK_LO = [
  'bc050000100002000a0000002e1c000000000403010000004900010000000000070003006c6f000008000d00e80300000500100000000000050011000000000005004300010000000800040000000100',
  '0800320000000000080033000000000008001b000000000008001e000000000008003d000000000008001f000100000008002800ffff0000080029000000010008003a000000010008003f0000000100',
  '080040000000010008003b00f8ff070008003c00ffff0000080042000000000008002000010000000500210001000000080023000000000008002f000000000008003000000000000600440000000000',
  '060045000000000005002700000000000a00010000000000000000000a0002000000000000000000cc001700000000000000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  '0000000064000700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000c002b0005000200000000000c0006006e6f71756575650030031a008c000200880001000000000000000000000000000100000001000000',
  '0100000001000000000000000100000000000000000000000000000000000000000000000100000001000000000000000000000000000000000000000000000000000000000000000000000000000000',
  '0000000010270000e80300000000000000000000000000000000000001000000a0020a00080001000000008014000500ffff00002b570d0058720000e8030000f4000200000000004000000000000100',
  '01000000010000000100000001000000ffffffffa00f0000e8030000ffffffff803a0900805101000300000058020000100000000000000001000000010000000100000060ea00000000000000000000',
  '00000000000000000000000000000000ffffffff000000000000000010270000e80300000100000000000000000000000100000000000000000000000100000000000000000000000000000000000000',
  '80ee360000000000000000000100000000000000000000000000000000000000000000000004000000000000ffff0000ffffffff01000000000000000000000000000000340103002600000000000000',
  '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  '00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003c0006000700000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000000000000001400070000000000000000000000000000000000050008000000000024000e00000000000000000000000000',
  '000000000000000000000000000000000000000004003e8004004180',
].join('');

describe('host byte order', () => {
  it('is tested, and agrees with os.endianness()', () => {
    expect(HOST_LITTLE_ENDIAN).toBe(endianness() === 'LE');
  });
});

describe.skipIf(!HOST_LITTLE_ENDIAN)('requests, byte for byte against iproute2', () => {
  it('decodes what ip sends and encodes it back to the same bytes', () => {
    for (const vector of Object.values(IP)) {
      const bytes = hex(vector);
      expect(toHex(encodeMessages(decodeMessages(bytes)))).toBe(toHex(bytes));
    }
    const [mp] = decodeMessages(hex(IP.multipath));
    expect(mp).toMatchObject({ kind: 'route', header: { type: 24, flags: 0x505, seq: 3 }, route: { family: 2, dstLength: 24, protocol: 87, table: 254, type: 1 } });
    expect(mp?.kind === 'route' && mp.route.multipath?.map((h) => h.weight)).toEqual([1, 3]);
  });

  it('writes the request ip writes for a table over 255 with onlink and a dev', () => {
    const route = { prefix: 'fd57:7265:6e01:1::/64', nextHops: [{ address: 'fd57:7265:6e00::2', dev: 'd0' }] };
    expect(request(route, 'replace', resolveTableOptions({ table: 1000, onlink: true }))).toBe(toHex(hex(IP.v6onlink)));
  });

  it("writes ip's requests plus RTA_TABLE for the main table (always said, never guessed)", () => {
    const table = '0800 0f00 fe000000';
    const withTable = (v: string, len: string): string => toHex(hex(v.replace(/^34000000|^50000000|^2c000000/, len).replace(/(0800 0100 0ac80[12]00)/, `$1 ${table}`)));
    expect(request({ prefix: '10.200.1.0/24', nextHops: [{ address: '10.255.0.2' }] }, 'replace')).toBe(withTable(IP.replace, '3c000000'));
    const weighted = { prefix: '10.200.2.0/24', nextHops: [{ address: '10.255.0.2' }, { address: '10.255.0.3', weight: 3 }] };
    expect(request(weighted, 'replace', MAIN, 3)).toBe(withTable(IP.multipath, '58000000'));
    expect(request({ prefix: '10.200.2.0/24', nextHops: [] }, 'delete')).toBe(withTable(IP.delete, '34000000'));
  });

  it('asks for dumps as ip does, with the strict-check filter', () => {
    const w = new ByteWriter(16);
    writeRouteDump(w, 7, 2, { table: 254, protocol: 87 });
    writeAddressDump(w, 9);
    writeLinkDump(w, 10);
    expect(toHex(w.finish())).toBe(
      toHex(hex('24000000 1a00 0103 07000000 00000000 02000000 00570000 00000000 0800 0f00 fe000000' + '18000000 1600 0103 09000000 00000000 0000000000000000' + '20000000 1200 0103 0a000000 00000000 00000000000000000000000000000000')),
    );
  });
});

describe.skipIf(!HOST_LITTLE_ENDIAN)("the kernel's answers", () => {
  const one = (v: string): NetlinkMessage => {
    const all = decodeMessages(hex(v));
    expect(all).toHaveLength(1);
    return all[0]!;
  };

  it('reads an ACK: errno 0, the request header echoed', () => {
    expect(one(KERNEL.ack)).toEqual({
      kind: 'error',
      header: { type: 2, flags: 0x100, seq: 2, pid: 0x21b9 },
      errno: 0,
      request: { length: 0x34, type: 24, flags: 0x505, seq: 2, pid: 0 },
      requestBody: new Uint8Array(0),
      tlvs: [],
    });
  });

  it.each([
    ['unreachable', 101, 'ENETUNREACH', 'Nexthop has invalid gateway'],
    ['unreachableFull', 101, 'ENETUNREACH', undefined],
    ['v6unreachable', 113, 'EHOSTUNREACH', undefined],
    ['missing', 3, 'ESRCH', undefined],
    ['hostBits', 22, 'EINVAL', 'Invalid prefix for given prefix length'],
  ] as const)('reads the error %s: errno, FIB code and the extended ACK text', (name, errno, code, text) => {
    const m = one(KERNEL[name]);
    expect(m.kind).toBe('error');
    if (m.kind !== 'error') return;
    expect(m.errno).toBe(errno);
    expect(fibErrorCode(m.errno)).toBe(code);
    expect(m.text).toBe(text);
    // Without NETLINK_CAP_ACK the request comes back whole.
    expect(m.requestBody.length).toBe(name === 'unreachableFull' ? 36 : 0);
  });

  it('reads a route dump into FIB routes (multipath weights from rtnh_hops + 1)', () => {
    const messages = decodeMessages(hex(KERNEL.dump4));
    expect(messages.map((m) => m.kind)).toEqual(['route', 'route', 'done']);
    expect(messages.every((m) => (m.header.flags & 2) !== 0)).toBe(true);
    const routes = messages.flatMap((m) => (m.kind === 'route' && isOurs(m.route, MAIN) ? [fibRouteOf(m.route, nameOf)] : []));
    expect(routes).toEqual([
      { prefix: '10.200.1.0/24', nextHops: [{ address: '10.255.0.2', dev: 'd0' }] },
      {
        prefix: '10.200.2.0/24',
        nextHops: [
          { address: '10.255.0.2', dev: 'd0', weight: 1 },
          { address: '10.255.0.3', dev: 'd0', weight: 3 },
        ],
      },
    ]);
  });

  it("reads a dump's end with the error that ended it and the kernel's words", () => {
    const m = one(KERNEL.noTable);
    expect(m).toMatchObject({ kind: 'done', errno: 2, text: 'ipv4: FIB table does not exist' });
    expect(errnoName(2)).toBe('ENOENT');
  });

  it('reads an IPv6 route dump: metric 1024 is ours for metric 0, unknown attributes kept', () => {
    const [m] = decodeMessages(hex(KERNEL.dump6));
    expect(m?.kind).toBe('route');
    if (m?.kind !== 'route') return;
    expect(m.route.priority).toBe(1024);
    expect(isOurs(m.route, MAIN)).toBe(true);
    expect(isOurs(m.route, resolveTableOptions({ metric: 100 }))).toBe(false);
    expect(m.route.other.map((a) => a.type)).toEqual([12, 20]);
    expect(fibRouteOf(m.route, nameOf)).toEqual({ prefix: 'fd57:7265:6e01:1::/64', nextHops: [{ address: 'fd57:7265:6e00::2', dev: 'd0' }] });
  });

  it('reads interface addresses with their prefix lengths', () => {
    const addresses = decodeMessages(hex(KERNEL.addresses)).flatMap((m) => {
      if (m.kind !== 'address') return [];
      const a = interfaceAddress(m.address);
      return a ? [`${addressFromBytes(m.address.family, a)}/${m.address.prefixLength} ${m.address.label ?? ''}`.trim()] : [];
    });
    expect(addresses).toEqual(['127.0.0.1/8 lo', '10.255.0.1/28 d0', '::1/128', 'fe80::c082:7ff:fe90:e1ec/64', 'fd57:7265:6e00::1/64', 'fe80::98ed:8eff:fe6d:457c/64']);
  });

  it('reads a link: index and name, the rest kept raw and written back the same', () => {
    const bytes = hex(LINK_LO);
    const [m] = decodeMessages(bytes);
    expect(m).toMatchObject({ kind: 'link', link: { index: 1, name: 'lo', deviceType: 772 } });
    expect(toHex(encodeMessages([m!]))).toBe(toHex(bytes));
  });
});

describe('errno names', () => {
  it('maps errnos to FIB codes and strerror text', () => {
    expect([3, 101, 113, 19, 22, 17, 1, 13, 105, 12, 95].map(fibErrorCode)).toEqual(['ESRCH', 'ENETUNREACH', 'EHOSTUNREACH', 'ENODEV', 'EINVAL', 'EEXIST', 'EPERM', 'EPERM', 'EIO', 'EIO', 'EINVAL']);
    expect(errnoText(3)).toBe('No such process');
    expect(errnoName(3)).toBe('ESRCH');
    expect(errnoName(99999)).toBe('E99999');
  });
});

// ---- properties ------------------------------------------------------------------------------

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const bytes = (max = 20): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });
const raw = (known: readonly number[]): fc.Arbitrary<{ type: number; data: Uint8Array }[]> =>
  fc.array(fc.record({ type: u16.filter((t) => !known.includes(t)), data: bytes(24) }), { maxLength: 3 });
const text = fc.string({ unit: 'grapheme-ascii', maxLength: 20 });
const header = (types: fc.Arbitrary<number>): fc.Arbitrary<{ type: number; flags: number; seq: number; pid: number }> => fc.record({ type: types, flags: u16, seq: u32, pid: u32 });

const arbVia = fc.record({ family: u16, address: bytes(16) });
const arbHop = fc.record(
  { flags: u8, weight: fc.integer({ min: 1, max: 256 }), ifindex: i32, gateway: bytes(16), via: arbVia, other: raw([5, 18]) },
  { requiredKeys: ['flags', 'weight', 'ifindex', 'other'] },
);
const arbRoute: fc.Arbitrary<RouteMessage> = fc.record(
  {
    family: u8,
    dstLength: u8,
    srcLength: u8,
    tos: u8,
    table: u8,
    protocol: u8,
    scope: u8,
    type: u8,
    flags: u32,
    dst: bytes(16),
    gateway: bytes(16),
    oif: u32,
    priority: u32,
    tableId: u32,
    via: arbVia,
    multipath: fc.array(arbHop, { maxLength: 4 }),
    nhId: u32,
    other: raw([1, 4, 5, 6, 9, 15, 18, 30]),
  },
  { requiredKeys: ['family', 'dstLength', 'srcLength', 'tos', 'table', 'protocol', 'scope', 'type', 'flags', 'other'] },
);

const arbError: fc.Arbitrary<NetlinkMessage> = fc
  .record({
    header: header(fc.constant(2)),
    errno: fc.integer({ min: 0, max: 4095 }),
    request: header(u16),
    capped: fc.boolean(),
    body: bytes(40),
    cappedLength: u32,
    text: fc.option(text, { nil: undefined }),
    attributeOffset: fc.option(u32, { nil: undefined }),
    tlvs: raw([1, 2]),
  })
  .map(({ header: h, capped, body, cappedLength, request, text: t, attributeOffset, tlvs, errno }) => {
    const withTlvs = t !== undefined || attributeOffset !== undefined || tlvs.length > 0;
    return {
      kind: 'error',
      header: { ...h, flags: (h.flags & ~0x300) | (capped ? 0x100 : 0) | (withTlvs ? 0x200 : 0) },
      errno,
      request: { ...request, length: capped ? cappedLength : 16 + body.length },
      requestBody: capped ? new Uint8Array(0) : body,
      ...(t !== undefined ? { text: t } : {}),
      ...(attributeOffset !== undefined ? { attributeOffset } : {}),
      tlvs,
    } as const;
  });

const arbMessage: fc.Arbitrary<NetlinkMessage> = fc.oneof(
  arbError,
  fc
    .record({ header: header(fc.constant(3)), errno: fc.integer({ min: 0, max: 4095 }), text: fc.option(text, { nil: undefined }) })
    .map(({ header: h, errno, text: t }): NetlinkMessage => ({ kind: 'done', header: { ...h, flags: (h.flags & ~0x200) | (t !== undefined ? 0x200 : 0) }, errno, ...(t !== undefined ? { text: t } : {}) })),
  fc.record({ kind: fc.constant('route' as const), header: header(fc.constantFrom(24, 25, 26)), route: arbRoute }),
  fc.record({
    kind: fc.constant('address' as const),
    header: header(fc.constantFrom(20, 21)),
    address: fc.record(
      { family: u8, prefixLength: u8, flags: u8, scope: u8, index: u32, address: bytes(16), local: bytes(16), label: text, extendedFlags: u32, other: raw([1, 2, 3, 8]) },
      { requiredKeys: ['family', 'prefixLength', 'flags', 'scope', 'index', 'other'] },
    ),
  }),
  fc.record({
    kind: fc.constant('link' as const),
    header: header(fc.constantFrom(16, 17)),
    link: fc.record({ family: u8, deviceType: u16, index: i32, flags: u32, change: u32, name: text, other: raw([3]) }, { requiredKeys: ['family', 'deviceType', 'index', 'flags', 'change', 'other'] }),
  }),
  fc.record({
    kind: fc.constant('other' as const),
    header: header(u16.filter((t) => ![2, 3, 16, 17, 20, 21, 24, 25, 26].includes(t))),
    body: fc.uint8Array({ maxLength: 10 }).map((b) => b.slice(0, b.length & ~3)),
  }),
);

describe('codec properties', () => {
  it('decode(encode(messages)) = messages', () => {
    fc.assert(
      fc.property(fc.array(arbMessage, { minLength: 1, maxLength: 4 }), (messages) => {
        expect(decodeMessages(encodeMessages(messages))).toEqual(messages);
      }),
      { numRuns: 500 },
    );
  });

  const onlyNetlinkErrors = (b: Uint8Array): void => {
    try {
      decodeMessages(b);
    } catch (err) {
      expect(err).toBeInstanceOf(NetlinkError);
    }
  };

  it('random bytes decode or throw NetlinkError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), onlyNetlinkErrors), { numRuns: 2000 });
  });

  it('damaged messages (cut short, a byte changed) decode or throw NetlinkError', () => {
    fc.assert(
      fc.property(fc.array(arbMessage, { minLength: 1, maxLength: 3 }), fc.nat(), fc.nat(), u8, (messages, cut, at, value) => {
        const b = encodeMessages(messages);
        onlyNetlinkErrors(b.slice(0, cut % (b.length + 1)));
        const changed = b.slice();
        changed[at % changed.length] = value;
        onlyNetlinkErrors(changed);
      }),
      { numRuns: 1000 },
    );
  });
});

const arbFibRoute = fc
  .record({
    afi: fc.constantFrom(1, 2),
    words: fc.array(u32, { minLength: 4, maxLength: 4 }),
    length: fc.nat(128),
    hops: fc.uniqueArray(fc.record({ words: fc.array(u32, { minLength: 4, maxLength: 4 }), dev: fc.option(fc.constantFrom('lo', 'd0'), { nil: undefined }), weight: fc.option(fc.integer({ min: 1, max: 256 }), { nil: undefined }) }), {
      minLength: 1,
      maxLength: 4,
      selector: (h) => h.words.join(),
    }),
  })
  .map(({ afi, words, length, hops }): FibRoute => {
    const text = (w: readonly number[]): string =>
      afi === 1 ? [24, 16, 8, 0].map((s) => (w[0]! >>> s) & 255).join('.') : (w.flatMap((x) => [x >>> 16, x & 0xffff]).map((x) => x.toString(16)).join(':') as string);
    const len = afi === 1 ? length % 33 : length;
    const masked = words.map((w, k) => {
      const bits = len - 32 * k;
      return bits >= 32 ? w : bits <= 0 ? 0 : (w & (0xffffffff << (32 - bits))) >>> 0;
    });
    // IPv4 next hops use the first word only: drop the ones that come out the same.
    const unique = hops.filter((h, k) => hops.findIndex((o) => text(o.words) === text(h.words)) === k);
    return { prefix: `${text(masked)}/${len}`, nextHops: unique.map((h) => ({ address: text(h.words), ...(h.dev ? { dev: h.dev } : {}), ...(h.weight ? { weight: h.weight } : {}) })) };
  });

const arbOptions = fc.record({ table: fc.constantFrom(254, 100, 1000, 0xffffffff), metric: fc.constantFrom(0, 100, 0xffffffff), protocol: fc.integer({ min: 5, max: 255 }), onlink: fc.boolean() }).map((o) => resolveTableOptions(o));

describe('the hot-path writer', () => {
  it('writes exactly what the codec writes for the same change', () => {
    fc.assert(
      fc.property(arbFibRoute, fc.constantFrom('replace' as const, 'delete' as const), arbOptions, u32, fc.boolean(), (route, op, o, seq, ack) => {
        const c = checked(route, op);
        const fast = new ByteWriter(16);
        const missing = writeChangeRequest(fast, c, op, o, seq, ack, indexOf);
        const body = routeRequestBody(c, op, o, indexOf);
        expect(missing).toBeNull();
        expect(body.ok).toBe(true);
        if (!body.ok) return;
        const slow = new ByteWriter(16);
        writeRouteRequest(slow, op, seq, body.route, ack);
        expect(toHex(fast.finish())).toBe(toHex(slow.finish()));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes replaces that read back as the same FIB route', () => {
    fc.assert(
      fc.property(arbFibRoute, arbOptions, (route, o) => {
        const c = checked(route);
        const w = new ByteWriter(16);
        writeChangeRequest(w, c, 'replace', o, 1, true, indexOf);
        const [m] = decodeMessages(w.finish());
        if (m?.kind !== 'route') throw new Error('not a route');
        const multipath = c.route.nextHops.length > 1;
        expect(fibRouteOf(m.route, nameOf)).toEqual({ prefix: c.route.prefix, nextHops: c.route.nextHops.map((h) => ({ ...h, ...(multipath ? { weight: h.weight ?? 1 } : {}) })) });
        expect(isOurs({ ...m.route, priority: c.afi === 2 && o.metric === 0 ? 1024 : o.metric }, o)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('writes nothing for a dev it cannot resolve', () => {
    const w = new ByteWriter(16);
    expect(writeChangeRequest(w, checked({ prefix: '10.0.0.0/8', nextHops: [{ address: '10.255.0.2', dev: 'nosuch0' }] }), 'replace', MAIN, 1, true, indexOf)).toBe('nosuch0');
    expect(w.length).toBe(0);
  });
});
