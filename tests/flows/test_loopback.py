"""The flows need only `send`: over real sockets to the loopback fake, through the client a live run uses."""

from __future__ import annotations

from contracts.flows import FlowTarget, client_sender, run_flows
from contracts.live import IntercomClient
from contracts.mock import DEFAULT_ADMIN_ID, FakeIntercom, MockServer
from contracts.spec import Contracts


def test_the_flows_run_against_the_loopback_fake(packed: Contracts) -> None:
    fake = FakeIntercom(packed)
    with MockServer(fake) as server:
        client = IntercomClient(
            region="eu", base_url=server.base_urls["eu"], token=fake.settings.tokens["eu"], version="2.14"
        )
        target = FlowTarget(
            client_sender(client),
            packed.contract("2.14"),
            "2.14",
            "icc-loop",
            region="eu",
            admin_id=str(DEFAULT_ADMIN_ID),
            fresh=fake.fresh_workspace,
        )
        try:
            assert run_flows(target, examples=3, steps=8) is None
        finally:
            client.close()
    assert target.taken > 0
    assert {exchange.request.region for exchange in fake.exchanges} == {"eu"}
    assert all(exchange.violation is None for exchange in fake.exchanges)  # every request the flows sent is valid
