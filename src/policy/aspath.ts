// The AS path a policy reads and writes: AS_PATH, with AS4_PATH merged in when the route came
// from a two-octet speaker (RFC 6793 s4.2.3), its text for regular expressions, and prepending.

import { AS_TRANS, asPathLength, formatAsPath, mergeAs4Path, type AsPathSegment, type PathAttribute } from '../wire/index.js';
import type { AsPathRegex } from './aspath-nfa.js';

const EMPTY: readonly AsPathSegment[] = Object.freeze([]);

function hasAsTrans(segments: readonly AsPathSegment[]): boolean {
  for (const s of segments) if (s.asns.includes(AS_TRANS)) return true;
  return false;
}

/**
 * The path the route really took. The policy does not know the session's ASN size; an AS4_PATH
 * only means something beside an AS_PATH holding AS_TRANS, so only then is it merged.
 */
export function effectivePath(attrs: readonly PathAttribute[]): readonly AsPathSegment[] {
  let path: readonly AsPathSegment[] = EMPTY;
  let as4: readonly AsPathSegment[] | undefined;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a.type === 'as-path') path = a.segments;
    else if (a.type === 'as4-path') as4 = a.segments;
  }
  return as4 && hasAsTrans(path) ? mergeAs4Path(path, as4) : path;
}

export function pathLength(attrs: readonly PathAttribute[]): number {
  return asPathLength(effectivePath(attrs));
}

/** Verdicts remembered per matcher; the table is emptied when full (a crude, O(1) bound). */
const SEEN_MAX = 4096;

/**
 * Regular expressions over the path text (any of them), with verdicts remembered per segments
 * array. With the codec's attribute interning one array stands for every route with the same
 * AS_PATH bytes, so popular paths are neither formatted nor run again. (A WeakMap measured
 * slower: its entries cost the garbage collector on every cycle.)
 */
export class AsPathMatcher {
  private seen = new Map<readonly AsPathSegment[], boolean>();
  constructor(private readonly patterns: readonly AsPathRegex[]) {}

  matches(attrs: readonly PathAttribute[]): boolean {
    const segments = effectivePath(attrs);
    const known = this.seen.get(segments);
    if (known !== undefined) return known;
    const text = formatAsPath(segments);
    let result = false;
    for (const p of this.patterns) {
      if (p.test(text)) {
        result = true;
        break;
      }
    }
    if (this.seen.size >= SEEN_MAX) this.seen = new Map();
    this.seen.set(segments, result);
    return result;
  }
}

/**
 * RFC 4271 s5.1.2: prepending adds to the leading AS_SEQUENCE, or starts a new one when the path
 * begins with something else or the segment would pass 255 ASNs.
 */
export function prependPath(segments: readonly AsPathSegment[], asn: number, count: number): AsPathSegment[] {
  const first = segments[0];
  const merge = first !== undefined && first.type === 2 && first.asns.length + count <= 255;
  const tail = merge ? first.asns : [];
  const asns = new Array<number>(count + tail.length);
  for (let i = 0; i < count; i++) asns[i] = asn;
  for (let i = 0; i < tail.length; i++) asns[count + i] = tail[i]!;
  const out: AsPathSegment[] = [{ type: 2, asns }];
  for (let i = merge ? 1 : 0; i < segments.length; i++) out.push(segments[i]!);
  return out;
}
