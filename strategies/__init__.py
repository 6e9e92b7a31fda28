"""Hypothesis strategies for Intercom's API, drawn from a contract (`spec.contract(version)`).

Strategies take the contract first (`error_lists` too, where it is optional) and their options keyword-only; what
they draw validates against that contract. Importing this package registers the settings profiles `dev`, `ci` and
`live` (the pytest plugin registers them too, so `--hypothesis-profile live` works in any project). Strategies are
imported when first used (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .profiles import PROFILES, register_profiles

if TYPE_CHECKING:
    from contracts.spec import Rejection

    from .invalid import InvalidRequest, documented_rejections, invalid_create_message_requests
    from .notifications import notifications
    from .requests import create_message_requests
    from .responses import error_lists, messages, request_ids

register_profiles()

__all__ = [
    "PROFILES",
    "InvalidRequest",
    "Rejection",
    "create_message_requests",
    "documented_rejections",
    "error_lists",
    "invalid_create_message_requests",
    "messages",
    "notifications",
    "request_ids",
]

_HOMES = {
    "InvalidRequest": ".invalid",
    "Rejection": "contracts.spec._facts",
    "create_message_requests": ".requests",
    "documented_rejections": ".invalid",
    "error_lists": ".responses",
    "invalid_create_message_requests": ".invalid",
    "messages": ".responses",
    "notifications": ".notifications",
    "request_ids": ".responses",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'strategies' has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
