// A fixed list of objects as an AuditSource, so that runAudit can be tested without a cluster.
import type { AuditSource } from '../../src/kube/audit-source.js';
import type { KubernetesObject } from '../../src/policies/policy.js';

export function staticAuditSource(objects: Iterable<KubernetesObject>): AuditSource {
  return {
    async *objects() {
      yield* objects;
    },
  };
}
