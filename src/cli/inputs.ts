// Reading what `check` and `check-config` are pointed at: files, folders (recursively, YAML and
// JSON files only), and `-` for standard input. Unreadable input is an InputError (exit 2).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import yaml from 'js-yaml';
import type { KubernetesObject } from '../policies/policy.js';
import type { ObjectRef } from './file-positions.js';
import { InputError, UsageError } from './usage.js';

export interface InputText {
  /** File path, or `-` for standard input. */
  source: string;
  text: string;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function listFolder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFolder(path);
      return entry.isFile() && MANIFEST_EXTENSIONS.has(extname(entry.name)) ? [path] : [];
    });
}

/** Expands folders into their .yaml, .yml and .json files (recursively, sorted by name). */
export async function readInputs(paths: string[], stdin: NodeJS.ReadableStream): Promise<InputText[]> {
  if (paths.length === 0) throw new UsageError('no input: name files, folders, or - for standard input');
  const inputs: InputText[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ source: '-', text: await readStdin(stdin) });
      continue;
    }
    let files: string[];
    try {
      files = statSync(path).isDirectory() ? listFolder(path) : [path];
    } catch (err) {
      throw new InputError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    for (const file of files) {
      try {
        inputs.push({ source: file, text: readFileSync(file, 'utf8') });
      } catch (err) {
        throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
  }
  return inputs;
}

export interface ManifestObject {
  source: string;
  /** 1-based position of the document in its file, and of the item inside a List. */
  location: string;
  /** The same, 0-based, for finding the object in the file's text. */
  ref: ObjectRef;
  object: KubernetesObject;
}

function isObject(value: unknown): value is KubernetesObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// What only a Helm template holds: an action on one of Helm's built-in objects or an `include`
// (Prometheus and Alertmanager templates in data use `$labels`, `.Labels` and the like, not these),
// and the key js-yaml makes of an unquoted `{{ … }}` (a flow mapping used as a key).
const HELM_ACTION = /\{\{-?\s*(?:\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|include\s)/;
const UNQUOTED_ACTION_KEY = '[object Object]';

function helmAction(value: unknown): string | undefined {
  if (typeof value === 'string') return HELM_ACTION.exec(value)?.[0];
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = helmAction(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key === UNQUOTED_ACTION_KEY) return '{{ … }}';
    const found = helmAction(key) ?? helmAction(child);
    if (found) return found;
  }
  return undefined;
}

function helmTemplateError(source: string, where: string): InputError {
  return new InputError(
    `${source}: a Helm template (${where}), not a Kubernetes manifest: render it first, e.g. ` +
      `helm template RELEASE CHART | promgate check -`,
  );
}

/** The object itself, or an InputError saying why it is not a Kubernetes object. */
function kubernetesObject(value: unknown, source: string, location: string): KubernetesObject {
  if (!isObject(value)) {
    throw new InputError(
      `${source} ${location}: expected a Kubernetes object, got ${Array.isArray(value) ? 'a list' : typeof value}`,
    );
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    if (typeof value[field] !== 'string' || value[field] === '') {
      throw new InputError(`${source} ${location}: not a Kubernetes object: it has no ${field}`);
    }
  }
  return value;
}

/**
 * Multi-document YAML or JSON; `kind: List` (and typed lists such as DaemonSetList) are unpacked.
 * Anything that is not a Kubernetes object (no apiVersion or kind, a Helm template) is an InputError.
 */
export function manifestObjects(input: InputText): ManifestObject[] {
  let documents: unknown[];
  try {
    documents = yaml.loadAll(input.text, undefined, { filename: input.source });
  } catch (err) {
    const templateLine = input.text.split('\n').findIndex((line) => line.includes('{{'));
    if (templateLine >= 0) throw helmTemplateError(input.source, `{{ on line ${templateLine + 1}`);
    throw new InputError(`${input.source}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  const objects: ManifestObject[] = [];
  documents.forEach((document, index) => {
    if (document === null || document === undefined) return;
    const location = `document ${index + 1}`;
    const action = helmAction(document);
    if (action !== undefined) throw helmTemplateError(input.source, `${action} in ${location}`);
    const object = kubernetesObject(document, input.source, location);
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      object.items.forEach((item: unknown, itemIndex: number) => {
        const itemLocation = `${location} item ${itemIndex + 1}`;
        objects.push({
          source: input.source,
          location: itemLocation,
          ref: { documentIndex: index, itemIndex },
          object: kubernetesObject(item, input.source, itemLocation),
        });
      });
      return;
    }
    objects.push({ source: input.source, location, ref: { documentIndex: index }, object });
  });
  return objects;
}
