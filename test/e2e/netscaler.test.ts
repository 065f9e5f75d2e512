// The NetScaler story of issue #5 (seed 002): Wren as the cluster's eBGP gateway in AS 500 with
// max-paths 8, every Calico node (AS 64512) peering with it directly as a global BGPPeer; the
// same checks as the seed story. test/e2e/README.md.
import { defineStory } from './harness/index.js';

defineStory({ title: 'e2e: Wren as a NetScaler-style eBGP gateway (AS 500, max-paths 8) of a Calico cluster (IPv4)', mode: 'gateway', family: 'ipv4' });
