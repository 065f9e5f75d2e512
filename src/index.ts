// Wren's library entry point. Today: the wire codec and the readers of captures and dumps.
// The speaker (sessions, RIB, FIB) is exported from here as it lands; see docs/architecture.md.
export * from './wire/index.js';
export {
  openBgpFile,
  detectFormat,
  type BgpRecord,
  type MessageRecord,
  type RibEntryRecord,
  type StateRecord,
  type ErrorRecord,
  type GapRecord,
  type OpenedFile,
  type ReadOptions,
  type FileFormat,
} from './formats/bgp-reader.js';
export { VERSION } from './version.js';
