"""What one test report carries to the process that reports the run: one typed payload, in one user property.

Under xdist a report crosses from a worker to the controller serialized, and only its `user_properties` carry
data of ours; without xdist the same path is taken, so both runs are one code path. The controller takes the
payload out of the report before any other plugin (JUnit XML) sees it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import pytest

PROPERTY = "intercom_payload"
RUN_ID = "intercom_run_id"  # the workerinput key: every worker shares the controller's run id
LEDGER_KEY = "intercom_ledger_key"  # and the key sealing the live write ledger (in no file)


@dataclass
class Payload:
    """A test report's verdicts (the call's), failures in detail, and the exchanges it recorded (HAR entries)."""

    verdicts: dict[str, str] | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)
    har: list[dict[str, Any]] = field(default_factory=list)
    own_token_answers: list[tuple[str, int]] = field(default_factory=list)  # (region, status): the token watch
    usage: dict[str, Any] | None = None  # --intercom-usage: what the test's intercom_mock served (a profile's data)

    def __bool__(self) -> bool:
        return (
            self.verdicts is not None
            or bool(self.failures)
            or bool(self.har)
            or bool(self.own_token_answers)
            or self.usage is not None
        )

    def attach(self, report: pytest.TestReport) -> None:
        if self:
            report.user_properties.append((PROPERTY, json.dumps(asdict(self), ensure_ascii=False)))

    @classmethod
    def take(cls, report: pytest.TestReport) -> Payload:
        """The report's payload, taken out of it (an empty one when it carries none)."""
        carried = [value for name, value in report.user_properties if name == PROPERTY]
        if not carried:
            return cls()
        report.user_properties = [(name, value) for name, value in report.user_properties if name != PROPERTY]
        found = json.loads(str(carried[-1]))
        found["own_token_answers"] = [tuple(pair) for pair in found.get("own_token_answers", [])]
        return cls(**found)


def share_run_id(node: Any, run_id: str, ledger_key: str) -> None:
    """xdist: every worker shares the controller's run id (and so the live message cap) and ledger key."""
    node.workerinput[RUN_ID] = run_id
    node.workerinput[LEDGER_KEY] = ledger_key
