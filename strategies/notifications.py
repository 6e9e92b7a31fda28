"""Webhook notifications as Intercom delivers them, for property tests of a team's handler.

Each draw is a whole notification envelope whose `data.item` is that version's API object of the topic (drawn ids,
timestamps and text kept where the item's schema accepts them): what a handler must parse. Sign it with
`contracts.webhooks.sign(body, secret)` to test the handler's signature check.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from contracts.spec import Contract
from contracts.webhooks import item_for, notification, topics_for

from .text import non_blank_text

__all__ = ["notifications"]

_HEX = "0123456789abcdef"


def notifications(contract: Contract, topic: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Notifications of `topic` (default: any topic `contract`'s version documents), valid for that version."""
    if not isinstance(contract, Contract):
        raise InvalidArgument(f"contract must be a Contract (from spec.contract()), not {type(contract).__name__}")
    known = topics_for(contract.version)
    if topic is not None and topic not in known:
        raise InvalidArgument(f"topic {topic!r} is not a webhook topic of version {contract.version}")
    topics = st.just(topic) if topic is not None else st.sampled_from(sorted(known))
    return st.builds(
        lambda name, overlay, envelope: notification(name, item_for(contract.spec, name, overlay), **envelope),
        topics,
        _overlays(),
        _envelopes(),
    )


def _overlays() -> st.SearchStrategy[dict[str, Any]]:
    """Fields most items carry, drawn: kept where the item's schema accepts them, synthesized otherwise."""
    return st.fixed_dictionaries(
        {},
        optional={
            "id": st.text(_HEX, min_size=1, max_size=24),
            "created_at": st.integers(min_value=1_300_000_000, max_value=2_000_000_000),
            "updated_at": st.integers(min_value=1_300_000_000, max_value=2_000_000_000),
            "name": non_blank_text(max_size=40),
        },
    )


def _envelopes() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "app_id": st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=8, max_size=8),
            "notification_id_": st.uuids().map(lambda value: f"notif_{value}"),
            "created_at": st.integers(min_value=1_300_000_000, max_value=2_000_000_000),
            "delivery_attempts": st.integers(min_value=1, max_value=5),
        }
    )
