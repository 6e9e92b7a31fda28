"""Live safety: each promise of the README's safety model, against a hostile loopback server, with its bound asserted.

Most run the library's client against the server (milliseconds); a few run the suite with pytester where the
wiring is what is promised (logging options, xdist, exit codes).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import SpecError, load_spec
from contracts._redaction import REDACTED, redact
from contracts._transport import live_transport, proxy_for
from contracts.analysis import lint
from contracts.live import IntercomClient, LiveGuard, MessageBudget, NotSent, Pacing, TransportFailure
from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID

from .hostile import Answer, HostileServer, Recorder, json_answer, message, nested
from .loopback import FakeTime
from .wire import MisbehavingServer, self_signed_context

TOKEN = "tok-safety-" + os.urandom(8).hex()
SUITE = ("--pyargs", "contracts.suite", "-p", "no:cacheprovider", "--intercom-target", "live")
TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/="


def _client(
    url: str, *, guard: LiveGuard | None = None, budget: MessageBudget | None = None, **kw: object
) -> IntercomClient:
    return IntercomClient(
        region="us",
        base_url=url,
        token=TOKEN,
        version="2.11",
        transport=live_transport(url),
        guard=guard,
        budget=budget,
        **kw,  # type: ignore[arg-type]
    )


def _live_env(monkeypatch: pytest.MonkeyPatch, token: str = TOKEN) -> None:
    for name in list(os.environ):
        if name.startswith("INTERCOM_ACCESS_TOKEN"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_US", token)
    monkeypatch.setenv("INTERCOM_ADMIN_ID", str(DEFAULT_ADMIN_ID))
    monkeypatch.setenv("INTERCOM_CONTACT_ID", DEFAULT_CONTACT_ID)


# -- request storm ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "0"},
        {"Retry-After": "-5"},
        {"Retry-After": "nan"},
        {"Retry-After": "inf"},
        {"X-RateLimit-Reset": "1000", "X-RateLimit-Remaining": "0"},  # a reset long past: clock skew
        {},
    ],
    ids=["zero", "negative", "nan", "inf", "reset-in-the-past", "no-headers"],
)
def test_a_429_storm_is_bounded_in_requests_and_waits(headers: dict[str, str]) -> None:
    clock = FakeTime()
    pacing = Pacing(clock=clock.clock, sleep=clock.sleep)
    with HostileServer(
        lambda _: json_answer(429, {"type": "error.list", "errors": [{"code": "rate_limit_exceeded"}]}, **headers)
    ) as server:
        client = _client(server.url, pacing=pacing)
        for _ in range(5):
            assert client.request("GET", "/me").status == 429  # the 429 is the answer judged, in the end
    assert len(server.requests) <= 5 * (1 + pacing.max_retries)
    assert all(wait >= pacing.floor for wait in clock.slept), clock.slept  # never a wait of zero: no storm
    assert sum(clock.slept) <= pacing.max_wait


def test_the_waits_of_a_run_are_bounded_in_total_with_the_real_clock() -> None:
    pacing = Pacing(max_wait=1.5, floor=0.5)
    started = time.monotonic()
    with HostileServer(lambda _: json_answer(429, {}, **{"Retry-After": "0"})) as server:
        client = _client(server.url, pacing=pacing)
        for _ in range(4):
            client.request("GET", "/me")
    assert time.monotonic() - started < 4
    assert len(server.requests) <= 4 * (1 + pacing.max_retries)


# -- memory -------------------------------------------------------------------------------------------------------
MEMORY_PROBE = """
import sys
from contracts.live._client import IntercomClient, TransportFailure
from contracts._transport import live_transport
url = sys.argv[1]
client = IntercomClient(region="us", base_url=url, token="t", version="2.11", transport=live_transport(url))
for _ in range(3):
    try:
        client.request("GET", "/me")
        print("ANSWER")
    except TransportFailure as failure:
        print("FAILURE", failure.cause)
for line in open("/proc/self/status"):
    if line.startswith("VmHWM"):
        print("PEAK", int(line.split()[1]) // 1024)
"""


@pytest.mark.parametrize(
    ("encodings", "cause"),
    [
        (("gzip", "gzip"), "stacked content encodings"),
        (("deflate", "deflate"), "stacked content encodings"),
        (("gzip",), "larger than 8388608 bytes once decoded"),
    ],
)
def test_a_decompression_bomb_is_refused_within_bounded_memory(encodings: tuple[str, ...], cause: str) -> None:
    # 300 MB once decoded (a few hundred bytes stacked, 300 KB single): any unbounded decoding would show in the peak
    bomb = nested(encodings, 300_000_000)
    header = ", ".join(reversed(encodings))  # outermost last in Content-Encoding order
    answer = Answer(200, {"Content-Type": "application/json", "Content-Encoding": header}, bomb)
    with HostileServer(lambda _: answer) as server:
        probe = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, server.url], capture_output=True, text=True, timeout=120, check=True
        )
    lines = probe.stdout.splitlines()
    assert [line for line in lines if line.startswith("FAILURE")] == [f"FAILURE {line[8:]}" for line in lines[:3]]
    assert all(cause in line for line in lines[:3]), lines
    peak = int(next(line for line in lines if line.startswith("PEAK")).split()[1])
    assert peak < 150, f"peak RSS {peak} MB"


# -- time ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["drip_head", "drip_body"])
def test_an_answer_dripped_a_byte_at_a_time_ends_at_the_deadline(where: str) -> None:
    answer = json_answer(200, {"type": "admin", "padding": "x" * 200})
    setattr(answer, where, 0.05)  # each byte well within a per-read timeout: only a whole-answer deadline ends it
    started = time.monotonic()
    with HostileServer(lambda _: answer) as server, pytest.raises(TransportFailure) as raised:
        _client(server.url, timeout=1.0).request("GET", "/me")
    assert time.monotonic() - started < 3
    assert "took longer than 1.0s" in raised.value.cause
    assert "\n" not in str(raised.value)


# -- proxies and trust -------------------------------------------------------------------------------------------
def test_plain_http_loopback_is_never_proxied(monkeypatch: pytest.MonkeyPatch) -> None:
    with Recorder() as proxy, HostileServer(lambda _: json_answer(200, {})) as server:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY"):
            monkeypatch.setenv(name, proxy.url)
        for _ in range(5):
            _client(server.url).request("GET", "/me")
        assert len(server.requests) == 5
    assert proxy.received == b""
    assert proxy.connections == 0


def test_only_https_targets_take_a_proxy_and_only_from_https_or_all_proxy() -> None:
    env = {"HTTP_PROXY": "http://p:1", "HTTPS_PROXY": "http://secure:3128", "NO_PROXY": "internal.example"}
    assert proxy_for("https://api.intercom.io", env) == "http://secure:3128"
    assert proxy_for("http://127.0.0.1:8000/us", env) is None
    assert proxy_for("https://localhost:8443", env) is None
    assert proxy_for("https://api.internal.example", env) is None
    assert proxy_for("https://api.intercom.io", {"ALL_PROXY": "http://all:1"}) == "http://all:1"
    assert proxy_for("https://api.intercom.io", {"HTTP_PROXY": "http://p:1"}) is None


def test_through_a_proxy_the_token_stays_inside_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    with Recorder() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        with pytest.raises(TransportFailure):
            _client("https://api.intercom.io").request("GET", "/me")
    assert proxy.received.startswith(b"CONNECT api.intercom.io:443 HTTP/1.1")
    assert TOKEN.encode() not in proxy.received
    assert b"Authorization" not in proxy.received


def test_ssl_cert_file_does_not_change_what_is_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    context = self_signed_context(tmp_path)
    if context is None:
        pytest.skip("openssl is not available to make a self-signed certificate")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "cert.pem"))  # would make the self-signed one trusted
    with MisbehavingServer(tls_context=context) as tls, pytest.raises(TransportFailure) as raised:
        _client(tls.url("non-json")).request("GET", "/me")
    assert "CERTIFICATE_VERIFY_FAILED" in raised.value.cause


# -- tokens in logs and in encoded forms -------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(
    secret=st.text(TOKEN_ALPHABET, min_size=12, max_size=64),
    before=st.text(max_size=12),
    after=st.text(max_size=12),
)
def test_every_encoded_form_of_a_token_is_redacted(secret: str, before: str, after: str) -> None:
    raw = (before + secret + after).encode()
    forms = [
        before + secret + after,
        json.dumps(before + secret + after),
        quote(before + secret + after, safe=""),
        raw.hex(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
        "Basic " + base64.b64encode(f"user:{secret}".encode()).decode(),
    ]
    for form in forms:
        cleaned = redact(form, [secret])
        assert REDACTED in cleaned, form
        assert secret not in cleaned


HIDDEN = {  # the token as a reader could decode it, though no form of it appears as such
    "json-escapes": lambda token: "".join(f"\\u{ord(c):04x}" for c in token),
    "percent-lower": lambda token: "".join(f"%{ord(c):02x}" for c in token),
    "mixed-escapes": lambda token: json.dumps(token).replace("-", "\\u002d"),
    "mime-base64": lambda token: base64.encodebytes(("user:" + "x" * 50 + token).encode()).decode(),  # split
}


@pytest.mark.parametrize("shape", sorted(HIDDEN))
def test_a_token_in_any_decodable_form_is_found_and_scrubbed(shape: str) -> None:
    from contracts._redaction import REDACTED_WHOLE, holds_secret, scrub, scrub_lines

    hidden = HIDDEN[shape](TOKEN)

    assert TOKEN not in hidden
    assert holds_secret(f"echo: {hidden} end", [TOKEN])
    scrubbed = scrub(f"echo: {hidden} end", [TOKEN])
    assert not holds_secret(scrubbed, [TOKEN])
    assert scrubbed == REDACTED_WHOLE or "[redacted]" in scrubbed
    assert holds_secret(json.dumps({"echo": TOKEN}).encode("utf-16"), [TOKEN])  # a body in UTF-16
    assert not holds_secret("an ordinary answer", [TOKEN])
    assert holds_secret(json.dumps({"echo": hidden}).encode(), [TOKEN])  # inside a JSON string (wrapped: "\\n")
    assert not holds_secret(scrub_lines(f"Received:\n{hidden}\nend", [TOKEN]), [TOKEN])  # across lines too


def test_a_logged_traceback_or_stack_never_shows_the_token() -> None:
    import io
    import logging

    from contracts._redaction import holds_secret, redacting_logs

    stream = io.StringIO()
    logger = logging.getLogger("tests.safety.traceback")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        with redacting_logs([TOKEN]):
            try:
                raise RuntimeError(f"echoed Bearer {TOKEN} and {HIDDEN['json-escapes'](TOKEN)}")
            except RuntimeError:
                logger.exception("the request failed")
            logger.warning("where", stack_info=True)
            logger.warning("one placeholder, two values: %s", TOKEN, TOKEN)  # cannot be formatted
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "the request failed" in written
    assert "Traceback (most recent call last)" in written  # the traceback is shown, its secret lines are not
    assert "test_a_logged_traceback_or_stack_never_shows_the_token" in written.split("where", 1)[1]  # the stack
    assert not holds_secret(written, [TOKEN])


def _echo(request: object) -> Answer:
    """Echo the credential back in every shape: headers, body, encoded."""
    token = TOKEN.encode()
    body = {
        "type": "error.list",
        "request_id": "r1",
        "errors": [
            {"code": "unauthorized", "message": f"token {TOKEN} {base64.b64encode(token).decode()} {token.hex()}"},
            {"code": "unauthorized", "message": json.dumps({"a": TOKEN}) + quote(TOKEN, safe="")},
            {"code": "unauthorized", "message": "".join(f"\\u{ord(c):04x}" for c in TOKEN)},  # escaped in JSON
            {"code": "unauthorized", "message": quote(TOKEN, safe="").lower()},
        ],
    }
    return json_answer(401, body, **{"X-Echo": f"Bearer {TOKEN}", "Set-Cookie": f"t={TOKEN}"})


def test_a_token_echoed_in_every_form_reaches_no_output(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _live_env(monkeypatch)
    log_file, report, junit = tmp_path / "run.log", tmp_path / "report.json", tmp_path / "junit.xml"
    with HostileServer(_echo) as server:
        result = pytester.runpytest_subprocess(
            *SUITE,
            "--intercom-base-url",
            f"us={server.url}",
            "--intercom-max-examples",
            "3",
            "--intercom-report",
            str(report),
            "--junitxml",
            str(junit),
            "-rA",
            "-o",
            "log_cli=true",
            "--log-cli-level=DEBUG",
            "--log-level=DEBUG",
            "--log-file",
            str(log_file),
            "--log-file-level=DEBUG",
        )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    outputs = {
        "terminal": result.stdout.str() + result.stderr.str(),
        "log file": log_file.read_text(),
        "report": report.read_text(),
        "junit": junit.read_text(),
    }
    assert "httpcore" in outputs["log file"]  # the debug lines were there, redacted
    from contracts._redaction import holds_secret

    token = TOKEN.encode()
    shapes = [TOKEN, token.hex(), base64.b64encode(token).decode()[:-4], quote(TOKEN, safe="")]
    for channel, text in outputs.items():
        for shape in shapes:
            assert shape not in text, (channel, shape)
        assert not holds_secret(text, [TOKEN]), channel  # nor escaped, lower-case percent-encoded, wrapped


# -- a creating request is never sent twice ------------------------------------------------------------------------
def test_a_failing_message_is_never_sent_again_by_shrinking_or_replay(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _live_env(monkeypatch)

    def behaviour(request: object) -> Answer:
        return json_answer(500, {"type": "error.list", "errors": [{"code": "server_error"}]})

    with HostileServer(behaviour) as server:
        result = pytester.runpytest(
            *SUITE, "--intercom-base-url", f"us={server.url}", "-k", "valid_messages", "--intercom-max-examples", "8"
        )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    posts = [r.body for r in server.requests if r.method == "POST"]
    assert posts
    assert len(posts) == len(set(posts)), f"{len(posts)} POSTs, {len(set(posts))} distinct"


# A message the guard admits: from admin 1 to contact "c".
IN_APP_TO_C = {
    "message_type": "in_app",
    "body": "hi",
    "from": {"type": "admin", "id": 1},
    "to": {"type": "user", "id": "c"},
}


def test_the_client_answers_a_repeated_creating_request_from_its_record(tmp_path: Path) -> None:
    guard, payload = LiveGuard(admin_id=1, contact_id="c"), IN_APP_TO_C
    with HostileServer(message) as server:
        client = _client(server.url, guard=guard, budget=MessageBudget(tmp_path / "budget", 10))
        first = client.request("POST", "/messages", payload=payload)
        again = client.request("POST", "/messages", payload=payload)
    assert len(server.requests) == 1
    assert (again.status, again.content, again.replayed) == (first.status, first.content, True)


def test_a_search_is_a_read_asked_again_and_answered_afresh(tmp_path: Path) -> None:
    # A search sent as a POST creates nothing: the same search after a write must see the workspace as it is now.
    answers = iter([[], [{"type": "contact", "id": "a"}]])

    def searched(request: object) -> Answer:
        return json_answer(200, {"type": "list", "data": next(answers), "total_count": 0})

    query = {"query": {"field": "email", "operator": "~", "value": "icc-"}}
    with HostileServer(searched) as server:
        client = _client(server.url, guard=LiveGuard(admin_id=1, contact_id="c"), budget=None)
        first = client.request("POST", "/contacts/search", payload=query)
        again = client.request("POST", "/contacts/search", payload=query)
    assert len(server.requests) == 2
    assert (first.json["data"], again.json["data"], again.replayed) == ([], [{"type": "contact", "id": "a"}], False)


def test_a_creating_request_that_failed_in_transport_is_never_sent_again(tmp_path: Path) -> None:
    guard, payload = LiveGuard(admin_id=1, contact_id="c"), IN_APP_TO_C
    cut = Answer(200, {"Content-Type": "application/json", "Content-Length": "500"}, b'{"type": "user_message"')
    with HostileServer(lambda request: cut) as server:
        client = _client(server.url, guard=guard, budget=MessageBudget(tmp_path / "budget", 10), timeout=2.0)
        with pytest.raises(TransportFailure):
            client.request("POST", "/messages", payload=payload)  # the answer is cut short: it may have arrived
        for spelling in ("/messages", "/messages/", "/messages?"):  # the same request, however it is spelt
            with pytest.raises(NotSent, match="failed in transport before"):
                client.request("POST", spelling, payload=payload)
    assert len(server.requests) == 1
    guard.admit("GET", "/contacts/a%20b", None)  # a read is sent as written: misrouted, it changes nothing


@pytest.mark.parametrize(
    "path",
    [
        "/messages#x",
        "/x/../messages",
        "/messages/.",
        "//messages",
        "/messages;x",
        "/me%73sages",
        "/messages%3F",
        "/messages%20",
        "/messages\\",
        "/messages ",
        "/MESSAGES",
        "/messages.json",
        "/messages..",
    ],
)
def test_a_creating_request_spelled_otherwise_is_never_sent(path: str, tmp_path: Path) -> None:
    budget = MessageBudget(tmp_path / "budget", 10)
    stranger = {
        "message_type": "in_app",
        "body": "hi",
        "from": {"type": "admin", "id": 9},
        "to": {"type": "user", "id": "z"},
    }
    with HostileServer(message) as server:
        client = _client(server.url, guard=LiveGuard(admin_id=1, contact_id="c"), budget=budget)
        with pytest.raises(NotSent, match=r"as the server reads it|could be routed as POST /messages"):
            client.request("POST", path, payload=stranger)
    assert server.requests == []


# -- the cap and the parties -----------------------------------------------------------------------------------------
def test_the_budget_is_spent_by_every_post_and_given_back_by_a_refusal(tmp_path: Path) -> None:
    budget = MessageBudget(tmp_path / "budget", 2)
    guard = LiveGuard(admin_id=1, contact_id="c")
    refused = {"answer": 422}

    def behaviour(request: object) -> Answer:
        if refused["answer"] == 422:
            return json_answer(422, {"type": "error.list", "errors": [{"code": "parameter_not_found"}]})
        return message(request)  # type: ignore[arg-type]

    with HostileServer(behaviour) as server:
        client = _client(server.url, guard=guard, budget=budget)
        for index in range(5):  # invalid ones, refused: nothing created, nothing spent
            client.request("POST", "/messages", payload={"body": f"no type {index}"})
        assert budget.used == 0
        refused["answer"] = 200
        created = [client.request("POST", "/messages", payload={"body": f"x{n}"}) for n in range(2)]
        with pytest.raises(NotSent, match="budget"):
            client.request("POST", "/messages", payload={"body": "one too many"})
    assert [e.status for e in created] == [200, 200]
    assert sum(1 for r in server.requests if r.method == "POST") == 7


@pytest.mark.parametrize(
    ("payload", "allowed"),
    [
        ({"from": {"type": "admin", "id": DEFAULT_ADMIN_ID}, "to": {"type": "user", "id": DEFAULT_CONTACT_ID}}, True),
        (
            {"from": {"type": "admin", "id": -81761737306266256}, "to": {"type": "user", "id": DEFAULT_CONTACT_ID}},
            False,
        ),
        ({"from": {"type": "admin", "id": DEFAULT_ADMIN_ID}, "to": {"type": "user", "id": "0"}}, False),
        (
            {
                "from": {"type": "admin", "id": DEFAULT_ADMIN_ID},
                "to": [{"type": "user", "id": DEFAULT_CONTACT_ID}, {"type": "lead", "id": "x"}],
            },
            False,
        ),
        (
            {"from": {"type": "admin", "id": DEFAULT_ADMIN_ID}, "to": {"type": "user", "email": "someone@example.com"}},
            False,
        ),
        ({"from": {"type": "admin", "id": DEFAULT_ADMIN_ID}, "to": "0"}, False),
        ({"body": "no parties at all"}, True),
        ({"from": True, "to": None}, True),
    ],
)
def test_a_live_message_names_only_the_runs_admin_and_contact(payload: dict[str, object], allowed: bool) -> None:
    guard = LiveGuard(admin_id=DEFAULT_ADMIN_ID, contact_id=DEFAULT_CONTACT_ID)
    content = json.dumps(payload).encode()
    if allowed:
        guard.admit("POST", "/messages", content)
    else:
        with pytest.raises(NotSent):
            guard.admit("POST", "/messages", content)


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("content", "headers", "query", "rule"),
    [
        (b"from[id]=666&to[id]=someone", {"Content-Type": "application/x-www-form-urlencoded"}, "", "application/json"),
        (b'{"body": "x"}', {**JSON, "X-HTTP-Method-Override": "DELETE"}, "", "method-override"),
        (b'{"body": "x"}', JSON, "from[id]=666", "no query string"),
        (
            json.dumps({"from": {"type": "admin", "id": 666}}).encode()[:-1] + b', "from": {"id": 991267390}}',
            JSON,
            "",
            "no key twice",
        ),
        (b'{"from": /* a comment */ {"id": 666}}', JSON, "", "not JSON names no party"),
        (b"{to: {id: 'someone'}}", JSON, "", "not JSON names no party"),
    ],
)
def test_a_live_message_cannot_name_anyone_by_another_reading(
    content: bytes, headers: dict[str, str], query: str, rule: str
) -> None:
    """Forms, method overrides, query parameters, repeated keys, lenient JSON: what a server could read otherwise."""
    guard = LiveGuard(admin_id=DEFAULT_ADMIN_ID, contact_id=DEFAULT_CONTACT_ID)
    with pytest.raises(NotSent, match=rule):
        guard.admit("POST", "/messages", content, headers, query)


def test_an_invalid_message_that_is_not_json_is_sent_when_it_names_nobody() -> None:
    guard = LiveGuard(admin_id=DEFAULT_ADMIN_ID, contact_id=DEFAULT_CONTACT_ID)
    guard.admit("POST", "/messages", b'{"message_type": "email", "body": "hello to you', JSON, "")


@pytest.mark.parametrize("path", ["8332/elsewhere", "@evil.example/x", ".evil.example/x", ":8443/x"])
def test_a_path_never_moves_a_request_to_another_server(path: str) -> None:
    with HostileServer(message) as server:
        client = _client(server.url)
        with pytest.raises(NotSent, match="would leave"):
            client.request("GET", path)
    assert server.requests == []


def test_a_server_cookie_is_never_sent_back() -> None:
    with HostileServer(
        lambda request: json_answer(200, {"type": "admin"}, **{"Set-Cookie": "s=abc; Path=/"})
    ) as server:
        client = _client(server.url)
        client.request("GET", "/me")
        client.request("GET", "/me")
    assert len(server.requests) == 2
    assert all("cookie" not in request.headers for request in server.requests)


def test_the_waits_of_every_region_share_the_runs_bound() -> None:
    from contracts.live import WaitAllowance

    clock = FakeTime()
    shared = WaitAllowance(max_wait=25.0)
    regions = [Pacing(allowance=shared, clock=clock.clock, sleep=clock.sleep) for _ in range(3)]
    for pacing in regions:
        for attempt in (1, 2, 3):
            pacing.after_response(429, {"retry-after": "10"}, attempt=attempt)
    assert sum(clock.slept) <= 25.0
    assert regions[0].waited == regions[2].waited == sum(clock.slept)


def test_against_a_server_that_accepts_everything_the_cap_and_parties_hold_across_workers(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _live_env(monkeypatch)
    with HostileServer(message) as server:
        result = pytester.runpytest_subprocess(
            *SUITE,
            "--intercom-base-url",
            f"us={server.url}",
            "--intercom-operations",
            "createMessage,identifyAdmin",
            "--intercom-max-live-messages",
            "3",
            "--intercom-max-examples",
            "20",
            "-n",
            "2",
            "-rs",
        )
    posts = [r for r in server.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert len(posts) == 3, f"{len(posts)} messages created with a cap of 3: {result.stdout.str()[-2000:]}"
    for request in posts:
        body = request.json()
        if isinstance(body, dict) and isinstance(body.get("from"), dict) and "id" in body["from"]:
            assert body["from"]["id"] == DEFAULT_ADMIN_ID, body
        recipients = body.get("to") if isinstance(body, dict) else None
        for recipient in recipients if isinstance(recipients, list) else [recipients]:
            if isinstance(recipient, dict):
                assert set(recipient) <= {"type", "id"}
                assert recipient.get("id", DEFAULT_CONTACT_ID) == DEFAULT_CONTACT_ID
    result.stdout.fnmatch_lines(["*live message budget*spent*"])


# -- methods -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "allow_writes", "sent"),
    [
        ("GET", False, True),
        ("POST", False, True),
        ("PUT", False, False),
        ("PATCH", False, False),
        ("PUT", True, True),
        ("DELETE", True, False),
        ("OPTIONS", True, False),
        ("TRACE", True, False),
        ("HEAD", True, False),
    ],
)
def test_only_get_and_post_unless_writes_are_allowed_and_never_delete(
    method: str, allow_writes: bool, sent: bool
) -> None:
    with HostileServer(lambda _: json_answer(200, {})) as server:
        client = _client(server.url, guard=LiveGuard(allow_writes=allow_writes))
        if sent:
            client.request(method, "/contacts/1")
        else:
            with pytest.raises(NotSent):
                client.request(method, "/contacts/1")
    assert [r.method for r in server.requests] == ([method] if sent else [])


THINGS = """
parameters: [{name: id, in: path, required: true, schema: {type: string}}]
get: {operationId: getThing, responses: {"200": {description: ok, content: {application/json: {schema: SCHEMA}}}}}
put:
  operationId: putThing
  requestBody: {content: {application/json: {schema: {type: object}}}}
  responses: {"200": {description: ok}}
patch: {operationId: patchThing, responses: {"200": {description: ok}}}
options: {operationId: optionsThing, responses: {"200": {description: ok}}}
trace: {operationId: traceThing, responses: {"200": {description: ok}}}
delete: {operationId: deleteThing, responses: {"200": {description: ok}}}
"""


def _spec_with_things(directory: Path, schema: str = "{type: object}", extra: dict[str, object] | None = None) -> Path:
    """The bundled contract plus /things/{id} declaring every method (and `extra` components)."""
    import yaml

    document = load_spec("bundled").document
    document["paths"]["/things/{id}"] = yaml.safe_load(THINGS.replace("SCHEMA", schema))
    for name, value in (extra or {}).items():
        document["components"]["schemas"][name] = value
    path = directory / "things.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(("allow", "methods"), [((), {"GET"}), (("--intercom-allow-writes",), {"GET", "PUT", "PATCH"})])
def test_breadth_sends_no_method_beyond_what_is_allowed(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, allow: tuple[str, ...], methods: set[str]
) -> None:
    _live_env(monkeypatch)
    spec = _spec_with_things(pytester.path)
    with HostileServer(lambda _: json_answer(200, {})) as server:
        pytester.runpytest(
            *SUITE,
            "-k",
            "schemathesis",
            "--intercom-spec",
            str(spec),
            "--intercom-operations",
            "getThing,putThing,patchThing,optionsThing,traceThing,deleteThing",
            "--intercom-base-url",
            f"us={server.url}",
            "--intercom-max-examples",
            "5",
            *allow,
        )
    assert {r.method for r in server.requests} == methods


# -- nothing outside the document ----------------------------------------------------------------------------------
def test_an_external_ref_is_never_fetched(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    _live_env(monkeypatch)
    with HostileServer(lambda _: json_answer(200, {"type": "object"})) as schemas:
        external = "{$ref: '" + schemas.url + "/schema.json'}"
        spec = _spec_with_things(pytester.path, external, {"x": {"$ref": "file:///etc/passwd"}})
        with HostileServer(lambda _: json_answer(200, {})) as server:
            result = pytester.runpytest(
                *SUITE,
                "-k",
                "schemathesis",
                "--intercom-spec",
                str(spec),
                "--intercom-operations",
                "getThing",
                "--intercom-base-url",
                f"us={server.url}",
            )
    assert schemas.requests == []
    assert server.requests == []
    result.stdout.fnmatch_lines(["*external $ref*is not followed (nothing outside the document is fetched)*"])


def test_a_spec_download_never_follows_a_redirect_to_plain_http(cache_dir: Path) -> None:
    from contracts.spec._sources import fetch

    with HostileServer(lambda _: Answer(302, {"Location": "http://example.com/spec.yaml"}, b"")) as server:
        with pytest.raises(
            SpecError, match=r"a redirect led to http://example\.com/spec\.yaml: plain http:// is refused"
        ):
            fetch(server.url + "/spec.yaml")
        assert len(server.requests) == 1


# -- bounded lint and specs ------------------------------------------------------------------------------------------
CATASTROPHIC = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: string, pattern: "^(a+)+$"}
              example: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"
"""


def test_lint_ends_quickly_on_a_catastrophic_pattern(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(CATASTROPHIC)
    started = time.monotonic()
    report = lint(load_spec(str(path)))
    assert time.monotonic() - started < 5
    assert [f.kind for f in report.findings] == ["example-invalid"]


def test_a_huge_spec_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB that cost nothing to make
    with pytest.raises(SpecError, match="more than any description"):
        load_spec(str(path))


def test_a_corrupted_cache_entry_is_not_trusted(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(CATASTROPHIC)
    before = json.loads(json.dumps(load_spec(str(path)).document))
    assert before["info"]["version"] == "1"
    (entry,) = (cache_dir / "parsed").iterdir()
    data = bytearray(entry.read_bytes())
    data[-20:-19] = b"Z" if data[-20:-19] != b"Z" else b"Y"  # a byte changed on disk
    entry.write_bytes(bytes(data))
    assert load_spec(str(path)).document == load_spec(str(path)).document == before  # parsed again, not trusted
    assert load_spec(str(path)).document["paths"]["/x"]["get"]["responses"]["200"]["description"] == "ok"


# -- one line, never a traceback ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "environment", "message"),
    [
        (
            ("--intercom-base-url", "us=http://[::1]x/"),
            {},
            "ERROR: --intercom-base-url: 'http://[[]::1]x/' is not a valid URL*",
        ),
        (("--intercom-base-url", "us=http://127.0.0.1:99999/"), {}, "ERROR: --intercom-base-url: *Port out of range*"),
        (
            ("--intercom-report", "/nonexistent-dir/r.json"),
            {},
            "ERROR: --intercom-report: the directory /nonexistent-dir does not exist*",
        ),
        (("--intercom-report", "."), {}, "ERROR: --intercom-report: . is a directory; give a file path"),
        (("--intercom-spec", "."), {}, "ERROR: --intercom-spec: spec .: is a directory, not a spec file."),
        (("--intercom-version", "9.99"), {}, "ERROR: --intercom-version 9.99: not among the versions*"),
        (
            ("--intercom-timeout", "inf"),
            {},
            "ERROR: --intercom-timeout: expected a number of seconds above 0 and at most 300, got inf",
        ),
        (("--intercom-timeout", "nan"), {}, "ERROR: --intercom-timeout: *got nan"),
        (
            (),
            {"INTERCOM_CONTRACTS_FAKE_FAULTS": "bogus"},
            "ERROR: INTERCOM_CONTRACTS_FAKE_FAULTS: unknown fault(s) bogus; known faults: *",
        ),
    ],
)
def test_a_bad_value_is_one_usage_line_and_exit_4(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    environment: dict[str, str],
    message: str,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = pytester.runpytest("--pyargs", "contracts.suite", "-p", "no:cacheprovider", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR == 4
    result.stderr.fnmatch_lines([message])
    assert len(result.stderr.str().strip().splitlines()) == 1
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_an_unreadable_spec_and_a_url_holding_the_token_are_one_usage_line_without_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    bad = pytester.makefile(".yaml", bad="a: [\n")
    attempts = {
        "is not valid YAML or JSON": ("--intercom-spec", str(bad)),
        "must be scheme://host": (
            "--intercom-target",
            "live",
            "--intercom-base-url",
            f"us=https://api.example.com/?access_token={TOKEN}",
        ),
    }
    for said, args in attempts.items():
        result = pytester.runpytest("--pyargs", "contracts.suite", "-p", "no:cacheprovider", *args)
        shown = result.stdout.str() + result.stderr.str()
        assert result.ret == pytest.ExitCode.USAGE_ERROR, shown
        assert len(result.stderr.str().strip().splitlines()) == 1, shown
        assert said in result.stderr.str()
        assert TOKEN not in shown


def test_deep_json_answers_are_one_line_each_never_a_recursion_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    _live_env(monkeypatch)
    deep = b"[" * 50_000 + b"]" * 50_000
    with HostileServer(lambda _: Answer(200, {"Content-Type": "application/json"}, deep)) as server:
        result = pytester.runpytest(*SUITE, "--intercom-base-url", f"us={server.url}", "--intercom-max-examples", "3")
    text = result.stdout.str() + result.stderr.str()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "RecursionError" not in text
    assert "Traceback" not in text
    assert "nested more than 200 levels deep" in text


def test_a_report_that_cannot_be_written_says_so_in_one_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import contracts.reports._results

    def full_disk(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(contracts.reports._results, "write_atomically", full_disk)
    result = pytester.runpytest(
        "--pyargs",
        "contracts.suite",
        "-p",
        "no:cacheprovider",
        "--intercom-report",
        str(tmp_path / "r.json"),
        "--intercom-region",
        "us",
        "-k",
        "unknown_version",
    )
    result.stdout.fnmatch_lines(
        [f"intercom-contracts: the report could not be written to {tmp_path / 'r.json'}: No space left on device"]
    )
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
    assert "Traceback" not in result.stdout.str()


def test_an_interrupted_run_leaves_a_report_that_says_so(pytester: pytest.Pytester, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    pytester.makepyfile(
        interrupter="def pytest_runtest_call(item):\n"
        "    if 'unknown_version' in item.name:\n"
        "        raise KeyboardInterrupt\n"
    )
    pytester.syspathinsert()
    result = pytester.runpytest_inprocess(
        "--pyargs",
        "contracts.suite",
        "-p",
        "no:cacheprovider",
        "-p",
        "interrupter",
        "--intercom-report",
        str(report),
        "--intercom-region",
        "us",
        no_reraise_ctrlc=True,
    )
    assert result.ret == pytest.ExitCode.INTERRUPTED
    run = json.loads(report.read_text())["run"]
    assert run["interrupted"] is True
    assert run["finished"]
