// Reading what `check` and `check-config` are pointed at: files, folders (recursively, YAML and
// JSON files only), and `-` for standard input. Unreadable input is an InputError (exit 2).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import yaml from 'js-yaml';
import type { KubernetesObject } from '../policies/policy.js';
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
  object: KubernetesObject;
}

function isObject(value: unknown): value is KubernetesObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Multi-document YAML or JSON; `kind: List` (and typed lists such as DaemonSetList) are unpacked. */
export function manifestObjects(input: InputText): ManifestObject[] {
  let documents: unknown[];
  try {
    documents = yaml.loadAll(input.text, undefined, { filename: input.source });
  } catch (err) {
    throw new InputError(`${input.source}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  const objects: ManifestObject[] = [];
  documents.forEach((document, index) => {
    if (document === null || document === undefined) return;
    const location = `document ${index + 1}`;
    if (!isObject(document)) {
      throw new InputError(
        `${input.source} ${location}: expected a Kubernetes object, got ${Array.isArray(document) ? 'a list' : typeof document}`,
      );
    }
    if (typeof document.kind === 'string' && document.kind.endsWith('List') && Array.isArray(document.items)) {
      document.items.forEach((item: unknown, itemIndex: number) => {
        if (!isObject(item)) throw new InputError(`${input.source} ${location} item ${itemIndex + 1}: not an object`);
        objects.push({ source: input.source, location: `${location} item ${itemIndex + 1}`, object: item });
      });
      return;
    }
    objects.push({ source: input.source, location, object: document });
  });
  return objects;
}
