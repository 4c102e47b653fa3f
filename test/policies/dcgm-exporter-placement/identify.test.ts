// Which DaemonSets are dcgm-exporters: images by last path segment, template labels, custom config.
import t from 'tap';
import { dcgmExporterPlacementPolicy as policy } from '../../../src/policies/dcgm-exporter-placement/index.js';
import { imageName } from '../../../src/policies/dcgm-exporter-placement/identify.js';
import { judges, type KubernetesObject } from '../../../src/policies/policy.js';
import { CREATE, dcgmConfig } from './helpers.js';

function withPod(
  templateLabels: Record<string, string>,
  podSpec: Record<string, unknown>,
  apiVersion = 'apps/v1',
): KubernetesObject {
  return {
    apiVersion,
    kind: 'DaemonSet',
    metadata: { name: 'x', namespace: 'ns' },
    spec: { template: { metadata: { labels: templateLabels }, spec: podSpec } },
  };
}

const image = (ref: string): Record<string, unknown> => ({ containers: [{ name: 'c', image: ref }] });

t.test('imageName strips registry (with port), path, tag and digest', async (t) => {
  const cases: Array<[string, string]> = [
    ['dcgm-exporter', 'dcgm-exporter'],
    ['dcgm-exporter:3.3.0', 'dcgm-exporter'],
    ['nvidia/dcgm-exporter:1.7.2', 'dcgm-exporter'],
    ['nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3-4.8.2-distroless', 'dcgm-exporter'],
    ['registry:5000/a/dcgm-exporter:1.2@sha256:0123abcd', 'dcgm-exporter'],
    ['registry:5000/dcgm-exporter', 'dcgm-exporter'],
    ['_HARBOR_IMAGE_ADDR_/dcgm-exporter:1.4.6', 'dcgm-exporter'],
    ['localhost:5000/dcgm-exporter@sha256:ffff', 'dcgm-exporter'],
    ['quay.io/cortexlabs/prometheus-dcgm-exporter:0.31.1', 'prometheus-dcgm-exporter'],
    ['nvcr.io/nvidia/cloud-native/dcgm:3.3.0-1-ubuntu22.04', 'dcgm'],
  ];
  for (const [ref, name] of cases) t.equal(imageName(ref), name, ref);
});

t.test('matches by any container or init container image', async (t) => {
  const config = dcgmConfig();
  t.ok(judges(policy, withPod({}, image('registry:5000/a/dcgm-exporter:1.2@sha256:abc')), config));
  t.ok(
    judges(
      policy,
      withPod(
        {},
        {
          containers: [
            { name: 'a', image: 'busybox' },
            { name: 'b', image: 'nvidia/dcgm-exporter' },
          ],
        },
      ),
      config,
    ),
  );
  t.ok(
    judges(
      policy,
      withPod(
        {},
        { containers: [{ name: 'a', image: 'busybox' }], initContainers: [{ name: 'i', image: 'x/dcgm-exporter:1' }] },
      ),
      config,
    ),
  );
  for (const lookalike of [
    'nvcr.io/nvidia/cloud-native/dcgm:3',
    'nvcr.io/nvidia/k8s-device-plugin:v0.20.0',
    'quay.io/prometheus/node-exporter',
    'dcgm-exporter-dev/tool:1',
    'example.com/dcgm-exporterx',
  ]) {
    t.notOk(judges(policy, withPod({ app: 'nvidia-dcgm' }, image(lookalike)), config), lookalike);
  }
});

t.test('matches by pod template label key=value, not by metadata labels of the DaemonSet', async (t) => {
  const config = dcgmConfig();
  for (const [key, value] of [
    ['app.kubernetes.io/name', 'dcgm-exporter'],
    ['app', 'nvidia-dcgm-exporter'],
    ['app', 'dcgm-exporter'],
    ['k8s-app', 'dcgm-exporter'],
  ]) {
    t.ok(judges(policy, withPod({ [key as string]: value as string }, image('busybox')), config), `${key}=${value}`);
  }
  t.notOk(
    judges(policy, withPod({ app: 'nvidia-dcgm-exporter-dra' }, image('busybox')), config),
    'value must be equal',
  );
  t.notOk(judges(policy, withPod({ 'app.kubernetes.io/name': 'nvidia-dcgm-exporter' }, image('busybox')), config));
  const onlyObjectLabels = withPod({}, image('busybox'));
  onlyObjectLabels.metadata = { name: 'x', labels: { app: 'dcgm-exporter' } };
  t.notOk(judges(policy, onlyObjectLabels, config));
});

t.test('only apps/v1 DaemonSets', async (t) => {
  const config = dcgmConfig();
  t.notOk(judges(policy, withPod({ app: 'dcgm-exporter' }, image('dcgm-exporter'), 'extensions/v1beta1'), config));
  t.notOk(judges(policy, withPod({ app: 'dcgm-exporter' }, image('dcgm-exporter'), 'apps/v1beta2'), config));
  t.notOk(judges(policy, { ...withPod({ app: 'dcgm-exporter' }, image('dcgm-exporter')), kind: 'Deployment' }, config));
  t.same(policy.evaluate(withPod({}, image('dcgm-exporter'), 'extensions/v1beta1'), config, CREATE).patch, []);
  t.notOk(judges(policy, { apiVersion: 'apps/v1', kind: 'DaemonSet' }, config), 'no template at all');
});

t.test('custom match config replaces the defaults', async (t) => {
  const config = dcgmConfig({ match: { labels: ['team=gpu-metrics', 'tier='], images: ['my-exporter'] } });
  t.ok(judges(policy, withPod({ team: 'gpu-metrics' }, image('busybox')), config));
  t.notOk(judges(policy, withPod({ team: 'gpu-metrics-2' }, image('busybox')), config), 'the value must be equal');
  t.ok(judges(policy, withPod({ tier: '' }, image('busybox')), config), '`key=` wants the empty value');
  t.notOk(judges(policy, withPod({ tier: 'gpu' }, image('busybox')), config), 'not any value');
  t.ok(judges(policy, withPod({}, image('mirror.local/my-exporter:2@sha256:00')), config));
  t.notOk(judges(policy, withPod({ app: 'dcgm-exporter' }, image('nvcr.io/nvidia/k8s/dcgm-exporter:4')), config));
  const patch = policy.evaluate(withPod({ team: 'gpu-metrics' }, image('busybox')), config, CREATE).patch;
  t.equal(patch.length, 1);
});

t.test('evaluate ignores DELETE and CONNECT', async (t) => {
  const object = withPod({ app: 'dcgm-exporter' }, image('dcgm-exporter'));
  const config = dcgmConfig();
  t.equal(policy.evaluate(object, config, { operation: 'UPDATE', oldObject: object }).patch.length, 1);
  t.same(policy.evaluate(object, config, { operation: 'DELETE' }), { violations: [], warnings: [], patch: [] });
  t.same(policy.evaluate(object, config, { operation: 'CONNECT' }), { violations: [], warnings: [], patch: [] });
});
