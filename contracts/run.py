"""One contract run: the settings, the spec and its contracts, the target (fake or live) and its clients.

Built by the plugin's session fixture, callable without pytest.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

import httpx

from .budget import MessageBudget
from .client import IntercomClient, Pacing
from .contract import Contract
from .errors import UsageError
from .mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, DEFAULT_TOKENS, FakeIntercom, FakeSettings, IntercomMock
from .settings import RunSettings
from .spec import Spec, load_spec

__all__ = ["MOCK_ALLOWANCE", "IntercomRun"]

MOCK_ALLOWANCE = 1_000_000
# Faults for the embedded fake, comma separated: how the toolkit's own tests prove each check catches its fault.
FAULTS_ENV = "INTERCOM_CONTRACTS_FAKE_FAULTS"


class IntercomRun:
    def __init__(self, settings: RunSettings, *, budget_path: Path, spec: Spec | None = None):
        self.settings = settings
        if spec is not None:
            self.spec = spec
        self.budget = MessageBudget(budget_path, settings.max_live_messages)
        self._clients: dict[tuple[str, str | None], IntercomClient] = {}
        self._pacing: dict[str, Pacing] = {}

    @cached_property
    def spec(self) -> Spec:
        return load_spec(self.settings.spec, errata=self.settings.errata)

    @property
    def versions(self) -> tuple[str, ...]:
        return self.settings.versions or (self.spec.version,)

    def contract(self, version: str) -> Contract:
        return self.spec.contract(version)

    @cached_property
    def fake(self) -> FakeIntercom:
        """The embedded target (mock runs): the spec's contract, the documented tokens and ids.

        Its allowance is set beyond what a run sends: a live run paces itself, a mock run need not wait; the 429
        test lowers it for its own requests.
        """
        faults = frozenset(f.strip() for f in os.environ.get(FAULTS_ENV, "").split(",") if f.strip())
        return FakeIntercom(self.spec.contract(), FakeSettings(rate_limit=MOCK_ALLOWANCE, faults=faults))

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
        return self.settings.admin_id if self.settings.live else (self.settings.admin_id or DEFAULT_ADMIN_ID)

    @property
    def contact_id(self) -> str | None:
        return self.settings.contact_id if self.settings.live else (self.settings.contact_id or DEFAULT_CONTACT_ID)

    def client(self, region: str, version: str | None) -> IntercomClient:
        key = (region, version)
        if key not in self._clients:
            transport = None if self.settings.live else httpx.MockTransport(self._mock.router.handler)
            self._clients[key] = IntercomClient(
                region=region,
                base_url=self.settings.base_urls[region],
                token=self.token(region),
                version=version,
                timeout=self.settings.timeout,
                transport=transport,
                pacing=self._pacing.setdefault(region, self._new_pacing()),  # one allowance per region's token
            )
        return self._clients[key]

    def _new_pacing(self) -> Pacing:
        # The embedded fake's allowance is beyond what a run sends; its 429 test must see the 429, not wait it out.
        return Pacing(max_wait=self.settings.max_rate_wait if self.settings.live else 0.0)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
