// Bounds-safe reads for the capture decoders: out-of-range bytes read as 0. Callers check lengths
// first; this is the net, so a missed check degrades to garbage, never to an exception.

export const u8 = (d: Uint8Array, i: number): number => d[i] ?? 0;
export const u16 = (d: Uint8Array, i: number): number => (u8(d, i) << 8) | u8(d, i + 1);
export const u32 = (d: Uint8Array, i: number): number => u16(d, i) * 0x10000 + u16(d, i + 2);
/** u16 in the byte order of the capturing host (`le`: little-endian). */
export const u16x = (d: Uint8Array, i: number, le: boolean): number =>
  le ? u8(d, i) | (u8(d, i + 1) << 8) : u16(d, i);
/** u32 in the byte order of the capturing host (`le`: little-endian). */
export const u32x = (d: Uint8Array, i: number, le: boolean): number =>
  le ? u16x(d, i, true) + u16x(d, i + 2, true) * 0x10000 : u32(d, i);
