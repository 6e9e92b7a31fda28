"""A run's exchanges recorded, and a recording judged again.

Recording: `Recorder` hears every exchange of the run's clients (never one answered from the client's record: it
was not sent); when the test that made them reports, `drain` turns them into HAR entries (`_har`), each
with the judgement its test gave it: intent, operation, expected rejection, checks and verdicts. Entries are
redacted in the process that made them, before they travel to the xdist controller or a file.

Judging again: `rejudging` turns a recording's entries back into exchanges with what they were sent for, under the
version asked for (or the one they were recorded under). A create-message request the recorded version judged
valid (or invalid) that another version's contract judges otherwise is judged as that contract says
(`judged_as`): the verdicts follow the contract, not the recording.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

from ..checks import RESPONSE_CHECKS, Intent, Judge, Judgement
from ..errors import ContractViolation
from ..exchange import Exchange
from ..spec import CREATE_MESSAGE, Contract, Rejection
from ._har import HarEntry, Recording, entry_of

__all__ = ["RecordedExchange", "Recorder", "Rejudged", "exchange_of", "judged_as", "rejudging"]

# schemathesis's own check judges an answer by the case it generated, which a recording does not hold.
NEEDS_THE_CASE = frozenset({"schemathesis"})
_CHECK_OF_INTENT = {Intent.VALID: "message_echoes_request", Intent.INVALID: "invalid_request_rejected"}


class Recorder:
    """The exchanges of the run's clients not yet reported by a test (thread-safe: clients may be used in threads)."""

    def __init__(self, *, secrets: Iterable[str] = ()):
        self.secrets = tuple(secrets)
        self._pending: list[Exchange] = []
        self._lock = threading.Lock()

    def listen(self, exchange: Exchange) -> None:
        if not exchange.replayed:  # answered from the record of the first send: nothing went on the wire
            with self._lock:
                self._pending.append(exchange)

    def drain(self, *, test: str, judge: Judge | None = None, label: str = "") -> list[dict[str, Any]]:
        """The HAR entries of every exchange since the last drain, with the judgements `judge` gave them."""
        with self._lock:
            pending, self._pending = self._pending, []
        if not pending:
            return []
        judgements: dict[int, list[Judgement]] = {}
        for judgement in judge.judgements if judge is not None else ():
            judgements.setdefault(id(judgement.exchange), []).append(judgement)
        tested = judge.version if judge is not None else None
        return [
            entry_of(exchange, meta=_meta(test, label, tested, judgements.get(id(exchange), [])), secrets=self.secrets)
            for exchange in pending
        ]


def _meta(test: str, label: str, tested_version: str | None, judgements: list[Judgement]) -> dict[str, Any]:
    meta: dict[str, Any] = {"test": test, "tested_version": tested_version, "judged": bool(judgements)}
    if label:
        meta["label"] = label
    if not judgements:
        return meta
    last = judgements[-1]
    context = last.context
    verdicts = {v.check: v.outcome for judgement in judgements for v in judgement.verdicts}
    failures = [
        {"check": v.check, "problem": v.failure.problem}
        for judgement in judgements
        for v in judgement.verdicts
        if v.failure is not None
    ]
    meta.update(
        intent=context.intent.value,
        operation=context.operation_of(last.exchange),
        expected=asdict(context.expected) if context.expected is not None else None,
        checks=list(verdicts),
        verdicts=verdicts,
        failures=failures,
    )
    return meta


# -- judging again ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RecordedExchange:
    """One recorded exchange and what it was sent for, as one version's contract sees it."""

    entry: HarEntry
    exchange: Exchange
    intent: Intent
    expected: Rejection | None
    operation: str | None
    checks: tuple[str, ...]


@dataclass(frozen=True)
class Rejudged:
    """One recorded test (or, in another tool's recording, one exchange) to judge again under one version."""

    test: str  # the test that recorded it ("" for another tool's recording)
    region: str
    version: str  # the version whose contract judges it
    label: str  # what the run's table added to its checks' names (e.g. "[createMessage]")
    exchanges: tuple[RecordedExchange, ...]
    unjudged: int = 0  # exchanges its test made but never judged
    skip: str | None = None  # why nothing is judged

    @property
    def checks(self) -> tuple[str, ...]:
        """Every check of its exchanges, in the order met."""
        return tuple(dict.fromkeys(check for item in self.exchanges for check in item.checks))

    @property
    def id(self) -> str:
        name = self.test.rsplit("::", 1)[-1] if self.test else f"entry-{self.exchanges[0].entry.number}"
        return f"{name}@{self.version}"

    def under(self, contract: Contract) -> Rejudged:
        """Each exchange as `contract` sees it (see `judged_as`)."""
        return replace(self, exchanges=tuple(judged_as(item, contract) for item in self.exchanges))


def exchange_of(entry: HarEntry) -> Exchange:
    """The recorded exchange as the client would have made it (the credential stays redacted)."""
    return entry.exchange()


def rejudging(recording: Recording, versions: Iterable[str], *, default: str) -> list[Rejudged]:
    """Every recorded test x version (`versions` empty: the version it was recorded under, else `default`).

    Another tool's recording says nothing of tests or intents: each exchange is judged alone, by its answer.
    """
    groups: dict[tuple[str, str, str], list[HarEntry]] = {}
    for entry in recording.entries:
        meta = entry.meta
        test = str(meta.get("test", "")) if recording.ours else ""
        recorded = str(meta.get("tested_version") or entry.version or default)
        key = (test or f"#{entry.number}", entry.region or "us", recorded)
        groups.setdefault(key, []).append(entry)
    asked = tuple(versions)
    items = []
    for (test, region, recorded), entries in groups.items():
        for version in asked or (recorded,):
            items.append(_group(test if recording.ours else "", region, version, entries, ours=recording.ours))
    return items


def _group(test: str, region: str, version: str, entries: list[HarEntry], *, ours: bool) -> Rejudged:
    if not ours:
        exchanges = tuple(
            RecordedExchange(entry, exchange_of(entry), Intent.RECORDED, None, None, RESPONSE_CHECKS)
            for entry in entries
        )
        return Rejudged("", region, version, "", exchanges)
    judged = [entry for entry in entries if entry.meta.get("judged")]
    label = str(entries[0].meta.get("label") or "")
    exchanges = tuple(_recorded(entry) for entry in judged)
    skip = None if exchanges else "recorded without a verdict: its test never judged what it sent"
    return Rejudged(test, region, version, label, exchanges, len(entries) - len(judged), skip)


def _recorded(entry: HarEntry) -> RecordedExchange:
    meta = entry.meta
    try:
        intent = Intent(meta.get("intent"))
    except ValueError:
        intent = Intent.RECORDED
    expected = meta.get("expected")
    rejection = Rejection(**expected) if isinstance(expected, dict) else None
    checks = tuple(c for c in meta.get("checks") or () if c not in NEEDS_THE_CASE)
    return RecordedExchange(entry, exchange_of(entry), intent, rejection, meta.get("operation"), checks)


def judged_as(item: RecordedExchange, contract: Contract) -> RecordedExchange:
    """A recorded create-message request as `contract` sees it.

    Recorded as valid but refused by this contract: invalid (any 4xx expected, as no fact names the code), judged by
    invalid_request_rejected instead of message_echoes_request; recorded as invalid but accepted: valid, the other
    way round. A body that is not a JSON object is invalid under every version and stays as recorded.
    """
    if item.operation != CREATE_MESSAGE or item.intent not in _CHECK_OF_INTENT:
        return item
    payload = item.exchange.payload
    if not isinstance(payload, dict):
        return item
    try:
        contract.validate_create_message_request(payload)
    except ContractViolation as violation:
        if item.intent is Intent.INVALID:
            return item
        rejection = Rejection(violation.rule, violation.path)
        return replace(item, intent=Intent.INVALID, expected=rejection, checks=_swap(item.checks, Intent.INVALID))
    if item.intent is Intent.VALID:
        return item
    return replace(item, intent=Intent.VALID, expected=None, checks=_swap(item.checks, Intent.VALID))


def _swap(checks: tuple[str, ...], intent: Intent) -> tuple[str, ...]:
    wanted = _CHECK_OF_INTENT[intent]
    others = set(_CHECK_OF_INTENT.values()) - {wanted}
    kept = tuple(check for check in checks if check not in others)
    return kept if wanted in kept else (*kept, wanted)
