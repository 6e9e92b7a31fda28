"""Stateful flows across the API: our links between operations (links.yaml) and a hypothesis state machine that
creates, reads, lists, searches, updates and deletes through them, holding the target to its invariants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._invariants import walk_pages
    from ._links import Link, Links, links_data, links_for
    from ._machine import FlowMachine, flow_machine, flow_settings, run_flows
    from ._world import FlowFailure, FlowTarget, Send, client_sender

__all__ = [
    "FlowFailure",
    "FlowMachine",
    "FlowTarget",
    "Link",
    "Links",
    "Send",
    "client_sender",
    "flow_machine",
    "flow_settings",
    "links_data",
    "links_for",
    "run_flows",
    "walk_pages",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "FlowFailure": "_world",
        "FlowMachine": "_machine",
        "FlowTarget": "_world",
        "Link": "_links",
        "Links": "_links",
        "Send": "_world",
        "client_sender": "_world",
        "flow_machine": "_machine",
        "flow_settings": "_machine",
        "links_data": "_links",
        "links_for": "_links",
        "run_flows": "_machine",
        "walk_pages": "_invariants",
    },
)
