// config.URL (prometheus/common): a string parsed with Go's net/url.Parse. This reproduces every
// error url.Parse of Go 1.19 to 1.23 (the toolchains of Prometheus 2.42 to 2.55) returns, in its
// order: control characters, the scheme, a colon in the first path segment, the host and port,
// the user information, escapes in the path and fragment (never in the query, nor in an opaque
// URL such as `host:9090`, read as scheme `host`). It does not normalise anything.
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

/** Go's net/url encoding modes, as far as url.Parse uses them. */
type Mode = 'host' | 'zone' | 'userPassword' | 'path' | 'fragment';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const HOST_EXTRA = new Set(['!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', ':', '[', ']', '<', '>', '"']);

/** net/url shouldEscape, for the modes unescape asks it about (hosts and zones). */
function shouldEscapeInHost(c: string): boolean {
  return !UNRESERVED.test(c) && !HOST_EXTRA.has(c);
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

/** net/url unescape's checks: a bad `%` escape, an ASCII escape or character a host cannot hold. */
function unescapeProblem(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      const escape = s.slice(i, i + 3);
      const value = parseInt(escape.slice(1), 16);
      // In a host, %-escapes are for non-ASCII bytes only, and %25 for a zone's percent sign.
      if (mode === 'host' && value < 0x80 && escape !== '%25') return `invalid URL escape ${goQuote(escape)}`;
      if (mode === 'zone' && escape !== '%25' && value !== 0x20 && value < 0x80) {
        if (shouldEscapeInHost(String.fromCharCode(value))) return `invalid URL escape ${goQuote(escape)}`;
      }
      i += 2;
    } else if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscapeInHost(c)) {
      return `invalid character ${goQuote(c)} in host name`;
    }
  }
  return undefined;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** net/url parseHost (Go 1.19 to 1.23, the toolchains of Prometheus 2.42 to 2.55). */
function hostProblem(host: string): string | undefined {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return "missing ']' in host";
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return `invalid port ${goQuote(colonPort)} after host`;
    const zone = host.slice(0, close).indexOf('%25');
    if (zone >= 0) {
      return (
        unescapeProblem(host.slice(0, zone), 'host') ??
        unescapeProblem(host.slice(zone, close), 'zone') ??
        unescapeProblem(host.slice(close), 'host')
      );
    }
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) {
      return `invalid port ${goQuote(host.slice(colon))} after host`;
    }
  }
  return unescapeProblem(host, 'host');
}

const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

/** net/url parseAuthority: the host first, then the user information before the last `@`. */
function authorityProblem(authority: string): string | undefined {
  const at = authority.lastIndexOf('@');
  const problem = hostProblem(at < 0 ? authority : authority.slice(at + 1));
  if (problem !== undefined || at < 0) return problem;
  const userinfo = authority.slice(0, at);
  if (!USERINFO.test(userinfo)) return 'net/url: invalid userinfo';
  const colon = userinfo.indexOf(':');
  if (colon < 0) return unescapeProblem(userinfo, 'userPassword');
  return (
    unescapeProblem(userinfo.slice(0, colon), 'userPassword') ??
    unescapeProblem(userinfo.slice(colon + 1), 'userPassword')
  );
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** net/url getScheme: letters, then letters, digits, `+`, `-` or `.`, up to the first `:`. */
function splitScheme(text: string): { scheme: string; rest: string } | { problem: string } {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return { problem: 'missing protocol scheme' };
      return { scheme: text.slice(0, i).toLowerCase(), rest: text.slice(i + 1) };
    }
    break;
  }
  return { scheme: '', rest: text };
}

/** Go's url.Parse, reduced to the checks that make it fail (Go 1.19 to 1.23). Errors quote the URL
 *  without its fragment, except for a bad escape in the fragment itself. */
export function parseGoUrl(text: string): ParsedUrl | { error: string } {
  const hash = text.indexOf('#');
  const beforeFragment = hash < 0 ? text : text.slice(0, hash);
  if (hasControlCharacter(beforeFragment)) {
    return parseError(beforeFragment, 'net/url: invalid control character in URL');
  }
  const split = splitScheme(beforeFragment);
  if ('problem' in split) return parseError(beforeFragment, split.problem);
  const { scheme } = split;
  let rest = split.rest;
  // The query is kept as written: url.Parse never checks its escapes.
  rest = rest.endsWith('?') && rest.indexOf('?') === rest.length - 1 ? rest.slice(0, -1) : rest.split('?')[0]!;
  let host = '';
  let hasUser = false;
  let path = rest;
  let problem: string | undefined;
  if (!rest.startsWith('/') && scheme !== '') {
    // An opaque URL (`mailto:x`, `host:port` read as scheme `host`): nothing more is checked.
    path = '';
  } else if (!rest.startsWith('/') && (rest.split('/')[0] ?? '').includes(':')) {
    problem = 'first path segment in URL cannot contain colon';
  } else {
    if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
      const authorityEnd = rest.indexOf('/', 2);
      const authority = authorityEnd < 0 ? rest.slice(2) : rest.slice(2, authorityEnd);
      path = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
      const at = authority.lastIndexOf('@');
      hasUser = at >= 0;
      host = at >= 0 ? authority.slice(at + 1) : authority;
      problem = authorityProblem(authority);
    }
    problem ??= unescapeProblem(path, 'path');
  }
  if (problem !== undefined) return parseError(beforeFragment, problem);
  if (hash >= 0) {
    const fragmentProblem = unescapeProblem(text.slice(hash + 1), 'fragment');
    if (fragmentProblem !== undefined) return parseError(text, fragmentProblem);
  }
  return { text, scheme, host, path, hasUser };
}

/** config.URL as a field type. */
export const url: FieldType<ParsedUrl> = parsedString('config.URL', undefined, (text) => parseGoUrl(text));
