{{/* The labels every object carries, as the kustomize base's `labels:` sets them. */}}
{{- define "promgate.labels" -}}
app.kubernetes.io/name: promgate
app.kubernetes.io/part-of: promgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The webhook pods' selector. */}}
{{- define "promgate.selector" -}}
app.kubernetes.io/name: promgate
app.kubernetes.io/component: webhook
{{- end }}

{{/* Namespaces no webhook sees: promgate's own first, then the configured ones. */}}
{{- define "promgate.excludedNamespaces" -}}
{{ prepend (without .Values.excludedNamespaces .Release.Namespace) .Release.Namespace | toJson }}
{{- end }}

{{/* The ServiceAccount as an RBAC subject. */}}
{{- define "promgate.subject" -}}
- kind: ServiceAccount
  name: promgate
  namespace: {{ .Release.Namespace }}
{{- end }}

{{/* A webhook's clientConfig: promgate's Service. */}}
{{- define "promgate.clientConfig" -}}
service:
  name: promgate
  namespace: {{ .root.Release.Namespace }}
  path: {{ .path }}
  port: 443
{{- end }}

{{/* A CEL list of single-quoted strings: ['a', 'b']. */}}
{{- define "promgate.celStrings" -}}
{{- $quoted := list -}}
{{- range . }}{{ $quoted = append $quoted (printf "'%s'" .) }}{{ end -}}
[{{ join ", " $quoted }}]
{{- end }}

{{/*
The DaemonSet matchCondition: true exactly for pod templates config.dcgmExporter.match judges, a
label pair or an image's last path segment without tag or digest. Written as promgate's own
src/registration/match-conditions.ts writes it (promgate check-install compares them).
*/}}
{{- define "promgate.dcgmMatchCondition" -}}
{{- $pairs := list -}}
{{- range .Values.config.dcgmExporter.match.labels -}}
{{- $pair := splitn "=" 2 . -}}
{{- $pairs = append $pairs (printf "['%s', '%s']" $pair._0 $pair._1) -}}
{{- end -}}
{{- $images := include "promgate.celStrings" .Values.config.dcgmExporter.match.images -}}
has(object.spec) && has(object.spec.template) && (
(has(object.spec.template.metadata) && has(object.spec.template.metadata.labels) &&
  [{{ join ", " $pairs }}].exists(l, l[0] in object.spec.template.metadata.labels &&
    object.spec.template.metadata.labels[l[0]] == l[1])) ||
(has(object.spec.template.spec) && has(object.spec.template.spec.containers) &&
  object.spec.template.spec.containers.exists(c, has(c.image) &&
    [c.image.split('@')[0]].exists(i, i.substring(i.lastIndexOf('/') + 1).split(':')[0] in {{ $images }}))) ||
(has(object.spec.template.spec) && has(object.spec.template.spec.initContainers) &&
  object.spec.template.spec.initContainers.exists(c, has(c.image) &&
    [c.image.split('@')[0]].exists(i, i.substring(i.lastIndexOf('/') + 1).split(':')[0] in {{ $images }}))))
{{- end }}

{{/* The ConfigMap matchCondition: one of config.prometheusConfig.keys, or the ARMS label. */}}
{{- define "promgate.configMapMatchCondition" -}}
has(object.data) && ({{ include "promgate.celStrings" .Values.config.prometheusConfig.keys }}.exists(k, k in object.data) ||
  (has(object.metadata.labels) && 'type' in object.metadata.labels &&
    object.metadata.labels['type'] == 'prometheus-yaml'))
{{- end }}
