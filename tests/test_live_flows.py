"""A live run's flows write only what they created, within their cap, and delete it at the end (on interrupt too)."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.analysis import merge_reports
from contracts.exchange import Exchange
from contracts.live import IntercomClient, LedgerUnreadable, LiveGuard, NotSent, WriteLedger, _writes, is_write
from contracts.mock import DEFAULT_CONTACT_ID, FakeIntercom, FakeSettings, MockServer
from contracts.regions import REGIONS
from contracts.reports import Results
from contracts.reports._html import run_page
from contracts.run import IntercomRun, RunSettings

from .conftest import rest_of
from .hostile import Answer, HostileServer, Request, json_answer

SUITE = ("-p", "no:cacheprovider", "--intercom-target", "live", "--intercom-region", "us")
FLOWS = ("--intercom-flows", "--intercom-allow-writes")
OURS = "6762f0d21bb69f9f00000001"
STRANGER = "5f00000000000000000000aa"  # a contact of the workspace, not the run's


def _created(ledger: WriteLedger, kind: str, id: str, *, answer: dict[str, object] | None = None) -> None:
    """What the client tells the ledger of a 2xx answer to a creating POST."""
    path = {"contact": "/contacts", "company": "/companies", "tag": "/tags", "article": "/articles"}[kind]
    named = {"contact": "email", "company": "company_id", "tag": "name", "article": "title"}[kind]
    body = answer if answer is not None else {"type": kind, "id": id, named: f"{ledger.marker}@example.com"}
    ledger.observe(_exchange("POST", path, 200, body))


def _exchange(method: str, path: str, status: int, answer: object, request: object = None) -> Exchange:
    return Exchange(
        region="us",
        version="2.11",
        method=method,
        url=f"https://api.intercom.io{path}",
        request_headers={},
        request_body=json.dumps(request).encode() if request is not None else None,
        status=status,
        headers={},
        content=json.dumps(answer).encode(),
        path=path,
    )


@pytest.fixture
def ledger(tmp_path: Path) -> WriteLedger:
    return WriteLedger(tmp_path / "writes", 10, admin_id=1, contact_id=DEFAULT_CONTACT_ID)


@pytest.fixture
def guard(ledger: WriteLedger) -> LiveGuard:
    return LiveGuard(allow_writes=True, flows=True, ledger=ledger)


def _admits(guard: LiveGuard, method: str, path: str, payload: object = None, query: str = "") -> bool:
    content = json.dumps(payload).encode() if payload is not None else None
    try:
        guard.admit(method, path, content, {"Content-Type": "application/json"}, query, region="us")
    except NotSent as refused:
        return "\n" in refused.reason  # a refusal is one line: a reason over more reads as admitted, and fails
    return True


# -- the guard's flows rules ---------------------------------------------------------------------------------------
def test_a_delete_is_sent_only_of_a_record_the_run_created(guard: LiveGuard, ledger: WriteLedger) -> None:
    _created(ledger, "contact", OURS)
    assert _admits(guard, "DELETE", f"/contacts/{OURS}")
    assert _admits(guard, "DELETE", f"/contacts/{OURS}/tags/7")  # under the run's contact
    assert not _admits(guard, "DELETE", f"/contacts/{STRANGER}")  # the workspace's own
    assert not _admits(guard, "DELETE", f"/contacts/{OURS}0")  # an id that merely starts like the run's
    assert not _admits(guard, "DELETE", f"/companies/{OURS}")  # the id of another kind
    assert not _admits(guard, "DELETE", f"/contacts/{OURS}", query="id=6762f0d21bb69f9f2193bb59")


def test_without_flows_and_writes_the_old_rules_hold(ledger: WriteLedger) -> None:
    _created(ledger, "contact", OURS)
    writes_only = LiveGuard(allow_writes=True)
    assert _admits(writes_only, "PUT", f"/contacts/{STRANGER}", {"name": "x"})  # as before
    assert not _admits(writes_only, "DELETE", f"/contacts/{OURS}")  # DELETE: never without flows
    flows_only = LiveGuard(flows=True, ledger=ledger)
    assert not _admits(flows_only, "DELETE", f"/contacts/{OURS}")
    assert not _admits(flows_only, "PUT", f"/contacts/{OURS}", {"name": "x"})
    assert not _admits(LiveGuard(allow_writes=True, flows=True), "POST", "/tags", {"name": "x"})  # no ledger


@pytest.mark.parametrize(
    ("path", "payload", "admitted"),
    [
        ("/contacts", {"email": "someone@example.com"}, False),  # could match an existing contact
        ("/contacts", {"email": "MARK@example.com"}, True),
        ("/contacts", {"email": "MARK@example.com", "external_id": "42"}, False),  # one field unmarked
        ("/contacts", {"role": "lead"}, False),  # named by nothing of the run's
        ("/companies", {"company_id": "acme", "name": "MARK"}, False),  # matched by company_id
        ("/companies", {"company_id": "MARK-1", "name": "Acme"}, True),
        ("/tags", {"name": "VIP"}, False),
        ("/tags", {"name": "MARK tag"}, True),
        ("/tags", {"name": "MARK tag", "users": [{"id": STRANGER}]}, False),  # tags a stranger
        ("/data_attributes", {"name": "plan", "model": "contact", "data_type": "string"}, False),
        ("/articles", {"title": "MARK anything", "author_id": 1}, True),  # always a new record
        ("/conversations", {"from": {"type": "user", "id": STRANGER}, "body": "hi"}, False),
        ("/conversations", {"from": {"type": "user", "id": OURS}, "body": "MARK hi"}, True),
        ("/conversations", {"from": {"type": "user", "id": DEFAULT_CONTACT_ID}, "body": "MARK hi"}, True),  # the run's
        ("/tickets", {"ticket_type_id": "1", "contacts": [{"email": "someone@example.com"}]}, False),
        ("/tickets", {"ticket_type_id": "1", "contacts": [{"id": OURS}]}, True),
        ("/events", {"event_name": "x", "user_id": "someone"}, False),
        ("/events", {"event_name": "x", "id": OURS}, True),
        ("/contacts/search", {"query": {}}, True),  # a read
        ("/contacts/merge", {"from": OURS, "into": STRANGER}, False),  # nothing known to create
        (f"/contacts/{OURS}/tags", {"id": "7"}, True),  # under the run's contact, the run's tag
        (f"/contacts/{OURS}/tags", {"id": "8"}, False),  # a tag of the workspace's
        (f"/contacts/{OURS}/companies", {"id": "8"}, False),
        (f"/contacts/{OURS}/notes", {"body": "x", "admin_id": 1}, True),
        (f"/contacts/{STRANGER}/tags", {"id": "7"}, False),
        ("/conversations/7000001/reply", {"type": "admin", "body": "x"}, False),
    ],
)
def test_a_post_writes_only_to_the_runs_records_or_creates_one_named_by_its_marker(
    guard: LiveGuard, ledger: WriteLedger, path: str, payload: dict[str, object], admitted: bool
) -> None:
    _created(ledger, "contact", OURS)
    _created(ledger, "tag", "7")
    marked = json.loads(json.dumps(payload).replace("MARK", ledger.marker))
    assert _admits(guard, "POST", path, marked) is admitted


def test_a_key_twice_in_a_write_is_refused(guard: LiveGuard, ledger: WriteLedger) -> None:
    body = f'{{"email": "{ledger.marker}@example.com", "email": "someone@example.com"}}'.encode()
    with pytest.raises(NotSent, match="names no key twice"):
        guard.admit("POST", "/contacts", body, {"Content-Type": "application/json"})


def test_put_and_patch_only_to_the_runs_items(guard: LiveGuard, ledger: WriteLedger) -> None:
    _created(ledger, "contact", OURS)
    assert _admits(guard, "PUT", f"/contacts/{OURS}", {"name": "x"})
    assert not _admits(guard, "PUT", f"/contacts/{STRANGER}", {"name": "x"})
    assert not _admits(guard, "PUT", "/visitors", {"user_id": "x"})  # a collection: no item of the run's
    assert not _admits(guard, "PATCH", "/tags/1", {})


# -- the ledger ----------------------------------------------------------------------------------------------------
def _reserve_many(path: Path, tries: int, queue: multiprocessing.Queue[tuple[str, int]]) -> None:
    ledger = WriteLedger(path, 7)
    granted = 0
    for _ in range(tries):
        try:
            ledger.reserve("POST", "/contacts")
        except NotSent:
            continue
        granted += 1
    queue.put((ledger.marker, granted))


def test_the_write_cap_and_the_marker_are_one_across_processes(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[tuple[str, int]] = context.Queue()
    workers = [context.Process(target=_reserve_many, args=(tmp_path / "writes", 20, queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert sum(granted for _, granted in results) == 7
    markers = {marker for marker, _ in results}
    assert len(markers) == 1
    assert markers.pop().startswith("icc-")
    assert WriteLedger(tmp_path / "writes", 7).writes == 7


def test_reads_are_not_writes_and_a_records_first_delete_is_not_counted(tmp_path: Path) -> None:
    assert not is_write("GET", "/contacts")
    assert not is_write("POST", "/messages")  # the message budget's
    assert not is_write("POST", "/contacts/search")
    assert is_write("POST", "/contacts")
    ledger = WriteLedger(tmp_path / "writes", 1)
    ledger.reserve("POST", "/contacts")
    _created(ledger, "contact", OURS)
    ledger.reserve("DELETE", f"/contacts/{OURS}", region="us")  # its reversal: outside the cap
    with pytest.raises(NotSent, match=r"whose DELETE already went out"):
        ledger.reserve("DELETE", f"/contacts/{OURS}", region="us")  # once only
    assert (ledger.writes, ledger.reversals) == (1, 1)


def test_once_one_process_sent_a_records_delete_no_other_writes_to_it(tmp_path: Path) -> None:
    # Both processes' guards admitted the write; the ledger's locked step judges it again.
    first, second = WriteLedger(tmp_path / "writes", 10), WriteLedger(tmp_path / "writes", 10)
    _created(first, "contact", OURS)
    first.reserve("DELETE", f"/contacts/{OURS}", region="us")
    for method, path in (
        ("DELETE", f"/contacts/{OURS}"),
        ("PUT", f"/contacts/{OURS}"),
        ("POST", f"/contacts/{OURS}/tags"),
    ):
        with pytest.raises(NotSent, match="whose DELETE already went out"):
            second.reserve(method, path, region="us")
    assert (second.writes, second.reversals) == (0, 1)


def test_a_wait_for_the_ledgers_lock_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger = WriteLedger(tmp_path / "writes", 10)
    ledger.reserve("POST", "/contacts")
    monkeypatch.setattr(_writes, "LOCK_WAIT", 0.05)
    with open(tmp_path / "writes", "a+") as held:  # another process holding the lock, never letting go
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(LedgerUnreadable, match="locked by another process"):
            ledger.reserve("POST", "/contacts")


def test_a_token_a_server_answers_as_an_id_is_neither_kept_nor_shown(
    ledger: WriteLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "dG9rLXVzLXNlY3JldC0xMjM0NTY"  # one path segment, like an id
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_US", token)
    for answered in (token, f"Bearer {token}"):
        _created(ledger, "contact", answered, answer={"type": "contact", "id": answered, "email": f"{ledger.marker}@x"})
    assert token not in json.dumps(ledger.report())
    assert token not in ledger.path.read_text()
    assert not any(record.owned for record in ledger.records())


def test_an_answer_that_does_not_name_the_marker_is_never_taken_for_the_runs(ledger: WriteLedger) -> None:
    _created(ledger, "contact", OURS, answer={"type": "contact", "id": OURS, "email": "someone@example.com"})
    _created(ledger, "tag", "../1", answer={"type": "tag", "id": "../1", "name": f"{ledger.marker}"})
    assert not ledger.owns(f"/contacts/{OURS}", "us")
    assert [(r.kind, r.owned, r.delete_path) for r in ledger.records()] == [
        ("contact", False, None),
        ("tag", False, None),
    ]
    assert "not the run's" in str(ledger.records()[0].reason)


def test_what_the_api_deletes_nowhere_is_listed_as_left_and_why(tmp_path: Path) -> None:
    ledger = WriteLedger(tmp_path / "writes", 10, documents=lambda version, method, path: version == "2.14")
    ledger.observe(_exchange("POST", f"/contacts/{OURS}/notes", 200, {"type": "note", "id": "5"}))
    ledger.observe(_exchange("POST", "/events", 202, None, {"event_name": "signed-up", "id": OURS}))
    conversation = {"type": "user_message", "id": "8", "conversation_id": "9", "body": f"{ledger.marker} hi"}
    ledger.observe(_exchange("POST", "/conversations", 200, conversation))
    later = _exchange("POST", "/conversations", 200, {**conversation, "conversation_id": "10"})
    later.version = "2.14"
    ledger.observe(later)
    records = {record.id: record for record in ledger.records()}
    assert records["5"].reason == "Intercom's API deletes no note"
    assert records["signed-up"].reason == "Intercom's API deletes no data event"
    assert records["9"].delete_path is None  # 2.11 documents no DELETE /conversations/{id}
    assert records["10"].delete_path == "/conversations/10"
    assert [r["state"] for r in ledger.report()["records"]] == ["left", "left", "left", "left"]


def test_a_ctrl_c_while_a_write_is_out_takes_effect_once_the_ledger_knows_what_it_created(
    ledger: WriteLedger,
) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals are delivered to the main thread only")

    def interrupted_while_creating(request: Request) -> Answer:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the server creates the contact
        return json_answer(200, {"type": "contact", "id": OURS, "email": f"{ledger.marker}@example.com"})

    with HostileServer(interrupted_while_creating) as server:
        guard = LiveGuard(allow_writes=True, flows=True, ledger=ledger)
        client = IntercomClient(region="us", base_url=server.url, token="t", version="2.11", guard=guard, ledger=ledger)
        with pytest.raises(KeyboardInterrupt):
            client.request("POST", "/contacts", payload={"email": f"{ledger.marker}@example.com"})
        client.close()
    assert [(record.kind, record.id) for record in ledger.records()] == [("contact", OURS)]


# -- against the loopback fake -------------------------------------------------------------------------------------
@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(FakeIntercom(settings=FakeSettings())) as served:
        yield served


def _run(server: MockServer, tmp_path: Path, **settings: object) -> IntercomRun:
    chosen = RunSettings(
        target="live",
        regions=("us",),
        base_urls=dict(server.base_urls),
        tokens=dict(server.fake.settings.tokens),
        allow_writes=True,
        flows=True,
        **settings,  # type: ignore[arg-type]
    )
    return IntercomRun(chosen, budget_path=tmp_path / "budget")


def _status(server: MockServer, path: str) -> int:
    """What the fake answers a GET of `path` (with no guard: the test's own look)."""
    url = server.base_urls["us"]
    client = IntercomClient(region="us", base_url=url, token=server.fake.settings.tokens["us"], version="2.11")
    try:
        return client.request("GET", path).status
    finally:
        client.close()


def _create_three(run: IntercomRun) -> dict[str, str]:
    marker, client = run.ledger.marker, run.client("us", "2.11")
    made = {}
    for kind, path, body in (
        ("contact", "/contacts", {"email": f"{marker}@example.com"}),
        ("company", "/companies", {"company_id": marker, "name": "Acme"}),
        ("tag", "/tags", {"name": f"{marker} tag"}),
    ):
        exchange = client.request("POST", path, payload=body)
        assert exchange.status == 200, exchange.content
        made[kind] = f"{path}/{json.loads(exchange.content)['id']}"
    return made


def test_a_flows_records_are_deleted_at_the_end_and_nothing_else_is_touched(server: MockServer, tmp_path: Path) -> None:
    stranger = server.fake.workspace.add("company", {"company_id": "acme", "name": "Acme"})  # not the run's
    run = _run(server, tmp_path)
    made = _create_three(run)
    with pytest.raises(NotSent):
        run.client("us", "2.11").request("DELETE", f"/companies/{stranger['id']}")
    records = run.cleanup()
    run.close()
    assert {record.kind: record.deleted for record in records} == {"contact": True, "company": True, "tag": True}
    assert all(_status(server, path) == 404 for path in made.values())
    assert _status(server, f"/companies/{stranger['id']}") == 200
    assert _status(server, f"/contacts/{DEFAULT_CONTACT_ID}") == 200
    deletes = [e.request.path for e in server.fake.exchanges if e.request.method == "DELETE"]
    assert sorted(deletes) == sorted(made.values())  # one DELETE each, of the run's records only


def test_the_write_cap_holds_and_cleanup_still_deletes_what_it_allowed(server: MockServer, tmp_path: Path) -> None:
    run = _run(server, tmp_path, max_live_writes=3)
    made = _create_three(run)
    with pytest.raises(NotSent, match=r"the live write cap \(--intercom-max-live-writes 3\) is spent"):
        run.client("us", "2.11").request("POST", "/tags", payload={"name": f"{run.ledger.marker} 2"})
    assert sum(1 for e in server.fake.exchanges if e.request.method == "POST") == 3
    assert all(record.deleted for record in run.cleanup())
    run.close()
    assert all(_status(server, path) == 404 for path in made.values())
    assert (run.ledger.writes, run.ledger.reversals) == (3, 3)


CREATING_TEST = """
import json, threading

def _create(run, what):
    marker, client = run.ledger.marker, run.client("us", run.versions[0])
    body = {"contact": ("/contacts", {"email": marker + "-" + what + "@example.com"}),
            "company": ("/companies", {"company_id": marker + "-" + what, "name": what}),
            "tag": ("/tags", {"name": marker + " " + what})}[what]
    exchange = client.request("POST", body[0], payload=body[1])
    assert exchange.status == 200, exchange.content
    print("CREATED", body[0] + "/" + json.loads(exchange.content)["id"], flush=True)

def test_contact(intercom_run):
    _create(intercom_run, "contact")

def test_company(intercom_run):
    _create(intercom_run, "company")

def test_tag(intercom_run):
    _create(intercom_run, "tag")
"""


def _live_env(server: MockServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERCOM_")}
    for region in REGIONS:
        env[f"INTERCOM_ACCESS_TOKEN_{region.upper()}"] = server.fake.settings.tokens[region]
    return env


# Serially, the session end is proven by tests/flows/test_wiring.py::test_live_flows_run_within_the_write_cap_and_...
@pytest.mark.parametrize("workers", [("-n", "2")])
def test_a_live_flows_session_deletes_its_records_at_the_end(
    pytester: pytest.Pytester, server: MockServer, workers: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _live_env(server).items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(test_creating=CREATING_TEST)
    report = pytester.path / "report.json"
    base = ("--intercom-base-url", f"us={server.base_urls['us']}", "--intercom-report", str(report))
    result = pytester.runpytest_subprocess(*SUITE, *FLOWS, *base, *workers)
    result.assert_outcomes(passed=3)
    flows = json.loads(report.read_text())["run"]["flows"]
    assert sorted(record["kind"] for record in flows["records"]) == ["company", "contact", "tag"]
    assert {record["state"] for record in flows["records"]} == {"deleted"}
    assert all(_status(server, _path_of(record)) == 404 for record in flows["records"])
    assert sum(1 for e in server.fake.exchanges if e.request.method == "DELETE") == 3
    result.stdout.fnmatch_lines(["*live flows (icc-*): 3 of 10 writes; 3 records created, 3 deleted, 0 left"])


INTERRUPTED_TEST = """
import threading
from test_creating import _create

def test_creates_then_waits(intercom_run):
    _create(intercom_run, "contact")
    _create(intercom_run, "tag")
    intercom_run.client("us", intercom_run.versions[0]).request("GET", "/me")  # tells the test it is waiting
    threading.Event().wait(120)  # until the run is interrupted
"""


def _path_of(record: dict[str, str]) -> str:
    return {"contact": "/contacts", "company": "/companies", "tag": "/tags"}[record["kind"]] + "/" + record["id"]


@pytest.mark.parametrize("workers", [(), ("-n", "2")])
def test_an_interrupted_live_flows_run_deletes_what_it_created_and_reports_it(
    pytester: pytest.Pytester, server: MockServer, workers: tuple[str, ...]
) -> None:
    pytester.makepyfile(test_creating=CREATING_TEST, test_interrupted=INTERRUPTED_TEST)
    waiting = threading.Event()
    server.fake.listeners.append(lambda exchange: exchange.request.path == "/me" and waiting.set())
    report = pytester.path / "report.json"
    command = [sys.executable, "-m", "pytest", *SUITE, *FLOWS, "test_interrupted.py", *workers]
    command += ["--intercom-base-url", f"us={server.base_urls['us']}", "--intercom-report", str(report)]
    process = subprocess.Popen(
        command,
        cwd=pytester.path,
        env=_live_env(server),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's: Ctrl-C reaches the workers too
    )
    try:
        assert waiting.wait(timeout=60), rest_of(process.stdout)
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=60) == pytest.ExitCode.INTERRUPTED, rest_of(process.stdout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    created = [e.request.path for e in server.fake.exchanges if e.request.method == "POST" and e.response.status == 200]
    assert len(created) == 2
    run = json.loads(report.read_text())["run"]
    assert run["interrupted"] is True
    records = run["flows"]["records"]
    assert sorted((record["kind"], record["state"]) for record in records) == [
        ("contact", "deleted"),
        ("tag", "deleted"),
    ]
    assert all(_status(server, _path_of(record)) == 404 for record in records)


# -- the reports ---------------------------------------------------------------------------------------------------
def _report(path: Path, marker: str, records: list[dict[str, object]]) -> str:
    results = Results()
    results.describe_run(target="live", spec="bundled")
    flows = {"marker": marker, "max_live_writes": 10, "writes": len(records), "reversals": 0, "records": records}
    results.describe_run(flows=flows)
    results.write_json(path)
    return str(path)


def test_merged_reports_list_every_jobs_records_and_the_html_shows_them(tmp_path: Path) -> None:
    left = {"kind": "note", "id": "5", "region": "us", "version": "2.11", "state": "left", "reason": "no <DELETE>"}
    deleted = {"kind": "contact", "id": OURS, "region": "eu", "version": "2.11", "state": "deleted"}
    jobs = [_report(tmp_path / "a.json", "icc-1", [left]), _report(tmp_path / "b.json", "icc-2", [deleted])]
    merged = merge_reports(jobs)
    flows = merged.to_json()["run"]["flows"]
    assert flows["records"] == [left, deleted]
    assert (flows["marker"], flows["writes"], flows["max_live_writes"]) == ("icc-1 icc-2", 2, 20)
    page = run_page(merged.results)
    assert "Records the live flows created (2)" in page
    assert "left: no &lt;DELETE&gt;" in page
