// The event recorder: one Event per object and message, repeats counted in its series, a token
// bucket per object, failures absorbed. The API is a recording fake; e2e/bootstrap.test.ts writes
// real Events through the real API server.
import t from 'tap';
import { EventRecorder, type EventObject, type EventsApi, type PolicyEvent } from '../../src/kube/events.js';
import { pino } from 'pino';

interface Call {
  call: 'create' | 'patchSeries';
  namespace: string;
  name: string;
  event?: EventObject;
  series?: { count: number; lastObservedTime: string };
}

function recordingApi(failWith?: Error): { api: EventsApi; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    api: {
      async create(namespace, event) {
        calls.push({ call: 'create', namespace, name: event.metadata.name, event });
        if (failWith) throw failWith;
      },
      async patchSeries(namespace, name, series) {
        calls.push({ call: 'patchSeries', namespace, name, series });
      },
    },
  };
}

const silent = pino({ level: 'silent' });

function denial(name: string, note = 'dcgm-exporter-placement: DaemonSet gpu/x can never be scheduled'): PolicyEvent {
  return {
    regarding: { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'gpu', name },
    action: 'Admission',
    note,
  };
}

t.test('the first Event is a Warning PolicyViolation reported by promgate, in the object’s namespace', async (t) => {
  const { api, calls } = recordingApi();
  const recorder = new EventRecorder({
    api,
    logger: silent,
    now: () => Date.UTC(2026, 11, 6),
    reportingInstance: 'pod-1',
  });
  await recorder.record(denial('exporter'));
  t.equal(calls.length, 1);
  const event = calls[0]!.event!;
  t.equal(calls[0]!.namespace, 'gpu');
  t.match(event, {
    apiVersion: 'events.k8s.io/v1',
    type: 'Warning',
    reason: 'PolicyViolation',
    reportingController: 'promgate',
    reportingInstance: 'pod-1',
    action: 'Admission',
    regarding: { kind: 'DaemonSet', namespace: 'gpu', name: 'exporter' },
  });
  t.match(event.metadata.name, /^exporter\.[0-9a-f]{16}$/);
});

t.test('the same object and message again bumps the series count of the first Event', async (t) => {
  let now = Date.UTC(2026, 11, 6);
  const { api, calls } = recordingApi();
  const recorder = new EventRecorder({ api, logger: silent, now: () => now });
  await recorder.record(denial('exporter'));
  now += 1000;
  await recorder.record(denial('exporter'));
  await recorder.record(denial('exporter'));
  t.same(
    calls.map((call) => call.call),
    ['create', 'patchSeries', 'patchSeries'],
  );
  t.equal(calls[1]!.name, calls[0]!.name, 'the same Event');
  t.equal(calls[2]!.series?.count, 3);
  t.match(calls[2]!.series?.lastObservedTime, /^2026-12-06T00:00:01\.000000Z$/, 'a MicroTime');
});

t.test('another message, or another object, is another Event', async (t) => {
  const { api, calls } = recordingApi();
  const recorder = new EventRecorder({ api, logger: silent });
  await recorder.record(denial('exporter'));
  await recorder.record(denial('exporter', 'prometheus-config: something else'));
  await recorder.record(denial('other-exporter'));
  t.same(
    calls.map((call) => call.call),
    ['create', 'create', 'create'],
  );
});

t.test('each object gets a burst of 25, then one more per refill period; others are unaffected', async (t) => {
  let now = 0;
  const dropped: string[] = [];
  const { api, calls } = recordingApi();
  const recorder = new EventRecorder({
    api,
    logger: silent,
    now: () => now,
    onDropped: (reason) => dropped.push(reason),
  });
  for (let attempt = 0; attempt < 30; attempt++) await recorder.record(denial('retried', `attempt ${attempt}`));
  t.equal(calls.length, 25, 'the burst');
  t.same(dropped, Array(5).fill('rate-limited'), 'the rest counted as dropped');
  await recorder.record(denial('someone-else'));
  t.equal(calls.length, 26, 'another object has its own bucket');
  now += 5 * 60 * 1000;
  await recorder.record(denial('retried', 'after the refill'));
  t.equal(calls.length, 27, 'one token back after five minutes');
});

t.test('a failed write is counted and logged, never thrown, and the next one starts afresh', async (t) => {
  const dropped: string[] = [];
  const { api, calls } = recordingApi(new Error('events is forbidden'));
  const recorder = new EventRecorder({ api, logger: silent, onDropped: (reason) => dropped.push(reason) });
  await recorder.record(denial('exporter'));
  await recorder.record(denial('exporter'));
  t.same(dropped, ['failed', 'failed']);
  t.same(
    calls.map((call) => call.call),
    ['create', 'create'],
    'no series is patched onto an Event that was never written',
  );
});

t.test('a cluster-scoped object’s Event goes to default; a long note is cut to 1 KiB', async (t) => {
  const { api, calls } = recordingApi();
  const recorder = new EventRecorder({ api, logger: silent });
  await recorder.record({
    regarding: { apiVersion: 'v1', kind: 'Namespace', name: 'team' },
    action: 'Audit',
    note: 'é'.repeat(2000),
  });
  t.equal(calls[0]!.namespace, 'default');
  t.ok(Buffer.byteLength(calls[0]!.event!.note) <= 1024);
  t.match(calls[0]!.event!.note, /…$/);
});
