"""The live message cap, shared by every process of a run (xdist workers included) through a locked file."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

__all__ = ["MessageBudget"]


class MessageBudget:
    """At most `limit` messages for the whole run; `take()` is atomic across processes."""

    def __init__(self, path: Path, limit: int):
        self.path, self.limit = path, limit
        path.parent.mkdir(parents=True, exist_ok=True)

    def take(self) -> bool:
        """Reserve one message; False once the cap is reached."""
        with open(self.path, "a+", encoding="ascii") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            used = int(handle.read().strip() or 0)
            if used >= self.limit:
                return False
            handle.seek(0)
            handle.truncate()
            handle.write(str(used + 1))
            handle.flush()
            os.fsync(handle.fileno())
            return True

    @property
    def used(self) -> int:
        try:
            return int(self.path.read_text(encoding="ascii").strip() or 0)
        except FileNotFoundError:
            return 0
