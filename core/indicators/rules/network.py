"""Cross-record indicators: one identifier shared by different claimed identities."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import empty_hits, indicator
from hiresentry.core.indicators.rules._geo import direct_signins
from hiresentry.core.indicators.rules._links import keyed, shared_pairs
from hiresentry.core.indicators.rules._shared import gathered, organisation_key, owners, shared_key_hits
from hiresentry.core.population import Population


def _worker_keys(pop: Population, key_type: str) -> pl.DataFrame:
    return pop.worker_keys.filter(pl.col("key_type") == key_type).select(
        "wid", pl.col("key_hash").alias("key"), "masked"
    )


@indicator("NET-SHARED-PHONE")
def shared_phone(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The same phone number (E.164) on the records of different identities."""
    return shared_key_hits(pop, _worker_keys(pop, "phone"), "phone", int(params["min_people"]))


@indicator("NET-SHARED-EMAIL")
def shared_email(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The same email under unrelated names (compatible names were merged as one person)."""
    return shared_key_hits(
        pop,
        _worker_keys(pop, "email"),
        "email",
        int(params["min_people"]),
        exclude_same_agency=bool(params["ignore_same_agency"]),
    )


@indicator("NET-SHARED-ADDRESS")
def shared_address(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """One postal address (home, ship-to or device shipment, standardised) used by different identities.

    One address receiving laptops for several workers is the laptop-farm pattern. Households and
    agency offices are qualifiers (QUAL-HOUSEHOLD, QUAL-AGENCY-SUBMISSION), not exclusions, so the
    sharing stays visible.
    """
    return shared_key_hits(pop, keyed(pop, "address"), "address", int(params["min_people"]))


@indicator("NET-SHARED-DEVICE")
def shared_device(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """One device (serial, or the identity provider's device id) used by different identities."""
    return shared_key_hits(pop, keyed(pop, "device"), "device", int(params["min_people"]))


@indicator("NET-FACE-REUSE")
def face_reuse(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """One photo hash on the records of different identities; default avatars (``ignore_hashes``) excepted."""
    ignored = [h.lower() for h in params["ignore_hashes"]]
    faces = keyed(pop, "face").filter(~pl.col("key").is_in(ignored))
    return shared_key_hits(pop, faces, "photo", int(params["min_people"]))


@indicator("NET-SHARED-EGRESS")
def shared_egress(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Different identities sign in directly from one egress network (/24) within ``window_hours``.

    Several workers' laptops behind one residential IP at the same time is a laptop farm. Windows
    are fixed buckets at two offsets (so a pair straddling a bucket edge still meets in one), and
    only networks used by several persons at all are bucketed. VPN and proxy exits are shared by
    design and left out; ``ignore_asns`` lists carriers that NAT many customers behind one address.
    """
    minimum = int(params["min_people"])
    minutes = int(float(params["window_hours"]) * 60)
    events = (
        direct_signins(pop)
        .drop_nulls("egress_key")
        .filter(~pl.col("asn").is_in([int(a) for a in params["ignore_asns"]]).fill_null(False))
    )
    busy = events.group_by("egress_key").agg(pl.col("pid").n_unique().alias("n")).filter(pl.col("n") >= minimum)
    events = events.join(busy, on="egress_key", how="semi")
    together = pl.concat(
        [
            events.with_columns(
                (pl.col("time") + pl.duration(minutes=offset)).dt.truncate(f"{minutes}m").alias("bucket")
            )
            for offset in (0, minutes // 2)
        ]
    )
    windows = (
        together.group_by("egress_key", "bucket")
        .agg(pl.col("pid").n_unique().alias("n"))
        .filter(pl.col("n") >= minimum)
    )
    members = together.join(windows, on=["egress_key", "bucket"], how="semi").select(
        "pid", "egress_key", "egress_masked"
    )
    keyed_egress = (
        members.unique(["pid", "egress_key"])
        .join(pop.workers.group_by("pid").agg(pl.col("wid").min()), on="pid")
        .select("wid", key="egress_key", masked="egress_masked")
    )
    noun = f"egress network (same {params['window_hours']} h)"
    return shared_key_hits(pop, keyed_egress, noun, minimum)


@indicator("NET-SHARED-EMPLOYER")
def shared_employer(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """An obscure prior employer cited by several identities.

    Employers compare by ``organisation_key``. Cited by more than ``max_people`` persons it is a
    well-known employer, not a shared fiction; ``ignore_employers`` lists others to skip.
    """
    ignored = [e.lower() for e in params["ignore_employers"]]
    cited = (
        pop.workers.select("wid", employer="prior_employers")
        .explode("employer")
        .drop_nulls("employer")
        .with_columns(organisation_key("employer").alias("key"))
        .filter((pl.col("key") != "") & ~pl.col("key").is_in(ignored))
        .join(pop.workers.select("wid", "pid"), on="wid")
    )
    counts = cited.group_by("key").agg(pl.col("pid").n_unique().alias("n"))
    cited = cited.join(counts.filter(pl.col("n") <= int(params["max_people"])), on="key", how="semi")
    return shared_key_hits(
        pop, cited.select("wid", "key", masked="employer"), "prior employer", int(params["min_people"])
    )


@indicator("NET-SHARED-PAYEE-ENTITY")
def shared_payee_entity(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """One business (same tax id, or same name at the same address) receives pay for different identities.

    A staffing firm paid for the contractors it employs is its business: accounts held by the
    person's own ``staffing_vendor`` are left out (HIRE-VIA-VENDOR covers vendor risk). Pooled EOR
    accounts are the QUAL-EOR-POOLED qualifier.
    """
    vendors = (
        pop.engagements.drop_nulls("staffing_vendor")
        .join(owners(pop), on="wid")
        .select("pid", vendor=organisation_key("staffing_vendor"))
        .unique()
    )
    business = (
        pop.payout_accounts.filter(pl.col("holder_type") == "business")
        .join(owners(pop), on="wid")
        .with_columns(organisation_key("holder_name").alias("entity"))
        .join(vendors, left_on=["pid", "entity"], right_on=["pid", "vendor"], how="anti")
    )
    by_tax_id = business.select("wid", key="entity_key", masked=pl.format("business {}", "holder_name"))
    by_name_address = business.select(
        "wid",
        key=pl.format("{}|{}", "entity", "entity_addr_key"),
        masked=pl.format("business {} at {}", "holder_name", "entity_addr_masked"),
    )
    keyed_entities = pl.concat([by_tax_id, by_name_address]).drop_nulls("key")
    return shared_key_hits(pop, keyed_entities, "payee", int(params["min_people"]))


@indicator("NET-REFERRAL-CLUSTER")
def referral_cluster(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """A referee shares a payout account, device, photo, phone, email, address or egress with the referrer.

    Both ends fire: the referrer brought in someone tied to them by infrastructure, the referee
    came in through someone they share it with.
    """
    referrers = pop.workers.select("source", referrer_remote_id="remote_id", referrer="pid", referrer_ref="ref")
    edges = (
        pop.workers.drop_nulls("referrer_remote_id")
        .select("source", "referrer_remote_id", referee="pid", referee_ref="ref")
        .join(referrers, on=["source", "referrer_remote_id"])
        .filter(pl.col("referee") != pl.col("referrer"))
    )
    if edges.is_empty():
        return empty_hits()
    among = pl.concat([edges.select(pid="referee"), edges.select(pid="referrer")])
    pairs = shared_pairs(pop, params["link_types"], among, int(params["max_group"]))
    linked = edges.join(pairs, left_on=["referee", "referrer"], right_on=["pid", "other"])
    sides = pl.concat(
        [
            linked.select(pid="referee", other_ref="referrer_ref", role=pl.lit("referred by"), own_ref="referee_ref",
                          link_type="link_type", masked="masked"),
            linked.select(pid="referrer", other_ref="referee_ref", role=pl.lit("referred"), own_ref="referrer_ref",
                          link_type="link_type", masked="masked"),
        ]
    )  # fmt: skip
    grouped = sides.group_by("pid").agg(
        pl.format("{} {}, sharing {} {}", "role", "other_ref", "link_type", "masked").unique().sort().alias("what"),
        gathered("own_ref", "other_ref").alias("records"),
        pl.col("masked").unique().sort().alias("keys"),
    )
    return grouped.select("pid", pl.col("what").list.join("; ").alias("explanation"), "records", "keys")
