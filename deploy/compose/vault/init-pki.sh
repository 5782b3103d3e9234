#!/bin/sh
# The compose vault profile's Vault: initialised once (one unseal key; key and root token kept in the
# vault-keys volume, readable by this container only - this is a one-host setup, not a production
# Vault), unsealed after every restart, with the PKI engine onboarding needs:
#   - mount pki/ with an EDP root CA (EC P-384) and the role edp-device (the device profile that
#     onboarding/README.md names),
#   - policy edp-onboarding: sign, revoke, read the chain and the CRL - nothing else,
#   - AppRole edp-onboarding (role id and secret id from .env) and a periodic token with that policy
#     (EDP_VAULT_ONBOARDING_TOKEN), so onboarding never holds the root token.
# Then it stays running and unseals Vault again whenever it restarts sealed.
set -eu
KEYS=/vault/keys/init.json
export VAULT_ADDR

until vault status >/dev/null 2>&1 || [ $? -eq 2 ]; do sleep 2; done

if ! vault status -format=json | grep -q '"initialized": true'; then
  umask 077
  vault operator init -key-shares=1 -key-threshold=1 -format=json > "$KEYS.tmp"
  mv "$KEYS.tmp" "$KEYS"
fi
unseal_key() { sed -n 's/.*"unseal_keys_b64": *\[ *"\([^"]*\)".*/\1/p' "$KEYS" | head -1; }
root_token() { sed -n 's/.*"root_token": *"\([^"]*\)".*/\1/p' "$KEYS" | head -1; }
# jq is not in the image; the JSON is Vault's own, one value per line after this:
tr -d '\n' < "$KEYS" | sed 's/,/,\n/g' > /tmp/init.json && KEYS=/tmp/init.json

unseal() {
  if vault status -format=json | grep -q '"sealed": true'; then
    vault operator unseal "$(unseal_key)" >/dev/null
    echo "vault unsealed"
  fi
}
unseal
export VAULT_TOKEN="$(root_token)"

if ! vault secrets list -format=json | grep -q '"pki/"'; then
  vault secrets enable pki
  vault secrets tune -max-lease-ttl=87600h pki
  vault write -field=certificate pki/root/generate/internal common_name="EDP Vault Root CA" \
    organization=EDP key_type=ec key_bits=384 ttl=87600h >/dev/null
  vault write pki/config/urls issuing_certificates="$VAULT_ADDR/v1/pki/ca" crl_distribution_points="$VAULT_ADDR/v1/pki/crl"
fi
vault write pki/roles/edp-device organization=EDP use_csr_common_name=false use_csr_sans=false \
  allow_any_name=true allowed_uri_sans="urn:edp:customer:*" client_flag=true server_flag=false \
  key_usage=DigitalSignature ext_key_usage="" basic_constraints_valid_for_non_ca=true \
  key_type=any max_ttl=2160h >/dev/null
vault policy write edp-onboarding - <<'POLICY' >/dev/null
path "pki/sign/edp-device" { capabilities = ["update"] }
path "pki/revoke"          { capabilities = ["update"] }
path "pki/ca_chain"        { capabilities = ["read"] }
path "pki/crl/pem"         { capabilities = ["read"] }
path "pki/crl/rotate"      { capabilities = ["read"] }
POLICY

if ! vault auth list -format=json | grep -q '"approle/"'; then
  vault auth enable approle
fi
vault write auth/approle/role/edp-onboarding token_policies=edp-onboarding token_ttl=1h token_max_ttl=24h \
  secret_id_num_uses=0 >/dev/null
vault write auth/approle/role/edp-onboarding/role-id role_id="$EDP_VAULT_APPROLE_ROLE_ID" >/dev/null
if ! vault write -f auth/approle/role/edp-onboarding/secret-id/lookup secret_id="$EDP_VAULT_APPROLE_SECRET_ID" \
    >/dev/null 2>&1; then
  vault write auth/approle/role/edp-onboarding/custom-secret-id secret_id="$EDP_VAULT_APPROLE_SECRET_ID" >/dev/null
fi
if ! vault token lookup "$EDP_VAULT_ONBOARDING_TOKEN" >/dev/null 2>&1; then
  vault token create -id="$EDP_VAULT_ONBOARDING_TOKEN" -policy=edp-onboarding -period=768h -orphan \
    -display-name=edp-onboarding >/dev/null
fi
echo "vault PKI ready for onboarding"
unset VAULT_TOKEN

while true; do
  sleep 10
  unseal || true
done
