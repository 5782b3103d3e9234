{{/* What only one service gets: (dict "root" $ "name" "onboarding" "svc" $svc) */}}
{{- define "edp.ownEnv" -}}
{{- $root := .root -}}
{{- $secret := include "edp.secretName" $root -}}
{{- if eq .name "service-registry" }}
- name: POD_NAME
  valueFrom:
    fieldRef: { fieldPath: metadata.name }
# Peers replicate to each other; a registry recognises itself among EUREKA_URL's peers by this name.
- name: EUREKA_INSTANCE_HOSTNAME
  value: {{ printf "$(POD_NAME).%s-service-registry-headless.%s.svc" (include "edp.fullname" $root) $root.Release.Namespace | quote }}
- name: EUREKA_SELF_PRESERVATION
  value: {{ if gt (int .svc.replicas) 1 }}"true"{{ else }}"false"{{ end }}
# The dashboard and Spring Boot Admin have their own login (the services' Eureka password must not open them).
- name: EDP_REGISTRY_ADMIN_USERNAME
  value: {{ $root.Values.secrets.registryAdminUsername | quote }}
- name: EDP_REGISTRY_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: registry-admin-password }
{{- else if eq .name "masterdata" }}
- name: EDP_KEYCLOAK_URL
  value: {{ include "edp.keycloakInternalUrl" $root | quote }}
- name: EDP_MASTERDATA_CLIENT_SECRET
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: masterdata-client-secret }
{{- else if eq .name "onboarding" }}
- name: EDP_PKI_PROVIDER
  value: {{ $root.Values.pki.provider | quote }}
- name: EDP_PKI_KEK
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: pki-kek }
{{- if eq $root.Values.pki.provider "vault" }}
- name: EDP_VAULT_URI
  value: {{ $root.Values.pki.vault.address | quote }}
- name: EDP_VAULT_PKI_MOUNT
  value: {{ $root.Values.pki.vault.mount | quote }}
- name: EDP_VAULT_PKI_ROLE
  value: {{ $root.Values.pki.vault.role | quote }}
- name: EDP_VAULT_AUTH
  value: {{ $root.Values.pki.vault.auth | quote }}
{{- if eq $root.Values.pki.vault.auth "kubernetes" }}
- name: EDP_VAULT_KUBERNETES_ROLE
  value: {{ $root.Values.pki.vault.kubernetesRole | quote }}
- name: EDP_VAULT_KUBERNETES_PATH
  value: {{ $root.Values.pki.vault.kubernetesMountPath | quote }}
- name: EDP_VAULT_KUBERNETES_TOKEN_FILE
  value: /var/run/secrets/edp/vault/token
{{- else if eq $root.Values.pki.vault.auth "approle" }}
- name: EDP_VAULT_APPROLE_PATH
  value: {{ $root.Values.pki.vault.approleMountPath | quote }}
- name: EDP_VAULT_APPROLE_ROLE_ID
  valueFrom:
    secretKeyRef: { name: {{ $root.Values.pki.vault.approleSecret }}, key: role-id }
- name: EDP_VAULT_APPROLE_SECRET_ID
  valueFrom:
    secretKeyRef: { name: {{ $root.Values.pki.vault.approleSecret }}, key: secret-id }
{{- else }}
{{- fail "pki.vault.auth must be kubernetes or approle (no static Vault token)" }}
{{- end }}
{{- end }}
{{- else if eq .name "monitoring" }}
- name: EDP_MONITORING_SECRETS_KEY
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: monitoring-kek }
{{- $extra := 0 }}
{{- with include "edp.keycloakHealthUrl" $root }}
- name: EDP_KEYCLOAK_HEALTH_URL
  value: {{ . | quote }}
- name: EDP_MONITORING_HEALTH_EXTRA_0_NAME
  value: keycloak
- name: EDP_MONITORING_HEALTH_EXTRA_0_URL
  value: {{ . | quote }}
{{- $extra = 1 }}
{{- end }}
{{- if eq $root.Values.pki.provider "vault" }}
- name: EDP_MONITORING_HEALTH_EXTRA_{{ $extra }}_NAME
  value: vault
- name: EDP_MONITORING_HEALTH_EXTRA_{{ $extra }}_URL
  value: {{ $root.Values.pki.vault.healthUrl | default (printf "%s/v1/sys/health?standbyok=true&perfstandbyok=true" ($root.Values.pki.vault.address | trimSuffix "/")) | quote }}
{{- end }}
- name: EDP_SUPPORT_EMAILS
  value: {{ .svc.supportEmails | quote }}
{{- with .svc.mail }}
{{- if .host }}
- name: SPRING_MAIL_HOST
  value: {{ .host | quote }}
- name: SPRING_MAIL_PORT
  value: {{ .port | quote }}
{{- end }}
{{- if .existingSecret }}
- name: SPRING_MAIL_USERNAME
  valueFrom:
    secretKeyRef: { name: {{ .existingSecret }}, key: username }
- name: SPRING_MAIL_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ .existingSecret }}, key: password }
{{- end }}
{{- end }}
{{- else if eq .name "portal-gateway" }}
- name: EDP_PORTAL_CLIENT_SECRET
  valueFrom:
    secretKeyRef: { name: {{ $secret }}, key: portal-client-secret }
- name: EDP_SESSION_SECURE_COOKIE
  value: {{ .svc.secureCookie | quote }}
{{- else if eq .name "e3-proxy" }}
- name: EDP_E3_TLS_DNSNAMES
  value: {{ join "," .svc.dnsNames | quote }}
- name: EDP_E3_PUBLISH_CHAIN_FILE
  value: /var/lib/edp/e3/e3-ca-chain.pem
- name: EDP_E3_ASSERTION_KEYS_FILE
  value: /var/lib/edp/e3-keys/assertion-keys.json
{{- if eq .svc.serverCertificate "platform-ca" }}
- name: EDP_E3_SERVER_CERTIFICATE
  value: platform-ca
{{- else if eq .svc.serverCertificate "secret" }}
- name: EDP_E3_TLS_BUNDLE
  value: e3
- name: SPRING_SSL_BUNDLE_PEM_E3_KEYSTORE_CERTIFICATE
  value: file:/etc/edp/e3-tls/tls.crt
- name: SPRING_SSL_BUNDLE_PEM_E3_KEYSTORE_PRIVATEKEY
  value: file:/etc/edp/e3-tls/tls.key
- name: SPRING_SSL_BUNDLE_PEM_E3_RELOADONUPDATE
  value: "true"
{{- else }}
{{- fail "services.e3-proxy.serverCertificate must be platform-ca or secret" }}
{{- end }}
{{- end }}
{{- end -}}
