// kubernetes_sd_configs (discovery/kubernetes SDConfig): unchanged from 2.42 to 2.55; 3.6 attaches
// namespace metadata, 3.11 the owning deployment/job/cronjob of pods and lets the pod role select
// nodes.
import type { DecodeContext, DecodedStruct, StructSpec } from '../schema/decoder.js';
import { struct } from '../schema/decoder.js';
import { bool, list, parsedString, string } from '../schema/types.js';
import { url } from '../model/url.js';
import { goQuote } from '../model/go-string.js';
import { hasCustomHttpClient, httpClientFieldsSpec, validateHttpClient, whenDecodedCleanly } from './sd-common.js';
import {
  fieldSelectorError,
  LABEL_KEY_WORDING,
  labelSelectorError,
  QUALIFIED_NAME_WORDING,
} from './kubernetes-selectors.js';

/** Built with apimachinery 0.35, whose content.IsLabelKey rewords a bad label key. */
const LABEL_KEY_WORDING_SINCE = '3.10';

const ROLES = ['node', 'pod', 'service', 'endpoints', 'endpointslice', 'ingress'];

/** kubernetes.Role: its UnmarshalYAML refuses unknown roles (also an empty string). */
const role = parsedString<string>('kubernetes.Role', '', (text) =>
  ROLES.includes(text) ? text : { error: `unknown Kubernetes SD role ${goQuote(text)}` },
);

/** Selector roles a discovery role accepts (the pod role also takes node selectors from 3.11). */
function allowedSelectors(discoveryRole: string, ctx: DecodeContext): string[] {
  if (discoveryRole === 'pod' && ctx.atLeast('3.11')) return ['pod', 'node'];
  return ALLOWED_SELECTORS[discoveryRole] ?? [];
}

const ALLOWED_SELECTORS: Record<string, string[]> = {
  pod: ['pod'],
  service: ['service'],
  endpointslice: ['pod', 'service', 'endpointslice'],
  endpoints: ['pod', 'service', 'endpoints'],
  node: ['node'],
  ingress: ['ingress'],
};

const selectorSpec: StructSpec = {
  goType: 'kubernetes.SelectorConfig',
  fields: { role: { type: role }, label: { type: string }, field: { type: string } },
};

const namespaceDiscoverySpec: StructSpec = {
  goType: 'kubernetes.plain',
  fields: { own_namespace: { type: bool }, names: { type: list(string) } },
};

const attachMetadataSpec: StructSpec = {
  goType: 'kubernetes.AttachMetadataConfig',
  fields: {
    node: { type: bool },
    namespace: { type: bool, since: '3.6' },
    deployment: { type: bool, since: '3.11' },
    job: { type: bool, since: '3.11' },
    cronjob: { type: bool, since: '3.11' },
  },
};

/** The mutually exclusive ways to reach the API server, in upstream's order. */
function connectionProblem(sd: DecodedStruct): [string, string | undefined] | undefined {
  const apiServer = sd.get<unknown>('api_server') !== undefined;
  const kubeconfig = (sd.get<string>('kubeconfig_file') ?? '') !== '';
  const customHttp = hasCustomHttpClient(sd);
  const ownNamespace = sd.get<DecodedStruct>('namespaces')?.get<boolean>('own_namespace') === true;
  if (apiServer && kubeconfig)
    return ["cannot use 'kubeconfig_file' and 'api_server' simultaneously", 'kubeconfig_file'];
  if (kubeconfig && customHttp)
    return ["cannot use a custom HTTP client configuration together with 'kubeconfig_file'", 'kubeconfig_file'];
  if (!apiServer && customHttp)
    return ["to use custom HTTP client configuration please provide the 'api_server' URL explicitly", undefined];
  if (apiServer && ownNamespace)
    return ["cannot use 'api_server' and 'namespaces.own_namespace' simultaneously", 'namespaces'];
  if (kubeconfig && ownNamespace)
    return ["cannot use 'kubeconfig_file' and 'namespaces.own_namespace' simultaneously", 'namespaces'];
  return undefined;
}

/** One selector's problem and the selector field it concerns; a null list item is a
 *  SelectorConfig with every field empty. */
function selectorProblem(
  discoveryRole: string,
  selector: DecodedStruct | undefined,
  seen: Set<string>,
  ctx: DecodeContext,
): [string, string] | undefined {
  const selectorRole = selector?.get<string>('role') ?? '';
  if (seen.has(selectorRole)) return [`duplicated selector role: ${selectorRole}`, 'role'];
  seen.add(selectorRole);
  const allowed = allowedSelectors(discoveryRole, ctx);
  if (!allowed.includes(selectorRole))
    return [`${discoveryRole} role supports only ${allowed.join(', ')} selectors`, 'role'];
  const fieldProblem = fieldSelectorError(selector?.get<string>('field') ?? '');
  if (fieldProblem !== undefined) return [fieldProblem, 'field'];
  const wording = ctx.atLeast(LABEL_KEY_WORDING_SINCE) ? LABEL_KEY_WORDING : QUALIFIED_NAME_WORDING;
  const labelProblem = labelSelectorError(selector?.get<string>('label') ?? '', wording);
  return labelProblem === undefined ? undefined : [labelProblem, 'label'];
}

/** SDConfig.UnmarshalYAML after decoding: upstream stops at the first problem. */
function validateKubernetes(sd: DecodedStruct, ctx: DecodeContext): void {
  const discoveryRole = sd.get<string>('role') ?? '';
  if (discoveryRole === '') {
    return sd.error(
      ctx,
      'role missing (one of: pod, service, endpoints, endpointslice, node, ingress)',
      sd.isSet('role') ? 'role' : undefined,
    );
  }
  if (validateHttpClient(sd, ctx)) return;
  const connection = connectionProblem(sd);
  if (connection !== undefined) return sd.error(ctx, connection[0], connection[1]);
  const seen = new Set<string>();
  const selectors = sd.get<(DecodedStruct | undefined)[]>('selectors') ?? [];
  for (const selector of selectors) {
    const problem = selectorProblem(discoveryRole, selector, seen, ctx);
    if (problem === undefined) continue;
    const [message, field] = problem;
    return selector
      ? selector.error(ctx, message, selector.isSet(field) ? field : undefined)
      : sd.error(ctx, message, 'selectors');
  }
}

export const kubernetesSpec: StructSpec = {
  goType: 'kubernetes.plain',
  fields: {
    api_server: { type: url },
    role: { type: role },
    kubeconfig_file: { type: string },
    namespaces: { type: struct(namespaceDiscoverySpec) },
    selectors: { type: list(struct(selectorSpec)) },
    attach_metadata: { type: struct(attachMetadataSpec) },
  },
  inline: [httpClientFieldsSpec],
  validate: [whenDecodedCleanly(validateKubernetes)],
};
