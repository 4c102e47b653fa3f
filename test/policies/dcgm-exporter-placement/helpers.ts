// Shared fixtures for the dcgm-exporter-placement tests: configs, object builders, patch application
// on deep clones, and a patch reverter that proves nothing but the added exclusions changed.
import jsonPatch, { type Operation } from 'fast-json-patch';
import { defaultConfig } from '../../../src/config/schema.js';
import type { PlacementConfig } from '../../../src/policies/dcgm-exporter-placement/evaluate.js';
import {
  REQUIRED_AFFINITY_PATH,
  POD_SPEC_PATH,
  valueAt,
} from '../../../src/policies/dcgm-exporter-placement/placement.js';
import type { EvaluationContext, KubernetesObject } from '../../../src/policies/policy.js';

export const CREATE: EvaluationContext = { operation: 'CREATE' };

export function dcgmConfig(overrides: Partial<PlacementConfig> = {}): PlacementConfig {
  const defaults = defaultConfig();
  return { ...defaults.dcgmExporter, skipAnnotation: defaults.skipAnnotation, ...overrides };
}

/** A minimal apps/v1 dcgm-exporter DaemonSet whose pod spec gets `podSpecExtras` merged in. */
export function daemonSet(podSpecExtras: Record<string, unknown> = {}, name = 'dcgm-exporter'): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'gpu-monitoring' },
    spec: {
      selector: { matchLabels: { app: 'dcgm-exporter' } },
      template: {
        metadata: { labels: { app: 'dcgm-exporter' } },
        spec: { containers: [{ name: 'exporter', image: 'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3' }], ...podSpecExtras },
      },
    },
  };
}

export function requiredTerms(terms: unknown[]): Record<string, unknown> {
  return {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } },
  };
}

export function applyToClone<T>(object: T, patch: Operation[]): T {
  return jsonPatch.applyPatch(jsonPatch.deepClone(object) as T, patch, true, false).newDocument;
}

function parentPointer(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/**
 * Undoes `patch` on a clone of `patched` using only `original` to restore replaced values. For a patch
 * made of adds at distinct places, the result equals `original` byte for byte (key order included)
 * exactly when the patch changed nothing else.
 */
export function revertPatch<T>(patched: T, original: T, patch: Operation[]): T {
  const reverted = jsonPatch.deepClone(patched) as T;
  for (const op of [...patch].reverse()) {
    if (op.op !== 'add') throw new Error(`unexpected ${op.op} operation at ${op.path}`);
    if (op.path.endsWith('/-')) {
      (jsonPatch.getValueByPointer(reverted, parentPointer(op.path)) as unknown[]).pop();
      continue;
    }
    const container = jsonPatch.getValueByPointer(reverted, parentPointer(op.path)) as Record<string, unknown>;
    const key = jsonPatch.unescapePathComponent(op.path.slice(op.path.lastIndexOf('/') + 1));
    const originalContainer = jsonPatch.getValueByPointer(original, parentPointer(op.path)) as
      Record<string, unknown> | undefined;
    if (originalContainer !== undefined && Object.hasOwn(originalContainer, key))
      container[key] = originalContainer[key];
    else delete container[key];
  }
  return reverted;
}

export function podSpecOf(object: unknown): Record<string, unknown> {
  return valueAt(object, POD_SPEC_PATH) as Record<string, unknown>;
}

export function termsOf(object: unknown): Array<{ matchExpressions: unknown[] }> {
  return valueAt(object, [...REQUIRED_AFFINITY_PATH, 'nodeSelectorTerms']) as Array<{ matchExpressions: unknown[] }>;
}
