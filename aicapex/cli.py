"""The ``aicapex`` command: report, runway, validate, summary, schema.

Each command prints data it gets from the library; nothing here computes. Problems in the input
go to standard error, one per line, and the exit status is 1; usage errors exit with 2.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from aicapex.errors import LedgerError
from aicapex.ledger import Ledger, bundled_data, load

app = typer.Typer(
    name="aicapex",
    help="A typed, auditable ledger of AI-infrastructure finance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Paths = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Ledger files or directories (YAML or JSON). Default: the bundled data.",
        show_default=False,
    ),
]


def _load(paths: list[Path] | None) -> Ledger:
    try:
        return load(paths or [bundled_data()])
    except LedgerError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _summary_text(ledger: Ledger) -> str:
    s = ledger.summary()
    lines = [
        f"{s['total']} records, covering {s['span'][0]} to {s['span'][1]}"
        if s["span"]
        else f"{s['total']} records"
    ]
    companies = s["entities"].get("company", {})
    if companies:
        lines.append(f"companies ({len(companies)}): " + ", ".join(sorted(companies.values())))
    others = {t: v for t, v in s["entities"].items() if t != "company"}
    for kind, names in sorted(others.items()):
        lines.append(
            f"{kind.replace('_', ' ')}s ({len(names)}): " + ", ".join(sorted(names.values()))
        )
    lines.append("records by kind:")
    width = max((len(k) for k in s["records"]), default=0)
    lines.extend(f"  {k:<{width}}  {n:>6}" for k, n in s["records"].items())
    return "\n".join(lines)


@app.command()
def validate(
    paths: Paths = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing when valid.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Check ledger files: exit 0 and print a summary, or list every problem (file:line, record,
    field, expected, found) on standard error and exit 1."""
    ledger = _load(paths)
    if quiet:
        return
    if as_json:
        typer.echo(json.dumps(ledger.summary(), indent=2))
    else:
        typer.echo("ok: " + _summary_text(ledger))


@app.command()
def summary(paths: Paths = None) -> None:
    """Summarise a ledger: companies and other entities, records by kind, date span."""
    typer.echo(_summary_text(_load(paths)))


def _money(value: object) -> str:
    if value is None:
        return "n/a"
    v = float(value)  # type: ignore[arg-type]
    return f"${v / 1e9:,.2f}B" if abs(v) >= 1e9 else f"${v / 1e6:,.2f}M"


HORIZON_TEXT = "horizon (20 years)"


def _months(value: object) -> str:
    if value is None:
        return "n/a"
    return f"{float(value):.2f} months"  # type: ignore[arg-type]


def _render(data: dict[str, Any]) -> str:
    out: list[str] = []
    for c in data["companies"]:
        out.append(f"== {c['name']} ({c['id']})" + (f", as of {c['as_of']}" if c["as_of"] else ""))
        cash = c["cash"]
        if cash:
            word = {"upper": "at most ", "lower": "at least "}.get(cash["bound"] or "", "")
            out.append(f"cash           {word}{_money(cash['amount'])} on {cash['date']}")
        b = c["burn"]
        if b:
            cats = ", ".join(f"{k} {_money(v)}" for k, v in b["by_category"].items() if v)
            out.append(
                f"burn           {_money(b['monthly_net'])}/month net "
                f"({_money(b['monthly_gross'])} spent, {_money(b['monthly_revenue'])} revenue; "
                f"{b['from']} to {b['to']})"
            )
            if cats:
                out.append(f"  spending     {cats} a month")
        for policy, r in c["runway"].items():
            if "error" in r:
                out.append(f"runway ({policy}) n/a: {r['error']}")
                continue
            bound = {"upper": "at most ", "lower": "at least "}.get(r["bound"], "")
            out.append(
                f"runway         {bound}{_months(r['months'])}, "
                f"cash out {r['cash_out']}  [{policy}]"
                if r["runs_out"]
                else f"runway         beyond the {HORIZON_TEXT}  [{policy}]"
            )
        g = c["compute_gap"]
        if g:
            ratio = "no revenue" if g["ratio"] is None else f"{g['ratio']:.1f}x revenue"
            out.append(
                f"compute gap    {g['period']}: compute {_money(g['compute'])} = {ratio}; "
                + (
                    f"revenue covers {100 * g['coverage']:.0f}% of compute"
                    if g["coverage"] is not None
                    else "no compute spending recorded"
                )
            )
        a = c["arrears"]
        if a and a["total"]:
            parts = ", ".join(
                f"{p} {_money(v['outstanding'])}" for p, v in a["by_provider"].items()
            )
            out.append(f"arrears        {_money(a['total'])} unpaid at {a['as_of']}: {parts}")
        if c["funding"]:
            out.append(
                "funding        " + ", ".join(f"{k} {_money(v)}" for k, v in c["funding"].items())
            )
        for conflict in c["conflicts"]:
            reports = "; ".join(
                f"{r['value']} ({r['id']}, {r['reported']})" for r in conflict["reports"]
            )
            out.append(f"conflict       {conflict['kind']} {conflict['fact']}: {reports}")
        runway_notes = next((r for r in c["runway"].values() if "assumptions" in r), None)
        if runway_notes:
            out.append("assumptions    " + "\n               ".join(runway_notes["assumptions"]))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def report(
    paths: Paths = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the report (default: latest balance).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """The main job: per company, cash, burn, runway, compute gap, arrears, funding, conflicts."""
    from aicapex.report import report as build

    ledger = _load(paths)
    with _progress() as step:
        try:
            data = build(ledger, as_of=as_of, progress=step)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    if fmt is Format.json:
        typer.echo(json.dumps(data, indent=2))
    elif fmt is Format.csv:
        typer.echo("error: report has no csv format; use table or json", err=True)
        raise typer.Exit(2)
    else:
        typer.echo(_render(data), nl=False)


@app.command("runway")
def runway_cmd(
    path: Annotated[Path, typer.Argument(help="Ledger file or directory.")],
    entity: Annotated[str, typer.Argument(help="Company id, e.g. stability-ai.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="e.g. 2023-10.")] = None,
    policy: Annotated[
        str, typer.Option("--policy", help="disbursed, committed or arrears.")
    ] = "disbursed",
    burn_after: Annotated[
        float | None, typer.Option("--burn-after", help="USD/month net burn past the records.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
) -> None:
    """Months of cash left and the cash-out date for one company, with the month-by-month path."""
    from aicapex.analysis.runway import POLICIES, runway

    if policy not in POLICIES:
        typer.echo(
            f"error: --policy must be one of {', '.join(POLICIES)}, got {policy!r}", err=True
        )
        raise typer.Exit(2)
    ledger = _load([path])
    try:
        r = runway(ledger, entity, as_of=as_of, policy=policy, burn_after=burn_after)  # type: ignore[arg-type]
    except (ValueError, KeyError) as exc:
        typer.echo(f"error: {exc.args[0] if exc.args else exc}", err=True)
        raise typer.Exit(1) from None
    path_frame = r.explain()
    if fmt is Format.json:
        import pandas as pd

        data = r.to_dict()
        data["path"] = [
            {
                k: (v.date().isoformat() if isinstance(v, pd.Timestamp) else v)
                for k, v in row.items()
            }
            for row in path_frame.to_dict("records")
        ]
        typer.echo(json.dumps(data, indent=2))
    elif fmt is Format.csv:
        typer.echo(path_frame.to_csv(index=False, date_format="%Y-%m-%d"), nl=False)
    else:
        bound = {"upper": "at most ", "lower": "at least "}.get(r.bound, "")
        cash_out = r.cash_out.date().isoformat() if r.cash_out is not None else "beyond the horizon"
        typer.echo(
            f"{entity}: {bound}{r.months:.2f} months of cash after {as_of or r.as_of} "
            f"(policy {policy}); cash out {cash_out}"
        )
        typer.echo(path_frame.to_string(index=False))
        typer.echo("assumptions:")
        for a in r.assumptions:
            typer.echo(f"  - {a}")
        typer.echo("records used: " + ", ".join(r.records))


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
        bar.update(task, description=stage, completed=done)

    timer = threading.Timer(1.0, bar.start)  # quick work shows no bar at all
    timer.start()
    try:
        yield step
    finally:
        timer.cancel()
        bar.stop()


@app.command()
def schema() -> None:
    """Print the JSON Schema of a ledger file (for editors and other tools)."""
    from aicapex.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


def main() -> None:
    """Entry point of the ``aicapex`` command.

    Exits through ``os._exit`` once output is flushed: a loaded ledger is hundreds of thousands
    of objects, and freeing them one by one at interpreter exit costs a tenth of a second that
    the user would only wait for.
    """
    code: int = 0
    try:
        app()
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
