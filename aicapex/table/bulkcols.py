"""Column parsers of bulk tables: each column of a CSV or Parquet table, read and checked once
per distinct value, its problems located at their rows (:class:`Located`)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from aicapex.capacity import Capacity
from aicapex.currencies import ISO_4217
from aicapex.errors import Problem
from aicapex.limits import MAX_AMOUNT, SCALAR_LIMITS
from aicapex.money import Money, Rate
from aicapex.table.columns import (
    coded_category,
    constant_category,
    factorize,
    parse_unique,
)
from aicapex.table.typedcols import string_column
from aicapex.units import normalize_period

if TYPE_CHECKING:
    from fractions import Fraction

__all__ = [
    "MAX_PROBLEMS",
    "Located",
    "Said",
    "bool_rows",
    "capacity_columns",
    "count_column",
    "count_ends",
    "enum_column",
    "flag_column",
    "parse_money_column",
    "source_column",
]

#: The most problems one table reports.
MAX_PROBLEMS = 200


class Lines(Protocol):
    """The lines of a CSV table's rows (:class:`aicapex.table.tablefile.RowLines`)."""

    def line_of(self, index: int) -> int | None: ...


class Located:
    """Collects problems with rows located in the file: ``csv`` maps a CSV table's rows to
    the lines of its file (``True``: row ``i`` on line ``i + 2``; ``None``: Parquet, none)."""

    def __init__(self, shown: str, kind: str, ids: pd.Series | None, csv: Lines | bool | None):
        self.shown, self.kind, self.ids, self.csv = shown, kind, ids, csv
        self.problems: list[Problem] = []

    def line(self, i: int) -> int | None:
        """The line of the file row ``i`` starts on (``None`` in Parquet)."""
        if self.csv is True:
            return i + 2
        return self.csv.line_of(i) if self.csv else None

    def rows(
        self,
        mask: np.ndarray,
        field: str,
        expected: str | np.ndarray,
        found: pd.Series | np.ndarray | None,
        code: str = "invalid-value",
    ) -> None:
        """A problem for each row of ``mask``; ``found`` holds the rows' values (a column of the
        table, or an array), read only at the rows reported; ``expected`` is one text, or an
        array of each row's (read likewise)."""
        for i in np.flatnonzero(mask)[: MAX_PROBLEMS - len(self.problems)]:
            rid = self.ids.iloc[i] if self.ids is not None and i < len(self.ids) else None
            self.problems.append(
                Problem(
                    expected if isinstance(expected, str) else str(expected[i]),
                    _shown(_cell(found, i)) if found is not None else "nothing",
                    file=self.shown,
                    code=code,
                    line=self.line(int(i)),
                    kind=self.kind,
                    index=int(i),
                    record_id=rid if _nameable(rid) else None,
                    field=field,
                )
            )

    def column(self, field: str, expected: str, found: str, code: str) -> None:
        self.problems.append(
            Problem(expected, found, file=self.shown, kind=self.kind, field=field, code=code)
        )


def _nameable(rid: Any) -> bool:
    """Whether a row's id can name its record in a one-line message, as the loader names it:
    text, at most the limit of ids, printable."""
    return isinstance(rid, str) and len(rid) <= SCALAR_LIMITS["id"][0] and rid.isprintable()


def _cell(values: pd.Series | np.ndarray, i: int) -> Any:
    """Row ``i`` of a column or an array."""
    return values.iloc[i] if isinstance(values, pd.Series) else values[i]


#: The units of a capacity written as a number, in its ``<field>_unit`` column.
CAPACITY_UNITS = ("gpu", "GW")


def or_nothing(col: pd.Series, mask: np.ndarray) -> np.ndarray | None:
    """The cells of ``col`` at the rows of ``mask`` (the first reported), missing ones said as
    ``nothing`` (not ``nan``, ``None``): what a column whose empty cells are problems held."""
    if not mask.any():
        return None  # nothing reported: no pass over the column
    found = np.full(len(col), None, dtype=object)
    for i in np.flatnonzero(mask)[:MAX_PROBLEMS]:
        found[i] = Said("nothing") if pd.isna(value := col.iloc[i]) else value
    return found


class Said(str):
    """A found value described in words (``True (a boolean, not a number)``): shown as it is,
    not quoted as text found in the table is."""

    __slots__ = ()


def _shown(value: Any) -> str:
    """A found value for a message: as plain Python (no ``np.float64(...)`` wrappers), dates as
    ISO days, exact decimals in plain digits, :class:`Said` values as they are."""
    if isinstance(value, Said):
        return str(value)
    if isinstance(value, np.datetime64):
        return repr(str(np.datetime_as_string(value, unit="D")))
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")  # an exact amount in plain digits, as floats are shown
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


# --- typed columns, built from distinct values rather than from a Python object per row -------


def capacity_columns(frame: pd.DataFrame, field: str, chk: Located) -> dict[str, Any]:
    """The columns of a capacity column (as ``Ledger.frame`` has them: value, ``_unit``,
    ``_sku``, ``_kind``, ``_low``, ``_high``), each distinct value parsed once. Text is a capacity
    as written (``12,000 H100``, ``about 300 MW``); numbers take their unit from a ``_unit``
    column (``gpu`` or ``GW``) and their SKU from an optional ``_sku`` column."""
    col = frame[field]
    if (pd.api.types.is_numeric_dtype(col.dtype) or decimal_column(col)) and col.notna().any():
        unit_col = frame.get(f"{field}_unit")
        if unit_col is None:
            chk.column(
                f"{field}_unit",
                f"a {field}_unit column (gpu or GW) for capacities written as numbers",
                "no such column",
                "missing-column",
            )
            return {}
        # a number's unit is its unit column's: a row of another (or none) is refused there
        wrong = col.notna().to_numpy() & ~unit_col.isin(CAPACITY_UNITS).to_numpy(dtype=bool)
        expected = f"the unit of the number in {field}: {' or '.join(CAPACITY_UNITS)}"
        chk.rows(wrong, f"{field}_unit", expected, or_nothing(unit_col, wrong), "bad-capacity")
        sku_col = frame.get(f"{field}_sku", pd.Series([None] * len(col), index=col.index))
        keys = pd.Series(
            list(
                zip(
                    col.astype("object"),
                    unit_col.astype("object"),
                    sku_col.astype("object"),
                    strict=True,
                )
            ),
            index=col.index,
        ).where(col.notna().to_numpy() & ~wrong)

        def parse(key: Any) -> Capacity:
            value, unit, sku = key
            number = int(value) if float(value).is_integer() else value
            return Capacity(Decimal(str(number)), str(unit), None if pd.isna(sku) else str(sku))

        codes, parsed, bad = parse_unique(keys, parse)
    else:
        codes, parsed, bad = parse_unique(col, lambda v: Capacity.parse(str(v)))
        for side in ("unit", "sku"):  # written in the text: a cell beside it must agree
            said = [getattr(c, side) if c is not None else None for c in parsed]
            said_with(frame, field, f"{field}_{side}", codes, said, chk, side.upper())
    chk.rows(
        bad,
        field,
        "a capacity like '12,000 H100' or '4.5 GW' (a whole number of GPUs)",
        col,
        "bad-capacity",
    )
    bounds = [c.bounds() if c is not None else (np.nan, np.nan) for c in parsed]

    def floats(values: list[Any]) -> np.ndarray:
        out = np.array([*(float(v) for v in values), np.nan], dtype="float64")
        picked: np.ndarray = out[codes]
        return picked

    return {
        field: floats([c.value if c is not None else np.nan for c in parsed]),
        f"{field}_unit": coded_category(codes, [c.unit if c else None for c in parsed]),
        f"{field}_sku": coded_category(codes, [c.sku if c else None for c in parsed]),
        f"{field}_kind": coded_category(codes, [c.kind if c else None for c in parsed]),
        f"{field}_low": floats([b[0] for b in bounds]),
        f"{field}_high": floats([b[1] for b in bounds]),
    }


def said_with(
    frame: pd.DataFrame,
    field: str,
    side: str,
    codes: np.ndarray,
    said: list[Any],
    chk: Located,
    what: str,
    normal: Any = str,
) -> None:
    """A problem at each cell of the column ``side`` (``_currency``, ``_per``, ``_unit``,
    ``_sku``) disagreeing with the text of ``field`` on its row (``said``, by ``codes``: ``$5M``
    is USD; read for numbers only, an ``EUR`` beside ``$5M`` was dropped unseen)."""
    if side not in frame:
        return
    scodes, uniques = pd.factorize(cells := frame[side], use_na_sentinel=True)

    def read(value: Any) -> Any:
        try:
            return normal(value)
        except ValueError:
            return value  # no known value: disagrees

    given = np.array([*(read(u) for u in uniques), None], dtype=object)[scodes]
    meant = np.array([*said, None], dtype=object)[codes]
    bad = (scodes >= 0) & (codes >= 0) & (given != meant)
    expected = np.full(len(frame), None, dtype=object)
    for i in np.flatnonzero(bad)[:MAX_PROBLEMS]:
        text = frame[field].iloc[i]
        expected[i] = (
            f"an empty cell, or {meant[i]} as {text!r} in {field} says"
            if meant[i] is not None
            else f"an empty cell: {text!r} in {field} names no {what} (write it in the text)"
        )
    chk.rows(bad, side, expected, cells, "inconsistent")


def parse_money_column(
    frame: pd.DataFrame, field: str, chk: Located, rate: bool
) -> tuple[dict[str, Any], np.ndarray]:
    """The columns of a money (or rate) field: ``amount`` (float64, the base figure),
    ``currency`` and ``per`` (categoricals), ``kind`` (categorical: exact, range, ...), ``low``
    and ``high`` (factors of the base figure giving the ends), and a mask of the rows without
    an amount. Amounts above :data:`~aicapex.records.MAX_AMOUNT` are problems, as in records
    (they would overflow the exact cents of the flows)."""
    out, missing = _money_column(frame, field, chk, rate)
    # numbers as written: one without its currency is not read, but still checked for size
    huge = np.abs(out.pop("figures", out["amount"])) > MAX_AMOUNT  # inf: huge, NaN: not
    chk.rows(huge, field, f"an amount of at most {LIMIT} in its currency", frame[field], BIG)
    return out, missing


#: The code of an amount too large (:func:`parse_money_column`, the records' rules).
BIG = "out-of-range"
#: :data:`~aicapex.records.MAX_AMOUNT` as people read it.
LIMIT = f"{MAX_AMOUNT // 10**12:,}T (10^15)"


def _money_column(
    frame: pd.DataFrame, field: str, chk: Located, rate: bool
) -> tuple[dict[str, Any], np.ndarray]:
    col = frame[field]
    n = len(frame)
    if col.isna().all():
        return {
            "amount": np.full(n, np.nan),
            "currency": constant_category(None, n),
            "per": constant_category(None, n),
            "kind": constant_category(None, n),
            "low": np.ones(n),
            "high": np.ones(n),
        }, np.ones(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(col) or decimal_column(col):
        return _money_numbers(frame, field, chk, rate)
    parse = Rate.parse if rate else Money.parse
    codes, parsed, bad = parse_unique(col, parse)
    example = "a rate like '$99M/yr'" if rate else "money like '$7M'"
    chk.rows(bad, field, example, col, "bad-rate" if rate else "bad-money")
    money = [(r.money if rate else r) if r is not None else None for r in parsed]
    amount = np.array([float(m.amount) if m is not None else np.nan for m in money] + [np.nan])
    currency = [m.currency if m is not None else None for m in money]
    per = [r.per if (rate and r is not None) else None for r in parsed]
    said_with(frame, field, f"{field}_currency", codes, currency, chk, "currency")
    if rate:
        said_with(frame, field, f"{field}_per", codes, per, chk, "period", normalize_period)
    kinds = [m.kind if m is not None else None for m in money]
    low, high = (np.array([*(_factor(m, i) for m in money), 1.0], dtype="float64") for i in (0, 1))
    return {
        "amount": amount[codes],
        "currency": coded_category(codes, currency),
        "per": coded_category(codes, per),
        "kind": coded_category(codes, kinds),
        "low": low[codes],
        "high": high[codes],
    }, np.isnan(amount[codes])


def _factor(money: Money | None, end: int) -> float:
    """The low (``end`` 0) or high (1) end of ``money`` over its base figure (1 for exact)."""
    if money is None or not money.qualifier or money.amount == 0:
        return 1.0
    return float(money.bounds()[end].amount / money.amount)


def _money_numbers(
    frame: pd.DataFrame, field: str, chk: Located, rate: bool
) -> tuple[dict[str, Any], np.ndarray]:
    """:func:`_money` of a numeric column, with its ``_currency`` (and ``_per``) columns.
    Infinities, and NaN written as such (``frame.attrs["nonfinite"]``, see
    :func:`~aicapex.table.tablefile.nonfinite_rows`; a missing value is no amount, not NaN),
    are refused."""
    col = frame[field]
    n = len(frame)
    exact = col.dtype == object  # exact decimals (see decimal_column)
    amount = _decimal_floats(col) if exact else col.to_numpy("float64")
    written_nan = frame.attrs.get("nonfinite", {}).get(field)
    bad = np.isinf(amount) | (written_nan if written_nan is not None else False)
    chk.rows(bad, field, "a finite amount", col, "out-of-range")
    amount = np.where(bad, np.nan, amount) if bad.any() else amount  # no copy: none bad
    has = ~np.isnan(amount) & ~bad
    cur_col = f"{field}_currency"
    if cur_col not in frame:
        chk.column(
            field,
            f"money as text like '$7M', or numbers with a {cur_col} column",
            "numbers alone",
            "missing-column",
        )
        currency = constant_category(None, n)
        read = np.zeros(n, dtype=bool)  # no money without its currency: reported, not read
    else:
        codes, uniques = factorize(frame[cur_col])
        iso = pd.Series(list(uniques), dtype=object).astype(str).isin(ISO_4217)
        ok = np.append(iso.to_numpy(dtype=bool), False)[codes]
        expected = "an ISO 4217 currency code like 'USD'"
        chk.rows(has & ~ok, cur_col, expected, or_nothing(frame[cur_col], has & ~ok), "bad-money")
        read = has & ok  # a row without a currency has no money the rules can read (reported)
        currency = coded_category(np.where(has, codes, -1), uniques)
    figures, amount = amount, np.where(read, amount, np.nan)
    per_col = f"{field}_per"
    if rate and per_col not in frame:
        chk.column(
            field,
            f"rates as text like '$99M/yr', or numbers with a {per_col} column",
            "numbers alone",
            "missing-column",
        )
    if rate and per_col in frame:
        per = _periods(frame[per_col], has, chk, per_col)
    else:
        per = constant_category(None, n)
    kind = coded_category(np.where(has, np.int8(0), np.int8(-1)), ["exact"])
    ones = np.ones(n)
    return {
        "amount": amount,
        "figures": figures,
        "currency": currency,
        "per": per,
        "kind": kind,
        "low": ones,
        "high": ones,
    }, ~has


def bool_rows(col: pd.Series) -> np.ndarray | None:
    """The rows of ``col`` holding true or false (a column of booleans, Parquet's or a CSV
    column of True and False, or booleans among other values); ``None`` when there is none,
    told by the dtype alone for columns of numbers or text. Booleans are no numbers: ``True``
    is not 1 GPU, one dollar or 100%."""
    if pd.api.types.is_bool_dtype(col.dtype):
        return np.asarray(col.notna().to_numpy(), dtype=bool)
    if col.dtype != object or pd.api.types.infer_dtype(col, skipna=True) not in (
        "boolean",
        "mixed",
    ):
        return None
    mask = col.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    return mask if mask.any() else None


def decimal_column(col: pd.Series) -> bool:
    """Whether ``col`` holds exact decimals (Parquet's ``decimal128``, which pandas reads as
    ``Decimal`` objects): numbers, read as a numeric column's."""
    return col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) == "decimal"


def _decimal_floats(col: pd.Series) -> np.ndarray:
    """The amounts of a column of decimals as floats, as records hold them (``float`` of the
    exact amount; missing: NaN). A decimal above :data:`MAX_AMOUNT` whose float is the limit
    itself (``1000000000000000.001``) becomes the next float up, so that the limit check
    refuses it as a record's check does (its problem shows the decimal as written); decimals
    that are no number (``Decimal('NaN')``, infinities) become infinity: not finite."""
    values = col.to_numpy(dtype=object)
    missing = col.isna().to_numpy()  # None (and pandas' NaN), not Decimal('NaN')
    try:
        amount = col.to_numpy("float64", na_value=np.nan)
    except (ValueError, TypeError):  # Decimal('sNaN'): no float
        amount = np.array(
            [np.nan if m or v.is_nan() else float(v) for v, m in zip(values, missing, strict=True)]
        )
    amount[np.isnan(amount) & ~missing] = np.inf
    edge = np.flatnonzero(np.abs(amount) == MAX_AMOUNT)
    for i in edge:
        if abs(values[i]) > MAX_AMOUNT:
            amount[i] = np.nextafter(amount[i], np.copysign(np.inf, amount[i]))
    return amount


def _periods(col: pd.Series, has: np.ndarray, chk: Located, name: str) -> pd.Categorical:
    """A rate's period column, normalised ('yr', 'annual' -> 'year') once per distinct value;
    rows with an amount but no known period are problems."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    canonical: list[str] = []
    mapped = np.full(len(uniques) + 1, -1, dtype=np.int64)
    for j, value in enumerate(uniques):
        try:
            period = normalize_period(str(value))
        except ValueError:
            continue
        if period not in canonical:
            canonical.append(period)
        mapped[j] = canonical.index(period)
    new = mapped[codes]
    expected = "a period: day, week, month, quarter or year"
    chk.rows(has & (new < 0), name, expected, or_nothing(col, has & (new < 0)), "bad-rate")
    return coded_category(np.where(has, new, -1), canonical)


def count_ends(
    count: int, widths: Mapping[str, tuple[Fraction, Fraction]] | None = None
) -> tuple[int, int]:
    """A GPU count's low and high ends, as a GPU order's frame gives them (``quantity_low``,
    ``quantity_high``: ``Ledger.frame`` at the ledger's ``widths``, a table at the defaults): a
    range's ends (``10,000 to 12,000``), an open figure's at ``widths`` (``None``:
    :data:`aicapex.figures.DEFAULT_WIDTHS`: ``about 12,000`` is 10,800 to 13,200), an exact
    count itself (read without the record models: a count as reported has ``bounds``)."""
    bounds = getattr(count, "bounds", None)
    if bounds is None:
        return int(count), int(count)
    low, high = bounds(widths)
    return int(low), int(high)


#: A column of GPU counts and its low and high ends (``Int64`` arrays).
CountColumns = tuple[
    pd.api.extensions.ExtensionArray,
    pd.api.extensions.ExtensionArray,
    pd.api.extensions.ExtensionArray,
]


def count_column(col: pd.Series, chk: Located, name: str) -> CountColumns:
    """A column of numbers of GPUs (``12000``, ``12,000``, ``about 12,000``) as ``Int64``, each
    distinct value read and checked as a record's count is: a whole number, more than 0 and at
    most 10^9 (only GPU tables have counts: they read them as records do, with the models);
    with its low and high ends (``Int64``; :func:`count_ends` at the default
    widths, as the money columns' ends), from the same read of each distinct value."""
    from aicapex.records.base import MAX_GPUS

    codes, parsed, bad = parse_unique(col, _count)
    ok = [p is not None and 0 < p <= MAX_GPUS for p in parsed]
    outside = [p is not None and not good for p, good in zip(parsed, ok, strict=True)]
    out = np.array([*outside, False], dtype=bool)[codes]
    chk.rows(bad, name, "a whole number of GPUs like 12,000", col, "bad-capacity")
    chk.rows(
        out, name, f"a number of GPUs greater than 0 and at most {MAX_GPUS:,}", col, "out-of-range"
    )
    ends = [count_ends(p) if good else (0, 0) for p, good in zip(parsed, ok, strict=True)]
    unknown = (codes < 0) | bad | out
    columns = (
        [int(p) if good else 0 for p, good in zip(parsed, ok, strict=True)],
        [e[0] for e in ends],
        [e[1] for e in ends],
    )
    values, low, high = (
        pd.arrays.IntegerArray(np.array([*c, 0], dtype="int64")[codes], unknown.copy())
        for c in columns
    )
    return values, low, high


def flag_column(
    col: pd.Series, chk: Located, name: str, default: bool | None
) -> pd.api.extensions.ExtensionArray:
    """A column of true or false as ``boolean``, each distinct value read as a record's field
    reads it (``true``, ``yes``, ``1``; ``false``, ``no``, ``0``); empty cells take the field's
    ``default``, as the model fills it in (missing only for a field without one)."""
    from pydantic import TypeAdapter

    read = TypeAdapter(bool).validate_python
    codes, parsed, bad = parse_unique(col, lambda v: read(_plain(v)))
    chk.rows(bad, name, "true or false", col)
    values = np.array([bool(p) for p in parsed] + [bool(default)], dtype=bool)[codes]
    unknown = bad if default is not None else (codes < 0) | bad
    return pd.arrays.BooleanArray(values, unknown)


def _count(value: Any) -> int:
    """A cell of a count column as a whole number (a count as reported, ``about 12,000``, kept
    as such: its figure, with its ends)."""
    from aicapex.records.base import whole_count

    read = whole_count(_plain(value))
    if not isinstance(read, int):  # pragma: no cover - whole_count gives ints or raises
        raise ValueError(f"expected a whole number of GPUs, got {value!r}")
    return read


def _plain(value: Any) -> Any:
    """A cell as plain Python (NumPy scalars of Parquet columns as ints, floats, bools)."""
    return value.item() if isinstance(value, np.generic) else value


def enum_column(
    col: pd.Series, chk: Located, name: str, allowed: list[str], default: str | None
) -> pd.Categorical:
    """An enum column, checked on its distinct values; missing cells take the ``default``."""
    codes, uniques = factorize(col)
    bad_u = np.array([u not in allowed for u in uniques] + [False], dtype=bool)
    chk.rows(bad_u[codes], name, f"one of {', '.join(allowed)}", col)
    labels = [*uniques, default]
    return coded_category(np.where(codes >= 0, codes, len(uniques)), labels)


def source_column(col: pd.Series) -> pd.api.extensions.ExtensionArray:
    """Cited source ids, comma-separated without blanks, cleaned once per distinct value."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    cleaned = [",".join(x.strip() for x in str(s).split(",") if x.strip()) for s in uniques]
    if cleaned == list(uniques) and (codes >= 0).all():  # clean already: the column as it is
        return col.astype("string").array
    return string_column(np.where(codes >= 0, codes, len(uniques)), [*cleaned, ""])
