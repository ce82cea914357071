{{- define "needs-host.host" -}}
{{- required "ingress.host is required: set it in a value file" .Values.ingress.host -}}
{{- end }}
