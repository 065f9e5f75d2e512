// Counts for `wren decode --summary`: messages per type, attributes, AFI/SAFI, prefixes, errors.
import { attrName, attributeCode, familyName, IPV4_UNICAST, type BgpMessage, type FamilyKey } from '../wire/index.js';
import type { BgpRecord, FileFormat } from './bgp-reader.js';

interface FamilyCount {
  messages: number;
  announced: number;
  withdrawn: number;
}

const TYPE_NAMES: Record<BgpMessage['type'], string> = {
  open: 'OPEN',
  update: 'UPDATE',
  notification: 'NOTIFICATION',
  keepalive: 'KEEPALIVE',
  'route-refresh': 'ROUTE-REFRESH',
};

export class DecodeSummary {
  private readonly messages = new Map<string, number>();
  /** Attribute code -> count: a flat array, since add() runs for every attribute of a full table. */
  private readonly attributeCounts = new Float64Array(256);
  private readonly families = new Map<FamilyKey, FamilyCount>();
  private ribEntries = 0;
  private stateChanges = 0;
  private errors = 0;
  private gaps = 0;
  private treatAsWithdraw = 0;

  constructor(
    readonly file: string,
    readonly format: FileFormat,
    readonly compression: string,
  ) {}

  private family(key: FamilyKey): FamilyCount {
    let f = this.families.get(key);
    if (!f) {
      f = { messages: 0, announced: 0, withdrawn: 0 };
      this.families.set(key, f);
    }
    return f;
  }

  add(r: BgpRecord): void {
    switch (r.kind) {
      case 'message': {
        const m = r.message;
        const name = TYPE_NAMES[m.type];
        this.messages.set(name, (this.messages.get(name) ?? 0) + 1);
        if (m.type !== 'update') return;
        if (m.errors?.some((e) => e.action === 'treat-as-withdraw')) this.treatAsWithdraw++;
        if (m.nlri.count || m.withdrawn.count) {
          const f = this.family(IPV4_UNICAST);
          f.messages++;
          f.announced += m.nlri.count;
          f.withdrawn += m.withdrawn.count;
        }
        for (const a of m.attributes) {
          this.attributeCounts[attributeCode(a)]!++;
          if (a.type === 'mp-reach' || a.type === 'mp-unreach') {
            const f = this.family(a.afi * 256 + a.safi);
            f.messages++;
            if (a.type === 'mp-reach') f.announced += a.nlri?.count ?? 0;
            else f.withdrawn += a.withdrawn?.count ?? 0;
          }
        }
        return;
      }
      case 'rib-entry': {
        this.ribEntries++;
        this.family(r.afi * 256 + r.safi).announced++;
        for (const a of r.attributes) this.attributeCounts[attributeCode(a)]!++;
        return;
      }
      case 'state':
        this.stateChanges++;
        return;
      case 'gap':
        this.gaps++;
        return;
      case 'error':
        this.errors++;
        return;
    }
  }

  /** [code, count] of the attributes seen, by code. */
  private get attributes(): Map<number, number> {
    const m = new Map<number, number>();
    this.attributeCounts.forEach((n, code) => n > 0 && m.set(code, n));
    return m;
  }

  toJSON(): Record<string, unknown> {
    const sorted = <K, V>(m: Map<K, V>) => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    return {
      file: this.file,
      format: this.format,
      compression: this.compression,
      messages: Object.fromEntries(sorted(this.messages)),
      attributes: Object.fromEntries(sorted(this.attributes).map(([code, n]) => [attrName(code), n])),
      families: Object.fromEntries(sorted(this.families).map(([k, v]) => [familyName(k >> 8, k & 255), { ...v }])),
      ribEntries: this.ribEntries,
      stateChanges: this.stateChanges,
      treatAsWithdraw: this.treatAsWithdraw,
      gaps: this.gaps,
      errors: this.errors,
    };
  }

  toText(): string {
    // Thousands separators without Intl, whose start-up costs more than this whole summary.
    const n = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const lines = [`${this.file} (${this.format}${this.compression === 'plain' ? '' : `, ${this.compression}`})`];
    const total = [...this.messages.values()].reduce((a, b) => a + b, 0);
    lines.push(`  messages       ${n(total)}`);
    for (const t of Object.values(TYPE_NAMES)) {
      const c = this.messages.get(t);
      if (c) lines.push(`    ${t.padEnd(14)} ${n(c)}`);
    }
    if (this.ribEntries) lines.push(`  rib entries    ${n(this.ribEntries)}`);
    if (this.stateChanges) lines.push(`  state changes  ${n(this.stateChanges)}`);
    if (this.families.size) {
      lines.push('  families       messages  announced  withdrawn');
      for (const [k, v] of [...this.families.entries()].sort((a, b) => a[0] - b[0])) {
        lines.push(`    ${familyName(k >> 8, k & 255).padEnd(22)} ${n(v.messages).padStart(9)} ${n(v.announced).padStart(10)} ${n(v.withdrawn).padStart(10)}`);
      }
    }
    if (this.attributes.size) {
      lines.push('  attributes');
      for (const [code, c] of [...this.attributes.entries()].sort((a, b) => a[0] - b[0])) {
        lines.push(`    ${`${attrName(code)} (${code})`.padEnd(28)} ${n(c)}`);
      }
    }
    if (this.treatAsWithdraw) lines.push(`  treat-as-withdraw ${n(this.treatAsWithdraw)}`);
    if (this.gaps) lines.push(`  capture gaps   ${n(this.gaps)}`);
    lines.push(`  errors         ${n(this.errors)}`);
    return `${lines.join('\n')}\n`;
  }
}
