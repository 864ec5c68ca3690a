"""Vault tests: one real OpenBao dev server per session, and a clean ``vault:`` resolver per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hiresentry.app.vault import install_resolver
from tests.app.vault.bao import BaoServer, start_bao


@pytest.fixture(scope="session")
def bao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BaoServer]:
    """A real ``bao server -dev`` on a free port for the whole session."""
    yield from start_bao(tmp_path_factory.mktemp("bao") / "bao.log")


@pytest.fixture(autouse=True)
def _no_vault_resolver_left_behind() -> Iterator[None]:
    """Loading a config installs a process-wide resolver; no test may see another test's."""
    yield
    install_resolver(None)
