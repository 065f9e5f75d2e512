// `wren lab`: an in-process Calico-style topology of Wren speakers (docs/lab.md).
export { runLab, type LabRunOptions, type LabIo, type LabSnapshot } from './run.js';
export { LabTopology, type LabTopologyOptions } from './topology.js';
export {
  makePlan,
  expectedRoutes,
  podBlock,
  randomBase,
  addressRange,
  LabOptionError,
  LAB_MODES,
  CLUSTER_ASN,
  GATEWAY_ASN,
  CLUSTER_ID,
  POD_CIDR,
  SERVICE_VIP,
  MAX_NODES,
  type LabMode,
  type LabPlan,
  type LabPlanOptions,
  type LabNode,
  type ExpectedRoute,
} from './plan.js';
export { fibRoutesText } from './fib-text.js';
export { createLabNamespace, kernelUnavailable, sweepStaleLabNamespaces, type LabNamespace } from './netns.js';
