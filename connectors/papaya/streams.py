"""Papaya's streams: payment instructions (new, and open ones re-read by id) and beneficiaries.

Lists page with ``skip``/``take`` and answer ``{"items": [...], "paging": {"skip", "take"}}`` with no
total (docs.papayaglobal.com: "Results are paginated, with a default list limit of 50"), so a list
ends on a short page. Reads by id send ``id=a&id=b…`` (the documented array filter) in chunks of
``page_size`` ids, one request per chunk, the chunk number being the stream's position.
:mod:`hiresentry.connectors.papaya.window` explains which streams read what in a pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from hiresentry.connectors.base import Batch, Checkpoint, OffsetPaginator, PageRequest, RecordProblem, RestStream
from hiresentry.connectors.base.http import HttpClient
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, problem_reason
from hiresentry.connectors.papaya import mapping
from hiresentry.connectors.papaya.window import BENEFICIARIES, OPEN_PAYMENTS, PAYMENTS, SyncWindow, Tracker
from hiresentry.core.model import Record
from hiresentry.core.store import CursorUpdate

SKIP_TAKE = OffsetPaginator("skip", "take", None)


class ByIdStream(RestStream):
    """Reads the items of a fixed id list, ``page_size`` ids per request, resumable by chunk number."""

    paginator = SKIP_TAKE  # unused: the chunks replace paging
    records_path = ("items",)

    def __init__(self, client: HttpClient, source: str, page_size: int, ids: Iterable[str]) -> None:
        super().__init__(client, source, page_size)
        self.ids = sorted(set(ids))

    def batches(self, checkpoint: Checkpoint) -> Iterator[Batch]:
        chunks = [self.ids[i : i + self.page_size] for i in range(0, len(self.ids), self.page_size)]
        number = int(checkpoint.position or 0)
        if not chunks:  # nothing to re-read: mark the stream done for this pass
            done = Checkpoint(checkpoint.pass_no, None, True).encode()
            yield Batch(cursors=[CursorUpdate(self.source, self.name, done)])
            return
        while number < len(chunks):
            chunk = chunks[number]
            response = self.fetch(PageRequest("GET", self.path, {"id": chunk, "skip": 0, "take": len(chunk)}))
            records, problems = self.map_page(self.items(response.body))
            number += 1
            following = str(number) if number < len(chunks) else None
            update = Checkpoint(checkpoint.pass_no, following, following is None).encode()
            yield Batch(records=records, cursors=[CursorUpdate(self.source, self.name, update)], problems=problems)


class _PaymentMapping(RestStream):
    """Maps payment instructions and keeps its :class:`Tracker` in every committed checkpoint."""

    tracker: Tracker

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        record = mapping.payment(self.source, item)
        self.tracker.note(record.remote_id, record.worker_remote_id, not mapping.is_final(record.status))
        return [record]

    def batches(self, checkpoint: Checkpoint) -> Iterator[Batch]:
        for batch in super().batches(checkpoint):
            batch.cursors = [self.tracker.stamp(c) for c in batch.cursors]
            yield batch


class PaymentsStream(_PaymentMapping):
    """``GET /payments/payments``: all instructions (full pass) or those requested in the window."""

    name = PAYMENTS
    path = "/payments/payments"
    paginator = SKIP_TAKE
    records_path = ("items",)

    def __init__(self, client: HttpClient, source: str, page_size: int, window: SyncWindow, tracker: Tracker) -> None:
        super().__init__(client, source, page_size)
        self.window = window
        self.tracker = tracker

    def params(self) -> dict[str, Any]:
        return self.window.filters()


class OpenPaymentsStream(_PaymentMapping, ByIdStream):
    """``GET /payments/payments?id=…``: the payments that were still open when the last pass ended."""

    name = OPEN_PAYMENTS
    path = "/payments/payments"

    def __init__(self, client: HttpClient, source: str, page_size: int, ids: Sequence[str], tracker: Tracker) -> None:
        ByIdStream.__init__(self, client, source, page_size, ids)
        self.tracker = tracker


class BeneficiariesStream(RestStream):
    """``GET /payments/beneficiaries``: every beneficiary, with its bank details."""

    name = BENEFICIARIES
    path = "/payments/beneficiaries"
    paginator = SKIP_TAKE
    records_path = ("items",)

    def map_record(self, item: Mapping[str, Any]) -> Iterable[Record | RecordProblem]:
        yield mapping.worker(self.source, item)
        try:
            account = mapping.payout_account(self.source, item)
        except MAPPING_ERRORS as exc:  # a bad account number must not cost us the identity record
            yield RecordProblem(self.location(item, f"{self.path} bank_details"), problem_reason(exc))
            return
        if account is not None:
            yield account


class ChangedBeneficiariesStream(BeneficiariesStream, ByIdStream):
    """``GET /payments/beneficiaries?id=…``: only the beneficiaries this pass's payments go to."""

    def __init__(self, client: HttpClient, source: str, page_size: int, ids: Iterable[str]) -> None:
        ByIdStream.__init__(self, client, source, page_size, ids)
