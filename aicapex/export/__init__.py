"""Files for other tools: a ledger and its flows as JSON, CSV, Parquet, hledger, beancount or
SQL.

::

    ac.export(led, to="json", out="ledger.json")           # ledger + flows, one document
    ac.export(led, to="csv", out="tables/")                # <kind>.csv for every kind + flows
    ac.export(led, to="parquet", out="tables/", decimal=True)
    ac.export(led, to="hledger", out="flows.journal", filter="entity:stability-ai")
    ac.export(led, to="beancount", out="flows.beancount")
    ac.export(led, to="sql", out="ledger.sql")              # for SQLite, DuckDB, PostgreSQL

``json``, ``hledger``, ``beancount`` and ``sql`` write one file; ``csv`` and ``parquet`` write
a folder (made if missing) with a file per table. Every file is written atomically (a temporary
file in the same folder, fsynced, renamed over the target). ``filter``
(:mod:`aicapex.table.filters`) selects the flow rows written: the flows of the JSON document,
``flows.csv``/``.parquet``, the SQL script's ``flows`` table and the journals' transactions;
record tables and the JSON ledger are written whole. The formats:
:mod:`aicapex.export.jsonout`, :mod:`aicapex.export.tables`, :mod:`aicapex.export.journal`,
:mod:`aicapex.export.sqlscript`; SQL over the same tables: :mod:`aicapex.export.sql`.

Importing this package is cheap (pandas loads on first use): the facade imports it.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from aicapex.errors import suggest

if TYPE_CHECKING:
    import pandas as pd

    from aicapex.ledger import Ledger
    from aicapex.table.filters import Filter

__all__ = ["FORMATS", "SINGLE_FILE", "export", "export_text"]

#: The formats :func:`export` writes.
FORMATS: tuple[str, ...] = ("json", "csv", "parquet", "hledger", "beancount", "sql")

#: The formats written as one file (the others write a folder).
SINGLE_FILE: tuple[str, ...] = ("json", "hledger", "beancount", "sql")

Conflicts = Literal["latest", "earliest", "all"]


def _check_format(to: str, decimal: bool) -> None:
    if to not in FORMATS:
        raise ValueError(f"unknown export format {to!r}{suggest(to, FORMATS)}; one of {FORMATS}")
    if decimal and to not in ("csv", "parquet"):
        raise ValueError(f"decimal columns are for csv and parquet, not {to}")


def _check_ledger(ledger: object) -> None:
    """TypeError for anything but a Ledger (a path given where the ledger loaded from it goes)."""
    from aicapex.ledger import Ledger

    if isinstance(ledger, Ledger):
        return
    hint = ": load it first (aicapex.load)" if isinstance(ledger, str | os.PathLike) else ""
    raise TypeError(f"expected a Ledger, got {type(ledger).__name__} {ledger!r:.80}{hint}")


def _flows(ledger: Ledger, filter: str | Filter | None, conflicts: Conflicts) -> pd.DataFrame:
    from aicapex.table.filters import filter_flows

    flows = ledger.flows(conflicts=conflicts)
    return filter_flows(flows, filter).reset_index(drop=True) if filter else flows


def export_text(
    ledger: Ledger,
    to: str,
    *,
    filter: str | Filter | None = None,
    conflicts: Conflicts = "latest",
) -> str:
    """The text of a single-file export (``json``, ``hledger``, ``beancount`` or ``sql``) of
    ``ledger``, its flows selected by ``filter``; see :func:`export`."""
    _check_ledger(ledger)
    _check_format(to, False)
    if to not in SINGLE_FILE:
        raise ValueError(f"{to} writes a folder of tables, not one text")
    flows = _flows(ledger, filter, conflicts)
    if to == "json":
        from aicapex.export.jsonout import json_text

        shown = None if not filter else str(filter)
        return json_text(ledger, flows, conflicts, shown) + "\n"
    if to == "sql":
        from aicapex.export.sqlscript import ledger_script

        notes = [f"flows: conflicts {conflicts}" + (f"; filter {filter}" if filter else "")]
        return ledger_script(ledger, flows, notes=notes)
    from aicapex.export.journal import beancount_journal, hledger_journal

    return hledger_journal(flows) if to == "hledger" else beancount_journal(flows)


def export(
    ledger: Ledger,
    to: str,
    out: str | os.PathLike[str],
    *,
    decimal: bool = False,
    filter: str | Filter | None = None,
    conflicts: Conflicts = "latest",
) -> list[Path]:
    """Write ``ledger`` for other tools and return the paths written.

    Args:
        ledger: the ledger to export.
        to: ``json`` (the ledger's data and its flows, with ``format_version`` and
            ``schema_version``), ``csv`` or ``parquet`` (a table per record kind, nested frame
            and ``flows``, exact cents beside every money column), ``hledger`` or
            ``beancount`` (a journal of the flows, one transaction per row), ``sql`` (one
            script creating and filling the CSV/Parquet tables, for SQLite, DuckDB and
            PostgreSQL).
        out: a file for ``json``, ``hledger``, ``beancount`` and ``sql``; a folder for ``csv``
            and ``parquet`` (made if missing, with ``<kind>.csv``/``<kind>.parquet`` files).
        decimal: ``csv``/``parquet`` only: add ``<money>_decimal`` columns (Parquet
            ``decimal128(38, 2)``), built from the exact cents.
        filter: a flows filter such as ``"entity:stability-ai not:status:committed"``
            (:func:`aicapex.table.filters.filter_flows`); it selects the flow rows written.
        conflicts: which of conflicting reports the flows use (``latest``, ``earliest``,
            ``all``).

    Every file is written atomically. Raises TypeError for a ``ledger`` that is not a
    :class:`~aicapex.ledger.Ledger` (a path: load it first), ValueError for an unknown format,
    an ``out`` of the wrong sort (a folder for a file format, a file for a folder one), empty
    or a file the ledger was read from, a bad filter, ImportError naming the extra when
    Parquet's pyarrow is missing, and :class:`aicapex.safewrite.WriteError` (an ``OSError``:
    ``<path>: cannot write: <why>``) for a path that cannot be written (a read-only folder, a
    parent that is a file).
    """
    from aicapex.safewrite import WriteError, final_path, is_folder, is_present

    _check_ledger(ledger)
    _check_format(to, decimal)
    if not os.fspath(out):
        what = "a file" if to in SINGLE_FILE else "a folder"
        raise ValueError(f"out: an empty path; {to} writes {what}, give its path")
    target = Path(out)
    if to in SINGLE_FILE:
        if is_folder(target):
            raise ValueError(f"{target}: is a folder; {to} writes one file, give its path")
        if os.path.realpath(target) in ledger.files:
            raise ValueError(
                f"{target}: is a file this ledger was read from; the export would replace it "
                "(Ledger.save writes a ledger file), give another path"
            )
        text = export_text(ledger, to, filter=filter, conflicts=conflicts)
        from aicapex.safewrite import atomic_write, make_folder

        make_folder(target.parent)
        atomic_write(target, text)
        return [target]
    real = final_path(target)  # a link (even to nothing yet): the folder it names
    try:
        os.stat(real)
    except OSError as exc:  # missing (made below), a parent that is a file (named below)
        if exc.errno == errno.ELOOP:
            raise WriteError(target, "too many levels of symbolic links", exc.errno) from None
    if is_present(real) and not is_folder(real):
        raise ValueError(f"{target}: is a file; {to} writes a folder of tables, give a folder")
    from aicapex.export.tables import TABLE_NAMES, write_tables

    if to == "parquet":
        from aicapex.export.tables import require_pyarrow

        require_pyarrow()
    flows = _flows(ledger, filter, conflicts)
    tables = ((n, flows if n == "flows" else ledger.frame(n)) for n in TABLE_NAMES)
    if real != target:
        from aicapex.safewrite import make_folder

        make_folder(real)
    return write_tables(tables, target, to, decimal=decimal)
