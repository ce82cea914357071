{{/* The release's full name, cut to 63 characters as Kubernetes names are. */}}
{{- define "web.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "web.labels" -}}
{{ include "common.labels" . }}
app.kubernetes.io/component: front
{{- end }}
