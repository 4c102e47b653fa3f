// The HTTP surface: fastify routes for the two webhooks and the probes. Protocol errors are
// answered here as JSON with the right status code; verdicts come from the Decider.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { isUtf8 } from 'node:buffer';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { performance } from 'node:perf_hooks';
import { answerReview, deadlineFor, type Decider, type Webhook } from '../admission/handler.js';
import { MalformedReviewError, type AdmissionVerdict } from '../admission/review.js';
import type { Readiness } from './health.js';
import type { Metrics } from './metrics.js';

/** The API server writes objects up to 3 MiB, and an UPDATE carries object and oldObject. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface ServerTimeouts {
  /** A client must send its whole request within this time (bounds slow-loris bodies). */
  requestTimeoutMs: number;
  /** Idle keep-alive connections from the API server are kept this long. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = { requestTimeoutMs: 15_000, keepAliveTimeoutMs: 65_000 };

export interface AppOptions {
  metrics: Metrics;
  readiness: Readiness;
  logger: FastifyBaseLogger;
  /** Present on the HTTPS server only; the plain-HTTP metrics server serves probes alone. */
  admission?: { decider: Decider; https: HttpsServerOptions };
  timeouts?: ServerTimeouts;
}

class BadRequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A leading byte-order mark is dropped, as a UTF-8 TextDecoder does, rather than failing JSON.parse. */
function withoutByteOrderMark(body: Buffer): Buffer {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
}

function parseJsonBody(
  _request: FastifyRequest,
  body: Buffer,
  done: (err: Error | null, body?: unknown) => void,
): void {
  // Validated first (one pass, no copy), so that decoding cannot replace bad bytes with U+FFFD.
  if (!isUtf8(body)) {
    done(new BadRequestError(400, 'InvalidUTF8', 'request body is not valid UTF-8'));
    return;
  }
  try {
    done(null, JSON.parse(withoutByteOrderMark(body).toString('utf8')));
  } catch (err) {
    done(new BadRequestError(400, 'InvalidJSON', `request body is not valid JSON: ${(err as Error).message}`));
  }
}

function decisionLabel(verdict: AdmissionVerdict): string {
  if (!verdict.allowed) return 'denied';
  if (verdict.patch.length > 0) return 'patched';
  return verdict.warnings.length > 0 ? 'warned' : 'allowed';
}

/** The `webhook` label of a request: a fixed set, whatever path a client sends. */
function webhookLabel(request: FastifyRequest): Webhook | 'other' {
  const route = request.routeOptions.url;
  return route === '/mutate' || route === '/validate' ? (route.slice(1) as Webhook) : 'other';
}

function errorBody(reason: string, message: string): { error: string; message: string } {
  return { error: reason, message };
}

function registerProbes(app: FastifyInstance, options: AppOptions): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { readiness } = options;
    if (readiness.ready) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', reasons: readiness.reasons });
  });
  app.get('/metrics', async (_request, reply) => {
    const registry = options.metrics.registry;
    return reply.header('content-type', registry.contentType).send(await registry.metrics());
  });
}

function registerWebhook(
  app: FastifyInstance,
  webhook: Webhook,
  decider: Decider,
  metrics: Metrics,
  logger: FastifyBaseLogger,
): void {
  // `timeout` arrives as a string, or as a list when a client repeats it (then it is ignored).
  app.post<{ Querystring: { timeout?: unknown } }>(`/${webhook}`, async (request, reply: FastifyReply) => {
    const startedAtMs = performance.now();
    const deadlineAtMs = deadlineFor(request.query.timeout, Date.now());
    let answered;
    try {
      answered = await answerReview(request.body, webhook, decider, { deadlineAtMs });
    } catch (err) {
      if (err instanceof MalformedReviewError) {
        metrics.malformedRequests.inc({ webhook, reason: 'NotAnAdmissionReview' });
        return reply.code(400).send(errorBody('NotAnAdmissionReview', err.message));
      }
      throw err;
    }
    const { review, verdict, response } = answered;
    const durationMs = performance.now() - startedAtMs;
    const kind = review.request.kind.kind;
    const decision = decisionLabel(verdict);
    const kindLabel = metrics.kindLabel(kind);
    metrics.admissionRequests.inc({ webhook, kind: kindLabel, operation: review.request.operation, decision });
    metrics.admissionDuration.observe({ webhook, kind: kindLabel }, durationMs / 1e3);
    logger.info(
      {
        uid: review.request.uid,
        username: review.request.userInfo.username,
        webhook,
        kind,
        namespace: review.request.namespace,
        name: review.request.name,
        operation: review.request.operation,
        dryRun: review.request.dryRun,
        decision,
        durationMs: Math.round(durationMs * 1e3) / 1e3,
      },
      'admission review answered',
    );
    return reply.send(response);
  });
}

/**
 * Slow-loris bounds. Node applies `requestTimeout` only once the headers are in (`headersTimeout`,
 * 60 s by default, covers them), and checks both only every `connectionsCheckingInterval` (30 s by
 * default): without these a client trickling bytes could hold a connection for a minute or more.
 */
function slowClientLimits(timeouts: ServerTimeouts): { headersTimeout: number; connectionsCheckingInterval: number } {
  return {
    headersTimeout: timeouts.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, timeouts.requestTimeoutMs / 4)),
  };
}

/** Node's client error codes that mean promgate closed the connection, as metric reasons. */
const CLIENT_ERROR_REASONS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
  HPE_HEADER_OVERFLOW: 'header_overflow',
};

/**
 * Counts connections closed without an answer (fastify's own handler writes the 408/431/400).
 * A client that went away (a reset, a broken pipe) is its own doing and not counted.
 */
function countClientErrors(app: FastifyInstance, metrics: Metrics): void {
  const gone = (err: NodeJS.ErrnoException): boolean => err.code === 'ECONNRESET' || err.code === 'EPIPE';
  app.server.on('clientError', (err: NodeJS.ErrnoException) => {
    if (!gone(err)) metrics.clientErrors.inc({ reason: CLIENT_ERROR_REASONS[err.code ?? ''] ?? 'bad_request' });
  });
  app.server.on('tlsClientError', (err: NodeJS.ErrnoException) => {
    if (!gone(err)) metrics.clientErrors.inc({ reason: 'tls_handshake' });
  });
}

export function buildApp(options: AppOptions): FastifyInstance {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const serverOptions = slowClientLimits(timeouts);
  const app = Fastify({
    loggerInstance: options.logger,
    // One log line per review, written by the route with the review's uid, replaces fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (a measurable share of a DaemonSet review): the review's own line
    // carries its uid, and the error handler names the request id itself.
    childLoggerFactory: (logger) => logger,
    bodyLimit: MAX_BODY_BYTES,
    requestTimeout: timeouts.requestTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    return503OnClosing: true,
    ...(options.admission ? { https: { ...options.admission.https, ...serverOptions } } : { http: serverOptions }),
  }) as unknown as FastifyInstance;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, parseJsonBody);

  // Unknown routes are answered before their body is read, and so never reach the JSON parser.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.is404) {
      reply.code(404).send(errorBody('NotFound', `no route ${request.method} ${request.url.split('?')[0]}`));
      return;
    }
    done();
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    const webhook = webhookLabel(request);
    if (err instanceof BadRequestError) {
      options.metrics.malformedRequests.inc({ webhook, reason: err.reason });
      return reply.code(err.statusCode).send(errorBody(err.reason, err.message));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      options.metrics.malformedRequests.inc({ webhook, reason: 'BodyTooLarge' });
      return reply
        .code(413)
        .send(
          errorBody('BodyTooLarge', `request body exceeds ${MAX_BODY_BYTES} bytes (8 MiB), the most promgate reads`),
        );
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_TYPE') {
      options.metrics.malformedRequests.inc({ webhook, reason: 'UnsupportedMediaType' });
      return reply.code(415).send(errorBody('UnsupportedMediaType', 'content-type must be application/json'));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send(errorBody('BadRequest', err.message));
    }
    request.log.error({ err, reqId: request.id }, 'unhandled error while answering a request');
    return reply.code(500).send(errorBody('InternalError', 'promgate failed to answer; see its log'));
  });

  countClientErrors(app, options.metrics);
  registerProbes(app, options);
  if (options.admission) {
    registerWebhook(app, 'mutate', options.admission.decider, options.metrics, options.logger);
    registerWebhook(app, 'validate', options.admission.decider, options.metrics, options.logger);
  }
  return app;
}
