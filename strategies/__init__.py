"""Hypothesis strategies for the Intercom Create-a-message contract.

Every strategy takes the contract first and its options keyword-only; what it draws validates against that contract.
Importing this package registers the settings profiles `dev`, `ci` and `live`.
"""

from __future__ import annotations

from contracts.facts import Rejection

from .invalid import InvalidRequest, documented_rejections, invalid_create_message_requests
from .profiles import PROFILES, register_profiles
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
    "request_ids",
]
