// `promgate certs`: a CA and a serving certificate signed by it, as four PEM files.
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { CERTIFICATE_FILES, writeCertificateSet } from '../../certs/files.js';
import {
  DEFAULT_DNS_NAMES,
  DEFAULT_IP_ADDRESSES,
  DEFAULT_VALIDITY_DAYS,
  dnsNameProblem,
} from '../../certs/generate.js';
import { EXIT_OK, UsageError, parseFlags, writeLine, type Command } from '../usage.js';

const usage = `promgate certs --out DIR [--dns NAME ...] [--ip ADDRESS ...] [--days N]

Writes ${Object.values(CERTIFICATE_FILES).join(', ')} (PEM) into DIR. --dns and --ip replace the
defaults (DNS: ${DEFAULT_DNS_NAMES.join(', ')}; IP: ${DEFAULT_IP_ADDRESSES.join(', ')}).
--days sets the validity of both certificates (default ${DEFAULT_VALIDITY_DAYS}).`;

export const certsCommand: Command = {
  usage,
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      {
        out: { type: 'string' },
        dns: { type: 'string', multiple: true },
        ip: { type: 'string', multiple: true },
        days: { type: 'string' },
      },
      false,
    );
    if (values.out === undefined) throw new UsageError('--out DIR is required');
    const days = values.days === undefined ? DEFAULT_VALIDITY_DAYS : Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > 3650) {
      throw new UsageError(
        `--days: expected a whole number of days from 1 to 3650, got ${JSON.stringify(values.days)}`,
      );
    }
    for (const ip of values.ip ?? []) {
      if (isIP(ip) === 0) throw new UsageError(`--ip: ${JSON.stringify(ip)} is not an IPv4 or IPv6 address`);
    }
    for (const name of values.dns ?? []) {
      const problem = dnsNameProblem(name);
      if (problem) throw new UsageError(`--dns: ${JSON.stringify(name)} is ${problem}`);
    }
    const dir = resolve(values.out);
    await writeCertificateSet(dir, {
      dnsNames: values.dns ?? DEFAULT_DNS_NAMES,
      ipAddresses: values.ip ?? DEFAULT_IP_ADDRESSES,
      validityDays: days,
    });
    writeLine(io.stdout, `wrote ${Object.values(CERTIFICATE_FILES).join(', ')} to ${dir}`);
    return EXIT_OK;
  },
};
