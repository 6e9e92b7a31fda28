"""Where spec bytes come from: bundled, files, URLs and official:VERSION with its offline cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts import SpecError, load_spec
from contracts.sources import fetch, is_loopback_host

from .conftest import FileServer, official_path


def test_bundled_is_read_from_the_package() -> None:
    raw = fetch("bundled")
    assert raw.name == "bundled"
    assert raw.data.startswith(b"# The contract shipped with intercom-contracts")


def test_official_is_downloaded_once_then_served_from_the_cache_offline(
    file_server: FileServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_server.routes["/2.11/api.intercom.io.yaml"] = (200, official_path("2.11").read_bytes())
    monkeypatch.setenv("INTERCOM_CONTRACTS_OFFICIAL_URL", file_server.url)
    first = load_spec("official:2.11")
    assert file_server.requested == ["/2.11/api.intercom.io.yaml"]
    assert (cache_dir / "official" / "2.11.yaml").is_file()
    monkeypatch.setenv("INTERCOM_CONTRACTS_OFFICIAL_URL", "http://127.0.0.1:9")  # nothing listens: offline
    second = load_spec("official:2.11")
    assert file_server.requested == ["/2.11/api.intercom.io.yaml"]
    assert first.document == second.document
    assert second.official_version == "2.11"
    assert [e.id for e in second.errata] == [e.id for e in first.errata] != []


def test_preview_lives_in_folder_0_and_unstable_is_its_old_name(
    file_server: FileServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_server.routes["/0/api.intercom.io.yaml"] = (200, official_path("Preview").read_bytes())
    monkeypatch.setenv("INTERCOM_CONTRACTS_OFFICIAL_URL", file_server.url)
    assert load_spec("official:Unstable").official_version == "Preview"
    assert load_spec("official:Preview").official_version == "Preview"
    assert file_server.requested == ["/0/api.intercom.io.yaml"]


def test_official_offline_without_a_cached_copy_says_what_to_do(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_OFFICIAL_URL", "http://127.0.0.1:9")
    with pytest.raises(SpecError) as raised:
        load_spec("official:2.12")
    message = str(raised.value)
    assert message.startswith("spec official:2.12: could not download http://127.0.0.1:9/2.12/api.intercom.io.yaml")
    assert "no cached copy" in message
    assert "pass the path of a local copy" in message


def test_unknown_official_version_lists_the_known_ones() -> None:
    with pytest.raises(SpecError, match=r"unknown official version '9\.99'\. Known versions: 2\.7, .*2\.16, Preview"):
        load_spec("official:9.99")


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
    file_server.routes["/api.yaml"] = (200, fetch("bundled").data)
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
