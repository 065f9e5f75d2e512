// The seed story of issue #5 (seeds 001/003): three Calico nodes running BIRD 2 as calico-node
// would (AS 64512, /26 pod blocks, a pod namespace behind each node, the service /32 from two
// nodes), a route reflector (cluster id 244.0.0.1), and an external host running Wren as an RR
// client that installs what it learns in the host's routing table. test/e2e/README.md.
import { defineStory } from './harness/index.js';

defineStory({ title: 'e2e: Wren on an external host as an RR client of a Calico cluster (IPv4)', mode: 'reflector', family: 'ipv4' });
