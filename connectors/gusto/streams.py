"""Gusto's streams: which endpoint, which paginator, where the items are, and how they map.

- ``contractors``: ``GET /v1/companies/{company}/contractors`` (``page``/``per``, a bare array,
  ``include=company_name``) → a worker and an engagement per contractor.
- ``payment_details``: ``GET /v1/companies/{company}/contractors/payment_details`` (one unpaged
  array for the company) → a payout account per direct-deposit split, masked as Gusto returns it.
- ``contractor_payments``: ``GET /v1/companies/{company}/contractor_payments`` (``start_date`` and
  ``end_date`` are required; ``page``/``per``) → payments. The body groups payments by contractor
  (``contractor_payments[].payments[]``); whether ``per`` counts groups or payments is not
  documented, so a page counts as full when either count reaches ``per``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from hiresentry.connectors.base import PageNumberPaginator, RecordProblem, RestStream
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.paginate import Paginator
from hiresentry.connectors.gusto import mapping
from hiresentry.core.errors import VendorResponseError
from hiresentry.core.model import Record


def segment(value: Any) -> str:
    """A vendor id as one path segment: ids come from vendor data and must not add path parts."""
    return quote(str(value), safe="")


def flatten_payments(body: Any) -> list[Any]:
    """The payments of a ``contractor_payments`` body, out of their per-contractor (or per-date) groups."""
    groups = body.get("contractor_payments") if isinstance(body, Mapping) else None
    if not isinstance(groups, list):
        raise ValueError("response has no list at 'contractor_payments'")
    found: list[Any] = []
    for group in groups:
        payments = group.get("payments") if isinstance(group, Mapping) else None
        found.extend(payments if isinstance(payments, list) else [])
    return found


class SinglePage(Paginator):
    """An endpoint that returns everything at once (no paging parameters in the spec)."""

    def params(self, position: str | None, page_size: int) -> dict[str, Any]:
        return {}

    def next_position(self, position: str | None, page_size: int, body: Any, items: Sequence[Any]) -> str | None:
        return None


class GroupedPagePaginator(PageNumberPaginator):
    """``page``/``per`` over a grouped body: full when the groups *or* the payments reach ``per``."""

    def next_position(self, position: str | None, page_size: int, body: Any, items: Sequence[Any]) -> str | None:
        groups = body.get("contractor_payments") if isinstance(body, Mapping) else None
        full = len(items) >= page_size or (isinstance(groups, list) and len(groups) >= page_size)
        return str(int(position or self.first_page) + 1) if full and items else None


class GustoStream(RestStream):
    """A stream under ``/v1/companies/{company}``; the path is per company, so it is set per instance."""

    suffix = ""
    records_path = ()
    id_field = "uuid"
    max_page_size = 100

    def __init__(self, client: HttpClient, source: str, page_size: int, company: str) -> None:
        super().__init__(client, source, page_size)
        self.company = company
        self.path = f"/v1/companies/{segment(company)}{self.suffix}"  # type: ignore[misc]


class ContractorsStream(GustoStream):
    """Contractors → workers and engagements."""

    name = "contractors"
    suffix = "/contractors"
    paginator = PageNumberPaginator(size_param="per")

    def params(self) -> dict[str, Any]:
        return {"include": "company_name", "sort_by": "created_at:asc"}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.worker(self.source, item), mapping.engagement(self.source, item)]


class PaymentDetailsStream(GustoStream):
    """Contractor payment details → payout accounts (one unpaged call for the whole company)."""

    name = "payment_details"
    suffix = "/contractors/payment_details"
    paginator = SinglePage()
    id_field = "contractor_uuid"

    def __init__(
        self, client: HttpClient, source: str, page_size: int, company: str, contractor: str | None = None
    ) -> None:
        super().__init__(client, source, page_size, company)
        self.contractor = contractor

    def params(self) -> dict[str, Any]:
        return {"contractor_uuid": self.contractor} if self.contractor else {}

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return mapping.payout_accounts(self.source, item)


class ContractorPaymentsStream(GustoStream):
    """Contractor payments in a date window → payments (``hold_ref`` while ``may_cancel``)."""

    name = "contractor_payments"
    suffix = "/contractor_payments"
    paginator = GroupedPagePaginator(size_param="per")

    def __init__(
        self,
        client: HttpClient,
        source: str,
        page_size: int,
        company: str,
        window: tuple[dt.date, dt.date],
        contractor: str | None = None,
    ) -> None:
        super().__init__(client, source, page_size, company)
        self.window = window
        self.contractor = contractor

    def params(self) -> dict[str, Any]:
        start, end = self.window
        params: dict[str, Any] = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        if self.contractor:
            params["contractor_uuid"] = self.contractor
        return params

    def items(self, body: Any) -> list[Any]:
        try:
            return flatten_payments(body)
        except ValueError as exc:
            raise VendorResponseError(self.source, f"GET {self.path}: {exc}") from None

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        return [mapping.payment(self.source, item)]
