// Field names checked against the Kubernetes API types that @kubernetes/client-node is generated
// from: kustomize and YAML parsing accept any key, the API server rejects unknown fields (with
// `kubectl apply`'s default strict field validation), so a typo in a manifest is caught here.
import * as kubernetesModels from '@kubernetes/client-node';
import type { KubeObject } from './render.js';

interface AttributeType {
  baseName: string;
  type: string;
}

function attributesOf(typeName: string): AttributeType[] | undefined {
  const model = (kubernetesModels as unknown as Record<string, { attributeTypeMap?: AttributeType[] } | undefined>)[
    typeName
  ];
  return model?.attributeTypeMap;
}

/** The generated model of a built-in object (`apps/v1` `Deployment` → `V1Deployment`), if any. */
export function modelOf(object: KubeObject): string | undefined {
  const version = object.apiVersion.split('/').at(-1);
  const typeName = `${version?.charAt(0).toUpperCase() ?? ''}${version?.slice(1) ?? ''}${object.kind}`;
  return attributesOf(typeName) === undefined ? undefined : typeName;
}

/** Paths of fields in `value` that the API type `typeName` does not have. */
export function unknownFields(value: unknown, typeName: string, path: string): string[] {
  const arrayElement = /^Array<(.+)>$/.exec(typeName)?.[1];
  if (arrayElement !== undefined) {
    return Array.isArray(value)
      ? value.flatMap((element, index) => unknownFields(element, arrayElement, `${path}[${index}]`))
      : [`${path}: expected a list`];
  }
  const mapValue = /^\{ \[key: string\]: (.+); \}$/.exec(typeName)?.[1];
  const attributes = attributesOf(typeName);
  if (mapValue === undefined && attributes === undefined) return []; // a scalar, IntOrString, any
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
  return Object.entries(value).flatMap(([key, field]) => {
    if (mapValue !== undefined) return unknownFields(field, mapValue, `${path}.${key}`);
    const attribute = attributes?.find((candidate) => candidate.baseName === key);
    return attribute === undefined ? [`${path}.${key}`] : unknownFields(field, attribute.type, `${path}.${key}`);
  });
}
