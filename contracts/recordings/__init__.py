"""HAR 1.2 recordings: a run's exchanges and verdicts written, judged again, replayed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._har import HarEntry, HarWriter, Recording, entry_of, read_recording
    from ._recording import NEEDS_THE_CASE, Recorder, Rejudged, exchange_of, rejudging

__all__ = [
    "NEEDS_THE_CASE",
    "HarEntry",
    "HarWriter",
    "Recorder",
    "Recording",
    "Rejudged",
    "entry_of",
    "exchange_of",
    "read_recording",
    "rejudging",
]

__getattr__, __dir__ = attach(__name__, {
    "HarEntry": "_har",
    "HarWriter": "_har",
    "NEEDS_THE_CASE": "_recording",
    "Recorder": "_recording",
    "Recording": "_har",
    "entry_of": "_har",
    "Rejudged": "_recording",
    "exchange_of": "_recording",
    "read_recording": "_har",
    "rejudging": "_recording",
})
