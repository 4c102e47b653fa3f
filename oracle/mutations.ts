// Mutations that turn a valid prometheus.yml into the mistakes people make and the corners where a
// JavaScript reimplementation can differ from Go: unknown and misspelled fields, values of the
// wrong YAML type, odd durations, regexes whose meaning differs between RE2 and JavaScript, UTF-8
// and legacy label names, relabel actions, YAML 1.1 booleans and nulls, anchors, aliases, merge
// keys and duplicate keys. A mutation is plain data (which kind, which site, which variant), so
// fast-check shrinks it like any other value; sites are picked modulo the document's own count.
import fc from 'fast-check';
import { cloneTree, mapsOf, raw, slotsOf, str, type YamlEntry, type YamlMap, type YamlTree } from './yaml-tree.js';

export const MUTATION_KINDS = [
  'unknown-field',
  'misspell',
  'wrong-type',
  'duration',
  'regex',
  'label-name',
  'relabel-action',
  'yaml-bool',
  'null',
  'odd-string',
  'anchor-alias',
  'merge-key',
  'duplicate-key',
  'delete',
  'flow-style',
  'requote',
  'number-edge',
  'copy-value',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutation {
  kind: MutationKind;
  /** Which site of the document, modulo the number of sites this kind can act on. */
  at: number;
  /** Which variant, modulo the number of variants this kind has. */
  choice: number;
}

const UNKNOWN_KEYS = [
  'foo',
  'scrape_intervals',
  'labels',
  'target',
  'basic-auth',
  'jobname',
  'static_config',
  'relabel_config',
  'tls',
  'timeout',
  'url',
  'name',
  'regex',
  'enabled',
  'api_version',
];

const WRONG_TYPES = [
  '42',
  '-1',
  '1.5',
  'true',
  '[]',
  '{}',
  '[a, b]',
  '{a: b}',
  'foo',
  '0x10',
  '1e3',
  '.inf',
  '2001-12-14',
  '!!binary aGk=',
  "'5'",
  '18446744073709551616',
  '0o17',
  '017',
  '1_000',
  '+1',
];

const DURATIONS = [
  '0s',
  '0',
  '1',
  '1s',
  '1.5h',
  '1h30m',
  '1d',
  '1w',
  '1y',
  '1ms',
  '100us',
  '-1s',
  '1m1m',
  '01m',
  '1M',
  '1h0s',
  '9223372036854775807s',
  '106751d',
  '106752d',
  '"30s"',
  '1s1ms',
  '30S',
  '0.5s',
  '""',
  'PT1M',
  '"1m 30s"',
  '0ms',
  '1y1w1d1h1m1s1ms',
  '1h1d',
];

/** Patterns whose meaning or validity differ between Go's RE2 and JavaScript, and plain ones. */
const REGEXES = [
  '\\d+',
  '(?P<name>x)',
  '(?<name>x)',
  '[[:alpha:]]+',
  '[[:word:]]',
  '\\p{Greek}',
  '\\pL',
  '\\p{Foo}',
  'a{,3}',
  'a{2,}',
  'a{1000}',
  'a{1001}',
  '(?i)abc',
  '(?s).',
  '(?U)a+',
  '(?m)^a$',
  '\\x{41}',
  '\\u0041',
  '(?=a)',
  '(?!a)',
  '(?<=a)b',
  '(a)\\1',
  '\\k<n>',
  '\\Z',
  '\\z',
  '\\A',
  '\\Qa.b\\E',
  '[^]',
  '[]a]',
  'a**',
  'a++',
  'a*?',
  '\\C',
  '[a-\\d]',
  '(',
  ')',
  '[',
  '*',
  '\\b',
  '\\8',
  '\\e',
  '\\/',
  '\\-',
  '\\_',
  '€',
  '[\\w-.]',
  '(?#c)',
  '(?:a',
  'a|',
  '|',
  '()',
  '((((((((((a))))))))))',
  '.*(?i:x)',
  '\\',
  '[[:^digit:]]',
  '\\v',
  '(?-s).',
];

const LABEL_NAMES = [
  'a',
  '_a',
  '__name__',
  '0abc',
  'a-b',
  'a.b',
  'a:b',
  'ü',
  'ñame',
  '🙂',
  '',
  'A',
  'a b',
  '__meta_x',
  '${1}',
  '$1',
  'a$1',
  '${name}x',
  '$1-$2',
  '1',
  'le',
  'a/b',
];

const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
  'keepequal',
  'dropequal',
  'Replace',
  'KEEP',
  'LabelMap',
  'drop_equal',
  '',
  'hash_mod',
  'remove',
];

const YAML11_BOOLS = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'Y',
  'Yes',
  'NO',
  'On',
  'OFF',
  'True',
  'TRUE',
  'False',
  '"true"',
  "'false'",
  '1',
  '0',
  't',
  '!!bool true',
  '!!str true',
];

/** Integers at the edges of Go's integer types, and numbers written the ways YAML 1.1 allows. */
const NUMBERS = [
  '0',
  '-1',
  '-0',
  '1.0',
  '1.5',
  '2147483648',
  '4294967295',
  '4294967296',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551615',
  '18446744073709551616',
  '1e10',
  '0x7fffffff',
  '0b101',
  '0o17',
  '017',
  '1_000',
  '+5',
  '.5',
  '1:30',
];

const NULLS = ['', '~', 'null', 'Null', 'NULL', '!!null ""'];

const ODD_STRINGS = [
  'http://a b',
  'localhost',
  'host:port',
  'a:1:2',
  'http://x/y',
  'x/y:80',
  '" "',
  '"%zz"',
  '"[::1]:9090"',
  '"::1"',
  '"\\t"',
  '"a\\u0000b"',
  'ünïcode:80',
  '"http://user:pass@h/"',
  '"h:65536"',
  '"h:-1"',
  '"h:"',
  '":80"',
  '"unix:///x"',
  '"https://[::1"',
  '"http://h:80/p?q=%"',
  '"http://h:a/"',
  '"HTTP://H/"',
  '"ftp://h/"',
  '"/only/path"',
  '"http://h/#frag"',
];

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length]!;

interface EntrySite {
  owner: YamlMap;
  entry: YamlEntry;
}

function entriesOf(root: YamlTree): EntrySite[] {
  return mapsOf(root).flatMap((owner) => owner.entries.map((entry) => ({ owner, entry })));
}

function misspell(key: string, choice: number): string {
  switch (choice % 6) {
    case 0:
      return key.length > 1 ? key[1]! + key[0]! + key.slice(2) : `${key}${key}`;
    case 1:
      return key.slice(0, -1) || 'x';
    case 2:
      return `${key}s`;
    case 3:
      return key.includes('_') ? key.replace('_', '-') : `${key}_`;
    case 4:
      return key[0]!.toUpperCase() + key.slice(1);
    default:
      return key.toUpperCase();
  }
}

function isDescendant(node: YamlTree, of: YamlTree): boolean {
  if (node === of) return true;
  if (of.kind === 'map') return of.entries.some((entry) => isDescendant(node, entry.value));
  if (of.kind === 'seq') return of.items.some((item) => isDescendant(node, item));
  return false;
}

const DURATION_KEY = /interval|timeout|refresh|window|deadline|backoff|_age|retention|duration/;

/** Sites where a label name is written: keys of label maps, target_label, source_labels items. */
function labelNameSites(root: YamlTree): ((name: string) => void)[] {
  const sites: ((name: string) => void)[] = [];
  for (const owner of mapsOf(root)) {
    for (const entry of owner.entries) {
      const value = entry.value;
      if ((entry.key === 'labels' || entry.key === 'external_labels') && value.kind === 'map') {
        for (const labelEntry of value.entries) sites.push((name) => (labelEntry.key = str(name).text));
      }
      if (entry.key === 'target_label' && value.kind === 'scalar') sites.push((name) => (entry.value = str(name)));
      if (entry.key === 'source_labels' && value.kind === 'seq') {
        value.items.forEach((_, index) => sites.push((name) => (value.items[index] = str(name))));
      }
    }
  }
  return sites;
}

function applyOne(root: YamlTree, mutation: Mutation, anchorName: string): void {
  const { at, choice } = mutation;
  const slots = slotsOf(root);
  const scalarSlots = slots.filter((slot) => slot.node.kind === 'scalar');
  const within = <T>(items: T[]): T | undefined => (items.length === 0 ? undefined : items[at % items.length]);
  switch (mutation.kind) {
    case 'unknown-field': {
      const owner = within(mapsOf(root));
      owner?.entries.push({ key: pick(UNKNOWN_KEYS, choice), value: str('x') });
      return;
    }
    case 'misspell': {
      const site = within(entriesOf(root));
      if (site) site.entry.key = misspell(site.entry.key, choice);
      return;
    }
    case 'wrong-type':
      within(slots)?.replace(raw(pick(WRONG_TYPES, choice)));
      return;
    case 'duration': {
      const durationSlots = scalarSlots.filter((slot) => DURATION_KEY.test(slot.key));
      within(durationSlots.length > 0 ? durationSlots : scalarSlots)?.replace(raw(pick(DURATIONS, choice)));
      return;
    }
    case 'regex': {
      const pattern = str(pick(REGEXES, choice));
      const regexSlot = within(scalarSlots.filter((slot) => slot.key === 'regex'));
      if (regexSlot) regexSlot.replace(pattern);
      else within(relabelRules(root))?.entries.push({ key: 'regex', value: pattern });
      return;
    }
    case 'label-name':
      within(labelNameSites(root))?.(pick(LABEL_NAMES, choice));
      return;
    case 'relabel-action': {
      const rule = within(relabelRules(root));
      if (!rule) return;
      const action = str(pick(RELABEL_ACTIONS, choice));
      const existing = rule.entries.find((entry) => entry.key === 'action');
      if (existing) existing.value = action;
      else rule.entries.push({ key: 'action', value: action });
      return;
    }
    case 'yaml-bool': {
      const bools = scalarSlots.filter((slot) => /^(true|false)$/.test((slot.node as { text: string }).text));
      within(bools.length > 0 ? bools : scalarSlots)?.replace(raw(pick(YAML11_BOOLS, choice)));
      return;
    }
    case 'null':
      within(slots)?.replace(raw(pick(NULLS, choice)));
      return;
    case 'odd-string':
      within(scalarSlots)?.replace(raw(pick(ODD_STRINGS, choice)));
      return;
    case 'anchor-alias': {
      const source = within(slots.filter((slot) => slot.node.kind !== 'alias'));
      if (!source) return;
      const later = slots.slice(slots.indexOf(source) + 1).filter((slot) => !isDescendant(slot.node, source.node));
      const destination = later.length === 0 ? undefined : pick(later, choice);
      if (!destination || source.node.kind === 'alias') return;
      source.node.anchor = anchorName;
      destination.replace({ kind: 'alias', name: anchorName });
      return;
    }
    case 'merge-key': {
      const maps = mapsOf(root);
      const source = within(maps.slice(1));
      if (!source) return;
      const later = maps.slice(maps.indexOf(source) + 1).filter((owner) => !isDescendant(owner, source));
      const destination = later.length === 0 ? undefined : pick(later, choice);
      if (!destination) return;
      source.anchor = anchorName;
      const merge = { key: '<<', value: { kind: 'alias' as const, name: anchorName } };
      if (choice % 2 === 0) destination.entries.unshift(merge);
      else destination.entries.push(merge);
      return;
    }
    case 'duplicate-key': {
      const site = within(entriesOf(root));
      if (!site) return;
      const copy = { key: site.entry.key, value: choice % 2 === 0 ? cloneTree(site.entry.value) : str('other') };
      site.owner.entries.splice(site.owner.entries.indexOf(site.entry) + 1 + (choice % 3), 0, copy);
      return;
    }
    case 'delete': {
      const site = within(entriesOf(root));
      if (site) site.owner.entries.splice(site.owner.entries.indexOf(site.entry), 1);
      return;
    }
    case 'flow-style': {
      const collection = within(slots.filter((slot) => slot.node.kind === 'map' || slot.node.kind === 'seq'));
      if (collection && (collection.node.kind === 'map' || collection.node.kind === 'seq')) collection.node.flow = true;
      return;
    }
    case 'number-edge':
      within(scalarSlots)?.replace(raw(pick(NUMBERS, choice)));
      return;
    case 'copy-value': {
      // A value written where another field's belongs: a list where a map was, a URL as a duration.
      const destination = within(slots);
      const source = slots.length === 0 ? undefined : pick(slots, choice);
      if (destination && source && !isDescendant(destination.node, source.node) && source.node.kind !== 'alias') {
        destination.replace(cloneTree(source.node));
      }
      return;
    }
    case 'requote': {
      const slot = within(scalarSlots);
      if (slot) slot.replace(requote((slot.node as { text: string }).text, choice));
      return;
    }
  }
}

/** The same scalar written another way: quoted, unquoted, tagged. */
function requote(text: string, choice: number): YamlTree {
  const value = text.startsWith('"') ? (JSON.parse(text) as string) : text;
  switch (choice % 4) {
    case 0:
      return raw(`'${value.replaceAll("'", "''")}'`);
    case 1:
      return raw(JSON.stringify(value));
    case 2:
      return raw(`!!str ${JSON.stringify(value)}`);
    default:
      return raw(value);
  }
}

/** Maps inside any *relabel_configs sequence. */
function relabelRules(root: YamlTree): YamlMap[] {
  return mapsOf(root).flatMap((owner) =>
    owner.entries.flatMap((entry) =>
      entry.key.endsWith('relabel_configs') && entry.value.kind === 'seq'
        ? entry.value.items.filter((item): item is YamlMap => item.kind === 'map')
        : [],
    ),
  );
}

/** The document with the mutations applied in order (the input is left untouched). */
export function applyMutations(tree: YamlTree, mutations: readonly Mutation[]): YamlTree {
  const mutated = cloneTree(tree);
  mutations.forEach((mutation, index) => applyOne(mutated, mutation, `a${index}`));
  return mutated;
}

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom(...MUTATION_KINDS),
  at: fc.nat({ max: 999 }),
  choice: fc.nat({ max: 999 }),
});
