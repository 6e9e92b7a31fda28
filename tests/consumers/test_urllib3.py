"""urllib3 (PoolManager and connection pools) through intercom_mock: its own Retry and timeouts still run."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contracts.mock import IntercomMock

from . import scenarios

urllib3 = pytest.importorskip("urllib3")
POOLS = urllib3.PoolManager()


def send(method: str, url: str, body: Any, headers: dict[str, str], timeout: float | None) -> tuple[int, Any]:
    encoded = None if body is None else json.dumps(body).encode()
    sent = {**headers, "Content-Type": "application/json"} if body is not None else headers
    response = POOLS.request(method, url, body=encoded, headers=sent, timeout=timeout, retries=False)
    return response.status, scenarios.decoded(response.data)


def test_happy_path() -> None:
    scenarios.happy_path(send)


def test_a_connection_pool_of_its_own_too() -> None:
    pool = urllib3.HTTPSConnectionPool("api.intercom.io")

    def through_pool(method: str, url: str, body: Any, headers: dict[str, str], timeout: float | None) -> Any:
        path = url.removeprefix(scenarios.US)
        encoded = None if body is None else json.dumps(body).encode()
        response = pool.urlopen(method, path, body=encoded, headers=headers, timeout=timeout, retries=False)
        return response.status, scenarios.decoded(response.data)

    scenarios.happy_path(through_pool)


def test_body_left_out_is_a_breach() -> None:
    scenarios.body_left_out(send)


def test_a_token_other_than_the_pinned_one_is_a_breach() -> None:
    scenarios.token_mismatch(send)


def test_a_slow_answer_raises_urllib3_read_timeout_error() -> None:
    scenarios.slow_answer(send, urllib3.exceptions.ReadTimeoutError)


def test_urllib3_retry_retries_the_429s_itself() -> None:
    with IntercomMock.from_settings() as mock:
        mock.rate_limit_next(times=2, retry_after=None)
        retry = urllib3.Retry(total=3, status_forcelist=[429], backoff_factor=0)
        response = POOLS.request("GET", f"{scenarios.US}/me", headers=scenarios.headers(), retries=retry)
    assert response.status == 200
    assert [e.response.status for e in mock.requests] == [429, 429, 200]


def test_retries_exhausted_raise_urllib3s_max_retry_error() -> None:
    with IntercomMock.from_settings() as mock:
        mock.rate_limit_next(times=5, retry_after=None)
        retry = urllib3.Retry(total=1, status_forcelist=[429], backoff_factor=0)
        with pytest.raises(urllib3.exceptions.MaxRetryError, match="too many 429 error responses"):
            POOLS.request("GET", f"{scenarios.US}/me", headers=scenarios.headers(), retries=retry)
    assert len(mock.requests) == 2
