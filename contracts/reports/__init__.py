"""Results of a run: the terminal table, Markdown, JSON and the self-contained HTML report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._diagnosis import TokenWatch, bound_drawn_case, errata_note, explaining_errata
    from ._html import diff_page
    from ._results import OUTCOMES, REPORT_FORMAT, CheckResult, Results, write_atomically

__all__ = [
    "OUTCOMES",
    "REPORT_FORMAT",
    "CheckResult",
    "Results",
    "TokenWatch",
    "bound_drawn_case",
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
    "TokenWatch": "_diagnosis",
    "bound_drawn_case": "_diagnosis",
    "diff_page": "_html",
    "errata_note": "_diagnosis",
    "explaining_errata": "_diagnosis",
    "write_atomically": "_results",
})
