// The on-disk form of a certificate set: `ca.crt ca.key tls.crt tls.key` in one directory, the
// names Kubernetes uses for a kubernetes.io/tls Secret, so a mounted Secret and a generated
// directory look the same to the server.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CertificateSet, type ServingCertificateOptions, generateCertificateSet } from './generate.js';
import { certificateNotAfter } from './inspect.js';

export const CERTIFICATE_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  tlsCert: 'tls.crt',
  tlsKey: 'tls.key',
} as const satisfies Record<keyof CertificateSet, string>;

const KEY_FILE_MODE = 0o600;
const CERT_FILE_MODE = 0o644;

// Keys before certificates: a server reloading on the certificate's change then finds its key.
const WRITE_ORDER: readonly (keyof CertificateSet)[] = ['caKey', 'caCert', 'tlsKey', 'tlsCert'];

/**
 * Writes the set into `dir`, each file replaced atomically (write a temporary file, then rename) so
 * a server reloading on change never reads half a PEM. Unchanged files are left untouched, so
 * rewriting the same set triggers no reload. Returns the names of the files that changed.
 */
export async function writeCertificateFiles(dir: string, set: CertificateSet): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const current = await readCertificateFiles(dir, { partial: true });
  const changed: string[] = [];
  for (const field of WRITE_ORDER) {
    if (current?.[field] === set[field]) continue;
    const file = join(dir, CERTIFICATE_FILES[field]);
    const temporary = `${file}.${process.pid}.tmp`;
    const mode = field === 'caKey' || field === 'tlsKey' ? KEY_FILE_MODE : CERT_FILE_MODE;
    await writeFile(temporary, set[field], { mode });
    await rename(temporary, file);
    changed.push(CERTIFICATE_FILES[field]);
  }
  return changed;
}

/** Generates a fresh CA and serving certificate and writes them to `dir` (what `promgate certs` does). */
export async function writeCertificateSet(
  dir: string,
  options: ServingCertificateOptions = {},
): Promise<CertificateSet> {
  const set = generateCertificateSet(options);
  await writeCertificateFiles(dir, set);
  return set;
}

/**
 * Reads the four files. Undefined when any is missing; with `partial`, the files that exist.
 * Other read errors (permissions) are thrown: they need a person, not a regenerated CA.
 */
export async function readCertificateFiles(dir: string): Promise<CertificateSet | undefined>;
export async function readCertificateFiles(
  dir: string,
  options: { partial: true },
): Promise<Partial<CertificateSet> | undefined>;
export async function readCertificateFiles(
  dir: string,
  options: { partial?: boolean } = {},
): Promise<Partial<CertificateSet> | undefined> {
  const set: Partial<CertificateSet> = {};
  let missing = false;
  for (const field of WRITE_ORDER) {
    try {
      set[field] = await readFile(join(dir, CERTIFICATE_FILES[field]), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing = true;
    }
  }
  return missing && !options.partial ? undefined : set;
}

export type DevelopmentCertificateStatus = 'existing' | 'created' | 'replaced-expired';

/**
 * Used by `npm start`: makes sure `dir` holds a usable development set. Existing files are kept as
 * they are (an admin may have put their own there) unless the serving certificate has expired.
 */
export async function ensureDevelopmentCertificates(
  dir: string,
  now: Date = new Date(),
): Promise<{ status: DevelopmentCertificateStatus; set: CertificateSet }> {
  const existing = await readCertificateFiles(dir);
  if (existing && certificateNotAfter(existing.tlsCert) > now) return { status: 'existing', set: existing };
  const set = await writeCertificateSet(dir);
  return { status: existing ? 'replaced-expired' : 'created', set };
}
