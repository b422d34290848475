"""The ``aicapex scenarios`` command: a ledger's what-ifs (``*.scenarios.yaml``) compared.

:func:`register` adds it to the ``aicapex`` application.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aicapex.cliopts import Format, MaxBytes, check_date, echo_json, load_ledger, warn
from aicapex.errors import LedgerError, suggest
from aicapex.limits import MAX_BYTES

__all__ = ["register", "scenarios_cmd"]


def scenarios_cmd(
    path: Annotated[Path, typer.Argument(help="Ledger file or directory.")],
    entity: Annotated[str, typer.Argument(help="Company id, e.g. stability-ai.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="e.g. 2023-10 (default: the file's).")
    ] = None,
    file: Annotated[
        list[Path] | None,
        typer.Option(
            "--file",
            help="A scenarios file, or several (--file a --file b; default: the "
            "*.scenarios.yaml files in or beside PATH).",
            metavar="PATH",
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="table, json or csv (a row per scenario).")
    ] = Format.table,
    max_bytes: MaxBytes = MAX_BYTES,
) -> None:
    """Compare ENTITY's scenarios (from the scenarios files in or beside PATH): months of cash,
    cash-out day, lowest cash and cash at the horizon, per scenario; the first is the
    reference. Problems in a scenarios file are listed, located, on standard error (exit 1)."""
    from aicapex.renderscenarios import render_comparison, render_comparison_csv
    from aicapex.scenarios import compare, scenario_files
    from aicapex.scenarios.fileset import read_scenario_files

    check_date("--as-of", as_of)  # a fiscal year is the company's own ('FY2024')
    ledger = load_ledger([path], max_bytes)
    warn(ledger)
    paths = file or scenario_files([path])
    try:
        files = read_scenario_files(paths, ledger, max_bytes=max_bytes)  # no name twice
    except LedgerError as exc:
        n = len(exc.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the scenarios files:"
        typer.echo("\n".join([head, *(str(p) for p in exc.problems)]), err=True)
        raise typer.Exit(1) from None
    known = {e.id for e in ledger.records("entities")}
    if entity not in known:
        typer.echo(f"error: unknown entity {entity!r}{suggest(entity, sorted(known))}", err=True)
        raise typer.Exit(1)
    mine = [f for f in files if f.entity == entity]
    if not mine:
        found = ", ".join(sorted({f.entity for f in files})) or "none"
        typer.echo(
            f"error: no scenarios of {entity!r} in {', '.join(map(str, paths)) or path} "
            f"(scenarios of: {found})",
            err=True,
        )
        raise typer.Exit(1)
    first = mine[0]
    # one comparison runs at one date, policy and horizon: the files' must agree (the scenarios
    # of a file with policy committed were run under another file's policy disbursed)
    settings = {f.path: (as_of or f.as_of, f.policy, f.horizon) for f in mine}
    if len(set(settings.values())) > 1:
        shown = "; ".join(
            f"{p}: as_of {a or 'the latest balance'}, policy {pol}, horizon {h}"
            for p, (a, pol, h) in settings.items()
        )
        typer.echo(
            f"error: the scenarios files of {entity!r} run with different settings ({shown}): "
            "compare them one file at a time (--file PATH)",
            err=True,
        )
        raise typer.Exit(1)
    scenarios = [s for f in mine for s in f.scenarios]
    try:
        result = compare(
            ledger,
            entity,
            scenarios,
            as_of or first.as_of,
            policy=first.policy,  # type: ignore[arg-type]
            horizon=first.horizon,
        )
    except (ValueError, KeyError) as exc:
        # a date from the file (not --as-of) is said as the file's, where it was written
        given = "" if as_of or not first.as_of else f" (as_of: {first.as_of} in {first.path})"
        typer.echo(f"error: {exc.args[0] if exc.args else exc}{given}", err=True)
        raise typer.Exit(1) from None
    data = result.to_dict()
    if fmt is Format.json:
        echo_json(data)
    elif fmt is Format.csv:
        typer.echo(render_comparison_csv(data), nl=False)
    else:
        typer.echo(render_comparison(data), nl=False)


def register(app: typer.Typer) -> None:
    """Add the command of this module to ``app``."""
    app.command("scenarios")(scenarios_cmd)
