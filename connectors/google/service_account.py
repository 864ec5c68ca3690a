"""Google service-account auth: a signed JWT exchanged for an access token (RFC 7523), with delegation.

Google's Admin SDK (Reports, Directory) only answers an administrator, so a service account acts
*as* one through domain-wide delegation: it signs a JWT (RS256, with the private key of its JSON
key file) whose ``sub`` is the admin to impersonate and whose ``scope`` lists what it may do, and
posts it to the key's ``token_uri`` with ``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``.
The token lasts an hour; :class:`ServiceAccountAuth` keeps it until shortly before that and asks
again (a fresh assertion every time), or at once after a 401 (it implements ``Refreshable``).

Token errors map to ``invalid_auth`` with the usual cause named: ``unauthorized_client`` means
the client id is not granted these scopes in the Admin console's domain-wide delegation,
``invalid_grant`` a bad key, a clock far off, or an admin address that does not exist.
Signing uses ``cryptography``; no Google library is needed.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pydantic import SecretStr

from hiresentry.connectors.base import HttpClient, RetryPolicy
from hiresentry.core.errors import ConnectorAuthError, VendorResponseError

log = logging.getLogger(__name__)

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class ServiceAccountKey:
    """The parts of a service account's JSON key file the grant needs; ``repr`` hides the key."""

    client_email: str
    private_key: rsa.RSAPrivateKey
    private_key_id: str | None
    token_uri: str

    @classmethod
    def from_json(cls, raw: SecretStr) -> ServiceAccountKey:
        """Read a JSON key file's content; ``ValueError`` (never quoting the content) if it is not one."""
        try:
            data = json.loads(raw.get_secret_value())
        except ValueError:
            raise ValueError("the service account key is not JSON (paste the whole key file)") from None
        if not isinstance(data, dict) or data.get("type") != "service_account":
            raise ValueError('the key file is not a service account key ("type": "service_account")')
        missing = [k for k in ("client_email", "private_key") if not isinstance(data.get(k), str) or not data[k]]
        if missing:
            raise ValueError(f"the service account key has no {', '.join(missing)}")
        try:
            key = serialization.load_pem_private_key(data["private_key"].encode(), password=None)
        except (ValueError, TypeError):
            raise ValueError("the service account key's private_key is not a PEM private key") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the service account key's private_key is not an RSA key")
        token_uri = str(data.get("token_uri") or "https://oauth2.googleapis.com/token")
        parts = urlsplit(token_uri)
        if not (parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS)):
            raise ValueError("the service account key's token_uri must be https://")
        key_id = data.get("private_key_id")
        return cls(data["client_email"], key, str(key_id) if key_id else None, token_uri)

    def __repr__(self) -> str:
        return f"ServiceAccountKey(client_email={self.client_email!r}, private_key=**********)"

    def assertion(self, subject: str | None, scopes: Sequence[str], issued: dt.datetime) -> str:
        """The signed JWT for the grant: ``iss`` us, ``sub`` the admin, ``aud`` the token URI, 1 h."""
        header = {"alg": "RS256", "typ": "JWT", **({"kid": self.private_key_id} if self.private_key_id else {})}
        at = int(issued.timestamp())
        claims: dict[str, Any] = {
            "iss": self.client_email,
            "scope": " ".join(scopes),
            "aud": self.token_uri,
            "iat": at,
            "exp": at + 3600,
        }
        if subject:
            claims["sub"] = subject
        signing_input = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = self.private_key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input}.{_b64url(signature)}"


class ServiceAccountAuth(requests.auth.AuthBase):
    """Bearer tokens from the JWT-bearer grant for ``scopes``, acting as ``subject``; cached until ``skew``."""

    def __init__(
        self,
        connector: str,
        key: ServiceAccountKey,
        subject: str | None,
        scopes: Sequence[str],
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        skew: dt.timedelta = dt.timedelta(seconds=120),
    ) -> None:
        parts = urlsplit(key.token_uri)
        self.connector = connector
        self.key = key
        self.subject = subject
        self.scopes = tuple(scopes)
        self._path = parts.path or "/"
        self._now = now
        self._skew = skew
        self._token: tuple[SecretStr, dt.datetime] | None = None
        self._lock = threading.Lock()
        self._http = HttpClient(
            connector,
            f"{parts.scheme}://{parts.netloc}",
            session=session,
            sleep=sleep,
            now=now,
            retry=RetryPolicy(attempts=3),
        )

    def access_token(self) -> SecretStr:
        """The cached token, or a new one."""
        with self._lock:
            if self._token is None or self._token[1] - self._skew <= self._now():
                self._token = self._grant()
            return self._token[0]

    def invalidate(self) -> bool:
        """Drop the cached token; a new one is one signed assertion away."""
        with self._lock:
            self._token = None
        return True

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.access_token().get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return f"ServiceAccountAuth(client_email={self.key.client_email!r}, token=**********)"

    def _grant(self) -> tuple[SecretStr, dt.datetime]:
        issued = self._now()
        form = {"grant_type": JWT_BEARER, "assertion": self.key.assertion(self.subject, self.scopes, issued)}
        response = self._http.request("POST", self._path, data=form, allow=(400, 401))
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code in (400, 401):
            error = str(body.get("error", "")) if isinstance(body, dict) else ""
            hints = {
                "unauthorized_client": "grant this client the scopes in the Admin console's domain-wide delegation",
                "invalid_grant": "check the key, the system clock and that the delegated admin exists",
                "invalid_client": "the service account or its key was deleted or disabled",
            }
            hint = hints.get(error, "check the service account key and its delegation")
            raise ConnectorAuthError(
                self.connector, f"Google refused the service account grant ({error or response.status_code}): {hint}"
            )
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise VendorResponseError(self.connector, "Google's token endpoint answered without access_token")
        try:
            lifetime = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            lifetime = 3600.0
        log.info("%s: service account token issued for %d scope(s)", self.connector, len(self.scopes))
        return SecretStr(body["access_token"]), issued + dt.timedelta(seconds=lifetime)
