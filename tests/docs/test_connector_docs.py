"""The configuration examples in ``docs/connectors/*.md`` and the README are valid configurations.

A newcomer copies these blocks first, so each ``sources:`` block is parsed as YAML, validated as the
``sources`` section of the application config, and every source is built by its installed connector
(its config model validates the keys). Secret references resolve to a placeholder: only their shape
matters here. No server is contacted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr

from hiresentry.app.config import SourceSettings
from hiresentry.connectors.base import Runtime
from hiresentry.connectors.base.registry import available, connector_class
from hiresentry.connectors.base.token_store import SqlTokenStore, TokenCipher
from hiresentry.core import secrets
from hiresentry.core.store import Store
from tests.connectors.google.fake_google import key_file

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs" / "connectors").glob("*.md"))
_YAML_BLOCK = re.compile(r"```ya?ml\n(.*?)```", re.DOTALL)


def _source_blocks(path: Path) -> list[list[Any]]:
    blocks = []
    for text in _YAML_BLOCK.findall(path.read_text(encoding="utf-8")):
        if re.search(r"^sources:", text, re.MULTILINE):
            blocks.append(yaml.safe_load(text)["sources"])
    return blocks


def _placeholder(reference: str) -> str:
    """A value of the right shape: a JSON key file where one is expected, else a long random-looking string."""
    if "key_json" in reference or "KEY_JSON" in reference:
        return key_file("https://oauth2.googleapis.com/token")
    return "placeholder-secret-0123456789abcdef"


@pytest.fixture
def placeholder_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``env:``/``vault:`` reference resolves to a placeholder (see :func:`_placeholder`)."""
    for scheme in ("env", "vault"):
        monkeypatch.setitem(secrets._RESOLVERS, scheme, _placeholder)


@pytest.fixture
def runtime(store: Store) -> Runtime:
    """The persistent token store connectors with rotating tokens insist on (a real SQLite store)."""
    cipher = TokenCipher(SecretStr("token-store-key-0123456789abcdef"))
    return Runtime(token_store=SqlTokenStore(store.engine, cipher))


@pytest.mark.parametrize("doc", DOCS, ids=[p.stem for p in DOCS])
@pytest.mark.usefixtures("placeholder_secrets")
def test_connector_doc_examples_build(doc: Path, runtime: Runtime) -> None:
    blocks = _source_blocks(doc)
    assert blocks, f"{doc.name} has no `sources:` example"
    for sources in blocks:
        assert isinstance(sources, list), f"{doc.name}: `sources` must be a list of {{name, connector, config}}"
        for raw in sources:
            source = SourceSettings.model_validate(raw)
            if source.connector not in available():
                pytest.fail(f"{doc.name}: connector {source.connector!r} is not installed")
            connector = connector_class(source.connector).from_config(source.name, source.config, runtime)
            assert connector.instance == source.name


@pytest.mark.usefixtures("placeholder_secrets")
def test_readme_configuration_example_builds(runtime: Runtime) -> None:
    blocks = _source_blocks(ROOT / "README.md")
    assert blocks
    for sources in blocks:
        for raw in sources:
            source = SourceSettings.model_validate(raw)
            connector_class(source.connector).from_config(source.name, source.config, runtime)
