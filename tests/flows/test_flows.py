"""The flows on the fake: they pass for every version, and find a planted fault, shrunk to a few steps."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from contracts.flows import FlowFailure, flow_machine, flow_settings, run_flows
from tests.conftest import PUBLISHED

from .conftest import MakeTarget

# Fault -> the invariant that must name it.
PLANTED = {
    "deleted-still-listed": "lists_hold_created_not_deleted",
    "page-repeats-item": "pages_never_repeat_or_skip",
}


@pytest.mark.parametrize("version", PUBLISHED)
def test_the_flows_pass_on_the_fake(fake_target: MakeTarget, version: str) -> None:
    target, fake = fake_target(version)
    run_flows(target, examples=10, steps=15)
    assert target.trail  # steps were taken (the last example's)
    sent = fake.exchanges
    assert [e.violation.message for e in sent if e.violation is not None] == []  # only requests the contract takes
    assert sorted({item for e in sent for item in e.undocumented}) == []


@pytest.mark.parametrize("version", ["2.7", "2.11", "Preview"])
@pytest.mark.parametrize("fault", sorted(PLANTED))
def test_a_planted_fault_is_found_and_shrunk(fake_target: MakeTarget, fault: str, version: str) -> None:
    target, _ = fake_target(version, fault)
    chosen = settings(flow_settings(examples=50, steps=8), derandomize=True)
    with pytest.raises(FlowFailure) as raised:
        run_state_machine_as_test(flow_machine(target), settings=chosen)
    failure = raised.value
    assert failure.invariant == PLANTED[fault]
    assert 1 <= len(failure.steps) <= 6, failure.steps
    assert any(step.startswith("create_contact") for step in failure.steps)
    text = str(failure)
    assert text.startswith(f"[{PLANTED[fault]}] ")
    assert f"Intercom-Version {version}: " in text
    assert "  Received: " in text
    assert "  Documented: " in text
    assert "After the steps: " in text
    assert "create_contact(" in text


def test_the_flows_leave_the_fake_they_ran_on_as_the_last_example_left_it(fake_target: MakeTarget) -> None:
    target, fake = fake_target("2.11")
    run_flows(target, examples=3, steps=10)
    made = {item.body.get("email") for item in fake.workspace.items("contact")}
    assert "contact@example.com" in made  # the seed is in every fresh workspace
    assert all(email == "contact@example.com" or email.startswith("icc-1a2b3c-") for email in made)


@pytest.mark.parametrize("version", ["2.9", "2.11"])
def test_a_ticket_reply_sends_only_what_its_version_declares(fake_target: MakeTarget, version: str) -> None:
    # 2.9's ticket reply declares no `type` (an admin's reply only): a flow sending it meets an undocumented input.
    target, fake = fake_target(version)
    machine = flow_machine(target)()
    contact = machine.create_contact()
    ticket = machine.open_ticket(contact)
    machine.reply_ticket(ticket)
    replies = [e for e in fake.exchanges if e.request.path.endswith("/reply")]
    assert [e.response.status for e in replies] == [200]
    assert [item for e in fake.exchanges for item in e.undocumented] == []
