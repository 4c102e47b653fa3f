// kubernetes_sd_configs: role, API server / kubeconfig / HTTP client / own namespace exclusivity,
// selectors per role, and Kubernetes field and label selector syntax (apimachinery's messages).
import t from 'tap';
import { judgeSd } from './sd-cases.js';
import {
  fieldSelectorError,
  labelSelectorError as parseWithWording,
  QUALIFIED_NAME_WORDING,
} from '../../../src/prometheus/discovery/kubernetes-selectors.js';

/** labels.Parse as apimachinery up to 0.34 words it (Prometheus 2.42 … 3.9). */
function labelSelectorError(selector: string): string | undefined {
  return parseWithWording(selector, QUALIFIED_NAME_WORDING);
}

t.test('kubernetes_sd_configs', async (t) =>
  judgeSd(t, 'kubernetes', [
    { name: 'in-cluster pod role', sd: 'role: pod', errors: [] },
    {
      name: 'every field',
      sd: 'role: endpointslice\napi_server: https://k8s:6443\nbearer_token_file: /var/run/token\ntls_config: {ca_file: ca.crt}\nnamespaces: {names: [a, b]}\nselectors:\n  - role: pod\n    label: "app in (a,b),!legacy"\n    field: spec.nodeName=n1\n  - role: service\n    label: tier!=db\nattach_metadata: {node: true}',
      errors: [],
    },
    { name: 'kubeconfig alone', sd: 'role: node\nkubeconfig_file: /etc/kube.conf', errors: [] },
    { name: 'own namespace in cluster', sd: 'role: pod\nnamespaces: {own_namespace: true}', errors: [] },
    {
      name: 'default HTTP settings written out are not custom',
      sd: 'role: pod\nkubeconfig_file: k\nfollow_redirects: true\nenable_http2: true\ntls_config: {}',
      errors: [],
    },
    {
      name: 'role missing',
      sd: 'api_server: https://k8s',
      errors: ['role missing (one of: pod, service, endpoints, endpointslice, node, ingress)'],
      at: { line: 4, col: 9, path: 'scrape_configs[0].kubernetes_sd_configs[0]' },
    },
    {
      name: 'unknown role',
      sd: 'role: pods',
      errors: ['unknown Kubernetes SD role "pods"'],
      at: { line: 4, col: 15, path: 'scrape_configs[0].kubernetes_sd_configs[0].role' },
    },
    {
      name: 'unknown field',
      sd: 'role: pod\nnamespace: [a]',
      errors: ['field namespace not found in type kubernetes.plain'],
    },
    {
      name: 'unknown namespaces field',
      sd: 'role: pod\nnamespaces: {own: true}',
      errors: ['field own not found in type kubernetes.plain'],
    },
    {
      name: 'HTTP client rules',
      sd: 'role: pod\napi_server: https://k\nbearer_token: a\nbearer_token_file: b',
      errors: ['at most one of bearer_token & bearer_token_file must be configured'],
    },
    {
      name: 'kubeconfig and api_server',
      sd: 'role: pod\napi_server: https://k\nkubeconfig_file: k',
      errors: ["cannot use 'kubeconfig_file' and 'api_server' simultaneously"],
    },
    {
      name: 'kubeconfig and HTTP settings',
      sd: 'role: pod\nkubeconfig_file: k\nenable_http2: false',
      errors: ["cannot use a custom HTTP client configuration together with 'kubeconfig_file'"],
    },
    {
      name: 'HTTP settings without api_server',
      sd: 'role: pod\nproxy_url: http://proxy:3128',
      errors: ["to use custom HTTP client configuration please provide the 'api_server' URL explicitly"],
    },
    {
      name: 'an empty basic_auth is custom',
      sd: 'role: pod\nbasic_auth: {}',
      errors: ["to use custom HTTP client configuration please provide the 'api_server' URL explicitly"],
    },
    {
      name: 'api_server and own namespace',
      sd: 'role: pod\napi_server: https://k\nnamespaces: {own_namespace: true}',
      errors: ["cannot use 'api_server' and 'namespaces.own_namespace' simultaneously"],
    },
    {
      name: 'kubeconfig and own namespace',
      sd: 'role: pod\nkubeconfig_file: k\nnamespaces: {own_namespace: true}',
      errors: ["cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously"],
    },
    {
      name: 'endpoints accept pod selectors',
      sd: 'role: endpoints\nselectors:\n  - role: pod\n  - role: endpoints',
      errors: [],
    },
    {
      name: 'endpointslice refuses endpoints selectors',
      sd: 'role: endpointslice\nselectors:\n  - role: endpoints',
      errors: ['endpointslice role supports only pod, service, endpointslice selectors'],
    },
    {
      name: 'selector without role',
      sd: 'role: pod\nselectors:\n  - label: a=b',
      errors: ['pod role supports only pod selectors'],
    },
    {
      name: 'null selector',
      sd: 'role: ingress\nselectors: [~]',
      errors: ['ingress role supports only ingress selectors'],
    },
    {
      name: 'duplicated selector role',
      sd: 'role: pod\nselectors:\n  - role: pod\n  - role: pod',
      errors: ['duplicated selector role: pod'],
    },
    {
      name: 'unknown selector role',
      sd: 'role: pod\nselectors:\n  - role: deployment',
      errors: ['unknown Kubernetes SD role "deployment"'],
    },
    {
      name: 'bad field selector',
      sd: 'role: pod\nselectors:\n  - role: pod\n    field: status.phase',
      errors: ["invalid selector: 'status.phase'; can't understand 'status.phase'"],
      at: { line: 7, col: 20, path: 'scrape_configs[0].kubernetes_sd_configs[0].selectors[0].field' },
    },
    {
      name: 'bad label selector',
      sd: 'role: pod\nselectors:\n  - role: pod\n    label: app in (a',
      errors: ["unable to parse requirement: found '', expected: ',' or ')'"],
    },
  ]),
);

t.test('field selectors (fields.ParseSelector)', async (t) => {
  for (const good of ['', 'a=b', 'a==b', 'a!=b', 'metadata.name=x,spec.nodeName!=y', 'a=', 'a=b\\,c', 'a=b\\=c\\\\']) {
    t.equal(fieldSelectorError(good), undefined, `valid: ${good}`);
  }
  t.equal(fieldSelectorError('a=b,c'), "invalid selector: 'a=b,c'; can't understand 'c'");
  // Terms are sorted before they are checked, so the first bad term in sort order is reported.
  t.equal(fieldSelectorError('z,a'), "invalid selector: 'z,a'; can't understand 'a'");
  t.equal(fieldSelectorError('a=b=c'), 'invalid field selector: unescaped character in value: 61');
  t.equal(fieldSelectorError('a=b\\n'), 'invalid field selector: invalid escape sequence: \\n');
  t.equal(fieldSelectorError('a=b\\'), 'invalid field selector: invalid escape sequence: \\');
});

t.test('label selectors (labels.Parse)', async (t) => {
  for (const good of [
    '',
    'a',
    '!a',
    'a=b',
    'a==b',
    'a!=b',
    'a in (b, c)',
    'a notin (b)',
    'a in ()',
    'a in (,b)',
    'a>1',
    'a<0',
    'x.io/a=b',
    'a=',
    'a,b',
    'in=in',
    'a in (notin)',
  ]) {
    t.equal(labelSelectorError(good), undefined, `valid: ${good}`);
  }
  t.equal(labelSelectorError(','), "found ',', expected: !, identifier, or 'end of string'");
  t.equal(labelSelectorError('a,'), "found '', expected: identifier after ','");
  t.equal(labelSelectorError('a b'), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
  t.equal(labelSelectorError('a in b'), "unable to parse requirement: found 'b' expected: '('");
  t.equal(labelSelectorError('a in (b c)'), "unable to parse requirement: found 'c', expected: ',' or ')'");
  t.equal(labelSelectorError('!a=b'), "found '=', expected: ',' or 'end of string'");
  t.equal(labelSelectorError('a=b c'), "found 'c', expected: ',' or 'end of string'");
  t.equal(
    labelSelectorError('a>b'),
    "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer",
  );
  t.match(labelSelectorError('a=b!') ?? '', /^found '!', expected: ',' or 'end of string'$/);
  t.match(
    labelSelectorError('-a=b') ?? '',
    /^unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric characters/,
  );
  t.match(
    labelSelectorError('A_/b=c') ?? '',
    /^unable to parse requirement: <nil>: Invalid value: "A_\/b": prefix part a lowercase RFC 1123 subdomain/,
  );
  t.match(
    labelSelectorError('a=-b') ?? '',
    /^unable to parse requirement: values\[0\]\[a\]: Invalid value: "-b": a valid label must be an empty string/,
  );
  t.match(labelSelectorError(`a=${'v'.repeat(64)}`) ?? '', /: must be no more than 63 characters$/);
});

t.test('kubernetes_sd_configs metadata (3.6, 3.11) and node selectors on pods (3.11)', async (t) =>
  judgeSd(t, 'kubernetes', [
    {
      name: 'namespace metadata before 3.6',
      sd: 'role: pod\nattach_metadata: {namespace: true}',
      version: '3.5',
      errors: ['namespace was added in Prometheus 3.6'],
    },
    {
      name: 'owner metadata before 3.11',
      sd: 'role: pod\nattach_metadata: {deployment: true}',
      version: '3.10',
      errors: ['deployment was added in Prometheus 3.11'],
    },
    {
      name: 'all metadata',
      sd: 'role: pod\nattach_metadata: {node: true, namespace: true, deployment: true, job: true, cronjob: true}',
      version: '3.11',
      errors: [],
    },
    {
      name: 'node selector on pods before 3.11',
      sd: 'role: pod\nselectors: [{role: node, label: a=b}]',
      version: '3.10',
      errors: ['pod role supports only pod selectors'],
    },
    {
      name: 'node selector on pods',
      sd: 'role: pod\nselectors: [{role: node, label: a=b}]',
      version: '3.11',
      errors: [],
    },
    {
      name: 'service selector on pods',
      sd: 'role: pod\nselectors: [{role: service}]',
      version: '3.11',
      errors: ['pod role supports only pod, node selectors'],
    },
  ]),
);

// Upstream promtool 3.5 and 3.16 print these; 3.10 is the first release built with apimachinery 0.35.
t.test('a bad label key in a selector, as each release words it', async (t) => {
  const selector = (label: string) =>
    `role: pod\napi_server: https://k:6443\nselectors:\n  - role: pod\n    label: '${label}'`;
  const tooLong = `${'a'.repeat(64)}=b`;
  await judgeSd(t, 'kubernetes', [
    {
      name: 'three parts at 3.9',
      sd: selector('x/y/z=b'),
      version: '3.9',
      errors: ['Invalid value: "x/y/z": a qualified name must consist of alphanumeric characters'],
    },
    {
      name: 'three parts at 3.10',
      sd: selector('x/y/z=b'),
      version: '3.10',
      errors: ['Invalid value: "x/y/z": a valid label key must consist of alphanumeric characters'],
    },
    {
      name: 'a long name at 3.9',
      sd: selector(tooLong),
      version: '3.9',
      errors: ['must be no more than 63 characters'],
    },
    { name: 'a long name at 3.10', sd: selector(tooLong), version: '3.10', errors: ['must be no more than 63 bytes'] },
  ]);
});
