// `promgate certs` refuses a name or address no TLS client would ever match, in one line naming
// the flag (a certificate for them would be written, installed, and fail every handshake).
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const out = (): string => join(mkdtempSync(join(tmpdir(), 'promgate-certs-flags-')), 'out');

t.test('an invalid --ip or --dns is a usage error naming it', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--ip', '300.1.1.1'], /^promgate certs: --ip: "300\.1\.1\.1" is not an IPv4 or IPv6 address\n/],
    [['--ip', 'localhost'], /^promgate certs: --ip: "localhost" is not an IPv4 or IPv6 address\n/],
    [['--dns', 'my webhook'], /^promgate certs: --dns: "my webhook" is not a DNS name \(/],
    [['--dns', ''], /^promgate certs: --dns: "" is not a DNS name/],
    [['--dns=-promgate.svc'], /^promgate certs: --dns: "-promgate\.svc" is not a DNS name/],
    [['--dns', 'promgate..svc'], /^promgate certs: --dns: "promgate\.\.svc" is not a DNS name/],
    [['--dns', `${'a'.repeat(64)}.svc`], /^promgate certs: --dns: "a{64}\.svc" is not a DNS name/],
    [['--dns', `${'a.'.repeat(127)}ab`], /^promgate certs: --dns: "(a\.){127}ab" is longer than 253 characters/],
  ];
  for (const [flags, message] of cases) {
    const result = await runCli(['certs', '--out', out(), ...flags]);
    t.equal(result.code, 2, flags.join(' '));
    t.match(result.stderr, message, flags.join(' '));
    t.notMatch(result.stderr, /\n\s+at /, `${flags.join(' ')}: no stack trace`);
  }
});

t.test('wildcards, IPv6 and upper case are accepted', async (t) => {
  const dir = out();
  const flags = ['--dns', '*.promgate-system.svc', '--dns', 'Promgate.example', '--ip', '::1'];
  const result = await runCli(['certs', '--out', dir, ...flags]);
  t.equal(result.code, 0, result.stderr);
  const serving = new X509Certificate(readFileSync(join(dir, 'tls.crt')));
  t.equal(serving.checkHost('promgate.promgate-system.svc'), '*.promgate-system.svc', 'the wildcard matches');
  t.equal(serving.checkIP('::1'), '::1');
});
