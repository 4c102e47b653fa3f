// `promgate serve`: the webhook server. Without certificate flags it serves a development set it
// creates under certs/, so `npm start` works on a laptop with no cluster.
import { join, resolve } from 'node:path';
import { pino, type Level, type Logger } from 'pino';
import {
  CERTIFICATE_FILES,
  ensureDevelopmentCertificates,
  type DevelopmentCertificateStatus,
} from '../../certs/files.js';
import { systemErrorText } from '../../common/errors.js';
import type { KubeConfig } from '@kubernetes/client-node';
import { loadConfig } from '../../config/load.js';
import { DEFAULT_CERT_DIR, reconcileCertificates, startCertificateRenewal } from '../../kube/certificate-bootstrap.js';
import { loadKubeConfig, podNamespace, type KubeConfigOptions } from '../../kube/client.js';
import { KubeConfigError, isClusterAccessError } from '../../kube/errors.js';
import { startBackgroundAudit } from '../../server/background-audit.js';
import { clusterEventsApi } from '../../kube/events.js';
import { checkRegistrations } from '../../server/registration-check.js';
import { createReportPublisher } from '../../server/report-publisher.js';
import { clusterReportStore } from '../../reports/cluster.js';
import { defaultPoolSize } from '../../server/worker-pool.js';
import { ListenError, createJudging, startServer, type RunningServer, type ServeOptions } from '../../server/serve.js';
import { CertificateError, type CertificatePaths } from '../../server/tls.js';
import {
  EXIT_OK,
  InputError,
  UsageError,
  kubeConfigOptions,
  parseCountFlag,
  parseDurationFlag,
  parseFlags,
  parsePort,
  type Command,
} from '../usage.js';

const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

const usage = `promgate serve [--config FILE] [--port 8443] [--metrics-port 8080] [--host 0.0.0.0]
               [--tls-cert FILE --tls-key FILE | --cert-dir DIR | --bootstrap-certs [--cert-dir DIR]]
               [--audit-interval 5m] [--kubeconfig FILE] [--context NAME]
               [--shutdown-delay 2s] [--log-level info] [--workers N]

Serves POST /mutate and /validate over HTTPS on --port, and /healthz, /readyz, /metrics on both
ports (plain HTTP on --metrics-port).
Certificates: --tls-cert/--tls-key (reloaded when they change); or --bootstrap-certs, which keeps
a CA and serving certificate in the Secret promgate-tls of promgate's namespace (POD_NAMESPACE),
writes them to --cert-dir (default ${DEFAULT_CERT_DIR}), patches the caBundle of the webhook
configurations named promgate, and renews before expiry; otherwise tls.crt/tls.key in --cert-dir
(default: certs/), where a development set is created when missing.
Every --audit-interval (0 turns it off) the cluster is audited like \`promgate audit\` into the
promgate_audit_violations gauge and, with reports.enabled and a report CRD installed, into
policy reports (like \`promgate audit --write-reports\`), when Kubernetes credentials are found;
at start-up and in every round the webhook configurations are compared with the configuration
like \`promgate check-install\` (promgate_webhook_registration_mismatches), when the credentials
may read them.
Large ConfigMaps are judged in --workers worker threads (default: the CPUs the container may use,
by its cgroup CPU limit; 0 judges everything on the event loop).
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
  let status: DevelopmentCertificateStatus;
  try {
    ({ status } = await ensureDevelopmentCertificates(dir));
  } catch (err) {
    throw new InputError(`cannot create a development certificate set in ${dir}: ${systemErrorText(err)}`, {
      cause: err,
    });
  }
  return {
    paths: { certFile: join(dir, CERTIFICATE_FILES.tlsCert), keyFile: join(dir, CERTIFICATE_FILES.tlsKey) },
    created: status !== 'existing',
  };
}

/**
 * Kubernetes credentials for the bootstrap and the background audit. Required with
 * --bootstrap-certs or an explicit --kubeconfig; otherwise (a laptop running `npm start`) their
 * absence only turns the background audit off.
 */
function clusterAccess(options: KubeConfigOptions, required: boolean, logger: Logger): KubeConfig | undefined {
  try {
    return loadKubeConfig(options);
  } catch (err) {
    if (!(err instanceof KubeConfigError)) throw err;
    if (required || options.kubeconfig !== undefined) throw new InputError(err.message, { cause: err });
    logger.info({ reason: err.message }, 'no Kubernetes credentials: background audit is off');
    return undefined;
  }
}

/**
 * Starts the listeners; what an operator must fix (a port in use, a missing or mismatched
 * certificate or key) becomes one line naming the flag, and the worker pool is stopped, since the
 * process has nothing left to serve.
 */
async function startListening(options: ServeOptions, close: () => Promise<void>): Promise<RunningServer> {
  try {
    return await startServer(options);
  } catch (err) {
    await close();
    if (err instanceof ListenError) {
      const flag = err.listener === 'webhooks' ? '--port' : '--metrics-port';
      throw new InputError(`${flag} ${err.port}: ${err.message}`, { cause: err });
    }
    if (err instanceof CertificateError) throw new InputError(err.message, { cause: err });
    throw err;
  }
}

/** Cluster errors during start-up are unusable input (exit 2), reported in one line. */
async function asInput<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (isClusterAccessError(err)) throw new InputError(err.message, { cause: err });
    throw err;
  }
}

export const serveCommand: Command = {
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
        'bootstrap-certs': { type: 'boolean' },
        'audit-interval': { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        'shutdown-delay': { type: 'string' },
        'log-level': { type: 'string' },
        workers: { type: 'string' },
      },
      false,
    );
    if (values['bootstrap-certs'] && (values['tls-cert'] !== undefined || values['tls-key'] !== undefined)) {
      throw new UsageError('--bootstrap-certs manages its own certificate: drop --tls-cert/--tls-key');
    }
    const level = (values['log-level'] ?? 'info') as Level;
    if (!LOG_LEVELS.includes(level)) throw new UsageError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}`);
    const config = loadConfig(values.config);
    const port = parsePort(values.port, '--port', 8443);
    const metricsPort = parsePort(values['metrics-port'], '--metrics-port', 8080);
    const shutdownDelayMs = parseDurationFlag(values['shutdown-delay'], '--shutdown-delay', 2000);
    const auditIntervalMs = parseDurationFlag(values['audit-interval'], '--audit-interval', 5 * 60_000);
    const workers = parseCountFlag(values.workers, '--workers', defaultPoolSize());
    const logger = pino({ level, base: { service: 'promgate' } });
    const kubeConfig = clusterAccess(kubeConfigOptions(values), values['bootstrap-certs'] === true, logger);

    let startRenewal: (() => () => Promise<void>) | undefined;
    let certificatePaths: CertificatePaths;
    if (values['bootstrap-certs'] && kubeConfig) {
      const bootstrap = {
        kubeConfig,
        namespace: await asInput(async () => podNamespace()),
        certDir: resolve(values['cert-dir'] ?? DEFAULT_CERT_DIR),
        logger,
      };
      const result = await asInput(() => reconcileCertificates(bootstrap));
      logger.info({ secret: result.secret, renewAt: result.renewAt }, 'serving certificate bootstrapped');
      startRenewal = () =>
        startCertificateRenewal({
          ...bootstrap,
          onError: (err) => logger.warn({ err }, 'certificate renewal failed; retrying on the next round'),
        });
      certificatePaths = {
        certFile: join(bootstrap.certDir, CERTIFICATE_FILES.tlsCert),
        keyFile: join(bootstrap.certDir, CERTIFICATE_FILES.tlsKey),
      };
    } else {
      const certificate = await resolveCertificate(values);
      if (certificate.created) {
        logger.info({ certFile: certificate.paths.certFile }, 'created a development certificate set');
      }
      certificatePaths = certificate.paths;
    }

    const { metrics, pool, judge, decider, events } = createJudging(
      config,
      logger,
      workers,
      kubeConfig ? clusterEventsApi(kubeConfig) : undefined,
    );
    const server = await startListening(
      {
        host: values.host ?? '0.0.0.0',
        port,
        metricsPort,
        certificate: certificatePaths,
        decider,
        metrics,
        logger,
        shutdownDelayMs,
      },
      async () => pool?.close(),
    );
    // Renewal rewrites the files the server watches: it starts once there is a server to reload.
    const stopRenewal = startRenewal?.() ?? (async () => undefined);
    logger.info({ port: server.port, metricsPort: server.metricsPort, workers: pool?.size ?? 0 }, 'promgate serving');
    // Every audit round starts by checking the webhook registrations; without rounds, once now.
    if (kubeConfig && auditIntervalMs === 0) void checkRegistrations({ kubeConfig, config, metrics, logger });
    const stopAudit =
      kubeConfig && auditIntervalMs > 0
        ? startBackgroundAudit({
            kubeConfig,
            config,
            metrics,
            logger,
            intervalMs: auditIntervalMs,
            judge,
            ...(events ? { events } : {}),
            ...(config.reports.enabled
              ? { reports: createReportPublisher({ store: clusterReportStore(kubeConfig), metrics, logger }) }
              : {}),
          })
        : async () => undefined;

    await new Promise<void>((done) => {
      const stop = (signal: NodeJS.Signals): void => {
        logger.info({ signal }, 'received signal');
        // Readiness turns false and the drain starts at once; meanwhile the audit round is cut
        // short and a renewal round takes no further step (its API call in flight gets a few
        // seconds). Workers go last: reviews in flight may still need them.
        void Promise.all([server.shutdown(), stopAudit(), stopRenewal()])
          .then(() => pool?.close())
          .catch((err: unknown) => logger.error({ err }, 'shutdown did not finish cleanly'))
          .then(done);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return EXIT_OK;
  },
};
