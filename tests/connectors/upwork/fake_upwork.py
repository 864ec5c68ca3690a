"""A stateful local fake of Upwork's GraphQL API (pytest-httpserver), for wire-behaviour tests.

**This fake is ours.** Upwork publishes no GraphQL schema (no SDL, no introspection dump:
``shared/reference/specs.md`` §1.12), so there is no Prism-style contract mock to test against. The
fake answers the operations the connector sends, built from Upwork's *documented* operations and
types as listed in :mod:`hiresentry.connectors.upwork.queries` (``organization.clientOffers`` as a
Relay connection of at most 50, ``userDetails``, ``contractByTerm``, ``contractDetails``,
``accountingEntity``, ``transactionHistory`` by date range, ``workDiaryCompany`` by day with a
``paging`` token, ``pauseContract``/``restartContract``). It keeps state (contracts pause and
restart), checks the bearer token against the OAuth fake, honours ``X-Upwork-API-TenantId``,
answers permission problems as GraphQL ``errors[]`` in a 200 (as Upwork does), and can be told to
fail chosen operations with HTTP statuses (429, 5xx). Every request is logged with its variables so
tests can assert what a re-sync asked for.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.connectors.base.fake_oauth import FakeAuthServer

ORG_ID = "1420000000000000001"
ORG_NAME = "Northwind Labs"
ACE_ID = "ace-7781"
TOKEN_PATH = "/api/v3/oauth2/token"
_OPERATION = re.compile(r"^\s*(query|mutation)\s+(\w+)")
_ROOT_FIELDS = {
    "ClientContracts": "clientOffers(offerByClientFilter: $filter, pagination: $pagination)",
    "UserDetails": "userDetails(id: $id)",
    "ContractByTerm": "contractByTerm(termId: $termId)",
    "ContractStatus": "contractDetails(id: $id)",
    "WhoAmI": "organization",
    "AccountingEntity": "accountingEntity",
    "TransactionHistory": "transactionHistory(transactionHistoryFilter: $filter)",
    "WorkDiaryCompany": "workDiaryCompany(workDiaryCompanyInput: $input)",
    "PauseContract": "pauseContract(contractId: $contractId, message: $message)",
    "RestartContract": "restartContract(contractId: $contractId, message: $message)",
}
FIRST_NAMES = ["Jonathan", "Mei", "Arjun", "Sofia", "Daniel", "Olena", "Kwame", "Lucas"]
LAST_NAMES = ["Reyes", "Tanaka", "Iyer", "Marquez", "Park", "Kovalenko", "Mensah", "Oliveira"]
PLACES = [
    ("United States", "Chicago", "IL", "60601", "America/Chicago"),
    ("Japan", "Osaka", None, "530-0001", "Asia/Tokyo"),
    ("India", "Pune", "MH", "411001", "Asia/Kolkata"),
    ("Mexico", "Guadalajara", "JAL", "44100", "America/Mexico_City"),
    ("United States", "Austin", "TX", "73301", "America/Chicago"),
    ("Ukraine", "Lviv", None, "79000", "Europe/Kyiv"),
    ("Ghana", "Accra", None, "00233", "Africa/Accra"),
    ("Brazil", "Recife", "PE", "50030", "America/Recife"),
]


@dataclass
class Fault:
    """Answer HTTP ``status`` instead of data to ``times`` requests of ``operation``."""

    operation: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)


def cursor(index: int) -> str:
    return base64.b64encode(f"offer:{index}".encode()).decode()


def uncursor(value: str) -> int:
    return int(base64.b64decode(value).decode().removeprefix("offer:"))


class FakeUpwork:
    """One client organization: freelancers, contracts (offers), transactions and a work diary."""

    def __init__(self, auth: FakeAuthServer, *, contracts: int = 5, tenant: str | None = None) -> None:
        self.auth = auth
        self.tenant = tenant
        self.users = {self.user_id(i): self.user(i) for i in range(contracts)}
        self.offers: list[dict[str, Any]] = [self.offer(i) for i in range(contracts)]
        self.offers.append(self.pending_offer(contracts))
        self.transactions: list[dict[str, Any]] = []
        self.diary: dict[str, list[dict[str, Any]]] = {}
        self.denied: set[str] = set()
        self.faults: list[Fault] = []
        self.log: list[tuple[str, dict[str, Any]]] = []

    # -- data in Upwork's shapes ---------------------------------------------------------------

    @staticmethod
    def user_id(i: int) -> str:
        return f"15{i:02d}0000000000000{i}"

    @classmethod
    def user(cls, i: int) -> dict[str, Any]:
        first, last = FIRST_NAMES[i % 8], LAST_NAMES[i % 8]
        country, city, state, zip_code, zone = PLACES[i % 8]
        return {
            "id": cls.user_id(i),
            "nid": f"{first.lower()}{last.lower()}{i}",
            "rid": str(2366358 + i),
            "name": f"{first} {last[0]}.",
            "firstName": first,
            "lastName": last,
            "email": f"{first.lower()}.{last.lower()}@mail.example",
            "publicUrl": f"https://www.upwork.com/freelancers/~01{i:016x}",
            "location": {
                "countryName": country,
                "cityName": city,
                "zip": zip_code,
                "street": f"{100 + i} Market St",
                "stateCode": state,
                "timezone": f"UTC{'+' if i % 2 else '-'}0{i % 9}:00",
                "timezoneName": zone,
                "offsetToUTC": "-21600",
            },
        }

    @staticmethod
    def contract_id(i: int) -> str:
        return str(38591000 + i)

    @staticmethod
    def term_id(i: int, kind: str = "hourly") -> str:
        return str((51000 if kind == "hourly" else 52000) + i)

    @classmethod
    def offer(cls, i: int, updated: str = "2025-09-01T10:00:00.000Z") -> dict[str, Any]:
        user = cls.user(i)
        return {
            "id": f"offer-{i}",
            "state": "ACCEPTED",
            "type": "HOURLY",
            "title": f"Backend engineer #{i}",
            "lastUpdatedDateTime": updated,
            "freelancer": {"id": user["id"], "name": user["name"]},
            "contractDetails": {
                "id": cls.contract_id(i),
                "title": f"Backend engineer #{i}",
                "status": "ACTIVE",
                "kind": "MARKETPLACE",
                "deliveryModel": "TALENT_MARKETPLACE",
                "createDate": "2025-03-01T09:00:00.000Z",
                "modifyDate": updated,
                "startDate": "2025-03-03",
                "endDate": None,
                "freelancer": {"id": user["id"], "rid": user["rid"], "name": user["name"]},
                "clientOrganization": {"id": ORG_ID, "name": ORG_NAME},
                "clientTeam": {"id": "team-1", "name": "Platform"},
                "vendorOrganization": {"id": f"vendor-{i}", "name": "Brightpath Staffing" if i == 1 else None},
                "metadata": {"agencyContract": i == 1},
                "hourlyLimits": [{"weeklyLimit": "40", "startDate": "2025-03-03", "endDate": None}],
                "terms": {
                    "hourlyTerms": [
                        {
                            "id": cls.term_id(i),
                            "hourlyRate": {"rawValue": f"{45 + i}.00", "currency": "USD"},
                            "startDate": "2025-03-03",
                            "endDate": None,
                        }
                    ],
                    "fixedPriceTerms": [
                        {
                            "id": cls.term_id(i, "fixed"),
                            "fixedAmount": {"rawValue": "1500.00", "currency": "USD"},
                            "startDate": "2025-02-01",
                            "endDate": "2025-02-28",
                        }
                    ],
                },
            },
        }

    @staticmethod
    def pending_offer(i: int) -> dict[str, Any]:
        return {
            "id": f"offer-{i}",
            "state": "OPEN",
            "type": "HOURLY",
            "title": "Pending offer",
            "lastUpdatedDateTime": "2025-09-01T10:00:00.000Z",
            "freelancer": {"id": "1599", "name": "Pending P."},
            "contractDetails": None,
        }

    def transaction(self, i: int, contract: int, date: str, **overrides: Any) -> dict[str, Any]:
        """A weekly hourly invoice row of contract ``contract`` dated ``date``."""
        row = {
            "recordId": f"trx-{i}",
            "type": "Hourly",
            "accountingSubtype": "Hourly",
            "description": f"Invoice for week ending {date}",
            "descriptionUI": "Hourly",
            "relatedAssignment": int(self.term_id(contract)),
            "relatedInvoiceId": f"inv-{i}",
            "transactionCreationDate": f"{date}T08:00:00.000Z",
            "transactionReviewDueDate": date,
            "fullyPaidDate": f"{date}T12:00:00.000Z",
            "paymentStatus": "Paid",
            "paymentGuaranteed": True,
            "transactionAmount": {"rawValue": "-1800.00", "currency": "USD"},
            "amountCreditedToUser": {"rawValue": "1800.00", "currency": "USD"},
            "assignmentTeamUserId": "team-user-1",
        }
        row.update(overrides)
        self.transactions.append(row)
        return row

    def diary_entry(self, date: str, contract: int, start: dt.datetime, hours: float) -> dict[str, Any]:
        """A work-diary snapshot of contract ``contract`` on day ``date`` (yyyymmdd)."""
        user = self.users[self.user_id(contract)]
        end = start + dt.timedelta(hours=hours)
        entry = {
            "contract": {"id": self.contract_id(contract), "userId": user["id"], "contractTitle": f"#{contract}"},
            "user": {"id": user["id"], "name": user["name"]},
            "duration": f"{int(hours)}:00",
            "durationInt": int(hours * 3600),
            "time": {
                "trackedTime": str(int(hours * 3600)),
                "manualTime": "0",
                "overtime": "0",
                "firstWorked": start.isoformat().replace("+00:00", "Z"),
                "lastWorked": end.isoformat().replace("+00:00", "Z"),
                "firstWorkedInt": int(start.timestamp()),
                "lastWorkedInt": int(end.timestamp()),
            },
            "screenshots": [
                {"activity": 7, "hasScreenshot": True, "hasWebcam": False},
                {"activity": 9, "hasScreenshot": True, "hasWebcam": True},
            ],
        }
        self.diary.setdefault(date, []).append(entry)
        return entry

    def contract(self, contract_id: str) -> dict[str, Any] | None:
        for offer in self.offers:
            details = offer.get("contractDetails")
            if details and details["id"] == contract_id:
                return details
        return None

    def touch(self, i: int, updated: str) -> None:
        """Contract ``i`` changed at ``updated`` (ISO)."""
        self.offers[i]["lastUpdatedDateTime"] = updated
        self.offers[i]["contractDetails"]["modifyDate"] = updated

    # -- HTTP ----------------------------------------------------------------------------------

    def install(self, server: HTTPServer) -> str:
        """Serve the GraphQL endpoint and the token endpoint; returns the base URL."""
        server.expect_request("/graphql", method="POST").respond_with_handler(self.handle)
        server.expect_request(TOKEN_PATH, method="POST").respond_with_handler(self.auth.token)
        return server.url_for("/").rstrip("/")

    def fail(self, operation: str, status: int, **kwargs: Any) -> None:
        self.faults.append(Fault(operation, status, **kwargs))

    def calls(self, operation: str) -> list[dict[str, Any]]:
        """Variables of every logged call of ``operation``."""
        return [variables for logged, variables in self.log if logged == operation]

    def handle(self, request: Request) -> Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.auth.live_access:
            return self._json({"message": "Authentication failed"}, 401)
        if self.tenant is not None and request.headers.get("X-Upwork-API-TenantId") != self.tenant:
            return self._json({"errors": [{"message": "User has no access to the requested tenant"}]})
        try:
            payload = json.loads(request.get_data(as_text=True))
        except ValueError:
            return self._json({"errors": [{"message": "Invalid JSON body"}]}, 400)
        query, variables = payload.get("query", ""), payload.get("variables") or {}
        found = _OPERATION.match(query)
        operation = found.group(2) if found else "anonymous"
        self.log.append((operation, variables))
        for fault in self.faults:
            if fault.times > 0 and fault.operation == operation:
                fault.times -= 1
                return self._json({"message": "injected"}, fault.status, fault.headers)
        root = _ROOT_FIELDS.get(operation)
        if root is None or root not in query:
            return self._errors(f"Validation error: unknown operation or field in {operation}")
        if operation in self.denied:
            return self._errors(
                "User has no access of any team(s) for [view_contracts] action(s)", code="403", field=operation
            )
        return getattr(self, f"op_{operation}")(variables)

    # -- operations ------------------------------------------------------------------------------

    def op_WhoAmI(self, variables: Mapping[str, Any]) -> Response:
        return self._data({"organization": {"id": ORG_ID, "name": ORG_NAME}})

    def op_AccountingEntity(self, variables: Mapping[str, Any]) -> Response:
        return self._data({"accountingEntity": {"id": ACE_ID}})

    def op_ClientContracts(self, variables: Mapping[str, Any]) -> Response:
        paging = variables.get("pagination") or {}
        first = int(paging.get("first", 10))
        if first > 50:
            return self._errors("pagination.first: the maximum page size is 50")
        start = uncursor(paging["after"]) + 1 if paging.get("after") else 0
        wanted = set((variables.get("filter") or {}).get("freelancerId_any") or [])
        offers = [o for o in self.offers if not wanted or o["freelancer"]["id"] in wanted]
        page = offers[start : start + first]
        edges = [{"cursor": cursor(start + n), "node": node} for n, node in enumerate(page)]
        info = {"hasNextPage": start + len(page) < len(offers), "endCursor": edges[-1]["cursor"] if edges else None}
        connection = {"totalCount": len(offers), "edges": edges, "pageInfo": info}
        return self._data({"organization": {"clientOffers": connection}})

    def op_UserDetails(self, variables: Mapping[str, Any]) -> Response:
        return self._data({"userDetails": self.users.get(str(variables.get("id")))})

    def op_ContractByTerm(self, variables: Mapping[str, Any]) -> Response:
        term = str(variables.get("termId"))
        for offer in self.offers:
            details = offer.get("contractDetails") or {}
            terms = details.get("terms") or {}
            ids = {t["id"] for kind in ("hourlyTerms", "fixedPriceTerms") for t in terms.get(kind, [])}
            if term in ids:
                return self._data(
                    {
                        "contractByTerm": {
                            "id": details["id"],
                            "status": details["status"],
                            "freelancer": {"id": details["freelancer"]["id"]},
                        }
                    }
                )
        return self._errors(f"Contract term {term} not found", field="contractByTerm")

    def op_ContractStatus(self, variables: Mapping[str, Any]) -> Response:
        details = self.contract(str(variables.get("id")))
        if details is None:
            return self._data({"contractDetails": None})
        return self._data(
            {"contractDetails": {"id": details["id"], "status": details["status"], "freelancer": details["freelancer"]}}
        )

    def op_TransactionHistory(self, variables: Mapping[str, Any]) -> Response:
        flt = variables.get("filter") or {}
        if flt.get("aceIds_any") != [ACE_ID]:
            return self._errors("aceIds_any: unknown accounting entity", code="403", field="transactionHistory")
        span = flt.get("transactionDateTime_bt") or {}
        start, end = dt.date.fromisoformat(span["rangeStart"]), dt.date.fromisoformat(span["rangeEnd"])
        rows = [
            r for r in self.transactions if start <= dt.date.fromisoformat(r["transactionCreationDate"][:10]) <= end
        ]
        return self._data({"transactionHistory": {"transactionDetail": {"transactionHistoryRow": rows}}})

    def op_WorkDiaryCompany(self, variables: Mapping[str, Any]) -> Response:
        given = variables.get("input") or {}
        if given.get("companyId") != ORG_ID:
            return self._errors("companyId: no access to this company", code="403", field="workDiaryCompany")
        date = str(given.get("date"))
        if not re.fullmatch(r"\d{8}", date):
            return self._errors("date: expected format yyyymmdd")
        offset, _, count = str(given.get("paging") or "0;100").partition(";")
        entries = self.diary.get(date, [])
        page = entries[int(offset) : int(offset) + int(count or 100)]
        return self._data({"workDiaryCompany": {"total": len(entries), "snapshots": page}})

    def _act(self, variables: Mapping[str, Any], field_name: str, source: str, target: str) -> Response:
        details = self.contract(str(variables.get("contractId")))
        if details is None or details["status"] != source:
            return self._errors(f"Contract cannot be moved from its state to {target}", field=field_name)
        details["status"] = target
        return self._data({field_name: {"success": True}})

    def op_PauseContract(self, variables: Mapping[str, Any]) -> Response:
        return self._act(variables, "pauseContract", "ACTIVE", "PAUSED")

    def op_RestartContract(self, variables: Mapping[str, Any]) -> Response:
        return self._act(variables, "restartContract", "PAUSED", "ACTIVE")

    # -- answers -----------------------------------------------------------------------------------

    def _data(self, data: Mapping[str, Any]) -> Response:
        return self._json({"data": data})

    def _errors(self, message: str, *, code: str | None = None, field: str | None = None) -> Response:
        error: dict[str, Any] = {"message": message}
        if code:
            error["extensions"] = {"code": code}
        body: dict[str, Any] = {"errors": [error]}
        if field:
            body["data"] = {field: None}
        return self._json(body)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
