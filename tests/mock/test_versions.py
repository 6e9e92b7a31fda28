"""Every documented Intercom-Version is served by the fake, each judged and answered by its own description."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, FakeIntercom, FakeSettings, IntercomMock, MockServer
from contracts.spec import Contracts

from ..conftest import PUBLISHED

CONTRACTS = Contracts()
EMAIL = {
    "message_type": "email",
    "subject": "Hi",
    "body": "Hello",
    "template": "plain",
    "from": {"type": "admin", "id": DEFAULT_ADMIN_ID},
    "to": {"type": "user", "id": DEFAULT_CONTACT_ID},
}
HEADERS = {"Authorization": "Bearer tok-versions"}


def _judged(answer: httpx.Response, version: str | None) -> dict[str, Any]:
    body: dict[str, Any] = answer.json()
    contract = CONTRACTS.contract(version)
    if answer.status_code == 200:
        contract.validate_message(body)
    else:
        contract.validate_error(body)
    return body


@pytest.fixture(scope="module")
def server() -> Any:
    with MockServer(FakeIntercom(CONTRACTS, FakeSettings(accept_any_token=True, rate_limit=10**9))) as running:
        yield running


@pytest.mark.parametrize("version", [*CONTRACTS.documented, None])
def test_intercom_mock_serves_each_documented_version_by_its_own_schema(version: str | None) -> None:
    headers = HEADERS if version is None else {**HEADERS, "Intercom-Version": version}
    with IntercomMock.from_settings() as mock:
        answer = httpx.post("https://api.intercom.io/messages", json=EMAIL, headers=headers)
        me = httpx.get("https://api.intercom.io/me", headers=headers)
    assert answer.status_code == me.status_code == 200, answer.text
    _judged(answer, version)
    CONTRACTS.contract(version).validate_admin(me.json())
    assert mock.breaches == []


@pytest.mark.parametrize("version", [*CONTRACTS.documented, None, "9.99", "banana"])
def test_the_loopback_fake_serves_each_documented_version_and_refuses_the_rest(
    server: Any, version: str | None
) -> None:
    headers = HEADERS if version is None else {**HEADERS, "Intercom-Version": version}
    answer = httpx.post(server.base_urls["eu"] + "/messages", json=EMAIL, headers=headers)
    if version in ("9.99", "banana"):
        assert answer.status_code == 400
        assert [e["code"] for e in _judged(answer, None)["errors"]] == ["intercom_version_invalid"]
    else:
        assert answer.status_code == 200, answer.text
        _judged(answer, version)


def test_a_request_without_the_header_is_judged_by_the_workspace_default() -> None:
    in_2_14_only = {**EMAIL, "to": [{"type": "user", "id": DEFAULT_CONTACT_ID}]}  # recipients as a list: 2.14+
    with IntercomMock.from_settings(version="2.14") as newer:
        assert httpx.post("https://api.intercom.io/messages", json=in_2_14_only, headers=HEADERS).status_code == 200
    assert newer.breaches == []
    with IntercomMock.from_settings() as default:  # the workspace's default: 2.11, where `to` is one object
        httpx.post("https://api.intercom.io/messages", json=in_2_14_only, headers=HEADERS)
    (breach,) = default.breaches
    assert breach.violation is not None
    assert breach.violation.path == "$.to"


def test_a_client_moving_to_2_14_is_not_a_false_alarm() -> None:
    with IntercomMock.from_settings() as mock:
        answer = httpx.post(
            "https://api.intercom.io/messages", json=EMAIL, headers={**HEADERS, "Intercom-Version": "2.14"}
        )
    assert answer.status_code == 200
    assert mock.breach_report() is None


def test_an_unknown_default_version_is_a_usage_error() -> None:
    from contracts import UsageError

    with pytest.raises(UsageError, match=r"'9\.99' is not documented"):
        IntercomMock.from_settings(version="9.99")


def test_an_unknown_default_version_set_later_is_a_usage_error_too() -> None:
    from contracts import UsageError
    from contracts.mock import FakeIntercom

    fake = FakeIntercom()
    with pytest.raises(UsageError, match=r"'9\.9' is not documented"):
        fake.configure(default_version="9.9")
    assert fake.settings.default_version is None  # the settings in force are kept


@pytest.mark.parametrize("version", PUBLISHED)
def test_an_admin_without_an_app_is_what_every_description_allows(version: str) -> None:
    with IntercomMock.from_settings() as mock:
        me = httpx.get("https://api.intercom.io/me", headers={**HEADERS, "Intercom-Version": version}).json()
    assert mock.breaches == []
    CONTRACTS.contract(version).validate_admin({**me, "app": None})  # GET /me's `app` is nullable in every version


@pytest.mark.parametrize("version", ["Preview", "Unstable", "2.16", "2.7", "9.99"])
def test_one_description_judging_every_version_still_serves_every_value_intercom_serves(version: str) -> None:
    # Intercom serves Preview and its old name Unstable whatever description a test picks to judge the bodies.
    headers = {**HEADERS, "Intercom-Version": version}
    with IntercomMock.from_settings(spec="official:2.16") as mock:
        answer = httpx.post("https://api.intercom.io/messages", json=EMAIL, headers=headers)
    if version == "9.99":
        assert answer.status_code == 400
        assert [e["code"] for e in answer.json()["errors"]] == ["intercom_version_invalid"]
        assert mock.breaches != []
    else:
        assert answer.status_code == 200, answer.text
        assert mock.breaches == []
