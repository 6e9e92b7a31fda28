"""Hypothesis strategies for the Intercom Create-a-message contract.

Every strategy takes the contract first and its options keyword-only; what it draws validates against that contract.
"""

from __future__ import annotations

from .profiles import PROFILES, register_profiles

register_profiles()

__all__ = ["PROFILES"]
