"""urllib.request (and http.client under it) through intercom_mock: a 4xx is urllib's HTTPError, as against Intercom."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from contracts.mock import IntercomMock

from . import scenarios


def send(method: str, url: str, body: Any, headers: dict[str, str], timeout: float | None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    sent = {**headers, "Content-Type": "application/json"} if body is not None else headers
    request = urllib.request.Request(url, data=data, headers=sent, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, scenarios.decoded(response.read())
    except urllib.error.HTTPError as error:  # the code under test handles the 4xx urllib raises
        return error.code, scenarios.decoded(error.read())


def test_happy_path() -> None:
    scenarios.happy_path(send)


def test_body_left_out_is_a_breach() -> None:
    scenarios.body_left_out(send)


def test_a_token_other_than_the_pinned_one_is_a_breach() -> None:
    scenarios.token_mismatch(send)


def test_a_slow_answer_raises_the_sockets_timeout() -> None:
    scenarios.slow_answer(send, TimeoutError)


def test_a_4xx_is_urllibs_http_error() -> None:
    with IntercomMock.from_settings():
        request = urllib.request.Request(f"{scenarios.US}/contacts/nobody", headers=scenarios.headers())
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(request)
    assert raised.value.code == 404
    assert json.loads(raised.value.read())["errors"][0]["code"] == "not_found"


def test_http_client_on_a_kept_alive_connection() -> None:
    with IntercomMock.from_settings() as mock:
        connection = http.client.HTTPSConnection("api.intercom.io", timeout=5)
        for _ in range(2):
            connection.request("GET", "/me", headers=scenarios.headers())
            response = connection.getresponse()
            assert (response.status, json.loads(response.read())["type"]) == (200, "admin")
        connection.close()
    assert [e.request.path for e in mock.requests] == ["/me", "/me"]
