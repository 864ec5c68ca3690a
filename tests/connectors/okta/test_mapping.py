"""Okta payload → record functions, country names and config validation (no network).

The sign-in payload is Okta's own ``ListLogsWithAdditionalSecurityContext`` example and the user
Okta's ``getUser`` example, both copied from ``shared/specs/okta/okta_management-minimal.yaml``
(Apache-2.0); variations of them cover VPN operators, odd geography and malformed items.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.okta import MANIFEST, OktaConnector, mapping
from hiresentry.connectors.okta.geo import country_from_name
from hiresentry.connectors.okta.streams import okta_time, sign_in_filter
from hiresentry.core.errors import ConfigError

SIGN_IN: dict[str, Any] = {
    "actor": {
        "id": "00uttidj01jqL21aM1d6",
        "type": "User",
        "alternateId": "john.doe@example.com",
        "displayName": "John Doe",
        "detailEntry": None,
    },
    "client": {
        "userAgent": {
            "rawUserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/127.0.0.0 Safari/537.36",
            "os": "Mac OS X",
            "browser": "CHROME",
        },
        "zone": None,
        "device": "Computer",
        "id": None,
        "ipAddress": "10.0.0.1",
        "geographicalContext": {
            "city": "New York",
            "state": "New York",
            "country": "United States",
            "postalCode": 10013,
            "geolocation": {"lat": 40.3157, "lon": -74.01},
        },
    },
    "device": {
        "id": "guofdhyjex1feOgbN1d9",
        "name": "Mac15,6",
        "os_platform": "OSX",
        "os_version": "14.6.0",
        "managed": False,
        "registered": True,
        "device_integrator": None,
        "disk_encryption_type": "ALL_INTERNAL_VOLUMES",
        "screen_lock_type": "BIOMETRIC",
        "jailbreak": None,
        "secure_hardware_present": True,
    },
    "authenticationContext": {"authenticationStep": 0, "rootSessionId": "idxBager62CSveUkTxvgRtonA"},
    "displayMessage": "User login to Okta",
    "eventType": "user.session.start",
    "outcome": {"result": "SUCCESS", "reason": None},
    "published": "2024-08-13T15:58:20.353Z",
    "securityContext": {
        "asNumber": 394089,
        "asOrg": "ASN 0000",
        "isp": "google",
        "domain": None,
        "isProxy": False,
        "risk": {"level": "HIGH", "reasons": ["Anomalous Device"], "detectionName": "Suspected Session Hijacking"},
        "ipDetails": {"asNumber": 394089, "asOrg": "ASN 0000", "isp": "google"},
    },
    "severity": "INFO",
    "legacyEventType": "core.user_auth.login_success",
    "transaction": {"type": "WEB", "id": "ab609228fe84ce59cdcbfa690bgce016", "detail": None},
    "uuid": "dc9fd3c0-598c-11ef-8478-2b7584bf8d5a",
    "version": 0,
    "request": {"ipChain": [{"ip": "10.0.0.1", "version": "V4", "source": None}]},
    "target": [],
}

USER: dict[str, Any] = {
    "id": "00ub0oNGTSWTBKOLGLNR",
    "status": "ACTIVE",
    "created": "2013-06-24T16:39:18.000Z",
    "activated": "2013-06-24T16:39:19.000Z",
    "lastLogin": "2013-06-24T17:39:19.000Z",
    "lastUpdated": "2013-07-02T21:36:25.344Z",
    "profile": {
        "login": "isaac.brock@example.com",
        "firstName": "Isaac",
        "lastName": "Brock",
        "nickName": "issac",
        "displayName": "Isaac Brock",
        "email": "isaac.brock@example.com",
        "secondEmail": "isaac@example.org",
        "mobilePhone": "+1-555-415-1337",
        "primaryPhone": "+1-555-514-1337",
        "streetAddress": "301 Brannan St.",
        "city": "San Francisco",
        "zipCode": "94107",
        "countryCode": "US",
        "title": "Director",
    },
    "credentials": {"recovery_question": {"question": "What's my childhood elementary school?"}},
}


def variant(**changes: Any) -> dict[str, Any]:
    event = copy.deepcopy(SIGN_IN)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = event
        for key in parents:
            node = node[key]
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return event


def test_okta_example_sign_in() -> None:
    event = mapping.access_event("okta", SIGN_IN)
    assert (event.remote_id, event.worker_remote_id, event.login) == (
        "dc9fd3c0-598c-11ef-8478-2b7584bf8d5a",
        "00uttidj01jqL21aM1d6",
        "john.doe@example.com",
    )
    assert event.time == dt.datetime(2024, 8, 13, 15, 58, 20, 353000, tzinfo=dt.UTC) == event.modified_at
    assert (event.ip, event.asn, event.country, event.is_proxy, event.vpn_provider) == (
        "10.0.0.1",
        394089,
        "US",
        False,
        None,
    )
    assert event.device_id == "guofdhyjex1feOgbN1d9"
    assert event.user_agent == SIGN_IN["client"]["userAgent"]["rawUserAgent"]
    kept = event.remote_data
    assert kept["securityContext"]["risk"]["detectionName"] == "Suspected Session Hijacking"
    assert kept["client"]["geographicalContext"] == {
        "city": "New York",
        "state": "New York",
        "country": "United States",
    }
    for absent in ("10.0.0.1", "john.doe@example.com", "40.3157", "ipChain"):
        assert absent not in str(kept)


def test_ip_service_categories_name_the_vpn() -> None:
    categories = [
        {"type": "VPN", "operator": "Astrill", "isAnonymous": True},
        {"type": "Proxy", "operator": None, "isAnonymous": True},
    ]
    event = mapping.access_event("okta", variant(securityContext__ipDetails__ipServiceCategories=categories))
    assert (event.is_proxy, event.vpn_provider) == (True, "Astrill")
    unnamed = mapping.access_event("okta", variant(securityContext__isProxy=True))
    assert (unnamed.is_proxy, unnamed.vpn_provider) == (True, None)


def test_asn_falls_back_to_the_ip_chain_details() -> None:
    chain = [{"ip": "10.0.0.1", "ipDetails": {"asNumber": 64500, "ipServiceCategories": [{"type": "Tor"}]}}]
    event = mapping.access_event(
        "okta", variant(securityContext__asNumber=0, securityContext__ipDetails=None, request__ipChain=chain)
    )
    assert (event.asn, event.is_proxy, event.vpn_provider) == (64500, True, None)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United States", "US"),
        ("Russia", "RU"),
        ("North Korea", "KP"),
        ("Korea, Democratic People's Republic of", "KP"),
        ("Turkey", "TR"),
        ("The Netherlands", "NL"),
        ("Kosovo", None),
        ("", None),
        (None, None),
    ],
)
def test_country_names(name: str | None, code: str | None) -> None:
    assert country_from_name(name) == code


def test_an_unknown_country_keeps_the_event() -> None:
    event = mapping.access_event("okta", variant(client__geographicalContext__country="Kosovo"))
    assert event.country is None
    assert event.remote_data["client"]["geographicalContext"]["country"] == "Kosovo"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"uuid": None}, "no uuid"),
        ({"actor__id": None}, "no actor.id"),
        ({"published": None}, "no published time"),
        ({"published": "yesterday"}, "Invalid isoformat"),
        ({"client__ipAddress": "10.0.0.300"}, "not an IP address"),
    ],
)
def test_malformed_sign_ins(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        mapping.access_event("okta", variant(**changes))


def test_okta_example_user() -> None:
    worker = mapping.worker("okta", USER)
    assert (worker.remote_id, worker.legal_name, worker.preferred_name) == (
        "00ub0oNGTSWTBKOLGLNR",
        "Isaac Brock",
        "issac",
    )
    assert worker.emails == ["isaac.brock@example.com", "isaac@example.org"]
    assert worker.phones == ["+1-555-415-1337", "+1-555-514-1337"]
    assert worker.claimed_country == "US"
    assert worker.modified_at == dt.datetime(2013, 7, 2, 21, 36, 25, 344000, tzinfo=dt.UTC)
    kept = str(worker.remote_data)
    for absent in ("isaac.brock@example.com", "415-1337", "301 Brannan", "recovery_question"):
        assert absent not in kept
    assert worker.remote_data["status"] == "ACTIVE"


def test_user_logins_that_are_not_addresses_and_odd_profile_values() -> None:
    user = copy.deepcopy(USER)
    user["profile"] |= {"login": "ibrock", "email": None, "secondEmail": None, "countryCode": "ZZ", "timezone": "PST"}
    worker = mapping.worker("okta", user)
    assert (worker.emails, worker.claimed_country, worker.claimed_timezone) == ([], None, None)
    user["profile"] = {"login": "x"}
    with pytest.raises(ValueError, match="no name"):
        mapping.worker("okta", user)


def test_query_values() -> None:
    assert okta_time(dt.datetime(2024, 8, 13, 15, 58, 20, 353999, tzinfo=dt.UTC)) == "2024-08-13T15:58:20.353Z"
    assert sign_in_filter(["user.session.start", "user.authentication.sso"], True) == (
        '(eventType eq "user.session.start" or eventType eq "user.authentication.sso") and outcome.result eq "SUCCESS"'
    )
    assert sign_in_filter(["user.session.start"], False) == 'eventType eq "user.session.start"'


def test_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKTA_TOKEN", "from-env")
    connector = OktaConnector.from_config("okta", {"org_url": "https://acme.okta.com/", "api_token": "env:OKTA_TOKEN"})
    assert connector.config.org_url == "https://acme.okta.com"
    assert connector.config.api_token.get_secret_value() == "from-env"
    assert "from-env" not in repr(connector.client._auth)
    with pytest.raises(ConfigError, match="never inline"):
        OktaConnector.from_config("okta", {"org_url": "https://acme.okta.com", "api_token": "raw-token"})
    with pytest.raises(ConfigError, match="https"):
        OktaConnector.from_config("okta", {"org_url": "http://acme.okta.com", "api_token": SecretStr("t")})
    with pytest.raises(ConfigError, match="without a path"):
        OktaConnector.from_config("okta", {"org_url": "https://acme.okta.com/api/v1", "api_token": SecretStr("t")})
    with pytest.raises(ConfigError, match="not an Okta event type"):
        OktaConnector.from_config(
            "okta", {"org_url": "https://a.okta.com", "api_token": SecretStr("t"), "event_types": ['x" or "1']}
        )
    with pytest.raises(ConfigError, match="initial_lookback_days"):
        OktaConnector.from_config(
            "okta", {"org_url": "https://a.okta.com", "api_token": SecretStr("t"), "initial_lookback_days": 91}
        )


def test_manifest() -> None:
    assert MANIFEST.capabilities == ["account.suspend"]
    assert set(MANIFEST.record_kinds) == {"workers", "access_events"}
