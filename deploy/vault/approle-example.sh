#!/bin/sh
# Create the AppRole hiresentry logs in with, bound to the read-only policy in policy.hcl.
#
# Run as a Vault/OpenBao operator (a token that may write policies and auth roles):
#   BAO_ADDR=https://vault.example.com:8200 BAO_TOKEN=... deploy/vault/approle-example.sh > hiresentry-vault.env
# With HashiCorp Vault instead of OpenBao: VAULT_CLI=vault and VAULT_ADDR/VAULT_TOKEN (same commands).
#
# It prints HIRESENTRY_VAULT_ROLE_ID=... and HIRESENTRY_VAULT_SECRET_ID=... for the service's
# environment (the config refers to them as env:HIRESENTRY_VAULT_ROLE_ID / env:HIRESENTRY_VAULT_SECRET_ID).
# The secret id is a credential: send the output to a file only the service can read, never to a
# ticket or a shared terminal log. Re-running keeps the role and issues a new secret id.
#
# Tested against an OpenBao dev server by tests/app/vault/test_deploy_files.py.
set -eu

CLI=${VAULT_CLI:-bao}
HERE=$(cd "$(dirname "$0")" && pwd)
ROLE=${HIRESENTRY_ROLE:-hiresentry}
POLICY=${HIRESENTRY_POLICY:-hiresentry-read}
# Token lifetimes: the client renews before expiry and logs in again once token_max_ttl is reached.
TOKEN_TTL=${TOKEN_TTL:-1h}
TOKEN_MAX_TTL=${TOKEN_MAX_TTL:-24h}
SECRET_ID_TTL=${SECRET_ID_TTL:-0}   # 0: the secret id does not expire; rotate it on your schedule

# 1. The read-only policy.
"$CLI" policy write "$POLICY" "$HERE/policy.hcl" >&2

# 2. The AppRole auth method (once per cluster).
if ! "$CLI" auth list -format=json | grep -q '"approle/"'; then
  "$CLI" auth enable approle >&2
fi

# 3. The role: tokens carry only the read-only policy.
"$CLI" write "auth/approle/role/$ROLE" \
  token_policies="$POLICY" \
  token_ttl="$TOKEN_TTL" \
  token_max_ttl="$TOKEN_MAX_TTL" \
  secret_id_ttl="$SECRET_ID_TTL" >&2

# 4. The login inputs for hiresentry.
ROLE_ID=$("$CLI" read -field=role_id "auth/approle/role/$ROLE/role-id")
SECRET_ID=$("$CLI" write -f -field=secret_id "auth/approle/role/$ROLE/secret-id")
printf 'HIRESENTRY_VAULT_ROLE_ID=%s\nHIRESENTRY_VAULT_SECRET_ID=%s\n' "$ROLE_ID" "$SECRET_ID"

# Secrets themselves go to the KV v2 mount under hiresentry/, for example:
#   "$CLI" kv put -mount=secret hiresentry/deel token=...
#   "$CLI" kv put -mount=secret hiresentry/keys hmac_key=...
