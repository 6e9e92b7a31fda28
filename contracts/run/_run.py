"""One contract run: the settings, the spec and its contracts, the target (fake or live) and its clients.

Built by the plugin's session fixture, callable without pytest.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path

from .._transport import live_transport
from ..errors import UsageError
from ..live import (
    CreatedRecord,
    HttpExchange,
    IntercomClient,
    LedgerUnreadable,
    LiveGuard,
    MessageBudget,
    NotSent,
    Pacing,
    TransportFailure,
    WaitAllowance,
    WriteLedger,
    budget_plan,
    part_of,
)
from ..mock import DEFAULT_TOKENS, FakeIntercom, FakeSettings, IntercomMock
from ..spec import Contract, Contracts, Spec
from ._settings import RunSettings

__all__ = ["MOCK_ALLOWANCE", "IntercomRun", "live_flows", "share_of"]

MOCK_ALLOWANCE = 1_000_000


def share_of(region: str, version: str | None, purpose: str | None = None) -> str:
    """The name of a region x version's share of the live message budget; with `purpose`, of that core check's
    part of it (contracts.live.CORE_NEEDS names them)."""
    share = f"{region}/{version or 'default'}"
    return share if purpose is None else part_of(share, purpose)


def live_flows(settings: RunSettings) -> bool:
    """Whether the run's flows write to a live server (--intercom-flows with --intercom-allow-writes): its writes
    are capped and kept to what it created (the write ledger), and what it created is deleted at the end."""
    return settings.live and settings.flows and settings.allow_writes


class IntercomRun:
    def __init__(
        self,
        settings: RunSettings,
        *,
        budget_path: Path,
        ledger_path: Path | None = None,
        contracts: Contracts | None = None,
        versions: tuple[str, ...] | None = None,
        listeners: Iterable[Callable[[HttpExchange], None]] = (),
        ledger_key: str | None = None,
    ):
        self.settings = settings
        self.listeners = list(listeners)  # told of every exchange of every client (a recording)
        if contracts is not None:
            self.contracts = contracts
        if versions is not None:
            self.versions = versions
        self._budget_path = budget_path
        self._ledger_path = ledger_path or budget_path.with_name(budget_path.name + "-writes")
        # What seals the write ledger: every process of the run is given the same (a new one: this object's alone).
        self._ledger_key = ledger_key or secrets.token_hex(32)
        self._clients: dict[tuple[str, str | None], IntercomClient] = {}
        self._pacing: dict[str, Pacing] = {}

    @cached_property
    def contracts(self) -> Contracts:
        """Which description judges which version (the facts pack unless --intercom-spec names one)."""
        return Contracts(self.settings.spec, errata=self.settings.errata)

    @cached_property
    def versions(self) -> tuple[str, ...]:
        """The versions under test (the plugin adds --intercom-upgrade-to's)."""
        return self.contracts.resolve(self.settings.versions)

    def spec_for(self, version: str | None) -> Spec:
        """The description that judges `version`."""
        return self.contracts.spec_for(version)

    @cached_property
    def budget(self) -> MessageBudget:
        """The live message cap; each region x version's core checks have their part of it first (the plan)."""
        shares = [share_of(region, version) for region in self.settings.regions for version in self.versions]
        cap = self.settings.max_live_messages
        return MessageBudget(self._budget_path, cap, plan=budget_plan(cap, shares))

    @cached_property
    def ledger(self) -> WriteLedger:
        """The flows' write ledger, shared by every process: its `marker` names the records they create (on the fake
        too); on a live flows run it caps their writes, keeps them to what the run created, and lists it all."""
        settings = self.settings
        return WriteLedger(
            self._ledger_path,
            settings.max_live_writes,
            documents=self._documents,
            admin_id=settings.admin_id,
            contact_id=settings.contact_id,
            key=self._ledger_key,
        )

    def _documents(self, version: str | None, method: str, path: str) -> bool:
        """Whether `version`'s description documents `method path` (a DELETE the ledger may send at the end)."""
        return self.spec_for(version).operation_at(method, path) is not None

    def cleanup(self) -> list[CreatedRecord]:
        """Delete every record a live flows run created and did not delete, through the guard (which admits a DELETE
        only of the run's own records): nothing else is ever sent. Each record is tried once (a record whose DELETE
        was sent before is left as its answer said); what stays is listed with why. Returns every record.
        A ledger not as the run wrote it (LedgerUnreadable) is raised, and nothing is deleted from it."""
        if not live_flows(self.settings):
            return []
        ledger = self.ledger
        for record in ledger.records():
            if record.deleted or record.delete_path is None or record.delete_sent:
                continue
            try:
                self.client(record.region, record.version).request("DELETE", record.delete_path)
            except LedgerUnreadable:
                raise
            except NotSent as refused:
                ledger.left(record.delete_path, f"not deleted: {refused.reason}", region=record.region)
            except TransportFailure:
                pass  # the client told the ledger
        return ledger.records()

    def contract(self, version: str) -> Contract:
        return self.contracts.contract(version)

    @cached_property
    def fake(self) -> FakeIntercom:
        """The embedded target (mock runs): the run's contracts, the documented tokens and ids.

        Its allowance is set beyond what a run sends: a live run paces itself, a mock run need not wait; the 429
        test lowers it for its own requests.
        """
        faults = self.settings.fake_faults
        settings = FakeSettings(rate_limit=MOCK_ALLOWANCE, faults=faults)
        # A run judges each answer as it comes: the fake keeps none of them (thousands over every version).
        return FakeIntercom(self.contracts, settings, keep_exchanges=False)

    @cached_property
    def _mock(self) -> IntercomMock:
        return IntercomMock(self.fake, base_urls=self.settings.base_urls)

    def token(self, region: str) -> str:
        if self.settings.live:
            token = self.settings.token_for(region)
            if token is None:
                raise UsageError(f"no access token for region {region}")
            return token
        return self.fake.settings.tokens[region]

    def other_region_token(self, region: str) -> str | None:
        """A valid token of another region, when the run has one."""
        others = [r for r in DEFAULT_TOKENS if r != region]
        if self.settings.live:
            return next((self.settings.tokens[r] for r in others if r in self.settings.tokens), None)
        return self.fake.settings.tokens[others[0]]

    @property
    def admin_id(self) -> int | None:
        return self.settings.parties[0]

    @property
    def contact_id(self) -> str | None:
        return self.settings.parties[1]

    def client(self, region: str, version: str | None) -> IntercomClient:
        key = (region, version)
        if key not in self._clients:
            live = self.settings.live
            base_url = self.settings.base_urls[region]
            self._clients[key] = IntercomClient(
                region=region,
                base_url=base_url,
                token=self.token(region),
                version=version,
                timeout=self.settings.timeout,
                transport=live_transport(base_url) if live else self._mock.transport(),
                pacing=self._pacing.setdefault(region, self._new_pacing()),  # one allowance per region's token
                guard=self.guard if live else None,
                budget=self.budget if live else None,
                ledger=self.ledger if live_flows(self.settings) else None,
            )
            self._clients[key].listeners.extend(self.listeners)
        return self._clients[key]

    @cached_property
    def guard(self) -> LiveGuard:
        settings = self.settings
        return LiveGuard(
            admin_id=settings.admin_id,
            contact_id=settings.contact_id,
            allow_writes=settings.allow_writes,
            flows=settings.flows,
            ledger=self.ledger if live_flows(settings) else None,
        )

    @cached_property
    def waits(self) -> WaitAllowance:
        """The run's total of rate-limit waits, shared by every region."""
        # The embedded fake's allowance is beyond what a run sends; its 429 test must see the 429, not wait it out.
        return WaitAllowance(self.settings.max_rate_wait if self.settings.live else 0.0)

    def _new_pacing(self) -> Pacing:
        return Pacing(allowance=self.waits)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
