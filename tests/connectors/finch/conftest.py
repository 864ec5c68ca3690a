"""Finch test fixtures: Prism mocks of Finch's employer and management specs, the local fake, helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from hiresentry.connectors.base import Runtime
from hiresentry.connectors.finch import FinchConnector
from tests.connectors.finch.fake_finch import TOKEN, FakeFinch
from tests.contract.prism import PrismPool, PrismServer, prism, request_violations  # noqa: F401 - re-exported fixture

EMPLOYER_SPEC = "finch/employer/openapi.yaml"
MANAGEMENT_SPEC = "finch/management/openapi.yaml"
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
MANAGEMENT_PATHS = ("/introspect", "/disconnect", "/providers", "/jobs", "/forward", "/sandbox")


def _walk(node: Any, visit: Any) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def fix_date_patterns(document: Any) -> None:
    """Named fix 1: Finch's specs give date parameters ``pattern: "YYYY-MM-DD"``, a regex only the literal
    text "YYYY-MM-DD" matches, so Prism refuses every real date (``Finch-API-Version: 2020-09-17``,
    ``start_date``). Replaced by the pattern the spec means, ``^\\d{4}-\\d{2}-\\d{2}$``."""

    def visit(node: dict[str, Any]) -> None:
        if node.get("pattern") == "YYYY-MM-DD":
            node["pattern"] = r"^\d{4}-\d{2}-\d{2}$"

    _walk(document, visit)


def fix_management(document: Any) -> None:
    """Fix 1, and named fix 2: the management spec ``$ref`` s ``../employer/openapi.yaml``; its copy sits
    beside the employer copy (folders kept side by side) as ``openapi.json``, so the refs name that file."""
    fix_date_patterns(document)

    def visit(node: dict[str, Any]) -> None:
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("../employer/openapi.yaml"):
            node["$ref"] = "../employer/openapi.json" + ref[len("../employer/openapi.yaml") :]

    _walk(document, visit)


@pytest.fixture(scope="session")
def finch_prism(prism: PrismPool) -> tuple[PrismServer, PrismServer]:  # noqa: F811 - the imported fixture
    """Prism mocks of Finch's employer and management specs (employer first: management refs its copy)."""
    employer = prism.start(EMPLOYER_SPEC, fix=fix_date_patterns)
    management = prism.start(MANAGEMENT_SPEC, fix=fix_management)
    return employer, management


class FinchSession(requests.Session):
    """Sends management paths to the management mock (one host in production), keeps every response."""

    def __init__(self, management_url: str | None = None, drop: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.responses: list[requests.Response] = []
        self.hooks["response"].append(self._keep)
        self.management = urlsplit(management_url) if management_url else None
        self.drop = drop

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.responses.append(response)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        if self.management is not None and parts.path.startswith(MANAGEMENT_PATHS):
            request.url = parts._replace(netloc=self.management.netloc).geturl()
        for header in self.drop:
            request.headers.pop(header, None)
        return super().send(request, **kwargs)


def request_problems(response: requests.Response) -> list[Any]:
    """Prism's verdict on our request: ``sl-violations`` of the request, or a 4xx problem's ``validation``."""
    found: list[Any] = request_violations(response)
    if response.status_code in (400, 422) and "json" in response.headers.get("content-type", ""):
        body = response.json()
        found += body.get("validation", []) if isinstance(body, dict) else []
    return found


class Sleeps(list[float]):
    """The delays the connector asked to sleep; rate-budget pacing (microseconds) filtered out."""

    def retries(self) -> list[float]:
        return [s for s in self if s >= 0.05]


FAST = dict.fromkeys(("directory", "individual", "employment", "payment", "pay_statement"), 60000000.0)


def make(
    url: str, *, sleeps: list[float] | None = None, session: requests.Session | None = None, **overrides: Any
) -> FinchConnector:
    raw = {
        "base_url": url,
        "access_token": SecretStr(TOKEN),
        "product_rate_per_minute": FAST,
        "ip_requests_per_5_minutes": 300_000_000,
        "page_size": 2,
        "payments_lookback_days": 120,
        "payments_window_days": 45,
        **overrides,
    }
    recorded = sleeps if sleeps is not None else Sleeps()
    runtime = Runtime(session=session, sleep=recorded.append, now=lambda: NOW, jitter=lambda: 1.0)
    return FinchConnector.from_config("finch", raw, runtime)


@pytest.fixture
def fake_finch(httpserver: HTTPServer) -> tuple[FakeFinch, str]:
    """A fresh fake employer connection on the local HTTP server, and its base URL."""
    fake = FakeFinch()
    return fake, fake.install(httpserver)
