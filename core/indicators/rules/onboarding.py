"""Identity and onboarding indicators reported by people and verification tools (hiring signals).

What HR, the IDV vendor, payroll's tax-form returns or the ATS observed is a hiring signal; each
indicator here is the catalogue id, its signal names and its clearing names (YAML), and one call
to the shared helper.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from hiresentry.core.indicators.registry import indicator
from hiresentry.core.indicators.rules._signals import signal_indicator
from hiresentry.core.population import Population


@indicator("ID-PHOTO-REUSE")
def photo_reuse(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """A photo check found the profile or ID photo to be stock, AI-generated or used under other names online.

    One face under two names *inside* the population is NET-FACE-REUSE (a link key).
    """
    return signal_indicator(pop, params, "photo check")


@indicator("ID-DOC-FORGERY")
def document_forgery(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The identity-document check failed forensically (forgery artefacts, a replaced photo).

    A poor scan is ``idv_poor_image``, which counts for nothing; a later ``idv_passed`` clears.
    """
    return signal_indicator(pop, params, "identity document")


@indicator("ID-EMPLOYER-UNVERIFIABLE")
def employer_unverifiable(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Prior employers or references could not be confirmed through contacts found independently."""
    return signal_indicator(pop, params, "employment history")


@indicator("ID-OWNER-DISPUTE")
def owner_dispute(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The identity's real owner disputes the job (tax forms for work never done, an SSA mismatch, a theft report)."""
    return signal_indicator(pop, params, "identity owner")


@indicator("ID-I9-THIRD-PARTY")
def i9_third_party(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """I-9 or document inspection by an unrelated third party, or an E-Verify non-confirmation."""
    return signal_indicator(pop, params, "employment eligibility")


@indicator("ID-PERSONA-SWITCH")
def persona_switch(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """Asked to continue under another account or name, or signed in as another identity."""
    return signal_indicator(pop, params, "persona")


@indicator("ATS-ACTOR-INFRA")
def ats_actor_infrastructure(pop: Population, params: dict[str, Any]) -> pl.DataFrame:
    """The applicant's ATS, chat or offer-signing activity came from actor infrastructure or a repeating pattern."""
    return signal_indicator(pop, params, "recruiting activity")
