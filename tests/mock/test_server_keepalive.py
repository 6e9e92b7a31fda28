"""The loopback server over keep-alive connections: every request answered, in order, with its own answer."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_TOKENS, FakeIntercom, FakeSettings, MockServer
from contracts.regions import REGIONS

# Requests whose answers differ: the region answers /me with its own app; a missing admin is a 404 envelope.
PATHS = ("/me", "/admins/12345", f"/admins/{DEFAULT_ADMIN_ID}")


def _fake() -> FakeIntercom:
    return FakeIntercom(settings=FakeSettings(rate_limit=10**6))  # no 429 in the way of counting answers


def _request(index: int) -> tuple[str, str]:
    region = list(REGIONS)[index % len(REGIONS)]
    return region, PATHS[(index // len(REGIONS)) % len(PATHS)]


def _ask(connection: http.client.HTTPConnection, index: int) -> tuple[str, dict[str, object]]:
    """Request `index` on `connection`; checks its answer is the one for its region and path."""
    region, path = _request(index)
    headers = {"Authorization": f"Bearer {DEFAULT_TOKENS[region]}", "Intercom-Version": "2.14"}
    connection.request("GET", f"/{region}{path}", headers=headers)
    answer = connection.getresponse()
    body = json.loads(answer.read())
    assert answer.getheader("Connection") != "close"
    if path == "/admins/12345":
        assert (answer.status, body["type"], body["errors"][0]["code"]) == (404, "error.list", "not_found")
        assert body["request_id"] == answer.getheader("X-Request-Id")
    else:
        assert (answer.status, body["type"], body["id"]) == (200, "admin", str(DEFAULT_ADMIN_ID))
        if path == "/me":
            assert body["app"]["region"] == region.upper()
    return str(answer.getheader("X-Request-Id")), body


def test_200_sequential_requests_on_one_connection_answered_in_order() -> None:
    with MockServer(_fake()) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        connection.connect()
        opened = connection.sock
        received = [_ask(connection, index)[0] for index in range(200)]
        assert connection.sock is opened  # the same connection throughout: none closed and reopened
        connection.close()
        sent = [exchange.response.headers["X-Request-Id"] for exchange in server.fake.exchanges]
    assert received == sent
    assert len(set(received)) == 200


def test_32_concurrent_connections_all_answered() -> None:
    per_connection = 20
    start = threading.Barrier(32)

    def client(number: int) -> list[str]:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        connection.connect()
        opened = connection.sock
        start.wait(timeout=10)  # all 32 connections open before any asks
        ids = [_ask(connection, number + index)[0] for index in range(per_connection)]
        assert connection.sock is opened
        connection.close()
        return ids

    with MockServer(_fake()) as server, ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(client, range(32)))
        recorded = {exchange.response.headers["X-Request-Id"] for exchange in server.fake.exchanges}
    received = [request_id for ids in answers for request_id in ids]
    assert len(received) == 32 * per_connection
    assert set(received) == recorded  # no request lost, none answered twice
    assert len(set(received)) == len(received)


def test_an_answer_leaves_in_one_segment() -> None:
    """Headers and body in one write: written apart, the body would wait for the client's delayed ACK (~40 ms
    a request on a keep-alive connection)."""
    with MockServer(_fake()) as server, socket.create_connection((server.host, server.port), timeout=10) as raw:
        request = (
            f"GET /us/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {DEFAULT_TOKENS['us']}\r\n"
            "Intercom-Version: 2.14\r\n\r\n"
        ).encode()
        for _ in range(3):
            raw.sendall(request)
            first = raw.recv(1 << 16)
            head, _, body = first.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
            )
            assert len(body) == length
