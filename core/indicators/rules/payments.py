"""Payout indicators: shared accounts, holder names that are not the worker's, crypto, routing, churn."""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._geo import person_countries
from hiresentry.core.indicators.rules._shared import gathered, owners, shared_key_hits
from hiresentry.core.indicators.rules._signals import signal_rows
from hiresentry.core.keys import names_compatible
from hiresentry.core.population import Population

JOINT_SEPARATORS = (" & ", " and ", " / ", " + ")


@indicator("PAY-SHARED-ACCOUNT")
def shared_account(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """One payout account (bank, wallet, PayPal/Wise/Payoneer email) used by different identities.

    Accounts declared as pooled (EOR or agency client accounts that pay many workers) are left out:
    sharing them is their purpose.
    """
    accounts = pop.payout_accounts.filter(~pl.col("pooled")).select(
        "wid",
        pl.col("account_key").alias("key"),
        pl.format("{} ({})", "account_masked", "method").alias("masked"),
    )
    return shared_key_hits(pop, accounts, "payout account", int(params["min_people"]))


def _holder_matches(holder: str, names: list[str]) -> bool:
    parts = [holder]
    for sep in JOINT_SEPARATORS:
        parts = [piece for part in parts for piece in part.split(sep)]
    return any(names_compatible(part, name) for part in parts if part.strip() for name in names)


@indicator("PAY-NAME-MISMATCH")
def name_mismatch(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Payout account holder name is not a form of any name the person goes by.

    The vectorised pass drops every account whose holder key equals one of the person's name keys
    (the vast majority); only the rest are compared with the tolerant name matcher, which accepts
    order, initials, nicknames, transliteration and joint accounts that include the worker.
    """
    names = pop.workers.select(
        "pid",
        pl.concat_list("legal_name", pl.col("preferred_name").fill_null(pl.col("legal_name"))).alias("name"),
        pl.concat_list("name_key", pl.col("preferred_name_key").fill_null(pl.col("name_key"))).alias("key"),
    )
    by_pid = names.group_by("pid").agg(
        pl.col("name").list.explode(keep_nulls=False, empty_as_null=False).unique().alias("names"),
        pl.col("key").list.explode(keep_nulls=False, empty_as_null=False).unique().alias("name_keys"),
    )
    accounts = (
        pop.payout_accounts.filter(~pl.col("pooled") & pl.col("holder_name").is_not_null())
        .join(owners(pop), on="wid")
        .join(by_pid, on="pid")
        .filter(~pl.col("name_keys").list.contains(pl.col("holder_name_key")))
    )
    matches = [
        _holder_matches(holder, names)
        for holder, names in zip(accounts["holder_name"].to_list(), accounts["names"].to_list(), strict=True)
    ]
    flagged = accounts.filter(~pl.Series(matches, dtype=pl.Boolean))
    return flagged.select(
        "pid",
        pl.format(
            'payout account {} ({}) is held by "{}", which is not a form of the worker\'s name "{}"',
            "account_masked",
            "method",
            "holder_name",
            "legal_name",
        ).alias("explanation"),
        pl.concat_list("worker_ref", "ref").alias("records"),
        pl.concat_list("account_masked").alias("keys"),
    )


@indicator("PAY-CRYPTO")
def crypto_payout(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Pay goes to a crypto wallet, unless the engagement itself is denominated in crypto.

    A crypto-native employer paying in stablecoins is the listed false positive; the worker asking
    for crypto when the contract is in fiat is the signal.
    """
    crypto_currencies = [c.upper() for c in params["crypto_currencies"]]
    crypto_contracts = (
        pop.engagements.filter(pl.col("currency").str.to_uppercase().is_in(crypto_currencies))
        .join(owners(pop), on="wid")
        .select("pid")
        .unique()
    )
    wallets = (
        pop.payout_accounts.filter(pl.col("method") == "crypto")
        .join(owners(pop), on="wid")
        .join(crypto_contracts, on="pid", how="anti")
    )
    return wallets.group_by("pid").agg(
        pl.format("payout to crypto wallet {} although no engagement is paid in crypto", "account_masked")
        .min()  # the smallest explanation: deterministic whatever the row order
        .alias("explanation"),
        gathered("worker_ref", "ref").alias("records"),
        pl.col("account_masked").drop_nulls().unique().sort().alias("keys"),
    )


@indicator("PAY-PRC-ROUTING")
def prc_routing(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Pay goes to a bank in a routing country (PRC by default) that contradicts every country the person claims.

    The bank country comes from the account (or the BIC's country letters). A contractor who says
    they live in China and is paid in China contradicts nothing and never fires; nor does anyone
    without a claimed country. The payment provider's report of onward routing through
    intermediary companies (``payout_onward_routing``) fires on its own. Pooled EOR accounts are
    the QUAL-EOR-POOLED qualifier.
    """
    routing = [c.upper() for c in params["routing_countries"]]
    bic_country = pl.when(pl.col("bic").str.len_chars() >= 6).then(pl.col("bic").str.slice(4, 2).str.to_uppercase())
    accounts = (
        pop.payout_accounts.with_columns(pl.coalesce("bank_country", bic_country).alias("country"))
        .filter(pl.col("country").is_in(routing))
        .join(owners(pop), on="wid")
        .join(person_countries(pop), on="pid")
        .filter(~pl.col("claimed").list.contains(pl.col("country")))
        .select(
            "pid",
            "worker_ref",
            "ref",
            pl.format(
                "payout account {} is in {} although the worker claims {}",
                "account_masked",
                "country",
                pl.col("claimed").list.join("/"),
            ).alias("what"),
            pl.col("account_masked").alias("key"),
        )
    )
    onward = signal_rows(pop, params).select(
        "pid",
        "worker_ref",
        "ref",
        pl.lit("the payment provider reports pay routed onward through intermediaries").alias("what"),
        pl.lit(None, dtype=pl.Utf8).alias("key"),
    )
    grouped = (
        pl.concat([accounts, onward])
        .group_by("pid")
        .agg(
            pl.col("what").unique().sort().alias("what"),
            gathered("worker_ref", "ref").alias("records"),
            pl.col("key").drop_nulls().unique().sort().alias("keys"),
        )
    )
    return grouped.select("pid", pl.col("what").list.join("; ").alias("explanation"), "records", "keys")


@indicator("PAY-ACCOUNT-CHURN")
def account_churn(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """``min_accounts`` or more different payout accounts first seen within ``window_days`` of each other.

    One switch of bank is two accounts and does not fire. Accounts without a first-seen date count
    as recent (the source could not say otherwise).
    """
    accounts = pop.payout_accounts.drop_nulls("account_key").join(pop.workers.select("wid", "pid"), on="wid")
    several = accounts.group_by("pid").agg(pl.col("account_key").n_unique().alias("n"))
    several = several.filter(pl.col("n") >= int(params["min_accounts"]))
    accounts = (
        accounts.join(several, on="pid", how="semi")
        .drop("pid")
        .join(owners(pop), on="wid")
        .with_columns(pl.col("first_seen").max().over("pid").alias("latest"))
        .filter(
            pl.col("first_seen").is_null()
            | (pl.col("latest") - pl.col("first_seen") <= pl.duration(days=int(params["window_days"])))
        )
    )
    grouped = accounts.group_by("pid").agg(
        pl.col("account_key").n_unique().alias("n"),
        gathered("worker_ref", "ref").alias("records"),
        pl.col("account_masked").drop_nulls().unique().sort().alias("keys"),
    )
    return grouped.filter(pl.col("n") >= int(params["min_accounts"])).select(
        "pid",
        pl.format("{} different payout accounts within {} days", "n", pl.lit(int(params["window_days"]))).alias(
            "explanation"
        ),
        "records",
        "keys",
    )
