// A progress bar for long CLI work (`wren decode` of large files), on stderr, only for a person
// watching a terminal: in a pipe, under CI, with --no-progress or WREN_NO_PROGRESS it is a no-op,
// so logs and redirected output never fill with carriage returns.

/** What the bar is drawn on: process.stderr, or a fake in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(s: string): unknown;
}

export interface ProgressOptions {
  /** Bytes of the whole job. */
  readonly total: number;
  /** Shown in front of the bar: the file name. */
  readonly label: string;
  /** Default: process.stderr. */
  readonly stream?: ProgressStream;
  /** false: never draw (--no-progress). */
  readonly enabled?: boolean;
  /** Default: process.env (WREN_NO_PROGRESS, CI). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds, any origin. Default: performance.now. */
  readonly now?: () => number;
}

export interface Progress {
  /** Work done so far: bytes (of `total`) and records. Draws at most every REDRAW_MS. */
  update(bytes: number, records: number): void;
  /** Erases the bar, so a line written to the same terminal does not run into it; the next update redraws. */
  clear(): void;
  /** Erases the bar for good. */
  done(): void;
}

/** About ten redraws a second: smooth to the eye, and cheap next to decoding. */
export const REDRAW_MS = 100;
const ERASE = '\r\x1b[K';

const NULL_PROGRESS: Progress = { update() {}, clear() {}, done() {} };

/** A set variable means yes, except the spellings of no ("", "0", "false"). */
const flag = (v: string | undefined): boolean => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';

export function progressWanted(stream: ProgressStream, enabled = true, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return enabled && stream.isTTY === true && !flag(env.WREN_NO_PROGRESS) && !flag(env.CI);
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (!progressWanted(stream, options.enabled, options.env)) return NULL_PROGRESS;
  const now = options.now ?? (() => performance.now());
  const started = now();
  // The first draw waits one period too, so a job that is over in a blink never flashes a bar.
  let lastDraw = started;
  let shown = false;
  let finished = false;
  const clear = () => {
    if (!shown) return;
    shown = false;
    stream.write(ERASE);
  };
  return {
    update(bytes, records) {
      if (finished) return;
      const t = now();
      if (t - lastDraw < REDRAW_MS) return;
      lastDraw = t;
      shown = true;
      stream.write(ERASE + progressLine({ label: options.label, total: options.total, bytes, records, elapsedMs: t - started, columns: stream.columns ?? 80 }));
    },
    clear,
    done() {
      clear();
      finished = true;
    },
  };
}

export interface ProgressSnapshot {
  readonly label: string;
  readonly total: number;
  readonly bytes: number;
  readonly records: number;
  readonly elapsedMs: number;
  readonly columns: number;
}

/**
 * "updates.gz  42% [#####-------]  12.6/30.0 MB  8.4 MB/s  52.1k rec/s  ETA 0:02", fitted to
 * `columns` (one short of it: writing the last column makes some terminals wrap): the bar is
 * shortened first, then the label, then the bar goes, then the rates are cut.
 */
export function progressLine(s: ProgressSnapshot): string {
  const fraction = s.total > 0 ? Math.min(1, Math.max(0, s.bytes / s.total)) : 0;
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? s.bytes / seconds : 0;
  const eta = rate > 0 && s.total >= s.bytes ? formatDuration((s.total - s.bytes) / rate) : '--:--';
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  // Numbers padded to a steady width, so the bar does not jump when one gains a digit.
  const totalText = formatBytes(s.total, s.total, false);
  const amounts = `${formatBytes(s.bytes, s.total, false).padStart(totalText.length)}/${totalText} ${formatBytes(s.total, s.total).split(' ')[1]}`;
  const rates = `${formatBytes(rate, rate).padStart(8)}/s  ${formatCount(seconds > 0 ? s.records / seconds : 0).padStart(5)} rec/s`;
  const tail = `${amounts}  ${rates}  ETA ${eta}`;
  const width = Math.max(0, s.columns - 1);
  // Everything but the label and the bar: two gaps of two spaces.
  const base = pct.length + tail.length + 4;
  // The file name matters more than a long bar: up to 30 cells of bar next to the whole label
  // (up to 32 characters of it), else 8 cells next to at least 12 of the label, else no bar.
  const wide = Math.min(30, width - base - 3 - Math.min(s.label.length, 32));
  const barWidth = wide >= 8 ? wide : Math.min(8, width - base - 3 - 12);
  const bar = barWidth >= 8 ? ` [${'#'.repeat(Math.round(fraction * barWidth)).padEnd(barWidth, '-')}]` : '';
  const room = width - base - bar.length;
  if (room >= 8) return `${fit(s.label, room)}  ${pct}${bar}  ${tail}`;
  return `${pct}  ${tail}`.slice(0, width);
}

function fit(label: string, room: number): string {
  return label.length <= room ? label : `…${label.slice(label.length - room + 1)}`;
}

/** Decimal units, picked by `scale`, so that "12.6/30.0 MB" share one; `unit` false leaves it off. */
export function formatBytes(n: number, scale: number, unit = true): string {
  const units: [number, string][] = [
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, name] of units) if (scale >= size) return unit ? `${(n / size).toFixed(1)} ${name}` : (n / size).toFixed(1);
  return unit ? `${Math.round(n)} B` : `${Math.round(n)}`;
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}

/** m:ss, or h:mm:ss past an hour. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
