// Kubernetes field and label selector syntax, as k8s.io/apimachinery's fields.ParseSelector and
// labels.Parse check it (Prometheus 2.42 to 3.16 were built with apimachinery 0.26 to 0.37). Only
// the verdict and the error text matter here; nothing is evaluated. The text of a bad label key
// changed once: apimachinery 0.35 (Prometheus 3.10) checks keys with content.IsLabelKey, which
// says "a valid label key" where validation.IsQualifiedName said "a qualified name" and counts
// lengths in bytes, as both always measured them.
import { goQuote } from '../model/go-string.js';

/** fields.ParseSelector: comma-separated `field=value`, `field==value`, `field!=value` terms. */
export function fieldSelectorError(selector: string): string | undefined {
  for (const term of splitFieldTerms(selector).sort()) {
    if (term === '') continue;
    const operator = /!=|==|=/.exec(term);
    if (!operator) return `invalid selector: '${selector}'; can't understand '${term}'`;
    const valueProblem = fieldValueError(term.slice(operator.index + operator[0].length));
    if (valueProblem !== undefined) return valueProblem;
  }
  return undefined;
}

/** Split on commas that are not escaped by a backslash (the backslash stays in the term). */
function splitFieldTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const char = selector[i];
    if (escaped) escaped = false;
    else if (char === '\\') escaped = true;
    else if (char === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** fields.UnescapeValue: only `\\`, `\,` and `\=` are escapes; bare `,` and `=` are errors. */
function fieldValueError(value: string): string | undefined {
  let escaped = false;
  for (const char of value) {
    if (escaped) {
      if (!'\\,='.includes(char)) return `invalid field selector: invalid escape sequence: \\${char}`;
      escaped = false;
    } else if (char === '\\') escaped = true;
    else if (char === ',' || char === '=')
      return `invalid field selector: unescaped character in value: ${char.codePointAt(0)}`;
  }
  return escaped ? 'invalid field selector: invalid escape sequence: \\' : undefined;
}

// --- label selectors -------------------------------------------------------------------------

type Token = 'error' | 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';

interface Item {
  token: Token;
  literal: string;
}

const SYMBOL_TOKENS = new Map<string, Token>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['<', '<'],
  ['!=', '!='],
  ['(', '('],
]);
const KEYWORDS = new Map<string, Token>([...SYMBOL_TOKENS, ['in', 'in'], ['notin', 'notin']]);
const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WHITESPACE = new Set([' ', '\t', '\r', '\n']);
const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

function lex(selector: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < selector.length && WHITESPACE.has(selector[pos]!)) pos++;
    if (pos >= selector.length) {
      items.push({ token: 'end', literal: '' });
      return items;
    }
    if (SPECIAL.has(selector[pos]!)) {
      // Longest run of special characters that still forms a known symbol.
      let buffer = '';
      let last: Item | undefined;
      while (pos < selector.length && SPECIAL.has(selector[pos]!)) {
        buffer += selector[pos];
        const token = SYMBOL_TOKENS.get(buffer);
        if (token !== undefined) last = { token, literal: buffer };
        else if (last !== undefined) break;
        pos++;
      }
      items.push(last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` });
    } else {
      let word = '';
      while (pos < selector.length && !SPECIAL.has(selector[pos]!) && !WHITESPACE.has(selector[pos]!))
        word += selector[pos++];
      items.push({ token: KEYWORDS.get(word) ?? 'identifier', literal: word });
    }
  }
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUALIFIED_NAME_RULE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** Go's len() counts UTF-8 bytes. */
function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** How the apimachinery of a release words a bad label key. */
export interface LabelKeyWording {
  noun: 'a qualified name' | 'a valid label key';
  lengthUnit: 'characters' | 'bytes';
}

export const QUALIFIED_NAME_WORDING: LabelKeyWording = { noun: 'a qualified name', lengthUnit: 'characters' };
export const LABEL_KEY_WORDING: LabelKeyWording = { noun: 'a valid label key', lengthUnit: 'bytes' };

/** validation.IsQualifiedName, content.IsLabelKey from apimachinery 0.35. */
function labelKeyProblems(key: string, wording: LabelKeyWording): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    return [
      `${wording.noun} ${QUALIFIED_NAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  const problems: string[] = [];
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') problems.push('prefix part must be non-empty');
    else {
      if (byteLength(prefix) > 253) problems.push(`prefix part must be no more than 253 ${wording.lengthUnit}`);
      if (!DNS_SUBDOMAIN.test(prefix)) problems.push(`prefix part ${DNS_SUBDOMAIN_RULE}`);
    }
  }
  if (name === '') problems.push('name part must be non-empty');
  else if (byteLength(name) > 63) problems.push(`name part must be no more than 63 ${wording.lengthUnit}`);
  if (!QUALIFIED_NAME.test(name)) problems.push(`name part ${QUALIFIED_NAME_RULE}`);
  return problems;
}

/** field.Invalid(path, value, detail).Error(). */
function invalid(path: string, value: string, detail: string): string {
  return `${path}: Invalid value: ${goQuote(value)}: ${detail}`;
}

function keyError(key: string, wording: LabelKeyWording): string | undefined {
  const problems = labelKeyProblems(key, wording);
  return problems.length === 0 ? undefined : invalid('<nil>', key, problems.join('; '));
}

/** strconv.ParseInt(value, 10, 64) succeeds. */
function isInt64(value: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(value)) return false;
  const number = BigInt(value);
  return number >= -(2n ** 63n) && number < 2n ** 63n;
}

/** labels.NewRequirement's checks on the values (the key was checked while parsing). */
function requirementError(key: string, operator: string, values: string[]): string | undefined {
  const errors: string[] = [];
  if (operator === 'gt' || operator === 'lt') {
    values.forEach((value, index) => {
      if (!isInt64(value)) {
        errors.push(invalid(`values[${index}]`, value, "for 'Gt', 'Lt' operators, the value must be an integer"));
      }
    });
  }
  values.forEach((value, index) => {
    const problems: string[] = [];
    if (byteLength(value) > 63) problems.push('must be no more than 63 characters');
    if (!LABEL_VALUE.test(value)) problems.push(LABEL_VALUE_RULE);
    if (problems.length > 0) errors.push(invalid(`values[${index}][${key}]`, value, problems.join('; ')));
  });
  const unique = [...new Set(errors)];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

class LabelSelectorParser {
  private position = 0;

  constructor(
    private readonly items: Item[],
    private readonly wording: LabelKeyWording,
  ) {}

  /** Token and literal at the cursor; in a value position `in`/`notin` are plain identifiers. */
  private peek(): Item {
    const item = this.items[this.position]!;
    return item.token === 'in' || item.token === 'notin' ? { token: 'identifier', literal: item.literal } : item;
  }

  private next(valuePosition = true): Item {
    const item = this.items[this.position++]!;
    if (valuePosition && (item.token === 'in' || item.token === 'notin'))
      return { token: 'identifier', literal: item.literal };
    return item;
  }

  parse(): string | undefined {
    for (;;) {
      const { token, literal } = this.peek();
      if (token === 'end') return undefined;
      if (token !== 'identifier' && token !== '!')
        return `found '${literal}', expected: !, identifier, or 'end of string'`;
      const problem = this.requirement();
      if (problem !== undefined) return `unable to parse requirement: ${problem}`;
      const after = this.next();
      if (after.token === 'end') return undefined;
      if (after.token !== ',') return `found '${after.literal}', expected: ',' or 'end of string'`;
      const following = this.peek();
      if (following.token !== 'identifier' && following.token !== '!') {
        return `found '${following.literal}', expected: identifier after ','`;
      }
    }
  }

  private requirement(): string | undefined {
    let item = this.next();
    const negated = item.token === '!';
    if (negated) item = this.next();
    if (item.token !== 'identifier') return `found '${item.literal}', expected: identifier`;
    const key = item.literal;
    const badKey = keyError(key, this.wording);
    if (badKey !== undefined) return badKey;
    const lookahead = this.peek().token;
    if (negated || lookahead === 'end' || lookahead === ',') return undefined;
    const operatorItem = this.next(false);
    const operators: Partial<Record<Token, string>> = {
      in: 'in',
      notin: 'notin',
      '=': '=',
      '==': '==',
      '!=': '!=',
      '>': 'gt',
      '<': 'lt',
    };
    const operator = operators[operatorItem.token];
    if (operator === undefined) return `found '${operatorItem.literal}', expected: ${BINARY_OPERATORS}`;
    const values = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
    if (typeof values === 'string') return values;
    return requirementError(key, operator, [...new Set(values)].sort());
  }

  private valueSet(): string[] | string {
    const open = this.next();
    if (open.token !== '(') return `found '${open.literal}' expected: '('`;
    const { token, literal } = this.peek();
    if (token === ')') {
      this.next();
      return [''];
    }
    if (token !== 'identifier' && token !== ',') return `found '${literal}', expected: ',', ')' or identifier`;
    const values = this.identifierList();
    if (typeof values === 'string') return values;
    if (this.next().token !== ')') return `found '${literal}', expected: ')'`;
    return values;
  }

  private identifierList(): string[] | string {
    const values: string[] = [];
    for (;;) {
      const item = this.next();
      if (item.token === 'identifier') {
        values.push(item.literal);
        const following = this.peek();
        if (following.token === ')') return values;
        if (following.token !== ',') return `found '${following.literal}', expected: ',' or ')'`;
      } else if (item.token === ',') {
        if (values.length === 0) values.push('');
        const following = this.peek().token;
        if (following === ')') {
          values.push('');
          return values;
        }
        if (following === ',') {
          this.next();
          values.push('');
        }
      } else {
        return `found '${item.literal}', expected: ',', or identifier`;
      }
    }
  }

  private exactValue(): string[] | string {
    const { token } = this.peek();
    if (token === 'end' || token === ',') return [''];
    const item = this.next();
    return item.token === 'identifier' ? [item.literal] : `found '${item.literal}', expected: identifier`;
  }
}

/** labels.Parse. */
export function labelSelectorError(selector: string, wording: LabelKeyWording): string | undefined {
  return new LabelSelectorParser(lex(selector), wording).parse();
}
