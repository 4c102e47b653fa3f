// Kubernetes Events for policy violations, so that `kubectl describe` and `kubectl events` show
// what promgate refused or found. Behaves as client-go's event recorder does: an Event repeated
// for the same object with the same message bumps the first one's series count instead of adding
// another, and each object has a token bucket (a burst of 25, then one more every 5 minutes) so a
// client retrying a denied apply in a loop cannot flood etcd. Emitting never blocks an admission
// answer or an audit round: failures are logged and counted, never thrown.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { EventsV1Api, PatchStrategy, V1MicroTime, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../common/logger.js';

export const EVENT_REASON = 'PolicyViolation';
export const REPORTING_CONTROLLER = 'promgate';
/** The API server refuses an Event's note beyond 1 KiB. */
const MAX_NOTE_BYTES = 1024;
export const DEFAULT_BURST = 25;
export const DEFAULT_REFILL_MS = 5 * 60 * 1000;
/** A repeat after this long starts a new Event, as client-go's series do not span hours. */
export const DEFAULT_SERIES_WINDOW_MS = 30 * 60 * 1000;
const MAX_TRACKED_OBJECTS = 4096;

export interface ObjectReference {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export interface PolicyEvent {
  regarding: ObjectReference;
  /** What happened: `Admission` for a denial, `Audit` for a finding of the background audit. */
  action: 'Admission' | 'Audit';
  note: string;
}

export interface EventSink {
  emit(event: PolicyEvent): void;
}

/** An events.k8s.io/v1 Event as the API accepts it (the fields promgate sets). */
export interface EventObject {
  apiVersion: 'events.k8s.io/v1';
  kind: 'Event';
  metadata: { name: string; namespace: string };
  eventTime: string;
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  type: 'Warning';
  regarding: ObjectReference;
  note: string;
}

/** The two calls the recorder makes. */
export interface EventsApi {
  create(namespace: string, event: EventObject): Promise<void>;
  patchSeries(namespace: string, name: string, series: { count: number; lastObservedTime: string }): Promise<void>;
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The events.k8s.io/v1 API of the cluster `kubeConfig` points at. */
export function clusterEventsApi(kubeConfig: KubeConfig): EventsApi {
  const api = kubeConfig.makeApiClient(EventsV1Api);
  return {
    async create(namespace, event) {
      await api.createNamespacedEvent({ namespace, body: { ...event, eventTime: new V1MicroTime(event.eventTime) } });
    },
    async patchSeries(namespace, name, series) {
      await api.patchNamespacedEvent({ namespace, name, body: { series } }, MERGE_PATCH);
    },
  };
}

export interface EventRecorderOptions {
  api: EventsApi;
  logger: Logger;
  /** Called when an Event is dropped by the rate limit or fails to be written. */
  onDropped?: (reason: 'rate-limited' | 'failed') => void;
  now?: () => number;
  burst?: number;
  refillMs?: number;
  seriesWindowMs?: number;
  /** The pod's name in a cluster; the host's name elsewhere. */
  reportingInstance?: string;
}

interface Series {
  namespace: string;
  name: string;
  count: number;
  firstMs: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Truncates to `maxBytes` of UTF-8 without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let end = Math.min(text.length, maxBytes);
  while (Buffer.byteLength(text.slice(0, end)) > maxBytes - 3) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Insertion-ordered Map trimmed to `limit` entries, oldest first out. */
function remember<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as string);
}

export class EventRecorder implements EventSink {
  readonly #options: Required<Omit<EventRecorderOptions, 'onDropped'>> & Pick<EventRecorderOptions, 'onDropped'>;
  readonly #series = new Map<string, Series>();
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: EventRecorderOptions) {
    this.#options = {
      now: Date.now,
      burst: DEFAULT_BURST,
      refillMs: DEFAULT_REFILL_MS,
      seriesWindowMs: DEFAULT_SERIES_WINDOW_MS,
      reportingInstance: process.env['POD_NAME'] ?? hostname(),
      ...options,
    };
  }

  emit(event: PolicyEvent): void {
    void this.record(event);
  }

  /** Writes (or counts) the Event; resolves when the API call is done. Never rejects. */
  async record(event: PolicyEvent): Promise<void> {
    const { regarding } = event;
    const objectKey = `${regarding.kind}/${regarding.namespace ?? ''}/${regarding.name}`;
    if (!this.#takeToken(objectKey)) {
      this.#options.onDropped?.('rate-limited');
      return;
    }
    const note = truncateUtf8(event.note, MAX_NOTE_BYTES);
    const seriesKey = `${objectKey}\u0000${event.action}\u0000${note}`;
    const nowMs = this.#options.now();
    // MicroTime: the API parses exactly six fractional digits.
    const lastObservedTime = new Date(nowMs).toISOString().replace(/Z$/, '000Z');
    const known = this.#series.get(seriesKey);
    try {
      if (known && nowMs - known.firstMs < this.#options.seriesWindowMs) {
        known.count += 1;
        await this.#options.api.patchSeries(known.namespace, known.name, { count: known.count, lastObservedTime });
        return;
      }
      // Cluster-scoped objects' Events live in `default`, as client-go puts them.
      const namespace = regarding.namespace || 'default';
      const name = `${regarding.name}.${createHash('sha256').update(`${seriesKey}\u0000${nowMs}`).digest('hex').slice(0, 16)}`;
      remember(this.#series, seriesKey, { namespace, name, count: 1, firstMs: nowMs }, MAX_TRACKED_OBJECTS);
      await this.#options.api.create(namespace, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace },
        eventTime: new Date(nowMs).toISOString(),
        reportingController: REPORTING_CONTROLLER,
        reportingInstance: this.#options.reportingInstance,
        action: event.action,
        reason: EVENT_REASON,
        type: 'Warning',
        regarding,
        note,
      });
    } catch (err) {
      this.#series.delete(seriesKey);
      this.#options.onDropped?.('failed');
      this.#options.logger.warn({ err, regarding, action: event.action }, 'could not write a Kubernetes Event');
    }
  }

  #takeToken(objectKey: string): boolean {
    const nowMs = this.#options.now();
    const bucket = this.#buckets.get(objectKey) ?? { tokens: this.#options.burst, updatedMs: nowMs };
    const refilled = Math.floor((nowMs - bucket.updatedMs) / this.#options.refillMs);
    if (refilled > 0) {
      bucket.tokens = Math.min(this.#options.burst, bucket.tokens + refilled);
      bucket.updatedMs += refilled * this.#options.refillMs;
    }
    const allowed = bucket.tokens > 0;
    if (allowed) bucket.tokens -= 1;
    remember(this.#buckets, objectKey, bucket, MAX_TRACKED_OBJECTS);
    return allowed;
  }
}
