// explain(prefix): every candidate path of a prefix, ranked, with the path it lost to and the
// step of the decision process that decided (what `wren routes --why` shows).

import type { Explanation } from './rib-types.js';
import { infoOf, pathIdOf, toPath, type PathRef } from './path.js';
import { multipathSet, rankPaths, type SelectionOptions } from './select.js';

export function explainPaths(refs: readonly PathRef[], prefix: string, nextHops: readonly string[], o: SelectionOptions): Explanation {
  const ranked = rankPaths(refs, o);
  const multipath = new Set(ranked.length > 0 ? multipathSet(refs, ranked[0]!.index, o) : []);
  return {
    prefix,
    nextHops,
    candidates: ranked.map((r) => {
      const winner = r.lostTo >= 0 ? refs[r.lostTo]! : null;
      return {
        path: toPath(refs[r.index]!, prefix),
        rank: r.rank,
        best: r.rank === 0,
        multipath: multipath.has(r.index),
        lostTo: winner ? { peerId: infoOf(winner).source.id, pathId: pathIdOf(winner) } : null,
        reason: r.reason,
      };
    }),
  };
}
