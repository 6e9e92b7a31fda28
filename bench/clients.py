"""Benchmarks of intercom_mock through each HTTP client, against that client's own plain mock.

    python bench/clients.py [--quick] [--only CLIENT ...]

For each client two rows, a request being POST /messages (an email, as bench/run.py's mock rows send):

- "intercom_mock via X (hook)": intercom_mock vs X's plain mock answering through the same fake model (a `responses`
  callback, an `aioresponses` callback, a respx side effect, a stub urllib handler or pool that hand the request to
  `IntercomMock.transport()`). Both pay for the model; the difference is the hook: the goal is ours <= 1.5x the
  anchor (ratio >= 0.67).
- "intercom_mock via X (total)": intercom_mock vs X's plain mock answering a constant (what a team has without us:
  no judgement, no workspace). For information: the model's cost is most of the difference.

The ratio is as in bench/run.py: anchor / ours for times (> 1: ours is faster). Standalone; bench/run.py can add the
rows with `from clients import bench_clients` (the same Row shape).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from run import Row, header, table

URL = "https://api.intercom.io/messages"
PAYLOAD = {
    "message_type": "email",
    "subject": "Hi",
    "body": "Hello",
    "template": "plain",
    "from": {"type": "admin", "id": 991267390},
    "to": {"type": "user", "id": "6762f0d21bb69f9f2193bb59"},
}
BODY = json.dumps(PAYLOAD).encode()
CONSTANT = json.dumps(
    {"type": "user_message", "id": "1", "created_at": 1719492969, "body": "Hello", "message_type": "email"}
).encode()


def _headers() -> dict[str, str]:
    from contracts.mock import DEFAULT_TOKENS

    return {
        "Authorization": f"Bearer {DEFAULT_TOKENS['us']}",
        "Intercom-Version": "2.11",
        "Content-Type": "application/json",
    }


def _mock() -> Any:
    from contracts.mock import IntercomMock

    mock = IntercomMock.from_settings(strict=True)
    mock.fake.keep_exchanges = False  # as bench/run.py: a long loop keeps no history
    return mock


def _model() -> Callable[[Any], Any]:
    """The fake model as a plain mock's callback would reach it: an httpx.Request in, an httpx.Response out."""
    import httpx

    transport = _mock().transport()

    def answer(method: str, url: str, headers: Any, body: bytes) -> httpx.Response:
        response = transport.handle_request(httpx.Request(method, url, headers=headers, content=body))
        response.read()
        return response

    return answer


def _loop(send: Callable[[], Any], count: int) -> float:
    """Microseconds per request over `count` requests, after a short warm-up."""
    for _ in range(min(20, count)):
        send()
    start = time.perf_counter()
    for _ in range(count):
        send()
    return (time.perf_counter() - start) / count * 1e6


def _compare(loops: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Each timed loop run `rounds` times, interleaved (a busy machine slows all alike); the fastest of each."""
    best = dict.fromkeys(loops, float("inf"))
    for _ in range(rounds):
        for name, loop in loops.items():
            best[name] = min(best[name], loop())
    return best


def _rows(client: str, ours: float, model: float, constant: float, anchor: str) -> list[Row]:
    return [
        Row(f"intercom_mock via {client} (hook)", ours, model, "µs", f"{anchor} answering through the fake model"),
        Row(f"intercom_mock via {client} (total)", ours, constant, "µs", f"{anchor}, constant answer"),
    ]


# -- clients ----------------------------------------------------------------------------------------------------------
# Each returns three timed loops: "ours" (intercom_mock), "model" (the plain mock answering through the fake model),
# "constant" (the plain mock answering a constant).
Loops = dict[str, Callable[[], float]]


def _within(context: Callable[[], Any], send: Callable[[], Any], count: int) -> Callable[[], float]:
    def loop() -> float:
        with context():
            return _loop(send, count)

    return loop


def bench_httpx(count: int) -> tuple[str, Loops]:
    import httpx
    import respx

    model = _model()
    headers = _headers()
    client = httpx.Client()

    def send() -> None:
        client.post(URL, content=BODY, headers=headers)

    @contextmanager
    def plain(side_effect: Any = None) -> Iterator[None]:
        with respx.mock(assert_all_called=False) as router:
            route = router.post(URL)
            if side_effect is None:
                route.mock(return_value=httpx.Response(200, content=CONSTANT))
            else:
                route.mock(side_effect=side_effect)
            yield

    def through(request: httpx.Request) -> httpx.Response:
        return model(request.method, str(request.url), request.headers.raw, request.content)

    return "respx route", {
        "ours": _within(_mock, send, count),
        "model": _within(lambda: plain(through), send, count),
        "constant": _within(plain, send, count),
    }


def bench_requests(count: int) -> tuple[str, Loops]:
    import requests
    import responses

    model = _model()
    headers = _headers()
    session = requests.Session()

    def send() -> None:
        session.post(URL, data=BODY, headers=headers)

    def through(request: Any) -> tuple[int, dict[str, str], bytes]:
        answer = model(request.method, request.url, list(request.headers.items()), request.body or b"")
        return answer.status_code, dict(answer.headers), answer.content

    @contextmanager
    def plain(callback: Any = None) -> Iterator[None]:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
            if callback is None:
                mocked.add(responses.POST, URL, body=CONSTANT, status=200, content_type="application/json")
            else:
                mocked.add_callback(responses.POST, URL, callback=callback)
            yield

    return "responses", {
        "ours": _within(_mock, send, count),
        "model": _within(lambda: plain(through), send, count),
        "constant": _within(plain, send, count),
    }


@contextmanager
def _stub_pool(answer: Callable[[str, str, Any, bytes], tuple[int, Any, bytes]]) -> Iterator[None]:
    """urllib3's plain mock: the pool's `_make_request` stubbed (urllib3 ships none; this is what one writes)."""
    from urllib3.connectionpool import HTTPConnectionPool
    from urllib3.response import HTTPResponse

    original = HTTPConnectionPool._make_request

    def stub(self: Any, conn: Any, method: str, url: str, body: Any = None, headers: Any = None, **kw: Any) -> Any:
        status, answer_headers, content = answer(method, f"https://{self.host}{url}", dict(headers or {}), body)
        return HTTPResponse(
            body=io.BytesIO(content),
            headers=answer_headers,
            status=status,
            preload_content=kw.get("preload_content", True),
            pool=self,
            connection=kw.get("response_conn"),
        )

    HTTPConnectionPool._make_request = stub  # type: ignore[method-assign]
    try:
        yield
    finally:
        HTTPConnectionPool._make_request = original  # type: ignore[method-assign]


def bench_urllib3(count: int) -> tuple[str, Loops]:
    import urllib3

    model = _model()
    headers = _headers()
    pools = urllib3.PoolManager()

    def send() -> None:
        pools.request("POST", URL, body=BODY, headers=headers)

    def through(method: str, url: str, sent: Any, body: bytes) -> tuple[int, Any, bytes]:
        answer = model(method, url, list(sent.items()), body)
        return answer.status_code, dict(answer.headers), answer.content

    return "stubbed pool._make_request", {
        "ours": _within(_mock, send, count),
        "model": _within(lambda: _stub_pool(through), send, count),
        "constant": _within(
            lambda: _stub_pool(lambda *_: (200, {"Content-Type": "application/json"}, CONSTANT)), send, count
        ),
    }


def bench_urllib(count: int) -> tuple[str, Loops]:
    import email.message
    import urllib.request

    model = _model()
    headers = _headers()

    def stub_opener(answer: Callable[[Any], tuple[int, Any, bytes]]) -> Any:
        """urllib's plain mock: a handler answering https requests (the standard library's own seam)."""

        class Stub(urllib.request.HTTPSHandler):
            def https_open(self, request: Any) -> Any:
                status, answer_headers, content = answer(request)
                message = email.message.Message()
                for name, value in answer_headers.items():
                    message[name] = value
                response = urllib.request.addinfourl(io.BytesIO(content), message, request.full_url, status)
                response.msg = "OK"  # type: ignore[attr-defined]
                return response

        return urllib.request.build_opener(Stub())

    def through(request: Any) -> tuple[int, Any, bytes]:
        answer = model(request.get_method(), request.full_url, request.header_items(), request.data or b"")
        return answer.status_code, dict(answer.headers), answer.content

    def sender(opener: Any) -> Callable[[], None]:
        def send() -> None:
            with opener.open(urllib.request.Request(URL, data=BODY, headers=headers, method="POST")) as response:
                response.read()

        return send

    constant = stub_opener(lambda _: (200, {"Content-Type": "application/json"}, CONSTANT))
    return "stub HTTPSHandler", {
        "ours": _within(_mock, sender(urllib.request.build_opener()), count),
        "model": lambda: _loop(sender(stub_opener(through)), count),
        "constant": lambda: _loop(sender(constant), count),
    }


def bench_aiohttp(count: int) -> tuple[str, Loops]:
    import aiohttp

    model = _model()
    headers = _headers()

    def timed(url: str = URL) -> float:
        async def main() -> float:
            async with aiohttp.ClientSession() as session:

                async def send() -> None:
                    async with session.post(url, data=BODY, headers=headers) as response:
                        await response.read()

                for _ in range(min(20, count)):
                    await send()
                start = time.perf_counter()
                for _ in range(count):
                    await send()
                return (time.perf_counter() - start) / count * 1e6

        return asyncio.run(main())

    def ours() -> float:
        with _mock():
            return timed()

    try:
        anchors = _aioresponses(timed, model)
        anchor = "aioresponses"
    except TypeError as error:  # aioresponses 0.7.x builds ClientResponse as aiohttp < 3.13 did
        print(
            f"note: aioresponses does not run with this aiohttp ({error}); the anchor is a loopback aiohttp.web server",
            file=sys.stderr,
        )
        anchors = _loopback_server(timed, model)
        anchor = "loopback aiohttp.web server"
    return anchor, {"ours": ours, **anchors}


def _aioresponses(timed: Callable[[], float], model: Callable[..., Any]) -> Loops:
    from aioresponses import CallbackResult, aioresponses

    def through(url: Any, **kwargs: Any) -> CallbackResult:
        answer = model("POST", str(url), list(kwargs.get("headers", {}).items()), kwargs.get("data") or b"")
        return CallbackResult(status=answer.status_code, body=answer.content, headers=dict(answer.headers))

    def with_model() -> float:
        with aioresponses() as plain:
            plain.post(URL, callback=through, repeat=True)
            return timed()

    def constant() -> float:
        with aioresponses() as plain:
            plain.post(URL, body=CONSTANT, repeat=True, content_type="application/json")
            return timed()

    constant()  # raises TypeError when aioresponses cannot build this aiohttp's response
    return {"model": with_model, "constant": constant}


def _loopback_server(timed: Callable[..., float], model: Callable[..., Any]) -> Loops:
    """aiohttp's own test seam: an aiohttp.web app on loopback (a real socket), answering a constant or the model."""
    import threading

    from aiohttp import web

    async def constant(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=CONSTANT, content_type="application/json")

    async def through(request: web.Request) -> web.Response:
        body = await request.read()
        answer = model(request.method, URL, list(request.headers.items()), body)
        return web.Response(body=answer.content, status=answer.status_code, content_type="application/json")

    def serving(handler: Any) -> Callable[[], float]:
        def loop() -> float:
            app = web.Application()
            app.router.add_post("/messages", handler)
            server_loop = asyncio.new_event_loop()
            runner = web.AppRunner(app)
            server_loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            server_loop.run_until_complete(site.start())
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            thread = threading.Thread(target=server_loop.run_forever, daemon=True)
            thread.start()
            try:
                return timed(f"http://127.0.0.1:{port}/messages")
            finally:
                asyncio.run_coroutine_threadsafe(runner.cleanup(), server_loop).result()
                server_loop.call_soon_threadsafe(server_loop.stop)
                thread.join()
                server_loop.close()

        return loop

    return {"model": serving(through), "constant": serving(constant)}


CLIENTS: dict[str, Callable[[int], tuple[str, Loops]]] = {
    "httpx": bench_httpx,
    "requests": bench_requests,
    "urllib3": bench_urllib3,
    "urllib": bench_urllib,
    "aiohttp": bench_aiohttp,
}


def bench_clients(quick: bool, only: list[str] | None = None) -> list[Row]:
    """Every client's rows (a client not installed is left out with a note)."""
    count, rounds = (100, 3) if quick else (300, 7)
    rows: list[Row] = []
    for name, bench in CLIENTS.items():
        if only and name not in only:
            continue
        try:
            anchor, loops = bench(count)
        except ImportError as error:
            print(f"note: {name} not measured: {error}", file=sys.stderr)
            continue
        best = _compare(loops, rounds)
        rows += _rows(
            name if name != "urllib" else "urllib.request", best["ours"], best["model"], best["constant"], anchor
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer requests per timed loop")
    parser.add_argument("--only", nargs="*", choices=sorted(CLIENTS), help="measure only these clients")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = bench_clients(args.quick, args.only)
    print(header())
    print(table(rows))
    print(f"# {'quick' if args.quick else 'full'} run, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
