"""Intercom's scroll (`GET /companies/scroll`), as its description documents it.

From the operation's description (every version) and intercom-facts.md ("Reading: Scroll"):
- the first call (no `scroll_param`) opens a scroll and answers a page with a `scroll_param`; each next call passes it;
  every page carries the param;
- at the end the page's `data` is empty and the param expires (a call with it is then a 404 `not_found`);
- one scroll open per app: opening a second while one is open is an error with code `scroll_exists` (its status is
  not documented: `SCROLL_EXISTS` below; clients key on the code);
- a scroll not used for a minute expires: its param is a 404 `not_found`, and a new scroll may be opened.
Time is the workspace's clock (a test moves a fake clock instead of sleeping).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Final

from ..spec import NOT_FOUND

__all__ = ["EXPIRES_AFTER", "SCROLL_EXISTS", "ScrollPage", "Scrolls"]

EXPIRES_AFTER: Final = 60.0  # seconds unused ("If the scroll isn't used for 1 minute, it expires")
# UNCONFIRMED status: the description says only "You'll get an error message"; the code is what clients key on.
SCROLL_EXISTS: Final = (400, "scroll_exists", "scroll already exists for this workspace")
SCROLL_NOT_FOUND: Final = (NOT_FOUND[0], NOT_FOUND[1], "scroll parameter not found")


@dataclass
class _Open:
    param: str
    answered: int  # how many items the pages so far held
    last_used: float


@dataclass(frozen=True)
class ScrollPage:
    """A page of a scroll: where it starts in the items, how many it holds, its param; or the error to answer."""

    start: int = 0
    size: int = 0
    param: str = ""
    error: tuple[int, str, str] | None = None


class Scrolls:
    """The one scroll an app may have open (thread-safe)."""

    def __init__(self) -> None:
        self._open: _Open | None = None
        self._lock = threading.Lock()

    def page(self, param: str | None, total: int, size: int, now: float) -> ScrollPage:
        """The next page over `total` items for a call with `param` (None: open a scroll) at time `now`."""
        with self._lock:
            current = self._open
            if current is not None and now - current.last_used >= EXPIRES_AFTER:
                current = self._open = None  # unused for a minute: expired
            if not param:
                if current is not None:
                    return ScrollPage(error=SCROLL_EXISTS)
                current = self._open = _Open(str(uuid.uuid4()), 0, now)
            elif current is None or current.param != param:
                return ScrollPage(error=SCROLL_NOT_FOUND)
            start = min(current.answered, total)
            count = min(size, total - start)
            if count == 0:
                self._open = None  # the end: empty data, and the param expires
            else:
                current.answered, current.last_used = start + count, now
            return ScrollPage(start, count, current.param)
