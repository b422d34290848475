"""The ``aicapex`` command: report, runway, validate, summary, schema.

Each command prints data it gets from the library (rendered by :mod:`aicapex.render`); nothing
here computes. Every error is one line on standard error. Exit status: 0 when done (warnings, on
standard error, do not change it unless ``validate --strict``), 1 for every problem in the input
(a file that cannot be read, a record that cannot be, an amount an analysis refuses), 2 only
for usage errors (an unknown option, an option's value that cannot be).
"""

from __future__ import annotations

import contextlib
import copy
import gc
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aicapex import clidata, cliopts, cliscenarios
from aicapex.cliopts import (
    Format,
    LedgerPath,
    MaxBytes,
    Output,
    Paths,
    check_date,
    echo_json,
    ledger_path,
    load_ledger,
    warn,
)
from aicapex.errors import LedgerError, Problem, suggest
from aicapex.limits import MAX_BYTES
from aicapex.notledger import SCENARIO_SUFFIXES
from aicapex.records import MAX_AMOUNT
from aicapex.render import render_report, render_summary
from aicapex.rendertext import terminal_text

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

app = typer.Typer(
    name="aicapex",
    help="A typed, auditable ledger of AI-infrastructure finance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: options without type placeholders (no <bool>)
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"aicapex {version('aicapex')}")
        except PackageNotFoundError:  # pragma: no cover - run from a source tree
            typer.echo("aicapex (version unknown: not installed)")
        raise typer.Exit(0)


@app.callback()
def _main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """A typed, auditable ledger of AI-infrastructure finance."""


@app.command()
def validate(
    paths: Paths = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing when valid (warnings neither).")
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help='Print the summary as JSON; with problems, {"problems": [...]}.'
        ),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse warnings too: exit 1 if there are any.")
    ] = False,
    max_bytes: MaxBytes = MAX_BYTES,
) -> None:
    """Check ledger files: exit 0 and print a summary, or list every problem (file:line, record,
    field, expected, found) on standard error and exit 1. Warnings (implausible but real, such
    as a prepaid bill, or a cash balance the flows since the previous one do not explain) go to
    standard error, one per line, with exit 0 (1 with --strict)."""
    ledger = load_ledger(paths, max_bytes, as_json=as_json)
    gaps: list[Problem] = []
    if not quiet or strict:
        from aicapex.analysis.reconcile import gap_problems

        cliopts.program_pandas()  # reconcile computes frames: imported pandas just now
        warn(ledger)
        try:
            gaps = gap_problems(ledger)
        except ValueError:  # money without exchange rates: already a warning of its own
            gaps = []
        for gap in gaps:
            typer.echo(str(gap), err=True)
    if strict and (ledger.warnings or gaps):
        n = len(ledger.warnings) + len(gaps)
        typer.echo(f"{n} warning{'s' if n != 1 else ''} refused (--strict)", err=True)
        if as_json:  # refused: the problems for a program, as a load's errors are
            echo_json({"problems": LedgerError([*ledger.warnings, *gaps]).to_dicts()})
        raise typer.Exit(1)
    if quiet:
        return
    if as_json:
        echo_json(ledger.summary())
    else:
        typer.echo("ok: " + render_summary(ledger.summary()))


@app.command()
def summary(paths: Paths = None, max_bytes: MaxBytes = MAX_BYTES) -> None:
    """Summarise a ledger: companies and other entities, records by kind, date span."""
    typer.echo(render_summary(load_ledger(paths, max_bytes).summary()))


@app.command()
def report(
    paths: Paths = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the report (default: latest balance).")
    ] = None,
    known_on: Annotated[
        str | None,
        typer.Option("--known-on", help="Use only what was reported by this date (e.g. 2023-10)."),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="table, json or csv (a row per company).")
    ] = Format.table,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Write the report as one self-contained HTML page (plots, sources, quotes) to "
            "this file instead of printing it.",
            parser=ledger_path,
        ),
    ] = None,
    plots: Annotated[
        Path | None,
        typer.Option(
            "--plots",
            help="Write the report's plots as PNG files to this folder (created).",
            parser=ledger_path,
        ),
    ] = None,
    max_bytes: MaxBytes = MAX_BYTES,
) -> None:
    """The main job: per company, cash, burn, runway, compute gap, arrears, funding, conflicts.
    The ledger's warnings go to standard error first. csv: one row per company with the main
    figures (columns listed in the README). --html and --plots write files (their paths are
    printed) instead of the text."""
    from aicapex.render import render_report_csv
    from aicapex.report import report as build
    from aicapex.reportscenarios import scenario_files_of

    check_date("--as-of", as_of, calendar=True)
    check_date("--known-on", known_on)
    with _progress() as step:  # one bar over loading and the report's stages
        ledger = load_ledger(paths, max_bytes, progress=step)
        warn(ledger)
        try:
            files = None
            if known_on is not None:
                # the scenario files, checked against the ledger as its files hold it: the
                # records they name may be reported after known_on (their section says so)
                files = scenario_files_of(ledger)
                ledger = ledger.known_on(known_on)
            data = build(ledger, as_of=as_of, progress=step, scenarios=files)
        except LedgerError as exc:  # a scenarios file beside the ledger: its problems, listed
            n, noun = len(exc.problems), "problems" if len(exc.problems) != 1 else "problem"
            if all(str(p.file or "").endswith(SCENARIO_SUFFIXES) for p in exc.problems):
                head = f"{n} {noun} in the scenarios files:"  # as the scenarios command says
                typer.echo("\n".join([head, *(str(p) for p in exc.problems)]), err=True)
            else:
                typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        except ValueError as exc:  # amounts the analyses refuse: a problem of the input
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
    if html is not None or plots is not None:
        from aicapex.htmlreport import write_report

        try:
            written, skipped = write_report(ledger, data, html=html, plots=plots)
        except (ImportError, OSError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        for name, company, reason in skipped:
            typer.echo(f"no {name} plot of {company}: {reason}", err=True)
        for path in written:
            typer.echo(str(path))
    elif fmt is Format.json:
        echo_json(data, allow_nan=True)
    elif fmt is Format.csv:
        typer.echo(render_report_csv(data), nl=False)
    else:
        typer.echo(render_report(data), nl=False)


def _burn_after(value: str | float) -> float:
    """``--burn-after``: US dollars a month of net burn past the records, at most 1e15 either way
    (a negative is money in, as the library takes it:
    :func:`aicapex.analysis.runrate.check_burn_after`), in the program's words rather than
    typer's (pydantic's "Input should be a valid number")."""
    expected = (
        f"US dollars a month, a number of -{MAX_AMOUNT:.0e} to {MAX_AMOUNT:.0e} "
        "(like 5000000 or 5e6; negative: money in)"
    )
    try:
        number = float(str(value).strip().replace("_", "").replace(",", ""))
    except ValueError:
        raise typer.BadParameter(f"expected {expected}, got {value!r}") from None
    if not -MAX_AMOUNT <= number <= MAX_AMOUNT:  # NaN fails too
        raise typer.BadParameter(f"expected {expected}, got {value}")
    return number


@app.command("runway")
def runway_cmd(
    path: LedgerPath,
    entity: Annotated[str, typer.Argument(help="Company id, e.g. stability-ai.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="e.g. 2023-10.")] = None,
    known_on: Annotated[
        str | None,
        typer.Option("--known-on", help="Use only what was reported by this date (e.g. 2023-10)."),
    ] = None,
    policy: Annotated[
        str, typer.Option("--policy", help="disbursed, committed or arrears.")
    ] = "disbursed",
    burn_after: Annotated[
        float | None,
        typer.Option(
            "--burn-after",
            help="USD/month net burn past the records (negative: money in).",
            parser=_burn_after,
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
    max_bytes: MaxBytes = MAX_BYTES,
) -> None:
    """Months of cash left and the cash-out date for one company, with the month-by-month path."""
    from aicapex.analysis.runway import POLICIES, runway

    if policy not in POLICIES:
        typer.echo(
            f"error: --policy must be one of {', '.join(POLICIES)}, got {policy!r}", err=True
        )
        raise typer.Exit(2)
    check_date("--as-of", as_of)  # a fiscal year is the company's own ('FY2024')
    check_date("--known-on", known_on)
    ledger = load_ledger([path], max_bytes)
    known = {e.id for e in ledger.records("entities")}
    if entity not in known:  # before --as-of: a fiscal year needs the entity's year end
        typer.echo(f"error: unknown entity {entity!r}{suggest(entity, sorted(known))}", err=True)
        raise typer.Exit(1)
    try:
        r = runway(
            ledger,
            entity,
            as_of=as_of,
            policy=policy,  # type: ignore[arg-type]
            burn_after=burn_after,
            known_on=known_on,
        )
    except (ValueError, KeyError) as exc:
        message = str(exc.args[0] if exc.args else exc)
        named = set(_RECORD_ID.findall(message))  # 'but c1 have no exchange rate': c1's
        for warning in ledger.warnings:  # warnings say where c1 is and why (file:line)
            if warning.record_id in named and _of_entity(ledger, warning.record_id, entity):
                typer.echo(str(warning), err=True)
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(1) from None
    path_frame = r.explain()
    if fmt is Format.json:
        from aicapex.analysis.result import json_rows

        data = r.to_dict()
        data["path"] = json_rows(path_frame, r.PATH_MONEY)
        echo_json(data)
    elif fmt is Format.csv:
        from aicapex.render import render_frame_csv

        typer.echo(render_frame_csv(path_frame), nl=False)
    else:
        bound = {"upper": "at most ", "lower": "at least "}.get(r.bound, "")
        cash_out = r.cash_out.date().isoformat() if r.cash_out is not None else "beyond the horizon"
        typer.echo(
            f"{entity}: {bound}{r.months:.2f} months of cash after {as_of or r.as_of} "
            f"(policy {policy}); cash out {cash_out}"
        )
        lines = path_frame.to_string(index=False).split("\n")
        lines += ["assumptions:", *(f"  - {a}" for a in r.assumptions)]
        lines.append("records used: " + ", ".join(r.records))
        typer.echo("\n".join(terminal_text(line) for line in lines))


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on standard error when it is a terminal and the work lasts more than a
    second; nothing when piped."""
    if not sys.stderr.isatty():
        yield lambda _stage, _done, _total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = None

    def step(stage: str, done: int, total: int) -> None:
        nonlocal task
        if task is None:
            task = bar.add_task(stage, total=total)
        bar.update(task, description=stage, completed=done, total=total)

    timer = threading.Timer(1.0, bar.start)  # quick work shows no bar at all
    timer.start()
    try:
        yield step
    finally:
        timer.cancel()
        bar.stop()


@app.command()
def schema(
    output: Annotated[Output | None, typer.Option(help="A JSON output's schema instead.")] = None,
) -> None:
    """Print the JSON Schema of a ledger file (for editors and other tools), or of an output."""
    from aicapex.outputs import schema as output_schema
    from aicapex.schema import json_schema

    typer.echo(json.dumps(output_schema(output) if output else json_schema(), indent=2))


clidata.register(app)
cliscenarios.register(app)


#: Words of a message that may be record ids.
_RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*[A-Za-z0-9]|[A-Za-z0-9]")


def _of_entity(ledger: Ledger, record_id: str | None, entity: str) -> bool:
    """Whether the record ``record_id`` names ``entity`` as one of its parties (a word of an
    error message that is also an id, 'the' or 'rate', is no record of the runway's)."""
    record = ledger.get(record_id) if record_id is not None else None
    parties = getattr(type(record), "PARTIES", ())
    return record is not None and any(getattr(record, p, None) == entity for p in parties)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__).lower().replace("_", "-")


def running(argv: list[str]) -> typer.Typer:
    """The application the program runs ``argv`` with: :data:`app` with only the command
    ``argv`` names, when it names one. Typer builds every command's options from its signature
    each time the program starts (7 ms of the report's 0.8 s CPU for the ten commands, 1.4 ms
    for one); the program's own help and a name that is no command's (the error suggests one)
    get them all."""
    name = argv[0] if argv else None
    chosen = [info for info in app.registered_commands if _command_name(info) == name]
    if len(chosen) != 1:
        return app
    one = copy.copy(app)
    one.registered_commands = chosen
    return one


def main() -> None:
    """Entry point of the ``aicapex`` command.

    Usage errors are one line (``error: ...``) and exit 2. Exits through ``os._exit`` once
    output is flushed: a loaded ledger is hundreds of thousands of objects, and freeing them one
    by one at interpreter exit costs a tenth of a second that the user would only wait for.
    """
    code: int = 0
    cliopts.PROGRAM = True  # this process ends with the command
    # the collector is paused (aicapex.__main__ paused it before the imports) until the command
    # has read its ledger: what is built until then lives as long as the program
    gc.disable()
    # a command builds many short-lived containers (frames, report rows) and holds few
    # reference cycles: the cycle collector's youngest generation is swept every 20,000
    # allocations, not every 700 (the report of 8,000 records: 365 sweeps -> 9)
    gc.set_threshold(20_000, *gc.get_threshold()[1:])
    try:
        result = running(sys.argv[1:])(standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except typer.TyperException as exc:  # click's errors (typer's own copy of click)
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        # typer's coercion (pydantic) prefixes a refused value's reason with "Value error, "
        message = message.replace(": Value error, ", ": ")
        code = int(getattr(exc, "exit_code", 2))
        if type(exc).__name__ == "NoArgsIsHelpError":  # the help, not an error
            sys.stdout.write(message + "\n")
        else:  # usage errors: one line
            ctx = getattr(exc, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            sys.stderr.write(f"error: {_one_line(message)}{hint}\n")
    except typer.Exit as done:
        code = done.exit_code
    except typer.Abort:  # Ctrl-C
        sys.stderr.write("error: interrupted\n")
        code = 1
    except SystemExit as done:
        if isinstance(done.code, str):
            sys.stderr.write(done.code + "\n")
            code = 1
        else:
            code = done.code or 0
    except BrokenPipeError:  # piped into head: not an error
        code = 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
