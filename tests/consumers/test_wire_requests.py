"""The requests http.client and aiohttp write, read from their bytes: the plain framing directly, the rest by h11."""

from __future__ import annotations

import pytest

from contracts.mock._interceptors.core import WireRequests

HEAD = b"POST /messages?x=1 HTTP/1.1\r\nHost: api.intercom.io\r\nAuthorization: Bearer t\r\nContent-Length: 7\r\n\r\n"


def test_a_plain_request_fed_byte_by_byte_then_a_second_on_the_same_connection() -> None:
    wire = WireRequests()
    done = [request for byte in HEAD + b'{"a":1}' for request in wire.feed(bytes([byte]))]
    assert done == [
        (
            "POST",
            "/messages?x=1",
            [(b"Host", b"api.intercom.io"), (b"Authorization", b"Bearer t"), (b"Content-Length", b"7")],
            b'{"a":1}',
        )
    ]
    assert wire.feed(b"GET /me HTTP/1.1\r\nHost: api.intercom.io\r\n\r\n") == [
        ("GET", "/me", [(b"Host", b"api.intercom.io")], b"")
    ]


def test_a_chunked_body_is_read_by_h11() -> None:
    wire = WireRequests()
    head = b"POST /contacts HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
    assert wire.feed(head + b"3\r\nabc\r\n") == []
    ((method, target, headers, body),) = wire.feed(b"2\r\nde\r\n0\r\n\r\n")
    assert (method, target, body) == ("POST", "/contacts", b"abcde")
    assert (b"Transfer-Encoding", b"chunked") in headers
    assert [r[1] for r in wire.feed(b"GET /me HTTP/1.1\r\nHost: h\r\n\r\n")] == ["/me"]


@pytest.mark.parametrize("bad", [b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", b"NOT HTTP\r\n\r\n"])
def test_a_head_that_does_not_read_plainly_is_left_to_h11(bad: bytes) -> None:
    import h11

    with pytest.raises(h11.RemoteProtocolError):
        WireRequests().feed(bad)
