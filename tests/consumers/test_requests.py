"""requests (and anything on a requests Session) through intercom_mock: its adapters and urllib3's Retry still run."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.mock import IntercomMock

from . import scenarios

requests = pytest.importorskip("requests")


def send(method: str, url: str, body: Any, headers: dict[str, str], timeout: float | None) -> tuple[int, Any]:
    response = requests.request(method, url, json=body, headers=headers, timeout=timeout)
    return response.status_code, scenarios.decoded(response.content)


def test_happy_path() -> None:
    scenarios.happy_path(send)


def test_body_left_out_is_a_breach() -> None:
    scenarios.body_left_out(send)


def test_a_token_other_than_the_pinned_one_is_a_breach() -> None:
    scenarios.token_mismatch(send)


def test_a_slow_answer_raises_requests_read_timeout() -> None:
    scenarios.slow_answer(send, requests.exceptions.ReadTimeout)


def test_a_session_with_a_retry_adapter_retries_the_429s_itself() -> None:
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    with IntercomMock.from_settings() as mock, requests.Session() as session:
        mock.rate_limit_next(times=2, retry_after=None)
        retry = Retry(total=3, status_forcelist=[429], backoff_factor=0, allowed_methods=None)
        session.mount("https://", HTTPAdapter(max_retries=retry))
        response = session.get(f"{scenarios.US}/me", headers=scenarios.headers())
    assert response.status_code == 200
    assert [e.response.status for e in mock.requests] == [429, 429, 200]


def test_raise_for_status_is_requests_own() -> None:
    with IntercomMock.from_settings() as mock:
        mock.respond_next_with(404, "not_found")
        response = requests.get(f"{scenarios.US}/contacts/nobody", headers=scenarios.headers())
        with pytest.raises(requests.HTTPError, match="404 Client Error"):
            response.raise_for_status()
