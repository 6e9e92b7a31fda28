"""Reading descriptions side by side: lint, diff between two descriptions, the upgrade report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._diff import SpecDiff, diff
    from ._lint import lint
    from ._merge import merge_reports
    from ._upgrade import render_text, upgrade_report
    from ._usage_upgrade import UsageUpgrade, usage_upgrade

__all__ = [
    "SpecDiff",
    "UsageUpgrade",
    "diff",
    "lint",
    "merge_reports",
    "render_text",
    "upgrade_report",
    "usage_upgrade",
]

__getattr__, __dir__ = attach(__name__, {
    "SpecDiff": "_diff",
    "UsageUpgrade": "_usage_upgrade",
    "diff": "_diff",
    "lint": "_lint",
    "merge_reports": "_merge",
    "render_text": "_upgrade",
    "upgrade_report": "_upgrade",
    "usage_upgrade": "_usage_upgrade",
})
