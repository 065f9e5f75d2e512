// The shape every path attribute codec has. One table row per attribute, as in BIRD's attrs.c:
// code, expected flags, what RFC 7606 does when it is malformed, and decode / encode.

import type { ErrorAction } from '../errors.js';
import type { CodecContext, PathAttribute } from '../types.js';

/** Why a value could not be decoded; the UPDATE decoder turns it into a BgpError. */
export interface AttrProblem {
  readonly subcode: number;
  readonly detail: string;
}

export interface AttrCodec<A extends PathAttribute = PathAttribute> {
  readonly code: number;
  readonly type: A['type'];
  /** Expected OPTIONAL and TRANSITIVE bits (RFC 4271 s5); the other bits are not checked. */
  readonly flags: number;
  /** RFC 7606 s7 handling when the attribute is malformed. */
  readonly onError: ErrorAction;
  /**
   * Decodes the value b[start, end); returns an AttrProblem when it is malformed. Offsets rather
   * than a subarray: a view object per attribute costs more than decoding most attributes.
   */
  decode(b: Uint8Array, start: number, end: number, flags: number, ctx: CodecContext): A | AttrProblem;
  /** Length of the value encode() writes. */
  valueLength(a: A, ctx: CodecContext): number;
  /** Writes the value at b[o] and returns the offset after it. */
  encode(a: A, b: Uint8Array, o: number, ctx: CodecContext): number;
}

export function isProblem(x: PathAttribute | AttrProblem): x is AttrProblem {
  return (x as AttrProblem).subcode !== undefined;
}

export function problem(subcode: number, detail: string): AttrProblem {
  return { subcode, detail };
}
