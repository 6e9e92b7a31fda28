"""The loopback fake's control endpoints, under a prefix Intercom never uses (`/__intercom/`), and its ledger.

GET  /__intercom/exchanges   every exchange kept, with its verdict (redacted: no credential)
GET  /__intercom/breaches    the requests the contract refuses, and the breach text `intercom_mock` ends with
POST /__intercom/reset       a fresh workspace (the seed records only), no exchange, no queued fault
POST /__intercom/records/{kind}   add a record (JSON body) to the workspace: `{"email": ...}` under /contact
POST /__intercom/faults      queue a fault: {"fault": "respond_next_with", "status": 500, "code": ..., "message": ...}
POST /__intercom/webhooks    deliver one notification now to the subscribed handlers: {"topic": ..., "item": {...}}
                             (or "fail_next"), {"fault": "rate_limit_next", "times": 1, "retry_after": 1},
                             {"fault": "slow_next", "seconds": 2}
"""

from __future__ import annotations

import collections
import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._redaction import as_curl, redact
from ..errors import UsageError, render_value
from ._model import Exchange

if TYPE_CHECKING:
    from ._server import MockServer

__all__ = ["CONTROL_PREFIX", "MAX_KEPT", "Ledger", "control_answer", "exchange_record"]

CONTROL_PREFIX = "/__intercom/"
MAX_KEPT = 50_000  # exchanges kept by a long-running server (the oldest go first); breaches are all kept


class Ledger:
    """What the loopback fake served: the last MAX_KEPT exchanges and every breach (a listener of the fake)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.exchanges: collections.deque[Exchange] = collections.deque(maxlen=MAX_KEPT)
        self.breaches: list[Exchange] = []
        self.undocumented: list[Exchange] = []

    def note(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)
            if exchange.violation is not None:
                self.breaches.append(exchange)
            elif exchange.undocumented:
                self.undocumented.append(exchange)

    def clear(self) -> None:
        with self._lock:
            self.exchanges.clear()
            self.breaches.clear()
            self.undocumented.clear()

    def kept(self) -> list[Exchange]:
        with self._lock:
            return list(self.exchanges)


def exchange_record(exchange: Exchange, base_urls: dict[str, str]) -> dict[str, Any]:
    """An exchange as JSON: the request (as a redacted curl line), the answer's status, the verdict."""
    request, violation = exchange.request, exchange.violation
    token = (request.header("Authorization") or "").partition(" ")[2]
    url = base_urls.get(request.region, request.region) + request.path + (f"?{request.query}" if request.query else "")
    record: dict[str, Any] = {
        "method": request.method,
        "region": request.region,
        "path": request.path,
        "query": request.query,
        "status": exchange.response.status,
        "operation": exchange.operation,
        "version": exchange.version,
        "request": redact(as_curl(request.method, url, request.headers, request.body), [token]),
        "breach": None,
        "undocumented": list(exchange.undocumented),
    }
    if violation is not None:
        record["breach"] = {
            "rule": violation.rule,
            "path": violation.path,
            "message": violation.message,
            "received": render_value(violation.received),
            "documented": render_value(violation.expected),
        }
    return record


def control_answer(server: MockServer, method: str, path: str, body: bytes) -> tuple[int, Any]:
    """The status and JSON answer of a control request (`path` under CONTROL_PREFIX)."""
    route = path[len(CONTROL_PREFIX) :].strip("/")
    handlers: dict[tuple[str, str], Callable[[], tuple[int, Any]]] = {
        ("GET", "exchanges"): lambda: (200, [exchange_record(e, server.base_urls) for e in server.ledger.kept()]),
        ("GET", "breaches"): lambda: (200, _breaches(server)),
        ("POST", "reset"): lambda: _reset(server),
        ("POST", "faults"): lambda: _queue_fault(server, _json(body)),
        ("POST", "webhooks"): lambda: _deliver_webhook(server, _json(body)),
    }
    if method == "POST" and route.startswith("records/"):
        handlers[(method, route)] = lambda: _add_record(server, route.partition("/")[2], _json(body))
    handler = handlers.get((method, route))
    if handler is None:
        known = ", ".join(f"{m} {CONTROL_PREFIX}{r}" for m, r in handlers) + f", POST {CONTROL_PREFIX}records/KIND"
        return 404, _problem(f"no control endpoint {method} {path}; there are: {known}")
    try:
        return handler()
    except (ValueError, UsageError) as error:  # a fault the fixture would refuse too (an undocumented status...)
        return 400, _problem(str(error))


def reset_workspace(server: MockServer) -> None:
    """A fresh workspace holding the seed records only; no exchange kept, no queued rule, no rate window."""
    fake = server.fake
    with fake._lock:  # no request is answered half from the old workspace
        fake.fresh_workspace()
        fake.rules.clear()
        fake.reset_rate_windows()
        if server.seed is not None:
            server.seed(fake.workspace)
    server.ledger.clear()


def _breaches(server: MockServer) -> dict[str, Any]:
    return {
        "breaches": [exchange_record(e, server.base_urls) for e in server.ledger.breaches],
        "undocumented": [exchange_record(e, server.base_urls) for e in server.ledger.undocumented],
        "report": server.breach_report(),
    }


def _reset(server: MockServer) -> tuple[int, Any]:
    reset_workspace(server)
    return 200, {"reset": True}


def _add_record(server: MockServer, kind: str, body: Any) -> tuple[int, Any]:
    if not kind or "/" in kind:
        return 404, _problem(f"add a record with POST {CONTROL_PREFIX}records/KIND (contact, company, tag...)")
    if not isinstance(body, dict):
        return 400, _problem(f"the record must be a JSON object, not {render_value(body)}")
    return 200, server.fake.workspace.add(kind, body)


def _queue_fault(server: MockServer, body: Any) -> tuple[int, Any]:
    if not isinstance(body, dict):
        raise ValueError(f'a fault is a JSON object such as {{"fault": "rate_limit_next"}}, not {render_value(body)}')
    fault = body.get("fault")
    if fault in ("respond_next_with", "fail_next"):
        status = body.get("status")
        if not isinstance(status, int):
            raise ValueError(f"{fault} needs a status (a documented error status), not {render_value(status)}")
        server.respond_next_with(status, _text(body, "code"), _text(body, "message"))
    elif fault == "rate_limit_next":
        retry_after = body.get("retry_after", 1)
        server.rate_limit_next(_count(body, "times"), retry_after=None if retry_after is None else int(retry_after))
    elif fault == "slow_next":
        seconds = body.get("seconds")
        if not isinstance(seconds, int | float) or seconds < 0:
            raise ValueError(f"slow_next needs seconds (a number >= 0), not {render_value(seconds)}")
        server.slow_next(float(seconds), _count(body, "times"))
    else:
        raise ValueError(
            f"unknown fault {render_value(fault)}; the faults: respond_next_with (or fail_next), rate_limit_next, "
            "slow_next"
        )
    return 200, {"queued": fault}


def _deliver_webhook(server: MockServer, body: Any) -> tuple[int, Any]:
    """One notification of `topic` now (its item drawn from the version's model unless given); what each handler
    answered."""
    if not isinstance(body, dict) or not isinstance(body.get("topic"), str):
        raise ValueError('expected {"topic": "conversation.user.replied", "item": {...} (optional)}')
    item = body.get("item")
    if item is not None and not isinstance(item, dict):
        raise ValueError("item: expected an object (the notification's data.item)")
    deliveries = server.webhooks.deliver(body["topic"], item)
    return 200, [
        {"target": str(d.subscription.target), "status": d.answer.status, "answer": d.answer.describe()}
        for d in deliveries
    ]


def _count(body: dict[str, Any], key: str) -> int:
    value = body.get(key, 1)
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{key} must be a whole number >= 1, not {render_value(value)}")
    return value


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    return None if value is None else str(value)


def _json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"the body is not JSON: {error}") from None


def _problem(message: str) -> dict[str, Any]:
    return {"type": "error.list", "errors": [{"code": "control", "message": message}]}
