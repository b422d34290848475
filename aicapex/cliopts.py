"""What the ``aicapex`` commands share: options, output formats, loading a ledger or exiting.

Errors are one line on standard error: problems of the input exit 1, usage errors 2.
"""

from __future__ import annotations

import gc
import json
import math
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aicapex.errors import LedgerError
from aicapex.limits import MAX_BYTES
from aicapex.loading import bundled_data, load
from aicapex.outputs import OUTPUTS

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "Format",
    "LedgerPath",
    "MaxBytes",
    "Output",
    "Paths",
    "check_date",
    "echo_json",
    "ledger_path",
    "load_ledger",
    "positive_bytes",
    "program_pandas",
    "warn",
]


def echo_json(data: object, *, allow_nan: bool = False) -> None:
    """Print ``data`` as JSON on standard output: indented by two spaces for a person at a
    terminal, on one line for a program reading a pipe or a file (the same data; Python's
    JSON encoder is about 4x slower with indentation: 0.27 s against 0.07 s for the report of
    8,000 records). ``jq .`` or ``python -m json.tool`` indent piped output."""
    indent = 2 if sys.stdout.isatty() else None
    typer.echo(json.dumps(data, indent=indent, allow_nan=allow_nan))


def positive_bytes(value: str | int) -> int:
    """``--max-bytes``: a whole number of bytes, 1 or more (``1000000``, ``1_000_000``,
    ``1,000,000`` or ``1e6``), in the program's words rather than typer's (pydantic's "Input
    should be a valid integer")."""
    expected = "a whole number of bytes of 1 or more (like 1000000 or 1e6)"
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip().replace("_", "").replace(",", "")
        try:
            number = int(text)
        except ValueError:
            try:
                whole = float(text)
            except ValueError:
                whole = math.nan
            if not (math.isfinite(whole) and whole == int(whole)):
                raise typer.BadParameter(f"expected {expected}, got {value!r}") from None
            number = int(whole)
    if number < 1:
        raise typer.BadParameter(f"expected {expected}, got {value}")
    return number


MaxBytes = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        help=f"Refuse files larger than this many bytes (default {MAX_BYTES:,}: 1 GB).",
        parser=positive_bytes,
        show_default=False,
    ),
]


def ledger_path(value: str | Path) -> Path:
    """A path argument, checked: not empty (``Path('')`` is the current folder, so an unset
    shell variable, ``aicapex validate "$LEDGER"``, read whatever is there; ``'.'`` says it)."""
    if isinstance(value, str) and value == "":
        raise typer.BadParameter(
            "expected the path of a file or folder ('.' for the current folder), got ''"
        )
    return Path(value)


Paths = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Ledger files or directories (YAML or JSON). Default: the bundled data.",
        show_default=False,
        metavar="PATH",
        parser=ledger_path,
    ),
]

#: One ledger file or directory (checked: :func:`ledger_path`).
LedgerPath = Annotated[
    Path, typer.Argument(help="Ledger file or directory.", parser=ledger_path, show_default=False)
]


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"
    csv = "csv"


Output = StrEnum("Output", {name: name for name in OUTPUTS})  # type: ignore[misc]


#: Whether commands run as the ``aicapex`` program (set by its entry point), whose process ends
#: with the command: the program starts with the collector of reference cycles paused, and
#: :func:`load_ledger` moves what was built until then (modules, the loaded ledger) out of the
#: collector's reach (:func:`gc.freeze`), resumes it and applies the program's pandas settings
#: (:func:`program_pandas`). Commands run inside a longer-lived process (tests, ``CliRunner``)
#: leave it off: their ledgers can still be collected, and that process's pandas options are
#: its own.
PROGRAM = False


def program_pandas() -> None:
    """The ``aicapex`` program's pandas settings (the library leaves its users' options as they
    are): text columns hold Python strings, not pandas' default Arrow strings, which cost more
    per call on the small frames a report builds by the hundred (the report of 8,000 records
    0.86x the CPU, of the bundled data 0.87x; the same output). Only in the program
    (:data:`PROGRAM`), and where pandas is already imported: a command that computes frames
    imports it before loading (:func:`load_ledger` calls this), one that does not
    (``validate -q``) does not pay for its import."""
    pandas = sys.modules.get("pandas")
    if PROGRAM and pandas is not None:
        pandas.set_option("mode.string_storage", "python")


def load_ledger(
    paths: list[Path] | None,
    max_bytes: int = MAX_BYTES,
    progress: Callable[[str, int, int], None] | None = None,
    *,
    as_json: bool = False,
) -> Ledger:
    """The ledger of ``paths`` (default: the bundled data); its problems on standard error,
    exit 1 (``as_json``: also on standard output, as ``{"problems": [...]}``, each problem a
    mapping of its fields: :meth:`~aicapex.errors.LedgerError.to_dicts`). ``progress``: as
    :func:`aicapex.load` takes it.

    A command keeps its ledger until it exits, so the collector of reference cycles is paused
    while the records are built (they hold no cycles) and the ledger is then moved out of its
    reach (:func:`gc.freeze`): later collections no longer walk every record (at 8,000
    records they took a tenth of a report's time): only in the ``aicapex`` program
    (:data:`PROGRAM`), which exits once its command is done; the program paused the collector
    when it started (:mod:`aicapex.__main__`): it resumes here, once the ledger is read."""
    paused = gc.isenabled()
    gc.disable()
    try:
        ledger = load(paths or [bundled_data()], max_bytes=max_bytes, progress=progress)
    except LedgerError as exc:
        typer.echo(str(exc), err=True)
        if as_json:
            echo_json({"problems": exc.to_dicts()})
        raise typer.Exit(1) from None
    except OSError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        if paused:
            gc.enable()
    if PROGRAM:
        gc.freeze()
        gc.enable()
    program_pandas()
    return ledger


def warn(ledger: Ledger) -> None:
    """The ledger's warnings on standard error, one per line."""
    for warning in ledger.warnings:
        typer.echo(str(warning), err=True)


def check_date(option: str, value: str | None, *, calendar: bool = False) -> None:
    """A date option that cannot be read is a usage error: one line, exit 2. With
    ``calendar=True`` (a date the analyses take: ``--as-of``) so is a fiscal year, which every
    analysis refuses (its months depend on whose fiscal year it is)."""
    if value is None:
        return
    from aicapex.dates import PartialDate, Precision

    try:
        date = PartialDate.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None
    if calendar and date.precision is Precision.FISCAL_YEAR:
        raise typer.BadParameter(
            f"expected a calendar date, got the fiscal year {value!r}: its months depend on "
            "the company's fiscal year end (give them: '2024-06')",
            param_hint=option,
        )
