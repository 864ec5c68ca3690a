"""Code-hosting identity indicators: commit e-mails of other identities, cloned profiles, contradicted location.

A persona's code-hosting account gives away what its worker record hides: commits made with the
e-mail another candidate declared, the same bio or profile README across a team of personas
(Ketman's generic "Full Stack / Blockchain" bios), one account cited by several identities, a
profile location or commit hours that contradict the country the worker claims. The location
check is about the *contradiction* with the claim, never about a country as such.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._geo import person_countries
from hiresentry.core.indicators.rules._links import keyed, own_commits
from hiresentry.core.indicators.rules._profiles import profile_owners
from hiresentry.core.indicators.rules._shared import gathered, owners, shared_key_hits
from hiresentry.core.population import Population
from hiresentry.core.store.rows import profile_text_key, profile_words


def _outside(domains: list[str]) -> pl.Expr:
    """True for masked e-mails not at one of ``domains`` (or their subdomains)."""
    domain = pl.col("masked").str.split("@").list.last().str.to_lowercase()
    lowered = [d.lower() for d in domains]
    if not lowered:
        return pl.lit(True)
    return ~pl.any_horizontal([(domain == d) | domain.str.ends_with("." + d) for d in lowered])


@indicator("CODE-COMMIT-EMAIL-SHARED")
def commit_email_shared(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The owner's commits carry an e-mail another identity declared (or committed with).

    The platform attributes a commit to an account only through an address the account verified,
    so another candidate's e-mail on someone's own commits ties the two identities together.
    Privacy relay addresses are never keys; addresses the person also declared add nothing, and
    ``ignore_domains`` lists further shared placeholders.
    """
    rows = keyed(pop, "commit_email").filter(_outside(list(params["ignore_domains"])))
    return shared_key_hits(pop, rows, "commit e-mail", int(params["min_people"]))


def _ignored_texts(pop: Population, texts: list[str]) -> list[str]:
    if pop.hasher is None:
        return []
    words = [profile_words(t) for t in texts]
    return [profile_text_key(pop.hasher, w) for w in words if w]


@indicator("CODE-PROFILE-CLONE")
def profile_clone(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The same bio or profile README across ``min_people`` identities, or one account cited by several.

    Texts compare as lower-case words without the account's own login (a README copied to another
    account differs only there); short texts (under ``min_words`` words) and GitHub's default
    profile README template (``ignore_texts``) are left out: many people share them honestly.
    """
    words, minimum = int(params["min_words"]), int(params["min_people"])
    ignored = _ignored_texts(pop, list(params["ignore_texts"]))
    profiles = pop.profiles
    bios = profiles.filter(pl.col("bio_words") >= words).select(
        "wid", key="bio_key", masked=pl.format('"{}"', "bio_excerpt")
    )
    readmes = profiles.filter((pl.col("readme_words") >= words) & ~pl.col("readme_key").is_in(ignored)).select(
        "wid", key="readme_key", masked=pl.format("README of {}", "login")
    )
    accounts = profiles.select(
        "wid", key=pl.format("{}:{}", "platform", pl.col("login").str.to_lowercase()), masked=pl.col("login")
    )
    return pl.concat(
        [
            shared_key_hits(pop, bios, "profile bio", minimum),
            shared_key_hits(pop, readmes, "profile", minimum),
            shared_key_hits(pop, accounts, "code-hosting account", int(params["account_min_people"])),
        ]
    )


def _night_commits(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """pid → the owner's commits (``commits``) and the share at night in every claimed time zone."""
    start, end = int(params["night_start"]), int(params["night_end"])
    created = profile_owners(pop).select("source", "profile_remote_id", "created_at")
    commits = (
        own_commits(pop)
        .filter(pl.col("by_owner").fill_null(False))
        .join(created, on=["source", "profile_remote_id"])
        .filter(pl.col("created_at").is_null() | (pl.col("authored_at") >= pl.col("created_at")))
        .drop_nulls("authored_at")
        .join(pop.workers.select("wid", "pid"), on="wid")
        .select("pid", "sha", "authored_at")
        .unique()  # one commit seen in two of the person's repositories or profiles counts once
        .with_row_index("commit")
    )
    zones = pop.workers.drop_nulls("claimed_timezone").select("pid", zone="claimed_timezone").unique()
    paired = commits.join(zones, on="pid")
    parts = [
        part.select("commit", "pid", pl.col("authored_at").dt.convert_time_zone(str(zone)).dt.hour().alias("h"))
        for (zone,), part in paired.partition_by("zone", as_dict=True).items()
    ]
    if not parts:
        return pl.DataFrame(schema={"pid": pl.Int64, "commits": pl.UInt32, "share": pl.Float64})
    hour = pl.col("h")
    night = (hour >= start) | (hour < end) if start > end else hour.is_between(start, end - 1)
    per_commit = (
        pl.concat(parts)
        .with_columns(night.alias("night"))
        .group_by("commit")
        .agg(pl.col("night").all(), pl.col("pid").first())
    )
    return (
        per_commit.group_by("pid")
        .agg(pl.len().alias("commits"), pl.col("night").mean().alias("share"))
        .filter((pl.col("commits") >= int(params["min_commits"])) & (pl.col("share") >= float(params["min_share"])))
    )


@indicator("CODE-LOCATION-MISMATCH")
def location_mismatch(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The profile's location, or the hours of the owner's commits, contradict where the worker says they are.

    Location: the country a profile location names is none of the countries the person claims (a
    person who claims no country, or a location naming none, contradicts nothing). Hours: at least
    ``min_commits`` of the owner's commits, ``min_share`` of them at night in every claimed time
    zone. A modifier: it makes other location evidence weigh more and is worth nothing alone.
    """
    people = owners(pop).select("wid", "pid", "worker_ref")
    located = (
        pop.profiles.drop_nulls("location_country")
        .join(people, on="wid")
        .join(person_countries(pop), on="pid")
        .filter(~pl.col("claimed").list.contains(pl.col("location_country")))
        .select(
            "pid",
            pl.format(
                'profile {} says "{}" ({}), the worker claims {}',
                "login",
                "location",
                "location_country",
                pl.col("claimed").list.join("/"),
            ).alias("what"),
            pl.concat_list("worker_ref", "ref").alias("refs"),
        )
    )
    nights = _night_commits(pop, params).join(
        pop.profiles.join(people, on="wid").group_by("pid").agg(gathered("worker_ref", "ref").alias("refs")),
        on="pid",
    )
    timed = nights.select(
        "pid",
        pl.format(
            "{}% of {} commits at night in the claimed time zone",
            (pl.col("share") * 100).round(0).cast(pl.Int64),
            "commits",
        ).alias("what"),
        "refs",
    )
    found = (
        pl.concat([located, timed])
        .group_by("pid")
        .agg(pl.col("what").unique().sort(), gathered("refs").alias("records"))
    )
    return found.select(
        "pid",
        pl.col("what").list.join("; ").alias("explanation"),
        "records",
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("keys"),
    )
