#!/usr/bin/env bash
# Creates the Secret the EDP chart reads (secrets.existingSecret), with every value generated here.
# Run once per environment; never again for a running platform (new KEKs cannot decrypt the CA key).
#
#   deploy/helm/create-secrets.sh NAMESPACE [SECRET_NAME]            # applies it with kubectl
#   deploy/helm/create-secrets.sh --print NAMESPACE [SECRET_NAME]    # prints the manifest instead
#
# Keep a copy in your secret store. Values come from the environment when set (e.g. EDP_PKI_KEK to
# move an existing CA), otherwise they are generated.
set -euo pipefail
print=false
if [[ "${1:-}" == "--print" ]]; then
  print=true
  shift
fi
namespace="${1:?usage: create-secrets.sh [--print] NAMESPACE [SECRET_NAME]}"
name="${2:-edp-secrets}"
secret() { openssl rand -base64 32 | tr -d '/+=\n' | cut -c1-32; }
kek() { openssl rand -base64 32; }
b64() { printf '%s' "$1" | base64 -w0; }
manifest() {
  cat <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app.kubernetes.io/part-of: edp
type: Opaque
data:
  registry-password: $(b64 "${EDP_REGISTRY_PASSWORD:-$(secret)}")
  registry-admin-password: $(b64 "${EDP_REGISTRY_ADMIN_PASSWORD:-$(secret)}")
  services-client-secret: $(b64 "${EDP_SERVICES_CLIENT_SECRET:-$(secret)}")
  portal-client-secret: $(b64 "${EDP_PORTAL_CLIENT_SECRET:-$(secret)}")
  masterdata-client-secret: $(b64 "${EDP_MASTERDATA_CLIENT_SECRET:-$(secret)}")
  automation-client-secret: $(b64 "${EDP_AUTOMATION_CLIENT_SECRET:-$(secret)}")
  grafana-client-secret: $(b64 "${EDP_GRAFANA_CLIENT_SECRET:-$(secret)}")
  admin-password: $(b64 "${EDP_ADMIN_PASSWORD:-$(secret)}")
  pki-kek: $(b64 "${EDP_PKI_KEK:-$(kek)}")
  monitoring-kek: $(b64 "${EDP_MONITORING_SECRETS_KEY:-$(kek)}")
YAML
}
if [[ "$print" == true ]]; then
  manifest
  exit 0
fi
if kubectl get secret "$name" -n "$namespace" >/dev/null 2>&1; then
  echo "secret $namespace/$name exists; not replacing it" >&2
  exit 1
fi
manifest | kubectl create -f -
