"""The ``aicapex`` commands that read or write tables for other tools: ``focus`` (FOCUS billing
exports), ``export`` (JSON, CSV, Parquet, hledger, beancount, SQL), ``query`` (SQL) and
``flows``.

:func:`register` adds them to the ``aicapex`` application.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aicapex.cliopts import Format, LedgerPath, echo_json, ledger_path, load_ledger
from aicapex.errors import LedgerError, suggest

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "ExportFormat",
    "FilterOption",
    "check_filter",
    "export_cmd",
    "flows_cmd",
    "focus_cmd",
    "query_cmd",
    "read_with",
    "register",
    "warn_unmatched",
]


def focus_cmd(
    path: Annotated[
        Path,
        typer.Argument(help="A FOCUS 1.x export: .csv, .csv.gz or .parquet.", parser=ledger_path),
    ],
    payer: Annotated[str, typer.Option("--payer", help="Id of the entity billed.")],
    fx: Annotated[
        Path | None,
        typer.Option(
            "--fx",
            help="A ledger file or directory whose fx_rates give US dollars.",
            parser=ledger_path,
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
) -> None:
    """Monthly cloud bills from a FOCUS billing export, reconciled exactly with the file's
    BilledCost total. Rows that cannot be read go to standard error (exit 1). csv prints the
    bills alone (exact totals in billed_exact); json adds the reconciliation."""
    from aicapex.analysis.result import jsonable
    from aicapex.render import render_focus, render_focus_csv
    from aicapex.table.focus import read_focus

    rates = load_ledger([fx]) if fx is not None else None
    try:
        data = jsonable(read_focus(path, payer=payer, fx=rates).to_dict())
    except LedgerError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except ImportError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if fmt is Format.json:
        echo_json(data)
    elif fmt is Format.csv:
        typer.echo(render_focus_csv(data), nl=False)
    else:
        typer.echo(render_focus(data), nl=False)
    for problem in data["problems"]:
        typer.echo(problem, err=True)
    if data["problems"]:
        raise typer.Exit(1)


class ExportFormat(StrEnum):
    """Export formats."""

    json = "json"
    csv = "csv"
    parquet = "parquet"
    hledger = "hledger"
    beancount = "beancount"
    sql = "sql"


FilterOption = Annotated[
    str | None,
    typer.Option(
        "--filter",
        "-f",
        help="Flow rows to keep, e.g. 'entity:stability-ai date:2023 not:status:committed' "
        "(docs/filters.md).",
    ),
]


def check_filter(query: str | None) -> None:
    """A filter that cannot be read is a usage error: one line, exit 2."""
    from aicapex.table.filters import FilterError, parse_filter

    try:
        parse_filter(query)
    except FilterError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def warn_unmatched(ledger: Ledger, query: str | None) -> None:
    """Each term of ``query`` that keeps no flow of ``ledger`` by itself (a misspelt id,
    ``entity:stabilty-ai``), said on standard error with the closest entity id for the keys
    naming entities: the output is then empty, which is no error (exit 0), but not silently."""
    from aicapex.records import Entity
    from aicapex.table.filters import Filter, parse_filter

    if not query:
        return
    flows = ledger.flows()
    ids = sorted(e.id for e in ledger.of_type(Entity))
    for term in parse_filter(query).terms:
        if term.negate or Filter((term,), term.text).mask(flows).any():
            continue
        key, _, value = term.text.partition(":")
        hint = suggest(value, ids) if key.lower() in ("entity", "payer", "payee") else ""
        typer.echo(
            f"warning: filter term {term.text!r} keeps no flow of the ledger{hint}", err=True
        )


def read_with(folder: Path, out: Path) -> bool:
    """Whether loading ``folder`` would read the file ``out`` (a ledger suffix, under the folder,
    not hidden, not a scenarios file): an export written there breaks the folder's next load."""
    import os

    from aicapex.loading import LEDGER_SUFFIXES
    from aicapex.notledger import SCENARIO_SUFFIXES

    if out.suffix not in LEDGER_SUFFIXES or out.name.endswith(SCENARIO_SUFFIXES):
        return False
    try:
        inside = Path(os.path.realpath(out)).relative_to(os.path.realpath(folder))
    except ValueError:
        return False
    return not any(part.startswith(".") for part in inside.parts)


def export_cmd(
    path: LedgerPath,
    to: Annotated[
        ExportFormat,
        typer.Option("--to", help="json, csv, parquet, hledger, beancount or sql."),
    ],
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            help="A file (json, hledger, beancount, sql; default: standard output) or a folder "
            "(csv, parquet: required).",
        ),
    ] = None,
    decimal: Annotated[
        bool, typer.Option("--decimal", help="csv/parquet: add exact decimal money columns.")
    ] = False,
    filter_: FilterOption = None,
) -> None:
    """Write the ledger for other tools: JSON (ledger and flows), CSV or Parquet tables (one
    per record kind, and flows), an hledger or beancount journal of the flows, or one SQL
    script for SQLite, DuckDB and PostgreSQL (docs/export.md). --filter selects the flow rows
    written."""
    from aicapex.export import SINGLE_FILE, export, export_text
    from aicapex.safewrite import is_folder

    single = to.value in SINGLE_FILE
    if out is None and not single:
        typer.echo(f"error: --out FOLDER is required for {to.value}", err=True)
        raise typer.Exit(2)
    if out == "":  # an unset variable (-o "$DIR"), not the current folder
        what = "FILE" if single else "FOLDER"
        typer.echo(f"error: --out is empty; give a {what} (. for the current folder)", err=True)
        raise typer.Exit(2)
    if decimal and to.value not in ("csv", "parquet"):
        typer.echo("error: --decimal is for csv and parquet", err=True)
        raise typer.Exit(2)
    if out is not None and single and is_folder(path) and read_with(path, Path(out)):
        typer.echo(
            f"error: {out} is in the ledger folder {path}: its next load would read it as a "
            "ledger file (and refuse it); write it elsewhere, or give it a name the loader "
            "skips (.hidden, another suffix)",
            err=True,
        )
        raise typer.Exit(2)
    check_filter(filter_)
    ledger = load_ledger([path])
    warn_unmatched(ledger, filter_)
    try:
        if out is None:
            typer.echo(export_text(ledger, to.value, filter=filter_), nl=False)
            return
        written = export(ledger, to.value, out, decimal=decimal, filter=filter_)
    except LedgerError as exc:  # records the format cannot hold, located
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except (ImportError, OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for written_path in written:
        if written_path.is_file():  # not /dev/stdout, where the export itself went
            typer.echo(str(written_path))


def query_cmd(
    path: LedgerPath,
    query: Annotated[
        str, typer.Argument(help="SQL over the views flows, funding_rounds, cloud_bills, ...")
    ],
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
) -> None:
    """Run SQL (DuckDB) over the ledger: one view per record kind and the flows table
    (docs/export.md). Needs DuckDB: the extra named sql of aicapex. A NaN or missing value is
    an empty cell in table and csv, null in json; an infinity is inf or -inf in table and
    csv, null in json (JSON has no infinity: csv tells it from NaN). Lists and structs are
    JSON text in table and csv; a timestamp with a time zone is ISO text with its offset
    (2023-01-01T07:00:00+00:00) in every format."""
    from aicapex.export.jsonout import query_document, table_rows
    from aicapex.export.sql import SQLError, sql
    from aicapex.export.tables import csv_text
    from aicapex.render import render_table

    if not query.strip():  # an unset shell variable: no SQL is no empty answer
        typer.echo("error: the query is empty; give SQL such as 'select * from flows'", err=True)
        raise typer.Exit(2)
    ledger = load_ledger([path])
    try:
        result = sql(ledger, query)
    except ImportError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except SQLError as exc:
        typer.echo(f"error: SQL: {exc}", err=True)
        raise typer.Exit(1) from None
    if fmt is Format.csv:  # the columns selected, as the table and json show them
        typer.echo(csv_text(result, added=False), nl=False)
        return
    if fmt is Format.json:
        document = query_document(result, ledger.summary()["as_of"])
        echo_json(document)
    else:
        typer.echo(render_table(*table_rows(result, infinite=True)), nl=False)


def flows_cmd(
    path: LedgerPath,
    filter_: FilterOption = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, json or csv.")] = Format.table,
) -> None:
    """Print the flows table, a row per money movement (filtered with --filter): table, json
    (every column) or csv (the export's flows.csv)."""
    from aicapex.export.jsonout import flow_records, flows_document
    from aicapex.export.tables import csv_text
    from aicapex.render import render_flows
    from aicapex.table.filters import filter_flows

    check_filter(filter_)
    ledger = load_ledger([path])
    warn_unmatched(ledger, filter_)
    rows = filter_flows(ledger.flows(), filter_)
    if fmt is Format.json:
        document = flows_document(rows, ledger.summary()["as_of"])
        echo_json(document)
    elif fmt is Format.csv:
        typer.echo(csv_text(rows), nl=False)
    else:
        typer.echo(render_flows(flow_records(rows)), nl=False)


def register(app: typer.Typer) -> None:
    """Add the commands of this module to ``app``."""
    app.command("focus")(focus_cmd)
    app.command("export")(export_cmd)
    app.command("query")(query_cmd)
    app.command("flows")(flows_cmd)
