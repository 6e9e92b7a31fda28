"""The `intercom-contracts` console script: run, lint, diff, mock.

Every toolkit error ends the command with one line on stderr and exit code 2; findings (lint --strict, breaking
changes in diff) exit 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .errors import IntercomContractsError

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _run(pytest_args: Sequence[str]) -> int:
    import pytest

    return int(pytest.main(["--pyargs", "contracts.suite", "-p", "no:cacheprovider", *pytest_args]))


def _lint(args: argparse.Namespace) -> int:
    from .lint import lint
    from .spec import load_spec

    report = lint(load_spec(args.spec, errata=False))
    print(report.to_json() if args.format == "json" else report.to_text())
    return EXIT_FINDINGS if args.strict and report.findings else EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intercom-contracts",
        description="Contract testing and schema validation for the Intercom REST API.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the built-in contract suite (same as pytest --pyargs contracts.suite; pytest args follow)",
    )
    lint = commands.add_parser("lint", help="self-consistency report of a spec")
    lint.add_argument("spec", metavar="SPEC", help="bundled, a file path, an https:// URL or official:VERSION")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--strict", action="store_true", help="exit 1 when there is any finding")
    lint.set_defaults(handler=_lint)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["run"]:  # everything after `run` belongs to pytest, unparsed
        return _run(arguments[1:])
    args = _parser().parse_args(arguments)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except IntercomContractsError as error:
        print(f"intercom-contracts {args.command}: error: {error}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
