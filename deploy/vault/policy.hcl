# hiresentry: read-only access to its own secrets, nothing else.
#
# hiresentry reads `vault:PATH#KEY` references from the KV version 2 mount `secret/` (config
# `vault.mount_point`), with every PATH under `hiresentry/` (for example
# `vault:hiresentry/deel#token`, `vault:hiresentry/keys#hmac_key`). KV v2 serves the latest
# version of `secret/hiresentry/deel` at the API path `secret/data/hiresentry/deel`, so that is
# what the policy grants. No list, no write, no metadata, no other mount.
# If you use another mount or prefix, change the paths here and in the config together.

path "secret/data/hiresentry/*" {
  capabilities = ["read"]
}

# The client renews its own token before it expires and reads its TTL after login. The built-in
# `default` policy grants both too; they are repeated here so the role also works with
# `token_no_default_policy=true`.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}
