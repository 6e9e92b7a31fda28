"""Results of a run: the terminal table, Markdown, JSON and the self-contained HTML report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._diagnosis import TokenWatch, bound_drawn_case, errata_note, explaining_errata
    from ._html import diff_page
    from ._results import OUTCOMES, REPORT_FORMAT, CheckResult, Results, write_atomically
    from ._usage import USAGE_FORMAT, Coverage, UsageProfile, coverage_text

__all__ = [
    "OUTCOMES",
    "REPORT_FORMAT",
    "USAGE_FORMAT",
    "CheckResult",
    "Coverage",
    "Results",
    "TokenWatch",
    "UsageProfile",
    "bound_drawn_case",
    "coverage_text",
    "diff_page",
    "errata_note",
    "explaining_errata",
    "write_atomically",
]

__getattr__, __dir__ = attach(__name__, {
    "CheckResult": "_results",
    "OUTCOMES": "_results",
    "REPORT_FORMAT": "_results",
    "Results": "_results",
    "Coverage": "_usage",
    "TokenWatch": "_diagnosis",
    "USAGE_FORMAT": "_usage",
    "UsageProfile": "_usage",
    "coverage_text": "_usage",
    "bound_drawn_case": "_diagnosis",
    "diff_page": "_html",
    "errata_note": "_diagnosis",
    "explaining_errata": "_diagnosis",
    "write_atomically": "_results",
})
