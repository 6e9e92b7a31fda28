"""Reading descriptions and reports side by side: lint, diff, the upgrade report, one report from a CI matrix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._diff import SpecDiff, diff
    from ._lint import lint
    from ._merge import live_message_share, merge_reports, split_group
    from ._request_shapes import documented_enums
    from ._upgrade import render_text, upgrade_report
    from ._usage_upgrade import UsageUpgrade, usage_upgrade

__all__ = [
    "SpecDiff",
    "UsageUpgrade",
    "diff",
    "documented_enums",
    "lint",
    "live_message_share",
    "merge_reports",
    "render_text",
    "split_group",
    "upgrade_report",
    "usage_upgrade",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "SpecDiff": "_diff",
        "UsageUpgrade": "_usage_upgrade",
        "diff": "_diff",
        "documented_enums": "_request_shapes",
        "lint": "_lint",
        "live_message_share": "_merge",
        "merge_reports": "_merge",
        "split_group": "_merge",
        "render_text": "_upgrade",
        "upgrade_report": "_upgrade",
        "usage_upgrade": "_usage_upgrade",
    },
)
