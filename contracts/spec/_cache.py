"""The on-disk cache: parsed documents keyed by content hash, and downloaded official descriptions.

The cache directory is the only place the toolkit writes to besides a report path the user names. A cache that
cannot be written is not an error: loading works, only slower the next time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "read", "write", "write_atomically"]

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
        write_atomically(target, data)
    except OSError:
        return False
    return True


def write_atomically(path: Path, data: bytes, *, shared: bool = False) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never half of one.

    `shared`: the file gets the permissions of any file the user writes (the umask's), not mkstemp's 0600.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if shared:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
