{{/* Names, labels and the settings every EDP service shares. */}}

{{- define "edp.fullname" -}}
{{- if contains "edp" .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-edp" .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "edp.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: edp
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: edp
edp.dev/environment: {{ .Values.environment }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "name" "masterdata") */}}
{{- define "edp.selectorLabels" -}}
app.kubernetes.io/name: edp
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Every pod of this release (services, jobs): for NetworkPolicy peers. */}}
{{- define "edp.releasePods" -}}
app.kubernetes.io/name: edp
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "edp.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s/%s:%s" .root.Values.image.registry .root.Values.image.prefix .name $tag -}}
{{- else -}}
{{- printf "%s/%s:%s" .root.Values.image.prefix .name $tag -}}
{{- end -}}
{{- end -}}

{{/* A service's settings: serviceDefaults overlaid with services.<name>. */}}
{{- define "edp.service" -}}
{{- $defaults := deepCopy .root.Values.serviceDefaults -}}
{{- $own := deepCopy (index .root.Values.services .name) -}}
{{- toYaml (mergeOverwrite $defaults $own) -}}
{{- end -}}

{{- define "edp.secretName" -}}
{{- required "secrets.existingSecret: create the Secret with deploy/helm/create-secrets.sh" .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "edp.dbClusterName" -}}
{{- printf "%s-db" (include "edp.fullname" .) -}}
{{- end -}}

{{- define "edp.dbSecretName" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}
{{- printf "%s-app" (include "edp.dbClusterName" .) -}}
{{- else -}}
{{- .Values.database.external.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "edp.dbUsernameKey" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}username{{- else -}}{{ .Values.database.external.usernameKey }}{{- end -}}
{{- end -}}

{{- define "edp.dbPasswordKey" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}password{{- else -}}{{ .Values.database.external.passwordKey }}{{- end -}}
{{- end -}}

{{- define "edp.dbHost" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}
{{- printf "%s-rw" (include "edp.dbClusterName" .) -}}
{{- else -}}
{{- .Values.database.external.host -}}
{{- end -}}
{{- end -}}

{{- define "edp.dbPort" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}5432{{- else -}}{{ .Values.database.external.port }}{{- end -}}
{{- end -}}

{{- define "edp.dbName" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}edp{{- else -}}{{ .Values.database.external.name }}{{- end -}}
{{- end -}}

{{- define "edp.jdbcUrl" -}}
{{- if eq .Values.database.mode "cloudnativepg" -}}
{{- printf "jdbc:postgresql://%s:5432/edp?sslmode=require" (include "edp.dbHost" .) -}}
{{- else -}}
{{- printf "jdbc:postgresql://%s:%v/%s?sslmode=%s" .Values.database.external.host .Values.database.external.port .Values.database.external.name .Values.database.external.sslmode -}}
{{- end -}}
{{- end -}}

{{- define "edp.keycloakUrl" -}}
{{- if eq .Values.keycloak.mode "operator" -}}
{{- printf "https://%s" .Values.keycloak.operator.hostname -}}
{{- else -}}
{{- .Values.keycloak.url | trimSuffix "/" -}}
{{- end -}}
{{- end -}}

{{- define "edp.keycloakInternalUrl" -}}
{{- if .Values.keycloak.internalUrl -}}
{{- .Values.keycloak.internalUrl | trimSuffix "/" -}}
{{- else if eq .Values.keycloak.mode "operator" -}}
{{- printf "https://%s-keycloak-service:8443" (include "edp.fullname" .) -}}
{{- else -}}
{{- include "edp.keycloakUrl" . -}}
{{- end -}}
{{- end -}}

{{- define "edp.keycloakHealthUrl" -}}
{{- if .Values.keycloak.healthUrl -}}
{{- .Values.keycloak.healthUrl -}}
{{- else if eq .Values.keycloak.mode "operator" -}}
{{- printf "https://%s-keycloak-service:9000/health/ready" (include "edp.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "edp.registryPeers" -}}
{{- $root := . -}}
{{- $svc := fromYaml (include "edp.service" (dict "root" . "name" "service-registry")) -}}
{{- $full := include "edp.fullname" . -}}
{{- $urls := list -}}
{{- range $i := until (int $svc.replicas) -}}
{{- $urls = append $urls (printf "http://%s-service-registry-%d.%s-service-registry-headless.%s.svc:8761/eureka/" $full $i $full $root.Release.Namespace) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}

{{/* Pod annotations that put a pod into the service mesh (internalTls.mode). */}}
{{- define "edp.meshAnnotations" -}}
{{- if eq .root.Values.internalTls.mode "linkerd" }}
linkerd.io/inject: enabled
{{- if eq .name "e3-proxy" }}
config.linkerd.io/skip-inbound-ports: "8443"
{{- end }}
{{- else if eq .root.Values.internalTls.mode "istio" }}
sidecar.istio.io/inject: "true"
{{- if eq .name "e3-proxy" }}
traffic.sidecar.istio.io/excludeInboundPorts: "8443"
{{- end }}
{{- end }}
{{- end -}}

{{- define "edp.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "edp.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Settings every EDP service shares that are not secret (ConfigMap <fullname>-config). */}}
{{- define "edp.sharedConfig" -}}
EDP_DB_URL: {{ include "edp.jdbcUrl" . | quote }}
EUREKA_URL: {{ include "edp.registryPeers" . | quote }}
EDP_REGISTRY_USERNAME: {{ .Values.secrets.registryUsername | quote }}
EDP_ISSUER_URI: {{ printf "%s/realms/edp" (include "edp.keycloakUrl" .) | quote }}
EDP_E3_JWKS_URI: {{ printf "http://%s-e3-proxy:9443/actuator/device-jwks" (include "edp.fullname" .) | quote }}
EDP_E3_PROOF_KEYS_URI: {{ printf "http://%s-e3-proxy:9443/actuator/device-proof-keys" (include "edp.fullname" .) | quote }}
EDP_LOG_FORMAT: json
EDP_ENVIRONMENT: {{ .Values.environment | quote }}
{{- end -}}

{{/* The secrets every EDP service gets (the rest comes from the shared ConfigMap). */}}
{{- define "edp.commonEnv" -}}
{{- $secret := include "edp.secretName" . -}}
- name: EDP_DB_USER
  valueFrom:
    secretKeyRef: { name: {{ include "edp.dbSecretName" . }}, key: {{ include "edp.dbUsernameKey" . }} }
- name: EDP_DB_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ include "edp.dbSecretName" . }}, key: {{ include "edp.dbPasswordKey" . }} }
- name: EDP_REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: registry-password }
- name: EDP_SERVICES_CLIENT_SECRET
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: services-client-secret }
{{- end -}}
