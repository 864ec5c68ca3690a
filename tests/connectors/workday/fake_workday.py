"""A stateful local fake of one Workday tenant: REST staffing v6, RaaS custom reports, the token URL.

This is **our own fixture**. The REST part speaks the JSON shapes of the staffing v6 spec (Konfig's
public copy, the only one found): ``/workers`` answers ``{total, data[]}`` with ``limit``/``offset``
and ``/workers/{id}/serviceDates`` ``{total, data[{hireDate, continuousServiceDate}]}``. RaaS has
**no public spec**: the report endpoint (``/ccx/service/customreport2/<tenant>/<owner>/<report>``,
``format=json``, prompts as query parameters, ``{"Report_Entry": [...]}``) and the rows follow
Workday's integration documentation as quoted by third parties; the column names are a tenant's
choice, here the layout ``docs/connectors/workday.md`` recommends. The fake really paginates, keeps
a ``Last_Updated`` per row with its own clock and filters on the ``Updated_From`` prompt, checks the
ISU's Basic credentials and the OAuth bearer tokens it issued, and can be told to fail (429, 500).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TENANT = "acme"
REST = f"/ccx/api/staffing/v6/{TENANT}"
RAAS = f"/ccx/service/customreport2/{TENANT}"
TOKEN = f"/ccx/oauth2/{TENANT}/token"
IDENTITY = "ISU_HireSentry/Worker_Identity"
ELECTIONS = "ISU_HireSentry/Payment_Elections"
ISU = ("ISU_HireSentry", "isu-password-0123456789")
CLIENT = ("wd-client-id", "wd-client-secret-xyz")
REFRESH = "wd-refresh-token-never-expires"
START = dt.datetime(2026, 3, 1, 16, 0, tzinfo=dt.UTC)


@dataclass
class Fault:
    """Answer ``status`` instead of the real data to ``times`` requests of ``path`` matching ``when``."""

    path: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    when: Callable[[Mapping[str, str]], bool] = lambda _params: True


def wid(i: int) -> str:
    return f"{i:032x}"


def rest_worker(i: int) -> dict[str, Any]:
    contingent = i % 3 == 2
    return {
        "id": wid(i),
        "descriptor": f"Given{i} Family{i}",
        "href": f"https://wd2-impl-services1.workday.com{REST}/workers/{wid(i)}",
        "workerId": f"C{21000 + i}" if contingent else str(21000 + i),
        "workerType": {"id": "a" * 32, "descriptor": "Contingent Worker" if contingent else "Employee"},
        "isManager": False,
        "person": {"id": "b" * 32, "email": f"gfamily{i}@acme.example", "phone": "+1 (415) 555-0134"},
        "primaryJob": {
            "id": f"job-{i}",
            "descriptor": "Software Engineer",
            "businessTitle": "Software Engineer",
            "location": {"descriptor": "San Francisco", "country": {"descriptor": "United States of America"}},
            "supervisoryOrganization": {"descriptor": "Engineering"},
        },
        "additionalJobs": [{"id": f"job-{i}-b", "descriptor": "Mentor", "businessTitle": "Mentor"}] if i == 1 else [],
    }


def identity_row(i: int, updated: dt.datetime) -> dict[str, Any]:
    worker = rest_worker(i)
    return {
        "Employee_ID": worker["workerId"],
        "Legal_Name": f"Given{i} Middle Family{i}",
        "Legal_First_Name": f"Given{i}",
        "Legal_Last_Name": f"Family{i}",
        "Preferred_Name": f"G{i} Family{i}",
        "Date_of_Birth": f"1985-04-1{i % 10}-07:00",
        "Home_Email": f"given{i}@example.net",
        "Work_Email": f"gfamily{i}@acme.example",
        "Home_Phone": f"+1 (415) 555-02{i:02d}",
        "Home_Address_Line_1": f"{3900 + i} The Embarcadero",
        "Home_City": "San Francisco",
        "Home_Region": "California",
        "Home_Postal_Code": "94111",
        "Home_Country": "United States of America",
        "Time_Zone": "GMT-08:00 Pacific Time (US & Canada)",
        "National_ID": f"444-55-{6600 + i}",
        "Previous_Employers_group": [{"Company": "Globex Corporation", "Start_Date": "2010-01-01-08:00"}],
        "Gender": "Female",
        "Last_Updated": (updated - dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S.000-08:00"),
    }


def election_row(i: int, updated: dt.datetime) -> dict[str, Any]:
    return {
        "Payment_Election_ID": f"PE-{i}",
        "Employee_ID": rest_worker(i)["workerId"],
        "Account_Holder": f"Given{i} Family{i}",
        "Account_Number": f"00012345{i:04d}",
        "Routing_Number": "121000358",
        "Bank_Country": "United States of America",
        "Last_Updated": updated.strftime("%Y-%m-%dT%H:%M:%S.000+00:00"),
    }


class FakeWorkday:
    """Workers, identity rows and payment elections of one fake tenant, with a clock."""

    def __init__(self, *, workers: int = 5) -> None:
        self.now = START
        self.workers = [rest_worker(i) for i in range(workers)]
        self.reports: dict[str, list[dict[str, Any]]] = {
            # hired and last updated on different days, newest last
            IDENTITY: [identity_row(i, self.now - dt.timedelta(days=workers - i)) for i in range(workers)],
            ELECTIONS: [election_row(i, self.now) for i in range(workers)],
        }
        self.now += dt.timedelta(hours=1)
        self.faults: list[Fault] = []
        self.log: list[tuple[str, dict[str, str]]] = []
        self.tokens: set[str] = set()
        self.issued = 0
        self.served: dict[str, list[str]] = {}  # report → employee ids of the rows it last returned

    def touch(self, report: str, employee_id: str, **columns: Any) -> None:
        """Change a report row now (Workday moves its Last_Updated)."""
        row = next(r for r in self.reports[report] if r["Employee_ID"] == employee_id)
        row.update(columns)
        row["Last_Updated"] = self.now.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")

    # -- HTTP -----------------------------------------------------------------------------------

    def install(self, httpserver: HTTPServer) -> str:
        """Serve this fake on ``httpserver``; returns the server's origin."""
        httpserver.expect_request(re.compile(r"/ccx/.*")).respond_with_handler(self.handle)
        return httpserver.url_for("").rstrip("/")

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        """Add a :class:`Fault`."""
        self.faults.append(Fault(path, status, **kwargs))

    def requests_to(self, path: str) -> list[dict[str, str]]:
        """Query parameters of every logged request to ``path``."""
        return [params for logged, params in self.log if logged == path]

    def paths(self) -> list[str]:
        return [logged for logged, _ in self.log]

    def handle(self, request: Request) -> Response:
        path, params = request.path, dict(request.args.items())
        self.log.append((path, params))
        if path == TOKEN:
            return self._token(request)
        auth = request.headers.get("Authorization", "")
        bearer = auth.startswith("Bearer ") and auth[7:] in self.tokens
        basic = auth.startswith("Basic ") and tuple(base64.b64decode(auth[6:]).decode().split(":", 1)) == ISU
        if not (bearer or (basic and path.startswith(RAAS))):
            return self._json({"error": "invalid credentials"}, 401)
        for fault in self.faults:
            if fault.times > 0 and fault.path == path and fault.when(params):
                fault.times -= 1
                return self._json({"error": "injected"}, fault.status, fault.headers)
        if path.startswith(RAAS + "/"):
            return self._report(path.removeprefix(RAAS + "/"), params)
        return self._rest(path.removeprefix(REST), params)

    def _token(self, request: Request) -> Response:
        expected = "Basic " + base64.b64encode(":".join(CLIENT).encode()).decode()
        form = parse_qs(request.get_data(as_text=True))
        if request.headers.get("Authorization") != expected:
            return self._json({"error": "invalid_client"}, 401)
        if form.get("grant_type") != ["refresh_token"] or form.get("refresh_token") != [REFRESH]:
            return self._json({"error": "invalid_grant"}, 400)
        self.issued += 1
        token = f"wd-access-{self.issued}"
        self.tokens.add(token)
        return self._json({"access_token": token, "token_type": "Bearer", "expires_in": 3600})  # no rotation

    def _rest(self, path: str, params: Mapping[str, str]) -> Response:
        if path == "/workers":
            offset, limit = int(params.get("offset", 0)), int(params.get("limit", 20))
            return self._json({"total": len(self.workers), "data": self.workers[offset : offset + limit]})
        if m := re.fullmatch(r"/workers/([0-9a-f]{32})/serviceDates", path):
            i = int(m.group(1), 16)
            dates = {"hireDate": f"2020-0{1 + i % 9}-01", "continuousServiceDate": "2020-01-01"}
            return self._json({"total": 1, "data": [dates]})
        return self._json({"error": f"no route {path}"}, 404)

    def _report(self, name: str, params: Mapping[str, str]) -> Response:
        rows = self.reports.get(name)
        if rows is None or params.get("format") != "json":
            return self._json({"error": "report not found"}, 404)
        since = params.get("Updated_From")
        if since is not None:
            start = dt.datetime.fromisoformat(since)
            rows = [r for r in rows if dt.datetime.fromisoformat(r["Last_Updated"]) >= start]
        self.served[name] = [r["Employee_ID"] for r in rows]
        return self._json({"Report_Entry": rows})

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
