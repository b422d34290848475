"""The ``aicapex`` command: validate ledgers, print their schema, summarise them.

Each command prints data it gets from the library; nothing here computes. Problems in the input
go to standard error, one per line, and the exit status is 1; usage errors exit with 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

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


def _summary_text(ledger: Ledger) -> str:
    s = ledger.summary()
    lines = [f"{s['total']} records, covering {s['span'][0]} to {s['span'][1]}" if s["span"]
             else f"{s['total']} records"]
    companies = s["entities"].get("company", {})
    if companies:
        lines.append(f"companies ({len(companies)}): " + ", ".join(sorted(companies.values())))
    others = {t: v for t, v in s["entities"].items() if t != "company"}
    for kind, names in sorted(others.items()):
        lines.append(f"{kind.replace('_', ' ')}s ({len(names)}): " + ", ".join(sorted(names.values())))
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


@app.command()
def schema() -> None:
    """Print the JSON Schema of a ledger file (for editors and other tools)."""
    from aicapex.schema import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


def main() -> None:
    """Entry point of the ``aicapex`` command."""
    try:
        app()
    except BrokenPipeError:  # piped into head: not an error
        sys.stderr.close()


if __name__ == "__main__":  # pragma: no cover
    main()
