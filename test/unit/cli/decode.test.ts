// `wren decode` end to end: the in-process command and, once, the real built binary.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDecode } from '../../../src/cli/decode.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = (p: string) => join(root, 'pcap-fixtures', p);

async function run(files: string[], opts: Parameters<typeof runDecode>[1] = {}) {
  let out = '';
  let err = '';
  const status = await runDecode(files, opts, (s) => (out += s), (s) => (err += s));
  return { status, out, err, lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('wren decode', () => {
  it('writes one JSON object per message of a capture, with flow and frame', async () => {
    const { status, lines } = await run([fixture('packetlife-backup/pcaps/bgp-add-path.cap')]);
    expect(status).toBe(0);
    const types = lines.map((l) => (l.message as { type: string }).type);
    expect(types.filter((t) => t === 'update')).toHaveLength(4);
    expect(types.filter((t) => t === 'route-refresh')).toHaveLength(2);
    const update = lines.find((l) => (l.message as { nlri?: unknown[] }).nlri?.length);
    // ADD-PATH was negotiated in the captured OPENs: prefixes carry path ids.
    expect((update!.message as { nlri: unknown[] }).nlri[0]).toMatchObject({ prefix: expect.stringMatching(/\/\d+$/), pathId: expect.any(Number) });
    expect(update).toMatchObject({ kind: 'message', frame: expect.any(Number), flow: { dstPort: expect.any(Number) } });
  });

  it('summarises a full-table MRT stream', async () => {
    const { status, out } = await run([fixture('bgpdump/test_data/updates.et-header.2015.gz')], { summary: true, json: true });
    expect(status).toBe(0);
    const s = JSON.parse(out) as { messages: Record<string, number>; families: Record<string, { announced: number; withdrawn: number }>; stateChanges: number; errors: number };
    expect(s.messages).toEqual({ KEEPALIVE: 2, OPEN: 1, UPDATE: 89_679 });
    expect(s.families['ipv4-unicast']).toMatchObject({ announced: 577_737, withdrawn: 3 });
    expect(s.stateChanges).toBe(4);
    expect(s.errors).toBe(0);
  });

  it('reports malformed messages with file, frame and offset, exits 3 and goes on', async () => {
    const file = fixture('tcpdump/tests/bgp-ub.pcap');
    const { status, err, lines } = await run([file]);
    expect(status).toBe(3);
    expect(err).toMatch(new RegExp(`${file}: frame 1, offset \\d+: UPDATE Message Error / `));
    const errors = lines.filter((l) => l.kind === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ file, frame: 1, error: { code: expect.any(Number), subcode: expect.any(Number), action: expect.any(String) } });
    // Decoding continued after the errors: well-formed messages of the same stream are there.
    expect(lines.some((l) => l.kind === 'message')).toBe(true);
  });

  it('reads hex, one message per line, and names the line of an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wren-'));
    const file = join(dir, 'msgs.hex');
    writeFileSync(file, `# a keepalive, then a bad one\n${'ff'.repeat(16)}001304\n${'ff'.repeat(16)}001409 00\n`);
    const { status, lines } = await run([file]);
    expect(status).toBe(3);
    expect(lines[0]).toMatchObject({ kind: 'message', line: 2, message: { type: 'keepalive' } });
    expect(lines[1]).toMatchObject({ kind: 'error', line: 3, error: { code: 1, subcode: 3, data: '09' } });
  });

  it('exits 1 for a file it cannot read', async () => {
    const { status, err } = await run(['/nonexistent/file.pcap']);
    expect(status).toBe(1);
    expect(err).toContain('/nonexistent/file.pcap');
  });

  it('the built binary runs (npm test builds first)', () => {
    const r = spawnSync(process.execPath, [join(root, 'dist/bin/wren.js'), 'decode', '--summary', fixture('tcpdump/tests/bgp-4byte-asn.pcap')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/UPDATE\s+10\n/);
    expect(r.stdout).toMatch(/errors\s+0\n/);
  });
});
