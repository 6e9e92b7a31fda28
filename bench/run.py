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
        return self.anchor / self.ours


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


BENCHMARKS: dict[str, Callable[[bool], list[Row]]] = {"load": bench_load, "generation": bench_generation}


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
        return f"{value * 1000:.2f} ms"
    return f"{value:,.0f} {unit}"


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
