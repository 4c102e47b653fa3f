// The optional reports component: upstream's OpenReports CRDs unchanged (the copies hash to the
// pins that the e2e suite checks against upstream's module), and RBAC for the reports only there.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { OPEN_REPORTS_CRDS } from '../../e2e/rig/crds.js';
import { MANIFESTS, findOne, render, renderComposition } from './render.js';
import { permissionsOf } from './inspect.js';

const COMPONENT = join(MANIFESTS, 'components', 'reports');
const ACCOUNT = { namespace: 'promgate-system', name: 'promgate' };

t.test('the CRDs are upstream’s pinned files, with the licence beside them', async (t) => {
  for (const crd of OPEN_REPORTS_CRDS) {
    const copy = readFileSync(join(COMPONENT, 'crds', basename(crd.path)));
    t.equal(createHash('sha256').update(copy).digest('hex'), crd.sha256, `${basename(crd.path)} is unchanged`);
  }
  t.match(readFileSync(join(COMPONENT, 'crds', 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
});

t.test('composed with the base: both CRDs, and the report permissions only with the component', async (t) => {
  const objects = renderComposition({ resources: [MANIFESTS], components: [COMPONENT] });
  findOne(objects, 'CustomResourceDefinition', 'reports.openreports.io');
  findOne(objects, 'CustomResourceDefinition', 'clusterreports.openreports.io');
  const base = new Set(permissionsOf(render(MANIFESTS), ACCOUNT));
  const added = permissionsOf(objects, ACCOUNT).filter((permission) => !base.has(permission));
  const verbs = ['create', 'delete', 'get', 'list', 'patch'];
  const reportPermissions = (group: string, resources: string[]) =>
    resources.flatMap((resource) => verbs.map((verb) => `cluster: ${group}/${resource} ${verb}`));
  t.same(
    added,
    [
      ...reportPermissions('openreports.io', ['clusterreports', 'reports']),
      'cluster: url /apis get',
      'cluster: url /apis/* get',
      ...reportPermissions('wgpolicyk8s.io', ['clusterpolicyreports', 'policyreports']),
    ],
    'exactly the report permissions (and discovery), nothing else',
  );
  t.notOk(
    [...base].some((permission) => /openreports|wgpolicyk8s/.test(permission)),
    'the base grants nothing on reports',
  );
});

t.test('docs/reports.md’s patch keeps the RBAC and drops the CRDs another tool installed', async (t) => {
  const patches = [
    ...readFileSync(join(MANIFESTS, '..', 'docs', 'reports.md'), 'utf8').matchAll(/```yaml\n( {2}patches:[^`]*)```/g),
  ];
  t.equal(patches.length, 1, 'the document shows one patches block');
  const dir = mkdtempSync(join(tmpdir(), 'promgate-reports-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const header = [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    `resources: [${relative(dir, MANIFESTS)}]`,
    `components: [${relative(dir, COMPONENT)}]`,
  ];
  const unindented = patches[0]![1]!.replace(/^ {2}/gm, '');
  writeFileSync(join(dir, 'kustomization.yaml'), `${header.join('\n')}\n${unindented}`);
  const objects = render(dir);
  t.notOk(
    objects.some((object) => object.kind === 'CustomResourceDefinition'),
    'no CRDs',
  );
  findOne(objects, 'ClusterRole', 'promgate-reports');
});
