"""Vault / OpenBao: resolve ``vault:PATH#KEY`` config references from a KV v2 mount, through hvac.

Why it is built this way (docs/design-notes.md, "Secrets"):

- **Log in once, then keep the token.** The token's TTL comes from ``lookup-self`` after login; shortly
  before it runs out the client renews it (``renew-self``), and logs in afresh only when the token is
  not renewable, renewal fails, or the server capped the renewal at the token's max TTL. A client
  that logs in for every read took a Vault cluster down (Airflow #9713); one that logs in once and
  never renews (Keep's secret manager) breaks when the first token expires.
- **A 403 gets one fresh login.** Vault answers 403 both for a revoked or expired token and for a
  path the policy denies. The client logs in again once and retries; a second 403 is the policy,
  reported as a :class:`SecretResolutionError` naming the path.
- **Cache per path.** The data of each secret path is kept for ``cache_ttl`` seconds, so several
  references into ``hiresentry/deel`` cost one read; values are held as ``SecretStr``.
- **Nothing secret in messages.** Errors name the URL, mount, path, key and auth method, never a
  value; hvac exceptions (whose ``text``/``json`` carry response bodies) are never chained onto ours.
- **Login inputs are ``env:`` references or files**, never ``vault:`` ones (Vault cannot hold the
  key to itself). Files are re-read at every login, so a rotated Kubernetes service-account token or
  a token file rewritten by Vault Agent is picked up without a restart.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import hvac
import hvac.exceptions
import requests
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from hiresentry.core.errors import SecretResolutionError
from hiresentry.core.secrets import register_resolver, resolve_reference, unregister_resolver

log = logging.getLogger(__name__)

AuthMethod = Literal["token", "approle", "kubernetes"]
KUBERNETES_JWT_PATH = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")
"""Where Kubernetes mounts a pod's service-account token (the JWT the kubernetes method sends)."""

_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
_METHOD_FIELDS: dict[str, AuthMethod] = {"token": "token", "token_path": "token", "kubernetes_role": "kubernetes"}
_METHOD_FIELDS |= dict.fromkeys(("role_id", "role_id_path", "secret_id", "secret_id_path"), "approle")


def _env_reference_only(value: Any, info: ValidationInfo) -> Any:
    """The vault section's own secrets: ``env:NAME`` (or a ``SecretStr`` from code), nothing else."""
    if value is None or isinstance(value, SecretStr):
        return value
    if isinstance(value, str):
        if not value.strip().startswith("env:"):
            raise SecretResolutionError(
                f"vault.{info.field_name} must be an env:NAME reference or given as vault.{info.field_name}_path "
                "(never inline, and never vault: - Vault cannot hold the key to itself)"
            )
        return resolve_reference(value.strip())
    return value


EnvSecret = Annotated[SecretStr, BeforeValidator(_env_reference_only)]
"""A secret of the vault section itself: an ``env:NAME`` reference resolved at load time."""


class VaultSettings(BaseModel):
    """How to reach Vault/OpenBao and log in (config section ``vault``).

    Login inputs per ``auth_method``: ``token`` needs ``token`` or ``token_path``; ``approle`` needs
    ``role_id``/``role_id_path`` and ``secret_id``/``secret_id_path``; ``kubernetes`` needs
    ``kubernetes_role`` and reads the pod's JWT from ``kubernetes_jwt_path``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(description="e.g. https://vault.example.com:8200 (http:// only for localhost)")
    mount_point: str = Field("secret", min_length=1, description="the KV version 2 mount the references point into")
    namespace: str | None = Field(None, description="Vault Enterprise / OpenBao namespace, if any")
    auth_method: AuthMethod = "token"
    auth_mount_point: str | None = Field(None, description="where the auth method is mounted (default: its name)")
    token: EnvSecret | None = None
    token_path: Path | None = Field(None, description="file holding the token (e.g. written by Vault Agent)")
    role_id: EnvSecret | None = None
    role_id_path: Path | None = None
    secret_id: EnvSecret | None = None
    secret_id_path: Path | None = None
    kubernetes_role: str | None = Field(None, min_length=1, description="the Vault role bound to the service account")
    kubernetes_jwt_path: Path = KUBERNETES_JWT_PATH
    verify: bool = Field(True, description="verify the server's TLS certificate")
    ca_cert: Path | None = Field(None, description="CA bundle to verify the server with")
    timeout: float = Field(10.0, gt=0, description="seconds per request to Vault")
    cache_ttl: float = Field(300.0, ge=0, description="seconds a secret path's data is reused (0: read every time)")
    renew_before: float = Field(60.0, ge=0, description="renew the token this many seconds before it expires")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        # The token travels with every request: plain HTTP only to a server on this machine.
        parts = urlsplit(value)
        if not parts.hostname or parts.username or parts.password:
            raise ValueError("must be a URL such as https://vault.example.com:8200, without credentials")
        if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS):
            return value.rstrip("/")
        raise ValueError("must be an https:// URL (http:// is accepted for localhost only)")

    @field_validator("mount_point", "auth_mount_point")
    @classmethod
    def _mount(cls, value: str | None) -> str | None:
        if value is None:
            return None
        stripped = value.strip("/")
        if not stripped:
            raise ValueError("must name a mount, e.g. 'secret'")
        return stripped

    @model_validator(mode="after")
    def _inputs_of_the_method(self) -> VaultSettings:
        method = self.auth_method
        for name, owner in _METHOD_FIELDS.items():
            if owner != method and getattr(self, name) is not None:
                raise ValueError(f"{name} is only used with auth_method {owner} (auth_method is {method})")
        pairs = {"token": ("token",), "approle": ("role_id", "secret_id"), "kubernetes": ()}[method]
        for name in pairs:
            given = [n for n in (name, f"{name}_path") if getattr(self, n) is not None]
            if len(given) != 1:
                raise ValueError(f"auth_method {method} needs exactly one of {name} (env:NAME) or {name}_path")
        if method == "kubernetes" and self.kubernetes_role is None:
            raise ValueError("auth_method kubernetes needs kubernetes_role")
        if self.ca_cert is not None and not self.verify:
            raise ValueError("ca_cert is given but verify is false; drop one of them")
        return self

    @property
    def login_mount(self) -> str:
        """Where the configured auth method is mounted."""
        return self.auth_mount_point or self.auth_method


def parse_reference(reference: str) -> tuple[str, str]:
    """``PATH#KEY`` (the part after ``vault:``) → (path inside the KV mount, key)."""
    path, sep, key = reference.partition("#")
    path = path.strip().strip("/")
    if not sep or not path or not key.strip():
        raise SecretResolutionError(f"vault:{reference}: expected vault:PATH#KEY, e.g. vault:hiresentry/jira#token")
    return path, key.strip()


@dataclass(frozen=True)
class _TokenState:
    """What we know about the current token: when it expires and whether renew-self may extend it."""

    expires_at: float | None  # None: the token never expires (TTL 0, e.g. a root token)
    lease: float
    renewable: bool


class _DeniedError(Exception):
    """Internal: Vault answered 403 to a read (revoked token or policy)."""


class VaultClient:
    """One logged-in hvac client: cached KV v2 reads, token renewal, one re-login on 403.

    ``clock`` (monotonic seconds) is injectable so tests can move time without sleeping.
    Thread-safe: a lock serialises logins, renewals and cache fills.
    """

    def __init__(
        self,
        settings: VaultSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._lock = threading.RLock()
        verify: bool | str = str(settings.ca_cert) if settings.ca_cert is not None else settings.verify
        # token="" and an explicit verify keep hvac from picking up VAULT_TOKEN, ~/.vault-token or
        # VAULT_CACERT behind the config's back.
        self._hvac = hvac.Client(
            url=settings.url,
            token="",
            verify=verify,
            timeout=settings.timeout,
            namespace=settings.namespace,
            session=session,
        )
        self._token: _TokenState | None = None
        self._login_inputs: list[SecretStr] = []  # masked out of any error text
        self._cache: dict[str, tuple[float, dict[str, SecretStr]]] = {}
        self.logins = 0
        """Successful logins so far (observability; tests assert on it)."""
        self.renewals = 0
        """Successful token renewals so far."""
        self.accessor: str | None = None
        """Accessor of the current token: names it (for revocation, audit) without being a credential."""

    def __repr__(self) -> str:
        return f"VaultClient(url={self.settings.url!r}, auth_method={self.settings.auth_method!r})"

    # -- public -----------------------------------------------------------------------------------

    def resolve(self, reference: str) -> str:
        """The value of ``PATH#KEY`` (the resolver of ``vault:`` references)."""
        path, key = parse_reference(reference)
        data = self.read(path)
        if key not in data:
            keys = ", ".join(sorted(data)) or "none"
            raise SecretResolutionError(
                f"vault:{reference}: the secret {self._where(path)} has no key {key!r} (its keys: {keys})"
            )
        return data[key].get_secret_value()

    def read(self, path: str) -> dict[str, SecretStr]:
        """The data of the latest version of secret ``path`` in the KV v2 mount, cached for ``cache_ttl``."""
        with self._lock:
            cached = self._cache.get(path)
            if cached is not None and self._clock() - cached[0] < self.settings.cache_ttl:
                return cached[1]
            data = self._read_with_one_relogin(path)
            self._cache[path] = (self._clock(), data)
            return data

    def login(self) -> None:
        """Log in with the configured method and learn the token's TTL (``lookup-self``)."""
        with self._lock:
            self._login()

    def forget(self) -> None:
        """Drop cached secret data (the token is kept)."""
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        """Release pooled connections."""
        self._hvac.adapter.close()

    # -- reading ----------------------------------------------------------------------------------

    def _where(self, path: str) -> str:
        return f"{self.settings.mount_point}/{path}"

    def _read_with_one_relogin(self, path: str) -> dict[str, SecretStr]:
        self._ensure_token()
        try:
            return self._read_once(path)
        except _DeniedError:
            log.info("vault: reading %s was denied; logging in again once", self._where(path))
        self._login()
        try:
            return self._read_once(path)
        except _DeniedError:
            pass
        raise SecretResolutionError(
            f"Vault denied reading {self._where(path)} even after a fresh {self.settings.auth_method} login: "
            f"the policy of this token does not allow it (needs read on "
            f"{self.settings.mount_point}/data/{path})"
        )

    def _read_once(self, path: str) -> dict[str, SecretStr]:
        failure: str | None = None
        try:
            response = self._hvac.secrets.kv.v2.read_secret_version(
                path=path, mount_point=self.settings.mount_point, raise_on_deleted_version=True
            )
        except hvac.exceptions.Forbidden:
            raise _DeniedError from None
        except hvac.exceptions.InvalidPath:
            failure = (
                f"no secret at {self._where(path)} (KV v2 mount {self.settings.mount_point!r}; "
                "missing, or its latest version is deleted)"
            )
        except hvac.exceptions.VaultError as exc:
            failure = f"reading {self._where(path)} failed: {self._describe(exc)}"
        except requests.RequestException as exc:
            failure = f"cannot reach Vault at {self.settings.url} ({type(exc).__name__})"
        if failure is not None:
            # Raised outside the except blocks: hvac exceptions carry response bodies, keep them off our chain.
            raise SecretResolutionError(failure)
        log.debug("vault: read %s", self._where(path))
        data = ((response or {}).get("data") or {}).get("data")
        if not isinstance(data, Mapping):
            raise SecretResolutionError(f"{self._where(path)} is not a KV version 2 secret (no data.data)")
        return {str(k): SecretStr(v if isinstance(v, str) else json.dumps(v)) for k, v in data.items()}

    # -- the token --------------------------------------------------------------------------------

    def _due(self, token: _TokenState) -> bool:
        if token.expires_at is None:
            return False
        # Never renew earlier than half-way through the lease: a TTL shorter than renew_before
        # would otherwise mean a renewal (or login) before every read.
        margin = min(self.settings.renew_before, token.lease / 2)
        return self._clock() >= token.expires_at - margin

    def _ensure_token(self) -> None:
        token = self._token
        if token is None:
            self._login()
            return
        if not self._due(token):
            return
        if not token.renewable:
            log.info("vault: token expires soon and cannot be renewed; logging in again")
            self._login()
            return
        try:
            renewed = self._hvac.auth.token.renew_self()
            auth = renewed["auth"]
            lease = float(auth["lease_duration"])
            renewable = bool(auth.get("renewable"))
        except (hvac.exceptions.VaultError, requests.RequestException, KeyError, TypeError, ValueError) as exc:
            log.info("vault: token renewal failed (%s); logging in again", type(exc).__name__)
            self._login()
            return
        if lease <= 0:
            self._login()
            return
        # A shorter lease than before means the server capped it at the token's max TTL: this was
        # the last useful renewal, so the next time it is due we log in instead.
        self._token = _TokenState(self._clock() + lease, lease, renewable and lease >= token.lease)
        self.renewals += 1
        log.debug("vault: token renewed for %.0fs", lease)

    def _login(self) -> None:
        settings = self.settings
        mount = settings.login_mount
        self._token = None
        self._hvac.token = ""
        failure: str | None = None
        try:
            if settings.auth_method == "token":
                self._login_inputs = [self._secret_input("token")]
                self._hvac.token = self._login_inputs[0].get_secret_value()
            elif settings.auth_method == "approle":
                role_id, secret_id = self._secret_input("role_id"), self._secret_input("secret_id")
                self._login_inputs = [role_id, secret_id]
                self._hvac.auth.approle.login(
                    role_id=role_id.get_secret_value(), secret_id=secret_id.get_secret_value(), mount_point=mount
                )
            else:
                jwt = _read_file(settings.kubernetes_jwt_path, "Kubernetes service-account JWT")
                self._login_inputs = [jwt]
                self._hvac.auth.kubernetes.login(
                    role=settings.kubernetes_role, jwt=jwt.get_secret_value(), mount_point=mount
                )
            info = self._hvac.auth.token.lookup_self()["data"]
        except hvac.exceptions.VaultError as exc:
            failure = (
                f"Vault {settings.auth_method} login at auth/{mount} on {settings.url} failed: {self._describe(exc)}"
            )
        except requests.RequestException as exc:
            failure = f"cannot reach Vault at {settings.url} ({type(exc).__name__})"
        if failure is not None:
            self._hvac.token = ""
            raise SecretResolutionError(failure)
        ttl = float(info.get("ttl") or 0)
        now = self._clock()
        self._token = _TokenState(now + ttl if ttl > 0 else None, ttl, bool(info.get("renewable")))
        self.accessor = info.get("accessor")
        self.logins += 1
        log.debug(
            "vault: logged in (%s at auth/%s; ttl %.0fs, renewable %s)",
            settings.auth_method,
            mount,
            ttl,
            self._token.renewable,
        )

    def _secret_input(self, name: str) -> SecretStr:
        """A login input: the ``env:`` value from config, or the file named by ``<name>_path``, read now."""
        value: SecretStr | None = getattr(self.settings, name)
        if value is not None:
            return value
        path: Path = getattr(self.settings, f"{name}_path")
        return _read_file(path, f"Vault {name}")

    def _describe(self, exc: hvac.exceptions.VaultError) -> str:
        """The class and Vault's own error strings, with every login input masked, never the body."""
        errors = [str(e) for e in (exc.errors or []) if e] if isinstance(exc.errors, list) else []
        text = "; ".join(errors)
        for value in self._login_inputs:  # masked before shortening, so no partial value survives
            if value.get_secret_value():
                text = text.replace(value.get_secret_value(), "[secret]")
        return f"{type(exc).__name__} ({text[:200] or 'no details'})"


def _read_file(path: Path, what: str) -> SecretStr:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SecretResolutionError(
            f"cannot read the {what} file {path}: {exc.strerror or type(exc).__name__}"
        ) from None
    if not value:
        raise SecretResolutionError(f"the {what} file {path} is empty")
    return SecretStr(value)


# -- the process-wide resolver ----------------------------------------------------------------------

_installed: VaultClient | None = None


def install_resolver(settings: VaultSettings | None) -> VaultClient | None:
    """Make ``vault:`` references resolve through a client for ``settings``; ``None`` removes it.

    Loading the same settings again keeps the existing client (and its token and cache), so a
    config reload does not cost a login.
    """
    global _installed
    if settings is None:
        unregister_resolver("vault")
        _installed = None
        return None
    if _installed is None or _installed.settings != settings:
        if _installed is not None:
            _installed.close()
        _installed = VaultClient(settings)
    register_resolver("vault", _installed.resolve)
    return _installed


def installed_client() -> VaultClient | None:
    """The client ``vault:`` references currently resolve through, if any."""
    return _installed
