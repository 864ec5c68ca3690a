"""Table definitions of the store (SQLAlchemy Core).

One table per record kind, with typed columns the risk core reads in bulk; PII link keys appear only
as keyed hashes (``*_key``) beside a masked form for humans (``*_masked``). Alembic migrations in
``migrations/versions`` create exactly these tables; a test compares the two so they cannot drift.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

TZ = DateTime(timezone=True)


def _record_columns() -> list[Column[object]]:
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("source", String(128), nullable=False),
        Column("remote_id", String(256), nullable=False),
        Column("modified_at", TZ),
        Column("deleted", Boolean, nullable=False, default=False),
        Column("ingested_at", TZ, nullable=False),
        Column("remote_data", JSON, nullable=False),
    ]


def _record_table(name: str, *columns: Column[object], owned: bool = True) -> Table:
    extra: list[Column[object]] = []
    if owned:
        extra.append(Column("worker_remote_id", String(256), nullable=False))
    table = Table(
        name,
        metadata,
        *_record_columns(),
        *extra,
        *columns,
        UniqueConstraint("source", "remote_id"),
    )
    if owned:
        Index(f"ix_{name}_owner", table.c.source, table.c.worker_remote_id)
    return table


store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

workers = _record_table(
    "workers",
    Column("legal_name", Text, nullable=False),
    Column("preferred_name", Text),
    Column("name_key", Text, nullable=False),
    Column("preferred_name_key", Text),
    Column("name_phonetic", Text, nullable=False),
    Column("date_of_birth", Date),
    Column("claimed_country", String(2)),
    Column("claimed_timezone", String(64)),
    Column("tax_key", String(32)),
    Column("home_addr_key", String(32)),
    Column("home_addr_masked", Text),
    Column("ship_addr_key", String(32)),
    Column("ship_addr_masked", Text),
    Column("photo_hash", String(128)),
    Column("prior_employers", JSON, nullable=False),
    Column("profile_urls", JSON, nullable=False),
    Column("referrer_remote_id", String(256)),
    Column("agency", Text),
    Column("resume_minhash", JSON),  # keyed MinHash signature of the résumé text (never the text)
    Column("profile_created_on", Date),
    owned=False,
)
Index("ix_workers_tax_key", workers.c.tax_key)

# Multi-valued identifiers of a worker (emails, phones): one row per value.
worker_keys = Table(
    "worker_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(128), nullable=False),
    Column("worker_remote_id", String(256), nullable=False),
    Column("key_type", String(16), nullable=False),
    Column("key_hash", String(32), nullable=False),
    Column("masked", Text, nullable=False),
    Column("domain", Text),
    Column("line_type", String(16)),  # phones: voip | mobile | fixed_line | ... (phonenumbers), else null
    UniqueConstraint("source", "worker_remote_id", "key_type", "key_hash"),
)
Index("ix_worker_keys_hash", worker_keys.c.key_type, worker_keys.c.key_hash)

engagements = _record_table(
    "engagements",
    Column("client_org", Text),
    Column("type", String(16), nullable=False),
    Column("status", String(64)),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("rate", String(40)),
    Column("currency", String(8)),
    Column("staffing_vendor", Text),
    Column("hours_per_week", Float),
)

payout_accounts = _record_table(
    "payout_accounts",
    Column("method", String(16), nullable=False),
    Column("holder_name", Text),
    Column("holder_name_key", Text),
    Column("account_key", String(32)),
    Column("account_masked", Text),
    Column("bank_country", String(2)),
    Column("bic", String(16)),
    Column("pooled", Boolean, nullable=False),
    Column("first_seen", TZ),
    Column("last_seen", TZ),
    Column("holder_type", String(16)),  # individual | business
    Column("entity_key", String(32)),  # keyed hash of the payee entity's tax id
    Column("entity_formed_on", Date),
    Column("entity_addr_key", String(32)),
    Column("entity_addr_masked", Text),
)
Index("ix_payout_accounts_account_key", payout_accounts.c.account_key)

payments = _record_table(
    "payments",
    Column("engagement_remote_id", String(256)),
    Column("payout_account_remote_id", String(256)),
    Column("amount", String(40), nullable=False),
    Column("currency", String(8), nullable=False),
    Column("status", String(64)),
    Column("due_date", Date),
    Column("paid_at", TZ),
    Column("hold_ref", String(256)),
    Column("approved", Boolean),
)

access_events = _record_table(
    "access_events",
    Column("time", TZ, nullable=False),
    Column("ended_at", TZ),
    Column("login", Text),
    Column("egress_key", String(32)),
    Column("egress_masked", String(64)),
    Column("asn", Integer),
    Column("country", String(2)),
    Column("is_proxy", Boolean, nullable=False),
    Column("vpn_provider", String(128)),
    Column("device_id", String(256)),
    Column("user_agent", Text),
)

devices = _record_table(
    "devices",
    Column("serial_key", String(32)),
    Column("serial_masked", String(32)),
    Column("shipped_serial_key", String(32)),
    Column("shipped_serial_masked", String(32)),
    Column("shipped_to_key", String(32)),
    Column("shipped_to_masked", Text),
    Column("mdm_country", String(2)),
    Column("remote_access_tools", JSON, nullable=False),
    Column("peripherals", JSON, nullable=False),
    Column("shipped_to_country", String(2)),
    Column("located_at", TZ),
    Column("software", JSON),
)

hiring_signals = _record_table(
    "hiring_signals",
    Column("signal", String(64), nullable=False),
    Column("observed_at", TZ),
    Column("detail", Text),
    Column("country", String(2)),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("related_worker_remote_id", String(256)),
)

# -- code-hosting profiles (migration 0002g) -------------------------------------------------------
# A profile belongs to the worker ``(coalesce(worker_source, source), worker_remote_id)``: an
# enrichment connector (GitHub) attaches it to the worker record of another source that cited it.
# Bios and READMEs are kept as keyed hashes of their words, commit e-mails as ``email`` link keys,
# follower account ids as keyed hashes; repositories, commits and follows count only while their
# profile record is live.
profiles = _record_table(
    "profiles",
    Column("worker_source", String(128)),
    Column("platform", String(32), nullable=False),
    Column("login", Text, nullable=False),
    Column("account_key", String(32)),
    Column("created_at", TZ),
    Column("bio_key", String(32)),
    Column("bio_words", Integer),
    Column("bio_excerpt", Text),
    Column("readme_key", String(32)),
    Column("readme_words", Integer),
    Column("blog", Text),
    Column("company", Text),
    Column("location", Text),
    Column("location_country", String(2)),
    Column("followers", Integer),
    Column("following", Integer),
    Column("public_repos", Integer),
    Column("observed_at", TZ),
)

profile_repos = _record_table(
    "profile_repos",
    Column("worker_source", String(128)),
    Column("profile_remote_id", String(256), nullable=False),
    Column("name", Text, nullable=False),
    Column("fork", Boolean, nullable=False),
    Column("parent", Text),
    Column("created_at", TZ),
    Column("pushed_at", TZ),
)

profile_commits = _record_table(
    "profile_commits",
    Column("worker_source", String(128)),
    Column("profile_remote_id", String(256), nullable=False),
    Column("repo", Text, nullable=False),
    Column("repo_fork", Boolean, nullable=False),
    Column("sha", String(64), nullable=False),
    Column("tree_sha", String(64)),
    Column("authored_at", TZ),
    Column("committed_at", TZ),
    Column("author_email_key", String(32)),
    Column("author_email_masked", Text),
    Column("committer_email_key", String(32)),
    Column("committer_email_masked", Text),
    Column("by_owner", Boolean),
)

profile_follows = _record_table(
    "profile_follows",
    Column("worker_source", String(128)),
    Column("profile_remote_id", String(256), nullable=False),
    Column("follower_key", String(32), nullable=False),
    Column("follower_masked", Text),
    Column("follower_created_at", TZ),
    Column("follower_following", Integer),
    Column("follower_followers", Integer),
    Column("follower_repos", Integer),
    Column("follower_follows", JSON),
)

RECORD_TABLES: dict[str, Table] = {
    "workers": workers,
    "engagements": engagements,
    "payout_accounts": payout_accounts,
    "payments": payments,
    "access_events": access_events,
    "devices": devices,
    "hiring_signals": hiring_signals,
    "profiles": profiles,
    "profile_repos": profile_repos,
    "profile_commits": profile_commits,
    "profile_follows": profile_follows,
}

# Incremental sync position per connector instance and stream, committed with the records it covers.
sync_cursors = Table(
    "sync_cursors",
    metadata,
    Column("connector", String(128), primary_key=True),
    Column("stream", String(128), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", TZ, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("dedup_key", String(64), primary_key=True),
    Column("kind", String(16), nullable=False, server_default="person"),  # person | network
    Column("network_key", String(64)),  # person case → the network case it belongs to
    Column("status", String(16), nullable=False),  # open | merged | closed
    Column("merged_into", String(64)),
    Column("level", String(16), nullable=False),
    Column("previous_level", String(16)),
    Column("score", Float, nullable=False),
    Column("summary", Text, nullable=False),
    Column("terms", JSON, nullable=False),
    Column("evidence_digest", String(64), nullable=False),
    Column("created_at", TZ, nullable=False),
    Column("updated_at", TZ, nullable=False),
)

case_members = Table(
    "case_members",
    metadata,
    Column("dedup_key", String(64), ForeignKey("cases.dedup_key"), primary_key=True),
    Column("source", String(128), primary_key=True),
    Column("remote_id", String(256), primary_key=True),
)
Index("ix_case_members_record", case_members.c.source, case_members.c.remote_id)

evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedup_key", String(64), ForeignKey("cases.dedup_key"), nullable=False),
    Column("indicator", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("weight", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("records", JSON, nullable=False),
    Column("keys", JSON, nullable=False),
    Column("first_seen", TZ, nullable=False),
    Column("last_seen", TZ, nullable=False),
    Column("active", Boolean, nullable=False),
    UniqueConstraint("dedup_key", "fingerprint"),
)

judgements = Table(
    "judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedup_key", String(64), ForeignKey("cases.dedup_key"), nullable=False),
    Column("verdict", String(32), nullable=False),  # confirmed | false_positive | suppressed
    Column("reason", Text),
    Column("suppress_until", TZ),
    Column("evidence_digest", String(64), nullable=False),
    Column("actor", String(256), nullable=False),
    Column("created_at", TZ, nullable=False),
)

# "Do not count indicator X for worker Y until D": a reviewer's suppression, honoured by scoring.
suppressions = Table(
    "suppressions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("indicator", String(64), nullable=False),
    Column("source", String(128), nullable=False),
    Column("worker_remote_id", String(256), nullable=False),
    Column("until", TZ, nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(256), nullable=False),
    Column("created_at", TZ, nullable=False),
    Column("revoked_at", TZ),
    Column("revoked_by", String(256)),
)
Index("ix_suppressions_worker", suppressions.c.source, suppressions.c.worker_remote_id)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedup_key", String(64), nullable=False),
    Column("action_id", String(128), nullable=False),
    Column("playbook_id", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # pending | done | failed
    Column("mode", String(16), nullable=False),  # active | monitor
    Column("intent", JSON, nullable=False),
    Column("intent_digest", String(64), nullable=False),
    Column("done_digest", String(64)),
    Column("done_level", String(16)),
    Column("result", JSON),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", TZ, nullable=False),
    Column("updated_at", TZ, nullable=False),
    UniqueConstraint("dedup_key", "action_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", TZ, nullable=False),
    Column("actor", String(256), nullable=False),
    Column("event", String(64), nullable=False),
    Column("dedup_key", String(64)),
    Column("action_id", String(128)),
    Column("detail", JSON, nullable=False),
)
Index("ix_audit_log_case", audit_log.c.dedup_key)

payout_holds = Table(
    "payout_holds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedup_key", String(64), nullable=False),
    Column("source", String(128), nullable=False),
    Column("worker_remote_id", String(256), nullable=False),
    Column("status", String(16), nullable=False),  # held | released | expired
    Column("vendor_ref", String(256)),
    Column("reason", Text, nullable=False),
    Column("created_at", TZ, nullable=False),
    Column("expires_at", TZ),
    UniqueConstraint("dedup_key", "source", "worker_remote_id"),
)

# OAuth2 tokens of connector instances, sealed (AES-GCM) by connectors/base/token_store.py; rows
# change only by compare-and-swap on ``version``, and a refresher holds a lease while it refreshes.
connector_tokens = Table(
    "connector_tokens",
    metadata,
    Column("connector", String(128), primary_key=True),
    Column("access_token", Text, nullable=False),
    Column("refresh_token", Text),
    Column("expires_at", TZ),
    Column("version", Integer, nullable=False),
    Column("lease_owner", String(64)),
    Column("lease_until", TZ),
    Column("updated_at", TZ, nullable=False),
)

# Webhook deliveries already accepted, per connector instance: a repeated event id is a replay.
webhook_events_seen = Table(
    "webhook_events_seen",
    metadata,
    Column("connector", String(128), primary_key=True),
    Column("event_id", String(256), primary_key=True),
    Column("received_at", TZ, nullable=False),
)
Index("ix_webhook_events_seen_received_at", webhook_events_seen.c.received_at)

# -- playbooks in full (migration 0002p) -----------------------------------------------------------
# Outbox rows change by compare-and-swap on ``revision``; ``event_cursor`` is the last audit-log event
# (judgement, hold expiring/expired/released) an action has reacted to, so each event is handled once;
# ``not_before`` defers a retry (Retry-After, backoff) or a throttled run; ``done_at`` dates the last run.
outbox.append_column(Column("revision", Integer, nullable=False, server_default="0"))
outbox.append_column(Column("event_cursor", Integer))
outbox.append_column(Column("not_before", TZ))
outbox.append_column(Column("done_at", TZ))

# One executor at a time per (case, action kind): the ticket, the thread and the hold of a case are
# shared by every playbook, so two engines (threads or processes) never work on the same one at once.
outbox_leases = Table(
    "outbox_leases",
    metadata,
    Column("dedup_key", String(64), primary_key=True),
    Column("action", String(64), primary_key=True),
    Column("owner", String(64), nullable=False),
    Column("lease_until", TZ, nullable=False),
)

# The hold state machine: pending (vendor call not confirmed) → held → release_requested → releasing
# → released, or expired; ``round`` counts renewals (a renewal voids earlier release approvals).
payout_holds.append_column(Column("via", String(16), nullable=False, server_default="gate"))  # vendor | gate
payout_holds.append_column(Column("release_approvals", Integer, nullable=False, server_default="2"))
payout_holds.append_column(Column("round", Integer, nullable=False, server_default="0"))
payout_holds.append_column(Column("attempts", Integer, nullable=False, server_default="0"))
payout_holds.append_column(Column("last_error", Text))
payout_holds.append_column(Column("task", Text))  # the human task where no vendor hold exists
payout_holds.append_column(Column("updated_at", TZ))
payout_holds.append_column(Column("warned_for", TZ))  # the expiry a hold.expiring event was raised for
payout_holds.append_column(Column("closed_at", TZ))  # released or expired at

# Who approved what on a hold (two distinct allow-listed approvers release it).
hold_approvals = Table(
    "hold_approvals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hold_id", Integer, ForeignKey("payout_holds.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("decision", String(16), nullable=False),  # release
    Column("actor", String(256), nullable=False),
    Column("channel", String(16), nullable=False),  # slack | cli | api
    Column("created_at", TZ, nullable=False),
    UniqueConstraint("hold_id", "round", "decision", "actor"),
)
