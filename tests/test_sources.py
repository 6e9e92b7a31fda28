"""Where spec bytes come from: bundled, files, URLs and official:VERSION with its offline cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts import SpecError, load_spec
from contracts.spec._sources import fetch, is_loopback_host

from .conftest import PUBLISHED, FileServer


def _later_version(number: str) -> bytes:
    """A description of a version the pack does not carry: the pack's 2.16 renamed (what a mirror would serve)."""
    document = json.loads(fetch("official:2.16").data)["document"]
    document["info"]["version"] = number
    return json.dumps(document).encode()


def test_bundled_is_the_packs_2_11() -> None:
    raw = fetch("bundled")
    assert (raw.name, raw.official_version, raw.from_pack) == ("bundled", "2.11", True)
    assert load_spec("bundled").document == load_spec("official:2.11").document


@pytest.mark.parametrize("version", PUBLISHED)
def test_every_published_version_comes_from_the_pack_without_network(
    version: str, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_OFFICIAL_URL", "http://127.0.0.1:9")  # nothing listens: offline
    spec = load_spec(f"official:{version}")
    assert spec.official_version == version
    assert spec.document["info"]["version"] == version
    assert not (cache_dir / "official").exists()


def test_a_version_the_pack_lacks_is_downloaded_once_then_served_from_the_cache_offline(
    file_server: FileServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_server.routes["/2.17/api.intercom.io.yaml"] = (200, _later_version("2.17"))
    monkeypatch.setenv("INTERCOM_CONTRACTS_OFFICIAL_URL", file_server.url)
    first = load_spec("official:2.17")
    assert file_server.requested == ["/2.17/api.intercom.io.yaml"]
    assert (cache_dir / "official" / "2.17.yaml").is_file()
    monkeypatch.setenv("INTERCOM_CONTRACTS_OFFICIAL_URL", "http://127.0.0.1:9")  # nothing listens: offline
    second = load_spec("official:2.17")
    assert file_server.requested == ["/2.17/api.intercom.io.yaml"]
    assert first.document == second.document
    assert second.official_version == "2.17"
    assert [e.id for e in second.errata] == [e.id for e in first.errata] != []


def test_preview_comes_from_the_pack_and_unstable_is_its_old_name() -> None:
    assert load_spec("official:Unstable").official_version == "Preview"
    assert load_spec("official:Preview").official_version == "Preview"


def test_official_offline_without_a_cached_copy_says_what_to_do(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_OFFICIAL_URL", "http://127.0.0.1:9")
    with pytest.raises(SpecError) as raised:
        load_spec("official:2.18")
    message = str(raised.value)
    assert message.startswith("spec official:2.18: could not download http://127.0.0.1:9/2.18/api.intercom.io.yaml")
    assert "no cached copy" in message
    assert "pass the path of a local copy" in message


def test_unknown_official_version_lists_the_known_ones() -> None:
    with pytest.raises(
        SpecError, match=r"unknown official version 'banana'\. The package carries 2\.7, .*2\.16, Preview"
    ):
        load_spec("official:banana")


def test_an_unreachable_url_names_the_source(free_port: int) -> None:
    url = f"http://127.0.0.1:{free_port}/api.yaml"
    with pytest.raises(SpecError, match=f"spec {url}: could not download {url}"):
        load_spec(url)


def test_a_url_answering_404_names_the_status(file_server: FileServer) -> None:
    with pytest.raises(SpecError, match=r"answered HTTP 404"):
        load_spec(file_server.url + "/missing.yaml")


def test_plain_http_to_a_remote_host_is_refused_before_any_request() -> None:
    with pytest.raises(SpecError, match="plain http:// is refused for a host that is not loopback"):
        load_spec("http://example.com/api.yaml")


def test_a_spec_served_over_loopback_loads(file_server: FileServer) -> None:
    file_server.routes["/api.yaml"] = (200, json.dumps(load_spec("bundled").document).encode())
    assert load_spec(file_server.url + "/api.yaml").contract().version == "2.11"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("example.com", False),
        ("127.0.0.1.evil.com", False),
        (None, False),
    ],
)
def test_is_loopback_host(host: str | None, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback
