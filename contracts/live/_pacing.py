"""The one place that decides how long a live run waits for a server's rate limit, and whether to send again.

Every wait is bounded three ways: a floor above zero (a `Retry-After: 0`, a negative or `nan` value, or a reset
time already past — clock skew between a CI runner and Intercom does that — still waits `floor` seconds, so a 429
can never turn into a storm), a ceiling per pause (one documented rate-limit window), and a total for the run.
A request is sent again after a 429 at most `max_retries` times; past any bound, the 429 is the answer judged.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["Pacing", "WaitAllowance"]

WINDOW_SECONDS = 10.0  # Intercom's documented rate-limit window


@dataclass
class WaitAllowance:
    """The seconds a whole run may wait, shared by the Pacing of every region (the bound is the run's)."""

    max_wait: float = 60.0
    waited: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, delay: float) -> float:
        """Reserve up to `delay` seconds of what is left; the seconds granted."""
        with self._lock:
            granted = min(delay, self.left())
            self.waited += granted
            return granted

    def left(self) -> float:
        return max(self.max_wait - self.waited, 0.0)


@dataclass
class Pacing:
    """What a region's server said of its allowance, shared by the clients of that region (one token).

    The run's total of waits is `allowance`, shared by every region's Pacing (by default one of its own, of
    `max_wait` seconds).
    """

    max_wait: float = 60.0  # all the waits of the run, in seconds (when no allowance is shared)
    max_retries: int = 3  # 429s answered by sending the same request again, per request
    floor: float = 1.0  # the shortest wait after a 429
    ceiling: float = WINDOW_SECONDS  # the longest single pause
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    resume_at: float = 0.0
    unreachable: str | None = None  # the cause, once the server could not be reached
    allowance: WaitAllowance | None = None

    def __post_init__(self) -> None:
        if self.allowance is None:
            self.allowance = WaitAllowance(self.max_wait)

    @property
    def waited(self) -> float:
        """Seconds waited so far by every Pacing sharing this one's allowance."""
        return self.allowance.waited if self.allowance is not None else 0.0

    def before_request(self) -> None:
        """Wait while the server said its window is spent (bounded by the ceiling and the run's total)."""
        delay = self.resume_at - self.clock()
        if delay > 0:
            self._wait(min(delay, self.ceiling))

    def after_response(self, status: int, headers: Mapping[str, str], *, attempt: int) -> bool:
        """Learn from an answer; True when it was a 429 worth sending again (the wait is done before returning).

        `attempt` counts the sends of this request so far (1 for the first).
        """
        now = self.clock()
        reset = _finite(headers.get("x-ratelimit-reset"))
        remaining = _finite(headers.get("x-ratelimit-remaining"))
        if remaining is not None and remaining <= 0:
            pause = reset - now if reset is not None else self.floor
            self.resume_at = max(self.resume_at, now + _bounded(pause, self.floor, self.ceiling))
        if status != 429 or attempt > self.max_retries:
            return False
        retry_after = _finite(headers.get("retry-after"))
        asked = retry_after if retry_after is not None else (reset - now if reset is not None else self.floor)
        delay = _bounded(asked, self.floor, self.ceiling)
        assert self.allowance is not None
        if delay > self.allowance.left():
            return False  # beyond the run's bound: the 429 is the answer the checks judge
        self._wait(delay)
        self.resume_at = 0.0
        return True

    def _wait(self, delay: float) -> None:
        assert self.allowance is not None
        granted = self.allowance.take(delay)
        if granted > 0:
            self.sleep(granted)


def _finite(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def _bounded(seconds: float, floor: float, ceiling: float) -> float:
    return min(max(seconds, floor), ceiling)
