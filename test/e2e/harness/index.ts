// End-to-end harness (issue #5): the LAN of namespaces, the Calico cluster in BIRD, Wren as a
// process in the host namespace, the host's routing table, TCP probes. See test/e2e/README.md.
// Builds on the interop harness (test/interop/harness), whose file-level hooks clean up after
// crashed runs and forgotten daemons.

export * from './cluster.js';
export * from './kernel-routes.js';
export * from './network.js';
export * from './probe.js';
export * from './story.js';
export * from './wren.js';
