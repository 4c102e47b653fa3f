// Starts promgate's two listeners (HTTPS webhooks + probes, plain-HTTP probes + metrics), keeps
// the serving certificate fresh, and shuts down the way Kubernetes expects: readiness goes false,
// in-flight reviews finish, then the listeners close. `createJudging` assembles what the webhooks
// judge with, for `promgate serve` and the benchmark alike.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Decider } from '../admission/handler.js';
import { systemErrorText } from '../common/errors.js';
import type { PromgateConfig } from '../config/schema.js';
import { EventRecorder, type EventsApi } from '../kube/events.js';
import { buildApp, type ServerTimeouts } from './app.js';
import { Readiness } from './health.js';
import { createJudge, type Judge } from './judge.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createPolicyDecider } from './policy-decider.js';
import { DecidePool } from './worker-pool.js';
import { loadCertificate, watchCertificate, type CertificatePaths, type LoadedCertificate } from './tls.js';

export interface ServeOptions {
  host: string;
  port: number;
  metricsPort: number;
  certificate: CertificatePaths;
  decider: Decider;
  metrics: Metrics;
  logger: FastifyBaseLogger;
  /** Time between readiness going false and the listeners closing, for endpoints to catch up. */
  shutdownDelayMs: number;
  timeouts?: ServerTimeouts;
}

export type Listener = 'webhooks' | 'probes';

/** Node's own listen backlog, kept where the kernel does not say how much it allows. */
const NODE_DEFAULT_BACKLOG = 511;

/**
 * How many connections may wait to be accepted. Node asks for 511; a burst of new connections
 * beyond that (the API server opening one per concurrent admission) overflows the kernel's
 * queues, and the connections its SYN cookies cannot restore are reset. Like Go's net package
 * (the API server's own), ask for what net.core.somaxconn allows, which Linux caps it to anyway.
 */
export function listenBacklog(): number {
  try {
    const allowed = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim());
    if (Number.isSafeInteger(allowed) && allowed > 0) return Math.min(allowed, 65_535);
  } catch {
    // Not Linux: the platform's own limit applies to Node's default.
  }
  return NODE_DEFAULT_BACKLOG;
}

/** A listener could not open its port (in use, privileged, an address this machine lacks). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    readonly listener: Listener,
    readonly port: number,
    host: string,
    cause: unknown,
  ) {
    super(`cannot listen on ${host}:${port} for the ${listener}: ${systemErrorText(cause)}`, { cause });
  }
}

export interface RunningServer {
  port: number;
  metricsPort: number;
  readiness: Readiness;
  /** Resolves when both listeners are closed and in-flight requests have been answered. */
  shutdown(): Promise<void>;
}

function listeningPort(app: FastifyInstance): number {
  return (app.server.address() as AddressInfo).port;
}

function recordCertificate(metrics: Metrics, loaded: LoadedCertificate): void {
  metrics.certificateExpiry.set({ certificate: 'serving' }, loaded.notAfter.getTime() / 1000);
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const readiness = new Readiness(['certificate']);
  const { metrics, logger } = options;
  const certificate = loadCertificate(options.certificate);
  recordCertificate(metrics, certificate);

  const common = { metrics, readiness, logger, ...(options.timeouts ? { timeouts: options.timeouts } : {}) };
  const webhookApp = buildApp({ ...common, admission: { decider: options.decider, https: certificate.options } });
  const probeApp = buildApp(common);

  const stopWatching = watchCertificate(options.certificate, certificate, {
    onReload(loaded) {
      (webhookApp.server as HttpsServer).setSecureContext(loaded.options);
      recordCertificate(metrics, loaded);
      logger.info(
        { certFile: options.certificate.certFile, notAfter: loaded.notAfter },
        'serving certificate reloaded',
      );
    },
    onError(err) {
      logger.warn({ err }, 'serving certificate changed but could not be loaded; keeping the previous one');
    },
  });

  const listen = async (app: FastifyInstance, listener: Listener, port: number): Promise<void> => {
    try {
      await app.listen({ host: options.host, port, backlog: listenBacklog() });
    } catch (err) {
      throw new ListenError(listener, port, options.host, err);
    }
  };
  try {
    await listen(webhookApp, 'webhooks', options.port);
    await listen(probeApp, 'probes', options.metricsPort);
  } catch (err) {
    stopWatching();
    await Promise.allSettled([webhookApp.close(), probeApp.close()]);
    throw err;
  }
  readiness.satisfy('certificate');

  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closing ??= (async () => {
      readiness.beginShutdown();
      logger.info({ delayMs: options.shutdownDelayMs }, 'shutting down: readiness is false, draining');
      await new Promise((resolve) => setTimeout(resolve, options.shutdownDelayMs));
      stopWatching();
      await Promise.all([webhookApp.close(), probeApp.close()]);
      logger.info({}, 'shut down');
    })();
    return closing;
  };

  return { port: listeningPort(webhookApp), metricsPort: listeningPort(probeApp), readiness, shutdown };
}

export interface Judging {
  metrics: Metrics;
  /** Present when Events are on and promgate has Kubernetes credentials. */
  events?: EventRecorder;
  /** Absent with 0 workers: everything is judged on the event loop. */
  pool?: DecidePool;
  judge: Judge;
  decider: Decider;
}

/**
 * How `serve` judges: the worker pool, the judge that uses it, the webhooks' decider and, given
 * the cluster's Events API, the recorder its denials and audit findings go to.
 */
export function createJudging(
  config: PromgateConfig,
  logger: FastifyBaseLogger,
  workers: number,
  eventsApi?: EventsApi,
): Judging {
  const metrics = createMetrics();
  // Large ConfigMaps are judged in worker threads so that they never stall other reviews.
  const pool = workers > 0 ? new DecidePool({ config, logger, size: workers }) : undefined;
  if (pool) metrics.observePool(() => pool.load());
  const judge = createJudge(config, logger, pool ? { pool } : {});
  const events =
    eventsApi && config.events.enabled
      ? new EventRecorder({ api: eventsApi, logger, onDropped: (reason) => metrics.eventsDropped.inc({ reason }) })
      : undefined;
  const decider = createPolicyDecider(config, metrics, logger, judge, events);
  return { metrics, ...(pool ? { pool } : {}), ...(events ? { events } : {}), judge, decider };
}
