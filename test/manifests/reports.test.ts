// The optional reports component: upstream's OpenReports CRDs unchanged (the copies hash to the
// pins that the e2e suite checks against upstream's module), and RBAC for the reports only there.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
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
