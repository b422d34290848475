"""Reading FOCUS files for :mod:`aicapex.table.focus`: the columns it needs as Arrow arrays,
each cell that cannot be read a problem located in the file.

CSV files are read by Arrow, a few columns as text (``NULL`` and empty cells missing); a row is
located by its line (the header is line 1), counted again by the ``csv`` module only when some
row does not sit on its own line (blank lines, line breaks inside quotes). Parquet rows are
located by their 0-based index. Distinct values are parsed once and spread to their rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aicapex.errors import LedgerError, Problem, suggest
from aicapex.limits import MAX_AMOUNT

__all__ = [
    "MAX_PROBLEMS",
    "OPTIONAL",
    "REQUIRED",
    "REQUIRED_VALUE",
    "RowProblems",
    "arrow",
    "coded",
    "decimals",
    "is_json_object",
    "labels",
    "read_columns",
    "times",
]

#: Columns a FOCUS file must have (and one of ``InvoiceIssuerName`` and ``ProviderName``).
REQUIRED: tuple[str, ...] = ("BilledCost", "BillingPeriodStart", "BillingPeriodEnd")
REQUIRED += ("BillingCurrency", "ChargeCategory")
#: The other columns read, when present.
OPTIONAL: tuple[str, ...] = ("InvoiceIssuerName", "ProviderName", "BillingAccountId")
OPTIONAL += ("BillingAccountName",)
OPTIONAL += ("EffectiveCost", "ServiceCategory", "ChargePeriodStart", "ChargePeriodEnd", "Tags")
#: What a required column's missing value is expected to be.
REQUIRED_VALUE = "a value (FOCUS requires it)"
#: The most problems reported.
MAX_PROBLEMS = 200

_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_MAX_DIGITS = 30  # before and after the point: exact sums fit Arrow's 76-digit decimals
_TIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?)?"
    r"\s*(?:Z|z|UTC|[+-]\d\d(?::?\d\d)?)?"
)


def arrow() -> tuple[Any, Any]:
    """``pyarrow`` and ``pyarrow.compute``, imported on first use."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - pyarrow is in the parquet and test extras
        raise ImportError("read_focus needs pyarrow: pip install 'aicapex[parquet]'") from None
    return pa, pc


def read_columns(p: Path, shown: str) -> tuple[Any, Path | None]:
    """The wanted columns of the file (an Arrow table), and the path when it is CSV."""
    pa, _ = arrow()
    suffix = "".join(p.suffixes[-2:]).lower() if p.suffix.lower() == ".gz" else p.suffix.lower()
    if suffix not in (".csv", ".csv.gz", ".parquet"):
        expected = "a .csv, .csv.gz or .parquet file"
        raise LedgerError([Problem(expected, repr(p.name), file=shown, code="bad-table")])
    if not p.is_file():
        missing = Problem("an existing FOCUS file", "no such file", file=shown, code="missing-file")
        raise LedgerError([missing])
    try:
        if suffix == ".parquet":
            import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

            names = pq.read_schema(p).names
            wanted = _columns(names, shown)
            return _nulls(pq.read_table(p, columns=wanted)), None
        with (
            gzip.open(p, "rt", encoding="utf-8-sig", newline="")
            if suffix.endswith(".gz")
            else p.open(encoding="utf-8-sig", newline="") as f
        ):
            names = next(csv.reader(f), [])
        return _read_csv(p, _columns(names, shown), len(names), newlines=False), p
    except LedgerError:
        raise
    except (OSError, ValueError, UnicodeDecodeError, csv.Error, pa.ArrowException) as exc:
        text = str(exc).strip().splitlines()
        raise LedgerError(
            [
                Problem(
                    "a readable FOCUS CSV or Parquet file",
                    text[0] if text else "",
                    file=shown,
                    code="bad-table",
                )
            ]
        ) from None


def _columns(names: list[str], shown: str) -> list[str]:
    """The columns to read; a missing required column is a :class:`LedgerError` (a file with no
    header, or one of a single column holding another separator, is one problem saying so)."""
    other = [c for c in ";\t|" if len(names) == 1 and c in names[0]]
    if not any(names) or other:
        expected = "a header of comma-separated columns (BilledCost, BillingPeriodStart, ...)"
        found = f"a header separated by {other[0]!r}" if other else "no column names in line 1"
        raise LedgerError([Problem(expected, found, file=shown, line=1, code="bad-table")])
    missing = [c for c in REQUIRED if c not in names]
    if "InvoiceIssuerName" not in names and "ProviderName" not in names:
        missing.append("InvoiceIssuerName")
    twice = {c for c in (*REQUIRED, *OPTIONAL) if names.count(c) > 1}
    problems = [
        Problem(
            "a column FOCUS requires" + (" (or ProviderName)" if c == "InvoiceIssuerName" else ""),
            f"no such column{suggest(c, names)}",
            file=shown,
            field=c,
            code="missing-column",
        )
        for c in missing
    ]
    once = "each column once"
    problems += [Problem(once, "twice", file=shown, field=c, code="bad-table") for c in twice]
    if problems:
        raise LedgerError(problems)
    return [c for c in (*REQUIRED, *OPTIONAL) if c in names]


def _read_csv(p: Path, wanted: list[str], width: int, *, newlines: bool) -> Any:
    """Read the columns as text (``NULL`` and empty cells missing). A row of the wrong width, or
    a line break inside quotes, is seen by Arrow as rows of the wrong width: then the file is read
    again with line breaks in values, after a check of every row's width by the csv module."""
    pa, _ = arrow()
    import pyarrow.csv as pcsv  # type: ignore[import-untyped,unused-ignore]

    ragged: list[Any] = []

    def skip(row: Any) -> str:
        ragged.append(row)
        return "skip"

    table = pcsv.read_csv(
        p,
        parse_options=pcsv.ParseOptions(
            newlines_in_values=newlines,
            invalid_row_handler=skip,
        ),
        convert_options=pcsv.ConvertOptions(
            include_columns=wanted,
            column_types=dict.fromkeys(wanted, pa.string()),
            null_values=["NULL", ""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    if not ragged:
        return table
    if newlines:  # pragma: no cover - the csv module found every row of the right width
        wide = Problem("rows as wide as the header", "ragged rows", file=str(p), code="bad-table")
        raise LedgerError([wide])
    bad = [
        Problem(
            f"{width} cells, as many as the header",
            f"{n} cells",
            file=str(p),
            line=line,
            code="bad-table",
        )
        for line, n in _row_lines(p)
        if n != width
    ]
    if bad:
        raise LedgerError(bad[:MAX_PROBLEMS])
    return _read_csv(p, wanted, width, newlines=True)


def _row_lines(p: Path) -> list[tuple[int, int]]:
    """(first line, width) of each row of a CSV file, blank lines skipped: the csv module's
    reading, for the rare files Arrow's fast reading cannot place."""
    opener: Callable[..., Any] = gzip.open if p.suffix.lower() == ".gz" else open
    out = []
    with opener(p, "rt", encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        last = 0
        for cells in reader:
            if cells:
                out.append((last + 1, len(cells)))
            last = reader.line_num
    return out[1:]


def _nulls(table: Any) -> Any:
    """Parquet text columns with ``NULL`` and empty cells as missing values, as in CSV files."""
    pa, pc = arrow()
    for i, col in enumerate(table.columns):
        if pa.types.is_dictionary(col.type):  # categoricals: their text
            col = pc.cast(col, col.type.value_type)
            table = table.set_column(i, table.schema.field(i).with_type(col.type), col)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            blank = pc.or_(pc.equal(col, "NULL"), pc.equal(col, ""))
            table = table.set_column(i, table.field(i), pc.if_else(blank, None, col))
    return table


class RowProblems:
    """Problems of rows, located in the file; the rows left out of the bills."""

    def __init__(self, shown: str, csv_file: Path | None, n: int) -> None:
        self.shown, self.csv_file, self.n = shown, csv_file, n
        self.found: list[tuple[int, str, str, str, str]] = []
        self.out = np.zeros(n, dtype=bool)

    def add(
        self,
        mask: np.ndarray,
        field: str,
        expected: str,
        col: Any,
        *,
        drop: bool = True,
        code: str = "invalid-value",
    ) -> None:
        """A problem at each row of ``mask``; ``col`` (an Arrow column, or None for missing
        values: code ``missing-field``) gives what was found, read only at the rows reported;
        ``code`` one of :data:`aicapex.errors.CODES`."""
        code = "missing-field" if col is None else code
        if drop:
            self.out |= mask
        for i in np.flatnonzero(mask)[:MAX_PROBLEMS]:
            found = "nothing" if col is None else repr(col[int(i)].as_py())
            self.found.append((int(i), field, expected, found, code))

    def problems(self) -> tuple[Problem, ...]:
        """The first problems in the file's order, with their lines (CSV) or rows (Parquet)."""
        first = sorted(self.found)[:MAX_PROBLEMS]
        lines: list[int] | None = None
        if first and self.csv_file is not None and not _one_line_each(self.csv_file, self.n):
            try:
                lines = [line for line, _ in _row_lines(self.csv_file)]
                lines = lines if len(lines) == self.n else None
            except (OSError, UnicodeDecodeError, csv.Error):  # pragma: no cover - read before
                lines = None
        return tuple(
            Problem(
                expected,
                found,
                file=self.shown,
                line=None if self.csv_file is None else (lines[i] if lines else i + 2),
                kind="row",
                index=i,
                field=field,
                code=code,
            )
            for i, field, expected, found, code in first
        )


def _one_line_each(p: Path, rows: int) -> bool:
    """Whether each row of a CSV file is on its own line after the header (no blank lines, no
    line breaks in quoted values): then row ``i`` is on line ``i + 2``. Counted in C, by chunks;
    compressed files are not looked into."""
    if p.suffix.lower() == ".gz":
        return False
    count, last = 0, b"\n"
    with p.open("rb") as f:
        while chunk := f.read(1 << 24):
            count, last = count + chunk.count(b"\n"), chunk[-1:]
    return count + (last != b"\n") == rows + 1


# --- columns, each distinct value parsed once -----------------------------------------------


def coded(table: Any, name: str) -> tuple[np.ndarray, list[Any]]:
    """Each row's code into the column's distinct values (-1: missing), and those values as
    text; an absent column is missing everywhere."""
    pa, pc = arrow()
    if name not in table.column_names:
        return np.full(table.num_rows, -1, dtype=np.int64), []
    col = table.column(name).combine_chunks()
    if not pa.types.is_string(col.type):
        col = pc.cast(col, pa.string())
    encoded = col.dictionary_encode()
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return codes.astype(np.int64), encoded.dictionary.to_pylist()


def _time(text: str) -> np.datetime64:
    """A FOCUS date and time as written (an offset dropped), or NaT."""
    m = _TIME.fullmatch(text.strip())
    if m is None:
        return np.datetime64("NaT", "ns")
    y, mo, d, h, mi, s, frac = m.groups()
    try:
        if not 1678 <= int(y) <= 2261:
            raise ValueError(y)
        micro = int((frac or "0").ljust(6, "0")[:6])
        when = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro)
    except ValueError:
        return np.datetime64("NaT", "ns")
    return np.datetime64(when, "ns")


def times(table: Any, name: str, rows: RowProblems) -> tuple[np.ndarray, np.ndarray]:
    """A date and time column (datetime64[ns], NaT where missing or bad) and its missing rows;
    bad values are problems."""
    pa, pc = arrow()
    n = table.num_rows
    if name not in table.column_names:
        return np.full(n, np.datetime64("NaT", "ns")), np.ones(n, dtype=bool)
    col = table.column(name).combine_chunks()
    if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
        if pa.types.is_timestamp(col.type) and col.type.tz is not None:
            col = pc.local_timestamp(col)
        values = pc.cast(col, pa.timestamp("ns")).to_numpy(zero_copy_only=False)
        values = values.astype("datetime64[ns]")
        return values, np.isnat(values)
    codes, uniques = coded(table, name)
    parsed = np.array([*(_time(str(u)) for u in uniques), np.datetime64("NaT")], "datetime64[ns]")
    values = parsed[codes]
    missing = codes < 0
    example = "a date and time like '2024-09-01 00:00:00' or '2024-09-01T00:00:00Z'"
    rows.add(~missing & np.isnat(values), name, example, col, code="bad-date")
    return values, missing


def decimals(table: Any, name: str, rows: RowProblems) -> tuple[Any, np.ndarray]:
    """A cost column as exact Arrow decimals (missing where missing or bad; bad values are
    problems), at the scale of its longest fraction, and its missing rows."""
    pa, pc = arrow()
    col = table.column(name).combine_chunks()
    missing = col.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_decimal(col.type):
        return _within_limit(col, name, rows, col), missing
    if not pa.types.is_string(col.type):
        col = pc.cast(col, pa.string())  # numbers: their shortest text
    text = pc.utf8_trim_whitespace(col)
    ok = pc.fill_null(pc.match_substring_regex(text, _NUMBER), False).to_numpy(zero_copy_only=False)
    dot = pc.fill_null(pc.find_substring(text, "."), -1).to_numpy(zero_copy_only=False)
    length = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    after = np.where(dot >= 0, length - dot - 1, 0)
    before = np.where(dot >= 0, dot, length)
    expo = np.zeros(len(col), dtype=bool)
    for letter in "eE":  # a plain search, cheaper than a regular expression
        expo |= ok & (pc.fill_null(pc.find_substring(text, letter), -1).to_numpy() >= 0)
    if expo.any():  # digits of numbers with exponents, once per distinct value
        codes, uniques = pd.factorize(np.asarray(text.filter(pa.array(expo)).to_pylist(), object))
        parts = [Decimal(u).as_tuple() for u in uniques]
        exps = np.array([p.exponent for p in parts], dtype=np.int64)
        sizes = np.array([len(p.digits) for p in parts], dtype=np.int64)
        after[expo] = np.maximum(-exps, 0)[codes]
        before[expo] = np.maximum(sizes + exps, 1)[codes]
    long = ok & ((after > _MAX_DIGITS) | (before > _MAX_DIGITS))
    rows.add(~ok & ~missing, name, "a number like '12.34' or '-1.5E-7'", col, code="bad-money")
    most = f"a number of at most {_MAX_DIGITS} digits each side of the point"
    rows.add(long, name, most, col, code="too-long")
    valid = ok & ~long
    scale = int(after[valid].max()) if valid.any() else 0
    digits = (int(before[valid].max()) if valid.any() else 1) + scale + len(str(len(col)))
    kind = pa.decimal128(38, scale) if digits <= 38 else pa.decimal256(76, scale)
    exact = pc.cast(pc.if_else(pa.array(valid), text, None), kind)
    return _within_limit(exact, name, rows, col), missing


def _within_limit(exact: Any, name: str, rows: RowProblems, col: Any) -> Any:
    """``exact`` with the costs above :data:`~aicapex.limits.MAX_AMOUNT` either way made
    missing, each a problem: as a record's amount, larger ones overflow the exact cents of the
    flows the bills feed (1e23 became -9.2e16)."""
    pa, pc = arrow()
    size = pc.abs(pc.cast(exact, pa.float64())).to_numpy(zero_copy_only=False)
    big = np.nan_to_num(size, nan=0.0) > MAX_AMOUNT
    if not big.any():
        return exact
    rows.add(big, name, f"a cost of at most {MAX_AMOUNT:.0e} either way", col, code="out-of-range")
    return pc.if_else(pa.array(~big), exact, pa.scalar(None, exact.type))


def labels(
    table: Any, name: str, label: Callable[[str], Any], default: Any
) -> tuple[np.ndarray, np.ndarray]:
    """The label of each distinct value of a text column (computed once per value), ``default``
    last; and each row's code into them (-1, missing, picks ``default``)."""
    codes, uniques = coded(table, name)
    return np.array([*(label(str(u)) for u in uniques), default], dtype=object), codes


def is_json_object(text: str) -> bool:
    """Whether ``text`` is a JSON object (as FOCUS ``Tags`` are)."""
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False
