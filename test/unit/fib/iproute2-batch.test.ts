// The `ip -batch` protocol without root: a stand-in `ip` in sh that answers like the real one
// (a message, then "Command failed -:N" on stderr for a failed line; nothing for a good one).
import { describe, expect, it } from 'vitest';
import { Iproute2Fib } from '../../../src/fib/index.js';
import { IpBatchProcess, SYNC_LINE } from '../../../src/fib/iproute2-batch.js';

const FAKE_IP = `
n=0
while IFS= read -r line; do
  n=$((n+1))
  case "$line" in
    *die*) echo "Error: argument is wrong" >&2; exit 255;;
    *fail*) echo "RTNETLINK answers: No such process" >&2; echo "Command failed -:$n" >&2;;
    ${SYNC_LINE}) echo 'Object "${SYNC_LINE}" is unknown, try "ip help".' >&2; echo "Command failed -:$n" >&2;;
  esac
done
`;

const fake = (): IpBatchProcess => new IpBatchProcess('sh', ['-c', FAKE_IP]);

describe('IpBatchProcess', () => {
  it('maps each failure to its line, across overlapping batches', async () => {
    const p = fake();
    const a = p.run(['ok', 'fail', 'ok', 'fail']);
    const b = p.run(['fail', 'ok']);
    const c = p.run([]);
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect([...ra.failures.keys()]).toEqual([1, 3]);
    expect(ra.failures.get(1)).toBe('RTNETLINK answers: No such process');
    expect(ra.unknownFrom).toBeNull();
    expect([...rb.failures.keys()]).toEqual([0]);
    expect(rc.failures.size).toBe(0);
    await p.close();
  });

  it('replaces the process between batches once it has run enough lines (ip -batch leaks per line)', async () => {
    const p = new IpBatchProcess('sh', ['-c', FAKE_IP], 5);
    const r1 = await p.run(['ok', 'fail', 'ok']);
    const r2 = await p.run(['ok', 'ok', 'fail']); // 4 lines + sync so far: still the first process
    expect(p.spawned).toBe(1);
    const r3 = await p.run(['fail', 'ok']); // over 5: a new process, numbering from 1 again
    expect(p.spawned).toBe(2);
    expect([...r1.failures.keys()]).toEqual([1]);
    expect([...r2.failures.keys()]).toEqual([2]);
    expect([...r3.failures.keys()]).toEqual([0]);
    expect(r3.unknownFrom).toBeNull();
    await p.close();
  });

  it('handles batches larger than one write', async () => {
    const p = fake();
    const lines = Array.from({ length: 10_000 }, (_, i) => (i % 1000 === 999 ? 'fail' : 'ok'));
    const r = await p.run(lines);
    expect([...r.failures.keys()]).toEqual(Array.from({ length: 10 }, (_, k) => k * 1000 + 999));
    await p.close();
  });

  it('reports the lines after the last answer as unknown when the process dies, then starts anew', async () => {
    const p = fake();
    const r = await p.run(['ok', 'fail', 'ok', 'die', 'ok']);
    expect([...r.failures.keys()]).toEqual([1]);
    expect(r.unknownFrom).toBe(2);
    expect(r.stopped).toMatch(/code 255.*argument is wrong/);
    const again = await p.run(['fail']);
    expect([...again.failures.keys()]).toEqual([0]);
    expect(again.unknownFrom).toBeNull();
    await p.close();
  });

  it('reports every line as unknown when the command cannot start', async () => {
    const p = new IpBatchProcess('/nonexistent/ip', ['-batch', '-']);
    const r = await p.run(['ok', 'ok']);
    expect(r.unknownFrom).toBe(0);
    expect(r.stopped).toMatch(/ENOENT/);
    await p.close();
  });
});

describe('Iproute2Fib without ip', () => {
  it('fails each route with EIO, checks first (EINVAL), and open() says why', async () => {
    const fib = new Iproute2Fib({ ip: '/nonexistent/ip' });
    const r = await fib.apply([
      { op: 'replace', route: { prefix: '10.0.0.0/8', nextHops: [{ address: '192.0.2.1' }] } },
      { op: 'replace', route: { prefix: '10.0.0.1/8', nextHops: [{ address: '192.0.2.1' }] } },
    ]);
    expect(r.outcomes.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['EIO', 'EINVAL']);
    expect(r.failed).toBe(2);
    await fib.close();
    await expect(Iproute2Fib.open({ ip: '/nonexistent/ip' })).rejects.toThrow(/ENOENT/);
  });
});
