// Renders the kustomizations under manifests/ with the real kustomize (the one built into
// kubectl >= 1.27, kustomize v5), parses every document strictly, and offers lookups by kind and
// name. The manifests tests assert on what `kubectl apply -k` would send, not on the source files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPOSITORY_ROOT } from '../../fixtures/repository.js';
import { toolPath } from '../../fixtures/tools.js';

export const REPO_ROOT = REPOSITORY_ROOT;
export const MANIFESTS = join(REPO_ROOT, 'manifests');

/** The kubectl whose built-in kustomize renders: scripts/tool's, or KUBECTL=/path/to/kubectl. */
const KUBECTL = toolPath('kubectl');

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Parses multi-document YAML the way a careful reader should: no duplicate keys, no errors. */
export function parseDocuments(text: string, source: string): unknown[] {
  return parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true }).flatMap((document) => {
    if (document.errors.length > 0) {
      throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
    }
    const value: unknown = document.toJS();
    return value === null ? [] : [value];
  });
}

function asKubeObject(value: unknown, source: string): KubeObject {
  const candidate = value as Partial<KubeObject> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.apiVersion !== 'string' ||
    typeof candidate.kind !== 'string' ||
    typeof candidate.metadata?.name !== 'string'
  ) {
    throw new Error(`${source}: a document without apiVersion, kind or metadata.name: ${JSON.stringify(value)}`);
  }
  return candidate as KubeObject;
}

const KUSTOMIZE_NEEDED =
  "kubectl >= 1.27 (built-in kustomize v5) from scripts/tool or in $KUBECTL; Debian bookworm's kubernetes-client (kubectl 1.20, " +
  'kustomize v2) cannot render components, labels or inline patches';

let kustomizeChecked = false;

/** Fails once, clearly, when the kubectl found cannot render our kustomizations. */
function checkKustomizeVersion(): void {
  if (kustomizeChecked) return;
  let versionJson: string;
  try {
    versionJson = execFileSync(KUBECTL, ['version', '--client', '-o', 'json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    throw new Error(`cannot run ${KUBECTL}: the manifests tests need ${KUSTOMIZE_NEEDED}`, { cause: err });
  }
  const { kustomizeVersion } = JSON.parse(versionJson) as { kustomizeVersion?: string };
  const major = Number(/^v(\d+)\./.exec(kustomizeVersion ?? '')?.[1] ?? 0);
  if (major < 5) {
    throw new Error(
      `${KUBECTL} has kustomize ${kustomizeVersion ?? '(unknown)'}: the manifests tests need ${KUSTOMIZE_NEEDED}`,
    );
  }
  kustomizeChecked = true;
}

function kustomize(dir: string): string {
  checkKustomizeVersion();
  try {
    return execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const failure = err as Error & { stderr?: string };
    throw new Error(`${KUBECTL} kustomize ${dir} failed: ${failure.stderr ?? failure.message}`, { cause: err });
  }
}

/** Renders one kustomization directory. */
export function render(dir: string): KubeObject[] {
  const source = relative(REPO_ROOT, dir) || '.';
  return parseDocuments(kustomize(dir), source).map((document) => asKubeObject(document, source));
}

/**
 * Renders a throw-away kustomization composed the way an admin composes theirs: some of our
 * kustomizations as resources plus some of our components. kustomize wants relative paths.
 */
export function renderComposition(parts: { resources: string[]; components?: string[] }): KubeObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'promgate-kustomize-'));
  try {
    const relativeTo = (path: string): string => relative(dir, path);
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: parts.resources.map(relativeTo),
      components: (parts.components ?? []).map(relativeTo),
    };
    writeFileSync(join(dir, 'kustomization.yaml'), JSON.stringify(kustomization));
    return render(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The single object of that kind and name; throws (failing the test) when absent or ambiguous. */
export function findOne<T = KubeObject>(objects: KubeObject[], kind: string, name: string, namespace?: string): T {
  const matches = objects.filter(
    (object) =>
      object.kind === kind &&
      object.metadata.name === name &&
      (namespace === undefined || object.metadata.namespace === namespace),
  );
  if (matches.length !== 1) {
    throw new Error(`expected one ${kind} ${namespace ?? '*'}/${name}, found ${matches.length}`);
  }
  return matches[0] as T;
}

export function ofKind<T = KubeObject>(objects: KubeObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

/** The args value following `flag`, or undefined. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
}
