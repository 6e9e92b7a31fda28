"""The settings of a contract run, resolved from options, ini keys and the environment (no pytest needed).

Precedence: command-line option > ini key > environment (ids only) > default. Every bad value is a UsageError
naming the option and the accepted values. Tokens come only from the environment, never from an option.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import UsageError
from ..mock import FAULTS_ENV, parse_faults
from ..regions import DEFAULT_REGION, REGIONS, TOKEN_ENV, token_env_for
from ..spec import is_loopback_host

__all__ = [
    "OPTIONS",
    "Option",
    "RunSettings",
    "parse_admin_id",
    "parse_base_urls",
    "parse_contact_id",
    "parse_count",
    "parse_seconds",
    "tokens_from_environment",
]


@dataclass(frozen=True)
class Option:
    name: str  # without the leading dashes, e.g. "intercom-target"
    meaning: str
    default: Any = None
    repeatable: bool = False
    flag: bool = False
    choices: tuple[str, ...] | None = None
    metavar: str | None = None
    shown: str = "none"  # the default as --help and the README's options table say it

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")

    @property
    def flag_text(self) -> str:
        return f"--{self.name}"

    @property
    def help(self) -> str:
        return f"{self.meaning} (default: {self.shown})"


OPTIONS: tuple[Option, ...] = (
    Option(
        "intercom-target",
        "where requests go: the embedded fake or a live server",
        "mock",
        choices=("mock", "live"),
        shown="mock",
    ),
    Option(
        "intercom-spec",
        "bundled (the facts pack: each version by its own description), or one description judging every version: "
        "official:VERSION, a path or an https:// URL",
        "bundled",
        metavar="SOURCE",
        shown="bundled",
    ),
    Option(
        "intercom-version",
        "Intercom-Version to test, repeatable; `all`: every published version",
        repeatable=True,
        metavar="V",
        shown="2.11",
    ),
    Option(
        "intercom-region",
        "region to test, repeatable",
        repeatable=True,
        choices=tuple(REGIONS),
        shown="mock: all three; live: those with a token",
    ),
    Option(
        "intercom-base-url",
        "override a region's server, REGION=URL, repeatable (plain http:// only for loopback)",
        repeatable=True,
        metavar="REGION=URL",
        shown="the documented server",
    ),
    Option(
        "intercom-admin-id",
        "the only sender live message-creating cases may use (env INTERCOM_ADMIN_ID)",
        metavar="ID",
    ),
    Option(
        "intercom-contact-id",
        "the only recipient live message-creating cases may use (env INTERCOM_CONTACT_ID)",
        metavar="ID",
    ),
    Option("intercom-max-examples", "hypothesis examples per property test", metavar="N", shown="mock 100, live 10"),
    Option(
        "intercom-max-live-messages",
        "cap on the POST /messages of a live run, xdist workers included",
        20,
        metavar="N",
        shown="20",
    ),
    Option(
        "intercom-timeout", "seconds a request may take, its whole answer included", 10.0, metavar="SECONDS", shown="10"
    ),
    Option("intercom-report", "write a JSON report of every check result to PATH", metavar="PATH"),
    Option(
        "intercom-report-html",
        "write a self-contained HTML report (matrix, failures, run) to PATH",
        metavar="PATH",
    ),
    Option(
        "intercom-usage",
        "write what the code under test used through intercom_mock (operations, field paths, header names, answers; "
        "never a value) to PATH as JSON, and show its contract coverage",
        metavar="PATH",
    ),
    Option(
        "intercom-record",
        "write every exchange of the run to PATH as a HAR 1.2 file, verdicts included, credentials redacted",
        metavar="PATH",
    ),
    Option(
        "intercom-recording",
        "judge the exchanges of a HAR recording again, offline (what `intercom-contracts judge HAR` runs)",
        metavar="HAR",
    ),
    Option(
        "intercom-upgrade-to",
        "also run version V, each version by its own description, and report what differs",
        metavar="V",
    ),
    Option(
        "intercom-operations",
        "operationIds or tags (comma separated) or `all`, fuzzed through schemathesis",
        "createMessage",
        metavar="LIST",
        shown="createMessage",
    ),
    Option(
        "intercom-errata",
        "apply the known corrections to an official description",
        "on",
        choices=("on", "off"),
        shown="on",
    ),
    Option(
        "intercom-allow-writes",
        "live: send PUT and PATCH, and POST operations' positive cases (DELETE only in flows, of what the run created)",
        False,
        flag=True,
        shown="off",
    ),
    Option(
        "intercom-flows",
        "run the stateful flows (create, read, list, search, update, delete across the API) against the target; "
        "live only with --intercom-allow-writes",
        False,
        flag=True,
        shown="off",
    ),
    Option(
        "intercom-max-live-writes",
        "cap on the writes of a live run's flows (any request but GET, POST /messages and searches; a record's "
        "first DELETE undoes it and is not counted), xdist workers included",
        10,
        metavar="N",
        shown="10",
    ),
)
_BY_NAME = {option.name: option for option in OPTIONS}
MOCK_MAX_EXAMPLES, LIVE_MAX_EXAMPLES = 100, 10


@dataclass(frozen=True)
class RunSettings:
    target: str = "mock"
    spec: str = "bundled"
    versions: tuple[str, ...] = ()  # empty: the spec's own version
    regions: tuple[str, ...] = tuple(REGIONS)
    base_urls: dict[str, str] = field(default_factory=lambda: dict(REGIONS))
    tokens: dict[str, str] = field(default_factory=dict)  # live only; never shown
    admin_id: int | None = None
    contact_id: str | None = None
    max_examples: int = MOCK_MAX_EXAMPLES
    max_live_messages: int = 20
    timeout: float = 10.0
    max_rate_wait: float = 60.0  # live: the most a run waits for rate-limit windows, in all
    report: str | None = None
    report_html: str | None = None
    usage: str | None = None  # the usage profile written at the end (intercom_mock's exchanges)
    record: str | None = None  # the HAR file the run's exchanges are written to
    recording: str | None = None  # the HAR file whose exchanges are judged again
    upgrade_to: str | None = None
    operations: tuple[str, ...] = ("createMessage",)
    errata: bool = True
    allow_writes: bool = False
    flows: bool = False  # the stateful flows (contracts.flows) run
    max_live_writes: int = 10  # live flows: the cap on their writes (a record's first DELETE, cleanup's, not counted)
    fake_faults: frozenset[str] = frozenset()  # faults of the embedded fake (INTERCOM_CONTRACTS_FAKE_FAULTS)

    @property
    def parties(self) -> tuple[int | None, str | None]:
        """(admin id, contact id) the run's messages go between: the ones given on a live run (none: no message is
        sent), the fake's seeded admin and contact unless given otherwise."""
        if self.live:
            return self.admin_id, self.contact_id
        from ..mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID

        return self.admin_id or DEFAULT_ADMIN_ID, self.contact_id or DEFAULT_CONTACT_ID

    @property
    def live(self) -> bool:
        return self.target == "live"

    @classmethod
    def resolve(cls, lookup: Callable[[str], Any], environ: dict[str, str] | None = None) -> RunSettings:
        """Settings from `lookup(option name)` (the option's or ini value, None when unset) and the environment."""
        env = dict(os.environ if environ is None else environ)

        def value(name: str) -> Any:
            found = lookup(name)
            return _BY_NAME[name].default if found in (None, [], "") else found

        target = _choice("intercom-target", value("intercom-target"))
        live = target == "live"
        base_urls = dict(REGIONS)
        base_urls.update(parse_base_urls(_listed(value("intercom-base-url"))))
        tokens = tokens_from_environment(env) if live else {}
        regions = _regions(_listed(value("intercom-region")), tokens, live)
        max_examples = value("intercom-max-examples")
        return cls(
            target=target,
            spec=str(value("intercom-spec")),
            versions=tuple(dict.fromkeys(_listed(value("intercom-version")))),
            regions=regions,
            base_urls={region: url for region, url in base_urls.items()},
            tokens=tokens,
            admin_id=parse_admin_id(lookup("intercom-admin-id") or env.get("INTERCOM_ADMIN_ID")),
            contact_id=parse_contact_id(lookup("intercom-contact-id") or env.get("INTERCOM_CONTACT_ID")),
            max_examples=parse_count(
                "intercom-max-examples",
                max_examples if max_examples is not None else (LIVE_MAX_EXAMPLES if live else MOCK_MAX_EXAMPLES),
            ),
            max_live_messages=parse_count("intercom-max-live-messages", value("intercom-max-live-messages"), zero=True),
            timeout=parse_seconds("intercom-timeout", value("intercom-timeout")),
            report=_report_path("intercom-report", value("intercom-report")),
            report_html=_report_path("intercom-report-html", value("intercom-report-html")),
            usage=_report_path("intercom-usage", value("intercom-usage")),
            record=_report_path("intercom-record", value("intercom-record")),
            recording=str(value("intercom-recording")) if value("intercom-recording") else None,
            upgrade_to=value("intercom-upgrade-to"),
            operations=tuple(p.strip() for p in str(value("intercom-operations")).split(",") if p.strip()),
            errata=_choice("intercom-errata", value("intercom-errata")) == "on",
            allow_writes=_flag(value("intercom-allow-writes")),
            flows=_flag(value("intercom-flows")),
            max_live_writes=parse_count("intercom-max-live-writes", value("intercom-max-live-writes"), zero=True),
            fake_faults=_faults(env.get(FAULTS_ENV, "")),
        )

    def token_for(self, region: str) -> str | None:
        return self.tokens.get(region)


def _listed(value: Any) -> list[str]:
    """A repeatable option's values (a list from the command line, a whitespace/comma separated ini string)."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    return [part for item in items for part in str(item).replace(",", " ").split()]


def _choice(name: str, value: Any) -> str:
    choices = _BY_NAME[name].choices or ()
    if str(value) not in choices:
        raise UsageError(f"--{name}: {value!r} is not one of {', '.join(choices)}")
    return str(value)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def parse_count(name: str, value: Any, *, zero: bool = False) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UsageError(f"--{name}: expected a whole number, got {value!r}") from None
    if number < (0 if zero else 1):
        raise UsageError(f"--{name}: expected a number >= {0 if zero else 1}, got {number}")
    return number


MAX_TIMEOUT = 300.0  # a request that needs more than five minutes is not an answer


def parse_seconds(name: str, value: Any) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise UsageError(f"--{name}: expected a number of seconds, got {value!r}") from None
    if not 0 < number <= MAX_TIMEOUT:  # nan fails this too
        raise UsageError(f"--{name}: expected a number of seconds above 0 and at most {MAX_TIMEOUT:g}, got {value}")
    return number


def _report_path(name: str, value: Any) -> str | None:
    """A path a report can be written to at the end of the run: checked before the run, not after it."""
    if value in (None, ""):
        return None
    path = Path(str(value)).expanduser()
    if path.is_dir():
        raise UsageError(f"--{name}: {value} is a directory; give a file path")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"--{name}: the directory {parent} does not exist; create it or choose another path")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--{name}: {value} cannot be written (permission denied)")
    return str(path)


def _faults(text: str) -> frozenset[str]:
    try:
        return parse_faults(text)
    except ValueError as error:
        raise UsageError(f"{FAULTS_ENV}: {error}") from None


def parse_admin_id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UsageError(
            f"--intercom-admin-id / INTERCOM_ADMIN_ID: expected an integer admin id, got {value!r}"
        ) from None
    if number < 1:
        raise UsageError(f"--intercom-admin-id / INTERCOM_ADMIN_ID: expected a positive admin id, got {number}")
    return number


def parse_contact_id(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def parse_base_urls(values: Sequence[str], *, option: str = "--intercom-base-url") -> dict[str, str]:
    """REGION=URL items: each URL checked as the client will read it; plain http:// only for loopback."""
    found = {}
    for item in values:
        region, sep, url = item.partition("=")
        if not sep or region not in REGIONS:
            raise UsageError(f"{option}: expected REGION=URL with REGION one of {', '.join(REGIONS)}, got {item!r}")
        import httpx  # the client's own parser judges the URL (only when one is given)

        try:
            httpx.URL(url)
            parts = urlsplit(url)
            parts.port  # noqa: B018  (raises ValueError for a port out of range or not a number)
        except (ValueError, httpx.InvalidURL) as error:
            raise UsageError(f"{option}: {url!r} is not a valid URL ({error})") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"{option}: {url!r} is not an http(s) URL")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise UsageError(f"{option}: {url!r} must be scheme://host[:port][/path] (no query, no user)")
        if parts.scheme == "http" and not is_loopback_host(parts.hostname):
            raise UsageError(
                f"{option}: plain http:// is refused for {parts.hostname}, which is not loopback "
                "(the token would travel unencrypted); use https://"
            )
        found[region] = url.rstrip("/")
    return found


def tokens_from_environment(env: Mapping[str, str]) -> dict[str, str]:
    """Each region's access token from the environment (INTERCOM_ACCESS_TOKEN_US|EU|AU; the unsuffixed one: US)."""
    tokens = {
        region: env[token_env_for(region)].strip() for region in REGIONS if env.get(token_env_for(region), "").strip()
    }
    default = env.get(TOKEN_ENV, "").strip()
    if default and DEFAULT_REGION not in tokens:
        tokens[DEFAULT_REGION] = default
    return tokens


def _regions(asked: Sequence[str], tokens: dict[str, str], live: bool) -> tuple[str, ...]:
    for region in asked:
        if region not in REGIONS:
            raise UsageError(f"--intercom-region: {region!r} is not one of {', '.join(REGIONS)}")
    if not live:
        return tuple(dict.fromkeys(asked)) or tuple(REGIONS)
    if not asked:
        if not tokens:
            raise UsageError(
                f"--intercom-target live needs an access token: set {TOKEN_ENV} (for {DEFAULT_REGION}) or "
                f"{', '.join(token_env_for(r) for r in REGIONS)}"
            )
        return tuple(region for region in REGIONS if region in tokens)
    for region in asked:
        if region not in tokens:
            variable = token_env_for(region) + (f" or {TOKEN_ENV}" if region == DEFAULT_REGION else "")
            raise UsageError(f"--intercom-region {region}: no access token for {region}; set {variable}")
    return tuple(dict.fromkeys(asked))
