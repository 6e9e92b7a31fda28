"""Where a spec comes from: `bundled`, `official:VERSION`, a file path, or an https:// URL.

`official:VERSION` is read from the package's facts pack (`contracts/pack`: every published version, 2.7-2.16 and
Preview, built by tools/build_facts_pack.py from Intercom's MIT-licensed descriptions), so it needs no network; only
a version the pack does not carry is downloaded, once, then cached. `bundled` is the pack's 2.11, the version this
product documents first. A path or URL is read whole, as the full description it is.
"""

from __future__ import annotations

import functools
import gzip
import ipaddress
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import SpecError
from . import _cache as cache

__all__ = [
    "BUNDLED",
    "DEFAULT_VERSION",
    "RawSpec",
    "check_source",
    "fetch",
    "is_loopback_host",
    "is_official_version",
    "official_url",
    "pack_index",
    "pack_versions",
    "version_key",
]

BUNDLED = "bundled"
DEFAULT_VERSION = "2.11"  # the version `bundled` stands for, and the fake's default
OFFICIAL_PREFIX = "official:"
PACK_PACKAGE = "contracts.pack"
PACK_FORMAT = 1
OFFICIAL_URL_ENV = "INTERCOM_CONTRACTS_OFFICIAL_URL"
OFFICIAL_BASE_URL = "https://raw.githubusercontent.com/intercom/Intercom-OpenAPI/main/descriptions"
# The public repository keeps Preview (formerly Unstable) under the folder `0`; a numbered version under its number.
_NUMBERED = re.compile(r"^[1-9]?[0-9]\.[0-9]{1,2}$")
MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024  # the largest published description is 1.5 MB
MAX_FILE_BYTES = MAX_DOWNLOAD_BYTES
MAX_REDIRECTS = 3
DOWNLOAD_TIMEOUT = 30.0
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class RawSpec:
    """The bytes of a spec and what to call it in messages; `official_version` is set for published descriptions.

    `document` is set when the source is the facts pack: already parsed (its JSON needs no cache).
    """

    name: str
    data: bytes
    official_version: str | None = None
    document: Any = None

    @property
    def from_pack(self) -> bool:
        return self.document is not None


def fetch(source: str) -> RawSpec:
    """The bytes behind a spec source, or a SpecError that names the source and what to do."""
    if source == BUNDLED:
        return _from_pack(DEFAULT_VERSION, BUNDLED)  # type: ignore[return-value]  # the pack always has it
    if source.startswith(OFFICIAL_PREFIX):
        return _fetch_official(source[len(OFFICIAL_PREFIX) :])
    if source.startswith(("https://", "http://")):
        return RawSpec(name=source, data=_download(source, source))
    return RawSpec(name=source, data=_read_file(source))


def check_source(source: str) -> None:
    """Refuse at once, without reading anything, a source that cannot work: the cheap part of `fetch`."""
    if source == BUNDLED:
        return
    if source.startswith(OFFICIAL_PREFIX):
        version = source[len(OFFICIAL_PREFIX) :]
        if not is_official_version(version):
            known = ", ".join(pack_versions())
            raise SpecError(
                source,
                f"unknown official version {version!r}",
                hint=f"The package carries {known}; a later one is named like 2.17.",
            )
        never = unpublished(version)
        if never is not None:
            raise SpecError(source, never, hint=published_versions_hint())
        return
    if source.startswith(("https://", "http://")):
        parts = urlsplit(source)
        if parts.scheme == "http" and not is_loopback_host(parts.hostname):
            raise SpecError(source, "plain http:// is refused for a host that is not loopback", hint="Use https://.")
        return
    path = Path(source).expanduser()
    if not path.exists():
        raise SpecError(
            source,
            "no such file",
            hint="Pass `bundled`, a path to a YAML or JSON file, an https:// URL, or official:VERSION.",
        )
    if path.is_dir():
        raise SpecError(source, "is a directory, not a spec file")


def is_loopback_host(host: str | None) -> bool:
    """Whether `host` is this machine: the only place plain http is allowed to go."""
    if not host:
        return False
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a name other than localhost may resolve anywhere
        return False


def is_official_version(version: str) -> bool:
    """A version the package carries, or one named like a later version (downloaded when asked for)."""
    return version in ("Preview", "Unstable") or bool(_NUMBERED.match(version))


def published_values() -> tuple[str, ...]:
    """Every Intercom-Version value published when the pack was built (what its descriptions list), oldest first."""
    values = {value for entry in pack_index()["versions"].values() for value in entry["intercom_versions"]}
    return tuple(sorted(values | set(pack_versions()), key=version_key))


def unpublished(version: str) -> str | None:
    """Why `version` is known, offline, to have no published description; None when it has one or may have one.

    The pack's descriptions list every version published when it was built (1.0-1.4, 2.0-2.16, Preview). A version
    published since can only come after them: a later number of the newest major, or the next major. Anything else
    (9.99, 2.05) Intercom never published; 1.0-2.6 were published without a description.
    """
    canonical = canonical_version(version)
    if canonical in pack_versions() or not _NUMBERED.match(canonical):
        return None
    if canonical in published_values():
        return f"Intercom published version {canonical} but no description of it (the oldest is {pack_versions()[0]})"
    newest = max((v for v in published_values() if _NUMBERED.match(v)), key=version_key)
    newest_major, major = int(newest.split(".")[0]), int(canonical.split(".")[0])
    if version_key(canonical) > version_key(newest) and major in (newest_major, newest_major + 1):
        return None  # may have been published since the pack was built: downloaded when asked for
    return f"Intercom never published version {canonical}"


def published_versions_hint() -> str:
    """The published versions in a few words, for a message about one that is not."""
    numbered = [v for v in published_values() if _NUMBERED.match(v)]
    named = [v for v in published_values() if not _NUMBERED.match(v)]
    described = [v for v in pack_versions() if _NUMBERED.match(v)]
    later = f"{described[-1].split('.')[0]}.{int(described[-1].split('.')[1]) + 1}"
    return (
        f"Published: {', '.join([*_ranges(numbered), *named])}; described (what official:V loads): "
        f"{', '.join([*_ranges(described), *(v for v in pack_versions() if v not in described)])}. "
        f"A version published after this package was built ({later} or later) is downloaded once."
    )


def _ranges(versions: list[str]) -> list[str]:
    """2.0, 2.1, ..., 2.16 -> 2.0-2.16 (consecutive minors of one major as one range)."""
    runs: list[list[str]] = []
    for version in versions:
        major, minor = (int(part) for part in version.split("."))
        last = runs[-1][-1] if runs else None
        if last is not None and last.split(".")[0] == str(major) and int(last.split(".")[1]) + 1 == minor:
            runs[-1].append(version)
        else:
            runs.append([version])
    return [run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs]


def official_url(version: str) -> str:
    """Where the published description of `version` is downloaded from (overridable for mirrors)."""
    base = os.environ.get(OFFICIAL_URL_ENV, OFFICIAL_BASE_URL).rstrip("/")
    folder = "0" if canonical_version(version) == "Preview" else version
    return f"{base}/{folder}/api.intercom.io.yaml"


def canonical_version(version: str) -> str:
    """Preview was named Unstable before April 2026; the old name is still accepted."""
    return "Preview" if version == "Unstable" else version


@functools.cache
def pack_index() -> dict[str, Any]:
    """The facts pack's index: its origin, and for each version the Intercom-Version values it documents."""
    index: dict[str, Any] = json.loads(resources.files(PACK_PACKAGE).joinpath("index.json").read_bytes())
    return index


@functools.cache
def pack_versions() -> tuple[str, ...]:
    """The versions the facts pack carries, oldest first (Preview last)."""
    return tuple(sorted(pack_index()["versions"], key=version_key))


def version_key(version: str) -> tuple[float, str]:
    """Sort key of Intercom-Version values: numerically, then names (Preview, Unstable) after every number."""
    major, _, minor = version.partition(".")
    try:
        return (float(major) * 1000 + float(minor or 0), "")
    except ValueError:
        return (float("inf"), version)


def _from_pack(version: str, name: str) -> RawSpec | None:
    canonical = canonical_version(version)
    if canonical not in pack_versions():
        return None
    data = gzip.decompress(resources.files(PACK_PACKAGE).joinpath(f"{canonical}.json.gz").read_bytes())
    pack = json.loads(data)
    if pack.get("format") != PACK_FORMAT or pack.get("version") != canonical:
        raise SpecError(name, f"the facts pack entry of {canonical} is not of format {PACK_FORMAT}; reinstall")
    return RawSpec(name=name, data=data, official_version=canonical, document=pack["document"])


def _fetch_official(version: str) -> RawSpec:
    name = f"{OFFICIAL_PREFIX}{version}"
    check_source(name)
    packed = _from_pack(version, name)
    if packed is not None:
        return packed
    canonical = canonical_version(version)
    cached_name = f"official/{canonical}.yaml"
    data = cache.read(cached_name)
    if data is None:
        url = official_url(version)
        try:
            data = _download(url, name)
        except SpecError as error:
            raise SpecError(
                name,
                f"{error.problem}, and there is no cached copy in {cache.cache_dir() / 'official'}",
                hint="Run once with network access, or pass the path of a local copy instead.",
            ) from None
        cache.write(cached_name, data)
    return RawSpec(name=name, data=data, official_version=canonical)


def _download(url: str, name: str) -> bytes:
    """GET `url` within bounds: time, size, and redirects followed only to https (or loopback) locations."""
    import httpx

    from .._transport import deadline, live_transport, read_body

    for hop in range(MAX_REDIRECTS + 1):
        try:
            check_source(url)
        except SpecError as error:
            if hop == 0:
                raise
            raise SpecError(name, f"a redirect led to {url}: {error.problem}", hint=error.hint) from None
        try:
            with (
                httpx.Client(transport=live_transport(url), timeout=DOWNLOAD_TIMEOUT, trust_env=False) as client,
                deadline(DOWNLOAD_TIMEOUT),
                client.stream("GET", url) as response,
            ):
                if response.is_redirect and "location" in response.headers:
                    url = str(response.url.join(response.headers["location"]))
                    continue
                if response.status_code != 200:
                    raise SpecError(name, f"GET {url} answered HTTP {response.status_code}")
                return read_body(response, limit=MAX_DOWNLOAD_BYTES)
        except httpx.HTTPError as error:
            cause = str(error) or type(error).__name__
            raise SpecError(name, f"could not download {url}: {cause}") from None
    raise SpecError(name, f"more than {MAX_REDIRECTS} redirects")


def _read_file(source: str) -> bytes:
    path = Path(source).expanduser()
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SpecError(source, f"is {size:,} bytes, more than any description ({MAX_FILE_BYTES:,} at most)")
        return path.read_bytes()
    except FileNotFoundError:
        raise SpecError(
            source,
            "no such file",
            hint="Pass `bundled`, a path to a YAML or JSON file, an https:// URL, or official:VERSION.",
        ) from None
    except IsADirectoryError:
        raise SpecError(source, "is a directory, not a spec file") from None
    except OSError as error:
        raise SpecError(source, f"cannot be read: {error.strerror or error}") from None
