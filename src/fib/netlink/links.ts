// Interface names <-> indexes, from an RTM_GETLINK dump. Routes name interfaces by index, FibNextHop
// by name; the table is read when first needed and again when a name or index is not in it (an
// interface created since), at most once per call of the FIB.

import { dump } from './dump.js';
import { writeLinkDump } from './requests.js';
import type { NetlinkSocket } from './socket.js';

export class LinkIndex {
  private byName = new Map<string, number>();
  private byIndex = new Map<number, string>();

  constructor(private readonly socket: () => NetlinkSocket) {}

  get empty(): boolean {
    return this.byName.size === 0;
  }

  indexOf(name: string): number | undefined {
    return this.byName.get(name);
  }

  nameOf(index: number): string | undefined {
    return this.byIndex.get(index);
  }

  /** Reads the table again when it lacks a name or an index asked for. */
  async ensure(names: Iterable<string> = [], indexes: Iterable<number> = []): Promise<void> {
    const unknownName = [...names].some((n) => !this.byName.has(n));
    const unknownIndex = [...indexes].some((i) => !this.byIndex.has(i));
    if (unknownName || unknownIndex) await this.refresh();
  }

  async refresh(): Promise<void> {
    const links = await dump(this.socket(), 'link', writeLinkDump, (m) => (m.kind === 'link' && m.link.name !== undefined ? { name: m.link.name, index: m.link.index } : null));
    this.byName = new Map(links.map((l) => [l.name, l.index]));
    this.byIndex = new Map(links.map((l) => [l.index, l.name]));
  }
}
