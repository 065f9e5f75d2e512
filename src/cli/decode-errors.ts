// The human error line of `wren decode`, shared by the main thread and its workers.
import type { BgpRecord, ErrorRecord } from '../formats/bgp-reader.js';

export function where(r: BgpRecord): string {
  const parts: string[] = [];
  if (r.frame !== undefined) parts.push(`frame ${r.frame}`);
  if (r.record !== undefined) parts.push(`record ${r.record}`);
  if (r.entry !== undefined) parts.push(`entry ${r.entry}`);
  if (r.line !== undefined) parts.push(`line ${r.line}`);
  if (r.offset !== undefined) parts.push(`offset ${r.offset}`);
  return parts.join(', ') || 'start';
}

export function errorLine(file: string, r: ErrorRecord): string {
  return `wren decode: ${file}: ${where(r)}: ${r.error.message}\n`;
}
