"""Benchmarks: each figure of ours beside its anchor (the tool a user would otherwise reach for, or the target the
project set), measured in the same run on the same machine.

    python bench/run.py [--quick] [--json PATH] [--only NAME ...]

Every row has `ours`, `anchor`, `unit` and `ratio` = how many times better ours is (> 1: better; for a target, >= 1
means it is met). Rates are in-test: from the first case to the last, start-up excluded on both sides, after a
warm-up. Scaling rows compare the marginal cost of more work with the marginal cost of less (1.0: linear; < 1:
growing faster than the work). `--quick` measures the same rows with fewer repeats and smaller sizes (the scaling
sizes are given in each row's name). Rows that need ../shared/intercom-openapi (loading the published YAML) are
skipped with a note when it is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = ROOT.parent / "shared" / "intercom-openapi"
LOWER_IS_BETTER = ("s", "ms", "µs", "MB")


@dataclass
class Row:
    name: str
    ours: float
    anchor: float
    unit: str  # "/s" (higher is better) or s, ms, µs, MB (lower is better)
    anchor_name: str
    note: str = ""

    @property
    def ratio(self) -> float:
        if self.unit.endswith("/s"):
            return self.ours / self.anchor if self.anchor else float("nan")
        return self.anchor / self.ours if self.ours else float("nan")


# -- helpers --------------------------------------------------------------------------------------------------------
def median_time(action: Callable[[], Any], repeats: int, *, before: Callable[[], Any] | None = None) -> float:
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_second(action: Callable[[], Any], seconds: float) -> float:
    """How many times `action` runs per second, over about `seconds`."""
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            action()
        count += 100
    return count / elapsed


def official(version: str) -> Path | None:
    path = OFFICIAL / version / "api.intercom.io.yaml"
    return path if path.is_file() else None


@dataclass
class Measured:
    wall: float  # seconds
    peak_mb: float  # the process's own peak RSS (VmHWM)
    code: int


# The command in a process of its own that prints its peak RSS in KiB (VmHWM; with -n, the controller's). Not
# ru_maxrss: Linux carries it across fork and exec, so a child of this benchmark would report the benchmark's peak.
WITH_PEAK = (
    "import re, sys\n"
    "from contracts.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "own = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "print('peak', own)\n"
    "sys.exit(code)\n"
)


def run_suite(*arguments: str) -> Measured:
    """`intercom-contracts run -q ARGUMENTS` in a fresh process: wall time and its own peak RSS."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", WITH_PEAK, "run", "-q", "-p", "no:randomly", *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
        cwd=tempfile.mkdtemp(prefix="bench-suite-"),
    )
    wall = time.perf_counter() - start
    found = re.search(r"^peak (\d+)$", done.stdout, re.MULTILINE)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        print(f"warning: run {' '.join(arguments)} exited {done.returncode}: {tail}", file=sys.stderr)
    return Measured(wall, int(found.group(1)) / 1024 if found else float("nan"), done.returncode)


def best_of(repeats: int, *arguments: str) -> Measured:
    """The run with the median wall time of `repeats` (peak: the highest seen)."""
    runs = [run_suite(*arguments) for _ in range(repeats)]
    runs.sort(key=lambda m: m.wall)
    middle = runs[len(runs) // 2]
    return Measured(middle.wall, max(m.peak_mb for m in runs), middle.code)


# -- the contract suite on the fake ----------------------------------------------------------------------------------
NO_BREADTH = ("-k", "not schemathesis_cases")


def bench_suite(quick: bool) -> list[Row]:
    """suite: one version x three regions with and without breadth (targets 3 s, 10 s, 150 MB); every version."""
    repeats = 1 if quick else 3
    core = best_of(repeats, *NO_BREADTH)
    whole = best_of(repeats)
    rows = [
        Row("suite 2.11 x 3 regions, no breadth: wall", core.wall, 3.0, "s", "target 3 s"),
        Row("suite 2.11 x 3 regions, breadth: wall", whole.wall, 10.0, "s", "target 10 s"),
        Row("suite 2.11 x 3 regions: peak RSS", max(core.peak_mb, whole.peak_mb), 150.0, "MB", "target 150 MB"),
    ]
    every = run_suite("--intercom-version", "all")
    rows += [
        Row("suite every version (11) x 3 regions: wall", every.wall, 11 * whole.wall, "s", "11 x one version"),
        Row("suite every version (11) x 3 regions: peak RSS", every.peak_mb, 250.0, "MB", "target 250 MB"),
    ]
    return rows


# -- loading --------------------------------------------------------------------------------------------------------
@contextmanager
def fresh_cache() -> Iterator[None]:
    previous = os.environ.get("INTERCOM_CONTRACTS_CACHE_DIR")
    os.environ["INTERCOM_CONTRACTS_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-cache-")
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("INTERCOM_CONTRACTS_CACHE_DIR", None)
        else:
            os.environ["INTERCOM_CONTRACTS_CACHE_DIR"] = previous


def bench_load(quick: bool) -> list[Row]:
    """load: the facts pack (cold: first load in a process, no cache; warm: again), and the published YAML vs
    schemathesis and a bare C-loader parse."""
    from contracts import load_spec
    from contracts.spec import pack_versions

    rows = []
    cold, warm = {}, {}
    for version in pack_versions():
        code = (
            "import time; from contracts import load_spec; t = time.perf_counter(); "
            f"load_spec('official:{version}'); print(time.perf_counter() - t)"
        )
        with fresh_cache():
            samples = [
                float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
                for _ in range(1 if quick else 3)
            ]
            cold[version] = statistics.median(samples)
            load_spec(f"official:{version}")
            warm[version] = median_time(lambda version=version: load_spec(f"official:{version}"), 3 if quick else 7)
    slow_cold, slow_warm = max(cold, key=cold.__getitem__), max(warm, key=warm.__getitem__)
    rows.append(Row(f"pack load cold, slowest version ({slow_cold})", cold[slow_cold], 0.050, "s", "target 50 ms"))
    rows.append(Row(f"pack load warm, slowest version ({slow_warm})", warm[slow_warm], 0.020, "s", "target 20 ms"))
    rows += _bench_published_yaml(quick)
    return rows


def _bench_published_yaml(quick: bool) -> list[Row]:
    import schemathesis
    import yaml

    from contracts import load_spec

    rows = []
    repeats = 3 if quick else 7
    for version in ("2.11", "2.16", "Preview"):
        path = official(version)
        if path is None:
            print(f"note: load of the published {version} YAML skipped: {OFFICIAL} is absent", file=sys.stderr)
            continue
        with fresh_cache():
            cold = median_time(lambda path=path: load_spec(str(path)), 1)
            warm = median_time(lambda path=path: load_spec(str(path)), repeats)
        theirs = median_time(lambda path=path: schemathesis.openapi.from_path(str(path)), repeats)
        data = path.read_bytes()
        bare = median_time(lambda data=data: yaml.load(data, Loader=yaml.CSafeLoader), repeats)
        rows.append(Row(f"YAML {version} load warm", warm, theirs, "s", "schemathesis.openapi.from_path"))
        rows.append(Row(f"YAML {version} load cold", cold, bare, "s", "bare yaml CSafeLoader parse"))
    return rows


# -- generation -----------------------------------------------------------------------------------------------------
def draws_per_second(strategy: Any, count: int) -> float:
    """Draws per second through hypothesis's own engine (generate phase only, no database), as a test would:
    from the first draw to the last."""
    from hypothesis import HealthCheck, Phase, given, settings

    stamps: list[float] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),  # the anchor trips health checks; ours does not need this
    )
    @given(strategy)
    def draw(value: Any) -> None:
        stamps.append(time.perf_counter())

    draw()
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else float("nan")


def interleaved(ours: Callable[[], float], theirs: Callable[[], float], repeats: int) -> tuple[float, float]:
    """Medians of alternating measurements, after one warm-up of each: noise hits both sides alike."""
    ours(), theirs()
    mine, their = [], []
    for _ in range(repeats):
        mine.append(ours())
        their.append(theirs())
    return statistics.median(mine), statistics.median(their)


def bench_generation(quick: bool) -> list[Row]:
    """generation: valid create-message requests per second vs schemathesis's as_strategy() on the same document,
    for every version of the pack (2.11 first: target >= 1,200/s and >= 8x)."""
    import schemathesis

    from contracts import load_spec
    from contracts.run import breadth_document
    from contracts.spec import pack_versions
    from strategies import create_message_requests

    ours_count, their_count, repeats = (600, 150, 3) if quick else (1000, 200, 5)
    rows = []
    versions = ["2.11", *(v for v in pack_versions() if v != "2.11")]
    for version in versions:
        spec = load_spec(f"official:{version}")
        mine = create_message_requests(spec.contract())
        document = breadth_document(spec, frozenset({"createMessage"}))
        theirs = schemathesis.openapi.from_dict(document)["/messages"]["POST"].as_strategy()
        ours, anchor = interleaved(
            lambda mine=mine: draws_per_second(mine, ours_count),
            lambda theirs=theirs: draws_per_second(theirs, their_count),
            repeats if version == "2.11" else max(2, repeats // 2),
        )
        rows.append(Row(f"generation {version}", ours, anchor, "/s", "schemathesis as_strategy()"))
        if version == "2.11":
            rows.append(_engine_floor(mine, ours_count, repeats))
    return rows


def _engine_floor(mine: Any, count: int, repeats: int) -> Row:
    """How close generation is to hypothesis's own cost per example: the same engine drawing one integer per
    example. No strategy is faster, so this bounds every generation ratio: 8x an anchor is out of reach for any
    strategy once the anchor draws more than an eighth of this ceiling."""
    from hypothesis import strategies as st

    ours, floor = interleaved(
        lambda: draws_per_second(mine, count), lambda: draws_per_second(st.integers(), count), repeats
    )
    return Row("generation 2.11 vs the engine alone", ours, floor, "/s", "hypothesis drawing integers() (ceiling)")


# -- end to end and breadth ----------------------------------------------------------------------------------------
ANCHOR = "schemathesis pytest (WSGI app, default checks)"


def bench_end_to_end(quick: bool) -> list[Row]:
    """end_to_end: create-message cases per second through the fake with every check, vs schemathesis's pytest
    integration against the same fake as an in-process WSGI app (target >= 10x)."""
    count, repeats = (200, 3) if quick else (500, 5)
    ours, anchor = interleaved(
        lambda: _our_cases_per_second(count), lambda: _schemathesis_rate(count, "createMessage"), repeats
    )
    return [Row("end_to_end createMessage", ours, anchor, "/s", ANCHOR)]


def _our_cases_per_second(count: int) -> float:
    from hypothesis import HealthCheck, Phase, given, settings

    from contracts.checks import RESPONSE_CHECKS, CheckContext, Intent, judge
    from contracts.run import IntercomRun, RunSettings
    from strategies import create_message_requests

    run = IntercomRun(RunSettings(), budget_path=Path(tempfile.gettempdir()) / "bench-budget")
    client = run.client("us", "2.11")
    contract = run.contract("2.11")
    context = CheckContext(contract, "us", "2.11", intent=Intent.VALID)
    checks = (*RESPONSE_CHECKS, "message_echoes_request")
    stamps: list[float] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(create_message_requests(contract, admin_id=run.admin_id, contact_id=run.contact_id))
    def case(payload: dict[str, Any]) -> None:
        judge(context, client.request("POST", "/messages", payload=payload), checks)
        stamps.append(time.perf_counter())

    case()
    run.close()
    return (len(stamps) - 1) / (stamps[-1] - stamps[0])


def bench_breadth(quick: bool) -> list[Row]:
    """breadth: schemathesis's cases for createMessage through our client and checks (redaction, pacing, guard,
    judge), vs schemathesis's own transport and checks on the same fake (in-test rates; target >= 1.0x)."""
    count, repeats = (200, 3) if quick else (300, 3)
    ours, anchor = interleaved(
        lambda: _our_breadth_rate(count), lambda: _schemathesis_rate(count, "createMessage"), repeats
    )
    return [Row("breadth createMessage", ours, anchor, "/s", ANCHOR.replace("default checks", "its own transport"))]


# Our breadth test, each case stamped as it is sent: the suite's own test, its send_case wrapped.
BREADTH_STAMPS = (
    "import sys, time\n"
    "import contracts.run._breadth as breadth\n"
    "stamps = open(sys.argv[1], 'a')\n"
    "sent = breadth.send_case\n"
    "def stamped(case, client):\n"
    "    exchange = sent(case, client)\n"
    "    stamps.write(str(time.perf_counter()) + ' '); stamps.flush()\n"
    "    return exchange\n"
    "breadth.send_case = stamped\n"
    "import contracts.suite.test_breadth as suite\n"
    "suite.send_case = stamped\n"
    "from contracts.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


def _our_breadth_rate(count: int) -> float:
    with tempfile.TemporaryDirectory() as directory:
        stamps = Path(directory) / "stamps.txt"
        subprocess.run(
            [
                sys.executable,
                "-c",
                BREADTH_STAMPS,
                str(stamps),
                "run",
                "-q",
                "-k",
                "schemathesis_cases",
                "--intercom-region",
                "us",
                "--intercom-max-examples",
                str(count),
            ],
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        times = [float(x) for x in stamps.read_text().split()] if stamps.exists() else []
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else float("nan")


def _schemathesis_rate(count: int, operation: str) -> float:
    """Cases per second inside schemathesis's own pytest test of `operation` against the fake as a WSGI app."""
    with tempfile.TemporaryDirectory() as directory:
        test = Path(directory) / "test_schemathesis_anchor.py"
        stamps = Path(directory) / "stamps.txt"
        test.write_text(SCHEMATHESIS_TEST.format(count=count, stamps=str(stamps), operation=operation))
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:intercom_contracts", str(test)],
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        times = [float(line) for line in stamps.read_text().split()] if stamps.exists() else []
    if len(times) < 2:
        print(f"the schemathesis anchor did not run:\n{result.stdout[-2000:]}", file=sys.stderr)
        return float("nan")
    return (len(times) - 1) / (times[-1] - times[0])


SCHEMATHESIS_TEST = """
import json, time
import schemathesis
from hypothesis import settings, HealthCheck, Phase
from contracts.mock import FakeIntercom, FakeRequest, FakeSettings, DEFAULT_TOKENS

# Any sender and recipient exist, so schemathesis's random ids reach a 200 as often as its data allows.
FAKE = FakeIntercom(settings=FakeSettings(admin_ids=None, contact_ids=None, rate_limit=10**9), keep_exchanges=False)

def app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    headers = {{k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    request = FakeRequest("us", environ["REQUEST_METHOD"], environ["PATH_INFO"], headers,
                          environ["wsgi.input"].read(length) if length else b"", environ.get("QUERY_STRING", ""))
    answer = FAKE.handle(request)
    start_response(f"{{answer.status}} X", list(answer.headers.items()))
    return [answer.content()]

from contracts import load_spec
from contracts.run._breadth import breadth_document

# The same document our breadth hands schemathesis: the operation, what it reaches, undocumented inputs excluded.
schema = schemathesis.openapi.from_dict(breadth_document(load_spec("bundled"), frozenset({{"{operation}"}})))
schema.app = app
schema.config.base_url = "http://localhost"

@schema.include(operation_id="{operation}").parametrize()
@settings(max_examples={count}, database=None, deadline=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api(case):
    case.call_and_validate(headers={{"Authorization": "Bearer " + DEFAULT_TOKENS["us"]}})
    with open({stamps!r}, "a") as handle:
        handle.write(str(time.perf_counter()) + " ")
"""


# -- validation and the consumer mock --------------------------------------------------------------------------------
MESSAGE = {"type": "user_message", "id": "1", "created_at": 1719492969, "body": "Hello", "message_type": "inapp"}


def bench_validation(quick: bool) -> list[Row]:
    """validation: Message validations per second, ours vs jsonschema-rs (the ceiling) and openapi-core."""
    import jsonschema_rs
    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    from contracts import load_spec
    from contracts.run import breadth_document

    seconds = 0.5 if quick else 2.0
    contract = load_spec("bundled").contract()
    ceiling = jsonschema_rs.validator_for(contract.message_schema)
    ours = per_second(lambda: contract.validate_message(MESSAGE), seconds)
    rs = per_second(lambda: ceiling.is_valid(MESSAGE), seconds)
    api = OpenAPI.from_dict(breadth_document(load_spec("bundled"), frozenset({"createMessage"})))
    request = MockRequest("https://api.intercom.io", "post", "/messages", data="{}", content_type="application/json")
    response = MockResponse(json.dumps(MESSAGE).encode(), status_code=200, content_type="application/json")
    core = per_second(lambda: api.validate_response(request, response), seconds / 4)
    return [
        Row("validation vs jsonschema-rs", ours, rs, "/s", "jsonschema-rs is_valid (ceiling)"),
        Row("validation vs openapi-core", ours, core, "/s", "openapi-core validate_response"),
    ]


def bench_mock(quick: bool) -> list[Row]:
    """mock: a consumer's request through intercom_mock (the whole model: auth, version, contract, workspace,
    verdict) vs a plain respx route answering a constant; and through the run's transport (no respx)."""
    import httpx
    import respx

    from contracts.mock import DEFAULT_TOKENS, IntercomMock

    count = 500 if quick else 3000
    payload = {
        "message_type": "email",
        "subject": "Hi",
        "body": "Hello",
        "template": "plain",
        "from": {"type": "admin", "id": 991267390},
        "to": {"type": "user", "id": "6762f0d21bb69f9f2193bb59"},
    }
    headers = {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}", "Intercom-Version": "2.11"}

    def each(client: httpx.Client) -> float:
        for _ in range(50):
            client.post("https://api.intercom.io/messages", json=payload, headers=headers)
        start = time.perf_counter()
        for _ in range(count):
            client.post("https://api.intercom.io/messages", json=payload, headers=headers)
        return (time.perf_counter() - start) / count * 1e6

    with respx.mock(assert_all_called=False) as plain:
        plain.post("https://api.intercom.io/messages").mock(return_value=httpx.Response(200, json=MESSAGE))
        with httpx.Client() as client:
            constant = each(client)
    mock = IntercomMock.from_settings(strict=True)
    mock.fake.keep_exchanges = False
    with mock, httpx.Client() as client:
        ours = each(client)
    with httpx.Client(transport=IntercomMock.from_settings().transport()) as client:
        direct = each(client)
    print("note: Prism (npm @stoplight/prism-cli) is a server: it is compared in the loopback group", file=sys.stderr)
    return [
        Row("intercom_mock request (respx)", ours, constant, "µs", "plain respx route, constant answer"),
        Row("intercom_mock request (transport)", direct, constant, "µs", "plain respx route, constant answer"),
        _usage_overhead(payload, headers, repeats=3 if quick else 7),
    ]


def _usage_overhead(payload: dict[str, Any], headers: dict[str, str], *, repeats: int) -> Row:
    """A 1,000-request session through intercom_mock with --intercom-usage (its exchanges written into the usage
    profile, as the fixture does at each test's end) vs the same session without; the target is +5% at most."""
    import httpx

    from contracts.mock import IntercomMock
    from contracts.pytest.fixtures import observe_usage
    from contracts.reports import UsageProfile

    def session(*, usage: bool) -> float:
        mock = IntercomMock.from_settings(strict=True)
        with mock, httpx.Client() as client:
            start = time.perf_counter()
            for _ in range(1000):
                client.post("https://api.intercom.io/messages", json=payload, headers=headers)
            if usage:
                observe_usage(UsageProfile(), mock)
            return time.perf_counter() - start

    session(usage=True)  # warm-up: the contract compiled, the profile's code imported
    without, with_usage = [], []
    for _ in range(repeats):  # interleaved: the machine's drift falls on both alike
        without.append(session(usage=False))
        with_usage.append(session(usage=True))
    plain = statistics.median(without)
    return Row(
        "intercom_mock 1,000 requests + usage profile", statistics.median(with_usage), plain * 1.05, "s",
        "target: +5% over the session without",
    )  # fmt: skip


# -- answers --------------------------------------------------------------------------------------------------------
ANSWERS_BEFORE = "566969d"  # the revision before complete objects and read semantics (#27, #33)
ANSWERS_BUDGET = 1.2  # their target: the fake's answer time per request grows by at most 20%


def bench_answers(quick: bool) -> list[Row]:
    """answers: the fake's answer time per request (bench/answer_times.py, CPU time in the model) on this checkout
    vs the revision before #27/#33 plus 20%, measured alternately in child processes (ratio >= 1: the target is met)."""
    with tempfile.TemporaryDirectory() as directory:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ANSWERS_BEFORE, "contracts"], capture_output=True, check=False
        )
        if archive.returncode != 0:
            print(f"note: answers skipped: git cannot read {ANSWERS_BEFORE} (a shallow clone?)", file=sys.stderr)
            return []
        subprocess.run(["tar", "-x", "-C", directory], input=archive.stdout, check=True)
        ours: dict[str, float] = {}
        before: dict[str, float] = {}
        for _ in range(1 if quick else 3):
            for root, best in ((str(ROOT), ours), (directory, before)):
                for name, milliseconds in _answer_times(root).items():
                    best[name] = min(best.get(name, float("inf")), milliseconds)
    anchor = f"{ANSWERS_BEFORE} (before #27/#33) + 20%"
    return [
        Row(f"answer {name}", ours[name] * 1e3, before[name] * 1e3 * ANSWERS_BUDGET, "µs", anchor)
        for name in ours
        if name in before
    ]


def _answer_times(root: str) -> dict[str, float]:
    script = ROOT / "bench" / "answer_times.py"
    environment = {**os.environ, "PYTHONPATH": root}
    done = subprocess.run(
        [sys.executable, str(script), "--json"], capture_output=True, text=True, env=environment, check=True
    )
    measured: dict[str, float] = json.loads(done.stdout)
    return measured


# -- loopback -------------------------------------------------------------------------------------------------------
PRISM = "@stoplight/prism-cli@5"
LOOPBACK_PATH = "/me"  # a GET both fakes answer 200 from the same description
LOOPBACK_CONNECTIONS = (1, 8, 32)


@dataclass
class Load:
    rate: float  # answers per second
    answers: int
    errors: int  # socket errors, timeouts and answers other than 2xx/3xx


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(url: str, headers: dict[str, str], process: subprocess.Popen[bytes], seconds: float) -> bool:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=2) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    return False


@contextmanager
def _serving(command: list[str], url: str, headers: dict[str, str]) -> Iterator[bool]:
    """A server started as its own process, its log discarded (a log per request is not what is measured)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield _wait_until_serving(url, headers, process, 120)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _prism_command() -> list[str] | None:
    """Prism 5 from the npm registry, installed once into a temp dir; None (with a note) where npm is absent."""
    import shutil

    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        print(f"note: loopback vs Prism skipped: no Node.js/npm on this machine to install {PRISM}", file=sys.stderr)
        return None
    prefix = Path(tempfile.gettempdir()) / "intercom-contracts-bench-prism5"
    binary = prefix / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        install = [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix), PRISM]
        done = subprocess.run(install, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0 or not binary.exists():
            print(f"note: loopback vs Prism skipped: npm install {PRISM} failed: {done.stderr[-300:]}", file=sys.stderr)
            return None
    return [str(binary), "mock", "-h", "127.0.0.1"]


def _wrk(url: str, headers: dict[str, str], connections: int, seconds: float) -> Load:
    """Debian's wrk: `connections` keep-alive connections (one thread per core at most) for `seconds`."""
    command = ["wrk", "-t", str(min(connections, os.cpu_count() or 1)), "-c", str(connections), f"-d{round(seconds)}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    answers = re.search(r"(\d+) requests in", out)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(
        float(rate.group(1)) if rate else 0.0,
        int(answers.group(1)) if answers else 0,
        errors + (int(non_2xx.group(1)) if non_2xx else 0),
    )


def _threads_load(url: str, headers: dict[str, str], connections: int, seconds: float) -> Load:
    """Where wrk is absent: http.client, one thread per keep-alive connection (a slower client: the figures are
    lower bounds)."""
    import http.client
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    counts = [0] * connections
    errors = [0] * connections
    stop = time.perf_counter() + seconds

    def loop(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
        while time.perf_counter() < stop:
            try:
                connection.request("GET", parts.path, headers=headers)
                answer = connection.getresponse()
                answer.read()
                counts[index] += 1
                errors[index] += answer.status >= 400
            except OSError:
                errors[index] += 1
                connection.close()
        connection.close()

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Load(sum(counts) / (time.perf_counter() - start), sum(counts), sum(errors))


def bench_loopback(quick: bool) -> list[Row]:
    """loopback: `intercom-contracts mock` vs Prism 5 (`prism mock` of the published 2.14 YAML), the same GET over
    1, 8 and 32 keep-alive connections, load from wrk (Debian's package; a thread-per-connection http.client loop
    where it is absent)."""
    import shutil

    from contracts.mock import DEFAULT_TOKENS

    description = official("2.14")
    prism = _prism_command()
    if description is None:
        print(f"note: loopback skipped: {OFFICIAL}/2.14 is absent (Prism serves the published YAML)", file=sys.stderr)
        return []
    if prism is None:
        return []
    load, loader = (_wrk, "wrk") if shutil.which("wrk") else (_threads_load, "http.client threads")
    seconds = 2.0 if quick else 5.0
    headers = {"Authorization": f"Bearer {DEFAULT_TOKENS['us']}", "Intercom-Version": "2.14"}
    ours_port, prism_port = _free_port(), _free_port()
    ours_url = f"http://127.0.0.1:{ours_port}/us{LOOPBACK_PATH}"
    prism_url = f"http://127.0.0.1:{prism_port}{LOOPBACK_PATH}"
    # No rate limit in the way: every answer must be the 200 a client would get.
    ours_command = [sys.executable, "-m", "contracts.cli", "mock", "--port", str(ours_port), "--rate-limit", str(10**9)]
    rows = []
    with (
        _serving(ours_command, ours_url, headers) as ours_up,
        _serving([*prism, "-p", str(prism_port), str(description)], prism_url, headers) as prism_up,
    ):
        if not (ours_up and prism_up):
            print(f"note: loopback skipped: a server did not start (ours {ours_up}, Prism {prism_up})", file=sys.stderr)
            return []
        for connections in LOOPBACK_CONNECTIONS:
            load(ours_url, headers, connections, 1.0)  # warm-up, both sides
            load(prism_url, headers, connections, 1.0)
            ours, theirs = load(ours_url, headers, connections, seconds), load(prism_url, headers, connections, seconds)
            rows.append(
                Row(
                    f"loopback GET {LOOPBACK_PATH}, {connections} keep-alive connection(s)",
                    ours.rate,
                    theirs.rate,
                    "/s",
                    f"Prism 5 prism mock ({loader})",
                    note=f"answers {ours.answers}/{theirs.answers}, errors {ours.errors}/{theirs.errors}",
                )
            )
    return rows


# -- scaling --------------------------------------------------------------------------------------------------------
def _marginal(
    name: str, small: tuple[int, Measured], middle: tuple[int, Measured], large: tuple[int, Measured], unit: str
) -> list[Row]:
    """Rows: seconds per unit of work from middle to large vs from small to middle (1.0: linear), peak RSS at large
    vs at small (1.0: flat)."""
    (n1, m1), (n2, m2), (n3, m3) = small, middle, large
    before = (m2.wall - m1.wall) / (n2 - n1)
    after = (m3.wall - m2.wall) / (n3 - n2)
    return [
        Row(
            f"scaling {name} {n1}/{n2}/{n3}: s per {unit}, {n2}->{n3} vs {n1}->{n2}",
            after,
            before,
            "s",
            f"s per {unit}, {n1}->{n2}",
            note=f"walls {m1.wall:.1f}/{m2.wall:.1f}/{m3.wall:.1f} s",
        ),
        Row(
            f"scaling {name} {n1}/{n2}/{n3}: peak RSS at {n3} vs {n1}",
            m3.peak_mb,
            m1.peak_mb,
            "MB",
            f"peak RSS at {n1}",
            note=f"peaks {m1.peak_mb:.0f}/{m2.peak_mb:.0f}/{m3.peak_mb:.0f} MB",
        ),
    ]


def bench_scaling(quick: bool) -> list[Row]:
    """scaling: wall time and peak memory as the work grows (examples, versions, breadth operations, workers)."""
    from contracts import load_spec

    rows = []
    examples = (10, 100, 300) if quick else (10, 100, 1000)
    measured = [(n, run_suite("--intercom-max-examples", str(n))) for n in examples]
    rows += _marginal("max-examples", *measured, unit="example")

    version_sets = {1: ["2.11"], 3: ["2.9", "2.11", "2.14"], 11: ["all"]}
    per_version = []
    for count, versions in version_sets.items():
        flags = [flag for version in versions for flag in ("--intercom-version", version)]
        per_version.append((count, run_suite(*flags, "--intercom-max-examples", "20" if quick else "100")))
    rows += _marginal("versions", *per_version, unit="version")

    operations = [op.operation_id for op in load_spec("official:2.11").operations()]
    breadth_sets = {1: "createMessage", 10: ",".join(operations[:10]), len(operations): "all"}
    per_operation = []
    for count, chosen in breadth_sets.items():
        flags = ("-k", "schemathesis_cases", "--intercom-region", "us", "--intercom-operations", chosen)
        per_operation.append((count, run_suite(*flags, "--intercom-max-examples", "5" if quick else "20")))
    rows += _marginal("breadth operations", *per_operation, unit="operation")

    one = run_suite("-n", "1")
    two = run_suite("-n", "2")
    rows.append(Row("scaling xdist workers: wall with -n 2 vs -n 1", two.wall, one.wall, "s", "wall with -n 1"))
    return rows


# `suite` first: measured first, its child processes see what a user's run sees (not a warmed, grown benchmark).
BENCHMARKS: dict[str, Callable[[bool], list[Row]]] = {
    "suite": bench_suite,
    "load": bench_load,
    "generation": bench_generation,
    "end_to_end": bench_end_to_end,
    "breadth": bench_breadth,
    "validation": bench_validation,
    "mock": bench_mock,
    "answers": bench_answers,
    "loopback": bench_loopback,
    "scaling": bench_scaling,
    "clients": lambda quick: _clients().bench_clients(quick),  # bench/clients.py: intercom_mock per HTTP client
}


def _clients() -> Any:
    """bench/clients.py, imported when asked for (it imports this module's table helpers)."""
    import importlib

    return importlib.import_module("clients")


def header() -> str:
    import importlib.metadata as md

    versions = []
    for package in (
        "intercom-contracts",
        "schemathesis",
        "hypothesis",
        "jsonschema",
        "jsonschema-rs",
        "PyYAML",
        "httpx",
    ):
        try:
            versions.append(f"{package} {md.version(package)}")
        except md.PackageNotFoundError:
            versions.append(f"{package} absent")
    machine = f"{platform.machine()} {os.cpu_count()} cpu, {platform.system()} {platform.release()}"
    bytecode = "off (PYTHONDONTWRITEBYTECODE)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    return f"# {machine}; Python {platform.python_version()}; bytecode cache {bytecode}\n# " + ", ".join(versions)


def format_value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"
    if unit in ("MB", "µs"):
        return f"{value:,.1f} {unit}"
    return f"{value:,.0f} {unit}"


def table(rows: list[Row]) -> str:
    lines = ["| benchmark | ours | anchor | anchor is | ratio |", "|---|---:|---:|---|---:|"]
    for row in rows:
        anchor = row.anchor_name + (f" ({row.note})" if row.note else "")
        lines.append(
            f"| {row.name} | {format_value(row.ours, row.unit)} | {format_value(row.anchor, row.unit)} "
            f"| {anchor} | {row.ratio:.2f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes")
    parser.add_argument("--json", metavar="PATH", help="also write {name: {ours, anchor, unit, ratio}}")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run only these groups")
    args = parser.parse_args(argv)
    os.environ["INTERCOM_CONTRACTS_CACHE_DIR"] = tempfile.mkdtemp(prefix="intercom-contracts-bench-")
    started = time.perf_counter()
    rows: list[Row] = []
    for name, bench in BENCHMARKS.items():
        if not args.only or name in args.only:
            rows.extend(bench(args.quick))
    print(header())
    print(table(rows))
    print(f"# {'quick' if args.quick else 'full'} run, {time.perf_counter() - started:.0f} s")
    if args.json:
        payload = {
            "machine": header(),
            "quick": args.quick,
            "rows": {
                r.name: {
                    "ours": r.ours,
                    "anchor": r.anchor,
                    "unit": r.unit,
                    "ratio": r.ratio,
                    "anchor_is": r.anchor_name,
                }
                for r in rows
            },
        }
        Path(args.json).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
