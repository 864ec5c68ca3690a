"""Where OAuth2 tokens live between runs: compare-and-swap rows, encrypted at rest.

**Why a store at all.** Oyster, Upwork and Remote rotate refresh tokens: every refresh returns a new
refresh token and kills the old one. Losing the new one (a crash, a second process that refreshed
with the same old token) means a human has to re-authorize the connection. So:

- **Atomic rotation.** The new access and refresh tokens replace the old ones in *one* ``UPDATE``
  (one transaction): there is never a moment when the old refresh token is retired and the new one
  not yet stored, nor a row holding the new access token beside the old refresh token.
- **One refresher at a time.** Each row has a ``version``. A refresher first *claims* the row
  (``UPDATE … SET version = v+1, lease … WHERE version = v AND no live lease``); only the one
  whose claim changed a row calls the vendor. Everyone else sees the lease, waits, and reloads
  the tokens the winner stored. Two processes can therefore never both spend the old refresh
  token. A claimer that dies leaves a lease that expires, after which another may try (with the
  stored refresh token, which is still the newest we know).
- **Encrypted at rest.** Token values are never stored in plain text. Each value is sealed with
  AES-256-GCM (``cryptography``) under a key derived by HKDF-SHA256 from a configured secret
  (the wiring passes the link-key secret, ``keys.hmac_key``; HKDF with a purpose label makes the
  token key independent of the hashing key while needing no new setting). The row's connector
  name and column are the AEAD's associated data, so a sealed value moved to another row or column
  fails to open. AES-GCM rather than Fernet for exactly that binding; changing the secret makes the
  stored tokens unreadable (:class:`StoreError` says to re-authorize), as it orphans link keys.

:class:`MemoryTokenStore` implements the same contract for tests and single-process use.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr
from sqlalchemy import ColumnElement, Engine, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from hiresentry.core.errors import StoreError
from hiresentry.core.store import schema

_HKDF_INFO = b"hiresentry/connector-tokens/v1"
_PREFIX = "v1."


@dataclass(frozen=True)
class TokenSet:
    """An access token, the refresh token that renews it (if any), and when the access token expires."""

    access_token: SecretStr
    refresh_token: SecretStr | None = None
    expires_at: dt.datetime | None = None

    def expired(self, now: dt.datetime, skew: dt.timedelta = dt.timedelta(0)) -> bool:
        """True if the access token is (or within ``skew`` will be) expired; unknown expiry never is."""
        return self.expires_at is not None and self.expires_at - skew <= now


@dataclass(frozen=True)
class StoredTokens:
    """A row of the token store: tokens, the version a compare-and-swap must name, and the lease."""

    tokens: TokenSet
    version: int
    lease_owner: str | None = None
    lease_until: dt.datetime | None = None

    def leased(self, now: dt.datetime) -> bool:
        """True while a refresher holds the row."""
        return self.lease_until is not None and self.lease_until > now


class TokenStore(Protocol):
    """Token rows keyed by connector instance, changed only by compare-and-swap on ``version``."""

    def load(self, connector: str) -> StoredTokens | None:
        """The current row, or None if the connector was never authorized."""
        ...

    def put(self, connector: str, tokens: TokenSet, now: dt.datetime) -> StoredTokens:
        """Store tokens from an authorization (first grant or re-authorization), whatever was there."""
        ...

    def claim(self, connector: str, version: int, owner: str, now: dt.datetime, until: dt.datetime) -> int | None:
        """Lease the row for a refresh if it is still at ``version`` and unleased; the new version or None."""
        ...

    def claim_new(self, connector: str, owner: str, now: dt.datetime, until: dt.datetime) -> int | None:
        """Create the row, with no usable token and leased to ``owner``, unless one exists; its version or None.

        For a first login that only one process may make (Personio v1): the winner logs in and
        ``complete`` s the row, everyone else sees the lease and waits for its token.
        """
        ...

    def complete(self, connector: str, version: int, owner: str, tokens: TokenSet, now: dt.datetime) -> bool:
        """Store refreshed tokens and end the lease, if ``owner`` still holds the row at ``version``."""
        ...

    def release(self, connector: str, version: int, owner: str, now: dt.datetime) -> bool:
        """End a lease without new tokens (the refresh failed)."""
        ...


class MemoryTokenStore:
    """The token store contract in memory (tests, one process); a lock stands in for the database."""

    def __init__(self) -> None:
        self._rows: dict[str, StoredTokens] = {}
        self._lock = threading.Lock()

    def load(self, connector: str) -> StoredTokens | None:
        with self._lock:
            return self._rows.get(connector)

    def put(self, connector: str, tokens: TokenSet, now: dt.datetime) -> StoredTokens:
        with self._lock:
            old = self._rows.get(connector)
            row = self._rows[connector] = StoredTokens(tokens, (old.version if old else 0) + 1)
            return row

    def claim(self, connector: str, version: int, owner: str, now: dt.datetime, until: dt.datetime) -> int | None:
        with self._lock:
            row = self._rows.get(connector)
            if row is None or row.version != version or row.leased(now):
                return None
            self._rows[connector] = replace(row, version=version + 1, lease_owner=owner, lease_until=until)
            return version + 1

    def claim_new(self, connector: str, owner: str, now: dt.datetime, until: dt.datetime) -> int | None:
        with self._lock:
            if connector in self._rows:
                return None
            self._rows[connector] = StoredTokens(TokenSet(SecretStr("")), 1, owner, until)
            return 1

    def complete(self, connector: str, version: int, owner: str, tokens: TokenSet, now: dt.datetime) -> bool:
        with self._lock:
            row = self._rows.get(connector)
            if row is None or row.version != version or row.lease_owner != owner:
                return False
            self._rows[connector] = StoredTokens(tokens, version + 1)
            return True

    def release(self, connector: str, version: int, owner: str, now: dt.datetime) -> bool:
        with self._lock:
            row = self._rows.get(connector)
            if row is None or row.version != version or row.lease_owner != owner:
                return False
            self._rows[connector] = StoredTokens(row.tokens, version + 1)
            return True


class TokenCipher:
    """Seals token values with AES-256-GCM under a key derived (HKDF-SHA256) from a configured secret."""

    def __init__(self, secret: SecretStr, random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        raw = secret.get_secret_value().encode()
        if len(raw) < 16:
            raise StoreError("the secret that encrypts connector tokens must be at least 16 characters")
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(raw)
        self._aead = AESGCM(key)
        self._random = random_bytes

    def seal(self, value: SecretStr, context: str) -> str:
        """The sealed form of ``value``, bound to ``context`` (connector and column)."""
        nonce = self._random(12)
        sealed = self._aead.encrypt(nonce, value.get_secret_value().encode(), context.encode())
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, context: str) -> SecretStr:
        """The value sealed by :meth:`seal` under the same key and ``context``."""
        try:
            if not sealed.startswith(_PREFIX):
                raise ValueError("unknown format")
            blob = base64.urlsafe_b64decode(sealed[len(_PREFIX) :])
            return SecretStr(self._aead.decrypt(blob[:12], blob[12:], context.encode()).decode())
        except (InvalidTag, ValueError) as exc:
            raise StoreError(
                f"stored OAuth tokens of {context.split(':')[0]!r} cannot be decrypted (another secret, or "
                "tampered); re-authorize the connector"
            ) from exc


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class SqlTokenStore:
    """The token store in the hiresentry database (table ``connector_tokens``), values sealed."""

    def __init__(self, engine: Engine, cipher: TokenCipher) -> None:
        self.engine = engine
        self.cipher = cipher
        self.table = schema.connector_tokens

    def _seal(self, connector: str, tokens: TokenSet) -> dict[str, object]:
        refresh = tokens.refresh_token
        return {
            "access_token": self.cipher.seal(tokens.access_token, f"{connector}:access"),
            "refresh_token": self.cipher.seal(refresh, f"{connector}:refresh") if refresh else None,
            "expires_at": _utc(tokens.expires_at),
        }

    def load(self, connector: str) -> StoredTokens | None:
        t = self.table
        try:
            with self.engine.connect() as conn:
                row = conn.execute(select(t).where(t.c.connector == connector)).mappings().one_or_none()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the OAuth tokens of {connector!r}: {type(exc).__name__}") from exc
        if row is None:
            return None
        refresh = row["refresh_token"]
        tokens = TokenSet(
            self.cipher.open(row["access_token"], f"{connector}:access"),
            self.cipher.open(refresh, f"{connector}:refresh") if refresh else None,
            _utc(row["expires_at"]),
        )
        return StoredTokens(tokens, row["version"], row["lease_owner"], _utc(row["lease_until"]))

    def put(self, connector: str, tokens: TokenSet, now: dt.datetime) -> StoredTokens:
        t = self.table
        values = {**self._seal(connector, tokens), "lease_owner": None, "lease_until": None, "updated_at": _utc(now)}
        for _ in range(3):  # an insert racing another put for a new connector retries as an update
            try:
                with self.engine.begin() as conn:
                    changed = conn.execute(
                        update(t).where(t.c.connector == connector).values(**values, version=t.c.version + 1)
                    ).rowcount
                    if not changed:
                        conn.execute(insert(t).values(connector=connector, version=1, **values))
                    version = conn.execute(select(t.c.version).where(t.c.connector == connector)).scalar_one()
                return StoredTokens(tokens, version)
            except IntegrityError:
                continue
            except SQLAlchemyError as exc:
                raise StoreError(f"cannot store the OAuth tokens of {connector!r}: {type(exc).__name__}") from exc
        raise StoreError(f"cannot store the OAuth tokens of {connector!r}: concurrent authorizations")

    def _swap(self, connector: str, version: int, condition: ColumnElement[bool], values: Mapping[str, object]) -> int:
        t = self.table
        try:
            with self.engine.begin() as conn:
                statement = update(t).where(t.c.connector == connector, t.c.version == version, condition)
                return conn.execute(statement.values(version=version + 1, **values)).rowcount
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot update the OAuth tokens of {connector!r}: {type(exc).__name__}") from exc

    def claim(self, connector: str, version: int, owner: str, now: dt.datetime, until: dt.datetime) -> int | None:
        t = self.table
        free = or_(t.c.lease_until.is_(None), t.c.lease_until <= _utc(now))
        lease = {"lease_owner": owner, "lease_until": _utc(until), "updated_at": _utc(now)}
        return version + 1 if self._swap(connector, version, free, lease) == 1 else None

    def claim_new(self, connector: str, owner: str, now: dt.datetime, until: dt.datetime) -> int | None:
        values = {**self._seal(connector, TokenSet(SecretStr(""))), "lease_owner": owner, "lease_until": _utc(until)}
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(self.table).values(connector=connector, version=1, updated_at=_utc(now), **values))
        except IntegrityError:
            return None  # the row exists: someone else logged in first
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot create the token row of {connector!r}: {type(exc).__name__}") from exc
        return 1

    def complete(self, connector: str, version: int, owner: str, tokens: TokenSet, now: dt.datetime) -> bool:
        # One UPDATE writes the new access and refresh tokens and retires the old ones together.
        values = {**self._seal(connector, tokens), "lease_owner": None, "lease_until": None, "updated_at": _utc(now)}
        return self._swap(connector, version, self.table.c.lease_owner == owner, values) == 1

    def release(self, connector: str, version: int, owner: str, now: dt.datetime) -> bool:
        values = {"lease_owner": None, "lease_until": None, "updated_at": _utc(now)}
        return self._swap(connector, version, self.table.c.lease_owner == owner, values) == 1
