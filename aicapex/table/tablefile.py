"""A bulk table's file as read: CSV cells as the header has them, numbers written as NaN, and
files that hold no table of the ledger layout, each refused with one problem saying what the
file is: another separator than its name says, or a frame exported by ``aicapex export``.

pandas pads a row with fewer cells than the header with missing values (a row that lost a
comma reads its values in the wrong columns, or without them) and takes a row with more as an
index: :func:`read_csv_cells` refuses both at the row's line, naming its record. A short row
leaves the last column missing, so only a table with a missing value there is counted again,
by pyarrow's CSV reader (about 0.07 s for 48 MB); the csv module then finds the row.

A row's problem names the line the row starts on (:class:`RowLines`): pandas skips blank lines
and a quoted cell may hold line breaks, so row ``i`` is on line ``i + 2`` only in a file with
neither. A file that is not UTF-8 is refused at the line, record and field of its first byte
that is not.
"""

from __future__ import annotations

import csv as _csv
import io
import re
import warnings
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from aicapex.errors import LedgerError, Problem
from aicapex.table.columns import coded_text
from aicapex.table.tablespec import DATE, ENUM, MONEY, RATE, SPECS, ColumnSpec

__all__ = [
    "NONFINITE_TEXT",
    "RowLines",
    "exported_layout",
    "nonfinite_rows",
    "read_csv_cells",
    "read_parquet_cells",
]

#: How a CSV file may spell a number that is not finite (pandas reads them as NaN or inf).
NONFINITE_TEXT = frozenset(
    {"nan", "-nan", "+nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}
)


def nonfinite_rows(
    source: Any, raw: pd.DataFrame, fields: list[str], csv: bool, sep: str = ","
) -> None:
    """Mark the rows of numeric money columns whose value was written as NaN (in a CSV file:
    ``nan``; in Parquet: a NaN that is not a null) in ``raw.attrs["nonfinite"]`` (column ->
    mask), for :func:`~aicapex.table.bulkcols.parse_money_column` to refuse them: pandas
    reads both as missing."""
    numeric = [
        f
        for f in fields
        if f in raw.columns
        and pd.api.types.is_float_dtype(raw[f])
        and bool(np.isnan(raw[f].to_numpy("float64")).any())
    ]
    if not numeric:
        return
    marks: dict[str, np.ndarray] = {}
    if csv:
        text = pd.read_csv(source, sep=sep, usecols=numeric, dtype=str, keep_default_na=False)
        for f in numeric:
            spelled = text[f].str.strip().str.lower()
            marks[f] = spelled.isin(NONFINITE_TEXT).to_numpy(dtype=bool)
    else:
        import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

        table = pq.read_table(source, columns=numeric)
        for f in numeric:
            column = table.column(f)
            nan = pc.fill_null(pc.is_nan(column), False)
            marks[f] = np.asarray(nan.to_numpy(zero_copy_only=False), dtype=bool)
    raw.attrs["nonfinite"] = RowMarks(marks)


class RowMarks:
    """The masks of :func:`nonfinite_rows` by column, kept in a table's ``attrs``: shared,
    not copied, by the columns and frames pandas derives from it (``deepcopy`` gives itself),
    and equal by identity, so that pandas comparing the attrs of two columns (``pd.concat``)
    compares no arrays (a dict of arrays raised "The truth value of an array is ambiguous")."""

    __slots__ = ("masks",)

    def __init__(self, masks: dict[str, np.ndarray]) -> None:
        self.masks = masks

    def __deepcopy__(self, memo: dict[int, Any]) -> RowMarks:
        return self

    def get(self, field: str) -> np.ndarray | None:
        """The mask of ``field``'s rows written as NaN, or none."""
        return self.masks.get(field)


def read_parquet_cells(source: Any, kind: str) -> pd.DataFrame:
    """A Parquet table as ``pd.read_parquet`` reads it; its text columns of few distinct values
    the checks hash (references, enums, dates, currencies: :func:`_coded`) read
    dictionary-encoded, as Parquet stores them, and kept with their codes
    (:func:`~aicapex.table.columns.coded_text`): the same ``str`` columns, without decoding
    each value twice (Parquet's text, then pandas' large text) nor hashing every row again."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

    schema = pq.read_schema(source)
    if hasattr(source, "seek"):
        source.seek(0)
    texts = (pa.string(), pa.large_string())
    names = [n for n in _coded(kind) if n in schema.names and schema.field(n).type in texts]
    if not names or pd.api.types.pandas_dtype("str") != pd.StringDtype("pyarrow", np.nan):
        return pd.read_parquet(source)
    raw = pd.read_parquet(source, read_dictionary=names)
    for name in names:
        if isinstance(raw[name].dtype, pd.CategoricalDtype):  # as read, not as its cells
            cells = raw[name].array
            raw[name] = coded_text(np.asarray(cells.codes), cells.categories)
    return raw


def _coded(kind: str) -> list[str]:
    """The text columns of ``kind`` the checks factorize: references, enums, dates, currencies."""
    spec = SPECS[kind]
    few = [f.name for f in spec.fields if f.type in (DATE, ENUM) or f.name in spec.refs]
    money = [f"{f.name}_currency" for f in spec.fields if f.type in (MONEY, RATE)]
    return [*(h for h, _ in spec.head), *few, *money]


def read_csv_cells(
    source: Any, sep: str, dtype: dict[str, str], shown: str, kind: str
) -> pd.DataFrame:
    """``pd.read_csv`` of a table, refusing what pandas would misread: a row with more cells
    than the header (the first data row's extra cells became an index, moving every value one
    column right: ids read from the next column; a later row's were a parser error without a
    line) or fewer (pandas filled the cells missing at its end with nothing), at its line and
    record; a column named twice (pandas renamed the second ``id.1``); a header of one column
    holding another separator (a tab-separated ``.csv``). Blank lines are skipped, as pandas
    skips them."""
    raw: pd.DataFrame | None = None
    error: pd.errors.ParserError | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            raw = pd.read_csv(source, sep=sep, dtype=dtype, keep_default_na=True, index_col=False)
        except pd.errors.ParserError as exc:
            error = exc
        except pd.errors.EmptyDataError:  # 'No columns to parse from file'
            found = "only blank lines" if _bytes(source) else "an empty file"
            head = "a table: a header row of column names, then a row per record"
            empty = Problem(head, found, file=shown, line=1, code="bad-table")
            raise LedgerError([empty]) from None
        except UnicodeDecodeError:  # pandas names a place in its buffer, not in the file
            raise LedgerError([_not_utf8(_bytes(source), sep, shown, kind)]) from None
    for w in caught:  # the warnings of pandas other than the parser's: passed on as they were
        if not issubclass(w.category, pd.errors.ParserWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    longer = any("Length of header" in str(w.message) for w in caught)
    renamed = raw is not None and any(re.fullmatch(r".+\.\d+", str(c)) for c in raw.columns)
    if raw is not None and not longer and not renamed:  # 'id.1': pandas renamed a second 'id'
        _separator(raw.columns, sep, shown, kind)
        if not _short_rows(raw, source, sep):
            return raw
    header, at, rows = _table_rows(_text(_bytes(source)), sep)
    _separator(header, sep, shown, kind, at)
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        found = ", ".join(f"{c!r} {header.count(c)} times" for c in twice)
        bad = Problem("each column once", found, file=shown, line=at, kind=kind, code="bad-table")
        raise LedgerError([bad])
    for index, (start, row) in enumerate(rows):  # the row's place in the table: blanks are none
        if len(row) != len(header):
            raise LedgerError([_cells(header, row, sep, (shown, kind, start, index))])
    if raw is None:  # a parser error the rows above do not explain
        opened = re.search(r"EOF inside string starting at row (\d+)", str(error))
        if opened:  # pandas counts lines from 0, blank ones too
            line = int(opened[1]) + 1
            expected = "a quoted cell closed by a second '\"' (a quote inside it written twice)"
            found = f"a quote opened on line {line} and never closed"
            raise LedgerError(
                [Problem(expected, found, file=shown, line=line, kind=kind, code="bad-table")]
            )
        raise error or ValueError("no table")
    return raw


class RowLines:
    """The line of a CSV file each row of its table starts on (1-based), found on the first
    call of :meth:`line_of` only: a table without problems never reads its file again. When
    the file has one line for the header and one for each row (its line breaks counted, in
    C), row ``i`` is on line ``i + 2``; else the csv module walks the rows as
    :func:`read_csv_cells` does (blank lines skipped, before the header too, a quoted cell's
    line breaks kept in its row: 0.7 s for 50 MB). Always true, unlike ``None`` (a Parquet
    table, whose rows have no lines)."""

    __slots__ = ("_rows", "_sep", "_source", "_starts")

    def __init__(self, source: Any, sep: str, rows: int) -> None:
        self._source, self._sep, self._rows = source, sep, rows
        self._starts: array[int] | None = None  # empty: row i on line i + 2

    def line_of(self, index: int) -> int | None:
        """The line row ``index`` of the table starts on (``None`` past the file's rows)."""
        if self._starts is None:
            self._starts = array("q")
            data = _bytes(self._source)
            if data.count(b"\n") + (not data.endswith(b"\n")) != self._rows + 1:
                self._starts.extend(line for line, _ in _table_rows(_text(data), self._sep)[2])
        if not self._starts:
            return index + 2 if 0 <= index < self._rows else None
        return self._starts[index] if 0 <= index < len(self._starts) else None


def _bytes(source: Any) -> bytes:
    """The bytes of a table's file (``source``: its path, or its bytes read already)."""
    return source.getvalue() if isinstance(source, io.BytesIO) else source.read_bytes()


def _text(data: bytes) -> str:
    """A table's file as text, its byte order mark dropped (no part of the header)."""
    return data.decode("utf-8-sig", "replace")


def _table_rows(text: str, sep: str) -> tuple[list[str], int, Iterator[tuple[int, list[str]]]]:
    """The header of a CSV table, the line it ends on, and each row after it with the line it
    starts on; blank lines skipped (before the header too), as pandas skips them."""
    rows = _csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header: list[str] = []
    for header in rows:
        if not _blank(header, sep):
            break

    def after() -> Iterator[tuple[int, list[str]]]:
        start = rows.line_num + 1
        for row in rows:
            if not _blank(row, sep):
                yield start, row
            start = rows.line_num + 1

    return header, rows.line_num, after()


def _not_utf8(data: bytes, sep: str, shown: str, kind: str) -> Problem:
    """The problem of a table's file that is not UTF-8, at its first byte that is not: its
    line, and the row, record and column holding it."""
    expected = "text encoded in UTF-8 (save the table as UTF-8: in a spreadsheet, 'CSV UTF-8')"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's 'Unicode text'
        found = f"UTF-16 text (its byte order mark, 0x{data[:2].hex().upper()})"
        return Problem(expected, found, file=shown, line=1, kind=kind, code="not-utf8")
    try:
        data.decode("utf-8")
        start = len(data) - 1  # pragma: no cover - pandas refused text that is UTF-8
    except UnicodeDecodeError as exc:
        start = exc.start
    before = data[:start].decode("utf-8", "replace")
    line = before.count("\n") + before.count("\r") - before.count("\r\n") + 1
    found = f"the byte 0x{data[start]:02X} at line {line}"
    where: dict[str, Any] = {}
    # each byte that is not UTF-8 as a lone surrogate: no separator, quote or line break
    header, at, rows = _table_rows(data.decode("utf-8-sig", "surrogateescape"), sep)
    row = header
    for index, (first, cells) in enumerate(rows if line > at else ()):
        if first > line:
            break
        where, row = {"index": index}, cells
    bad = [j for j, cell in enumerate(row[: len(header)]) if re.search("[\udc80-\udcff]", cell)]
    if bad:
        written = row[bad[0]].encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        found += f", in {header[bad[0]]}: {written}" if where else f", in the header: {written}"
        where["field"] = header[bad[0]] if "index" in where else None
    rid = row[header.index("id")] if "id" in header and header.index("id") < len(row) else ""
    if "index" in where and rid and not re.search("[\udc80-\udcff]", rid):
        where["record_id"] = rid
    found += " (another encoding, such as Windows-1252 or Latin-1)"
    return Problem(expected, found, file=shown, line=line, kind=kind, code="not-utf8", **where)


def _blank(row: list[str], sep: str) -> bool:
    """Whether a row the csv module read is a line pandas skips: empty, or spaces (and tabs,
    when they do not separate cells) alone."""
    spaces = " " if sep == "\t" else " \t"
    return not row or (len(row) == 1 and row[0] != "" and not row[0].strip(spaces))


def _cells(
    header: list[str], row: list[str], sep: str, where: tuple[str, str, int, int]
) -> Problem:
    """The problem of a row with more or fewer cells than the header, at its line and record."""
    shown, kind, line, index = where
    at = header.index("id") if "id" in header else len(row)
    what = "a tab" if sep == "\t" else "a comma"
    if len(row) > len(header):
        hint = f"quote a cell holding {what}"
    else:  # pandas read the cells missing at the row's end as nothing
        hint = f"an empty cell is written as nothing between two {what[2:]}s"
    return Problem(
        f"{len(header)} cells, as the header has ({hint})",
        f"{len(row)} cells",
        file=shown,
        line=line,
        kind=kind,
        index=index,
        record_id=row[at] if at < len(row) and row[at] else None,
        code="bad-table",
    )


def _short_rows(raw: pd.DataFrame, source: Any, sep: str) -> bool:
    """Whether a row of the file may have fewer cells than the header. Such a row has nothing
    in the last column, so the file is read again only when that column misses a value: by
    pyarrow's reader, counting cells (one column kept, as bytes; 0.1 s for 48 MB), first
    taking line breaks as rows' ends, then, if a row was short, as CSV has them (a quoted one
    is in a cell: 0.2 s); the csv module then finds the row. Without pyarrow, or when it
    cannot read the file, the csv module decides."""
    if raw.shape[1] < 2 or not len(raw) or not bool(raw.iloc[:, -1].isna().any()):
        return False
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.csv as pacsv  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - a dependency of the package
        return True
    names = [f"c{i}" for i in range(raw.shape[1])]  # the header: a row of as many cells
    data = source.getvalue() if isinstance(source, io.BytesIO) else None
    for newlines in (False, True):
        short = False

        def invalid(row: Any) -> str:
            nonlocal short
            short = short or row.actual_columns < row.expected_columns
            return "skip"

        try:
            pacsv.read_csv(
                pa.BufferReader(data) if data is not None else str(source),
                read_options=pacsv.ReadOptions(column_names=names),
                parse_options=pacsv.ParseOptions(
                    delimiter=sep, newlines_in_values=newlines, invalid_row_handler=invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=names[:1], column_types={names[0]: pa.binary()}
                ),
            )
        except (pa.ArrowException, OSError, ValueError):
            return True
        if not short:
            return False
    return True


#: Separators a table may be written with, as the problems name them.
_SEPARATORS = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}


def _separator(names: Iterable[Any], sep: str, shown: str, kind: str, line: int = 1) -> None:
    """Refuse a header of one column holding another separator than the file's name says
    (``id\\tcompany`` in a ``.csv``): one problem saying so, not one per field missing."""
    names = [str(n) for n in names]
    others = [c for c in _SEPARATORS if c != sep and len(names) == 1 and c in names[0]]
    if not others:
        return
    other = others[0]
    if other in ",\t":  # the other of the two a file's name says
        hint = f"name the file {'.tsv' if other == chr(9) else '.csv'}"
    else:
        hint = "write it with commas, e.g. pd.read_csv(path, sep=" + repr(other) + ").to_csv(...)"
    expected = f"{_SEPARATORS[sep]}-separated columns (a .{'tsv' if sep == chr(9) else 'csv'} file)"
    found = f"{_SEPARATORS[other]}-separated columns ({hint})"
    bad = Problem(expected, found, file=shown, line=line, kind=kind, code="bad-table")
    raise LedgerError([bad])


#: The columns a table writes beside a field's (numbers' currencies, periods, units, SKUs).
_WRITTEN = ("currency", "per", "unit", "sku")


def exported_layout(
    columns: Iterable[Any], allowed: set[str], cols: Sequence[ColumnSpec], shown: str, kind: str
) -> Problem | None:
    """The problem of a table in the layout ``aicapex export --to csv|parquet`` writes (the
    frame's columns: ``amount_usd``, ``amount_cents``, ``date_start``, ...; or the flows
    table's), given to ``read_table``: one problem saying what the table is, instead of one
    per column unknown to a table of records. ``None`` unless most columns unknown to the kind
    (at least 3) are columns of its frame (``cols``) or another kind's, or the flows'."""
    from aicapex.table.flowrows import FLOW_COLUMNS

    names = [str(c) for c in columns]
    unknown = [c for c in names if c not in allowed]
    if len(unknown) < 3:
        return None
    every = [*cols, *(c for spec in SPECS.values() for c in spec.columns)]  # or another kind's
    frame = {f"{c.field}_cents" for c in every if f"{c.field}_usd" in c.names}
    for c in every:  # the columns a frame derives from a field, not those a table writes
        frame |= set(c.names) - {c.field, *(f"{c.field}_{x}" for x in _WRITTEN)}
    derived = [c for c in unknown if c in frame]
    flows = [c for c in names if c in FLOW_COLUMNS]
    if 3 * len(flows) >= 2 * len(FLOW_COLUMNS) and {"direction", "cents"} <= set(flows):
        what = "a flows table (aicapex export writes it: flows are computed from records)"
        derived = [c for c in unknown if c in FLOW_COLUMNS]
    elif len(derived) >= 3 and 2 * len(derived) > len(unknown):
        what = "a frame exported by aicapex export (Ledger.frame's columns)"
    else:
        return None
    endings = {c.rsplit("_", 1)[-1]: c for c in reversed(derived)}  # one name of each kind
    named = [c for c in derived if c in endings.values()][:6]  # of column: _cents, _usd, ...
    shown_names = ", ".join(named) + (", ..." if len(derived) > len(named) else "")
    return Problem(
        f"a table of {kind} in the ledger layout (columns named as the fields, like 'amount' "
        "and 'date': docs/tables.md); load the ledger it was exported from, or read the file "
        "with pandas",
        f"{what}, with columns {shown_names}",
        file=shown,
        kind=kind,
        code="bad-table",
    )
