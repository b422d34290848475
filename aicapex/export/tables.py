"""Record frames and the flows table as files for other tools: CSV and Parquet, a table per kind.

Each kind (:data:`aicapex.records.KINDS`), each nested frame (``tranches``, ``investments``,
``payments``, ``deliveries``) and ``flows`` is one file, ``<kind>.csv`` or ``<kind>.parquet``,
with the frame's columns in order, typed the same in both formats (every file has its columns
even when it has no rows):

==========================  ======================  ==============================  ==========
frame column (pandas)       CSV cell                Parquet (Arrow) type            SQL view
==========================  ======================  ==============================  ==========
text (category, string)     text, formulas escaped  ``string``                      VARCHAR
float64                     shortest exact decimal  ``double`` (NaN: null)          DOUBLE
Int64, int64                integer                 ``int64``                       BIGINT
int8 (``direction``)        integer                 ``int8``                        TINYINT
boolean                     ``true``/``false``      ``bool``                        BOOLEAN
datetime64 (days)           ``YYYY-MM-DD``          ``timestamp[us]`` (midnight)    TIMESTAMP
added ``<money>_cents``     integer                 ``int64``                       BIGINT
added ``<money>_decimal``   ``123.45``              ``decimal128(38, 2)``           (none)
==========================  ======================  ==============================  ==========

Missing values are empty CSV cells and Parquet nulls. Money stays exact: beside every money
column's currency (``<money>_currency``: ``amount``, ``billed``, ``rate``, ``price``, ...) comes
``<money>_cents``, the amount in whole hundredths of that currency (rounded half to even; exact
for amounts up to about $90 trillion with at most two decimals); with ``decimal=True`` also
``<money>_decimal``, built from those cents (never from a float). The flows table already has
``cents``; ``decimal=True`` adds ``amount_decimal`` after it. ``_usd`` columns are conversions
through the ledger's FX rates and stay floats.

CSV cells a spreadsheet would run as a formula, text starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return, get a single quote in front (``'=SUM(A1)``); so do text cells starting
with a quote, so that the escape can be undone: drop one leading ``'`` from a text cell to read
it back. Numbers are never escaped (``-1.5`` in a number column stays as it is).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from aicapex.safewrite import atomic_write_bytes, atomic_write_files, make_folder
from aicapex.schema import FORMAT_VERSION, SCHEMA_VERSION
from aicapex.table.frames import FRAME_KINDS

__all__ = [
    "FORMULA_STARTS",
    "TABLE_NAMES",
    "arrow_table",
    "cell_text",
    "csv_text",
    "escape_formula",
    "export_columns",
    "is_missing",
    "iso_dates",
    "money_cents",
    "plain_value",
    "require_pyarrow",
    "text_values",
    "write_atomically",
    "write_tables",
]

#: The tables written, in order: every record kind, every nested frame, then ``flows``.
TABLE_NAMES: tuple[str, ...] = (*FRAME_KINDS, "flows")

#: Text a spreadsheet would run as a formula starts with one of these (see the module docs);
#: the quote itself is escaped too, so that escaping can be undone.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def escape_formula(text: str) -> str:
    """``text`` with a single quote in front when a spreadsheet would run it as a formula (or
    when it starts with a quote): ``'=1+1`` for ``=1+1``; other text as it is."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _kind_of_column(series: pd.Series) -> str:
    dtype = series.dtype
    is_object = pd.api.types.is_object_dtype(dtype)
    if is_object and pd.api.types.infer_dtype(series, skipna=True) == "integer":
        return "int"  # exact integers past int64 (a SQL sum of cents)
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        return "text"
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_integer_dtype(dtype):
        return "int8" if dtype == np.int8 else "int"
    return "text"


def export_columns(frame: pd.DataFrame, *, decimal: bool = False) -> list[tuple[str, str, str]]:
    """The columns a frame is written with, in order: ``(name, type, source column)``, where
    type is one of ``text float int int8 bool date cents decimal`` (see the module docs) and the
    added money columns (``cents``, ``decimal``) name the money column they come from."""
    names = list(frame.columns)
    out: list[tuple[str, str, str]] = []
    is_flows = "cents" in names and "amount" in names and "currency" in names
    money = {
        n[: -len("_currency")]
        for n in names
        if n.endswith("_currency")
        and n[: -len("_currency")] in names
        and pd.api.types.is_float_dtype(frame[n[: -len("_currency")]].dtype)
    }
    for name in names:
        out.append((name, _kind_of_column(frame[name]), name))
        if name.endswith("_currency") and name[: -len("_currency")] in money:
            base = name[: -len("_currency")]
            out.append((f"{base}_cents", "cents", base))
            if decimal:
                out.append((f"{base}_decimal", "decimal", base))
        elif is_flows and decimal and name == "cents":
            out.append(("amount_decimal", "decimal", "amount"))
    return out


def money_cents(frame: pd.DataFrame, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Exact cents of a money column (``cents`` for the flows' ``amount``) and which rows have
    them."""
    if source == "amount" and "cents" in frame.columns and "amount_usd" in frame.columns:
        cents = frame["cents"].to_numpy("int64")
        return cents, np.ones(len(cents), dtype=bool)
    values = frame[source].to_numpy("float64", na_value=np.nan)
    valid = ~np.isnan(values)
    scaled = np.rint(np.where(valid, values, 0.0) * 100.0)
    if np.abs(scaled).max(initial=0.0) >= 2.0**63:
        raise ValueError(f"{source}: an amount too large for int64 cents")
    return scaled.astype(np.int64), valid


def _decimal_text(cents: np.ndarray, valid: np.ndarray) -> list[str | None]:
    return [
        (f"-{-c // 100}.{-c % 100:02d}" if c < 0 else f"{c // 100}.{c % 100:02d}") if ok else None
        for c, ok in zip(cents.tolist(), valid.tolist(), strict=True)
    ]


def text_values(series: pd.Series, convert: Callable[[str], str] = str) -> np.ndarray:
    """A text column as an object array of ``str`` (through ``convert``) and ``None``; each
    distinct value is converted once. Cells that are not text are written as
    :func:`cell_text` writes them (a list ``[1, 2]``, a blob ``x\\x00``)."""
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # cells that cannot be hashed: lists, structs, blobs (a query's result)
        texts = [cell_text(v) for v in series.astype(object).tolist()]
        return np.array([None if t is None else convert(t) for t in texts], dtype=object)
    labels = np.array([convert(cell_text(u) or "") for u in uniques] + [None], dtype=object)
    out: np.ndarray = labels[codes]  # code -1 picks the None at the end
    return out


def is_missing(value: object) -> bool:
    """Whether a cell is missing: None, NaN, NaT or pandas' NA (a list or other container, even
    empty, is not)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating | Decimal):
        return bool(value != value)
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return False


def _blob_text(data: bytes | bytearray | memoryview) -> str:
    """Bytes as text: printable ASCII as it is, other bytes (and the backslash) ``\\xNN``, as
    DuckDB casts a blob to text."""
    return "".join(chr(b) if 32 <= b < 127 and b != 92 else f"\\x{b:02X}" for b in bytes(data))


def plain_value(value: Any) -> Any:
    """A cell as a JSON value: ``None`` (missing, NaN, infinities), ``bool``, ``int``,
    ``float`` (a decimal as a float), ``str``, or lists and objects of them (a SQL list, struct
    or map); days as ``YYYY-MM-DD``, times as ISO text, blobs as :func:`cell_text` writes them,
    anything else as its text."""
    if isinstance(value, np.ndarray | list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    if is_missing(value):
        return None
    if isinstance(value, np.generic) and not isinstance(value, np.datetime64 | np.timedelta64):
        value = value.item()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float | Decimal):
        number = float(value)
        return number if np.isfinite(number) else None
    if isinstance(value, bytes | bytearray | memoryview):
        return _blob_text(value)
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def cell_text(value: Any) -> str | None:
    """A cell as text, ``None`` when missing: text as it is, lists and structs as JSON
    (``[1, 2]``, ``{"a": 1}``), other values as :func:`plain_value` gives them."""
    if isinstance(value, str):
        return value
    plain = plain_value(value)
    if plain is None or isinstance(plain, str):
        return plain
    if isinstance(plain, list | dict):
        return json.dumps(plain, ensure_ascii=False)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)


def iso_dates(column: pd.Series) -> np.ndarray:
    """A datetime column as ISO text (object array): days (``2023-07-31``), or date and time
    (``2023-07-31T12:30:00``) when a value has a time of day, with the fractions of a second
    some value has (``2023-07-31T12:30:00.250``, ``...00.000001``); ``None`` where missing.
    A column aware of its time zone (a SQL ``TIMESTAMPTZ``) gives each value's time in that
    zone with its offset, always with a time of day: ``2023-01-01T07:00:00+00:00``,
    ``2023-01-01T12:00:00+05:00``."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        wall = column.dt.tz_localize(None)  # the times as the zone's clocks show them
        offsets = (wall - column.dt.tz_convert(None)).dt.total_seconds()
        codes, uniques = pd.factorize(offsets, use_na_sentinel=True)
        zones = np.array([_offset_text(u) for u in uniques], dtype=object)
        zoned = _iso_text(wall.to_numpy("datetime64[us]"), least="s")
        present = codes >= 0
        zoned[present] = zoned[present] + zones[codes[present]]
        return zoned
    return _iso_text(column.to_numpy("datetime64[us]"), least="D")


def _offset_text(seconds: float) -> str:
    """An offset from UTC in seconds as ISO text: ``+00:00``, ``-03:30``, ``+00:09:21``."""
    sign = "-" if seconds < 0 else "+"
    minutes, second = divmod(round(abs(seconds)), 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return text + (f":{second:02d}" if second else "")


def _iso_text(values: np.ndarray, least: Literal["D", "s"]) -> np.ndarray:
    """``datetime64[us]`` values as ISO text at the coarsest unit from ``least`` that keeps
    every value (object array, ``None`` where missing)."""
    missing = np.isnat(values)
    kept = values[~missing]
    unit: Literal["D", "s", "ms", "us"] = least
    finer: tuple[Literal["s", "ms", "us"], ...] = ("s", "ms", "us")
    for next_unit in finer:  # the coarsest unit that keeps every value
        if (kept.astype(f"datetime64[{unit}]") != kept).any():
            unit = next_unit
    shown = values if unit != "D" else values.astype("datetime64[D]")
    out: np.ndarray = np.datetime_as_string(shown, unit=unit).astype(object)
    out[missing] = None
    return out


def csv_text(frame: pd.DataFrame, *, decimal: bool = False, added: bool = True) -> str:
    """A frame as CSV text, its columns as :func:`export_columns` gives them (see the module
    docs): text escaped against formulas, dates ``YYYY-MM-DD``, booleans ``true``/``false``,
    floats in their shortest exact form, missing values empty; a cell holding a comma, a quote
    or a line break (``\\n`` or ``\\r``) quoted. ``added=False``: the frame's own columns
    only, none added beside money (a query's result: the columns it selected)."""
    cells: dict[str, Any] = {}
    columns = (
        export_columns(frame, decimal=decimal)
        if added
        else [(str(n), _kind_of_column(frame[n]), n) for n in frame.columns]
    )
    for name, kind, source in columns:
        column = frame[source]
        if kind == "text":
            cells[name] = pd.Series(text_values(column, escape_formula), dtype=object)
        elif kind == "date":
            cells[name] = pd.Series(iso_dates(column), dtype=object)
        elif kind == "bool":
            cells[name] = pd.Series(
                [None if pd.isna(v) else ("true" if v else "false") for v in column], dtype=object
            )
        elif kind in ("cents", "decimal"):
            cents, valid = money_cents(frame, source)
            if kind == "cents":
                exact = pd.array(cents, dtype="Int64")
                exact[~valid] = pd.NA
                cells[name] = exact
            else:
                cells[name] = pd.Series(_decimal_text(cents, valid), dtype=object)
        elif kind == "float":
            cells[name] = pd.Series(column.to_numpy("float64", na_value=np.nan))
        elif pd.api.types.is_object_dtype(column.dtype):  # integers past int64, as they are
            cells[name] = pd.Series(text_values(column), dtype=object)
        else:
            cells[name] = column.astype("Int64").array
    mark = _mark_returns(cells)
    if mark is not None:
        cells = {name.replace("\r", mark): values for name, values in cells.items()}
    table = pd.DataFrame(cells, index=pd.RangeIndex(len(frame)))
    out = io.StringIO()
    table.to_csv(out, index=False, na_rep="", lineterminator="\n")
    return out.getvalue() if mark is None else out.getvalue().replace(mark, "\r")


def _mark_returns(cells: dict[str, Any]) -> str | None:
    """Python's CSV writer, ending rows with ``\\n``, quotes a cell holding a line feed but not
    one holding only a carriage return (``a\\rb``), which readers take for the end of a row.
    Where a text cell (or a column name) holds one, each ``\\r`` of the text cells becomes a
    mark (a line feed and a character no text holds: the writer quotes the cell), turned back
    into ``\\r`` in the written text; the mark, else ``None``."""
    texts = [n for n, v in cells.items() if isinstance(v, pd.Series) and v.dtype == object]
    uniques = {n: [u for u in pd.unique(cells[n].to_numpy()) if isinstance(u, str)] for n in texts}
    if not any("\r" in u for values in uniques.values() for u in values) and not any(
        "\r" in str(n) for n in cells
    ):
        return None
    used = {c for values in uniques.values() for u in values for c in u}
    used.update(c for n in cells for c in str(n))
    mark = "\n" + next(chr(c) for c in range(0xE000, 0x110000) if chr(c) not in used)
    for name in texts:
        cells[name] = cells[name].map(
            lambda v: v.replace("\r", mark) if isinstance(v, str) else v, na_action="ignore"
        )
    return mark


def require_pyarrow(extra: str = "parquet") -> Any:
    """The ``pyarrow`` module, or an ImportError naming the extra that installs it."""
    try:
        return importlib.import_module("pyarrow")
    except ImportError:
        raise ImportError(
            f"this needs pyarrow: pip install 'aicapex[{extra}]' (or pip install pyarrow)"
        ) from None


def arrow_table(frame: pd.DataFrame, *, decimal: bool = False, kind: str | None = None) -> Any:
    """A frame as an Arrow table with the columns of :func:`export_columns`: text as plain
    strings, dates as ``timestamp[us]``, NaN as null, money cents as ``int64`` and, with
    ``decimal``, ``decimal128(38, 2)`` (see the module docs). ``kind`` is kept in the schema's
    metadata with the format and schema versions."""
    pa = require_pyarrow()
    arrays: list[Any] = []
    names: list[str] = []
    for name, type_, source in export_columns(frame, decimal=decimal):
        column = frame[source]
        if type_ == "text":
            array = pa.array(text_values(column), type=pa.string())
        elif type_ == "date":
            array = pa.array(
                column.to_numpy("datetime64[us]"), type=pa.timestamp("us"), from_pandas=True
            )
        elif type_ in ("cents", "decimal"):
            cents, valid = money_cents(frame, source)
            array = (
                pa.array(cents, type=pa.int64(), mask=~valid)
                if type_ == "cents"
                else _decimal_array(pa, cents, valid)
            )
        else:
            arrow_type = {
                "float": pa.float64(),
                "int": pa.int64(),
                "int8": pa.int8(),
                "bool": pa.bool_(),
            }[type_]
            array = pa.array(column, type=arrow_type, from_pandas=True)
        arrays.append(array)
        names.append(name)
    metadata = {
        "aicapex.format_version": str(FORMAT_VERSION),
        "aicapex.schema_version": SCHEMA_VERSION,
    }
    if kind:
        metadata["aicapex.kind"] = kind
    return pa.Table.from_arrays(arrays, names=names, metadata=metadata)


def _decimal_array(pa: Any, cents: np.ndarray, valid: np.ndarray) -> Any:
    """``decimal128(38, 2)`` values whose unscaled integers are ``cents``: 16 little-endian
    bytes each, the high word the sign extension of the low (exact, no float involved)."""
    words = np.empty((len(cents), 2), dtype="<i8")
    words[:, 0] = cents
    words[:, 1] = np.right_shift(cents, 63)
    validity = None if valid.all() else pa.array(valid, type=pa.bool_()).buffers()[1]
    return pa.Array.from_buffers(
        pa.decimal128(38, 2),
        len(cents),
        [validity, pa.py_buffer(words.tobytes())],
        null_count=int((~valid).sum()),
    )


def write_atomically(path: str | os.PathLike[str], write: Callable[[IO[bytes]], None]) -> Path:
    """Write a file through ``write(binary file)`` into a temporary file in the same folder,
    fsync it and rename it over ``path``: readers see the old file or the new one, never half
    of one (:func:`aicapex.safewrite.atomic_write_bytes`). Returns the path."""
    return atomic_write_bytes(path, write)


def write_tables(
    tables: Mapping[str, pd.DataFrame] | Iterable[tuple[str, pd.DataFrame]],
    folder: str | os.PathLike[str],
    to: str,
    *,
    decimal: bool = False,
) -> list[Path]:
    """Write each ``(name, frame)`` to ``folder/<name>.csv`` or ``.parquet`` (``to``: ``csv``
    or ``parquet``), the folder made if missing. The files are written together
    (:func:`aicapex.safewrite.atomic_write_files`): each into a temporary file, then all renamed
    over the old ones, so that an error in any table (writing it, or making it) leaves every old
    file as it was. Returns the paths."""
    if to not in ("csv", "parquet"):
        raise ValueError(f"tables are written as csv or parquet, not {to!r}")
    items = tables.items() if isinstance(tables, Mapping) else tables
    if to == "parquet":
        require_pyarrow()
    target = make_folder(folder)

    def files() -> Iterator[tuple[str, Callable[[IO[bytes]], None]]]:
        for name, frame in items:
            if to == "csv":
                data = csv_text(frame, decimal=decimal).encode("utf-8")

                def write(out: IO[bytes], data: bytes = data) -> None:
                    out.write(data)

                yield f"{name}.csv", write
            else:
                table = arrow_table(frame, decimal=decimal, kind=name)

                def write_parquet(out: IO[bytes], table: Any = table) -> None:
                    importlib.import_module("pyarrow.parquet").write_table(table, out)

                yield f"{name}.parquet", write_parquet

    return atomic_write_files(target, files())
