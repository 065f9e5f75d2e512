export * from './pcap.js';
export * from './tcp.js';
export * from './decompress.js';
export * from './mrt.js';
export * from './bgp-reader.js';
export * from './summary.js';
