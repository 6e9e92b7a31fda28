"""Why a run failed, in the user's words: a token a region refused, an erratum turned off, a drawn case too long.

Library functions the pytest plugin calls (it owns the hooks): each turns what a run saw into one readable line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..regions import DEFAULT_REGION, TOKEN_ENV, token_env_for

if TYPE_CHECKING:
    from ..spec import Erratum

__all__ = [
    "FIRST_ANSWERS",
    "TokenWatch",
    "bound_drawn_case",
    "errata_note",
    "explaining_errata",
    "token_source",
]

FIRST_ANSWERS = 3  # a region whose first answers to the run's token are all 401 refused that token
UNAUTHORIZED = 401


def token_source(region: str, environ: Mapping[str, str]) -> str:
    """Where a region's token came from: INTERCOM_ACCESS_TOKEN_EU, or INTERCOM_ACCESS_TOKEN for US (the fallback)."""
    own = token_env_for(region)
    if environ.get(own, "").strip() or region != DEFAULT_REGION:
        return own
    return TOKEN_ENV


@dataclass
class TokenWatch:
    """The first answers of each region to requests that carried the run's own token.

    `observe` every such answer (not the auth tests' deliberately missing or wrong tokens); a region whose first
    `first` answers were all 401 refused the token, and `lines` says so once, above the per-check failures.
    """

    first: int = FIRST_ANSWERS
    seen: dict[str, list[int]] = field(default_factory=dict)

    def observe(self, region: str, status: int) -> None:
        statuses = self.seen.setdefault(region, [])
        if len(statuses) < self.first:
            statuses.append(status)

    def refused(self) -> list[str]:
        """The regions whose first answers (all that came, when fewer than `first`) were all 401, in order seen."""
        return [r for r, statuses in self.seen.items() if statuses and all(s == UNAUTHORIZED for s in statuses)]

    def lines(self, servers: Mapping[str, str], environ: Mapping[str, str]) -> list[str]:
        """One line a refusing region: region, server, "token refused", and the variable the token came from."""
        return [
            f"region {region} ({servers.get(region, '?')}): token refused (401 on the first "
            f"{len(self.seen[region])} request(s)); the token came from {token_source(region, environ)}: "
            "check it belongs to a workspace of this region"
            for region in self.refused()
        ]


# Checks that judge what the run sent (a request the contract should refuse); the others judge what came back.
_REQUEST_CHECKS = frozenset({"invalid_request_rejected"})
_EITHER_SIDE = frozenset({"schemathesis"})


def explaining_errata(failure: Mapping[str, Any], errata: tuple[Erratum, ...]) -> list[Erratum]:
    """The errata (of `failure`'s version) that would have corrected the description this failure judged by.

    An erratum explains a failure when it is about the same side (what was sent, or what came back) and every name
    it corrects (the field, the values it removes or sets, the status or path it adds) shows in the failure; of
    those, the ones that name the most (a field as common as `type` shows in many failures: `subject` and
    `conversation_id` together say more).
    """
    version = str(failure.get("version", ""))
    text = " ".join(str(failure.get(key, "")) for key in ("problem", "received", "documented", "curl"))
    check = str(failure.get("check", ""))
    found: list[tuple[int, Erratum]] = []
    for erratum in errata:
        if not erratum.concerns(version) or not _same_side(check, erratum):
            continue
        names = _names(erratum)
        if names and all(_mentions(text, name) for name in names):
            found.append((len(names), erratum))
    most = max((count for count, _ in found), default=0)
    return [erratum for count, erratum in found if count == most]


def errata_note(errata: list[Erratum]) -> list[str]:
    """The lines a failure gets under --intercom-errata off: each erratum's id and its reason in one line."""
    return [f"erratum {e.id} (off: --intercom-errata off; the default is on): {_one_line(e.what)}" for e in errata]


def _same_side(check: str, erratum: Erratum) -> bool:
    if check in _EITHER_SIDE:
        return True
    about_request = "request" in erratum.where or "/parameters/" in erratum.where
    return about_request == (check in _REQUEST_CHECKS)


def _names(erratum: Erratum) -> list[str]:
    """The names an erratum corrects: properties on its pointer, values it removes or sets, a status or path added."""
    segments = [segment.replace("~1", "/").replace("~0", "~") for segment in erratum.where.split("/")]
    names = [segments[i + 1] for i, s in enumerate(segments[:-1]) if s == "properties" and segments[i + 1]]
    correction = erratum.correction
    names += [str(v) for v in correction.get("remove_items", []) if isinstance(v, str)]
    value = correction.get("set")
    if isinstance(value, dict):
        for key, nested in value.items():
            names.append(str(key))
            enum = nested.get("enum") if isinstance(nested, dict) else None
            names += [str(v) for v in enum or []]
    if "paths" in segments and "responses" in segments:
        names += [segments[segments.index("paths") + 1], segments[segments.index("responses") + 1]]
    return list(dict.fromkeys(names))


_COMMON_FIELDS = frozenset({"type", "id"})  # in nearly every body: only a place ($.type, /properties/type) names them


def _mentions(text: str, name: str) -> bool:
    """`name` as a whole word (a field, a value) or a whole path (`/me` is not in `/messages`)."""
    before = r"(?:\$\.|/properties/)" if name in _COMMON_FIELDS else r"(?<![\w])"
    return re.search(rf"{before}{re.escape(name)}(?![\w/])", text) is not None


def _one_line(text: str) -> str:
    return " ".join(text.split())


DRAWN_CASE_LIMIT = 400  # characters of one line of a drawn case shown; the curl line carries the whole request
DRAWN_CASE_LINES = 20


def bound_drawn_case(note: str, limit: int = DRAWN_CASE_LIMIT, max_lines: int = DRAWN_CASE_LINES) -> str:
    """Hypothesis's note of a drawn case (`Falsifying example: test(\\n    invalid=<a very long repr>,\\n)`) with
    each line cut to `limit` characters and at most `max_lines` lines, saying how much was left out."""
    lines = []
    for line in note.splitlines():
        if len(line) > limit:
            line = f"{line[:limit]}... ({len(line) - limit} more characters)"
        lines.append(line)
    if len(lines) > max_lines:
        kept = max_lines - 2  # the head, a line saying how many were left out, and the closing line
        lines = [*lines[:kept], f"    ... ({len(lines) - kept - 1} more lines)", lines[-1]]
    if lines != note.splitlines():
        lines.append("(the drawn case is shortened; the Reproduce curl line carries the whole request)")
    return "\n".join(lines)
