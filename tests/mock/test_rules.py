"""Rules around the model: forced answers queued on the fake (fixture and loopback server alike), named faults as
data, and the exchange kept and told being the answer that was sent."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from contracts.errors import UsageError
from contracts.mock import (
    DEFAULT_ADMIN_ID,
    DEFAULT_CONTACT_ID,
    DEFAULT_TOKENS,
    FAULTS,
    Exchange,
    FakeIntercom,
    FakeRequest,
    FakeResponse,
    FakeSettings,
    IntercomMock,
    MockServer,
)
from contracts.mock._faults import FAULT_RULES
from contracts.mock._rules import MAX_DELAY, Rule, forced_answer

TOKEN = {"authorization": f"Bearer {DEFAULT_TOKENS['us']}"}
EMAIL = {
    "message_type": "email",
    "subject": "Hi",
    "body": "Hello",
    "template": "plain",
    "created_at": 1_700_000_000,
    "from": {"type": "admin", "id": DEFAULT_ADMIN_ID},
    "to": {"type": "user", "id": DEFAULT_CONTACT_ID},
}


def _me() -> FakeRequest:
    return FakeRequest("us", "GET", "/me", dict(TOKEN))


def _post(payload: dict[str, object]) -> FakeRequest:
    return FakeRequest(
        "us", "POST", "/messages", {**TOKEN, "content-type": "application/json"}, json.dumps(payload).encode()
    )


def test_a_queued_429_over_real_http_is_answered_once_then_normal_answers_resume() -> None:
    told: list[Exchange] = []
    with MockServer(FakeIntercom(clock=lambda: 1_800_000_003.0)) as server, httpx.Client() as client:
        server.fake.listeners.append(told.append)
        server.rate_limit_next()
        answers = [client.get(server.base_urls["us"] + "/me", headers=TOKEN) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [429, 200, 200]
    assert answers[0].json()["errors"][0]["code"] == "rate_limit_exceeded"
    assert answers[0].headers["Retry-After"] == "1"
    assert answers[0].headers["X-RateLimit-Remaining"] == "0"
    assert [exchange.response.status for exchange in told] == [429, 200, 200]  # the listeners heard what was sent
    assert [exchange.response.status for exchange in server.fake.exchanges] == [429, 200, 200]


def test_a_forced_error_on_the_loopback_server_answers_the_matching_request_only() -> None:
    with MockServer() as server, httpx.Client() as client:
        server.respond_with(403, "api_plan_restricted", "Active subscription needed.", when=lambda r: r.path == "/me")
        me = client.get(server.base_urls["us"] + "/me", headers=TOKEN)
        sent = client.post(server.base_urls["us"] + "/messages", headers=TOKEN, json=EMAIL)
    assert (me.status_code, sent.status_code) == (403, 200)
    assert me.json() == {
        "type": "error.list",
        "request_id": me.headers["X-Request-Id"],
        "errors": [{"code": "api_plan_restricted", "message": "Active subscription needed."}],
    }


def test_a_slow_answer_on_the_loopback_server_fires_the_client_timeout_and_is_judged_all_the_same(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with MockServer() as server, httpx.Client(timeout=0.1) as client:
        server.slow_next(0.3)
        with pytest.raises(httpx.ReadTimeout):
            client.post(server.base_urls["us"] + "/messages", headers=TOKEN, json={"body": "no type"})
        assert client.get(server.base_urls["us"] + "/me", headers=TOKEN).status_code == 200  # answered at once
        time.sleep(0.4)  # the slow answer goes to a client that is gone
    given_up, me = server.fake.exchanges
    assert given_up.violation is not None
    assert "message_type" in given_up.violation.message
    assert me.response.status == 200
    assert "Traceback" not in capfd.readouterr().err


def test_the_first_matching_queued_rule_applies_and_is_spent() -> None:
    fake = FakeIntercom()
    fake.rules.add(forced_answer(404, times=2))
    fake.rules.add(forced_answer(403, times=1))
    statuses = [fake.handle(_me()).status for _ in range(4)]
    assert statuses == [404, 404, 403, 200]
    assert fake.rules.pending == ()


def test_queued_rules_are_spent_once_per_request_across_threads() -> None:
    fake = FakeIntercom()
    fake.rules.add(forced_answer(404, times=5))
    threads = [threading.Thread(target=lambda: [fake.handle(_me()) for _ in range(10)]) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(exchange.response.status for exchange in fake.exchanges) == [200] * 35 + [404] * 5


def test_a_request_transform_shows_the_model_another_request_and_the_exchange_keeps_the_one_sent() -> None:
    fake = FakeIntercom()
    fake.rules.add(Rule(before=lambda request: replace(request, path="/me")))
    exchange = fake.handle_exchange(FakeRequest("us", "GET", "/no-such-path", dict(TOKEN)))
    assert exchange.request.path == "/no-such-path"
    assert (exchange.response.status, exchange.operation) == (200, "identifyAdmin")


def test_an_answer_transform_sees_the_model_s_exchange() -> None:
    seen: list[Exchange] = []

    def teapot(exchange: Exchange) -> FakeResponse:
        seen.append(exchange)
        return replace(exchange.response, status=418)

    fake = FakeIntercom()
    fake.rules.add(Rule(when=lambda request: request.method == "POST", after=teapot, times=1))
    first, second = fake.handle_exchange(_post({"body": "no type"})), fake.handle_exchange(_post(EMAIL))
    assert (seen[0].response.status, seen[0].operation) == (400, "createMessage")
    assert first.response.status == 418
    assert first.violation is not None
    assert second.response.status == 200


def test_the_allowance_found_spent_is_the_rate_limit_model_s_429_and_the_window_s_count_is_kept() -> None:
    fake = FakeIntercom(settings=FakeSettings(rate_limit=5), clock=lambda: 1_800_000_003.0)
    fake.rules.add(Rule(spent=True, times=1))
    limited, after = fake.handle(_me()), fake.handle(_me())
    assert (limited.status, limited.headers["X-RateLimit-Remaining"]) == (429, "0")
    assert (after.status, after.headers["X-RateLimit-Remaining"]) == (200, "3")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"times": 0}, "times must be at least 1"),
        ({"delay": MAX_DELAY + 1}, "a delay is between 0 and 60 seconds"),
        ({"delay": -1.0}, "a delay is between 0 and 60 seconds"),
    ],
)
def test_a_rule_out_of_bounds_is_a_usage_error(settings: dict[str, float], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Rule(**settings)  # type: ignore[arg-type]


def test_a_forced_answer_must_be_documented() -> None:
    with pytest.raises(UsageError, match="status 418 is not a documented answer"):
        forced_answer(418)
    with pytest.raises(UsageError, match="code 'nope' is not documented for 404"):
        IntercomMock().respond_with(404, "nope")


def test_every_named_fault_is_a_rule_and_the_model_s_domain_code_names_none() -> None:
    assert set(FAULT_RULES) == set(FAULTS)
    source = (Path(__file__).parents[2] / "contracts" / "mock" / "_model.py").read_text()
    named = [name for name in FAULTS if re.search(rf"\b{re.escape(name)}\b", source)]
    assert named == []


def test_a_fault_that_ignores_the_created_at_sent_keeps_the_request_as_sent() -> None:
    fake = FakeIntercom(settings=FakeSettings(faults=frozenset({"created-at-ignored"})), clock=lambda: 1_800_000_003.0)
    exchange = fake.handle_exchange(_post(EMAIL))
    assert json.loads(exchange.request.body)["created_at"] == 1_700_000_000
    assert exchange.response.body["created_at"] == 1_800_000_003  # the fake's own clock


def test_faults_compose_with_a_forced_answer_outside_them() -> None:
    fake = FakeIntercom(settings=FakeSettings(faults=frozenset({"error-without-type", "no-rate-limit-headers"})))
    fake.rules.add(forced_answer(404, "not_found", "User Not Found", times=1))
    forced, refused = fake.handle(_post(EMAIL)), fake.handle(FakeRequest("us", "GET", "/me", {}))
    assert forced.body["type"] == "error.list"  # the forced answer is made after the faults: its envelope is whole
    assert "X-RateLimit-Limit" not in forced.headers
    assert "type" not in refused.body


def _recorded_sandbox(tmp_path: Path) -> Path:
    from contracts.live import HttpExchange
    from contracts.recordings._har import HarWriter, entry_of

    recorded = HttpExchange(
        region="us",
        version="2.11",
        method="POST",
        url="https://api.intercom.io/messages",
        request_headers={"Authorization": "Bearer sandbox", "Intercom-Version": "2.11"},
        request_body=json.dumps(EMAIL).encode(),
        status=200,
        headers={"content-type": "application/json", "x-request-id": "from-the-sandbox"},
        content=b'{"type":"user_message","id":"recorded-7","body":"Hello"}',
        path="/messages",
    )
    writer = HarWriter(tmp_path / "sandbox.har", run={})
    writer.add([entry_of(recorded, meta={"judged": True, "intent": "valid"})])
    writer.write(state="complete")
    return tmp_path / "sandbox.har"


def test_a_recorded_answer_is_the_exchange_told_and_a_forced_answer_comes_before_it(tmp_path: Path) -> None:
    told: list[Exchange] = []
    headers = {"Authorization": "Bearer t", "Intercom-Version": "2.11"}
    with IntercomMock.from_settings(replay=_recorded_sandbox(tmp_path)) as mock:
        mock.fake.listeners.append(told.append)
        mock.respond_next_with(404, "not_found")
        forced = httpx.post("https://api.intercom.io/messages", json=EMAIL, headers=headers)
        replayed = httpx.post("https://api.intercom.io/messages", json=EMAIL, headers=headers)
    assert forced.status_code == 404
    assert replayed.content == b'{"type":"user_message","id":"recorded-7","body":"Hello"}'  # the bytes recorded
    assert [e.response.status for e in told] == [404, 200]
    assert told[1].response.body["id"] == "recorded-7"  # the listeners heard the answer sent
    assert told[1] is mock.requests[1]
    assert mock.recorded is not None
    assert mock.recorded.served == 1  # the forced answer took no recorded one
