"""The loopback fake's control endpoints under /__intercom/: exchanges, breaches, reset, records, faults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from contracts.mock import DEFAULT_CONTACT_ID, DEFAULT_TOKENS
from contracts.run._service import ServiceSettings, service_server


@pytest.fixture
def served() -> Iterator[tuple[Any, httpx.Client, httpx.Client]]:
    with service_server(ServiceSettings(tokens=dict(DEFAULT_TOKENS), contact_id="c-42")) as server:
        root = server.base_urls["us"].rsplit("/", 1)[0]
        headers = {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}"}
        with (
            httpx.Client(base_url=server.base_urls["us"], headers=headers) as api,
            httpx.Client(base_url=root) as control,
        ):
            yield server, api, control


def test_reset_leaves_the_seed_records_only(served: tuple[Any, httpx.Client, httpx.Client]) -> None:
    _, api, control = served
    made = api.post("/contacts", json={"email": "ada@example.com"}).json()
    assert api.get(f"/contacts/{made['id']}").status_code == 200
    assert control.post("/__intercom/reset").json() == {"reset": True}
    assert api.get(f"/contacts/{made['id']}").status_code == 404
    assert {c["id"] for c in api.get("/contacts").json()["data"]} == {DEFAULT_CONTACT_ID, "c-42"}
    assert control.get("/__intercom/exchanges").json()[-1]["path"] == "/contacts"  # only what came after the reset
    assert len(control.get("/__intercom/exchanges").json()) == 2


def test_a_queued_429_is_answered_once(served: tuple[Any, httpx.Client, httpx.Client]) -> None:
    _, api, control = served
    queued = control.post("/__intercom/faults", json={"fault": "rate_limit_next", "retry_after": 3})
    assert queued.json() == {"queued": "rate_limit_next"}
    first, second = api.get("/contacts"), api.get("/contacts")
    assert (first.status_code, first.headers["Retry-After"], second.status_code) == (429, "3", 200)


def test_a_queued_error_and_a_refused_fault(served: tuple[Any, httpx.Client, httpx.Client]) -> None:
    _, api, control = served
    control.post("/__intercom/faults", json={"fault": "fail_next", "status": 404, "code": "not_found"})
    assert api.get("/me").json()["errors"][0]["code"] == "not_found"
    assert api.get("/me").status_code == 200
    undocumented = control.post("/__intercom/faults", json={"fault": "fail_next", "status": 503})
    assert (undocumented.status_code, "not a documented answer" in undocumented.text) == (400, True)
    refused = control.post("/__intercom/faults", json={"fault": "explode"})
    assert refused.status_code == 400
    assert 'unknown fault "explode"' in refused.json()["errors"][0]["message"]
    assert control.get("/__intercom/nothing").status_code == 404


def test_exchanges_and_breaches_are_listed_without_the_token(served: tuple[Any, httpx.Client, httpx.Client]) -> None:
    _, api, control = served
    added = control.post("/__intercom/records/contact", json={"email": "seeded@example.com"}).json()
    assert api.get(f"/contacts/{added['id']}").json()["email"] == "seeded@example.com"
    api.post("/messages", json={"message_type": "inapp", "body": "hi"})
    listed = control.get("/__intercom/exchanges").json()
    assert [(e["method"], e["path"], e["status"], e["breach"] is None) for e in listed] == [
        ("GET", f"/contacts/{added['id']}", 200, True),
        ("POST", "/messages", 400, False),
    ]
    breaches = control.get("/__intercom/breaches").json()
    assert breaches["breaches"][0]["breach"]["received"] == '{"body": "hi", "message_type": "in_app"}'
    assert breaches["report"].startswith("1 request(s) broke the Intercom contract")
    assert DEFAULT_TOKENS["us"] not in control.get("/__intercom/exchanges").text + str(breaches)


def test_the_control_endpoints_are_not_exchanges_with_intercom(served: tuple[Any, httpx.Client, httpx.Client]) -> None:
    server, _, control = served
    control.get("/__intercom/exchanges")
    assert server.ledger.kept() == []
