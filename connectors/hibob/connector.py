"""The HiBob connector: manifest, connection test, people and payroll history, webhooks read back.

Bob is an HRIS: it knows who people say they are (names, birth date, home address, phones, emails),
where their salary goes (the bank-accounts table, with the Financial permission) and their
employment history (payroll tables), but it pays no one, so there is nothing to hold here.

Authentication is a **service user** (id and token) in HTTP Basic, as HiBob's spec declares; Bob
discontinued the legacy API tokens. Rate limits are per endpoint per minute, signalled with 429
(people search: 50 a minute); a WAF blocks clients that keep failing authentication, which is one
more reason ``check()`` is a single call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from hiresentry.connectors.base import (
    BasicAuth,
    Batch,
    Checkpoint,
    CheckResult,
    Connector,
    HttpClient,
    Manifest,
    RecordProblem,
    RetryPolicy,
    Runtime,
    VerifiedDelivery,
    WebhookVerifier,
    shared_bucket,
)
from hiresentry.connectors.base.incremental import plan_incremental
from hiresentry.connectors.base.paginate import MAPPING_ERRORS, problem_reason
from hiresentry.connectors.hibob import mapping, webhook
from hiresentry.connectors.hibob.config import HiBobConfig
from hiresentry.connectors.hibob.streams import SEARCH_PATH, PayrollHistoryStream, PeopleStream, bank_accounts
from hiresentry.core.errors import ConnectorError
from hiresentry.core.model import Record

MANIFEST = Manifest(
    name="hibob",
    title="HiBob (HRIS)",
    record_kinds=["workers", "payout_accounts", "engagements"],
    auth="basic (service user id and token)",
    webhook=webhook.SCHEME,
    capabilities=[],  # an HRIS pays no one: nothing to hold here
)


class HiBobConnector(Connector[HiBobConfig]):
    """Reads one Bob company's people, their bank accounts and their employment history."""

    manifest = MANIFEST
    config_model = HiBobConfig

    def __init__(self, instance: str, config: HiBobConfig, *, runtime: Runtime | None = None) -> None:
        super().__init__(instance, config, runtime=runtime)
        runtime = self.runtime
        self.client = HttpClient(
            instance,
            config.base_url,
            auth=BasicAuth(config.service_user_id, config.service_user_token),
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            retry=RetryPolicy(
                attempts=config.max_attempts, backoff_max=config.max_retry_wait, retry_after_cap=config.max_retry_wait
            ),
            budget=shared_bucket(config.rate_limit_scope or f"hibob:{instance}", config.rate_limit_per_second),
            session=runtime.session,
            sleep=runtime.sleep,
            now=runtime.now,
            jitter=runtime.jitter,
            secrets=[config.service_user_token],
        )

    def check(self) -> CheckResult:
        """One people search for ids only: proves the URL, the service user and its People permission."""
        try:
            self.client.request_json("POST", SEARCH_PATH, json={"fields": ["root.id"], "showInactive": False})
        except ConnectorError as exc:
            return CheckResult.failure(exc)
        return CheckResult(ok=True, message=f"authenticated; {SEARCH_PATH} answers")

    def people(self) -> PeopleStream:
        """The people stream as configured."""
        config = self.config
        return PeopleStream(
            self.client,
            self.instance,
            config.page_size,
            paths=config.paths,
            search_fields=config.search_fields,
            show_inactive=config.show_inactive,
            read_banks=config.bank_accounts,
            full_refresh=dt.timedelta(days=config.full_refresh_days),
            now=self.runtime.now(),
        )

    def read(self, state: Mapping[str, str]) -> Iterator[Batch]:
        """People (in depth only where changed), then payroll history (a full pass)."""
        streams = list(self.config.streams)
        plan = plan_incremental(state, streams)
        if "people" in plan and not plan["people"].done:
            yield from self.people().batches_from(plan["people"])
        if "payroll_history" in plan and not plan["payroll_history"].done:
            at = plan["payroll_history"]
            history = PayrollHistoryStream(self.client, self.instance, self.config.organization)
            yield from history.batches(Checkpoint(at.pass_no, at.position, at.done))

    def webhook_verifier(self) -> WebhookVerifier | None:
        """The ``hibob`` scheme keyed with the webhook's secret; None without one."""
        secret = self.config.webhook_secret
        return webhook.verifier(secret, self.instance) if secret is not None else None

    def webhook_batch(self, delivery: VerifiedDelivery) -> Batch:
        """The named employee, read back with the ``root.id`` search filter, and their bank accounts.

        A vendor failure raises, so the delivery is answered with an error and Bob retries it.
        """
        employee_id = webhook.employee_to_read(delivery.payload)
        if employee_id is None:
            return Batch()
        config = self.config
        body = {
            "fields": config.search_fields,
            "filters": [{"fieldPath": "root.id", "operator": "equals", "values": [employee_id]}],
            "showInactive": True,
            "humanReadable": "APPEND",
        }
        answer = self.client.request_json("POST", SEARCH_PATH, json=body).body
        found = answer.get("employees") if isinstance(answer, Mapping) else None
        records: list[Record] = []
        problems: list[RecordProblem] = []
        where = f"{self.instance}:webhook employee id={employee_id}"
        for employee in found if isinstance(found, list) else []:
            if not isinstance(employee, Mapping):
                continue
            try:
                records.append(mapping.worker(self.instance, employee, config.paths))
            except MAPPING_ERRORS as exc:
                problems.append(RecordProblem(where, problem_reason(exc)))
        for worker_id in [r.remote_id for r in records] if config.bank_accounts else []:
            for result in bank_accounts(self.client, self.instance, worker_id):
                if isinstance(result, RecordProblem):
                    problems.append(result)
                else:
                    records.append(result)
        return Batch(records=records, problems=problems)
