// NetlinkFib over a fake shim (no root, no kernel): what it does when the kernel's answers are
// lost, late, garbled or never come. It must give every change an outcome, never hang, and never
// call a change whose answer it did not see a success.

import { describe, expect, it } from 'vitest';
import { NetlinkFib, type FibChange } from '../../../src/fib/index.js';
import { NLM_F_ACK, decodeMessages, encodeMessages, type NetlinkMessage, type NetlinkShim, type Received, type ShimSocket } from '../../../src/fib/netlink/index.js';

type Mode = 'answer' | 'never' | 'garbage' | 'overrun' | 'stale';

/** Answers route requests as the kernel does: an error for prefixes under 192.0.0.0/8, an ACK when asked. */
class FakeShim implements NetlinkShim {
  opened = 0;
  closed: number[] = [];
  stuck: (() => void)[] = [];

  constructor(public mode: Mode) {}

  open(): ShimSocket {
    return { fd: 100 + this.opened++, portId: 4242, receiveBuffer: 1 << 20, sendBuffer: 1 << 20, extAck: true, capAck: true, strictCheck: true };
  }

  close(fd: number): void {
    this.closed.push(fd);
  }

  exchange(_fd: number, data: Uint8Array | null, _waitMs: number, _maxBytes: number, callback: (err: Error | null, received: Received | null) => void): void {
    const empty: Received = { data: new Uint8Array(0), overrun: false, truncated: 0 };
    if (this.mode === 'never') {
      this.stuck.push(() => callback(null, empty));
      return;
    }
    setImmediate(() => {
      if (!data) return callback(null, empty);
      if (this.mode === 'garbage') return callback(null, { data: Uint8Array.from([0x40, 0, 0, 0, 2, 0, 0, 0, 1, 0]), overrun: false, truncated: 0 });
      const replies: NetlinkMessage[] = [];
      const requests = decodeMessages(data);
      for (const [k, m] of requests.entries()) {
        // Dumps (routes, links): nothing in them.
        if ((m.kind === 'route' && m.header.type === 26) || (m.kind === 'other' && m.header.type === 18)) {
          replies.push({ kind: 'done', header: { type: 3, flags: 2, seq: m.header.seq, pid: 4242 }, errno: 0 });
          continue;
        }
        if (m.kind !== 'route') continue;
        const errno = m.route.dst?.[0] === 192 ? 101 : 0;
        const last = k === requests.length - 1;
        // overrun: the kernel dropped the closing ACK (and says so).
        if (this.mode === 'overrun' && last) continue;
        if (errno === 0 && (m.header.flags & NLM_F_ACK) === 0) continue;
        const reply = (seq: number, e: number): NetlinkMessage => ({ kind: 'error', header: { type: 2, flags: 0x100, seq, pid: 4242 }, errno: e, request: { ...m.header, length: 16 }, requestBody: new Uint8Array(0), tlvs: [] });
        // stale: an answer to a request of an earlier, abandoned socket comes first.
        if (this.mode === 'stale') replies.push(reply(m.header.seq - 5000, 3));
        replies.push(reply(m.header.seq, errno));
      }
      callback(null, { data: encodeMessages(replies), overrun: this.mode === 'overrun', truncated: 0 });
    });
  }

  receive(): Received {
    return { data: new Uint8Array(0), overrun: false, truncated: 0 };
  }

  watch(): unknown {
    return {};
  }

  unwatch(): void {}
}

const route = (i: number, first = 10): FibChange => ({ op: 'replace', route: { prefix: `${first}.0.${i}.0/24`, nextHops: [{ address: '10.255.0.2' }] } });
const codes = (r: { outcomes: readonly { ok: boolean; code?: string }[] }): string[] => r.outcomes.map((o) => (o.ok ? 'ok' : o.code!));

describe('NetlinkFib over a fake shim', () => {
  it('maps answers back by sequence number across batches; silence before the closing ACK is success', async () => {
    const shim = new FakeShim('answer');
    const fib = await NetlinkFib.open({ shim, batchSize: 4 });
    const changes = [route(1), route(2, 192), route(3), route(4), route(5), route(6, 192), route(7), route(8, 192), { op: 'replace' as const, route: { prefix: 'bad', nextHops: [] } }];
    expect(codes(await fib.apply(changes))).toEqual(['ok', 'ENETUNREACH', 'ok', 'ok', 'ok', 'ENETUNREACH', 'ok', 'ENETUNREACH', 'EINVAL']);
    await fib.close();
    expect(shim.closed).toEqual([100]);
  });

  it('gives up after the timeout with EIO, abandons the socket and opens a new one', async () => {
    const shim = new FakeShim('answer');
    const fib = await NetlinkFib.open({ shim, timeoutMs: 50 });
    shim.mode = 'never';
    const t0 = Date.now();
    const r = await fib.apply([route(1), route(2)]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(codes(r)).toEqual(['EIO', 'EIO']);
    expect(r.outcomes[0]).toMatchObject({ message: expect.stringMatching(/outcome unknown: .*did not take/) });
    // The descriptor stays open while the pool thread may still use it...
    expect(shim.closed).toEqual([]);
    shim.mode = 'answer';
    expect(codes(await fib.apply([route(3)]))).toEqual(['ok']);
    expect(shim.opened).toBe(2);
    // ...and is closed once the shim lets go of it.
    for (const late of shim.stuck) late();
    expect(shim.closed).toEqual([100]);
    await fib.close();
    expect(shim.closed).toEqual([100, 101]);
  });

  it('reports EIO, not success, when replies were dropped (ENOBUFS)', async () => {
    const shim = new FakeShim('answer');
    const fib = await NetlinkFib.open({ shim, timeoutMs: 100 });
    shim.mode = 'overrun';
    const r = await fib.apply([route(1), route(2, 192), route(3)]);
    expect(codes(r)).toEqual(['EIO', 'ENETUNREACH', 'EIO']);
    expect(r.outcomes[0]).toMatchObject({ message: expect.stringMatching(/ENOBUFS/) });
    await fib.close();
  });

  it('reports EIO when the answer does not decode', async () => {
    const shim = new FakeShim('answer');
    const fib = await NetlinkFib.open({ shim, timeoutMs: 100 });
    shim.mode = 'garbage';
    const r = await fib.apply([route(1)]);
    expect(codes(r)).toEqual(['EIO']);
    expect(r.outcomes[0]).toMatchObject({ message: expect.stringMatching(/netlink/) });
    await fib.close();
  });

  it('ignores answers to sequence numbers it did not send', async () => {
    const shim = new FakeShim('stale');
    const fib = await NetlinkFib.open({ shim });
    expect(codes(await fib.apply([route(1, 192), route(2), route(3, 192)]))).toEqual(['ENETUNREACH', 'ok', 'ENETUNREACH']);
    await fib.close();
  });
});
