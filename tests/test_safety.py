"""Safety: secrets never leave, 429 storms are survived, nothing but GET and POST is sent."""

from __future__ import annotations

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, FakeIntercom, FakeSettings, MockServer

SUITE = ("--pyargs", "contracts.suite", "-p", "no:cacheprovider", "--intercom-target", "live")
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_.~+/="


def _live_env(monkeypatch: pytest.MonkeyPatch, tokens: dict[str, str]) -> None:
    for name in list(os.environ):
        if name.startswith("INTERCOM_ACCESS_TOKEN"):
            monkeypatch.delenv(name)
    for region, token in tokens.items():
        monkeypatch.setenv(f"INTERCOM_ACCESS_TOKEN_{region.upper()}", token)
    monkeypatch.setenv("INTERCOM_ADMIN_ID", str(DEFAULT_ADMIN_ID))
    monkeypatch.setenv("INTERCOM_CONTACT_ID", DEFAULT_CONTACT_ID)


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    us=st.text(TOKEN_ALPHABET, min_size=12, max_size=48),
    eu=st.text(TOKEN_ALPHABET, min_size=12, max_size=48),
    faults=st.sets(
        st.sampled_from(["message-id-integer", "request-id-mismatch", "ignore-version", "html-errors"]), min_size=1
    ),
)
def test_planted_tokens_never_reach_any_output(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    us: str,
    eu: str,
    faults: set[str],
) -> None:
    out = tmp_path_factory.mktemp("outputs")
    summary, report, junit = out / "summary.md", out / "report.json", out / "junit.xml"
    tokens = {"us": us, "eu": eu}
    with monkeypatch.context() as patch:
        _live_env(patch, tokens)
        patch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        fake = FakeIntercom(settings=FakeSettings(tokens=tokens, faults=frozenset(faults)))
        with MockServer(fake) as server:
            # A subprocess: the suite's own @given must not run nested inside this one, and it is the real channel.
            result = pytester.runpytest_subprocess(
                *SUITE,
                "--intercom-base-url",
                f"us={server.base_urls['us']}",
                "--intercom-base-url",
                f"eu={server.base_urls['eu']}",
                "--intercom-max-examples",
                "5",
                "--intercom-report",
                str(report),
                "--junitxml",
                str(junit),
                "-rA",
                "-v",
                "-o",
                "log_cli=true",
                "--log-cli-level=DEBUG",
                "--log-level=DEBUG",
            )
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # failures print the most: curl lines, reproduction blobs
    channels = {
        "terminal": result.stdout.str() + result.stderr.str(),
        "report": report.read_text(),
        "junit": junit.read_text(),
        "summary": summary.read_text(),
    }
    assert "Bearer [redacted]" in channels["terminal"], (us, eu, faults, channels["terminal"][-3000:])
    for name, text in channels.items():
        for token in tokens.values():
            assert token not in text, (name, token)


def test_a_429_storm_is_survived(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """An allowance of 5 per 10 seconds: the run paces itself and waits out the 429s, without failures."""
    tokens = {"us": "tok-storm-" + os.urandom(4).hex()}
    _live_env(monkeypatch, tokens)
    fake = FakeIntercom(settings=FakeSettings(tokens=tokens, rate_limit=5, window_seconds=10, retry_after=True))
    with MockServer(fake) as server:
        result = pytester.runpytest(
            *SUITE, "--intercom-base-url", f"us={server.base_urls['us']}", "--intercom-max-examples", "2"
        )
    result.assert_outcomes(passed=10, skipped=2)  # one region: no other region's token, no provoked 429
    counted = [e for e in fake.exchanges if "X-RateLimit-Limit" in e.response.headers]
    assert len(counted) > 5  # more than one window's allowance was needed


def test_only_get_and_post_are_ever_sent(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = {"us": "tok-methods-" + os.urandom(4).hex()}
    _live_env(monkeypatch, tokens)
    fake = FakeIntercom(settings=FakeSettings(tokens=tokens))
    with MockServer(fake) as server:
        pytester.runpytest(*SUITE, "--intercom-base-url", f"us={server.base_urls['us']}").assert_outcomes(
            passed=10, skipped=2
        )
    assert {e.request.method for e in fake.exchanges} == {"GET", "POST"}
