"""Named checks that state when they apply, and the judge that collects every failure of an exchange."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._registry import (
        RESPONSE_CHECKS,
        CheckContext,
        CheckFailure,
        ExchangeFailures,
        Intent,
        Judge,
        Judgement,
        answer_of,
        check,
        fail,
        judge,
    )
    from ._verdicts import NotApplicable

__all__ = [
    "RESPONSE_CHECKS",
    "CheckContext",
    "CheckFailure",
    "ExchangeFailures",
    "Intent",
    "Judge",
    "Judgement",
    "NotApplicable",
    "answer_of",
    "check",
    "fail",
    "judge",
]

__getattr__, __dir__ = attach(__name__, {
    "CheckContext": "_registry",
    "CheckFailure": "_registry",
    "ExchangeFailures": "_registry",
    "Intent": "_registry",
    "Judge": "_registry",
    "Judgement": "_registry",
    "NotApplicable": "_verdicts",
    "RESPONSE_CHECKS": "_registry",
    "answer_of": "_registry",
    "check": "_registry",
    "fail": "_registry",
    "judge": "_registry",
})
