"""The live message budget: one cap for the whole run, shared by every process (xdist workers included).

Every POST /messages of a live run reserves one message before it is sent, whatever the case (valid, invalid,
breadth); an answer that created nothing (a 4xx) gives it back. So the cap holds even against a server that accepts
everything. Parts of the cap are reserved first (`plan`, see contracts.live._plan: each region x version's core
checks), so that neither breadth nor the valid examples, whichever runs first, can spend what a refusal check
needs; a request taken from a part is given back to it while its test runs, and what a part leaves unused is
released when its test ends. The state is a small JSON file, read and written under an exclusive lock.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["MessageBudget"]

T = TypeVar("T")


class MessageBudget:
    """At most `limit` messages for the run; `shares` (e.g. "us/2.11") each get a part of it first, or `plan`
    names each part and its size (its sum within `limit`)."""

    def __init__(
        self, path: Path, limit: int, *, shares: Iterable[str] = (), plan: Mapping[str, int] | None = None
    ):
        self.path, self.limit = path, limit
        self.shares = tuple(dict.fromkeys(shares))
        self.plan = dict(plan) if plan is not None else None
        path.parent.mkdir(parents=True, exist_ok=True)

    def _initial(self) -> dict[str, Any]:
        if self.plan is not None:
            return {"used": 0, "reserved": dict(self.plan), "released": []}
        each = self.limit // (2 * len(self.shares)) if self.shares else 0
        if self.shares and each == 0 and self.limit >= len(self.shares):
            each = 1  # a small cap: one message per region x version before anything else
        return {"used": 0, "reserved": {share: each for share in self.shares}, "released": []}

    def _update(self, change: Callable[[dict[str, Any]], T]) -> T:
        with open(self.path, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            text = handle.read().strip()
            state = json.loads(text) if text else self._initial()
            result = change(state)
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(state))
            handle.flush()
            os.fsync(handle.fileno())
            return result

    def take(self, share: str | None = None) -> bool:
        """Reserve one message, from `share`'s part first when given; False once nothing is left for it."""

        def take(state: dict[str, Any]) -> bool:
            reserved: dict[str, int] = state["reserved"]
            if share is not None and reserved.get(share, 0) > 0:
                reserved[share] -= 1
                state["used"] += 1
                return True
            free = self.limit - state["used"] - sum(reserved.values())
            if free <= 0:
                return False
            state["used"] += 1
            return True

        return self._update(take)

    def give_back(self, share: str | None = None) -> None:
        """The message reserved was not created (the answer was a 4xx): it goes back to `share`'s part while its
        test runs (the next refusal it checks has it again), to the free part otherwise."""

        def give_back(state: dict[str, Any]) -> None:
            if state["used"] <= 0:
                return
            state["used"] -= 1
            if share is not None and share in state["reserved"] and share not in state.get("released", []):
                state["reserved"][share] += 1

        self._update(give_back)

    def release(self, share: str) -> None:
        """`share`'s test is over: what it did not use is free for the rest of the run."""

        def release(state: dict[str, Any]) -> None:
            state["reserved"][share] = 0
            state.setdefault("released", []).append(share)

        self._update(release)

    def exhausted(self) -> str:
        """Why a request found nothing left, for the skip reason: the cap, and how much of it the plan reserved."""
        reserved = sum(self.plan.values()) if self.plan is not None else 0
        reason = f"the live message budget (--intercom-max-live-messages {self.limit}) is spent"
        if reserved:
            reason += f": {reserved} of it kept first for each region x version's core checks, the rest for examples"
        return reason

    def _read(self) -> dict[str, Any]:
        """The state as the last locked update left it (read under the lock: never a half-written file)."""
        with open(self.path, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            handle.seek(0)
            text = handle.read().strip()
        return json.loads(text) if text else self._initial()

    @property
    def used(self) -> int:
        return int(self._read()["used"])

    def spent(self, share: str | None = None) -> bool:
        """Whether nothing is left for `share` (or, without one, for anyone outside the shares)."""
        state = self._read()
        free = self.limit - state["used"] - sum(state["reserved"].values())
        return free <= 0 and (share is None or state["reserved"].get(share, 0) <= 0)
