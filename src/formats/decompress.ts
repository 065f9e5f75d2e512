// Whole-buffer decompression for capture/dump files (MRT archives come as .gz or .bz2).
//
// The contract is "salvage, never throw": archives in the wild are often cut short (partial
// downloads, the pyasn "_firstMB" samples) and a reader wants every record that survived. So a
// damaged stream yields the bytes decoded before the damage plus truncated=true and a message.

import { createRequire } from 'node:module';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';

export type CompressionFormat = 'plain' | 'gzip' | 'bzip2';

export interface DecompressResult {
  data: Uint8Array;
  format: CompressionFormat;
  /** True when the stream ended early or was corrupt; data then holds what was decodable. */
  truncated: boolean;
  error?: string;
}

/** Detects gzip (1f 8b) or bzip2 ("BZh" + level digit) by magic bytes; anything else is plain. */
export function detectCompression(bytes: Uint8Array): CompressionFormat {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (isBzip2Magic(bytes, 0)) return 'bzip2';
  return 'plain';
}

/**
 * Decompresses a whole .gz (any number of members) or .bz2 (any number of streams) file, or
 * returns `bytes` itself, uncopied, when it is neither. Never throws: damage is reported through
 * `truncated` and `error`, with `data` holding everything decodable before it.
 */
export function decompress(bytes: Uint8Array): DecompressResult {
  switch (detectCompression(bytes)) {
    case 'gzip':
      return gunzipSalvage(bytes);
    case 'bzip2':
      return bunzip2Salvage(bytes);
    default:
      return { data: bytes, format: 'plain', truncated: false };
  }
}

// ---------------------------------------------------------------------------------------------
// gzip (RFC 1952). Node's gunzip already walks concatenated members.

function gunzipSalvage(bytes: Uint8Array): DecompressResult {
  try {
    return { data: asBytes(gunzipSync(bytes)), format: 'gzip', truncated: false };
  } catch (err) {
    const message = errorMessage(err);
    // Cut short: Z_SYNC_FLUSH makes zlib hand back what it has instead of failing on the
    // missing end of stream.
    const partial = tryGunzip(bytes, bytes.length);
    if (partial) return { data: partial, format: 'gzip', truncated: true, error: `gzip: ${message}` };
    // Corrupt somewhere in the middle (or trailing garbage after the last member). A prefix
    // that stops before the damage decodes cleanly with a sync flush, and longer clean
    // prefixes never give less output, so binary-search the longest clean prefix.
    let good = 0;
    let bad = bytes.length;
    let best: Uint8Array = new Uint8Array(0);
    while (bad - good > 1) {
      const mid = good + Math.floor((bad - good) / 2);
      const out = tryGunzip(bytes, mid);
      if (out) {
        good = mid;
        best = out;
      } else {
        bad = mid;
      }
    }
    return { data: best, format: 'gzip', truncated: true, error: `gzip: ${message} (input damaged at or before byte ${bad - 1})` };
  }
}

function tryGunzip(bytes: Uint8Array, length: number): Uint8Array | null {
  try {
    return asBytes(gunzipSync(bytes.subarray(0, length), { finishFlush: zlibConstants.Z_SYNC_FLUSH }));
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// bzip2, via seek-bzip's block decoder.
//
// seek-bzip's one-shot decode() throws away everything on the first error, and on a short input
// it keeps reading `undefined` as zero bits. Its Bunzip object does expose the per-block steps
// (_init_block reads and Huffman-decodes one block, _read_bunzip undoes the BWT into the output
// stream and checks the block CRC), so we drive those ourselves: output is committed block by
// block, only after that block's CRC matched, and running off the end of the input throws a
// sentinel at once instead of decoding garbage.
//
// Known limit: seek-bzip keeps the RUNA/RUNB run length in an int32 that a crafted block (a run
// of exactly 32 run symbols) can overflow to a negative count, after which its fill loop never
// ends. Accidental damage essentially never produces that; hostile .bz2 input should be
// decompressed somewhere it can be timed out.

interface ByteSource {
  readByte(): number;
  read(buffer: Uint8Array, offset: number, length: number): number;
  seek(pos: number): void;
  eof(): boolean;
}

interface ByteSink {
  writeByte(byte: number): void;
}

interface BunzipState {
  _init_block(): boolean;
  _read_bunzip(): number;
  reader: { read(bits: number): number };
  streamCRC: number;
}

type BunzipConstructor = new (input: ByteSource, output: ByteSink) => BunzipState;

// seek-bzip is CommonJS without type declarations; load it through require and describe the
// few members we use above.
const Bunzip = createRequire(import.meta.url)('seek-bzip') as BunzipConstructor;

/** Thrown by the input adapter when the decoder asks for a byte past the end of the input. */
class InputExhausted extends Error {}

class InputAdapter implements ByteSource {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  readByte(): number {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new InputExhausted('unexpected end of input');
    this.pos++;
    return b;
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    for (let i = 0; i < length; i++) buffer[offset + i] = this.readByte();
    return length;
  }

  seek(pos: number): void {
    this.pos = pos;
  }

  eof(): boolean {
    return this.pos >= this.bytes.length;
  }
}

class GrowableOutput implements ByteSink {
  buf: Uint8Array;
  length = 0;
  constructor(initial: number) {
    this.buf = new Uint8Array(Math.max(initial, 1024));
  }

  writeByte(byte: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = byte;
  }
}

function bunzip2Salvage(bytes: Uint8Array): DecompressResult {
  const input = new InputAdapter(bytes);
  // bzip2 typically compresses MRT 4-10x; start there and let the sink grow.
  const output = new GrowableOutput(bytes.length * 6);
  let committed = 0;
  let error: string | undefined;
  let truncated = false;
  try {
    // Each pass decodes one stream; `bzip2 a b > c` style files hold several back to back,
    // each starting on a byte boundary with its own "BZh" header.
    for (;;) {
      const bz = new Bunzip(input, output);
      while (bz._init_block()) {
        bz._read_bunzip();
        committed = output.length;
      }
      const storedCrc = bz.reader.read(32) >>> 0;
      if (storedCrc !== bz.streamCRC >>> 0) {
        // Every block passed its own CRC, so the data is right; the trailer is not.
        truncated = true;
        error = 'bzip2: stream CRC mismatch (all blocks verified individually)';
      }
      if (input.eof()) break;
      if (!isBzip2Magic(bytes, input.pos)) {
        error ??= `bzip2: ${bytes.length - input.pos} bytes of trailing garbage ignored`;
        break;
      }
    }
  } catch (err) {
    truncated = true;
    error = err instanceof InputExhausted ? 'bzip2: stream truncated (unexpected end of input)' : `bzip2: ${errorMessage(err)}`;
  }
  const result: DecompressResult = { data: output.buf.subarray(0, committed), format: 'bzip2', truncated };
  if (error !== undefined) result.error = error;
  return result;
}

function isBzip2Magic(bytes: Uint8Array, at: number): boolean {
  const level = bytes[at + 3];
  return bytes[at] === 0x42 && bytes[at + 1] === 0x5a && bytes[at + 2] === 0x68 && level !== undefined && level >= 0x31 && level <= 0x39;
}

// ---------------------------------------------------------------------------------------------

/** Views a Node Buffer as a plain Uint8Array without copying. */
function asBytes(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
