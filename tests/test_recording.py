"""Recordings: the HAR format (valid, redacted, atomic), the recorder, judging again, replaying, seeding the mock.

Unit tests build exchanges by hand; the round trips record real runs over loopback (tests/test_recording_runs.py).
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from haralyzer import HarEntry as HaralyzerEntry
from haralyzer import HarParser

from contracts._redaction import secret_forms
from contracts.checks import Intent, Judge
from contracts.cli import main
from contracts.errors import UsageError
from contracts.live import HttpExchange
from contracts.mock import (
    DEFAULT_ADMIN_ID,
    DEFAULT_CONTACT_ID,
    DEFAULT_TOKENS,
    FakeIntercom,
    FakeSettings,
    IntercomMock,
    MockServer,
)
from contracts.recordings._har import HarWriter, Recording, entry_of, read_recording, validate_har
from contracts.recordings._recording import Recorder, exchange_of, judged_as, rejudging
from contracts.run._replay import compare, mock_target, replay
from contracts.spec import CREATE_MESSAGE, Contracts, Rejection

from .conftest import token_forms

TOKEN = "dG9rOnNlY3JldC10b2tlbi1mb3ItdGVzdHM9PQ"  # planted: must never reach a file
MESSAGE = {
    "type": "user_message",
    "id": "2001",
    "created_at": 1734537243,
    "body": "Hello",
    "message_type": "inapp",
    "conversation_id": "3001",
}
SENT = {
    "message_type": "in_app",
    "body": "Hello",
    "from": {"type": "admin", "id": DEFAULT_ADMIN_ID},
    "to": {"type": "user", "id": DEFAULT_CONTACT_ID},
}


def exchange(
    *,
    method: str = "POST",
    path: str = "/messages",
    payload: Any = SENT,
    status: int = 200,
    answer: Any = MESSAGE,
    region: str = "us",
    version: str | None = "2.11",
    token: str | None = TOKEN,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> HttpExchange:
    request_headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if token is not None:
        request_headers["Authorization"] = f"Bearer {token}"
    if version is not None:
        request_headers["Intercom-Version"] = version
    body = None if payload is None else json.dumps(payload).encode()
    return HttpExchange(
        region=region,
        version=version,
        method=method,
        url=f"https://api.intercom.io{path}",
        request_headers=request_headers,
        request_body=body,
        status=status,
        headers={
            "content-type": "application/json; charset=utf-8",
            "x-request-id": "abc",
            "x-ratelimit-limit": "1000",
            "x-ratelimit-remaining": "999",
            "x-ratelimit-reset": "1734537300",
            **(headers or {}),
        },
        content=content if content is not None else json.dumps(answer).encode(),
        path=path,
        started=time.time(),
        elapsed=0.0125,
    )


def read_recording_of(entries: list[dict[str, Any]], directory: Path) -> Recording:
    return read_recording(write_har(directory / "r.har", entries))


def write_har(path: Path, entries: list[dict[str, Any]], *, state: str = "complete") -> Path:
    writer = HarWriter(
        path,
        run={"target": "live", "started": "2026-11-26T10:00:00Z"},
        parties={"admin_id": DEFAULT_ADMIN_ID, "contact_id": DEFAULT_CONTACT_ID},
        secrets=[TOKEN],
    )
    writer.add(entries)
    writer.write(state=state)
    return path


def judged_entry(sent: HttpExchange, intent: Intent = Intent.VALID, *, checks: tuple[str, ...] = ()) -> dict[str, Any]:
    """The entry the recorder makes of an exchange a test judged under 2.11 with `checks`."""
    recorder = Recorder(secrets=[TOKEN])
    recorder.listen(sent)
    judge = Judge(Contracts().contract("2.11"), sent.region, checks or ("message_echoes_request",), version="2.11")
    with contextlib.suppress(AssertionError):
        judge(sent, intent)
    (entry,) = recorder.drain(test="test_x.py::test_y[us-2.11]", judge=judge)
    return entry


# -- the file ---------------------------------------------------------------------------------------------------
def test_an_entry_reads_back_as_the_exchange_it_was(tmp_path: Path) -> None:
    binary = bytes(range(256))  # not UTF-8: stored in base64
    sent = exchange(content=binary, headers={"content-type": "application/octet-stream"})
    recording = read_recording(write_har(tmp_path / "r.har", [entry_of(sent, meta={})]))
    (entry,) = recording.entries
    back = exchange_of(entry)
    assert (back.method, back.url, back.path, back.region, back.version) == (
        "POST",
        sent.url,
        "/messages",
        "us",
        "2.11",
    )
    assert (back.status, back.content, back.request_body) == (200, binary, sent.request_body)
    assert back.headers == sent.headers
    assert back.request_headers["Authorization"] == "[redacted]"
    assert abs(back.started - sent.started) < 0.002
    assert back.elapsed == pytest.approx(0.0125)
    assert recording.complete is True
    assert recording.parties["contact_id"] == DEFAULT_CONTACT_ID


def test_the_file_is_har_1_2_by_schema_and_by_a_har_reader(tmp_path: Path) -> None:
    entries = [entry_of(exchange(), meta={}), entry_of(exchange(method="GET", path="/me?x=1", payload=None), meta={})]
    path = write_har(tmp_path / "r.har", entries)
    document = json.loads(path.read_text())
    assert validate_har(document) is None
    parser = HarParser(document)  # haralyzer, from PyPI
    assert parser.creator["name"] == "intercom-contracts"
    read = [HaralyzerEntry(raw) for raw in parser.har_data["entries"]]
    assert [(e.request.method, e.response.status) for e in read] == [("POST", 200), ("GET", 200)]
    assert read[1].request.queryString == [{"name": "x", "value": "1"}]
    assert json.loads(read[0].response.text) == MESSAGE
    assert read[0].response.mimeType.startswith("application/json")
    assert read[0].startTime is not None


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({}, "the document: 'log' is a required property"),
        ({"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}}}, "log: 'entries'"),
        ({"log": {"version": "1.2", "creator": {"name": "x", "version": "1"}, "entries": [{}]}}, "log.entries[0]"),
    ],
)
def test_what_is_not_har_is_named_where(document: Any, where: str) -> None:
    problem = validate_har(document)
    assert problem is not None
    assert problem.startswith(where)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"{not json", "not a HAR file (it is not JSON)"),
        (b'{"log": {}}', "not a HAR 1.2 file: log: 'version' is a required property"),
    ],
)
def test_a_bad_recording_is_one_line_naming_the_file(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "bad.har"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError) as raised:
        read_recording(path)
    assert str(path) in str(raised.value)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_planted_token_is_in_no_form_in_the_file(tmp_path: Path) -> None:
    """Authorization, the URL, both bodies (JSON-escaped, base64 inside Basic, hex, binary), echoed headers."""
    basic = base64.b64encode(f"user:{TOKEN}".encode()).decode()
    leaky = exchange(
        path=f"/messages?token={TOKEN}",
        payload={**SENT, "body": f"token {TOKEN} and {TOKEN.encode().hex()}"},
        answer={"echo": f"Bearer {TOKEN}", "basic": basic, "escaped": json.dumps(TOKEN)},
        headers={"x-echo": TOKEN, "set-cookie": "session=abc"},
    )
    leaky.request_headers["Proxy-Authorization"] = f"Basic {basic}"
    binary = exchange(content=b"\xff\xfe" + TOKEN.encode() + b"\x00", headers={"content-type": "application/x"})
    path = write_har(
        tmp_path / "r.har", [entry_of(leaky, meta={}, secrets=[TOKEN]), entry_of(binary, meta={}, secrets=[TOKEN])]
    )
    data = path.read_bytes()
    for form in (*token_forms(TOKEN), *secret_forms(TOKEN)):
        assert form.encode() not in data, form
    for raw in json.loads(data)["log"]["entries"]:  # the base64 body, decoded, holds no token either
        content = raw["response"]["content"]
        if content.get("encoding") == "base64":
            assert TOKEN.encode() not in base64.b64decode(content["text"])
    headers = {h["name"].lower(): h["value"] for h in json.loads(data)["log"]["entries"][0]["response"]["headers"]}
    assert headers["set-cookie"] == "[redacted]"


def test_the_writer_replaces_the_file_whole_and_says_whether_the_run_completed(tmp_path: Path) -> None:
    path = tmp_path / "r.har"
    writer = HarWriter(path, run={}, interval=0.05)
    writer.start()
    assert json.loads(path.read_text())["log"]["_intercom"]["state"] == "running"
    writer.add([entry_of(exchange(), meta={})])
    deadline = time.monotonic() + 10
    while not json.loads(path.read_text())["log"]["entries"] and time.monotonic() < deadline:
        time.sleep(0.02)  # written in the background, without another add or a finish
    assert len(json.loads(path.read_text())["log"]["entries"]) == 1
    writer.finish(state="cut")
    log = json.loads(path.read_text())["log"]
    assert log["_intercom"]["complete"] is False
    assert "cut" in log["comment"]
    assert read_recording(path).complete is False
    assert [p.name for p in tmp_path.iterdir()] == ["r.har"]  # no temporary file left behind


# -- the recorder -----------------------------------------------------------------------------------------------
def test_the_recorder_keeps_the_judgement_and_skips_what_was_not_sent() -> None:
    recorder = Recorder(secrets=[TOKEN])
    judged, unjudged = exchange(), exchange(method="GET", path="/me", payload=None)
    repeat = exchange()
    repeat.replayed = True  # answered from the client's record: never on the wire
    for sent in (judged, unjudged, repeat):
        recorder.listen(sent)
    judge = Judge(Contracts().contract("2.11"), "us", ("message_schema", "message_echoes_request"), version="2.11")
    judge(judged, Intent.VALID)
    entries = recorder.drain(test="t.py::test_x", judge=judge, label="[createMessage]")
    assert len(entries) == 2
    assert recorder.drain(test="t.py::test_x") == []
    first, second = (entry["_intercom"] for entry in entries)
    assert first["judged"]
    assert first["intent"] == "valid"
    assert first["operation"] == CREATE_MESSAGE
    assert first["verdicts"] == {"message_schema": "passed", "message_echoes_request": "passed"}
    assert first["label"] == "[createMessage]"
    assert first["tested_version"] == "2.11"
    assert second["judged"] is False
    assert "verdicts" not in second
    assert TOKEN not in json.dumps(entries)


# -- judging again ----------------------------------------------------------------------------------------------
def test_recorded_tests_are_judged_again_with_their_intent_and_checks(tmp_path: Path) -> None:
    invalid = exchange(payload={**SENT, "body": ""}, status=422, answer={"type": "error.list", "errors": []})
    entries = [
        judged_entry(exchange()),
        judged_entry(invalid, Intent.INVALID, checks=("invalid_request_rejected",)),
    ]
    entries[1]["_intercom"]["expected"] = {"rule": "blank", "path": "$.body", "status": 422, "code": None}
    entries[1]["_intercom"]["test"] = "test_x.py::test_z[us-2.11]"
    recording = read_recording(write_har(tmp_path / "r.har", entries))
    valid_test, invalid_test = rejudging(recording, (), default="2.11")
    assert (valid_test.version, valid_test.region, valid_test.checks) == ("2.11", "us", ("message_echoes_request",))
    (recorded,) = invalid_test.exchanges
    assert recorded.intent is Intent.INVALID
    assert recorded.expected == Rejection("blank", "$.body", 422, None)
    assert [item.version for item in rejudging(recording, ("2.14", "2.15"), default="2.11")] == [
        "2.14",
        "2.15",
        "2.14",
        "2.15",
    ]


def test_verdicts_follow_the_contract_of_the_version_judging(tmp_path: Path) -> None:
    """`to` as an array: valid from 2.14, refused by 2.11. Answered 200, it passes 2.14 and fails 2.11."""
    to_many = exchange(payload={**SENT, "to": [{"type": "user", "id": DEFAULT_CONTACT_ID}]}, version="2.14")
    entry = entry_of(
        to_many,
        meta={
            "judged": True,
            "intent": "valid",
            "operation": CREATE_MESSAGE,
            "checks": ["message_echoes_request"],
            "test": "t",
            "tested_version": "2.14",
        },
    )
    recording = read_recording_of([entry], tmp_path)
    (item,) = rejudging(recording, ("2.11",), default="2.11")
    contracts = Contracts()
    under_2_11 = item.under(contracts.contract("2.11")).exchanges[0]
    under_2_14 = item.under(contracts.contract("2.14")).exchanges[0]
    assert under_2_14.intent is Intent.VALID
    assert under_2_14.checks == ("message_echoes_request",)
    assert under_2_11.intent is Intent.INVALID
    assert under_2_11.checks == ("invalid_request_rejected",)
    judge = Judge(contracts.contract("2.11"), "us", under_2_11.checks)
    with pytest.raises(AssertionError, match="was accepted"):
        judge(under_2_11.exchange, under_2_11.intent, expected=under_2_11.expected, operation=CREATE_MESSAGE)
    back = judged_as(under_2_11, contracts.contract("2.14"))  # and the other way round
    assert back.intent is Intent.VALID
    assert back.checks == ("message_echoes_request",)


def test_another_tools_recording_is_judged_by_its_answers_alone(tmp_path: Path) -> None:
    foreign = entry_of(exchange(answer={**MESSAGE, "id": 7}), meta={})
    foreign.pop("_intercom")
    elsewhere = json.loads(json.dumps(foreign))
    elsewhere["request"]["url"] = "https://example.com/messages"
    document = {
        "log": {"version": "1.2", "creator": {"name": "browser", "version": "1"}, "entries": [foreign, elsewhere]}
    }
    path = tmp_path / "browser.har"
    path.write_text(json.dumps(document))
    recording = read_recording(path)
    assert recording.complete is None
    assert recording.elsewhere == 1
    assert len(recording.entries) == 1
    (item,) = rejudging(recording, (), default="2.11")
    (recorded,) = item.exchanges
    assert recorded.intent is Intent.RECORDED
    assert "message_schema" in item.checks
    judge = Judge(Contracts().contract("2.11"), "us", item.checks)
    with pytest.raises(AssertionError, match=r"\[message_schema\]"):  # the id is an integer, not a string
        judge(recorded.exchange, recorded.intent, checks=recorded.checks)


# -- replaying --------------------------------------------------------------------------------------------------
def test_compare_names_each_difference_a_client_relies_on() -> None:
    recorded = exchange()
    refused = exchange(
        status=422,
        answer={"type": "error.list", "errors": [{"code": "parameter_invalid"}]},
        headers={"x-request-id": ""},
    )
    del refused.headers["x-ratelimit-limit"]
    aspects = {difference.aspect: difference for difference in compare(recorded, refused)}
    assert set(aspects) == {"status", "error codes", "schema branch", "echoed body", "header x-ratelimit-limit"}
    assert str(aspects["status"]) == "status: recorded 200, replayed 422"
    assert str(aspects["echoed body"]) == "echoed body: recorded Hello, replayed absent"
    assert compare(recorded, exchange(answer={**MESSAGE, "id": "other", "created_at": 1})) == []  # ids differ by nature


def test_replaying_against_the_fake_reports_only_what_differs(tmp_path: Path) -> None:
    healthy = [judged_entry(exchange(token=DEFAULT_TOKENS["us"]))]
    unauthorized = entry_of(
        exchange(
            method="GET",
            path="/me",
            payload=None,
            token=None,
            status=401,
            answer={"type": "error.list", "errors": [{"code": "unauthorized"}]},
            headers={"x-ratelimit-limit": "", "x-ratelimit-remaining": ""},
        ),
        meta={"judged": True, "intent": "no-token", "test": "t"},
    )
    for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"):
        unauthorized["response"]["headers"] = [h for h in unauthorized["response"]["headers"] if h["name"] != name]
    wrong = judged_entry(exchange(answer={**MESSAGE, "body": "Hello -- sent by a bot"}))
    report = replay(read_recording_of([*healthy, unauthorized, wrong], tmp_path), mock_target())
    assert [len(item.differences) for item in report.items] == [0, 0, 1]
    (difference,) = report.items[2].differences
    assert (difference.aspect, difference.recorded, difference.replayed) == (
        "echoed body",
        "Hello -- sent by a bot",
        "Hello",
    )
    assert "1 differ" in report.summary()
    assert json.loads(report.to_json())["exchanges"][2]["differences"]


# -- intercom_mock(replay=...) -----------------------------------------------------------------------------------
def test_the_mock_serves_recorded_answers_and_the_model_the_rest(tmp_path: Path) -> None:
    recorded = {**MESSAGE, "id": "recorded-4242"}
    sent = exchange(answer=recorded)
    recording = read_recording_of([judged_entry(sent)], tmp_path)
    with IntercomMock(replay=recording) as mock:
        post = httpx.post(
            "https://api.intercom.io/messages",
            json={**SENT, "undeclared": "ignored when matching"},
            headers={"Authorization": f"Bearer {DEFAULT_TOKENS['us']}", "Intercom-Version": "2.11"},
        )
        other = httpx.post(
            "https://api.intercom.io/messages",
            json={**SENT, "body": "Another"},
            headers={"Authorization": f"Bearer {DEFAULT_TOKENS['us']}", "Intercom-Version": "2.11"},
        )
        refused = httpx.post(
            "https://api.intercom.io/messages", json=SENT, headers={"Authorization": "Bearer wrong-token"}
        )
    assert post.json()["id"] == "recorded-4242"
    assert post.headers["x-request-id"] == "abc"
    assert other.status_code == 200
    assert other.json()["id"] != "recorded-4242"
    assert refused.status_code == 401  # the recording was made with a credential: the model answers this one
    assert mock.recorded is not None
    assert mock.recorded.served == 1
    assert mock.messages[0]["id"] == "recorded-4242"  # what the code under test received
    assert [e.response.status for e in mock.breaches] == [401]  # the wrong token: judged by the model as ever


# -- replaying against a server: every live safety rule -------------------------------------------------------
def test_a_live_replay_sends_only_reads_and_budgeted_messages_between_the_pinned_parties(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "live-" + "7" * 24
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_US", token)
    monkeypatch.setenv("INTERCOM_ADMIN_ID", str(DEFAULT_ADMIN_ID))
    monkeypatch.setenv("INTERCOM_CONTACT_ID", DEFAULT_CONTACT_ID)
    stranger = {**SENT, "to": {"type": "user", "id": "someone-else"}}
    recorded = [
        exchange(method="GET", path="/me", payload=None, answer={"type": "admin"}),
        *(exchange(payload={**SENT, "body": f"Hello {n}"}) for n in range(3)),
        exchange(payload=stranger),
        exchange(method="PUT", path="/contacts/1", payload={"name": "x"}),
        exchange(method="DELETE", path="/contacts/1", payload=None),
        exchange(method="POST", path="/contacts/search", payload={"query": {}}),
    ]
    path = write_har(tmp_path / "r.har", [entry_of(e, meta={}) for e in recorded])
    fake = FakeIntercom(settings=FakeSettings(tokens={"us": token}))
    with MockServer(fake) as server:
        status = main(
            ["replay", str(path), "--against", f"us={server.base_urls['us']}", "--intercom-max-live-messages", "2"]
        )
    output = capsys.readouterr().out
    sent = [(e.request.method, e.request.path) for e in fake.exchanges]
    assert sent == [("GET", "/me"), ("POST", "/messages"), ("POST", "/messages")]
    assert "the live message budget (--intercom-max-live-messages 2) is spent" in output
    assert f"not sent: a live message goes only to --intercom-contact-id {DEFAULT_CONTACT_ID}" in output
    assert output.count("a live replay sends only GET and POST /messages") == 3
    assert "replayed 3 of 8 recorded exchanges" in output
    assert status == 1  # the fake's answers differ from the hand-made recording (ids aside: the admin)
    assert token not in output


def test_the_replay_command_speaks_json_and_refuses_bad_targets_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_har(tmp_path / "r.har", [judged_entry(exchange(token=DEFAULT_TOKENS["us"]))])
    assert main(["replay", str(path), "--against", "mock", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["exchanges"][0]["differences"] == []
    for against, message in (
        ("http://example.com", "plain http:// is refused for example.com"),
        ("xx=https://example.com", "expected REGION=URL"),
    ):
        assert main(["replay", str(path), "--against", against]) == 2
        error = capsys.readouterr().err
        assert message in error
        assert error.count("\n") == 1
    assert main(["replay", str(tmp_path / "missing.har"), "--against", "mock"]) == 2
    assert "no such file" in capsys.readouterr().err


# -- hostile recordings: one line, never a traceback ------------------------------------------------------------
def _spoiled(tmp_path: Path, spoil: Any) -> Path:
    """A good recording, then `spoil(document)` applied to it."""
    document = json.loads(write_har(tmp_path / "good.har", [judged_entry(exchange())]).read_text())
    spoil(document)
    path = tmp_path / "spoiled.har"
    path.write_text(json.dumps(document))
    return path


def _meta(document: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = document["log"]["entries"][0]["_intercom"]
    return meta


@pytest.mark.parametrize(
    ("spoil", "where"),
    [
        (lambda d: _meta(d).update(expected={"rule": "x", "path": "$", "oops": 1}), "expected"),
        (lambda d: _meta(d).update(checks=[[1]]), "checks"),
        (lambda d: _meta(d).update(operation=["createMessage"]), "operation"),
        (lambda d: _meta(d).update(intent=["valid"]), "intent"),
        (lambda d: _meta(d).update(path="8332/elsewhere"), "path"),
        (lambda d: _meta(d).update(path="/messages\x00x"), "path"),
        (lambda d: d["log"]["_intercom"].update(run=["not", "a", "dict"]), "run"),
        (lambda d: d["log"]["_intercom"]["parties"].update(admin_id="abc"), "admin_id"),
        (lambda d: d["log"]["entries"][0]["request"].update(url="http://[::1"), "entry 1"),
        (lambda d: d["log"]["entries"][0]["request"].update(method="GET /x"), "method"),
        (lambda d: d["log"]["entries"][0]["response"]["headers"].append({"name": "X", "value": "a\r\nb"}), "headers"),
        (lambda d: d["log"]["entries"][0]["response"]["content"].update(text="@@", encoding="base64"), "entry 1"),
    ],
)
def test_a_hostile_recording_is_one_line_naming_what_and_where(tmp_path: Path, spoil: Any, where: str) -> None:
    path = _spoiled(tmp_path, spoil)
    with pytest.raises(UsageError) as raised:
        read_recording(path)
    message = str(raised.value)
    assert message.startswith(str(path))
    assert where in message
    assert "\n" not in message


def test_what_is_not_a_regular_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.har"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    with pytest.raises(UsageError, match="not a regular file"):
        read_recording(fifo)


def test_a_token_hidden_in_decodable_forms_never_reaches_the_file(tmp_path: Path) -> None:
    from contracts._redaction import holds_secret

    escaped = "".join(f"\\u{ord(c):04x}" for c in TOKEN)
    leaky = exchange(
        content=('{"type": "error.list", "errors": [{"code": "x", "message": "' + escaped + '"}]}').encode(),
        headers={"x-echo": "".join(f"%{ord(c):02x}" for c in TOKEN)},
        status=401,
    )
    utf16 = exchange(content=json.dumps({"echo": TOKEN}).encode("utf-16"))
    path = write_har(tmp_path / "r.har", [entry_of(e, meta={}, secrets=[TOKEN]) for e in (leaky, utf16)])
    data = path.read_bytes()
    assert not holds_secret(data, [TOKEN])
    (first, _) = read_recording(path).entries
    assert json.loads(first.content)["type"] == "error.list"  # re-serialised without the token, still the answer


def test_a_replay_sends_no_recorded_header_but_the_content_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "live-" + "8" * 24
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_US", token)
    sent = exchange(method="GET", path="/me", payload=None, answer={"type": "admin"})
    sent.request_headers.update({"X-HTTP-Method-Override": "DELETE", "X-Custom": "recorded", "Cookie": "s=1"})
    path = write_har(tmp_path / "r.har", [entry_of(sent, meta={})])
    fake = FakeIntercom(settings=FakeSettings(tokens={"us": token}))
    with MockServer(fake) as server:
        main(["replay", str(path), "--against", f"us={server.base_urls['us']}"])
    capsys.readouterr()
    (received,) = fake.exchanges
    assert not {"x-http-method-override", "x-custom", "cookie"} & set(received.request.headers)
    assert received.request.headers["authorization"] == f"Bearer {token}"  # the environment's, not the recording's
