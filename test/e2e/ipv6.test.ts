// Both stories of issue #5 over IPv6: /122 pod blocks of fd00:244::/56, the service VIP a /128,
// IPv6 BGP sessions on the LAN's fd00:100::/64. test/e2e/README.md.
import { defineStory } from './harness/index.js';

defineStory({ title: 'e2e: Wren on an external host as an RR client of a Calico cluster (IPv6)', mode: 'reflector', family: 'ipv6' });
defineStory({ title: 'e2e: Wren as a NetScaler-style eBGP gateway (AS 500, max-paths 8) of a Calico cluster (IPv6)', mode: 'gateway', family: 'ipv6' });
