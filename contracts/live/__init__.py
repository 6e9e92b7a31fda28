"""Talking to a real server safely: the client, its guard, pacing, the live message budget and the write ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._budget import MessageBudget
    from ._client import HttpExchange, IntercomClient, NotSent, TransportFailure
    from ._guard import CREATE_MESSAGE_ROUTE, LiveGuard
    from ._pacing import Pacing, WaitAllowance
    from ._plan import CORE_NEEDS, budget_plan, part_of
    from ._writes import CreatedRecord, LedgerUnreadable, WriteLedger, is_write

__all__ = [
    "CORE_NEEDS",
    "CREATE_MESSAGE_ROUTE",
    "CreatedRecord",
    "HttpExchange",
    "IntercomClient",
    "LedgerUnreadable",
    "LiveGuard",
    "MessageBudget",
    "NotSent",
    "Pacing",
    "TransportFailure",
    "WaitAllowance",
    "WriteLedger",
    "budget_plan",
    "is_write",
    "part_of",
]

__getattr__, __dir__ = attach(__name__, {
    "CORE_NEEDS": "_plan",
    "CREATE_MESSAGE_ROUTE": "_guard",
    "CreatedRecord": "_writes",
    "HttpExchange": "_client",
    "IntercomClient": "_client",
    "LedgerUnreadable": "_writes",
    "LiveGuard": "_guard",
    "MessageBudget": "_budget",
    "NotSent": "_client",
    "Pacing": "_pacing",
    "TransportFailure": "_client",
    "WaitAllowance": "_pacing",
    "WriteLedger": "_writes",
    "budget_plan": "_plan",
    "is_write": "_writes",
    "part_of": "_plan",
})
