// Warnings as kubectl shows them: each opens with `promgate: POLICY: `, then the object's own words
// (the position and the offending value) before any explanation, so the 120-character cut never
// drops what the reader must fix. Policies in `warn` mode, over HTTPS.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { callWebhook } from '../../fixtures/apiserver.js';
import { REPOSITORY_ROOT } from '../../fixtures/repository.js';
import { MAX_WARNING_CHARS } from '../../src/common/warnings.js';
import { defaultConfig } from '../../src/config/schema.js';
import { startTestServer } from '../support/server.js';

const config = defaultConfig();
config.dcgmExporter.enforcement = 'warn';
config.prometheusConfig.enforcement = 'warn';

/** The example the README quotes: a lookahead on line 7 of its promYaml, at column 16. */
const lookahead = loadYaml(
  readFileSync(join(REPOSITORY_ROOT, 'examples/configmaps/arms-prom-relabel-lookahead.yaml'), 'utf8'),
) as Record<string, unknown>;

/** A dcgm-exporter whose only term selects starship nodes: it can never be scheduled once excluded. */
const starshipOnly = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'nvidia-dcgm-exporter-for-every-gpu-node-in-the-cluster', namespace: 'gpu-operator-resources' },
  spec: {
    selector: { matchLabels: { app: 'nvidia-dcgm-exporter' } },
    template: {
      metadata: { labels: { app: 'nvidia-dcgm-exporter' } },
      spec: {
        containers: [{ name: 'exporter', image: 'nvcr.io/nvidia/k8s/dcgm-exporter:4.5.3' }],
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'starship', operator: 'Exists' }] }],
            },
          },
        },
      },
    },
  },
};

t.test('each warning: promgate, the policy, then the position and the offending value', async (t) => {
  const harness = await startTestServer({ config });
  t.teardown(() => harness.stop());
  const tls = { ca: harness.certs.caCert };
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    [
      'a lookahead in a relabel regex',
      lookahead,
      [
        'promgate: prometheus-config: data.promYaml:7:16 regex: error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
      ],
    ],
    [
      'a dcgm-exporter (not mutated) that only starship nodes could run',
      starshipOnly,
      [
        'promgate: dcgm-exporter-placement: nodeSelectorTerms[0] lacks starship DoesNotExist: can run on starship nodes',
        'promgate: dcgm-exporter-placement: nodeSelectorTerms[0] starship Exists: needs starship nodes, never scheduled',
      ],
    ],
  ];
  for (const [what, object, expected] of cases) {
    const { allowed, warnings } = await callWebhook(harness.server.port, 'validate', { object }, tls);
    t.equal(allowed, true, `${what}: allowed in warn mode`);
    t.same(warnings, expected, what);
    for (const warning of warnings) t.ok(warning.length <= MAX_WARNING_CHARS, `${what}: ${warning.length} characters`);
  }
});
