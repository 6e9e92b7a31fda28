"""The on-disk cache: parsed documents keyed by content hash, and downloaded official descriptions.

The cache directory is the only place the toolkit writes to besides a report path the user names. A cache that
cannot be written is not an error: loading works, only slower the next time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "read", "write"]

CACHE_ENV = "INTERCOM_CONTRACTS_CACHE_DIR"


def cache_dir() -> Path:
    """The cache root: `$INTERCOM_CONTRACTS_CACHE_DIR`, else `$XDG_CACHE_HOME/intercom-contracts`, else ~/.cache."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "intercom-contracts"


def read(relative: str) -> bytes | None:
    """The cached bytes under `relative`, or None when absent or unreadable."""
    try:
        return (cache_dir() / relative).read_bytes()
    except OSError:
        return None


def write(relative: str, data: bytes) -> bool:
    """Store `data` atomically (a reader never sees half a file); False when the cache is not writable."""
    target = cache_dir() / relative
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
