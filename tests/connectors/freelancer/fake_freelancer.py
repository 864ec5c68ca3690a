"""A stateful local fake of Freelancer.com's REST API (pytest-httpserver), for wire-behaviour tests.

**This fake is ours.** Freelancer.com publishes no OpenAPI spec (``shared/specs`` has none), so there
is no Prism contract mock. The fake is built from Freelancer.com's documented API as the official
SDK ``freelancer/freelancer-sdk-python`` uses it: ``/users/0.1/self``, ``/users/0.1/users``
(``users[]`` + detail projections, a map keyed by user id), ``/projects/0.1/projects``
(``owners[]``/``projects[]``, ``from_time``, ``limit``/``offset``, ``total_count``, the
``selected_bids`` projection beside ``projects``), ``/projects/0.1/milestones`` (``projects[]``,
``limit``/``offset``, a map keyed by transaction id) and ``PUT /projects/0.1/milestones/{id}/?action=cancel``,
the ``{status, result}`` envelope and ``{status: "error", message, error_code}`` errors, and the
``Freelancer-OAuth-V1`` header. Field shapes of users, bids and milestones beyond what the SDK shows
are our reading of the API reference. It keeps state (milestones get cancelled), can be told to fail
chosen paths (429 with ``Retry-After``, 5xx, 403), and logs every request's parameters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

PREFIX = "/api"
EMPLOYER_ID = 4201337
TOKEN = "fln-oauth-token-123456"
T0 = 1_754_000_000  # 2025-07-31T22:13:20Z
USD = {"id": 1, "code": "USD", "sign": "$", "name": "US Dollar", "exchange_rate": 1, "country": "US"}
PLACES = [
    ({"name": "Pakistan", "code": "pk"}, "Lahore", "Punjab", "Asia/Karachi"),
    ({"name": "United States", "code": "us"}, "Denver", "Colorado", "America/Denver"),
    ({"name": "Philippines", "code": "ph"}, "Cebu City", "Central Visayas", "Asia/Manila"),
    ({"name": "Poland", "code": "pl"}, "Gdansk", "Pomorskie", "Europe/Warsaw"),
    ({"name": "Kenya", "code": "ke"}, "Nairobi", "Nairobi", "Africa/Nairobi"),
]


@dataclass
class Fault:
    """Answer ``status`` instead of data to ``times`` requests of ``path`` (``method``)."""

    path: str
    status: int
    times: int = 1
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)


class FakeFreelancer:
    """One employer account with projects, awarded bids, milestone payments and freelancers."""

    def __init__(self, *, projects: int = 5, token: str = TOKEN) -> None:
        self.token = token
        self.projects: list[dict[str, Any]] = [self.project(i) for i in range(projects)]
        self.bids: dict[str, list[dict[str, Any]]] = {str(p["id"]): [self.bid(i)] for i, p in enumerate(self.projects)}
        self.users: dict[str, dict[str, Any]] = {str(self.freelancer_id(i)): self.user(i) for i in range(projects)}
        self.milestones: dict[str, dict[str, Any]] = {}
        for i in range(projects):
            self.milestone(i, i, 250.0, "cleared")
            self.milestone(100 + i, i, 400.0, "frozen")
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict[str, Any]]] = []

    # -- data in Freelancer.com's shapes ------------------------------------------------------------

    @staticmethod
    def project_id(i: int) -> int:
        return 39_000_000 + i

    @staticmethod
    def freelancer_id(i: int) -> int:
        return 61_000_000 + i

    @classmethod
    def project(cls, i: int) -> dict[str, Any]:
        hourly = i % 2 == 1
        return {
            "id": cls.project_id(i),
            "owner_id": EMPLOYER_ID,
            "title": f"Build a data pipeline, phase {i}",
            "seo_url": f"python/data-pipeline-{i}",
            "status": "active",
            "frontend_project_status": "work_in_progress",
            "type": "hourly" if hourly else "fixed",
            "currency": USD,
            "budget": {"minimum": 250, "maximum": 750},
            "time_submitted": T0 + i * 3600,
            "time_updated": T0 + i * 3600 + 600,
            "hourly_project_info": {"commitment": {"hours": 30, "interval": "WEEK"}} if hourly else None,
            "bid_stats": {"bid_count": 12, "bid_avg": 480.5},
        }

    @classmethod
    def bid(cls, i: int) -> dict[str, Any]:
        return {
            "id": 510_000 + i,
            "bidder_id": cls.freelancer_id(i),
            "project_id": cls.project_id(i),
            "project_owner_id": EMPLOYER_ID,
            "amount": 35.0 if i % 2 == 1 else 600.0,
            "period": 14,
            "retracted": False,
            "award_status": "awarded",
            "time_submitted": T0 + i * 3600 + 900,
            "time_awarded": T0 + i * 3600 + 7200,
        }

    @classmethod
    def user(cls, i: int) -> dict[str, Any]:
        country, city, area, zone = PLACES[i % len(PLACES)]
        return {
            "id": cls.freelancer_id(i),
            "username": f"datasmith{i}",
            "display_name": f"Ali K{i}.",
            "public_name": f"Ali K{i}.",
            "first_name": "Ali",
            "last_name": f"Khan{i}",
            "role": "freelancer",
            "chosen_role": "freelancer",
            "registration_date": 1_600_000_000 + i * 86_400,
            "limited_account": False,
            "avatar": f"/ppic/{i}/logo.jpg",
            "location": {
                "country": {**country, "flag_url": f"/img/flags/{country['code']}.png"},
                "city": city,
                "latitude": 31.5,
                "longitude": 74.3,
                "vicinity": None,
                "administrative_area": area,
                "full_address": None,
            },
            "timezone": {"id": 93, "country": country["code"].upper(), "timezone": zone, "offset": 5.0},
            "status": {
                "payment_verified": True,
                "email_verified": True,
                "identity_verified": i % 2 == 0,
                "phone_verified": True,
                "profile_complete": True,
                "deposit_made": False,
            },
            "primary_currency": USD,
        }

    def milestone(self, n: int, project: int, amount: float, status: str, **extra: Any) -> dict[str, Any]:
        milestone = {
            "transaction_id": 7_700_000 + n,
            "project_id": self.project_id(project),
            "bidder_id": self.freelancer_id(project),
            "project_owner_id": EMPLOYER_ID,
            "amount": amount,
            "currency": USD,
            "time_created": T0 + 86_400 + n,
            "time_updated": T0 + 2 * 86_400 + n,
            "status": status,
            "description": f"Milestone {n}",
            "reason": "partial_payment",
            "other_reason": None,
            "is_initiated_by_employer": True,
            **extra,
        }
        self.milestones[str(milestone["transaction_id"])] = milestone
        return milestone

    def add_project(self, i: int, submitted: int) -> dict[str, Any]:
        project = {**self.project(i), "time_submitted": submitted, "time_updated": submitted}
        self.projects.append(project)
        self.bids[str(project["id"])] = [self.bid(i)]
        self.users[str(self.freelancer_id(i))] = self.user(i)
        return project

    # -- HTTP ------------------------------------------------------------------------------------

    def install(self, server: HTTPServer) -> str:
        server.expect_request(re.compile(rf"{PREFIX}/.*")).respond_with_handler(self.handle)
        return server.url_for(PREFIX)

    def fail(self, path: str, status: int, **kwargs: Any) -> None:
        self.faults.append(Fault(path, status, **kwargs))

    def calls(self, path: str, method: str = "GET") -> list[dict[str, Any]]:
        """Parameters (lists for ``[]`` keys) of every logged request to ``path``."""
        return [params for m, p, params in self.log if p == path and m == method]

    def handle(self, request: Request) -> Response:
        path = request.path.removeprefix(PREFIX)
        params: dict[str, Any] = {
            key: request.args.getlist(key) if key.endswith("[]") else request.args.get(key) for key in request.args
        }
        self.log.append((request.method, path, params))
        if request.headers.get("Freelancer-OAuth-V1") != self.token:
            return self._error("You must be logged in to perform this request", "AUTH_FAILED", 401)
        for fault in self.faults:
            if fault.times > 0 and fault.path == path and fault.method == request.method:
                fault.times -= 1
                return self._error("injected", "INJECTED", fault.status, fault.headers)
        if request.method == "PUT" and (m := re.fullmatch(r"/projects/0\.1/milestones/(\d+)/", path)):
            return self._milestone_action(m.group(1), params.get("action"))
        routes = {
            "/users/0.1/self/": self._self,
            "/users/0.1/users/": self._users,
            "/projects/0.1/projects/": self._projects,
            "/projects/0.1/milestones/": self._milestones,
        }
        handler = routes.get(path) if request.method == "GET" else None
        if handler is None:
            return self._error(f"no route {request.method} {path}", "NOT_FOUND", 404)
        return handler(params)

    def _self(self, params: Mapping[str, Any]) -> Response:
        return self._ok({"id": EMPLOYER_ID, "username": "northwind_hiring", "role": "employer"})

    def _users(self, params: Mapping[str, Any]) -> Response:
        wanted = params.get("users[]") or []
        found = {uid: self.users[uid] for uid in wanted if uid in self.users}
        return self._ok({"users": found})

    def _projects(self, params: Mapping[str, Any]) -> Response:
        limit, offset = int(params.get("limit") or 10), int(params.get("offset") or 0)
        if limit > 100:
            return self._error("limit must be at most 100", "INVALID_PARAMETER", 400)
        rows = self.projects
        if params.get("owners[]"):
            rows = [p for p in rows if str(p["owner_id"]) in params["owners[]"]]
        if params.get("projects[]"):
            rows = [p for p in rows if str(p["id"]) in params["projects[]"]]
        if params.get("from_time"):
            rows = [p for p in rows if p["time_submitted"] >= int(params["from_time"])]
        page = rows[offset : offset + limit]
        result: dict[str, Any] = {"projects": page, "total_count": len(rows), "users": None}
        if params.get("selected_bids") == "true":
            result["selected_bids"] = {str(p["id"]): self.bids.get(str(p["id"]), []) for p in page}
        else:
            result["selected_bids"] = None
        return self._ok(result)

    def _milestones(self, params: Mapping[str, Any]) -> Response:
        limit, offset = int(params.get("limit") or 10), int(params.get("offset") or 0)
        projects = set(params.get("projects[]") or [])
        rows = [m for m in self.milestones.values() if not projects or str(m["project_id"]) in projects]
        page = rows[offset : offset + limit]
        return self._ok({"milestones": {str(m["transaction_id"]): m for m in page}, "users": None})

    def _milestone_action(self, transaction: str, action: str | None) -> Response:
        milestone = self.milestones.get(transaction)
        if milestone is None:
            return self._error("Milestone not found", "NOT_FOUND", 404)
        if action != "cancel":
            return self._error(f"unsupported action {action}", "INVALID_ACTION", 400)
        if milestone["status"] not in ("frozen", "pending", "requested_release"):
            return self._error("This milestone can no longer be cancelled", "MILESTONE_NOT_CANCELLABLE", 409)
        milestone["status"] = "canceled"
        milestone["time_updated"] = milestone["time_updated"] + 1
        return Response(json.dumps({"status": "success", "request_id": "r1"}), content_type="application/json")

    # -- envelope --------------------------------------------------------------------------------

    @staticmethod
    def _ok(result: Any) -> Response:
        body = {"status": "success", "result": result, "request_id": "8d6c7c1f2e2a4f0b"}
        return Response(json.dumps(body), content_type="application/json")

    @staticmethod
    def _error(message: str, code: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
        body = {"status": "error", "message": message, "error_code": code, "request_id": "e1"}
        return Response(json.dumps(body), status=status, headers=dict(headers or {}), content_type="application/json")
