"""Benchmarks: each figure of ours beside the tool a user would otherwise reach for, same machine, same run.

    python bench/run.py [--quick] [--json PATH] [--only NAME ...]

Every row is a median over repeats; `ratio` is how many times better ours is than the anchor (> 1: better).
Needs the `bench` extra (schemathesis, jsonschema-rs, openapi-core) and the published descriptions in
../shared/intercom-openapi (rows that need a missing file are skipped with a note).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = ROOT.parent / "shared" / "intercom-openapi"


@dataclass
class Row:
    name: str
    ours: float
    anchor: float
    unit: str  # "s" (lower is better) or "/s" (higher is better)
    anchor_name: str
    note: str = ""

    @property
    def ratio(self) -> float:
        if self.unit.endswith("/s"):
            return self.ours / self.anchor
        return self.anchor / self.ours  # seconds and megabytes: lower is better


def median_time(action: Callable[[], Any], repeats: int, *, before: Callable[[], Any] | None = None) -> float:
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def official(version: str) -> Path | None:
    path = OFFICIAL / version / "api.intercom.io.yaml"
    return path if path.is_file() else None


def bench_load(quick: bool) -> list[Row]:
    """load_cold / load_warm: load_spec of a published description vs schemathesis and a bare C-loader parse."""
    import shutil

    import schemathesis
    import yaml

    from contracts import load_spec

    repeats = 3 if quick else 7
    rows = []
    for version in ("2.11", "2.16", "Preview"):
        path = official(version)
        if path is None:
            print(f"skipped load of {version}: {OFFICIAL} is absent", file=sys.stderr)
            continue
        cache = Path(os.environ["INTERCOM_CONTRACTS_CACHE_DIR"])

        def clear_cache(cache: Path = cache) -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def load(path: Path = path) -> None:
            load_spec(str(path))

        cold = median_time(load, repeats, before=clear_cache)
        load()
        warm = median_time(load, repeats)
        their = median_time(lambda path=path: schemathesis.openapi.from_path(str(path)), repeats)
        data = path.read_bytes()
        bare = median_time(lambda data=data: yaml.load(data, Loader=yaml.CSafeLoader), repeats)
        rows.append(Row(f"load_warm {version}", warm, their, "s", "schemathesis.openapi.from_path"))
        rows.append(Row(f"load_cold {version}", cold, their, "s", "schemathesis.openapi.from_path"))
        rows.append(Row(f"load_cold_vs_parse {version}", cold, bare, "s", "bare yaml CSafeLoader parse"))
    return rows


def draws_per_second(strategy: Any, count: int) -> float:
    """Draws per second through hypothesis's own engine (generate phase only, no database), as a test would."""
    from hypothesis import HealthCheck, Phase, given, settings

    drawn = [0]

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),  # the anchor trips health checks; ours does not need this
    )
    @given(strategy)
    def draw(value: Any) -> None:
        drawn[0] += 1

    start = time.perf_counter()
    draw()
    return drawn[0] / (time.perf_counter() - start)


def bench_generation(quick: bool) -> list[Row]:
    """generation: valid create-message requests per second vs schemathesis's as_strategy() for POST /messages."""
    import schemathesis

    from contracts import load_spec
    from strategies import create_message_requests

    path = official("2.11")
    if path is None:
        print(f"skipped generation: {OFFICIAL} is absent", file=sys.stderr)
        return []
    count, repeats = (200, 3) if quick else (500, 5)
    ours_strategy = create_message_requests(load_spec(str(path)).contract())
    their_strategy = schemathesis.openapi.from_path(str(path))["/messages"]["POST"].as_strategy()
    ours = statistics.median(draws_per_second(ours_strategy, count) for _ in range(repeats))
    theirs = statistics.median(draws_per_second(their_strategy, count) for _ in range(repeats))
    return [Row("generation 2.11", ours, theirs, "/s", "schemathesis as_strategy()")]


MESSAGE = {"type": "user_message", "id": "1", "created_at": 1719492969, "body": "Hello", "message_type": "inapp"}


def per_second(action: Callable[[], Any], seconds: float) -> float:
    """How many times `action` runs per second, over about `seconds`."""
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            action()
        count += 100
    return count / elapsed


def bench_validation(quick: bool) -> list[Row]:
    """validation: Message validations per second, ours vs jsonschema-rs (the ceiling) and openapi-core."""
    import jsonschema_rs
    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    from contracts import load_spec
    from contracts.breadth import breadth_document

    seconds = 0.5 if quick else 2.0
    contract = load_spec("bundled").contract()
    ceiling = jsonschema_rs.validator_for(contract.message_schema)
    ours = per_second(lambda: contract.validate_message(MESSAGE), seconds)
    rs = per_second(lambda: ceiling.is_valid(MESSAGE), seconds)
    # openapi-core resolves the whole document: it gets createMessage and what it reaches (2.11 has dangling refs).
    api = OpenAPI.from_dict(breadth_document(load_spec("bundled"), frozenset({"createMessage"})))
    request = MockRequest("https://api.intercom.io", "post", "/messages", data="{}", content_type="application/json")
    response = MockResponse(json.dumps(MESSAGE).encode(), status_code=200, content_type="application/json")
    core = per_second(lambda: api.validate_response(request, response), seconds / 4)
    return [
        Row("validation vs jsonschema-rs", ours, rs, "/s", "jsonschema-rs is_valid (ceiling)"),
        Row("validation vs openapi-core", ours, core, "/s", "openapi-core validate_response"),
    ]


def bench_end_to_end(quick: bool) -> list[Row]:
    """end_to_end: create-message cases per second through the fake with every check, vs schemathesis's pytest
    integration against the same fake as an in-process WSGI app, on the same operation, default checks."""
    count = 100 if quick else 300
    ours = _our_cases_per_second(count)
    return [Row("end_to_end createMessage", ours, _schemathesis_rate(count), "/s", ANCHOR)]


def bench_breadth(quick: bool) -> list[Row]:
    """breadth: schemathesis's cases for createMessage per second through our transport and checks (a whole
    `-k schemathesis_cases` run, start-up included), vs schemathesis's own pytest integration (in-test rate)."""
    import subprocess

    count = 100 if quick else 300
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--pyargs",
            "contracts.suite",
            "-k",
            "schemathesis_cases",
            "--intercom-region",
            "us",
            "--intercom-max-examples",
            str(count),
        ],
        cwd=tempfile.mkdtemp(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    ours = count / (time.perf_counter() - start)
    return [Row("breadth createMessage (whole run)", ours, _schemathesis_rate(count), "/s", ANCHOR)]


ANCHOR = "schemathesis pytest (WSGI app, default checks)"


def _schemathesis_rate(count: int) -> float:
    """Cases per second inside schemathesis's own pytest test of createMessage against the fake as a WSGI app."""
    import subprocess

    with tempfile.TemporaryDirectory() as directory:
        test = Path(directory) / "test_schemathesis_anchor.py"
        stamps = Path(directory) / "stamps.txt"
        test.write_text(SCHEMATHESIS_TEST.format(count=count, stamps=str(stamps)))
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:intercom_contracts", str(test)],
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        times = [float(line) for line in stamps.read_text().split()] if stamps.exists() else []
    if len(times) < 2:
        print(f"the schemathesis anchor did not run:\n{result.stdout[-2000:]}", file=sys.stderr)
        return float("nan")
    return (len(times) - 1) / (times[-1] - times[0])


def _our_cases_per_second(count: int) -> float:
    from hypothesis import HealthCheck, Phase, given, settings

    from contracts.checks import RESPONSE_CHECKS, CheckContext, Intent, judge
    from contracts.run import IntercomRun
    from contracts.settings import RunSettings
    from strategies import create_message_requests

    run = IntercomRun(RunSettings(), budget_path=Path(tempfile.gettempdir()) / "bench-budget")
    client = run.client("us", "2.11")
    contract = run.contract("2.11")
    context = CheckContext(contract, "us", "2.11", intent=Intent.VALID)
    checks = (*RESPONSE_CHECKS, "message_echoes_request")
    done = [0]

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
        done[0] += 1

    start = time.perf_counter()
    case()
    return done[0] / (time.perf_counter() - start)


SCHEMATHESIS_TEST = """
import json, time
import schemathesis
from hypothesis import settings, HealthCheck, Phase
from contracts.mock import FakeIntercom, FakeRequest, FakeSettings, DEFAULT_TOKENS

# Any sender and recipient exist, so schemathesis's random ids reach a 200 as often as its data allows.
FAKE = FakeIntercom(settings=FakeSettings(admin_ids=None, contact_ids=None, rate_limit=10**9))

def app(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    headers = {{k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    request = FakeRequest("us", environ["REQUEST_METHOD"], environ["PATH_INFO"], headers,
                          environ["wsgi.input"].read(length) if length else b"")
    answer = FAKE.handle(request)
    start_response(f"{{answer.status}} X", list(answer.headers.items()))
    return [answer.content()]

from contracts import load_spec
from contracts.breadth import breadth_document

# The same document our breadth hands schemathesis: the operation, what it reaches, undocumented inputs excluded.
schema = schemathesis.openapi.from_dict(breadth_document(load_spec("bundled"), frozenset({{"createMessage"}})))
schema.app = app
schema.config.base_url = "http://localhost"

@schema.include(operation_id="createMessage").parametrize()
@settings(max_examples={count}, database=None, deadline=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api(case):
    case.call_and_validate(headers={{"Authorization": "Bearer " + DEFAULT_TOKENS["us"]}})
    with open({stamps!r}, "a") as handle:
        handle.write(str(time.perf_counter()) + " ")
"""


# The suite in a process of its own that prints its peak RSS in KiB (VmHWM; with -n 2, the controller's).
# Not ru_maxrss: Linux carries it across fork and exec, so a child of this (large) benchmark process would
# report the benchmark's peak, not its own.
SUITE_WITH_PEAK = (
    "import re, sys\n"
    "from contracts.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "own = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "print('peak', own)\n"
    "sys.exit(code)\n"
)


def bench_suite(quick: bool) -> list[Row]:
    """suite: the whole built-in suite on the fake, wall time and peak memory, serial and with -n 2."""
    import resource
    import subprocess

    rows = []
    for label, extra in (("serial", []), ("-n 2", ["-n", "2"])):
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from contracts.cli import main; sys.exit(main(sys.argv[1:]))",
                "run",
                "-q",
                *extra,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        wall = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rows.append(Row(f"suite wall ({label})", wall, wall, "s", "(itself: wall time)"))
        rows.append(Row(f"suite peak RSS ({label})", peak_mb, 150.0, "MB", "target 150 MB"))
    return rows


# `suite` first: run after `end_to_end`, its child process peaked at ~297 MB instead of ~117 MB (a state of this
# benchmark process leaking into the child, not yet understood); measured first it is what a user's run sees.
BENCHMARKS: dict[str, Callable[[bool], list[Row]]] = {
    "suite": bench_suite,
    "load": bench_load,
    "generation": bench_generation,
    "end_to_end": bench_end_to_end,
    "validation": bench_validation,
    "breadth": bench_breadth,
}


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
    ):
        try:
            versions.append(f"{package} {md.version(package)}")
        except md.PackageNotFoundError:
            versions.append(f"{package} absent")
    machine = f"{platform.machine()} {os.cpu_count()} cpu, {platform.system()} {platform.release()}"
    return f"# {machine}; Python {platform.python_version()}\n# " + ", ".join(versions)


def format_value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.2f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:,.1f} {unit}" if unit == "MB" else f"{value:,.0f} {unit}"


def table(rows: list[Row]) -> str:
    lines = ["| benchmark | ours | anchor | anchor is | ratio |", "|---|---:|---:|---|---:|"]
    for row in rows:
        lines.append(
            f"| {row.name} | {format_value(row.ours, row.unit)} | {format_value(row.anchor, row.unit)} "
            f"| {row.anchor_name} | {row.ratio:.2f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and examples")
    parser.add_argument("--json", metavar="PATH", help="also write {name: {ours, anchor, unit, ratio}}")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run only these groups")
    args = parser.parse_args(argv)
    os.environ["INTERCOM_CONTRACTS_CACHE_DIR"] = tempfile.mkdtemp(prefix="intercom-contracts-bench-")
    rows: list[Row] = []
    for name, bench in BENCHMARKS.items():
        if not args.only or name in args.only:
            rows.extend(bench(args.quick))
    print(header())
    print(table(rows))
    if args.json:
        payload = {r.name: {"ours": r.ours, "anchor": r.anchor, "unit": r.unit, "ratio": r.ratio} for r in rows}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
