// Reads promgate's configuration file (SPEC §1): every key optional, unknown keys and wrong types
// rejected with the offending key named, and the line it is on shown, so a typo never silently
// falls back to a default.
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { systemErrorText } from '../common/errors.js';
import { ENFORCEMENT_MODES, type EnforcementMode } from '../policies/policy.js';
import { supportedReleases } from '../prometheus/version.js';
import { defaultConfig, type PromgateConfig } from './schema.js';
import { ConfigError } from './errors.js';

/** A problem with one key: its dotted path (`prometheusConfig.namespaces[1]`) lets the loader show where it is. */
class KeyError extends ConfigError {
  constructor(
    readonly keyPath: string,
    problem: string,
    /** A string was expected and YAML read a number: quoting the text as written is the fix. */
    readonly unquotedNumber = false,
  ) {
    super(`${keyPath}: ${problem}`);
  }
}

type Leaf = 'string' | 'stringList' | 'stringOrList' | 'enforcement' | 'boolean';
type Shape = Leaf | { [key: string]: Shape };

const SHAPE: Shape = {
  dcgmExporter: {
    enforcement: 'enforcement',
    starshipNodeLabel: 'string',
    match: { labels: 'stringList', images: 'stringList' },
  },
  prometheusConfig: {
    enforcement: 'enforcement',
    namespaces: 'stringList',
    keys: 'stringList',
    prometheusVersion: 'stringOrList',
  },
  skipAnnotation: 'string',
  events: { enabled: 'boolean' },
  reports: { enabled: 'boolean' },
  optOut: { enabled: 'boolean', users: 'stringList', groups: 'stringList' },
  excludedNamespaces: 'stringList',
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Overlays `value` onto `target` (defaults), checking it against `shape` at `path`. */
function overlay(target: Record<string, unknown>, value: unknown, shape: { [key: string]: Shape }, path: string): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new KeyError(path || 'config', `expected a mapping, got ${describe(value)}`);
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const childShape = shape[key];
    if (childShape === undefined) {
      throw new KeyError(childPath, `unknown key (known keys here: ${Object.keys(shape).join(', ')})`);
    }
    if (typeof childShape === 'object') {
      overlay(target[key] as Record<string, unknown>, child, childShape, childPath);
    } else {
      target[key] = checkLeaf(child, childShape, childPath);
    }
  }
}

function checkLeaf(value: unknown, shape: Leaf, path: string): unknown {
  switch (shape) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new KeyError(path, `expected true or false, got ${describe(value)}`);
      return value;
    case 'string':
      if (typeof value === 'number') throw new KeyError(path, `expected a string, got the number ${value}`, true);
      if (typeof value !== 'string' || value === '') {
        throw new KeyError(path, `expected a non-empty string, got ${describe(value)}`);
      }
      return value;
    case 'stringList':
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
        throw new KeyError(path, `expected a list of non-empty strings, got ${describe(value)}`);
      }
      return value;
    case 'stringOrList':
      if (!Array.isArray(value)) return checkLeaf(value, 'string', path);
      if (value.length === 0)
        throw new KeyError(path, 'expected a non-empty string or list of them, got an empty list');
      value.forEach((item, index) => checkLeaf(item, 'string', `${path}[${index}]`));
      return value;
    case 'enforcement':
      if (!ENFORCEMENT_MODES.includes(value as EnforcementMode)) {
        throw new KeyError(path, `expected one of ${ENFORCEMENT_MODES.join(' | ')}, got ${describe(value)}`);
      }
      return value;
  }
}

// Kubernetes label syntax (apimachinery's IsQualifiedName / IsValidLabelValue): a label the API
// server would refuse can never be on a node, so an exclusion built from one protects nothing.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `label key prefix ${JSON.stringify(prefix)} is not a DNS subdomain`;
  }
  if (!LABEL_NAME.test(name)) {
    return `label name ${JSON.stringify(name)} must be 1-63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric`;
  }
  return undefined;
}

function labelValueProblem(value: string): string | undefined {
  return value === '' || LABEL_NAME.test(value)
    ? undefined
    : `label value ${JSON.stringify(value)} must be empty or 1-63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric`;
}

/** `key` or `key=value` with Kubernetes label syntax; returns what is wrong, if anything. */
function labelSelectorProblem(text: string, valueRequired: boolean): string | undefined {
  const parts = text.split('=');
  if (parts.length > 2 || (valueRequired && parts.length !== 2)) {
    return `expected ${valueRequired ? '"key=value"' : '"key" or "key=value"'}, got ${JSON.stringify(text)}`;
  }
  const [key = '', value] = parts;
  return labelKeyProblem(key) ?? (value === undefined ? undefined : labelValueProblem(value));
}

function checkSemantics(config: PromgateConfig): void {
  const starshipProblem = labelSelectorProblem(config.dcgmExporter.starshipNodeLabel, false);
  if (starshipProblem) throw new KeyError('dcgmExporter.starshipNodeLabel', starshipProblem);
  for (const [index, pair] of config.dcgmExporter.match.labels.entries()) {
    const problem = labelSelectorProblem(pair, true);
    if (problem) throw new KeyError(`dcgmExporter.match.labels[${index}]`, problem);
  }
  for (const [key, namespaces] of [
    ['prometheusConfig.namespaces', config.prometheusConfig.namespaces],
    ['excludedNamespaces', config.excludedNamespaces],
  ] as const) {
    for (const [index, namespace] of namespaces.entries()) {
      // A namespace name is a DNS-1123 label; anything else (a `*` meant as a wildcard) matches nothing.
      if (namespace.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
        throw new KeyError(
          `${key}[${index}]`,
          `${JSON.stringify(namespace)} is not a namespace name (lowercase letters, digits and "-", at most 63)`,
        );
      }
    }
  }
  const versions = config.prometheusConfig.prometheusVersion;
  for (const [index, version] of (typeof versions === 'string' ? [versions] : versions).entries()) {
    if (!/^\d+\.\d+$/.test(version)) {
      throw new KeyError(
        typeof versions === 'string'
          ? 'prometheusConfig.prometheusVersion'
          : `prometheusConfig.prometheusVersion[${index}]`,
        `expected "major.minor" such as "2.55", got ${JSON.stringify(version)}`,
      );
    }
  }
  try {
    supportedReleases(versions);
  } catch (err) {
    throw new KeyError('prometheusConfig.prometheusVersion', (err as Error).message);
  }
}

/** `FILE:LINE:COL: message`, then the line itself with a caret under the column. */
function located(source: string, text: string, position: { line: number; col: number }, message: string): string {
  const lineText = (text.split(/\r?\n/)[position.line - 1] ?? '').replace(/\t/g, '→');
  const gutter = `  ${position.line} | `;
  return (
    `${source}:${position.line}:${position.col}: ${message}\n` +
    `${gutter}${lineText}\n${' '.repeat(gutter.length - 2)}| ${' '.repeat(position.col - 1)}^`
  );
}

/** `prometheusConfig.namespaces[1]` as steps: keys and list indexes. */
function pathSteps(keyPath: string): Array<string | number> {
  return [...keyPath.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) =>
    match[2] !== undefined ? Number(match[2]) : (match[1] ?? ''),
  );
}

/** The node a key path leads to, and where to point: the key of a mapping entry, or the list item. */
function findKey(document: Document, keyPath: string): { node: YamlNode; offset: number } | undefined {
  let node: unknown = document.contents;
  let offset: number | undefined;
  for (const step of pathSteps(keyPath)) {
    if (typeof step === 'number' && isSeq(node)) {
      node = node.items[step];
      offset = isScalar(node) || isMap(node) || isSeq(node) ? node.range?.[0] : undefined;
    } else if (typeof step === 'string' && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === step);
      offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
      node = pair?.value;
    } else {
      return undefined;
    }
  }
  return offset === undefined || !(isScalar(node) || isMap(node) || isSeq(node)) ? undefined : { node, offset };
}

/** A KeyError with the file, line and column of its key (of the value, for a number that should be a
 *  quoted string, with that hint), and the line shown. */
function locatedKeyError(err: KeyError, source: string, text: string, document: Document, lines: LineCounter): string {
  const found = err.keyPath === 'config' ? undefined : findKey(document, err.keyPath);
  if (!found) return `${source}: ${err.message}`;
  const { node } = found;
  if (err.unquotedNumber && isScalar(node) && node.source && node.range) {
    const hint = `unquoted, YAML reads ${node.source} as a number; write "${node.source}"`;
    return located(source, text, lines.linePos(node.range[0]), `${err.message}: ${hint}`);
  }
  return located(source, text, lines.linePos(found.offset), err.message);
}

/** Parses configuration text; `source` names it in errors. */
export function parseConfig(text: string, source: string): PromgateConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const [syntaxError] = document.errors;
  if (syntaxError) {
    throw new ConfigError(
      located(source, text, lines.linePos(syntaxError.pos[0]), `not valid YAML: ${syntaxError.message}`),
    );
  }
  let value: unknown;
  try {
    value = document.toJS();
  } catch (err) {
    // An alias to an anchor that does not exist is found only when values are built.
    throw new ConfigError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const config = defaultConfig();
  try {
    overlay(config as unknown as Record<string, unknown>, value, SHAPE as { [key: string]: Shape }, '');
    checkSemantics(config);
  } catch (err) {
    if (err instanceof KeyError) throw new ConfigError(locatedKeyError(err, source, text, document, lines));
    if (err instanceof ConfigError) throw new ConfigError(`${source}: ${err.message}`);
    throw err;
  }
  return config;
}

/** Loads the file at `path`, or the defaults when no file is given. */
export function loadConfig(path: string | undefined): PromgateConfig {
  if (path === undefined) return defaultConfig();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${systemErrorText(err)}`);
  }
  return parseConfig(text, path);
}
