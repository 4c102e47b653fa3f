// The CustomResourceDefinitions that promgate's optional kustomizations need, taken from the
// upstream projects' own releases through the Go module proxy (each release's module holds its
// generated CRD files) and pinned by version and SHA-256 here, so that a changed upstream file
// fails loudly instead of silently testing something else. Nothing is copied into the repository,
// except the OpenReports CRDs that manifests/components/reports installs, checked against their pins.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PinnedCrd {
  module: string;
  version: string;
  path: string;
  sha256: string;
}

/** cert-manager's Issuer and Certificate (overlays/cert-manager), prometheus-operator's
 *  PrometheusRule and ServiceMonitor (components/monitoring); both projects are Apache-2.0. */
export const PINNED_CRDS: readonly PinnedCrd[] = [
  {
    module: 'github.com/cert-manager/cert-manager',
    version: 'v1.19.1',
    path: 'deploy/crds/cert-manager.io_issuers.yaml',
    sha256: 'a7ffbadca04b32f3bbce923d545291abb032dddb659791f6e2872dd323513a52',
  },
  {
    module: 'github.com/cert-manager/cert-manager',
    version: 'v1.19.1',
    path: 'deploy/crds/cert-manager.io_certificates.yaml',
    sha256: '7c99af3441710ffb4c0988c87a36a1448b293d4c99bf4e5ca8d3adbfc1f63b3e',
  },
  {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.86.1',
    path: 'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
    sha256: 'dae50fd386c7228aba2ef994e87c0ee0800707c3067123150d0033f007aeef24',
  },
  {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.86.1',
    path: 'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml',
    sha256: '83018c89a96917ebb1e03bf4917b2562883ca493b641b8c37f6034d2137136d2',
  },
];

/** The OpenReports CRDs that manifests/components/reports installs (its crds/ holds copies that must
 *  hash to these), Apache-2.0. */
export const OPEN_REPORTS_CRDS: readonly PinnedCrd[] = [
  {
    module: 'github.com/openreports/reports-api',
    version: 'v0.2.1',
    path: 'config/crd/openreports.io_reports.yaml',
    sha256: 'd9e81ed2ce5ce6923b1411b5b6fbafec1c33df515657c627bab8f5ff4388c156',
  },
  {
    module: 'github.com/openreports/reports-api',
    version: 'v0.2.1',
    path: 'config/crd/openreports.io_clusterreports.yaml',
    sha256: '9b29a60e505a314b66cffd48844c1c0ba0ae09c2b11248ce6d5f901a930f0d69',
  },
];

/** The wgpolicyk8s.io v1alpha2 PolicyReport CRDs as Kyverno ships them (Apache-2.0): a cluster
 *  that has only these gets PolicyReports. */
export const POLICY_REPORTS_CRDS: readonly PinnedCrd[] = [
  {
    module: 'github.com/kyverno/kyverno',
    version: 'v1.19.1',
    path: 'config/crds/policyreport/wgpolicyk8s.io_policyreports.yaml',
    sha256: '595ab5728178e3ebe8a9ed9210a32484eb7a0e2dc061b276a3afca703b8ba7c4',
  },
  {
    module: 'github.com/kyverno/kyverno',
    version: 'v1.19.1',
    path: 'config/crds/policyreport/wgpolicyk8s.io_clusterpolicyreports.yaml',
    sha256: 'ee99a9dd0a1fc96de02f37962b26c2dfa052477c40fa3a60cb2690d30ce2a82d',
  },
];

const moduleDirs = new Map<string, string>();

/** The module's extracted source in Go's module cache, downloaded on first use. */
function moduleDir(module: string, version: string): string {
  const key = `${module}@${version}`;
  let dir = moduleDirs.get(key);
  if (dir === undefined) {
    const output = execFileSync('go', ['mod', 'download', '-json', key], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const info = JSON.parse(output) as { Dir?: string; Error?: string };
    if (info.Dir === undefined) throw new Error(`go mod download ${key}: ${info.Error ?? 'no Dir'}`);
    dir = info.Dir;
    moduleDirs.set(key, dir);
  }
  return dir;
}

/** The pinned CRD's YAML; throws when upstream's file is not the one pinned. */
export function pinnedCrd(crd: PinnedCrd): string {
  const text = readFileSync(join(moduleDir(crd.module, crd.version), crd.path), 'utf8');
  const sha256 = createHash('sha256').update(text).digest('hex');
  if (sha256 !== crd.sha256) {
    throw new Error(`${crd.module}@${crd.version}/${crd.path} has SHA-256 ${sha256}, pinned ${crd.sha256}`);
  }
  return text;
}
