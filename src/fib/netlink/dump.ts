// A dump (NLM_F_DUMP): parts of NLM_F_MULTI messages, then NLMSG_DONE. "NLM_F_DUMP_INTR: Dump was
// inconsistent due to sequence change" (netlink.h): the table changed while it was read, so an
// interrupted dump is read again (a few times, then it is an error).

import { ByteWriter } from './bytes.js';
import { NLM_F_DUMP_INTR } from './constants.js';
import { errnoText } from './errors.js';
import type { NetlinkMessage } from './message.js';
import type { NetlinkSocket } from './socket.js';

const ATTEMPTS = 3;

export interface DumpOptions {
  /** An error that means "nothing to dump" (IPv4: a table that does not exist yet is ENOENT). */
  readonly emptyOn?: (errno: number) => boolean;
}

/** Runs the dump `write` asks for and returns what `take` makes of each message (null: skip it). */
export async function dump<T>(socket: NetlinkSocket, what: string, write: (w: ByteWriter, seq: number) => void, take: (m: NetlinkMessage) => T | null, options: DumpOptions = {}): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    const seq = socket.nextSeq();
    const w = new ByteWriter(64);
    write(w, seq);
    const items: T[] = [];
    let interrupted = false;
    let failure: string | null = null;
    const result = await socket.transact(w.finish(), (m) => {
      if (m.header.seq !== seq) return false;
      if ((m.header.flags & NLM_F_DUMP_INTR) !== 0) interrupted = true;
      if (m.kind === 'done' || m.kind === 'error') {
        if (m.errno === 0) return true;
        if (options.emptyOn?.(m.errno)) items.length = 0;
        else failure = m.text ?? errnoText(m.errno);
        return true;
      }
      const item = take(m);
      if (item !== null) items.push(item);
      return false;
    });
    if (failure !== null) throw new Error(`netlink ${what} dump: ${failure}`);
    if (!result.complete) throw new Error(`netlink ${what} dump: ${result.failure ?? 'incomplete'}`);
    if (!interrupted) return items;
    if (attempt === ATTEMPTS) throw new Error(`netlink ${what} dump: interrupted by changes ${ATTEMPTS} times`);
  }
}
