"""No secret and no raw PII link key leaks anywhere: logs, exceptions, CLI output, store files, remote_data.

One end-to-end run, as a user would do it, with everything turned up:

- secrets from a **real OpenBao dev server** (``tests/app/vault/bao.py``; AppRole created by
  ``deploy/vault/approle-example.sh``) and from the environment: the Deel token, the link-key
  secret, the Jira token (Vault), the Slack token and the AppRole login (environment);
- a **stateful local fake of Deel** (``tests/connectors/deel/fake_deel.py`` on pytest-httpserver)
  and a manual export with deliberately bad lines; error paths run: a Deel 500 (retried), a Deel
  401 whose body echoes the token back, a Deel outage past every retry, a Vault path the policy
  denies and a key the secret does not have;
- the root logger and urllib3/requests/hvac at DEBUG, captured by caplog and by a stream handler;
- the CLI (``sync``, ``screen --json``, ``cases list/show``, ``playbooks run --monitor``) in-process.

Then every captured byte is searched for every secret and every raw identifier, in the forms a
leak would take (compact and spaced IBAN, E.164 and national phone, tax id with and without
punctuation). Positive controls prove the search could have found something: the same files
hold the keyed hashes of those identifiers and a distinctive non-secret name.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import subprocess
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from pytest_httpserver import HTTPServer
from schwifty import IBAN
from typer.testing import CliRunner
from werkzeug import Request, Response

from hiresentry.app.cli import app
from hiresentry.app.vault import install_resolver
from hiresentry.core.errors import ConnectorAuthError, ConnectorUnavailableError, SecretResolutionError
from hiresentry.core.keys import KeyType, LinkKeyHasher
from tests.app.vault.bao import ROOT_TOKEN, BaoServer, bao_binary, start_bao
from tests.connectors.deel.fake_deel import FakeDeel

# -- the secrets ------------------------------------------------------------------------------------

DEEL_TOKEN = "deel-VAULT-token-4c1e8b2a9f0d77"
STALE_DEEL_TOKEN = "deel-STALE-token-5e6f7a8b9c0d11"
LINK_KEY = "LINKKEY-vault-0f9e8d7c6b5a49382716"
JIRA_TOKEN = "jira-VAULT-pat-91d2c3b4a5f6e7"
DENIED_VALUE = "PAYROLL-denied-value-3a4b5c6d7e"
SLACK_TOKEN = "xoxb-ENV-slack-7f3a9c2e1d0b99"

# -- the raw PII (each must end up only as a keyed hash and a mask) ---------------------------------

SHARED_IBAN = str(IBAN.generate("DE", bank_code="37040044", account_code="0532013099").compact)
EXPORT_IBAN = str(IBAN.generate("DE", bank_code="50010517", account_code="0648489890").compact)
BAD_IBAN = "DE00370400440532013077"  # checksum wrong: a refused line must not echo it
TAX_ID = "987-65-4329"
REFUSED_TAX_ID = "555-44-3321"  # inside a line that is not valid JSON
UNKNOWN_FIELD_SSN = "123-45-6780"  # inside a field the export format does not know
ACCOUNT_NUMBER = "000987123456"
DEEL_ACCOUNT_NUMBER = "770011223344"
PHONE = "+1 206 555 0199"
DEEL_PHONE_LOCAL = "601234987"
DEEL_TAX_ID = "PL84726153990"
DEEL_EMAIL = "given1.private@leakcheck.example"
EXPORT_EMAIL = "zebulon.q@leakcheck.example"
CONTACT_EMAIL = "zq.contact@leakcheck.example"  # in the export's own remote_data
NAME = "Zebulon Quartermaine"  # not secret: the positive control for the byte search


def spaced(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


SECRETS = [DEEL_TOKEN, STALE_DEEL_TOKEN, LINK_KEY, JIRA_TOKEN, DENIED_VALUE, SLACK_TOKEN]
RAW_PII = [
    SHARED_IBAN,
    spaced(SHARED_IBAN),
    EXPORT_IBAN,
    spaced(EXPORT_IBAN),
    BAD_IBAN,
    TAX_ID,
    TAX_ID.replace("-", ""),
    REFUSED_TAX_ID,
    UNKNOWN_FIELD_SSN,
    ACCOUNT_NUMBER,
    DEEL_ACCOUNT_NUMBER,
    PHONE,
    "+12065550199",
    "2065550199",
    "+48" + DEEL_PHONE_LOCAL,
    DEEL_PHONE_LOCAL,
    DEEL_TAX_ID,
    DEEL_EMAIL,
    EXPORT_EMAIL,
    CONTACT_EMAIL,
]


# -- the world ---------------------------------------------------------------------------------------


class EchoingDeel(FakeDeel):
    """The Deel fake, but a refused token is echoed back in the 401 body (some vendors do that)."""

    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        if response.status_code == 401:
            echoed = request.headers.get("Authorization", "")
            return self._json({"message": f"invalid credentials: {echoed}"}, 401)
        return response


@pytest.fixture(scope="module")
def bao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BaoServer]:
    yield from start_bao(tmp_path_factory.mktemp("bao-leaks") / "bao.log")


@pytest.fixture
def approle(bao: BaoServer) -> Iterator[dict[str, str]]:
    """Secrets seeded in OpenBao; the AppRole from the deploy example; its login inputs as env."""
    root = bao.root()
    kv = root.secrets.kv.v2
    kv.create_or_update_secret(path="hiresentry/deel", secret={"token": DEEL_TOKEN}, mount_point="secret")
    kv.create_or_update_secret(path="hiresentry/deel-stale", secret={"token": STALE_DEEL_TOKEN}, mount_point="secret")
    kv.create_or_update_secret(path="hiresentry/keys", secret={"hmac_key": LINK_KEY}, mount_point="secret")
    kv.create_or_update_secret(path="hiresentry/jira", secret={"token": JIRA_TOKEN}, mount_point="secret")
    kv.create_or_update_secret(path="payroll/bank", secret={"key": DENIED_VALUE}, mount_point="secret")
    script = Path(__file__).resolve().parents[2] / "deploy" / "vault" / "approle-example.sh"
    env = {
        "PATH": f"{Path(bao_binary()).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "BAO_ADDR": bao.url,
        "BAO_TOKEN": ROOT_TOKEN,
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    done = subprocess.run(
        [shutil.which("sh") or "/bin/sh", str(script)], env=env, capture_output=True, text=True, check=True
    )
    yield dict(line.split("=", 1) for line in done.stdout.splitlines())
    install_resolver(None)


def deel_world(fake: FakeDeel) -> None:
    """Distinctive identifiers in Deel's own payload shapes."""
    fake.banks["p1"][0]["iban"] = SHARED_IBAN
    fake.banks["p2"][0]["account_number"] = DEEL_ACCOUNT_NUMBER
    fake.personal["p2"]["phone_numbers"] = [{"type": "PERSONAL", "dial_code": "+48", "phone_number": DEEL_PHONE_LOCAL}]
    fake.personal["p1"]["tax_id"] = DEEL_TAX_ID  # a field Deel may add: kept only scrubbed
    fake.personal["p1"]["personal_email"] = DEEL_EMAIL
    fake.people[1]["emails"] = [{"type": "personal", "value": DEEL_EMAIL}]
    fake.contracts[1]["worker"]["email"] = DEEL_EMAIL
    fake.fail("/invoices", 500, headers={"Retry-After": "0"})  # one 500, retried at once


def export_files(folder: Path) -> None:
    folder.mkdir(parents=True)
    workers = [
        {
            "remote_id": "X1",
            "legal_name": NAME,
            "tax_id": TAX_ID,
            "phones": [PHONE],
            "emails": [EXPORT_EMAIL],
            "claimed_country": "US",
            "remote_data": {"contact_email": CONTACT_EMAIL, "team": "platform"},
        },
        '{"remote_id": "X2", "legal_name": "Broken Line", "tax_id": "' + REFUSED_TAX_ID + '", ',
        {"remote_id": "X3", "legal_name": "Unknown Field", "ssn": UNKNOWN_FIELD_SSN},
        {"remote_id": "X4", "legal_name": "Routing Person", "claimed_country": "US"},
    ]
    accounts = [
        {"remote_id": "A1", "worker_remote_id": "X1", "method": "bank", "iban": spaced(SHARED_IBAN)},
        {"remote_id": "A2", "worker_remote_id": "X1", "method": "bank", "iban": BAD_IBAN},
        {"remote_id": "A3", "worker_remote_id": "X4", "method": "bank", "iban": EXPORT_IBAN},
        {
            "remote_id": "A4",
            "worker_remote_id": "X4",
            "method": "bank",
            "routing_number": "021000021",
            "account_number": ACCOUNT_NUMBER,
            "bank_country": "US",
        },
    ]
    for name, rows in (("workers.jsonl", workers), ("payout_accounts.jsonl", accounts)):
        lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def config_text(bao_url: str, store: Path, deel_url: str, exports: Path, deel_token_ref: str, **deel: Any) -> str:
    deel_config = {
        "base_url": deel_url,
        "token": deel_token_ref,
        "rate_limit_per_second": 1_000_000,
        "page_size": 2,
        "max_attempts": 3,
        **deel,
    }
    document = {
        "vault": {
            "url": bao_url,
            "auth_method": "approle",
            "role_id": "env:HIRESENTRY_VAULT_ROLE_ID",
            "secret_id": "env:HIRESENTRY_VAULT_SECRET_ID",
        },
        "store": {"url": f"sqlite:///{store}"},
        "keys": {"hmac_key": "vault:hiresentry/keys#hmac_key"},
        "jira": {"url": "https://jira.example", "user": "hiresentry-bot", "token": "vault:hiresentry/jira#token"},
        "slack": {"token": "env:SLACK_BOT_TOKEN"},
        "sources": [
            {"name": "deel", "connector": "deel", "config": deel_config},
            {"name": "hr", "connector": "export", "config": {"path": str(exports)}},
        ],
    }
    return json.dumps(document)  # JSON is YAML


# -- capturing ---------------------------------------------------------------------------------------


@dataclass
class Captured:
    """Everything a leak could end up in, as text."""

    texts: list[tuple[str, str]] = field(default_factory=list)

    def add(self, where: str, text: str) -> None:
        self.texts.append((where, text))

    def exception(self, where: str, exc: BaseException | None) -> None:
        seen: set[int] = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            self.add(f"{where}: str", str(exc))
            self.add(f"{where}: repr", repr(exc))
            self.add(f"{where}: attributes", repr(vars(exc)))
            self.add(f"{where}: traceback", "".join(traceback.format_exception(exc)))
            exc = exc.__cause__ or exc.__context__

    def find(self, needle: str) -> list[str]:
        return [where for where, text in self.texts if needle in text]


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[io.StringIO]:
    """Root, urllib3, requests and hvac loggers at DEBUG; a stream handler as a stderr would get it."""
    caplog.set_level(logging.DEBUG)
    for name in ("urllib3", "requests", "hvac", "hiresentry"):
        caplog.set_level(logging.DEBUG, logger=name)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


def test_no_secret_or_raw_identifier_leaks_anywhere(
    tmp_path: Path,
    bao: BaoServer,
    approle: dict[str, str],
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    debug_logs: io.StringIO,
) -> None:
    fake = EchoingDeel(token=DEEL_TOKEN)
    deel_world(fake)
    deel_url = fake.install(httpserver)
    exports = tmp_path / "exports" / "hr"
    export_files(exports)
    store = tmp_path / "store.db"
    env = {**approle, "SLACK_BOT_TOKEN": SLACK_TOKEN}
    login_secrets = [approle["HIRESENTRY_VAULT_SECRET_ID"], approle["HIRESENTRY_VAULT_ROLE_ID"]]

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    good = write("good.yaml", config_text(bao.url, store, deel_url, exports, "vault:hiresentry/deel#token"))
    stale = write("stale.yaml", config_text(bao.url, store, deel_url, exports, "vault:hiresentry/deel-stale#token"))
    denied = write("denied.yaml", good.read_text().replace("hiresentry/jira#token", "payroll/bank#key"))
    no_key = write("no-key.yaml", good.read_text().replace("hiresentry/jira#token", "hiresentry/jira#password"))

    captured = Captured()
    runner = CliRunner()

    def run(*args: str) -> Any:
        result = runner.invoke(app, list(args), env=env, catch_exceptions=True)
        label = " ".join(args[:3])
        captured.add(f"{label}: stdout", result.stdout)
        captured.add(f"{label}: stderr", result.stderr)
        if not isinstance(result.exception, SystemExit):
            captured.exception(label, result.exception)
        return result

    # The good run: sync (the export's bad lines make it exit 1), screen, inspect, playbooks.
    synced = run("sync", "-c", str(good))
    assert synced.exit_code == 1, synced.output
    assert "refused" in synced.stdout
    assert fake.requests_to("/invoices")[:2] == [{"limit": "2", "offset": "0"}] * 2  # the 500 was retried
    screened = run("screen", "-c", str(good), "--json")
    assert screened.exit_code == 0, screened.output
    cases = json.loads(screened.stdout)["cases"]
    assert cases, "the shared IBAN should have opened a case"
    assert run("cases", "list", "-c", str(good), "--json").exit_code == 0
    for case in cases:
        assert run("cases", "show", case["dedup_key"], "-c", str(good), "--json").exit_code == 0
        assert run("cases", "show", case["dedup_key"], "-c", str(good)).exit_code == 0
    assert run("playbooks", "run", "-c", str(good), "--monitor").exit_code == 0

    # Error paths: a refused token echoed by the vendor, an outage, a denied path, a missing key.
    fake.log.clear()
    refused = run("sync", "-c", str(stale))
    assert isinstance(refused.exception, ConnectorAuthError)
    assert "invalid credentials: Bearer [secret]" in str(refused.exception)
    fake.fail("/people", 503, times=99, headers={"Retry-After": "0"})
    outage = run("sync", "-c", str(good))
    assert isinstance(outage.exception, ConnectorUnavailableError)
    fake.faults.clear()
    refused_path = run("cases", "list", "-c", str(denied))
    assert isinstance(refused_path.exception, SecretResolutionError)
    assert "Vault denied reading secret/payroll/bank" in str(refused_path.exception)
    missing_key = run("cases", "list", "-c", str(no_key))
    assert isinstance(missing_key.exception, SecretResolutionError)
    assert "has no key 'password'" in str(missing_key.exception)

    # Logs: caplog's records and text, and the stream handler's output.
    captured.add("caplog text", caplog.text)
    captured.add("caplog messages", "\n".join(r.getMessage() for r in caplog.records))
    captured.add("caplog args", "\n".join(repr(r.args) for r in caplog.records))
    captured.add("stream handler", debug_logs.getvalue())
    assert re.search(r"DEBUG urllib3\.connectionpool: .*GET /rest/v2/people", debug_logs.getvalue())
    assert "hiresentry.app.vault: vault: logged in (approle" in debug_logs.getvalue()

    # The store: every file's bytes (main, -wal, -shm) and every remote_data value.
    files = [p for p in tmp_path.glob("store.db*") if p.is_file()]
    assert {p.name for p in files} >= {"store.db", "store.db-wal"}
    store_bytes = b"".join(p.read_bytes() for p in files)
    remote_data = stored_remote_data(store)
    assert remote_data, "remote_data should have been stored"
    captured.add("remote_data", json.dumps(remote_data))
    assert "[redacted]" in json.dumps(remote_data)  # the Deel tax id field was there, and scrubbed

    # Positive controls: the search sees the store and the data arrived, hashed with Vault's key.
    hasher = LinkKeyHasher(SecretStr(LINK_KEY))
    assert NAME.encode() in store_bytes
    expected_keys: list[tuple[KeyType, str]] = [
        ("tax_id", TAX_ID.replace("-", "")),
        ("payout", SHARED_IBAN),
        ("payout", EXPORT_IBAN),
        ("phone", "+12065550199"),
        ("phone", "+48" + DEEL_PHONE_LOCAL),
        ("email", DEEL_EMAIL),
        ("email", EXPORT_EMAIL),
    ]
    for key_type, normalised in expected_keys:
        assert hasher.hash(key_type, normalised).encode() in store_bytes, (key_type, normalised)
    assert captured.find("Given1 Family1"), "the capture should include case output naming Deel workers"

    leaks = []
    for needle in [*SECRETS, *login_secrets, *RAW_PII]:
        leaks += [f"{needle!r} in {where}" for where in captured.find(needle)]
        if needle.encode() in store_bytes:
            leaks.append(f"{needle!r} in the store files")
    assert leaks == []


def stored_remote_data(store: Path) -> list[Any]:
    engine = sa.create_engine(f"sqlite:///{store}")
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            values: list[Any] = []
            for table in inspector.get_table_names():
                if "remote_data" in {c["name"] for c in inspector.get_columns(table)}:
                    values += [row[0] for row in connection.execute(sa.text(f"SELECT remote_data FROM {table}"))]
            return values
    finally:
        engine.dispose()
