"""The documented topics per version and the object each carries."""

from __future__ import annotations

from contracts.webhooks import TOPICS, topic, topics_for


def test_ticket_and_2_9_topics_start_at_2_9() -> None:
    assert "ticket.created" not in topics_for("2.8")
    assert "company.deleted" not in topics_for("2.8")
    assert {"ticket.created", "company.deleted", "contact.subscribed"} <= set(topics_for("2.9"))


def test_preview_only_topics_are_preview_and_unstable_only() -> None:
    assert "audience.created" not in topics_for("2.16")
    assert "audience.created" in topics_for("Preview")
    assert "audience.created" in topics_for("Unstable")


def test_conversation_topics_carry_the_conversation_and_deletions_are_minimal() -> None:
    replied = topic("conversation.admin.replied")
    assert replied is not None
    assert replied.schema == "conversation"
    assert not replied.minimal
    deleted = topic("contact.deleted")
    assert deleted is not None
    assert deleted.minimal
    assert topic("conversation.admin.replyed") is None
    assert "ping" in TOPICS
    assert "ping" in topics_for("2.7")
