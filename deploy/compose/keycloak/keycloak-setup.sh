#!/bin/bash
# Runs once after Keycloak is healthy (compose service keycloak-setup), idempotently, with kcadm.sh
# from the Keycloak image. Keycloak imports the realm only when it does not exist yet, so what may
# change between starts is set here every time:
#   - the client secrets from .env (the realm file holds placeholders only),
#   - the portal's redirect URIs for EDP_PUBLIC_URL,
#   - the first platform admin "admin" (password EDP_ADMIN_PASSWORD) when missing,
#   - Grafana's client edp-grafana (login for platform admins only) when EDP_GRAFANA_CLIENT_SECRET is set.
set -euo pipefail
KCADM=/opt/keycloak/bin/kcadm.sh
CONFIG=/tmp/kcadm.config
REALM=edp
kc() { "$KCADM" "$@" --config "$CONFIG"; }

kc config credentials --server "$KEYCLOAK_URL" --realm master --user kcadmin --password "$KC_BOOTSTRAP_ADMIN_PASSWORD"

client_id() { kc get clients -r "$REALM" -q "clientId=$1" --fields id --format csv --noquotes | head -1; }

set_secret() {
  local id
  id="$(client_id "$1")"
  [[ -n "$id" ]] || { echo "client $1 missing in realm $REALM" >&2; exit 1; }
  kc update "clients/$id" -r "$REALM" -s "secret=$2"
}

set_secret edp-portal "$EDP_PORTAL_CLIENT_SECRET"
set_secret edp-masterdata "$EDP_MASTERDATA_CLIENT_SECRET"
set_secret edp-automation "$EDP_AUTOMATION_CLIENT_SECRET"
set_secret edp-services "$EDP_SERVICES_CLIENT_SECRET"

portal="$(client_id edp-portal)"
kc update "clients/$portal" -r "$REALM" \
  -s "redirectUris=[\"${EDP_PUBLIC_URL}/*\"]" -s 'webOrigins=["+"]' \
  -s "attributes.\"post.logout.redirect.uris\"=${EDP_PUBLIC_URL}/*"

if [[ -z "$(kc get users -r "$REALM" -q username=admin -q exact=true --fields id --format csv --noquotes)" ]]; then
  kc create users -r "$REALM" -s username=admin -s enabled=true -s email=admin@edp.localhost -s emailVerified=true \
    -s firstName=EDP -s lastName=Administrator
  kc set-password -r "$REALM" --username admin --new-password "$EDP_ADMIN_PASSWORD"
  kc add-roles -r "$REALM" --uusername admin --rolename platform-admin
  echo "created the first platform admin 'admin'"
fi

if [[ -n "${EDP_GRAFANA_CLIENT_SECRET:-}" ]]; then
  grafana="$(client_id edp-grafana)"
  settings=(-s clientId=edp-grafana -s name=Grafana -s enabled=true -s protocol=openid-connect
    -s publicClient=false -s standardFlowEnabled=true -s directAccessGrantsEnabled=false
    -s serviceAccountsEnabled=false -s "secret=$EDP_GRAFANA_CLIENT_SECRET"
    -s "redirectUris=[\"${EDP_GRAFANA_URL}/login/generic_oauth\"]" -s "webOrigins=[\"${EDP_GRAFANA_URL}\"]"
    -s 'attributes."pkce.code.challenge.method"=S256'
    -s "attributes.\"post.logout.redirect.uris\"=${EDP_GRAFANA_URL}/*")
  if [[ -z "$grafana" ]]; then
    kc create clients -r "$REALM" "${settings[@]}" \
      -s 'protocolMappers=[{"name":"realm roles","protocol":"openid-connect","protocolMapper":"oidc-usermodel-realm-role-mapper","config":{"claim.name":"roles","multivalued":"true","jsonType.label":"String","id.token.claim":"true","access.token.claim":"true","userinfo.token.claim":"true"}}]'
    echo "created the client edp-grafana"
  else
    kc update "clients/$grafana" -r "$REALM" "${settings[@]}"
  fi
fi
echo "keycloak setup done"
