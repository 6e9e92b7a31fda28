"""The `intercom-contracts` console script: run, judge, replay, lint, diff, merge, mock.

Every toolkit error ends the command with one line on stderr and exit code 2; findings (lint --strict, breaking
changes in diff, differences in replay) exit 1. `run` and `judge` hand their arguments to pytest; a bad option there
is pytest's usage error (exit 4).
Output into a closed pipe (`| head`) ends the command quietly.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .errors import IntercomContractsError, UsageError

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


RUN_USAGE = "intercom-contracts run [pytest options]"
JUDGE_USAGE = "intercom-contracts judge HAR [--intercom-version V] [--intercom-spec S] [pytest options]"
EXIT_USAGE = 4  # pytest's


class _PytestCommand:
    """A pytest plugin of a command that runs pytest: its own name in pytest's usage line and help."""

    def __init__(self, name: str):
        self.name = name

    def pytest_addoption(self, parser: Any) -> None:
        parser.prog = f"intercom-contracts {self.name}"


def _run(pytest_args: Sequence[str]) -> int:
    if any(argument in ("-h", "--help") for argument in pytest_args):
        print(
            f"usage: {RUN_USAGE}\n\nRuns the built-in contract suite (pytest --pyargs contracts.suite) against the "
            "embedded fake, or --intercom-target live. Every pytest option applies; the suite's own are in the group "
            "'intercom-contracts' below.\n"
        )
    return _pytest("run", "contracts.suite", pytest_args)


def _judge(arguments: Sequence[str]) -> int:
    if not arguments or arguments[0] in ("-h", "--help"):
        print(
            f"usage: {JUDGE_USAGE}\n\nJudges the exchanges of a HAR recording (--intercom-record) again with today's "
            "checks, under the contract of each exchange's version or of --intercom-version V (`all`: every "
            "published one). Nothing is sent. Reports as a run does: terminal table, --intercom-report, "
            "--intercom-report-html, --junitxml.",
            file=sys.stdout if arguments else sys.stderr,
        )
        return EXIT_OK if arguments else EXIT_USAGE
    recording, rest = arguments[0], arguments[1:]
    if recording.startswith("-"):
        print(f"intercom-contracts judge: error: the HAR file comes first: {JUDGE_USAGE}", file=sys.stderr)
        return EXIT_USAGE
    problem = _unreadable_recording(recording)
    if problem is not None:
        print(f"intercom-contracts judge: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    return _pytest("judge", "contracts.judging", ["--intercom-recording", recording, *rest])


def _unreadable_recording(path: str) -> str | None:
    """Why `path` is no HAR recording, in the words the user typed (the plugin would name its own option), or None.

    The file is read once more by the plugin: a recording is at most a few MB, and the user's words are worth it.
    """
    from .recordings import read_recording

    try:
        read_recording(path)
    except IntercomContractsError as error:
        return _scrubbed(str(error))
    return None


def _pytest(command: str, package: str, pytest_args: Sequence[str]) -> int:
    if _asks_for_workers(pytest_args) and importlib.util.find_spec("xdist") is None:
        print(
            f"intercom-contracts {command}: error: -n needs pytest-xdist: pip install pytest-xdist (or run without -n)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    import pytest

    # This command imported `contracts` before pytest could mark its plugin module for assertion rewriting; the
    # suite reports through its own checks, so pytest's warning about it is noise here.
    quiet = "ignore:Module already imported so cannot be rewritten:pytest.PytestAssertRewriteWarning"
    # Assertion rewriting recompiles every module of every pytest plugin's distribution (schemathesis, hypothesis)
    # where bytecode is not cached: ~1.5 s a start. The suite reports through its checks, not rewritten asserts.
    rewrite = [] if any(a == "--assert" or a.startswith("--assert=") for a in pytest_args) else ["--assert=plain"]
    arguments = ["--pyargs", package, "-p", "no:cacheprovider", "-W", quiet, *rewrite, *pytest_args]
    return int(pytest.main(arguments, plugins=[_PytestCommand(command)]))


def _asks_for_workers(arguments: Sequence[str]) -> bool:
    return any(
        argument in ("-n", "--numprocesses")
        or argument.startswith(("--numprocesses=", "-n="))
        or (argument.startswith("-n") and argument[2:].isdigit())
        for argument in arguments
    )


def _lint(args: argparse.Namespace) -> int:
    from .analysis import lint
    from .spec import load_spec

    spec = load_spec(args.spec, errata=False)
    spec.contract()  # a spec this toolkit cannot test (no createMessage, or its schemas do not resolve) is an error
    report = lint(spec)
    print(report.to_json() if args.format == "json" else report.to_text())
    return EXIT_FINDINGS if args.strict and report.findings else EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from .analysis import diff

    result = diff(args.old, args.new, operations=args.operation, errata=args.errata == "on")
    if args.format == "json":
        rendered = result.to_json()
    elif args.format == "markdown":
        rendered = result.to_markdown(every_change=args.all)
    elif args.format == "html":
        from .reports import diff_page

        rendered = diff_page(result)
    else:
        rendered = result.to_text(every_change=args.all)
    print(rendered)
    return EXIT_FINDINGS if result.breaking else EXIT_OK


def _merge(args: argparse.Namespace) -> int:
    from .analysis import merge_reports

    merged = merge_reports(args.reports)  # every report read and checked before anything is written
    merged.write(report=args.report, report_html=args.report_html, junitxml=args.junitxml)
    results = merged.results
    print(results.text_table())
    if results.skip_reasons():
        print(results.skip_text())
    live = results.run.get("live_messages")
    if live:
        print(f"live messages: {live['sent']} sent in all (cap {live['cap']}, shares {live['shares']})")
    totals = results.to_json()["summary"]
    print(
        f"merged {len(args.reports)} report(s): {totals['failed']} failed, {totals['passed']} passed, "
        f"{totals['skipped']} skipped"
    )
    return EXIT_FINDINGS if merged.failed else EXIT_OK


def _replay(args: argparse.Namespace) -> int:
    from ._redaction import environment_secrets, scrub_lines
    from .recordings import read_recording
    from .run import live_target, mock_target, parse_admin_id, parse_contact_id, replay

    recording = read_recording(args.recording)
    if args.against == ["mock"]:
        target = mock_target()
    else:
        target = live_target(
            args.against,
            admin_id=parse_admin_id(args.admin_id or os.environ.get("INTERCOM_ADMIN_ID")),
            contact_id=parse_contact_id(args.contact_id or os.environ.get("INTERCOM_CONTACT_ID")),
            max_messages=args.max_live_messages,
            timeout=args.timeout,
        )
    report = replay(recording, target)
    # What a server answered may hold a token (echoed, escaped): never printed in any form.
    secrets = environment_secrets()
    print(report.to_json(secrets=secrets) if args.format == "json" else scrub_lines(report.to_text(), secrets))
    return EXIT_FINDINGS if report.differing or report.failed else EXIT_OK


def _mock(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .mock import DEFAULT_TOKENS
    from .regions import token_env_for
    from .run import ServiceSettings, serve

    tokens = {region: os.environ.get(token_env_for(region)) or default for region, default in DEFAULT_TOKENS.items()}
    settings = ServiceSettings(
        host=args.host,
        port=args.port,
        allow_remote=args.allow_remote,
        admin_id=args.admin_id,
        contact_id=args.contact_id,
        tokens=tokens,
        fake={
            "rate_limit": args.rate_limit,
            "window_seconds": args.window_seconds,
            "retry_after": args.retry_after,
            "faults": frozenset(args.fault or ()),
        },
        strict="undocumented" if args.strict == "undocumented" else True,
        report=None if args.report is None else Path(args.report),
        report_html=None if args.report_html is None else Path(args.report_html),
        record=None if args.record is None else Path(args.record),
        command=tuple(args.cmd),
        webhooks=_webhook_subscriptions(args),
    )
    return serve(settings, log=_log_exchange if args.log else None)


def _webhook_subscriptions(args: argparse.Namespace) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    if not args.webhook_url:
        return ()
    secret = os.environ.get(args.webhook_secret_env)
    if not secret:
        raise UsageError(
            f"--webhook-url needs the app's client secret in ${args.webhook_secret_env} (--webhook-secret-env NAME)"
        )
    return ((args.webhook_url, secret, tuple(args.webhook_topic or ())),)


def _log_exchange(exchange: Any) -> None:
    """One line a request on stderr: no header is printed (tokens stay out of logs), the verdict is."""
    request, response = exchange.request, exchange.response
    verdict = f" BREACH {exchange.violation.path}: {exchange.violation.message}" if exchange.violation else ""
    undocumented = f" UNDOCUMENTED {'; '.join(exchange.undocumented)}" if exchange.undocumented else ""
    query = f"?{request.query}" if request.query else ""
    line = (
        f"{request.region} {request.method} {request.path}{query} -> {response.status}"
        f" ({exchange.operation or 'no operation'}, version {exchange.version or '-'}){verdict}{undocumented}"
    )
    print(
        _scrubbed(line),
        file=sys.stderr,
        flush=True,
    )


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
    commands.add_parser(
        "judge",
        help="judge a HAR recording again, offline, under any version's contract (pytest args follow)",
    )
    replay = commands.add_parser(
        "replay",
        help="send a HAR recording again to the fake or a server and show where the answers differ",
        description="Sends the recorded requests again, in order, and compares each answer with the recorded one "
        "(status, error codes, content type, schema branch, echoed fields, rate-limit and request-id headers). "
        "Against a server: only GET and POST /messages, within the message budget, between the pinned admin and "
        "contact; tokens from INTERCOM_ACCESS_TOKEN[_US|_EU|_AU]. Exit 1 when an answer differs.",
    )
    replay.add_argument("recording", metavar="HAR", help="a HAR file (e.g. from --intercom-record)")
    replay.add_argument(
        "--against",
        action="append",
        required=True,
        metavar="mock|URL|REGION=URL",
        help="`mock` (the embedded fake), a server URL for every region, or REGION=URL (repeatable)",
    )
    replay.add_argument("--format", choices=("text", "json"), default="text")
    replay.add_argument(
        "--intercom-admin-id",
        dest="admin_id",
        metavar="ID",
        help="live: the only sender a message may name (env INTERCOM_ADMIN_ID)",
    )
    replay.add_argument(
        "--intercom-contact-id",
        dest="contact_id",
        metavar="ID",
        help="live: the only recipient a message may name (env INTERCOM_CONTACT_ID)",
    )
    replay.add_argument(
        "--intercom-max-live-messages",
        dest="max_live_messages",
        type=int,
        default=20,
        metavar="N",
        help="live: cap on POST /messages (default: 20)",
    )
    replay.add_argument(
        "--intercom-timeout",
        dest="timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds per request (default: 10)",
    )
    replay.set_defaults(handler=_replay)
    lint = commands.add_parser("lint", help="self-consistency report of a spec")
    lint.add_argument("spec", metavar="SPEC", help="bundled, a file path, an https:// URL or official:VERSION")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--strict", action="store_true", help="exit 1 when there is any finding")
    lint.set_defaults(handler=_lint)
    merge = commands.add_parser(
        "merge",
        help="one report from the JSON reports of a matrix split across CI jobs",
        description="Joins the JSON reports (--intercom-report) of the jobs of one matrix, split by region, by "
        "version or by pytest-split group, into the report one job running the whole matrix would have written. "
        "Exit 1 when a check failed, 0 when all passed; 2, writing nothing, when the reports cannot be joined "
        "(other targets or spec sources, a newer report format, a report given twice, a file that is no report).",
    )
    merge.add_argument("reports", nargs="+", metavar="REPORT.json", help="the JSON report of each job")
    merge.add_argument("--report", metavar="PATH", help="write the merged JSON report to PATH")
    merge.add_argument("--report-html", metavar="PATH", help="write the merged HTML report to PATH")
    merge.add_argument("--junitxml", metavar="PATH", help="write JUnit XML of the merged results to PATH")
    merge.set_defaults(handler=_merge)
    diff = commands.add_parser(
        "diff",
        help="breaking / non-breaking changes between two specs or versions",
        description="Compares the resolved schemas of each operation and classifies every change for a client. "
        "text and markdown show a summary by kind (kind, count, example places), breaking kinds first; markdown "
        "then lists every breaking change. --all lists every change instead, breaking first; json holds everything; "
        "html is one self-contained page. Exit 1 when a change is breaking.",
    )
    diff.add_argument("old", metavar="OLD", help="bundled, a file path, an https:// URL or official:VERSION")
    diff.add_argument("new", metavar="NEW", help="the same kinds of source")
    diff.add_argument("--operation", action="append", metavar="ID", help="an operationId to compare (repeatable)")
    diff.add_argument("--format", choices=("text", "json", "markdown", "html"), default="text")
    diff.add_argument(
        "--all",
        action="store_true",
        help="text and markdown: list every change, breaking first (default: a summary by kind)",
    )
    diff.add_argument("--errata", choices=("on", "off"), default="on", help="correct known defects first")
    diff.set_defaults(handler=_diff)
    # -- upgrade over a usage profile (issue 29): its parser and dispatch, one block ------------------------------
    upgrade = commands.add_parser(
        "upgrade",
        help="what another Intercom-Version changes for what your code used (a --intercom-usage profile)",
        description="Compares the version the profile recorded (or --from) with --to for the operations and fields "
        "of the profile only: request fields removed or changed, the recorded requests (their shapes) that --to "
        "refuses, response fields the code received that are removed, renamed or retyped, operations deprecated or "
        "gone; each with its JSON path, both versions' schema excerpts and a severity (breaks, changes, safe). "
        "Exit 1 when anything breaks.",
    )
    upgrade.add_argument("--usage", required=True, metavar="PATH", help="the profile written by --intercom-usage")
    upgrade.add_argument("--to", required=True, metavar="VERSION", help="the Intercom-Version to move to")
    upgrade.add_argument("--from", dest="old", metavar="VERSION", help="default: the version the profile recorded")
    upgrade.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    upgrade.add_argument("--errata", choices=("on", "off"), default="on", help="correct known defects first")

    def _upgrade(args: argparse.Namespace) -> int:
        from .analysis import usage_upgrade
        from .errors import UsageError
        from .reports import UsageProfile
        from .spec import Contracts

        try:
            profile = UsageProfile.read(args.usage)
        except (OSError, ValueError) as error:
            raise UsageError(f"--usage {args.usage}: {getattr(error, 'strerror', None) or error}") from None
        contracts = Contracts("bundled", errata=args.errata == "on")
        found = usage_upgrade(profile, args.to, old=args.old, contracts=contracts)
        print({"json": found.to_json, "markdown": found.to_markdown}.get(args.format, found.to_text)())
        return EXIT_FINDINGS if found.breaks else EXIT_OK

    upgrade.set_defaults(handler=_upgrade)
    from .mock import FAULTS  # light; the fake itself is imported only by `mock` (diff and lint start faster)

    mock = commands.add_parser(
        "mock",
        help="serve the fake Intercom over HTTP: http://HOST:PORT/us, /eu, /au",
        description="Serves the fake Intercom on loopback, each region under its own base path. Tokens: "
        "$INTERCOM_ACCESS_TOKEN_US|EU|AU when set, else fake-intercom-token-us|eu|au. Stops on Ctrl-C or SIGTERM "
        "(then exits 1 if a request broke the contract). `mock [options] -- CMD` runs CMD under the fake instead.",
    )
    mock.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    mock.add_argument("--port", type=_port, default=0, help="port (default: a free one, printed on start)")
    mock.add_argument(
        "--allow-remote", action="store_true", help="with a non-loopback --host: let other hosts reach the fake"
    )
    mock.add_argument("--admin-id", type=int, help="the seeded admin's id (default: the workspace's)")
    mock.add_argument("--contact-id", help="the seeded contact's id (default: the workspace's)")
    mock.add_argument("--rate-limit", type=int, default=167, metavar="N", help="allowance per window (default: 167)")
    mock.add_argument("--window-seconds", type=int, default=10, metavar="S", help="rate-limit window (default: 10)")
    mock.add_argument("--retry-after", action="store_true", help="send Retry-After with 429 answers")
    mock.add_argument(
        "--fault",
        action="append",
        choices=sorted(FAULTS),
        metavar="NAME",
        help="break one documented promise (repeatable; see contracts.mock.FAULTS)",
    )
    mock.add_argument(
        "--log", action="store_true", help="print each exchange on stderr (method, path, status, verdict)"
    )
    mock.add_argument(
        "--strict",
        choices=("contract", "undocumented"),
        default="contract",
        help="undocumented: inputs of undocumented fate count as breaches too (as the fixture's strict)",
    )
    mock.add_argument("--report", metavar="PATH", help="at the end: the JSON report (every exchange, the breaches)")
    mock.add_argument("--report-html", metavar="PATH", help="at the end: the HTML report")
    mock.add_argument("--record", metavar="PATH", help="at the end: every exchange as a HAR file (redacted)")
    mock.add_argument(
        "--webhook-url",
        metavar="URL",
        help="subscribe the handler at this loopback URL to Intercom's webhooks (signed; judged: a breach fails)",
    )
    mock.add_argument(
        "--webhook-secret-env",
        metavar="NAME",
        default="INTERCOM_CLIENT_SECRET",
        help="the environment variable holding the app's client secret (default: INTERCOM_CLIENT_SECRET)",
    )
    mock.add_argument(
        "--webhook-topic", action="append", metavar="TOPIC", help="a topic to subscribe to (repeatable; default: all)"
    )
    mock.add_argument(
        "cmd",
        nargs="*",
        metavar="-- CMD",
        help="run CMD under the fake (its base URLs and a token in the "
        "environment), then exit with its status, or 1 when it passed but a request broke the contract",
    )
    mock.set_defaults(handler=_mock)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments[:1] == ["run"]:  # everything after `run` belongs to pytest, unparsed
            return _run(arguments[1:])
        if arguments[:1] == ["judge"]:  # the HAR, then pytest's arguments
            return _judge(arguments[1:])
        args = _parser().parse_args(arguments)
        handler: Callable[[argparse.Namespace], int] = args.handler
        try:
            return handler(args)
        except IntercomContractsError as error:
            print(f"intercom-contracts {args.command}: error: {_scrubbed(str(error))}", file=sys.stderr)
            return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`| head`): what it did not read is not an error. Python would complain again when it
        # flushes stdout at exit, so stdout points nowhere from here.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _scrubbed(text: str) -> str:
    """`text` with any access token of the environment scrubbed (a URL given on the command line may carry one)."""
    from ._redaction import environment_secrets, scrub_lines

    return scrub_lines(text, environment_secrets())


def _port(text: str) -> int:
    """A TCP port for argparse: 0 (a free one) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535)")
    return port


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
