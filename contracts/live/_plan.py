"""The live message budget's plan: what each region x version's core checks reserve before any example spends it.

A core check that sends a POST /messages the server should refuse (an invalid request, a request without a valid
token) creates a message when the server wrongly accepts it, so it needs a message of the cap like any other; if
the valid examples spent the cap first, the refusals Intercom promises would never be checked. So the plan reserves,
for every region x version, one part per core check (`CORE_NEEDS`), before anything else:
- the parts are handed out in rounds, the most important check first and every region x version in turn, so a cap
  too small for all of them still gives each region x version its first checks before any gets more;
- what the cap leaves after them is split as before: half of it to the valid-message examples of each region x
  version, the rest free for whatever asks (more examples, breadth's cases);
- a part is the check's own: taken first by that check's requests, given back to it when the server refused (nothing
  was created), and freed for the rest of the run when its test ends.
The cap itself never moves: a part is only ever a reservation of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["CORE_NEEDS", "budget_plan", "part_of"]

# Purpose -> messages reserved per region x version, most important first. The creating refusals of the suite:
# the invalid-request property's first sent draw, the first documented rejections (no body, a blank body), the
# POST /messages sent without a token and with a wrong one, and the first valid message (what it echoes).
CORE_NEEDS: Final[tuple[tuple[str, int], ...]] = (
    ("invalid", 1),
    ("documented", 2),
    ("no-token", 1),
    ("wrong-token", 1),
    ("valid", 1),
)
EXAMPLES: Final = "valid"  # the part the valid-message examples draw on beyond its core message


def part_of(share: str, purpose: str) -> str:
    """The budget's key of `purpose`'s part in `share` (a region x version, e.g. "us/2.11")."""
    return f"{share}:{purpose}"


def budget_plan(
    cap: int, shares: Iterable[str], needs: tuple[tuple[str, int], ...] = CORE_NEEDS
) -> dict[str, int]:
    """The messages reserved for each part (see the module's docstring); their sum never exceeds `cap`."""
    shares = tuple(dict.fromkeys(shares))
    plan = {part_of(share, purpose): 0 for purpose, _ in needs for share in shares}
    left = max(cap, 0)
    for round_ in range(max((need for _, need in needs), default=0)):
        for purpose, need in needs:
            for share in shares if round_ < need else ():
                if left:
                    plan[part_of(share, purpose)] += 1
                    left -= 1
    if shares and any(purpose == EXAMPLES for purpose, _ in needs):
        each = left // (2 * len(shares))
        for share in shares:
            plan[part_of(share, EXAMPLES)] += each
    return plan
