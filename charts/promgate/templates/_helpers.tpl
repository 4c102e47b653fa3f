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
