"""Merge HRIS streams: cursor pages of common models, incremental through ``modified_after``.

Every list answers ``{next, previous, results}``; ``next`` is an opaque cursor sent back as
``cursor``. Each stream asks for ``include_deleted_data=true`` (so a re-sync learns what was deleted)
and, after its first full pass, ``modified_after`` = the newest ``modified_at`` seen minus an
overlap: Merge's ``modified_at`` is when *Merge* last changed its copy, the right clock for "what
changed since we last looked".

- ``employees`` → workers (``include_sensitive_fields`` for SSNs); home addresses come from
  ``/locations``, read once per run (:class:`LocationIndex`).
- ``employments`` → engagements; they also tell which currency an employee is paid in.
- ``bank_info`` → payout accounts.
- ``employee_payroll_runs`` → payments; the run's state (``PAID``…) comes from
  ``GET /payroll-runs/{id}`` once per run (:class:`PayrollRunIndex`), the currency from the
  employee's employments (Merge's payroll runs carry none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from hiresentry.connectors.base import BodyCursorPaginator, RecordProblem
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.incremental import IncrementalStream
from hiresentry.connectors.merge import mapping
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record

PAGINATOR = BodyCursorPaginator(
    cursor_param="cursor", cursor_path=("next",), limit_param="page_size", stop_on_short_page=False
)


def all_pages(client: HttpClient, path: str, params: Mapping[str, Any], page_size: int) -> list[Mapping[str, Any]]:
    """Every item of a Merge list (following ``next`` until it is empty or repeats)."""
    found: list[Mapping[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, "page_size": page_size, **({"cursor": cursor} if cursor else {})}
        body = client.get_json(path, params=query)
        results = body.get("results") if isinstance(body, Mapping) else None
        if not isinstance(results, list):
            raise VendorResponseError(client.connector, f"GET {path}: response has no list at 'results'")
        found += [r for r in results if isinstance(r, Mapping)]
        following = mapping.text(body.get("next"))
        if not results or following is None or following == cursor:
            return found
        cursor = following


class LocationIndex:
    """Location id → ``Location``, read from ``/locations`` the first time an address is needed."""

    def __init__(self, client: HttpClient, page_size: int) -> None:
        self.client = client
        self.page_size = page_size
        self._by_id: dict[str, Mapping[str, Any]] | None = None

    def get(self, location_id: str | None) -> Mapping[str, Any] | None:
        """The location, or None if there is none or Merge does not know it."""
        if location_id is None:
            return None
        if self._by_id is None:
            every = all_pages(self.client, "/locations", {}, self.page_size)
            self._by_id = {str(loc["id"]): loc for loc in every if loc.get("id") is not None}
        return self._by_id.get(location_id)


class PayrollRunIndex:
    """Payroll run id → ``PayrollRun`` (state, type), one ``GET /payroll-runs/{id}`` per run and read."""

    def __init__(self, client: HttpClient) -> None:
        self.client = client
        self._runs: dict[str, Mapping[str, Any] | None] = {}

    def get(self, run_id: str | None) -> Mapping[str, Any] | None:
        """The payroll run, or None."""
        if run_id is None:
            return None
        if run_id not in self._runs:
            body = self.client.get_json(f"/payroll-runs/{quote(run_id, safe='')}", allow=(404,))
            self._runs[run_id] = body if isinstance(body, Mapping) else None
        return self._runs[run_id]


class CurrencyIndex:
    """Employee id → pay currency, learnt from the employments stream or asked once per employee."""

    def __init__(self, client: HttpClient, page_size: int, fallback: str | None) -> None:
        self.client = client
        self.page_size = page_size
        self.fallback = fallback
        self._by_employee: dict[str, str | None] = {}

    def remember(self, employee_id: str | None, currency: str | None) -> None:
        """What an employment said (a known currency is never overwritten by a missing one)."""
        if employee_id and (currency or employee_id not in self._by_employee):
            self._by_employee[employee_id] = currency.upper() if currency else None

    def get(self, employee_id: str) -> str | None:
        """The employee's pay currency, else the configured fallback."""
        if employee_id not in self._by_employee:
            for employment in all_pages(self.client, "/employments", {"employee_id": employee_id}, self.page_size):
                self.remember(employee_id, mapping.text(employment.get("pay_currency")))
            self._by_employee.setdefault(employee_id, None)
        return self._by_employee[employee_id] or self.fallback


class MergeStream(IncrementalStream):
    """A Merge common-model list, incremental by ``modified_after``."""

    paginator = PAGINATOR
    records_path = ("results",)
    max_page_size = 100

    def __init__(
        self, client: HttpClient, source: str, page_size: int, incremental: bool, overlap: dt.timedelta
    ) -> None:
        super().__init__(client, source, page_size)
        self.incremental = incremental
        self.overlap = overlap

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"include_deleted_data": "true"}
        since = mapping.timestamp(self.watermark.since) if self.incremental else None
        if since is not None:
            params["modified_after"] = (since.astimezone(dt.UTC) - self.overlap).strftime("%Y-%m-%dT%H:%M:%SZ")
        return params

    def marker(self, item: Mapping[str, Any]) -> str | None:
        return mapping.marker(item.get("modified_at"))


class EmployeesStream(MergeStream):
    """``/employees`` → workers."""

    name = "employees"
    path = "/employees"

    def __init__(self, *args: Any, sensitive: bool, locations: LocationIndex) -> None:
        super().__init__(*args)
        self.sensitive = sensitive
        self.locations = locations

    def params(self) -> dict[str, Any]:
        return {**super().params(), **({"include_sensitive_fields": "true"} if self.sensitive else {})}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.worker(self.source, item, self.locations.get(mapping.text(item.get("home_location"))))]


class EmploymentsStream(MergeStream):
    """``/employments`` → engagements (and each employee's pay currency)."""

    name = "employments"
    path = "/employments"

    def __init__(self, *args: Any, currencies: CurrencyIndex) -> None:
        super().__init__(*args)
        self.currencies = currencies

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        record = mapping.engagement(self.source, item)
        self.currencies.remember(record.worker_remote_id, record.currency)
        return [record]


class BankInfoStream(MergeStream):
    """``/bank-info`` → payout accounts."""

    name = "bank_info"
    path = "/bank-info"

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.payout_account(self.source, item)]


class EmployeePayrollRunsStream(MergeStream):
    """``/employee-payroll-runs`` → payments."""

    name = "employee_payroll_runs"
    path = "/employee-payroll-runs"

    def __init__(self, *args: Any, runs: PayrollRunIndex, currencies: CurrencyIndex) -> None:
        super().__init__(*args)
        self.runs = runs
        self.currencies = currencies

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        employee = mapping.text(item.get("employee"))
        if employee is None:
            raise ValueError("employee payroll run has no employee")
        run = self.runs.get(mapping.text(item.get("payroll_run")))
        return [mapping.payment(self.source, item, run, self.currencies.get(employee))]
