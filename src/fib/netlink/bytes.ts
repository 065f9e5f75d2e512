// Byte access for rtnetlink. Netlink headers and attribute values are in host byte order (unlike
// BGP), addresses in network order. The host order is tested once, not assumed: Wren runs on
// x86_64 and arm64 (little-endian), but s390x and some ppc64 hosts are big-endian.

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A growing buffer of netlink messages: requests for one sendmsg(). */
export class ByteWriter {
  bytes: Uint8Array;
  dv: DataView;
  length = 0;

  constructor(initial = 4096) {
    this.bytes = new Uint8Array(initial);
    this.dv = view(this.bytes);
  }

  /** Makes room for n more bytes (zeroed). */
  reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < at + n) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bytes.subarray(0, at));
      this.bytes = grown;
      this.dv = view(grown);
    }
    this.length = at + n;
    return at;
  }

  u8(at: number, v: number): void {
    this.dv.setUint8(at, v);
  }

  u16(at: number, v: number): void {
    this.dv.setUint16(at, v, HOST_LITTLE_ENDIAN);
  }

  getU16(at: number): number {
    return this.dv.getUint16(at, HOST_LITTLE_ENDIAN);
  }

  u32(at: number, v: number): void {
    this.dv.setUint32(at, v >>> 0, HOST_LITTLE_ENDIAN);
  }

  i32(at: number, v: number): void {
    this.dv.setInt32(at, v, HOST_LITTLE_ENDIAN);
  }

  set(at: number, data: Uint8Array): void {
    this.bytes.set(data, at);
  }

  /** Drops what was written from `at` on. */
  truncate(at: number): void {
    this.bytes.fill(0, at, this.length);
    this.length = at;
  }

  /** The messages written so far (a view: copy it before reset() if it must outlive the writer). */
  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  reset(): void {
    this.bytes.fill(0, 0, this.length);
    this.length = 0;
  }
}
