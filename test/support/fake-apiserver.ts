// A small in-process Kubernetes API server for tests: real HTTPS, the API server's real URL paths,
// List/Status JSON shaped as kube-apiserver shapes it, resourceVersion preconditions, pagination
// with `limit`/`continue`, bearer-token authentication and a pluggable authorizer. Tests drive it
// with the real @kubernetes/client-node through `kubeConfig()`, so what passes here is what the
// client library actually sends and parses.
//
// Not emulated: watches, field/label selectors, defaulting, most validation, and the list-merge
// rules of strategic merge patch (it is applied as a JSON merge patch, which is the same for the
// map-shaped changes promgate makes).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { type CertificateSet, generateCertificateSet } from '../../src/certs/generate.js';

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export const DEFAULT_RESOURCE_TYPES: readonly ResourceType[] = [
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'mutatingwebhookconfigurations',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingwebhookconfigurations',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
  },
];

export type Verb = 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';

/** What the authorizer and request hooks see: the API server's own request attributes. */
export interface ApiRequest {
  verb: Verb;
  method: string;
  path: string;
  query: URLSearchParams;
  user: string;
  resource: ResourceType;
  namespace?: string;
  name?: string;
  contentType?: string;
  body?: unknown;
}

export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface FakeApiServerOptions {
  /** Bearer token → user name. Default: `test-token` → `test-user`. */
  tokens?: Record<string, string>;
  /** Return false to answer 403 Forbidden. Default: everything is allowed. */
  authorize?: (request: ApiRequest) => boolean;
  resourceTypes?: readonly ResourceType[];
}

interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

class StatusError extends Error {
  constructor(readonly status: StatusBody) {
    super(status.message);
  }
}

const CONTINUE_TOKEN_VERSION = 'meta.k8s.io/v1';

// Key generation dominates start-up; every fake server in a test process shares one certificate.
let serverCertificates: CertificateSet | undefined;
function sharedServerCertificates(): CertificateSet {
  serverCertificates ??= generateCertificateSet({
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    validityDays: 1,
  });
  return serverCertificates;
}

export class FakeApiServer {
  readonly caCert: string;
  /** Every request that reached routing, in arrival order (tests assert on verbs and content types). */
  readonly requests: ApiRequest[] = [];
  /** Runs before each request is handled; a test may await here to force an interleaving. */
  beforeHandle: ((request: ApiRequest) => Promise<void> | void) | undefined;
  authorize: (request: ApiRequest) => boolean;
  private readonly tokens: Record<string, string>;
  private readonly resourceTypes: readonly ResourceType[];
  private readonly objects = new Map<string, StoredObject>();
  private resourceVersion = 1000;
  /** Continue tokens from snapshots at or below this resourceVersion answer 410 Expired. */
  private compactedResourceVersion = 0;
  private readonly server: Server;
  private address: AddressInfo | undefined;

  constructor(options: FakeApiServerOptions = {}) {
    this.tokens = options.tokens ?? { 'test-token': 'test-user' };
    this.authorize = options.authorize ?? (() => true);
    this.resourceTypes = options.resourceTypes ?? DEFAULT_RESOURCE_TYPES;
    const certs = sharedServerCertificates();
    this.caCert = certs.caCert;
    this.server = createServer({ cert: certs.tlsCert, key: certs.tlsKey }, (req, res) => {
      void this.handle(req, res);
    });
  }

  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const server = new FakeApiServer(options);
    await new Promise<void>((resolve) => server.server.listen(0, '127.0.0.1', resolve));
    server.address = server.server.address() as AddressInfo;
    return server;
  }

  get url(): string {
    if (!this.address) throw new Error('fake API server not started');
    return `https://127.0.0.1:${this.address.port}`;
  }

  /** A KubeConfig for this server, as a kubeconfig file with a token user would give. */
  kubeConfig(options: { token?: string; namespace?: string } = {}): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        { name: 'fake', server: this.url, caData: Buffer.from(this.caCert).toString('base64'), skipTLSVerify: false },
      ],
      users: [{ name: 'tester', token: options.token ?? Object.keys(this.tokens)[0] }],
      contexts: [
        {
          name: 'fake',
          cluster: 'fake',
          user: 'tester',
          ...(options.namespace ? { namespace: options.namespace } : {}),
        },
      ],
      currentContext: 'fake',
    });
    return kc;
  }

  /** The same, as the text of a kubeconfig file (for `promgate audit --kubeconfig FILE` tests). */
  kubeconfigText(options: { token?: string; namespace?: string } = {}): string {
    return this.kubeConfig(options).exportConfig();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Stores objects directly (test fixtures), assigning uid and resourceVersion like a create. */
  put(...objects: StoredObject[]): void {
    for (const object of objects) {
      const type = this.typeOf(object);
      this.save(type, structuredClone(object), undefined);
    }
  }

  get(apiVersion: string, kind: string, name: string, namespace?: string): StoredObject | undefined {
    const type = this.resourceTypes.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
    if (!type) throw new Error(`unknown type ${apiVersion} ${kind}`);
    const object = this.objects.get(objectKey(type, namespace, name));
    return object && structuredClone(object);
  }

  list(apiVersion: string, kind: string): StoredObject[] {
    return [...this.objects.values()]
      .filter((o) => o.apiVersion === apiVersion && o.kind === kind)
      .map((o) => structuredClone(o));
  }

  /** Simulates etcd compaction: every continue token handed out so far becomes 410 Expired. */
  expireContinueTokens(): void {
    this.compactedResourceVersion = this.resourceVersion;
    // The cluster moved on meanwhile (compaction follows writes): fresh tokens are newer.
    this.resourceVersion += 1;
  }

  private typeOf(object: StoredObject): ResourceType {
    const type = this.resourceTypes.find((t) => apiVersionOf(t) === object.apiVersion && t.kind === object.kind);
    if (!type) throw new Error(`unknown type ${object.apiVersion} ${object.kind}`);
    return type;
  }

  private save(type: ResourceType, object: StoredObject, existing: StoredObject | undefined): StoredObject {
    this.resourceVersion += 1;
    object.apiVersion = apiVersionOf(type);
    object.kind = type.kind;
    object.metadata = {
      ...object.metadata,
      uid: existing?.metadata.uid ?? object.metadata.uid ?? randomUUID(),
      resourceVersion: String(this.resourceVersion),
      creationTimestamp: existing?.metadata['creationTimestamp'] ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    this.objects.set(objectKey(type, object.metadata.namespace, object.metadata.name), object);
    return structuredClone(object);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const user = this.authenticate(req);
      const request = await this.route(req, user);
      this.requests.push(request);
      await this.beforeHandle?.(request);
      if (!this.authorize(request)) throw forbidden(request);
      const { code, body } = this.execute(request);
      send(res, code, body);
    } catch (err) {
      if (err instanceof StatusError) send(res, err.status.code, err.status);
      else send(res, 500, status(500, 'InternalError', `fake API server: ${(err as Error).message}`));
    }
  }

  private authenticate(req: IncomingMessage): string {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const user = match ? this.tokens[match[1]!] : undefined;
    // The API server answers a bad token with a bare Unauthorized Status and no details.
    if (!user) throw new StatusError(status(401, 'Unauthorized', 'Unauthorized'));
    return user;
  }

  private async route(req: IncomingMessage, user: string): Promise<ApiRequest> {
    const url = new URL(req.url ?? '/', 'https://fake');
    const segments = url.pathname.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api') [group, version, rest] = ['', segments[1] ?? '', segments.slice(2)];
    else if (segments[0] === 'apis') [group, version, rest] = [segments[1] ?? '', segments[2] ?? '', segments.slice(3)];
    else throw notFoundPath(url.pathname);
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, ...extra] = rest;
    const resource = this.resourceTypes.find((t) => t.group === group && t.version === version && t.plural === plural);
    if (!resource || extra.length > 0 || (namespace !== undefined && !resource.namespaced))
      throw notFoundPath(url.pathname);
    const method = req.method ?? 'GET';
    const verb = verbOf(method, name !== undefined);
    if (!verb)
      throw new StatusError(
        status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
      );
    if (resource.namespaced && namespace === undefined && verb !== 'list') throw notFoundPath(url.pathname);
    const contentType = req.headers['content-type']?.split(';')[0]?.trim();
    const raw = await readBody(req);
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        throw new StatusError(status(400, 'BadRequest', `the body of the request was in an unknown format`));
      }
    }
    return {
      verb,
      method,
      path: url.pathname,
      query: url.searchParams,
      user,
      resource,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(contentType ? { contentType } : {}),
      ...(body !== undefined ? { body } : {}),
    };
  }

  private execute(request: ApiRequest): { code: number; body: unknown } {
    switch (request.verb) {
      case 'list':
        return { code: 200, body: this.listPage(request) };
      case 'get':
        return { code: 200, body: this.existing(request) };
      case 'create':
        return { code: 201, body: this.create(request) };
      case 'update':
        return { code: 200, body: this.update(request, request.body as StoredObject) };
      case 'patch':
        return { code: 200, body: this.patch(request) };
      case 'delete': {
        const object = this.existing(request);
        this.objects.delete(objectKey(request.resource, request.namespace, request.name!));
        return { code: 200, body: object };
      }
    }
  }

  private existing(request: ApiRequest): StoredObject {
    const object = this.objects.get(objectKey(request.resource, request.namespace, request.name!));
    if (!object)
      throw new StatusError(
        objectStatus(
          request,
          404,
          'NotFound',
          `${request.resource.plural}${groupSuffix(request.resource)} "${request.name}" not found`,
        ),
      );
    return structuredClone(object);
  }

  private listPage(request: ApiRequest): unknown {
    const { resource, namespace, query } = request;
    const all = [...this.objects.entries()]
      .filter(([, o]) => o.apiVersion === apiVersionOf(resource) && o.kind === resource.kind)
      .filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let start = 0;
    let listResourceVersion = String(this.resourceVersion);
    const continueToken = query.get('continue');
    if (continueToken) {
      const decoded = decodeContinue(continueToken);
      if (!decoded)
        throw new StatusError(
          status(
            400,
            'BadRequest',
            'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
          ),
        );
      if (decoded.rv <= this.compactedResourceVersion) {
        throw new StatusError({
          ...status(
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
          ),
          metadata: { continue: encodeContinue(this.resourceVersion, decoded.start) },
        });
      }
      start = all.findIndex(([key]) => key >= decoded.start);
      if (start < 0) start = all.length;
      listResourceVersion = String(decoded.rv);
    }
    const limit = Number(query.get('limit') ?? '0');
    const end = limit > 0 ? Math.min(start + limit, all.length) : all.length;
    const metadata: Record<string, unknown> = { resourceVersion: listResourceVersion };
    if (end < all.length) {
      metadata['continue'] = encodeContinue(Number(listResourceVersion), `${all[end]![0]}`);
      metadata['remainingItemCount'] = all.length - end;
    }
    return {
      kind: `${resource.kind}List`,
      apiVersion: apiVersionOf(resource),
      metadata,
      // Items of a typed list carry no apiVersion/kind: the list's own say what they are.
      items: all.slice(start, end).map(([, o]) => {
        const { apiVersion: _apiVersion, kind: _kind, ...item } = structuredClone(o);
        return item;
      }),
    };
  }

  private create(request: ApiRequest): StoredObject {
    const object = this.checkBody(request, request.body);
    const name = object.metadata.name;
    const key = objectKey(request.resource, request.namespace, name);
    if (this.objects.has(key)) {
      throw new StatusError(
        objectStatus(
          { ...request, name },
          409,
          'AlreadyExists',
          `${request.resource.plural}${groupSuffix(request.resource)} "${name}" already exists`,
        ),
      );
    }
    delete object.metadata.resourceVersion;
    return this.save(request.resource, object, undefined);
  }

  private update(request: ApiRequest, body: unknown): StoredObject {
    const object = this.checkBody(request, body);
    if (object.metadata.name !== request.name) {
      throw new StatusError(
        status(
          400,
          'BadRequest',
          `the name of the object (${object.metadata.name}) does not match the name on the URL (${request.name})`,
        ),
      );
    }
    const current = this.existing(request);
    const precondition = object.metadata.resourceVersion;
    if (precondition !== undefined && precondition !== current.metadata.resourceVersion) {
      throw new StatusError(
        objectStatus(
          request,
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${request.resource.plural}${groupSuffix(request.resource)} "${request.name}": the object has been modified; please apply your changes to the latest version and try again`,
        ),
      );
    }
    return this.save(request.resource, object, current);
  }

  private patch(request: ApiRequest): StoredObject {
    const current = this.existing(request);
    let patched: unknown;
    switch (request.contentType) {
      case 'application/json-patch+json':
        try {
          patched = fastJsonPatch.applyPatch(
            structuredClone(current),
            request.body as Operation[],
            true,
            false,
          ).newDocument;
        } catch (err) {
          throw new StatusError(
            status(
              422,
              'Invalid',
              `the server rejected our request due to an error in our request: ${(err as Error).message.split('\n')[0]}`,
            ),
          );
        }
        break;
      case 'application/merge-patch+json':
      case 'application/strategic-merge-patch+json':
        patched = mergePatch(structuredClone(current), request.body);
        break;
      default:
        throw new StatusError(
          status(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
          ),
        );
    }
    // A resourceVersion inside a patch is a precondition, exactly like one in an update.
    return this.update(request, patched);
  }

  private checkBody(request: ApiRequest, body: unknown): StoredObject {
    const object = body as StoredObject | undefined;
    if (typeof object !== 'object' || object === null || typeof object.metadata?.name !== 'string') {
      throw new StatusError(
        status(
          422,
          'Invalid',
          `${request.resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        ),
      );
    }
    if (request.resource.namespaced) {
      if (object.metadata.namespace !== undefined && object.metadata.namespace !== request.namespace) {
        throw new StatusError(
          status(
            400,
            'BadRequest',
            'the namespace of the provided object does not match the namespace sent on the request',
          ),
        );
      }
      object.metadata.namespace = request.namespace!;
    }
    return structuredClone(object);
  }
}

function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

function groupSuffix(type: ResourceType): string {
  return type.group ? `.${type.group}` : '';
}

function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${apiVersionOf(type)}/${type.kind}/${namespace ?? ''}/${name}`;
}

function verbOf(method: string, named: boolean): Verb | undefined {
  if (method === 'GET') return named ? 'get' : 'list';
  if (method === 'POST' && !named) return 'create';
  if (method === 'PUT' && named) return 'update';
  if (method === 'PATCH' && named) return 'patch';
  if (method === 'DELETE' && named) return 'delete';
  return undefined;
}

function status(code: number, reason: string, message: string, details?: StatusBody['details']): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function objectStatus(
  request: Pick<ApiRequest, 'resource' | 'name'>,
  code: number,
  reason: string,
  message: string,
): StatusBody {
  return status(code, reason, message, {
    ...(request.name !== undefined ? { name: request.name } : {}),
    ...(request.resource.group ? { group: request.resource.group } : {}),
    kind: request.resource.plural,
  });
}

function notFoundPath(path: string): StatusError {
  return new StatusError(status(404, 'NotFound', `the server could not find the requested resource (${path})`));
}

function forbidden(request: ApiRequest): StatusError {
  const { resource, namespace, name, verb, user } = request;
  const subject =
    name !== undefined
      ? `${resource.plural}${groupSuffix(resource)} "${name}"`
      : `${resource.plural}${groupSuffix(resource)}`;
  const scope = namespace !== undefined ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource.plural}" in API group "${resource.group}" ${scope}`;
  return new StatusError(objectStatus(request, 403, 'Forbidden', message));
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: CONTINUE_TOKEN_VERSION, rv, start })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      v?: string;
      rv?: number;
      start?: string;
    };
    if (parsed.v !== CONTINUE_TOKEN_VERSION || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string')
      return undefined;
    return { rv: parsed.rv, start: parsed.start };
  } catch {
    return undefined;
  }
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
