// What the capture reader produces (frames, TCP segments, issues), and the bookkeeping every
// decoding stage shares: how an issue is built, and where the bytes being decoded came from.

/**
 * One TCP segment as captured. `payload` is a view into the input buffer (no copy), except for a
 * segment reassembled from IP fragments, which is copied once.
 */
export interface CapturedPacket {
  kind: 'packet';
  /** 1-based frame number in the file (every packet record counts, decodable or not). */
  frame: number;
  /** Capture time in seconds since the epoch. */
  ts: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP flags byte (CWR ECE URG ACK PSH RST SYN FIN); see TcpFlags. */
  flags: number;
  payload: Uint8Array;
  /** Payload length the IP header announces; larger than payload.length when truncated. */
  wireLength: number;
  /** The capture holds only the first payload.length bytes of the segment (snaplen, cut file). */
  truncated: boolean;
  /** Reassembled from IP fragments: the frames that carried them (`frame` is the last one). */
  fragments?: number[];
}

export interface CaptureIssue {
  kind: 'issue';
  /** Frame the problem was found in; 0 for file structure outside any frame. */
  frame: number;
  /** Byte offset in the file where the problem was detected. */
  offset: number;
  message: string;
}

/** One packet record before link-layer decoding. `data` is a view into the input buffer. */
export interface CapturedFrame {
  kind: 'frame';
  frame: number;
  ts: number;
  linkType: number;
  /** Byte offset of `data` in the file. */
  offset: number;
  data: Uint8Array;
  /** Length of the frame on the wire (may exceed data.length when the snaplen cut it). */
  origLength: number;
}

export const TcpFlags = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

export const issue = (frame: number, offset: number, message: string): CaptureIssue => ({
  kind: 'issue',
  frame,
  offset,
  message,
});

/** Where the bytes being decoded come from: the packet they become, and offsets for issues. */
export interface Origin {
  frame: number;
  ts: number;
  /** File offset of byte 0 of the decoded buffer; undefined for a reassembled datagram. */
  base: number | undefined;
  /** File offset reported for problems inside a reassembled datagram (its last fragment). */
  anchor: number;
  /** What cut a segment shorter than its IP header says, for the issue text. */
  cut: string;
  /** Frames of the fragments a reassembled datagram came from. */
  fragments?: number[];
  /** An incomplete datagram: its segment is cut short even where the IP lengths do not show it. */
  incomplete?: boolean;
}

/** File offset of byte `at` of the decoded buffer, for issues. */
export const pos = (o: Origin, at: number): number => (o.base === undefined ? o.anchor : o.base + at);
