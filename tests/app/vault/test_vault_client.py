"""The Vault client and ``vault:`` references, against a real OpenBao dev server.

Real server: ``bao server -dev`` started by the session fixture (``conftest.py``). Time is an
injected clock, so renewal is tested by moving the clock, never by sleeping or timing.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import hvac
import pytest
from pydantic import SecretStr

from hiresentry.app.config import load_config
from hiresentry.app.vault import VaultClient, VaultSettings, installed_client
from hiresentry.core.errors import ConfigError, SecretResolutionError
from hiresentry.core.secrets import resolve_reference
from tests.app.vault.bao import BaoServer, make_approle

KEY = "k" * 40
_names = itertools.count()


class Clock:
    """Monotonic seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def unique(prefix: str) -> str:
    return f"{prefix}{next(_names)}"


def read_only_policy(root: hvac.Client, prefix: str) -> str:
    name = f"{prefix}-read"
    root.sys.create_or_update_policy(name=name, policy=f'path "secret/data/{prefix}/*" {{ capabilities = ["read"] }}')
    return name


def put(root: hvac.Client, path: str, **data: str) -> None:
    root.secrets.kv.v2.create_or_update_secret(path=path, secret=data, mount_point="secret")


def approle_client(bao: BaoServer, prefix: str, clock: Clock | None = None, **settings: Any) -> VaultClient:
    root = bao.root()
    role_id, secret_id = make_approle(root, prefix, read_only_policy(root, prefix), token_ttl="1h")
    config = VaultSettings(
        url=bao.url,
        auth_method="approle",
        role_id=SecretStr(role_id),
        secret_id=SecretStr(secret_id),
        **settings,
    )
    return VaultClient(config, clock=clock or Clock())


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hiresentry.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- through the config file -------------------------------------------------------------------------


def test_kv2_reference_in_a_config_file_with_a_token(bao: BaoServer, tmp_path: Path) -> None:
    root = bao.root()
    put(root, "myapp/jira", token="jira-token-from-openbao", user="bot")
    token = root.auth.token.create(policies=["default", read_only_policy(root, "myapp")], ttl="1h")["auth"]
    path = write(
        tmp_path,
        f"vault: {{url: '{bao.url}', auth_method: token, token: env:VAULT_TOKEN}}\n"
        "keys: {hmac_key: env:MY_KEY}\n"
        "jira: {url: 'https://jira.example', user: bot, token: 'vault:myapp/jira#token'}\n",
    )
    config = load_config(path, {"VAULT_TOKEN": token["client_token"], "MY_KEY": KEY})
    assert config.jira is not None
    assert config.jira.token.get_secret_value() == "jira-token-from-openbao"
    assert config.vault is not None and config.vault.auth_method == "token"
    assert "jira-token-from-openbao" not in repr(config)
    assert token["client_token"] not in repr(config)
    # The resolver stays installed for what is validated later (connector configs in wiring).
    assert resolve_reference("vault:myapp/jira#user").get_secret_value() == "bot"
    client = installed_client()
    assert client is not None and client.logins == 1


def test_a_config_without_vault_section_removes_the_resolver(bao: BaoServer, tmp_path: Path) -> None:
    token = bao.root().auth.token.create(ttl="1h")["auth"]["client_token"]
    with_vault = f"vault: {{url: '{bao.url}', token: env:VAULT_TOKEN}}\nkeys: {{hmac_key: env:MY_KEY}}\n"
    load_config(write(tmp_path, with_vault), {"VAULT_TOKEN": token, "MY_KEY": KEY})
    assert installed_client() is not None
    path = write(
        tmp_path, "keys: {hmac_key: env:MY_KEY}\njira: {url: 'https://j.example', user: b, token: vault:a#b}\n"
    )
    with pytest.raises(SecretResolutionError, match="no resolver is configured for vault"):
        load_config(path, {"MY_KEY": KEY})
    assert installed_client() is None


def test_the_vault_section_takes_only_env_references(tmp_path: Path) -> None:
    inline = write(tmp_path, "vault: {url: 'https://vault.example', token: hvs.inline-token-value}\n")
    with pytest.raises(SecretResolutionError, match=r"vault.token must be an env:NAME reference") as raised:
        load_config(inline, {"MY_KEY": KEY})
    assert "hvs.inline-token-value" not in str(raised.value)
    recursive = write(tmp_path, "vault: {url: 'https://vault.example', token: 'vault:x#y'}\n")
    with pytest.raises(SecretResolutionError, match="never vault:"):
        load_config(recursive, {})


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("{url: 'http://vault.example', token: env:T}", "vault.url: Value error, must be an https:// URL"),
        ("{url: 'https://v.example', auth_method: approle, role_id: env:T}", "exactly one of secret_id"),
        ("{url: 'https://v.example', token: env:T, token_path: /t}", "exactly one of token"),
        ("{url: 'https://v.example', token: env:T, kubernetes_role: r}", "kubernetes_role is only used with"),
        ("{url: 'https://v.example', auth_method: kubernetes}", "needs kubernetes_role"),
        ("{url: 'https://v.example', token: env:T, tls: x}", "vault.tls: Extra inputs are not permitted"),
    ],
)
def test_bad_vault_sections_name_the_key(tmp_path: Path, section: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, f"vault: {section}\n"), {"T": "x"})


# -- AppRole, reads, cache, errors ---------------------------------------------------------------------


def test_approle_login_reads_within_its_read_only_policy(bao: BaoServer) -> None:
    prefix = unique("ro")
    put(bao.root(), f"{prefix}/jira", token="approle-read-value")
    client = approle_client(bao, prefix)
    assert client.resolve(f"{prefix}/jira#token") == "approle-read-value"
    token = hvac.Client(url=bao.url, token=client._hvac.token)
    assert token.auth.token.lookup_self()["data"]["policies"] == ["default", f"{prefix}-read"]
    with pytest.raises(hvac.exceptions.Forbidden):  # read-only: the same token cannot write
        token.secrets.kv.v2.create_or_update_secret(path=f"{prefix}/jira", secret={"x": "y"}, mount_point="secret")


def test_reads_are_cached_per_path_for_cache_ttl(bao: BaoServer) -> None:
    prefix = unique("cache")
    root = bao.root()
    put(root, f"{prefix}/a", token="v1", user="u")
    clock = Clock()
    client = approle_client(bao, prefix, clock, cache_ttl=300)
    assert client.resolve(f"{prefix}/a#token") == "v1"
    put(root, f"{prefix}/a", token="v2", user="u")
    clock.now += 299
    assert client.resolve(f"{prefix}/a#token") == "v1"  # one read served both references
    assert client.resolve(f"{prefix}/a#user") == "u"
    clock.now += 2
    assert client.resolve(f"{prefix}/a#token") == "v2"
    assert client.logins == 1


def test_denied_path_is_a_clear_error_after_one_relogin(bao: BaoServer) -> None:
    prefix = unique("deny")
    put(bao.root(), "elsewhere/db", password="db-password-value")
    client = approle_client(bao, prefix)
    with pytest.raises(SecretResolutionError) as raised:
        client.resolve("elsewhere/db#password")
    message = str(raised.value)
    assert "Vault denied reading secret/elsewhere/db" in message
    assert "secret/data/elsewhere/db" in message
    assert "db-password-value" not in message
    assert raised.value.__context__ is None and raised.value.__cause__ is None
    assert client.logins == 2  # the 403 earned exactly one fresh login


def test_missing_key_in_an_existing_secret(bao: BaoServer) -> None:
    prefix = unique("key")
    put(bao.root(), f"{prefix}/jira", token="tok-value-1", user="bot")
    client = approle_client(bao, prefix)
    with pytest.raises(SecretResolutionError) as raised:
        client.resolve(f"{prefix}/jira#passwd")
    assert str(raised.value) == (
        f"vault:{prefix}/jira#passwd: the secret secret/{prefix}/jira has no key 'passwd' (its keys: token, user)"
    )


def test_missing_path(bao: BaoServer) -> None:
    prefix = unique("nopath")
    client = approle_client(bao, prefix)
    with pytest.raises(SecretResolutionError, match=rf"no secret at secret/{prefix}/absent \(KV v2 mount 'secret'"):
        client.resolve(f"{prefix}/absent#token")


@pytest.mark.parametrize("reference", ["vault:nokey", "vault:path#", "vault:#key"])
def test_malformed_references(bao: BaoServer, reference: str, tmp_path: Path) -> None:
    token = bao.root().auth.token.create(ttl="1h")["auth"]["client_token"]
    path = write(
        tmp_path,
        f"vault: {{url: '{bao.url}', token: env:VT}}\n"
        f"jira: {{url: 'https://j.example', user: b, token: '{reference}'}}\n",
    )
    with pytest.raises(SecretResolutionError, match=r"expected vault:PATH#KEY"):
        load_config(path, {"VT": token, "HIRESENTRY_HMAC_KEY": KEY})


def test_wrong_secret_id_is_a_clear_login_error(bao: BaoServer) -> None:
    prefix = unique("badlogin")
    root = bao.root()
    role_id, _ = make_approle(root, prefix, read_only_policy(root, prefix))
    settings = VaultSettings(
        url=bao.url, auth_method="approle", role_id=SecretStr(role_id), secret_id=SecretStr("wrong-secret-id-zz9")
    )
    with pytest.raises(SecretResolutionError, match=r"Vault approle login at auth/approle on .* failed") as raised:
        VaultClient(settings).resolve(f"{prefix}/x#y")
    assert "wrong-secret-id-zz9" not in str(raised.value)


def test_unreachable_vault(tmp_path: Path) -> None:
    from tests.app.vault.bao import free_port

    settings = VaultSettings(url=f"http://127.0.0.1:{free_port()}", token=SecretStr("t"), timeout=2)
    with pytest.raises(SecretResolutionError, match=r"cannot reach Vault at http://127.0.0.1:\d+ \(ConnectionError\)"):
        VaultClient(settings).resolve("a#b")


# -- token lifetime ---------------------------------------------------------------------------------


def test_token_is_renewed_before_it_expires(bao: BaoServer) -> None:
    prefix = unique("renew")
    root = bao.root()
    put(root, f"{prefix}/a", token="renewed-read")
    clock = Clock()
    client = approle_client(bao, prefix, clock, cache_ttl=0, renew_before=60)
    client.login()
    accessor = client.accessor
    assert accessor is not None
    assert root.auth.token.lookup_accessor(accessor)["data"].get("last_renewal_time") in (None, 0)

    # The server reports the TTL in whole seconds after some real time passed: keep clear margins.
    clock.now += 3600 - 120  # two minutes left: not yet inside the 60 s renewal window
    client.resolve(f"{prefix}/a#token")
    assert (client.logins, client.renewals) == (1, 0)

    clock.now += 90  # 30 s left
    assert client.resolve(f"{prefix}/a#token") == "renewed-read"
    assert (client.logins, client.renewals) == (1, 1)
    assert client.accessor == accessor  # the same token, extended
    assert root.auth.token.lookup_accessor(accessor)["data"]["last_renewal_time"] > 0

    clock.now += 3600 - 120  # the renewal granted a fresh hour: not due again yet
    client.resolve(f"{prefix}/a#token")
    assert (client.logins, client.renewals) == (1, 1)
    clock.now += 90
    client.resolve(f"{prefix}/a#token")
    assert (client.logins, client.renewals) == (1, 2)


def test_failed_renewal_falls_back_to_a_fresh_login(bao: BaoServer) -> None:
    prefix = unique("renewfail")
    root = bao.root()
    put(root, f"{prefix}/a", token="after-relogin")
    clock = Clock()
    client = approle_client(bao, prefix, clock, cache_ttl=0)
    client.login()
    old = client.accessor
    root.auth.token.revoke_accessor(old)
    clock.now += 3600 - 30
    assert client.resolve(f"{prefix}/a#token") == "after-relogin"
    assert (client.logins, client.renewals) == (2, 0)
    assert client.accessor != old


def test_revoked_token_is_replaced_on_403(bao: BaoServer) -> None:
    prefix = unique("revoked")
    root = bao.root()
    put(root, f"{prefix}/a", token="first")
    put(root, f"{prefix}/b", token="second")
    client = approle_client(bao, prefix)
    assert client.resolve(f"{prefix}/a#token") == "first"
    old = client.accessor
    root.auth.token.revoke_accessor(old)
    assert client.resolve(f"{prefix}/b#token") == "second"  # 403 → one login → success
    assert client.logins == 2
    assert client.accessor != old


def test_non_renewable_token_from_a_file_is_read_again(bao: BaoServer, tmp_path: Path) -> None:
    prefix = unique("tokfile")
    root = bao.root()
    put(root, f"{prefix}/a", token="via-token-file")
    policy = read_only_policy(root, prefix)
    token_file = tmp_path / "token"
    token_file.write_text(root.auth.token.create(policies=[policy], ttl="1h", renewable=False)["auth"]["client_token"])
    clock = Clock()
    client = VaultClient(VaultSettings(url=bao.url, token_path=token_file, cache_ttl=0), clock=clock)
    assert client.resolve(f"{prefix}/a#token") == "via-token-file"
    first = client.accessor

    # Vault Agent (or an operator) writes a fresh token; the old one is close to expiry.
    token_file.write_text(root.auth.token.create(policies=[policy], ttl="1h")["auth"]["client_token"] + "\n")
    clock.now += 3600 - 10
    assert client.resolve(f"{prefix}/a#token") == "via-token-file"
    assert (client.logins, client.renewals) == (2, 0)
    assert client.accessor != first


def test_a_root_token_never_expires_and_is_never_renewed(bao: BaoServer) -> None:
    put(bao.root(), "rootread/a", token="root-read")
    clock = Clock()
    client = VaultClient(VaultSettings(url=bao.url, token=SecretStr("root"), cache_ttl=0), clock=clock)
    clock.now += 10**9
    assert client.resolve("rootread/a#token") == "root-read"
    assert (client.logins, client.renewals) == (1, 0)


def test_missing_token_file_names_the_file(tmp_path: Path) -> None:
    settings = VaultSettings(url="https://vault.example", token_path=tmp_path / "absent")
    with pytest.raises(SecretResolutionError, match=r"cannot read the Vault token file .*absent: No such file"):
        VaultClient(settings).resolve("a#b")


def test_namespace_is_sent_with_every_request(bao: BaoServer) -> None:
    root = bao.root()
    namespace = unique("team")
    root.adapter.post(f"/v1/sys/namespaces/{namespace}")
    inside = hvac.Client(url=bao.url, token="root", namespace=namespace)
    inside.sys.enable_secrets_engine("kv", path="secret", options={"version": "2"})
    inside.secrets.kv.v2.create_or_update_secret(path="a", secret={"k": "in-namespace"}, mount_point="secret")
    settings = VaultSettings(url=bao.url, token=SecretStr("root"), namespace=namespace)
    assert VaultClient(settings).resolve("a#k") == "in-namespace"
    with pytest.raises(SecretResolutionError, match="no secret at secret/a"):
        VaultClient(settings.model_copy(update={"namespace": None})).resolve("a#k")
