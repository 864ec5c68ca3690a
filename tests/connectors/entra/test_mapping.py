"""Graph payload → record functions and config validation (no network).

The sign-in is the response example of Microsoft Graph's "List signIns" (v1.0) reference page,
the user a ``user`` resource as ``$select`` returns it; variations cover beta fields, anonymizer
detections, guests and malformed items. These shapes come from Microsoft's documentation (there
is no Graph spec in ``shared/specs``).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from pydantic import SecretStr

from hiresentry.connectors.entra import MANIFEST, EntraConnector, mapping
from hiresentry.connectors.entra.streams import graph_time
from hiresentry.core.errors import ConfigError

SIGN_IN: dict[str, Any] = {
    "id": "66ea54eb-6301-4ee5-be62-ff5a759b0100",
    "createdDateTime": "2020-03-13T19:15:41.6195833Z",
    "userDisplayName": "Test contoso",
    "userPrincipalName": "testaccount1@contoso.com",
    "userId": "26be570a-ae82-4189-b4e2-a37c6808512d",
    "appId": "de8bc8b5-d9f9-48b1-a8ad-b748da725064",
    "appDisplayName": "Graph explorer",
    "ipAddress": "131.107.159.37",
    "clientAppUsed": "Browser",
    "correlationId": "d79f5bee-5860-4832-928f-3133e22ae912",
    "conditionalAccessStatus": "notApplied",
    "isInteractive": True,
    "riskDetail": "none",
    "riskLevelAggregated": "none",
    "riskLevelDuringSignIn": "none",
    "riskState": "none",
    "riskEventTypes": [],
    "riskEventTypes_v2": [],
    "resourceDisplayName": "Microsoft Graph",
    "resourceId": "00000003-0000-0000-c000-000000000000",
    "status": {"errorCode": 0, "failureReason": None, "additionalDetails": None},
    "deviceDetail": {
        "deviceId": "",
        "displayName": None,
        "operatingSystem": "Windows 10",
        "browser": "Edge 80.0.361",
        "isCompliant": None,
        "isManaged": None,
        "trustType": None,
    },
    "location": {
        "city": "Redmond",
        "state": "Washington",
        "countryOrRegion": "US",
        "geoCoordinates": {"altitude": None, "latitude": 47.68050003051758, "longitude": -122.12094116210938},
    },
    "appliedConditionalAccessPolicies": [],
}


def test_graph_example_sign_in() -> None:
    event = mapping.access_event("entra", SIGN_IN)
    assert (event.remote_id, event.worker_remote_id, event.login) == (
        "66ea54eb-6301-4ee5-be62-ff5a759b0100",
        "26be570a-ae82-4189-b4e2-a37c6808512d",
        "testaccount1@contoso.com",
    )
    assert event.time == dt.datetime(2020, 3, 13, 19, 15, 41, 619583, tzinfo=dt.UTC)
    assert (event.ip, event.country, event.asn, event.is_proxy, event.vpn_provider, event.device_id) == (
        "131.107.159.37",
        "US",
        None,
        False,
        None,
        None,
    )
    assert event.user_agent is None  # v1.0 has no raw user agent
    kept = event.remote_data
    assert kept["appDisplayName"] == "Graph explorer"
    assert kept["deviceDetail"]["browser"] == "Edge 80.0.361"
    assert kept["location"] == {"city": "Redmond", "state": "Washington", "countryOrRegion": "US"}
    for absent in ("131.107.159.37", "testaccount1@contoso.com", "47.68"):
        assert absent not in str(kept)


def test_beta_fields_and_anonymizer_detections() -> None:
    beta = copy.deepcopy(SIGN_IN) | {
        "userAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
        "autonomousSystemNumber": 8075,
        "riskEventTypes_v2": ["anonymizedIPAddress", "unfamiliarFeatures"],
    }
    beta["deviceDetail"]["deviceId"] = "9f8a2c1e-1111-2222-3333-444455556666"
    event = mapping.access_event("entra", beta)
    assert (event.asn, event.is_proxy, event.device_id) == (8075, True, "9f8a2c1e-1111-2222-3333-444455556666")
    assert event.user_agent == "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
    assert mapping.access_event("entra", SIGN_IN | {"location": {"countryOrRegion": "XX"}}).country is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"id": None}, "no id"),
        ({"userId": ""}, "no userId"),
        ({"createdDateTime": None}, "no createdDateTime"),
        ({"ipAddress": "131.107.159"}, "not an IP address"),
    ],
)
def test_malformed_sign_ins(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        mapping.access_event("entra", SIGN_IN | changes)


def test_users() -> None:
    member = {
        "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
        "displayName": "Adele Vance",
        "givenName": "Adele",
        "surname": "Vance",
        "mail": "AdeleV@contoso.com",
        "userPrincipalName": "adelev@contoso.com",
        "otherMails": ["adele.vance@example.org", "ADELEV@contoso.com"],
        "accountEnabled": True,
    }
    worker = mapping.worker("entra", member)
    assert (worker.legal_name, worker.preferred_name) == ("Adele Vance", "Adele Vance")
    assert worker.emails == ["AdeleV@contoso.com", "adele.vance@example.org"]
    guest = {
        "id": "g1",
        "displayName": "Kim Guest",
        "mail": None,
        "userPrincipalName": "kim_gmail.com#EXT#@contoso.onmicrosoft.com",
        "otherMails": ["kim@gmail.com"],
    }
    assert mapping.worker("entra", guest).emails == ["kim@gmail.com"]
    with pytest.raises(ValueError, match="no name"):
        mapping.worker("entra", {"id": "x", "displayName": " "})


def test_filter_time_is_floored_to_the_second() -> None:
    assert graph_time(dt.datetime(2024, 8, 13, 15, 58, 20, 999999, tzinfo=dt.UTC)) == "2024-08-13T15:58:20Z"


def test_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENTRA_SECRET", "from-env")
    base = {"tenant_id": "contoso.onmicrosoft.com", "client_id": "app", "client_secret": "env:ENTRA_SECRET"}
    connector = EntraConnector.from_config("entra", base)
    assert connector.client.base_url == "https://graph.microsoft.com/v1.0"
    assert connector.config.client_secret.get_secret_value() == "from-env"
    with pytest.raises(ConfigError, match="never inline"):
        EntraConnector.from_config("entra", base | {"client_secret": "inline"})
    with pytest.raises(ConfigError, match="tenant"):
        EntraConnector.from_config("entra", base | {"tenant_id": "../common"})
    with pytest.raises(ConfigError, match="https"):
        EntraConnector.from_config("entra", base | {"login_url": "http://login.example.com"})
    with pytest.raises(ConfigError, match="initial_lookback_days"):
        EntraConnector.from_config("entra", base | {"client_secret": SecretStr("s"), "initial_lookback_days": 31})


def test_manifest() -> None:
    assert (MANIFEST.capabilities, MANIFEST.webhook) == (["account.suspend"], None)
