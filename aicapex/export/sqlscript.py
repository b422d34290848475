"""A ledger as one plain SQL script, for SQLite, DuckDB and PostgreSQL.

::

    sqlite3 ledger.db < ledger.sql
    duckdb ledger.duckdb < ledger.sql
    psql -v ON_ERROR_STOP=1 -d ledger -f ledger.sql

The script holds every table of the CSV/Parquet export (:mod:`aicapex.export.tables`), with the
same names and columns in the same order (exact ``<money>_cents`` included, and ``flows``):
for each table a ``CREATE TABLE`` (also for a table without rows), then ``INSERT`` statements
of at most :data:`BATCH` rows each. It starts with comments naming the aicapex version and the
ledger's files (by path relative to their common folder, with their SHA-256), and runs inside
one ``BEGIN; ... COMMIT;``: a database gets all of it or none of it.

==========================  =====================  ========================================
frame column (pandas)       SQL type               literal
==========================  =====================  ========================================
text (category, string)     ``TEXT``               ``'it''s'`` (quotes doubled, as is)
float64                     ``DOUBLE PRECISION``   shortest exact decimal (``916666.6666666666``)
Int64, int64                ``BIGINT``             integer
int8 (``direction``)        ``SMALLINT``           integer
boolean                     ``BOOLEAN``            ``TRUE`` / ``FALSE``
datetime64 (days)           ``DATE``               ``'2023-07-31'`` (``TIMESTAMP`` and
                                                   ``'2023-07-31 12:30:00'`` with times)
added ``<money>_cents``     ``BIGINT``             integer
==========================  =====================  ========================================

Missing values, NaN and infinities are ``NULL``. Text with a carriage return before a line
feed is two literals joined by ``||`` (``'a\\r' || '\\nb'``): the ``sqlite3`` shell drops a
carriage return that ends a line of its input, even inside a literal. Names are double-quoted
(``"date"``, ``"end"``: words some databases reserve). The same tables give the same bytes.
Text holding a NUL character cannot be written (PostgreSQL text cannot hold it):
:class:`NulText`, a ValueError (:func:`ledger_script` says where in the ledger it is).

>>> import pandas as pd
>>> print(sql_script([("t", pd.DataFrame({"name": ["it's", None], "x": [1.5, float("nan")]}))]))
BEGIN;
<BLANKLINE>
CREATE TABLE "t" (
  "name" TEXT,
  "x" DOUBLE PRECISION
);
INSERT INTO "t" ("name", "x") VALUES
('it''s', 1.5),
(NULL, NULL);
<BLANKLINE>
COMMIT;
<BLANKLINE>
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.export.tables import export_columns, iso_dates, money_cents, text_values
from aicapex.schema import FORMAT_VERSION, SCHEMA_VERSION

if TYPE_CHECKING:
    from aicapex.errors import Problem
    from aicapex.ledger import Ledger

__all__ = [
    "BATCH",
    "SQL_TYPES",
    "NulText",
    "column_literals",
    "ledger_script",
    "nul_words",
    "quote_name",
    "quote_text",
    "script_header",
    "sql_script",
    "table_statements",
]

#: Rows per ``INSERT`` statement.
BATCH = 500

#: The SQL type of each column type of :func:`aicapex.export.tables.export_columns` (dates with
#: a time of day are ``TIMESTAMP``).
SQL_TYPES: dict[str, str] = {
    "text": "TEXT",
    "float": "DOUBLE PRECISION",
    "int": "BIGINT",
    "int8": "SMALLINT",
    "bool": "BOOLEAN",
    "date": "DATE",
    "cents": "BIGINT",
}


def quote_text(text: str) -> str:
    """A SQL string literal: ``'it''s'`` for ``it's``. A carriage return before a line feed
    ends one literal and the line feed starts the next, joined by ``||`` (``'a\\r' ||
    '\\nb'`` for ``a\\r\\nb``): the ``sqlite3`` shell reads a script line by line and drops a
    carriage return that ends a line, also inside a literal. Raises :class:`NulText` (a
    ValueError) for a NUL character, which PostgreSQL text cannot hold."""
    if "\x00" in text:
        raise NulText(f"cannot be SQL text: {nul_words(text)}")
    return "'" + text.replace("'", "''").replace("\r\n", "\r' || '\n") + "'"


class NulText(ValueError):
    """Text holding a NUL character (U+0000), which no SQL text can hold."""


#: Characters of a text shown on each side of its first NUL (a longer text is cut there).
_AROUND = 20


def nul_words(text: str) -> str:
    """A text holding a NUL, said short: quoted whole up to ``2 * _AROUND`` characters, else
    the characters around its first NUL, with where it is and the text's length.

    >>> print(nul_words("B\\x00"))
    'B\\x00', holding a NUL character (U+0000)
    >>> print(nul_words("x" * 50 + "\\x00"))
    '...xxxxxxxxxxxxxxxxxxxx\\x00', a text of 51 characters holding a NUL character (U+0000)
    at character 51
    """
    at = text.find("\x00")
    if len(text) <= 2 * _AROUND:
        return f"{text!r}, holding a NUL character (U+0000)"
    start, end = max(at - _AROUND, 0), at + 1 + _AROUND
    excerpt = repr(text[start:end])
    quote = excerpt[0]
    shown = (
        quote
        + ("..." if start else "")
        + excerpt[1:-1]
        + ("..." if end < len(text) else "")
        + quote
    )
    count = text.count("\x00")
    which = "its first" if count > 1 else "a"
    return (
        f"{shown}, a text of {len(text):,} characters holding {which} NUL character (U+0000) "
        f"at character {at + 1:,}" + (f" ({count:,} in all)" if count > 1 else "")
    )


def quote_name(name: str) -> str:
    """A SQL name, double-quoted: ``"end"``."""
    return '"' + name.replace('"', '""') + '"'


def _with_nulls(literals: list[str], valid: np.ndarray) -> np.ndarray:
    out = np.array(literals, dtype=object)
    out[~valid] = "NULL"
    return out


def column_literals(frame: pd.DataFrame, type_: str, source: str) -> tuple[str, np.ndarray]:
    """The SQL type of an exported column and its values as SQL literals (an object array of
    ``str``, ``NULL`` where missing); ``type_`` and ``source`` as
    :func:`aicapex.export.tables.export_columns` gives them."""
    column = frame[source]
    if type_ == "text":
        values = text_values(column, quote_text)
        values[pd.isna(values)] = "NULL"
        return "TEXT", values
    if type_ == "date":
        days = iso_dates(column)
        timed = any("T" in d for d in days if d is not None)
        literals = ["NULL" if d is None else quote_text(d.replace("T", " ")) for d in days]
        return ("TIMESTAMP" if timed else "DATE"), np.array(literals, dtype=object)
    if type_ == "cents":
        cents, valid = money_cents(frame, source)
        return "BIGINT", _with_nulls([str(c) for c in cents.tolist()], valid)
    if type_ == "float":
        floats = column.to_numpy("float64", na_value=np.nan)
        literals = [repr(v) for v in floats.tolist()]
        return "DOUBLE PRECISION", _with_nulls(literals, np.isfinite(floats))
    if type_ == "bool":
        valid = ~column.isna().to_numpy(bool)
        flags = column.astype("boolean").to_numpy(bool, na_value=False).tolist()
        return "BOOLEAN", _with_nulls(["TRUE" if f else "FALSE" for f in flags], valid)
    if type_ in ("int", "int8"):
        numbers = column.astype("Int64")
        valid = ~numbers.isna().to_numpy(bool)
        ints = numbers.to_numpy("int64", na_value=0).tolist()
        return SQL_TYPES[type_], _with_nulls([str(i) for i in ints], valid)
    raise ValueError(f"{source}: no SQL type for a column of type {type_!r}")


def table_statements(name: str, frame: pd.DataFrame, *, batch: int = BATCH) -> Iterator[str]:
    """The ``CREATE TABLE`` of one exported table, then its ``INSERT`` statements of at most
    ``batch`` rows each (none without rows); each statement ends with ``;``."""
    if batch < 1:
        raise ValueError(f"batch: expected at least one row per statement, got {batch}")
    names: list[str] = []
    types: list[str] = []
    columns: list[np.ndarray] = []
    for column, type_, source in export_columns(frame):
        try:
            sql_type, literals = column_literals(frame, type_, source)
        except ValueError as exc:  # a NUL stays a NulText: ledger_script locates it
            raise (NulText if isinstance(exc, NulText) else ValueError)(
                f"{name}.{column}: {exc}"
            ) from None
        names.append(quote_name(column))
        types.append(sql_type)
        columns.append(literals)
    body = ",\n".join(f"  {n} {t}" for n, t in zip(names, types, strict=True))
    yield f"CREATE TABLE {quote_name(name)} (\n{body}\n);"
    rows = ["(" + ", ".join(row) + ")" for row in zip(*columns, strict=True)]
    insert = f"INSERT INTO {quote_name(name)} ({', '.join(names)}) VALUES\n"
    for start in range(0, len(rows), batch):
        yield insert + ",\n".join(rows[start : start + batch]) + ";"


def _comment(text: str) -> str:
    """One comment line: characters that are not printable (line breaks) escaped."""
    shown = text if text.isprintable() else repr(text)[1:-1]
    return f"-- {shown}".rstrip()


def sql_script(
    tables: Mapping[str, pd.DataFrame] | Iterable[tuple[str, pd.DataFrame]],
    *,
    header: Iterable[str] = (),
    batch: int = BATCH,
) -> str:
    """Tables as one SQL script (see the module docs): ``header`` lines as comments, then
    ``BEGIN;``, each table's ``CREATE TABLE`` and ``INSERT`` statements, ``COMMIT;``."""
    items = tables.items() if isinstance(tables, Mapping) else tables
    parts = [_comment(line) for line in header]
    parts.append(("\n" if parts else "") + "BEGIN;\n")
    for name, frame in items:
        parts.extend(table_statements(name, frame, batch=batch))
        parts.append("")
    parts.append("COMMIT;\n")
    return "\n".join(parts)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aicapex")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "(version unknown: not installed)"


def script_header(files: Mapping[str, str], notes: Iterable[str] = ()) -> list[str]:
    """The header lines of a ledger's script: the aicapex version, the format and schema
    versions, each file (path relative to the files' common folder, so that the same files
    give the same header wherever they are) with its SHA-256, and ``notes``."""
    lines = [
        f"aicapex {_version()}: a ledger as SQL (format_version {FORMAT_VERSION}, "
        f"schema_version {SCHEMA_VERSION})",
        "for SQLite, DuckDB and PostgreSQL: sqlite3 ledger.db < FILE, duckdb ledger.duckdb < "
        "FILE, psql -f FILE",
    ]
    paths = sorted(files)
    if not paths:
        lines.append("ledger files: none (a ledger built in memory)")
    else:
        try:
            top: str | None = os.path.commonpath([os.path.dirname(p) or "." for p in paths])
        except ValueError:  # pragma: no cover - files on different Windows drives
            top = None
        lines.append("ledger files (sha256):")
        for path in paths:
            relative = PurePath(path if top is None else os.path.relpath(path, top)).as_posix()
            lines.append(f"  {posixpath.normpath(relative)}  {files[path]}")
    lines.extend(notes)
    return lines


def ledger_script(
    ledger: Ledger, flows: pd.DataFrame, *, notes: Iterable[str] = (), batch: int = BATCH
) -> str:
    """The SQL script of ``ledger``: every table of the CSV/Parquet export
    (:data:`aicapex.export.tables.TABLE_NAMES`), ``flows`` being the rows given, under the
    header of :func:`script_header` (``notes``: more header lines, such as the filter)."""
    from aicapex.export.tables import TABLE_NAMES

    tables = ((n, flows if n == "flows" else ledger.frame(n)) for n in TABLE_NAMES)
    header = script_header(ledger.files, notes)
    try:
        return sql_script(tables, header=header, batch=batch)
    except NulText:  # only a NUL: any other ValueError is said as it is
        from aicapex.errors import LedgerError

        problems = _nul_problems(ledger)  # the records' NULs, located (the error names a cell)
        if problems:
            raise LedgerError(problems) from None
        raise


_NO_NUL = "text without a NUL character for the SQL export (SQL text cannot hold one)"


def _nul_problems(ledger: Ledger) -> list[Problem]:
    """A problem at each record's text holding a NUL (which YAML writes "\\0" and a ledger
    holds, but no SQL text can), at the field's line: 'entities[1] beta: name: ...'."""
    problems = []
    for record in ledger:
        for field, value in _texts(record.model_dump(mode="json", exclude_none=True), ""):
            if "\x00" in value:
                found = nul_words(value)
                problems.append(ledger.problem(record, field, _NO_NUL, found, "invalid-value"))
    return ledger.locate(problems)


def _texts(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Each text in ``value`` (a record's JSON data), with its dotted path ('sources.0.quote')."""
    stack: list[tuple[object, str]] = [(value, path)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, str):
            yield at, node
        elif isinstance(node, dict):
            stack.extend((v, f"{at}.{k}" if at else str(k)) for k, v in node.items())
            stack.extend((k, at) for k in node if isinstance(k, str))
        elif isinstance(node, list):
            stack.extend((v, f"{at}.{i}" if at else str(i)) for i, v in enumerate(node))
