"""A run of the contract suite: settings from options, the run's contracts, fake and clients; breadth."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._breadth import (
        BREADTH_CHECKS,
        accepted_though_negative,
        breadth_document,
        is_positive,
        names_another_version,
        pin_parties,
        plan,
        schema_for,
        select_operations,
        send_case,
        undocumented_in,
    )
    from ._replay import live_target, mock_target, replay
    from ._run import IntercomRun, live_flows, share_of
    from ._service import ServiceSettings, serve, wire_exchange
    from ._settings import OPTIONS, RunSettings, parse_admin_id, parse_contact_id

__all__ = [
    "BREADTH_CHECKS",
    "OPTIONS",
    "IntercomRun",
    "RunSettings",
    "ServiceSettings",
    "accepted_though_negative",
    "breadth_document",
    "is_positive",
    "live_flows",
    "live_target",
    "mock_target",
    "names_another_version",
    "parse_admin_id",
    "parse_contact_id",
    "pin_parties",
    "plan",
    "replay",
    "schema_for",
    "select_operations",
    "send_case",
    "serve",
    "share_of",
    "undocumented_in",
    "wire_exchange",
]

__getattr__, __dir__ = attach(__name__, {
    "BREADTH_CHECKS": "_breadth",
    "IntercomRun": "_run",
    "OPTIONS": "_settings",
    "RunSettings": "_settings",
    "accepted_though_negative": "_breadth",
    "breadth_document": "_breadth",
    "is_positive": "_breadth",
    "live_flows": "_run",
    "live_target": "_replay",
    "mock_target": "_replay",
    "names_another_version": "_breadth",
    "parse_admin_id": "_settings",
    "parse_contact_id": "_settings",
    "pin_parties": "_breadth",
    "plan": "_breadth",
    "replay": "_replay",
    "schema_for": "_breadth",
    "select_operations": "_breadth",
    "send_case": "_breadth",
    "share_of": "_run",
    "ServiceSettings": "_service",
    "serve": "_service",
    "wire_exchange": "_service",
    "undocumented_in": "_breadth",
})
