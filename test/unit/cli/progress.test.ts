// The progress bar: drawn only for a person at a terminal, throttled, fitted, and erased after.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDecode } from '../../../src/cli/decode.js';
import { openBgpFile } from '../../../src/formats/bgp-reader.js';
import { createProgress, formatBytes, formatDuration, progressLine, progressWanted, REDRAW_MS, type ProgressStream } from '../../../src/cli/progress.js';

function fakeTty(over: Partial<ProgressStream> = {}) {
  const writes: string[] = [];
  const stream: ProgressStream = { isTTY: true, columns: 100, write: (s: string) => writes.push(s), ...over };
  let t = 0;
  const clock = { now: () => t, tick: (ms: number) => (t += ms) };
  return { stream, writes, clock };
}

describe('createProgress', () => {
  it('draws at most every REDRAW_MS, never in the first one, and erases its line when done', () => {
    const { stream, writes, clock } = fakeTty();
    const bar = createProgress({ total: 10e6, label: 'big.mrt', stream, env: {}, now: clock.now });
    bar.update(1e6, 100); // t=0: too soon, a short job shows nothing
    clock.tick(50);
    bar.update(2e6, 200);
    expect(writes).toEqual([]);
    clock.tick(50);
    bar.update(2.5e6, 250); // t=100: first draw
    clock.tick(30);
    bar.update(3e6, 300); // throttled
    clock.tick(70);
    bar.update(5e6, 500); // t=200: second draw
    expect(writes).toHaveLength(2);
    expect(writes[0]).toBe('\r\x1b[Kbig.mrt   25% [########----------------------]   2.5/10.0 MB   25.0 MB/s   2500 rec/s  ETA 0:00');
    expect(writes[1]).toBe('\r\x1b[Kbig.mrt   50% [###############---------------]   5.0/10.0 MB   25.0 MB/s   2500 rec/s  ETA 0:00');
    bar.done();
    expect(writes[2]).toBe('\r\x1b[K');
    clock.tick(1000);
    bar.update(6e6, 600);
    bar.done();
    expect(writes).toHaveLength(3);
  });

  it('clear() erases a drawn bar so another line can be written; the next update redraws', () => {
    const { stream, writes, clock } = fakeTty();
    const bar = createProgress({ total: 100, label: 'x', stream, env: {}, now: clock.now });
    bar.clear();
    expect(writes).toEqual([]); // nothing drawn, nothing to erase
    clock.tick(REDRAW_MS);
    bar.update(10, 1);
    bar.clear();
    bar.clear();
    expect(writes.slice(1)).toEqual(['\r\x1b[K']);
    clock.tick(REDRAW_MS);
    bar.update(20, 2);
    expect(writes).toHaveLength(3);
    bar.done();
  });

  it.each([
    ['a pipe', { stream: { isTTY: false } }],
    ['a stream without isTTY', { stream: { isTTY: undefined } }],
    ['--no-progress', { enabled: false }],
    ['WREN_NO_PROGRESS=1', { env: { WREN_NO_PROGRESS: '1' } }],
    ['CI=true', { env: { CI: 'true' } }],
  ])('stays quiet in %s', (_name, over: { stream?: Partial<ProgressStream>; enabled?: boolean; env?: Record<string, string> }) => {
    const { stream, writes, clock } = fakeTty(over.stream);
    const bar = createProgress({ total: 100, label: 'x', stream, env: over.env ?? {}, ...(over.enabled === undefined ? {} : { enabled: over.enabled }), now: clock.now });
    for (let i = 0; i < 10; i++) {
      clock.tick(REDRAW_MS);
      bar.update(i * 10, i);
    }
    bar.clear();
    bar.done();
    expect(writes).toEqual([]);
  });

  it('reads the spellings of no in the environment as unset', () => {
    const tty = { isTTY: true, write: () => true };
    expect(progressWanted(tty, true, { CI: 'false', WREN_NO_PROGRESS: '' })).toBe(true);
    expect(progressWanted(tty, true, { CI: '0' })).toBe(true);
    expect(progressWanted(tty, true, { WREN_NO_PROGRESS: 'yes' })).toBe(false);
  });
});

describe('progressLine', () => {
  const snap = { label: 'updates.20150101.gz', total: 30e6, bytes: 12.6e6, records: 78_150, elapsedMs: 1500 };

  it('shows percentage, bytes done of total, MB/s, records/s and ETA', () => {
    expect(progressLine({ ...snap, columns: 120 })).toBe('updates.20150101.gz   42% [#############-----------------]  12.6/30.0 MB    8.4 MB/s  52.1k rec/s  ETA 0:02');
  });

  it.each([200, 100, 80, 60, 40, 10, 0])('fits %i columns (one to spare)', (columns) => {
    const line = progressLine({ ...snap, columns });
    expect(line.length).toBeLessThanOrEqual(Math.max(0, columns - 1));
  });

  it('shortens the bar, then the label (from the left), and drops the bar before the numbers', () => {
    expect(progressLine({ ...snap, label: `/very/long/directory/name/${snap.label}`, columns: 80 })).toBe('….20150101.gz   42% [###-----]  12.6/30.0 MB    8.4 MB/s  52.1k rec/s  ETA 0:02');
    expect(progressLine({ ...snap, columns: 60 })).toBe(' 42%  12.6/30.0 MB    8.4 MB/s  52.1k rec/s  ETA 0:02');
  });

  it('has no ETA before any rate is known', () => {
    expect(progressLine({ ...snap, bytes: 0, records: 0, elapsedMs: 0, columns: 120 })).toContain('ETA --:--');
  });

  it('formats sizes and durations', () => {
    expect([formatBytes(999, 999), formatBytes(1500, 1500), formatBytes(2.5e9, 2.5e9), formatBytes(5e5, 2e6, false)]).toEqual(['999 B', '1.5 kB', '2.5 GB', '0.5']);
    expect([formatDuration(0), formatDuration(61), formatDuration(3600 + 62), formatDuration(-5)]).toEqual(['0:00', '1:01', '1:01:02', '0:00']);
  });
});

describe('wren decode with a progress bar', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const mrt = join(root, 'pcap-fixtures/bgpdump/test_data/updates.20100722.2015.gz');
  const capture = join(root, 'pcap-fixtures/traffic-reproducer/examples/pcap_processing/bgp-multi-sources.pcap');

  /** A terminal whose clock moves 40 ms per reading, so the bar redraws every few updates. */
  function terminal(log: string[]) {
    let t = 0;
    return { stream: { isTTY: true, columns: 100, write: (s: string) => log.push(`bar:${s}`) }, env: {}, now: () => (t += 40) };
  }

  it.each([
    ['an MRT file', mrt],
    ['a capture', capture],
  ])('draws on a terminal for %s, erases it at the end, and leaves the output alone', async (_name, file) => {
    const plain: string[] = [];
    await runDecode([file], {}, (s) => plain.push(s), () => {});
    const log: string[] = [];
    const status = await runDecode([file], {}, (s) => log.push(`out:${s}`), (s) => log.push(`err:${s}`), terminal(log));
    expect(status).toBe(0);
    const bars = log.filter((l) => l.startsWith('bar:\r\x1b[K') && l.length > 8);
    expect(bars.length).toBeGreaterThan(1);
    const percents = bars.map((l) => Number(/ (\d+)% /.exec(l)?.[1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(bars.at(-1)).toContain(basename(file));
    // Erased before the remaining output, which is exactly what a pipe gets.
    const lastBar = log.findLastIndex((l) => l.startsWith('bar:'));
    expect(log[lastBar]).toBe('bar:\r\x1b[K');
    expect(log.filter((l) => l.startsWith('out:')).map((l) => l.slice(4))).toEqual(plain);
  });

  it('erases the bar before output to the same terminal', async () => {
    const log: string[] = [];
    await runDecode([mrt], {}, (s) => log.push(`out:${s}`), () => {}, { ...terminal(log), clearBeforeOutput: true });
    const erase = 'bar:\r\x1b[K';
    const beforeOutput = log.flatMap((l, i) => (l.startsWith('out:') && i > 0 ? [log[i - 1]!] : []));
    expect(beforeOutput.every((l) => l.startsWith('out:') || l === erase)).toBe(true);
    expect(beforeOutput).toContain(erase);
  });

  it('draws nothing with --no-progress, or with no terminal given (the tests of decode.test.ts)', async () => {
    const log: string[] = [];
    await runDecode([mrt], { summary: true, progress: false }, () => {}, () => {}, terminal(log));
    expect(log).toEqual([]);
  });
});

describe('openBgpFile onPosition', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const fixtures = [
    'pcap-fixtures/bgpdump/test_data/updates.20100722.2015.gz',
    'pcap-fixtures/traffic-reproducer/examples/pcap_processing/bgp-multi-sources.pcap',
    'pcap-fixtures/tcpdump/tests/bgp-4byte-asn.pcap',
  ];

  it.each(fixtures)('goes forward only and ends at the end of the data: %s', (path) => {
    const bytes = readFileSync(join(root, path));
    const positions: number[] = [];
    const opened = openBgpFile(bytes, { onPosition: (p) => positions.push(p) });
    const records = [...opened.records];
    expect(records.length).toBe([...openBgpFile(bytes).records].length);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions.at(-1)).toBe(opened.data.length);
    expect(new Set(positions).size).toBeGreaterThan(2);
  });

  it('follows the lines of a hex file', () => {
    const text = `# keepalives\n${'ff'.repeat(16)}001304\n${'ff'.repeat(16)}001304\n`;
    const positions: number[] = [];
    const opened = openBgpFile(new TextEncoder().encode(text), { onPosition: (p) => positions.push(p) });
    expect([...opened.records]).toHaveLength(2);
    expect(positions).toEqual([0, 13, 52, 91, 91]);
  });
});
