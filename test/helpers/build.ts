// Hand-built messages for error tests: hex in, whole message out.
import { fromHex } from '../../src/wire/bytes.js';

export function message(type: number, bodyHex: string, lengthOverride?: number): Uint8Array {
  const body = fromHex(bodyHex);
  const out = new Uint8Array(19 + body.length);
  out.fill(0xff, 0, 16);
  const len = lengthOverride ?? out.length;
  out[16] = len >> 8;
  out[17] = len & 255;
  out[18] = type;
  out.set(body, 19);
  return out;
}

const hex2 = (n: number) => n.toString(16).padStart(4, '0');

/** UPDATE from hex parts: withdrawn routes, path attributes, NLRI. */
export function update(attrsHex: string, nlriHex = '', withdrawnHex = ''): Uint8Array {
  const w = withdrawnHex.replace(/\s/g, '');
  const a = attrsHex.replace(/\s/g, '');
  return message(2, `${hex2(w.length / 2)}${w}${hex2(a.length / 2)}${a}${nlriHex.replace(/\s/g, '')}`);
}

/** A valid attribute set: ORIGIN IGP, AS_PATH [65001] (4-octet), NEXT_HOP 192.0.2.1. */
export const ORIGIN = '40010100';
export const AS_PATH = '4002060201 0000fde9';
export const NEXT_HOP = '400304c0000201';
export const BASE = `${ORIGIN}${AS_PATH}${NEXT_HOP}`;
/** 10.0.0.0/24 */
export const NLRI = '180a0000';
