#!/usr/bin/env bash
# Writes the .env file docker-compose reads: every secret generated here, on this host, owner-only.
# The file is git-ignored; keep a copy in your secret store (the KEKs protect the CA key and the
# webhook secrets: without them those cannot be decrypted).
#
#   deploy/compose/generate-env.sh [--vault] [--force] [FILE]    (FILE default: .env at the repository root)
#
#   --vault   onboarding uses the vault profile's Vault PKI (start with COMPOSE_PROFILES=vault)
#   --force   overwrite an existing file (new secrets: an existing database keeps the old ones!)
set -euo pipefail
cd "$(dirname "$0")/../.."
vault=false
force=false
file=.env
for arg in "$@"; do
  case "$arg" in
    --vault) vault=true ;;
    --force) force=true ;;
    -*) echo "unknown option $arg" >&2; exit 2 ;;
    *) file="$arg" ;;
  esac
done
if [[ -e "$file" && "$force" != true ]]; then
  echo "$file exists; not overwriting it (--force replaces every secret)" >&2
  exit 1
fi
secret() { openssl rand -base64 32 | tr -d '/+=\n' | cut -c1-32; }
kek() { openssl rand -base64 32; }
uuid() { cat /proc/sys/kernel/random/uuid; }
umask 077
tmp="$(mktemp "$(dirname "$file")/.env.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
{
  echo "# EDP docker-compose settings, generated $(date -u +%Y-%m-%dT%H:%M:%SZ). Never commit this file."
  echo "COMPOSE_PROJECT_NAME=edp"
  echo "EDP_VERSION=0.1.0-SNAPSHOT"
  echo "EDP_IMAGE_PREFIX=edp"
  echo "# Where browsers reach the portal and Keycloak (Keycloak's hostname is also every token's issuer)."
  echo "EDP_PUBLIC_URL=http://localhost:8080"
  echo "EDP_KEYCLOAK_URL=http://keycloak.localhost:8180"
  echo "EDP_PUBLIC_BIND_ADDRESS=0.0.0.0"
  echo "EDP_BIND_ADDRESS=127.0.0.1"
  echo "EDP_E3_DNS_NAMES=localhost"
  echo "EDP_DB_PASSWORD=$(secret)"
  echo "EDP_REGISTRY_USERNAME=edp"
  echo "EDP_REGISTRY_PASSWORD=$(secret)"
  echo "EDP_REGISTRY_ADMIN_USERNAME=admin"
  echo "EDP_REGISTRY_ADMIN_PASSWORD=$(secret)"
  echo "EDP_KEYCLOAK_ADMIN_PASSWORD=$(secret)"
  echo "EDP_ADMIN_PASSWORD=$(secret)"
  echo "EDP_PORTAL_CLIENT_SECRET=$(secret)"
  echo "EDP_MASTERDATA_CLIENT_SECRET=$(secret)"
  echo "EDP_AUTOMATION_CLIENT_SECRET=$(secret)"
  echo "EDP_SERVICES_CLIENT_SECRET=$(secret)"
  echo "EDP_GRAFANA_CLIENT_SECRET=$(secret)"
  echo "EDP_GRAFANA_ADMIN_PASSWORD=$(secret)"
  echo "EDP_PKI_KEK=$(kek)"
  echo "EDP_MONITORING_SECRETS_KEY=$(kek)"
  echo "EDP_VAULT_APPROLE_ROLE_ID=$(uuid)"
  echo "EDP_VAULT_APPROLE_SECRET_ID=$(uuid)"
  echo "EDP_VAULT_ONBOARDING_TOKEN=edp-onboarding-$(secret)"
  if [[ "$vault" == true ]]; then
    echo "COMPOSE_PROFILES=vault"
    echo "EDP_PKI_PROVIDER=vault"
    echo 'EDP_MONITORING_SETTINGS_JSON={"edp":{"monitoring":{"health":{"extra":[{"name":"keycloak","url":"http://keycloak:9180/health/ready"},{"name":"vault","url":"http://vault:8200/v1/sys/health?standbyok=true&perfstandbyok=true"}]}}}}'
  else
    echo "EDP_PKI_PROVIDER=embedded"
  fi
} > "$tmp"
chmod 600 "$tmp"
mv "$tmp" "$file"
trap - EXIT
echo "wrote $file (mode 600)"
