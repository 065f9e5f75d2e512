// Interop harness: real BGP daemons (BIRD 2, GoBGP, FRR bgpd, ExaBGP) started by tests on
// loopback addresses or inside network namespaces the tests create. See test/interop/README.md.

import './autoclean.js';

export * from './bird.js';
export * from './calico.js';
export * from './daemon.js';
export * from './exabgp.js';
export * from './frr.js';
export * from './gobgp.js';
export * from './lab.js';
export * from './netns.js';
export { DaemonProcess, run, runOk, type RunOptions, type RunResult } from './proc.js';
export * from './tools.js';
export * from './wait.js';
export { freePort, keepWorkDirs, loopbackBlock, makeWorkDir, removeWorkDir, sweepStaleWorkDirs } from './workdir.js';
