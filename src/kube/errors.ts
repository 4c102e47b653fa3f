// One error type for every failed call to the Kubernetes API, with a one-line message an admin
// can act on. @kubernetes/client-node throws a multi-line ApiException (code, raw body, headers)
// or a bare network error; `promgate audit` prints this message and exits 2.
import { ApiException } from '@kubernetes/client-node';

export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    message: string,
    /** HTTP status, when the API server answered at all. */
    readonly statusCode: number | undefined,
    /** The Status `reason` (`NotFound`, `AlreadyExists`, `Conflict`, ...) or the network error code. */
    readonly reason: string | undefined,
    options?: { cause?: unknown; status?: KubeStatus },
  ) {
    super(message, options);
    this.status = options?.status;
  }

  /** The API server's Status object, when it sent one. */
  readonly status: KubeStatus | undefined;
}

/** Problems with the kubeconfig itself (no file, unknown context): also exit code 2. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

/** The parts of a meta/v1 Status promgate reads. */
export interface KubeStatus {
  kind?: string;
  message?: string;
  reason?: string;
  /** On 410 Expired: a token to continue the list from, without the snapshot guarantee. */
  metadata?: { continue?: string };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const HINTS: Record<number, string> = {
  401: 'the API server rejected the credentials (expired token or certificate?)',
  403: 'the user lacks RBAC permission',
};

function parseStatus(body: unknown): KubeStatus | undefined {
  if (typeof body === 'string') {
    try {
      return parseStatus(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  if (typeof body === 'object' && body !== null && (body as KubeStatus).kind === 'Status') return body as KubeStatus;
  return undefined;
}

/** The error code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, ...) somewhere in a fetch error's cause chain. */
function networkErrorCode(err: unknown): string | undefined {
  for (let current = err, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.length > 0) return code;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Wraps whatever the client threw. `action` says what promgate was doing, e.g.
 * `list daemonsets in all namespaces`; `server` is the API server URL, named in network errors.
 */
export function toKubeApiError(err: unknown, action: string, server: string | undefined): KubeApiError {
  if (err instanceof KubeApiError) return err;
  if (err instanceof ApiException) {
    const code = err.code;
    const status = parseStatus(err.body);
    const label = `${code} ${STATUS_TEXT[code] ?? 'error'}`;
    const detail = status?.message && status.message !== STATUS_TEXT[code] ? status.message : HINTS[code];
    return new KubeApiError(
      `cannot ${action}: ${label}${detail ? `: ${detail}` : ''}`,
      code,
      status?.reason ?? STATUS_TEXT[code]?.replaceAll(' ', ''),
      { cause: err, ...(status ? { status } : {}) },
    );
  }
  const code = networkErrorCode(err);
  const where = server ? ` at ${server}` : '';
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new KubeApiError(
    `cannot ${action}: no connection to the API server${where}: ${code ? `${code}: ` : ''}${message}`,
    undefined,
    code,
    { cause: err },
  );
}

export function isStatus(err: unknown, statusCode: number, reason?: string): boolean {
  return (
    err instanceof KubeApiError && err.statusCode === statusCode && (reason === undefined || err.reason === reason)
  );
}

/** Errors that mean "the cluster could not be used": `promgate audit` exits 2 on these. */
export function isClusterAccessError(err: unknown): err is KubeApiError | KubeConfigError {
  return err instanceof KubeApiError || err instanceof KubeConfigError;
}
