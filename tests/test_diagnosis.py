"""Why a run failed, in the user's words: a refused token, an erratum turned off, a drawn case too long to read."""

from __future__ import annotations

import json
from typing import Any

from contracts.reports._diagnosis import TokenWatch, bound_drawn_case, errata_note, explaining_errata, token_source
from contracts.spec import known_errata

SERVERS = {"us": "https://api.intercom.io", "eu": "https://api.eu.intercom.io"}


def test_a_region_whose_first_answers_are_all_401_refused_the_token_and_says_where_it_came_from() -> None:
    watch = TokenWatch()
    for status in (401, 401, 401, 200):  # what comes after the first answers does not matter
        watch.observe("eu", status)
    for status in (200, 401, 401):  # one accepted request: the token is good (the 401s are other causes)
        watch.observe("us", status)
    assert watch.refused() == ["eu"]
    assert watch.lines(SERVERS, {"INTERCOM_ACCESS_TOKEN_EU": "x"}) == [
        "region eu (https://api.eu.intercom.io): token refused (401 on the first 3 request(s)); the token came from "
        "INTERCOM_ACCESS_TOKEN_EU: check it belongs to a workspace of this region"
    ]


def test_the_us_token_names_the_variable_it_was_read_from() -> None:
    assert token_source("us", {"INTERCOM_ACCESS_TOKEN": "x"}) == "INTERCOM_ACCESS_TOKEN"
    assert token_source("us", {"INTERCOM_ACCESS_TOKEN_US": "x", "INTERCOM_ACCESS_TOKEN": "y"}) == (
        "INTERCOM_ACCESS_TOKEN_US"
    )
    watch = TokenWatch()
    watch.observe("us", 401)  # a run that sent one request: all it saw was refused
    assert "the token came from INTERCOM_ACCESS_TOKEN:" in watch.lines(SERVERS, {"INTERCOM_ACCESS_TOKEN": "x"})[0]


# What `intercom-contracts run --intercom-errata off` reports on the healthy fake (its JSON report, shortened).
ERRATA_OFF_FAILURES: list[dict[str, Any]] = [
    {
        "check": "message_schema",
        "version": "2.11",
        "problem": "Message at $: 'conversation_id' is a required property",
        "received": json.dumps({"id": "1023", "message_type": "email", "subject": "", "type": "user_message"}),
        "documented": json.dumps({"required": ["type", "id", "created_at", "subject", "body", "conversation_id"]}),
        "curl": 'curl -X POST https://api.intercom.io/messages --data-raw \'{"message_type": "email"}\'',
    },
    {
        "check": "invalid_request_rejected",
        "version": "2.11",
        "problem": "an invalid request (required at $.subject) was accepted",
        "received": "HTTP 200 (application/json)",
        "documented": "required at $.subject -> 422 parameter_not_found",
        "curl": 'curl -X POST https://api.intercom.io/messages --data-raw \'{"message_type": "email", "body": "x"}\'',
    },
    {
        "check": "schemathesis",
        "version": "2.11",
        "problem": "Schemathesis found 2 distinct failures",
        "received": "HTTP 400 bad_request (application/json)",
        "documented": '- ST108 Response violates schema\n "r5zyf9ownbqfbwwdtmn1" is not valid under any of the '
        "schemas listed in the 'anyOf' keyword\n Schema at /properties/request_id:",
        "curl": "curl -X POST https://api.intercom.io/messages -H 'Intercom-Version: 2.11'",
    },
]


def test_each_failure_of_the_errata_off_run_names_the_erratum_that_would_have_corrected_it() -> None:
    found = [[e.id for e in explaining_errata(failure, known_errata())] for failure in ERRATA_OFF_FAILURES]
    assert found == [
        ["message-subject-conversation-required"],
        ["create-message-email-branch-untied"],
        ["error-request-id-uuid"],
    ]


def test_no_erratum_is_named_for_another_version_or_a_failure_it_does_not_touch() -> None:
    assert explaining_errata({**ERRATA_OFF_FAILURES[0], "version": "2.12"}, known_errata()) == []
    unrelated = {"check": "rate_limit_headers", "version": "2.11", "problem": "rate-limit headers missing"}
    assert explaining_errata(unrelated, known_errata()) == []


def test_the_errata_note_gives_the_id_the_one_line_reason_and_says_the_default_is_on() -> None:
    (line,) = errata_note(explaining_errata(ERRATA_OFF_FAILURES[2], known_errata()))
    assert line == (
        "erratum error-request-id-uuid (off: --intercom-errata off; the default is on): `request_id` is declared "
        "`format: uuid`, but Intercom's request ids are not UUIDs."
    )


def test_a_drawn_case_is_shown_bounded_and_says_what_was_left_out() -> None:
    huge = "x" * 50_000
    note = f"Falsifying example: test_refused(\n    invalid=InvalidRequest(payload={{'body': '{huge}'}}),\n)"
    shown = bound_drawn_case(note)
    assert len(shown) < 700
    assert shown.splitlines()[0] == "Falsifying example: test_refused("
    assert "more characters)" in shown
    assert shown.splitlines()[2] == ")"
    assert shown.endswith("(the drawn case is shortened; the Reproduce curl line carries the whole request)")
    tall = "Falsifying example: t(\n" + "\n".join(f"    line {i}," for i in range(100)) + "\n)"
    lines = bound_drawn_case(tall).splitlines()
    assert len(lines) == 21
    assert lines[18:20] == ["    ... (83 more lines)", ")"]


def test_a_short_drawn_case_is_left_as_it_is() -> None:
    note = "Falsifying example: test_refused(\n    invalid=InvalidRequest(payload={}),\n)"
    assert bound_drawn_case(note) == note


def test_a_field_as_common_as_type_is_named_only_by_its_place() -> None:
    too_short = {"check": "message_schema", "version": "2.12", "problem": "Message at $.type: '' should be non-empty"}
    assert [e.id for e in explaining_errata(too_short, known_errata())] == ["message-type-non-empty"]
