"""Where a spec's bytes come from: `bundled`, a file path, an https:// URL, or `official:VERSION`."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from . import cache
from .errors import SpecError

__all__ = [
    "BUNDLED",
    "OFFICIAL_VERSIONS",
    "RawSpec",
    "check_source",
    "fetch",
    "is_loopback_host",
    "official_url",
]

BUNDLED = "bundled"
BUNDLED_FILE = "intercom-2.11.yaml"
OFFICIAL_PREFIX = "official:"
OFFICIAL_URL_ENV = "INTERCOM_CONTRACTS_OFFICIAL_URL"
OFFICIAL_BASE_URL = "https://raw.githubusercontent.com/intercom/Intercom-OpenAPI/main/descriptions"
# The public repository keeps Preview (formerly Unstable) under the folder `0`.
OFFICIAL_VERSIONS: dict[str, str] = {
    **{f"2.{minor}": f"2.{minor}" for minor in range(7, 17)},
    "Preview": "0",
    "Unstable": "0",
}
MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024  # the largest published description is 1.5 MB
MAX_FILE_BYTES = MAX_DOWNLOAD_BYTES
MAX_REDIRECTS = 3
DOWNLOAD_TIMEOUT = 30.0
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class RawSpec:
    """The bytes of a spec and what to call it in messages; `official_version` is set for published descriptions."""

    name: str
    data: bytes
    official_version: str | None = None


def fetch(source: str) -> RawSpec:
    """The bytes behind a spec source, or a SpecError that names the source and what to do."""
    if source == BUNDLED:
        data = resources.files("contracts.bundled").joinpath(BUNDLED_FILE).read_bytes()
        return RawSpec(name=BUNDLED, data=data)
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
        if version not in OFFICIAL_VERSIONS:
            known = ", ".join(v for v in OFFICIAL_VERSIONS if v != "Unstable")
            raise SpecError(source, f"unknown official version {version!r}", hint=f"Known versions: {known}.")
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


def official_url(version: str) -> str:
    """Where the published description of `version` is downloaded from (overridable for mirrors)."""
    base = os.environ.get(OFFICIAL_URL_ENV, OFFICIAL_BASE_URL).rstrip("/")
    return f"{base}/{OFFICIAL_VERSIONS[version]}/api.intercom.io.yaml"


def _canonical_official(version: str) -> str:
    return "Preview" if version == "Unstable" else version


def _fetch_official(version: str) -> RawSpec:
    name = f"{OFFICIAL_PREFIX}{version}"
    check_source(name)
    canonical = _canonical_official(version)
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

    from .transport import deadline, live_transport, read_body

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
