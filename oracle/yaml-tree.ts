// A YAML document as the fuzzer builds it: scalars keep the exact source text they are written
// with (so `yes`, `'yes'`, `0x1F` and `1h` stay what they are), maps keep duplicate keys, and any
// node may carry an anchor or be an alias. `emitYaml` writes it in block style (flow style where a
// node asks for it), the way people write prometheus.yml.

export type YamlTree = YamlMap | YamlSeq | YamlScalar | YamlAlias;

export interface YamlMap {
  kind: 'map';
  entries: YamlEntry[];
  anchor?: string;
  flow?: boolean;
}
export interface YamlSeq {
  kind: 'seq';
  items: YamlTree[];
  anchor?: string;
  flow?: boolean;
}
export interface YamlScalar {
  kind: 'scalar';
  /** The scalar as written in the document: plain, quoted or with a tag. */
  text: string;
  anchor?: string;
}
export interface YamlAlias {
  kind: 'alias';
  name: string;
}
export interface YamlEntry {
  /** The key as written: usually a plain field name. */
  key: string;
  value: YamlTree;
}

/** Words YAML 1.1 (yaml.v2) reads as booleans or null when plain. */
const YAML11_WORDS = new Set(
  ['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null', '~'].flatMap((word) => [
    word,
    word.toUpperCase(),
    word[0]!.toUpperCase() + word.slice(1),
  ]),
);

/** A plain scalar that every YAML reader takes as this string: identifiers, paths, durations. */
function isSafePlain(value: string): boolean {
  if (YAML11_WORDS.has(value)) return false;
  return /^[A-Za-z_/][A-Za-z0-9_./-]*$/.test(value) || /^[0-9][0-9a-z]*[a-z]$/.test(value);
}

/** A string value: plain when unambiguous, else double-quoted (JSON's escapes are YAML's too). */
export function str(value: string): YamlScalar {
  return { kind: 'scalar', text: isSafePlain(value) ? value : JSON.stringify(value) };
}

/** A scalar written exactly so: numbers, booleans, null, or deliberately odd text. */
export function raw(text: string): YamlScalar {
  return { kind: 'scalar', text };
}

export function seq(items: YamlTree[]): YamlSeq {
  return { kind: 'seq', items };
}

/** A map from [key, value] pairs; `undefined` values (optional fields left out) are dropped. */
export function map(entries: [string, YamlTree | undefined][]): YamlMap {
  return {
    kind: 'map',
    entries: entries.flatMap(([key, value]) => (value === undefined ? [] : [{ key, value }])),
  };
}

function anchorPrefix(node: YamlTree): string {
  return node.kind !== 'alias' && node.anchor !== undefined ? `&${node.anchor} ` : '';
}

function flowText(node: YamlTree): string {
  switch (node.kind) {
    case 'alias':
      return `*${node.name}`;
    case 'scalar':
      return anchorPrefix(node) + node.text;
    case 'seq':
      return `${anchorPrefix(node)}[${node.items.map(flowText).join(', ')}]`;
    case 'map':
      return `${anchorPrefix(node)}{${node.entries.map((e) => `${e.key}: ${flowText(e.value)}`).join(', ')}}`;
  }
}

/** Nodes written on the line of their key or dash: scalars, aliases, empty or flow collections. */
function isInline(node: YamlTree): boolean {
  if (node.kind === 'scalar' || node.kind === 'alias') return true;
  if (node.flow === true) return true;
  return node.kind === 'map' ? node.entries.length === 0 : node.items.length === 0;
}

/** The lines of a block collection whose content starts at column `indent`. */
function blockLines(node: YamlMap | YamlSeq, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  if (node.kind === 'map') {
    for (const { key, value } of node.entries) {
      if (isInline(value)) {
        lines.push(`${pad}${key}: ${flowText(value)}`);
      } else {
        const block = value as YamlMap | YamlSeq;
        lines.push(`${pad}${key}:${block.anchor !== undefined ? ` &${block.anchor}` : ''}`);
        lines.push(...blockLines(block, indent + 2));
      }
    }
    return lines;
  }
  for (const item of node.items) {
    if (isInline(item)) {
      lines.push(`${pad}- ${flowText(item)}`);
      continue;
    }
    const block = item as YamlMap | YamlSeq;
    const inner = blockLines(block, indent + 2);
    if (block.anchor !== undefined || block.kind === 'seq') {
      lines.push(`${pad}-${block.anchor !== undefined ? ` &${block.anchor}` : ''}`, ...inner);
    } else {
      lines.push(`${pad}- ${inner[0]!.slice(indent + 2)}`, ...inner.slice(1));
    }
  }
  return lines;
}

export function emitYaml(root: YamlTree): string {
  if (isInline(root)) return `${flowText(root)}\n`;
  return `${blockLines(root as YamlMap | YamlSeq, 0).join('\n')}\n`;
}

/** Where a node sits: in a map entry or a sequence slot, so that a mutation can replace it. */
export interface NodeSlot {
  node: YamlTree;
  /** The map key this node is the value of, or the key of the nearest enclosing entry. */
  key: string;
  replace(next: YamlTree): void;
}

/** Every node below the root in document order (the order anchors must precede aliases in). */
export function slotsOf(root: YamlTree): NodeSlot[] {
  const slots: NodeSlot[] = [];
  const visit = (node: YamlTree, key: string): void => {
    if (node.kind === 'map') {
      for (const entry of node.entries) {
        slots.push({ node: entry.value, key: entry.key, replace: (next) => (entry.value = next) });
        visit(entry.value, entry.key);
      }
    } else if (node.kind === 'seq') {
      node.items.forEach((item, index) => {
        slots.push({ node: item, key, replace: (next) => (node.items[index] = next) });
        visit(item, key);
      });
    }
  };
  visit(root, '');
  return slots;
}

/** Every map of the document, the root included, in document order. */
export function mapsOf(root: YamlTree): YamlMap[] {
  const maps = root.kind === 'map' ? [root] : [];
  for (const slot of slotsOf(root)) if (slot.node.kind === 'map') maps.push(slot.node);
  return maps;
}

export function cloneTree<T extends YamlTree>(tree: T): T {
  return structuredClone(tree);
}

/** The document without its `index`-th node (document order, as `slotsOf` counts), that is without
 *  one map entry or sequence item. */
export function withoutNode(root: YamlTree, index: number): YamlTree {
  const copy = cloneTree(root);
  const target = slotsOf(copy)[index]?.node;
  if (target !== undefined) removeNode(copy, target);
  return copy;
}

function removeNode(node: YamlTree, target: YamlTree): boolean {
  if (node.kind === 'map') {
    const at = node.entries.findIndex((entry) => entry.value === target);
    if (at >= 0) return (node.entries.splice(at, 1), true);
    return node.entries.some((entry) => removeNode(entry.value, target));
  }
  if (node.kind === 'seq') {
    const at = node.items.indexOf(target);
    if (at >= 0) return (node.items.splice(at, 1), true);
    return node.items.some((item) => removeNode(item, target));
  }
  return false;
}
