// `promgate serve`: the webhook server. Without certificate flags it serves a development set it
// creates under certs/, so `npm start` works on a laptop with no cluster.
import { join, resolve } from 'node:path';
import { pino, type Level } from 'pino';
import { CERTIFICATE_FILES, ensureDevelopmentCertificates } from '../../certs/files.js';
import { loadConfig } from '../../config/load.js';
import { createMetrics } from '../../server/metrics.js';
import { createPolicyDecider } from '../../server/policy-decider.js';
import { startServer } from '../../server/serve.js';
import type { CertificatePaths } from '../../server/tls.js';
import { EXIT_OK, UsageError, parseDurationFlag, parseFlags, parsePort, type Command } from '../usage.js';

const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

const usage = `promgate serve [--config FILE] [--port 8443] [--metrics-port 8080] [--host 0.0.0.0]
               [--tls-cert FILE --tls-key FILE | --cert-dir DIR]
               [--shutdown-delay 2s] [--log-level info]

Serves POST /mutate and /validate over HTTPS on --port, and /healthz, /readyz, /metrics on both
ports (plain HTTP on --metrics-port). Without --tls-cert/--tls-key it uses ca.crt/tls.crt/tls.key
in --cert-dir (default: certs/), creating a development set there when missing.
SIGTERM or SIGINT: readiness turns false, after --shutdown-delay the listeners close once
in-flight reviews are answered, then promgate exits 0.`;

async function resolveCertificate(values: {
  'tls-cert'?: string | undefined;
  'tls-key'?: string | undefined;
  'cert-dir'?: string | undefined;
}): Promise<{ paths: CertificatePaths; created: boolean }> {
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  if (certFile !== undefined && keyFile !== undefined) {
    if (values['cert-dir'] !== undefined)
      throw new UsageError('--cert-dir cannot be combined with --tls-cert/--tls-key');
    return { paths: { certFile: resolve(certFile), keyFile: resolve(keyFile) }, created: false };
  }
  const dir = resolve(values['cert-dir'] ?? 'certs');
  const { status } = await ensureDevelopmentCertificates(dir);
  return {
    paths: { certFile: join(dir, CERTIFICATE_FILES.tlsCert), keyFile: join(dir, CERTIFICATE_FILES.tlsKey) },
    created: status !== 'existing',
  };
}

export const serveCommand: Command = {
  summary: 'serve the admission webhooks, probes and metrics',
  usage,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      {
        config: { type: 'string' },
        port: { type: 'string' },
        'metrics-port': { type: 'string' },
        host: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'cert-dir': { type: 'string' },
        'shutdown-delay': { type: 'string' },
        'log-level': { type: 'string' },
      },
      false,
    );
    const level = (values['log-level'] ?? 'info') as Level;
    if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}`);
    const config = loadConfig(values.config);
    const port = parsePort(values.port, '--port', 8443);
    const metricsPort = parsePort(values['metrics-port'], '--metrics-port', 8080);
    const shutdownDelayMs = parseDurationFlag(values['shutdown-delay'], '--shutdown-delay', 2000);
    const logger = pino({ level, base: { service: 'promgate' } });
    const certificate = await resolveCertificate(values);
    if (certificate.created)
      logger.info({ certFile: certificate.paths.certFile }, 'created a development certificate set');

    const metrics = createMetrics();
    const server = await startServer({
      host: values.host ?? '0.0.0.0',
      port,
      metricsPort,
      certificate: certificate.paths,
      decider: createPolicyDecider(config, metrics, logger),
      metrics,
      logger,
      shutdownDelayMs,
    });
    logger.info({ port: server.port, metricsPort: server.metricsPort }, 'promgate serving');

    await new Promise<void>((done) => {
      const stop = (signal: NodeJS.Signals): void => {
        logger.info({ signal }, 'received signal');
        void server.shutdown().then(done);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return EXIT_OK;
  },
};
