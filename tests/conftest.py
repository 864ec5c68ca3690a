"""Fixtures shared by the whole suite: a link-key hasher and a real SQLite store per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from hiresentry.core.keys import LinkKeyHasher
from hiresentry.core.store import Store, sqlite_url

TEST_KEY = SecretStr("test-link-key-0123456789abcdef")


@pytest.fixture
def hasher() -> LinkKeyHasher:
    return LinkKeyHasher(TEST_KEY)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def store(store_path: Path, hasher: LinkKeyHasher) -> Store:
    opened = Store.open(sqlite_url(store_path), hasher)
    yield opened
    opened.close()
