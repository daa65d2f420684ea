{{/* The name of every object of the release. */}}
{{- define "kafka-rest.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kafka-rest.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kafka-rest.labels" -}}
{{ include "kafka-rest.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kafka-rest.scheme" -}}
{{- if .Values.tls.enabled -}}https{{- else -}}http{{- end -}}
{{- end -}}

{{- define "kafka-rest.tlsSecret" -}}
{{- default (printf "%s-tls" (include "kafka-rest.fullname" .)) .Values.tls.existingSecret -}}
{{- end -}}

{{- define "kafka-rest.jaasSecret" -}}
{{- default (printf "%s-jaas" (include "kafka-rest.fullname" .)) .Values.jaas.existingSecret -}}
{{- end -}}

{{- define "kafka-rest.jaas" -}}
{{- or .Values.jaas.existingSecret .Values.jaas.config -}}
{{- end -}}
