// Every built-in object of every kustomization uses only fields the Kubernetes API has.
import { join } from 'node:path';
import t from 'tap';
import { MANIFESTS, render } from './render.js';
import { modelOf, unknownFields } from './api-fields.js';

const kustomizations = ['.', 'overlays/cert-manager', 'examples/extra-namespace'];

for (const kustomization of kustomizations) {
  t.test(kustomization, async (t) => {
    const objects = render(join(MANIFESTS, kustomization));
    for (const object of objects) {
      const model = modelOf(object);
      const id = `${object.kind} ${object.metadata.name}`;
      if (model === undefined) {
        t.match(object.apiVersion, /cert-manager\.io|monitoring\.coreos\.com/, `${id}: a CRD, not checked here`);
        continue;
      }
      t.same(unknownFields(object, model, id), [], `${id}: every field is a ${model} field`);
    }
  });
}

t.test('a misspelt field is reported with its path', async (t) => {
  const [deployment] = render(MANIFESTS).filter((object) => object.kind === 'Deployment');
  if (deployment === undefined) throw new Error('no Deployment');
  const misspelt = structuredClone(deployment) as typeof deployment & { spec: { template: { spec: object } } };
  misspelt.spec.template.spec = { ...misspelt.spec.template.spec, terminationGracePeriod: 30 };
  t.same(unknownFields(misspelt, 'V1Deployment', 'Deployment'), [
    'Deployment.spec.template.spec.terminationGracePeriod',
  ]);
});
