"""The live flows' safety promises under attack: each test is a way found to touch what the run did not create, to
get past the write cap, or to lose what the run must delete, and the rule that now holds against it."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from contracts.errors import IntercomContractsError
from contracts.exchange import Exchange
from contracts.live import LiveGuard, NotSent, WriteLedger
from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, FakeIntercom, FakeSettings, MockServer

from .test_live_flows import FLOWS, SUITE, _exchange, _live_env, _run, _status

OURS = "6762f0d21bb69f9f00000001"
STRANGER = "5f00000000000000000000aa"  # a contact of the workspace, not the run's
ADMIN = str(DEFAULT_ADMIN_ID)
OTHER_ADMIN = "814860"  # a teammate of the workspace, not the run's admin
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def ledger(tmp_path: Path) -> WriteLedger:
    return WriteLedger(tmp_path / "writes", 10, admin_id=DEFAULT_ADMIN_ID, contact_id=DEFAULT_CONTACT_ID)


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(FakeIntercom(settings=FakeSettings())) as served:
        yield served


@pytest.fixture
def guard(ledger: WriteLedger) -> LiveGuard:
    return LiveGuard(admin_id=DEFAULT_ADMIN_ID, allow_writes=True, flows=True, ledger=ledger)


def _answer(
    method: str, path: str, status: int, answer: object, *, region: str = "us", request: object = None
) -> Exchange:
    return replace(_exchange(method, path, status, answer, request), region=region)


def _created(ledger: WriteLedger, kind: str, id: str, *, region: str = "us") -> None:
    path, named = {
        "contact": ("/contacts", "email"),
        "tag": ("/tags", "name"),
        "company": ("/companies", "company_id"),
    }[kind]
    ledger.observe(_answer("POST", path, 200, {"type": kind, "id": id, named: f"{ledger.marker} x"}, region=region))


def _conversation(ledger: WriteLedger, id: str) -> None:
    answer = {"type": "user_message", "id": "1", "conversation_id": id, "body": f"{ledger.marker} hi"}
    ledger.observe(_answer("POST", "/conversations", 200, answer))


def _admits(
    guard: LiveGuard, method: str, path: str, payload: object = None, *, region: str = "us", raw: bytes | None = None
) -> bool:
    content = raw if raw is not None else json.dumps(payload).encode() if payload is not None else None
    try:
        guard.admit(method, path, content, JSON, "", region=region)
    except NotSent as refused:
        return "\n" in refused.reason
    return True


# -- a record is the run's in the region that created it, until its DELETE went out ---------------------------------
def test_a_record_is_the_runs_only_in_the_region_that_created_it(guard: LiveGuard, ledger: WriteLedger) -> None:
    # Tag ids are a workspace's small integers: tag 7 of the US workspace is not tag 7 of the EU one.
    _created(ledger, "tag", "7", region="us")
    _created(ledger, "contact", OURS, region="us")
    assert _admits(guard, "DELETE", "/tags/7", region="us")
    assert not _admits(guard, "DELETE", "/tags/7", region="eu")
    assert not _admits(guard, "PUT", f"/contacts/{OURS}", {"name": "x"}, region="au")
    assert not _admits(guard, "POST", f"/contacts/{OURS}/tags", {"id": "7"}, region="eu")
    # and the EU DELETE would not take the US record's one reversal, nor mark it deleted
    ledger.reserve("DELETE", "/tags/7", region="eu")
    ledger.observe(_answer("DELETE", "/tags/7", 200, {}, region="eu"))
    [tag] = [record for record in ledger.records() if record.kind == "tag"]
    assert (tag.deleted, tag.delete_sent, ledger.reversals, ledger.writes) == (False, False, 0, 1)


def test_a_record_whose_delete_went_out_is_no_longer_the_runs(guard: LiveGuard, ledger: WriteLedger) -> None:
    # Its id may be reused by the server for a record of someone else's: nothing is sent to it again.
    _created(ledger, "contact", OURS)
    _created(ledger, "tag", "7")
    ledger.reserve("DELETE", f"/contacts/{OURS}", region="us")
    ledger.observe(_answer("DELETE", f"/contacts/{OURS}", 200, {"id": OURS, "deleted": True}))
    assert not _admits(guard, "DELETE", f"/contacts/{OURS}")
    assert not _admits(guard, "PUT", f"/contacts/{OURS}", {"name": "x"})
    assert not _admits(guard, "POST", f"/contacts/{OURS}/tags", {"id": "7"})
    ledger.reserve("DELETE", "/tags/7", region="us")  # sent, answered 500: gone or not, never written again
    ledger.observe(_answer("DELETE", "/tags/7", 500, {"type": "error.list"}))
    assert not _admits(guard, "DELETE", "/tags/7")
    assert not _admits(guard, "POST", f"/conversations/{OURS}/tags", {"id": "7"})


# -- create-or-update requests that name an existing record otherwise ------------------------------------------------
@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/tags", {"name": "MARK renamed", "id": "8"}),  # Intercom renames tag 8: then it is "the run's" and deleted
        ("/companies", {"company_id": "MARK-1", "id": STRANGER}),
        ("/contacts", {"email": "MARK@example.com", "id": STRANGER}),
        ("/data_attributes", {"name": "MARK_plan", "model": "contact", "data_type": "string", "id": 5}),
    ],
)
def test_a_create_or_update_request_names_no_record_by_its_id(
    guard: LiveGuard, ledger: WriteLedger, path: str, payload: dict[str, object]
) -> None:
    marked = json.loads(json.dumps(payload).replace("MARK", ledger.marker))
    assert not _admits(guard, "POST", path, marked)
    assert _admits(guard, "POST", path, {key: value for key, value in marked.items() if key != "id"})


# -- bodies a lenient server reads otherwise -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        b'{"id": "8",}',  # a trailing comma: JSON5 and lenient parsers read tag 8
        b'[{"id": "8"}]',
        b"id=8",
        b"null",
    ],
)
def test_a_flows_write_body_is_a_json_object_or_nothing(guard: LiveGuard, ledger: WriteLedger, raw: bytes) -> None:
    _created(ledger, "contact", OURS)
    assert not _admits(guard, "POST", f"/contacts/{OURS}/tags", raw=raw)
    assert not _admits(guard, "PUT", f"/contacts/{OURS}", raw=raw)
    assert _admits(guard, "POST", f"/contacts/{OURS}/archive")  # no body at all


def test_a_write_to_the_runs_item_names_no_other_record_by_id(guard: LiveGuard, ledger: WriteLedger) -> None:
    _created(ledger, "contact", OURS)
    assert not _admits(guard, "PUT", f"/contacts/{OURS}", {"id": STRANGER, "name": "x"})
    assert _admits(guard, "PUT", f"/contacts/{OURS}", {"id": OURS, "name": "x"})


# -- parties: writes under the run's records reach nobody but the run's admin and contacts ---------------------------
@pytest.mark.parametrize(
    ("path", "payload", "admitted"),
    [
        # another person added to the run's conversation: the replies after reach them
        ("/conversations/CONV/customers", {"admin_id": ADMIN, "customer": {"intercom_user_id": STRANGER}}, False),
        ("/conversations/CONV/customers", {"admin_id": ADMIN, "customer": {"email": "someone@example.com"}}, False),
        ("/conversations/CONV/customers", {"admin_id": ADMIN, "customer": {"intercom_user_id": OURS}}, True),
        # a teammate's name on the run's replies, or the conversation assigned to them (they are notified)
        ("/conversations/CONV/reply", {"message_type": "comment", "type": "admin", "admin_id": OTHER_ADMIN}, False),
        ("/conversations/CONV/reply", {"message_type": "comment", "type": "admin", "admin_id": ADMIN}, True),
        ("/conversations/CONV/reply", {"message_type": "comment", "type": "user", "intercom_user_id": STRANGER}, False),
        ("/conversations/CONV/reply", {"message_type": "comment", "type": "user", "intercom_user_id": OURS}, True),
        ("/conversations/CONV/reply", {"message_type": "comment", "type": "user", "email": "a@example.com"}, False),
        (
            "/conversations/CONV/parts",
            {"message_type": "assignment", "admin_id": ADMIN, "assignee_id": OTHER_ADMIN},
            False,
        ),
        ("/conversations/CONV/parts", {"message_type": "assignment", "admin_id": ADMIN, "assignee_id": ADMIN}, True),
        ("/conversations/CONV/parts", {"message_type": "close", "admin_id": ADMIN}, True),
        ("/conversations/CONV/run_assignment_rules", {}, False),  # the workspace's rules pick a teammate
        ("/conversations/CONV/convert", {"ticket_type_id": "1"}, False),  # creates a ticket the run does not record
        (f"/contacts/{OURS}/notes", {"body": "x", "admin_id": OTHER_ADMIN}, False),
        (f"/contacts/{OURS}/notes", {"body": "x", "admin_id": ADMIN}, True),
    ],
)
def test_a_write_under_the_runs_record_names_only_the_runs_parties(
    guard: LiveGuard, ledger: WriteLedger, path: str, payload: dict[str, object], admitted: bool
) -> None:
    _created(ledger, "contact", OURS)
    _conversation(ledger, "9001")
    assert _admits(guard, "POST", path.replace("CONV", "9001"), payload) is admitted


@pytest.mark.parametrize(
    ("method", "path", "payload", "admitted"),
    [
        # the run's contact given a real person's address: what the flows send it next reaches them
        ("PUT", f"/contacts/{OURS}", {"email": "real.person@example.org"}, False),
        ("PUT", f"/contacts/{OURS}", {"email": "MARK-2@example.com"}, True),
        ("PUT", f"/contacts/{OURS}", {"owner_id": OTHER_ADMIN}, False),
        ("POST", "/articles", {"title": "MARK", "author_id": OTHER_ADMIN}, False),  # published under a teammate's name
        ("POST", "/articles", {"title": "MARK", "author_id": ADMIN}, True),
        ("POST", "/contacts", {"email": "MARK@example.com", "owner_id": OTHER_ADMIN}, False),
    ],
)
def test_the_runs_records_name_no_other_person(
    guard: LiveGuard, ledger: WriteLedger, method: str, path: str, payload: dict[str, object], admitted: bool
) -> None:
    _created(ledger, "contact", OURS)
    marked = json.loads(json.dumps(payload).replace("MARK", ledger.marker))
    assert _admits(guard, method, path, marked) is admitted


# -- the ledger file: unreadable, replaced or removed, it is refused, never trusted or started afresh ---------------
@pytest.mark.parametrize(
    "text",
    [
        "{",
        "[]",
        '{"marker": "icc-0000000a", "writes": "0", "reversals": 0, "records": [], "seal": ""}',
        '{"marker": "icc-0000000a", "writes": 0, "reversals": 0, "records": [{"kind": "contact"}], "seal": ""}',
    ],
)
def test_an_unreadable_ledger_refuses_every_write(tmp_path: Path, text: str) -> None:
    path = tmp_path / "writes"
    path.write_text(text)
    ledger = WriteLedger(path, 10)
    with pytest.raises(NotSent, match=r"^the live write ledger .* is unreadable"):
        ledger.reserve("POST", "/contacts")
    with pytest.raises(NotSent, match="is unreadable"):
        ledger.admit("POST", "/contacts", b'{"email": "x"}', region="us")


def test_a_ledger_record_that_names_another_item_than_its_own_is_refused(tmp_path: Path) -> None:
    ledger = WriteLedger(tmp_path / "writes", 10)
    _created(ledger, "contact", OURS)
    state = json.loads(ledger.path.read_text())
    state["records"][0]["delete_path"] = f"/contacts/{STRANGER}"
    ledger.path.write_text(json.dumps(state))
    with pytest.raises(NotSent, match="is unreadable"):
        ledger.records()


def test_a_ledger_removed_or_replaced_mid_run_is_not_started_afresh(tmp_path: Path) -> None:
    ledger = WriteLedger(tmp_path / "writes", 2)
    ledger.reserve("POST", "/contacts")
    ledger.reserve("POST", "/contacts")
    ledger.path.unlink()  # a temp cleaner, another run: the cap must not start again from 0
    with pytest.raises(NotSent, match="is unreadable"):
        ledger.reserve("POST", "/contacts")
    other = WriteLedger(tmp_path / "other", 2)
    other.reserve("POST", "/tags")
    ledger.path.write_text(other.path.read_text())  # another run's ledger in its place
    with pytest.raises(NotSent, match="is unreadable"):
        ledger.reserve("POST", "/contacts")


@pytest.mark.parametrize("consistently", [False, True])
def test_cleanup_deletes_nothing_from_a_tampered_ledger(server: MockServer, tmp_path: Path, consistently: bool) -> None:
    run = _run(server, tmp_path)
    client = run.client("us", "2.11")
    made = client.request("POST", "/contacts", payload={"email": f"{run.ledger.marker}@example.com"})
    contact = json.loads(made.content)["id"]
    state = json.loads(run.ledger.path.read_text())
    state["records"][0]["id"] = DEFAULT_CONTACT_ID  # tampered: the seeded contact taken for the run's
    if consistently:  # what the file alone cannot tell: its seal, made with the run's key, does
        state["records"][0]["delete_path"] = f"/contacts/{DEFAULT_CONTACT_ID}"
    run.ledger.path.write_text(json.dumps(state))
    with pytest.raises(IntercomContractsError, match="is unreadable"):
        run.cleanup()
    run.close()
    assert not [e for e in server.fake.exchanges if e.request.method == "DELETE"]
    assert _status(server, f"/contacts/{DEFAULT_CONTACT_ID}") == 200
    assert _status(server, f"/contacts/{contact}") == 200  # left, and the report says why (not deleted blindly)


def test_a_ctrl_c_while_the_ledger_is_written_leaves_it_whole(
    ledger: WriteLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals are delivered to the main thread only")
    _created(ledger, "contact", OURS)
    ledger.reserve("POST", "/contacts")
    marker = ledger.marker
    dumps = json.dumps

    def interrupted(*args: object, **kwargs: object) -> str:
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the ledger is being written
        return dumps(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(json, "dumps", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ledger.left(f"/contacts/{OURS}", "interrupted", region="us")
    monkeypatch.undo()
    assert (ledger.marker, ledger.writes) == (marker, 1)  # not started afresh: the cap and the records are whole
    assert [(record.id, record.reason) for record in ledger.records()] == [(OURS, "interrupted")]


TAMPERING_TEST = """
import json

def test_creates_then_the_ledger_is_tampered_with(intercom_run):
    client = intercom_run.client("us", intercom_run.versions[0])
    made = client.request("POST", "/contacts", payload={"email": intercom_run.ledger.marker + "@example.com"})
    assert made.status == 200
    path = intercom_run.ledger.path
    state = json.loads(path.read_text())
    state["records"][0]["id"] = "SEEDED"  # the seeded contact taken for the run's, consistently
    state["records"][0]["delete_path"] = "/contacts/SEEDED"
    path.write_text(json.dumps(state))
"""


def test_a_session_with_a_tampered_ledger_deletes_nothing_and_says_why(
    pytester: pytest.Pytester, server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _live_env(server).items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(test_tampering=TAMPERING_TEST.replace("SEEDED", DEFAULT_CONTACT_ID))
    report = pytester.path / "report.json"
    base = ("--intercom-base-url", f"us={server.base_urls['us']}", "--intercom-report", str(report))
    result = pytester.runpytest_subprocess(*SUITE, *FLOWS, *base)
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
    result.stdout.fnmatch_lines(["intercom-contracts: live flows: the live write ledger * is unreadable (not sealed *"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert not [e for e in server.fake.exchanges if e.request.method == "DELETE"]
    assert _status(server, f"/contacts/{DEFAULT_CONTACT_ID}") == 200


def test_a_count_written_by_anything_but_the_run_is_refused(tmp_path: Path) -> None:
    ledger = WriteLedger(tmp_path / "writes", 2, key="the run's")
    ledger.reserve("POST", "/contacts")
    ledger.reserve("POST", "/contacts")
    state = json.loads(ledger.path.read_text())
    state["writes"] = 0  # the cap spent, and counted afresh
    ledger.path.write_text(json.dumps(state))
    with pytest.raises(NotSent, match="not sealed with this run's key"):
        ledger.reserve("POST", "/contacts")
    assert json.loads(ledger.path.read_text()) == state  # left as it is: nothing rewritten over it


# -- a creation answered with a record the run did not create ---------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "sent", "answer"),
    [
        ("/articles", {"title": "MARK guide", "author_id": ADMIN}, {"type": "article", "id": "42", "title": "Pricing"}),
        (
            "/conversations",
            {"from": {"type": "user", "id": OURS}, "body": "MARK hi"},
            {"type": "user_message", "id": "1", "conversation_id": "77", "body": "Where is my order?"},
        ),
    ],
)
def test_a_creation_answered_with_another_record_is_never_taken_for_the_runs(
    guard: LiveGuard, ledger: WriteLedger, path: str, sent: dict[str, object], answer: dict[str, object]
) -> None:
    # A server (or a proxy's cache) answering with the help center's existing article, or a customer's conversation:
    # taken at its word, the run would reply into it, or delete it at the end.
    _created(ledger, "contact", OURS)
    marked = json.loads(json.dumps(sent).replace("MARK", ledger.marker))
    assert _admits(guard, "POST", path, marked)
    assert not _admits(guard, "POST", path, {**marked, "title" if path == "/articles" else "body": "no marker"})
    ledger.observe(_answer("POST", path, 200, answer, request=marked))
    [record] = [record for record in ledger.records() if record.kind != "contact"]
    assert (record.owned, record.delete_path) == (False, None)
    item = f"{path}/{record.id}"
    assert not _admits(guard, "PUT", item, {"title": "x"})
    assert not _admits(guard, "POST", f"{item}/reply", {"message_type": "comment", "type": "admin", "admin_id": ADMIN})


def test_an_id_given_again_to_what_the_run_creates_is_deleted_again(guard: LiveGuard, ledger: WriteLedger) -> None:
    # The server reuses the id of a contact the run deleted for the next one it creates: that one is the run's too.
    _created(ledger, "contact", OURS)
    ledger.reserve("DELETE", f"/contacts/{OURS}", region="us")
    ledger.observe(_answer("DELETE", f"/contacts/{OURS}", 200, {"id": OURS, "deleted": True}))
    _created(ledger, "contact", OURS)
    [record] = ledger.records()
    assert (record.deleted, record.delete_sent, record.delete_path) == (False, False, f"/contacts/{OURS}")
    assert _admits(guard, "DELETE", f"/contacts/{OURS}")
