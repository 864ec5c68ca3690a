"""Remote's streams, and how a re-sync avoids reading what has not changed.

- ``employments``: ``GET /v1/employments`` (``page``/``page_size``; ``data.employments`` with
  ``current_page``/``total_pages``). The list entries are summaries; identity, address and bank
  details need ``GET /v1/employments/{id}``, one call per person under a budget of 20 calls a
  minute. So each list entry is fingerprinted, and its details are read again only when the entry
  changed, or on the periodic detail refresh (``detail_refresh_days``), or when a webhook says so.
  Fingerprints are stored with the page they came from (cursor ``employments#<page>``), so a page
  commits its records and its fingerprints together.
- ``contractor_invoices``: ``GET /v1/contractor-invoices`` (``page``/``page_size``, ``date_from``,
  ``sort_by=date``, ``order=asc``; ``data.contractor_invoices``). The first pass reads every invoice;
  later passes read only invoices dated from ``invoice_lookback_days`` before the previous pass,
  which covers new invoices and the approvals and payouts of recent ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hiresentry.connectors.base import Batch, Checkpoint, PageNumberPaginator, RecordProblem, RestStream
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, dig, problem_reason
from hiresentry.connectors.remote import mapping
from hiresentry.core.model import Record
from hiresentry.core.store import CursorUpdate

log = logging.getLogger(__name__)

FINGERPRINTS = "employments#"
"""Prefix of the cursor rows holding the fingerprints of one employments page each."""


def segment(value: Any) -> str:
    """A vendor id as one path segment: ids come from vendor data and must not add path parts."""
    return quote(str(value), safe="")


def fingerprint(item: Mapping[str, Any]) -> str:
    """A short digest of a list entry: it changes whenever any field of the entry changes."""
    return hashlib.sha256(json.dumps(item, sort_keys=True, default=str).encode()).hexdigest()[:16]


class TotalPagesPaginator(PageNumberPaginator):
    """``page``/``page_size`` that stops at ``data.total_pages`` (or, without it, on a short page)."""

    def next_position(self, position: str | None, page_size: int, body: Any, items: Sequence[Any]) -> str | None:
        current = int(position or self.first_page)
        total = dig(body, ("data", "total_pages"))
        if isinstance(total, int) and not isinstance(total, bool):
            return str(current + 1) if current < total and items else None
        return super().next_position(position, page_size, body, items)


def read_employment(client: HttpClient, source: str, employment_id: str) -> list[Record | RecordProblem]:
    """``GET /v1/employments/{id}`` → worker, engagement and payout accounts (or the problem)."""
    path = f"/v1/employments/{segment(employment_id)}"
    body = client.get_json(path, allow=(404,))
    found = dig(body, ("data", "employment"))
    if not isinstance(found, Mapping):
        raise ValueError(f"employment {employment_id} has no details (GET {path} → not found)")
    results: list[Record | RecordProblem] = [mapping.worker(source, found), mapping.engagement(source, found)]
    try:
        results.extend(mapping.payout_accounts(source, found))
    except MAPPING_ERRORS as exc:
        results.append(RecordProblem(f"{source}:{path} bank_account_details", problem_reason(exc)))
    return results


@dataclass(frozen=True)
class DetailPlan:
    """Which employment details a pass re-reads: all of them, or those whose list entry changed."""

    pass_no: int
    full: bool
    last_full: dt.date | None

    def encode(self) -> str:
        last = self.last_full.isoformat() if self.last_full else None
        return json.dumps({"pass": self.pass_no, "full": self.full, "last_full": last}, sort_keys=True)

    @classmethod
    def decode(cls, value: str | None) -> DetailPlan | None:
        if not value:
            return None
        try:
            data = json.loads(value)
            last = data.get("last_full")
            return cls(int(data["pass"]), bool(data["full"]), dt.date.fromisoformat(last) if last else None)
        except (ValueError, TypeError, KeyError):
            return None


class EmploymentsStream(RestStream):
    """``/v1/employments`` → details of new or changed employments → workers, engagements, accounts."""

    name = "employments"
    path = "/v1/employments"
    paginator = TotalPagesPaginator(size_param="page_size")
    records_path = ("data", "employments")
    max_page_size = 100

    def __init__(
        self,
        client: HttpClient,
        source: str,
        page_size: int,
        *,
        company_id: str | None,
        known: Mapping[str, str],
        full: bool,
    ) -> None:
        super().__init__(client, source, page_size)
        self.company_id = company_id
        self.known = known
        self.full = full
        self._page: dict[str, str] = {}
        self.skipped = 0

    def params(self) -> dict[str, Any]:
        return {"company_id": self.company_id} if self.company_id else {}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        employment_id = mapping.text(item.get("id"))
        if employment_id is None:
            raise ValueError("employment has no id")
        digest = fingerprint(item)
        if not self.full and self.known.get(employment_id) == digest:
            self._page[employment_id] = digest
            self.skipped += 1
            return []
        results = read_employment(self.client, self.source, employment_id)
        self._page[employment_id] = digest  # only once the details were read and mapped
        return results

    def batches(self, checkpoint: Checkpoint) -> Iterator[Batch]:
        """The base stream's pages, each also committing that page's fingerprints."""
        page = int(checkpoint.position or 1)
        for batch in super().batches(checkpoint):
            batch.cursors.append(CursorUpdate(self.source, f"{FINGERPRINTS}{page}", json.dumps(self._page)))
            self._page = {}
            page += 1
            yield batch


def known_fingerprints(state: Mapping[str, str]) -> dict[str, str]:
    """Every stored employment fingerprint, merged over the pages they were stored with."""
    merged: dict[str, str] = {}
    for stream, value in state.items():
        if stream.startswith(FINGERPRINTS):
            try:
                page = json.loads(value)
            except ValueError:
                continue
            if isinstance(page, dict):
                merged.update({str(k): str(v) for k, v in page.items()})
    return merged


@dataclass(frozen=True)
class InvoiceWindow:
    """The invoice dates a pass reads (``date_from``), and the day that pass began."""

    pass_no: int
    date_from: dt.date | None
    started_on: dt.date

    def encode(self) -> str:
        since = self.date_from.isoformat() if self.date_from else None
        return json.dumps({"pass": self.pass_no, "from": since, "started": self.started_on.isoformat()}, sort_keys=True)

    @classmethod
    def decode(cls, value: str | None) -> InvoiceWindow | None:
        if not value:
            return None
        try:
            data = json.loads(value)
            since = data.get("from")
            return cls(
                int(data["pass"]),
                dt.date.fromisoformat(since) if since else None,
                dt.date.fromisoformat(data["started"]),
            )
        except (ValueError, TypeError, KeyError):
            return None


class ContractorInvoicesStream(RestStream):
    """``/v1/contractor-invoices`` → payments, from the pass's ``date_from`` on."""

    name = "contractor_invoices"
    path = "/v1/contractor-invoices"
    paginator = TotalPagesPaginator(size_param="page_size")
    records_path = ("data", "contractor_invoices")
    max_page_size = 100

    def __init__(self, client: HttpClient, source: str, page_size: int, date_from: dt.date | None) -> None:
        super().__init__(client, source, page_size)
        self.date_from = date_from

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"sort_by": "date", "order": "asc"}
        if self.date_from:
            params["date_from"] = self.date_from.isoformat()
        return params

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.payment(self.source, item)]
