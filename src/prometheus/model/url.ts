// config.URL (prometheus/common): a string parsed with Go's net/url.Parse. This reproduces the
// errors url.Parse returns for the inputs people actually write (bad escapes, spaces or control
// characters, bad ports, a colon in the first path segment); it does not normalise anything.
import type { FieldType } from '../schema/decoder.js';
import { parsedString } from '../schema/types.js';
import { goQuote } from './go-string.js';

export interface ParsedUrl {
  text: string;
  scheme: string;
  host: string;
  path: string;
  hasUser: boolean;
}

function parseError(text: string, reason: string): { error: string } {
  return { error: `parse ${goQuote(text)}: ${reason}` };
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

function invalidEscape(text: string): string | undefined {
  const match = /%(?![0-9a-fA-F]{2})(.{0,2})/.exec(text);
  return match ? `%${match[1]}` : undefined;
}

function checkHost(host: string, text: string): { error: string } | undefined {
  let hostname = host;
  let port = '';
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) return parseError(text, "missing ']' in host");
    hostname = host.slice(0, end + 1);
    const rest = host.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return parseError(text, `invalid port ${goQuote(rest)} after host`);
    port = rest;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      hostname = host.slice(0, colon);
      port = host.slice(colon);
    }
  }
  if (port !== '' && !/^:[0-9]*$/.test(port)) return parseError(text, `invalid port ${goQuote(port)} after host`);
  const bad = /[^A-Za-z0-9\-._~!$&'()*+,;=:[\]%]/.exec(hostname);
  if (bad) return parseError(text, `invalid character ${goQuote(bad[0])} in host name`);
  return undefined;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Go's url.Parse, reduced to the checks that make it fail. */
export function parseGoUrl(text: string): ParsedUrl | { error: string } {
  if (hasControlCharacter(text)) return parseError(text, 'net/url: invalid control character in URL');
  let rest = text;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  if (rest.startsWith(':')) return parseError(text, 'missing protocol scheme');
  let scheme = '';
  const schemeMatch = SCHEME.exec(rest);
  if (schemeMatch) {
    scheme = schemeMatch[1]!.toLowerCase();
    rest = rest.slice(schemeMatch[0].length);
  }
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  let host = '';
  let hasUser = false;
  if ((scheme !== '' || rest.startsWith('//')) && rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    const authority = authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
    rest = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    const at = authority.lastIndexOf('@');
    hasUser = at >= 0;
    host = at >= 0 ? authority.slice(at + 1) : authority;
    const hostProblem = checkHost(host, text);
    if (hostProblem) return hostProblem;
  } else if (scheme === '' && !rest.startsWith('/')) {
    const firstSegment = rest.split('/')[0] ?? '';
    if (firstSegment.includes(':')) return parseError(text, 'first path segment in URL cannot contain colon');
  }
  const escape = invalidEscape(text);
  if (escape !== undefined) return parseError(text, `invalid URL escape ${goQuote(escape)}`);
  return { text, scheme, host, path: rest, hasUser };
}

/** config.URL as a field type. */
export const url: FieldType<ParsedUrl> = parsedString('config.URL', undefined, (text) => parseGoUrl(text));
