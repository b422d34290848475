"""Bulk tables: read a CSV or Parquet table of one record kind, validated column-wise.

For millions of rows (cloud bills, expenses), records one by one are too slow; a table is checked
a column at a time (vectorised) and becomes exactly the frame ``Ledger.frame(kind)`` would give
for the same records, so :func:`aicapex.analysis.flows.flows` and every analysis accept it:

>>> import aicapex as ac                                         # doctest: +SKIP
>>> bills = ac.read_table("bills.parquet", "cloud_bills")        # doctest: +SKIP
>>> ac.arrears({"cloud_bills": bills}, as_of="2024-09")          # doctest: +SKIP

Columns are the record's field names. Money is either text as in ledger files (``$7M``) or a
number with a ``<field>_currency`` column (ISO codes); rates are text (``$99M/yr``) or a number with
``<field>_per`` and ``<field>_currency``. Dates are text in any form ledger files take, or dates.
``sources`` holds cited source ids, comma-separated. Problems are reported all at once, with the
row's line in a CSV file (the header is line 1) or its row number in Parquet. References to other
records are not resolved (the table stands alone); amounts in other currencies get ``_usd``
values only through ``fx`` (a ledger holding ``fx_rates``).
"""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.currencies import ISO_4217
from aicapex.dates import PartialDate, Precision
from aicapex.errors import LedgerError, Problem, suggest
from aicapex.money import Money, Rate
from aicapex.records import KINDS
from aicapex.table.columns import (
    coded_category,
    constant_category,
    parse_unique,
    string_column,
    to_category,
)
from aicapex.table.frames import Column, columns_of, ledger_fx, unwrap
from aicapex.units import PER_MONTH, normalize_period

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from aicapex.ledger import Ledger

__all__ = ["TABLE_KINDS", "read_table"]

#: Kinds a bulk table can hold (kinds without nested lists).
TABLE_KINDS = ("expenses", "revenues", "cloud_bills", "cash_balances")

_MAX_PROBLEMS = 200


class _Check:
    """Collects problems with rows located in the file."""

    def __init__(self, shown: str, kind: str, ids: pd.Series | None, csv: bool) -> None:
        self.shown, self.kind, self.ids, self.csv = shown, kind, ids, csv
        self.problems: list[Problem] = []

    def rows(
        self, mask: np.ndarray, field: str, expected: str, found: pd.Series | np.ndarray | None
    ) -> None:
        """A problem for each row of ``mask``; ``found`` holds the rows' values (a column of the
        table, or an array), read only at the rows reported."""
        for i in np.flatnonzero(mask)[: _MAX_PROBLEMS - len(self.problems)]:
            rid = self.ids.iloc[i] if self.ids is not None and i < len(self.ids) else None
            self.problems.append(
                Problem(
                    expected,
                    _shown(_cell(found, i)) if found is not None else "nothing",
                    file=self.shown,
                    line=int(i) + 2 if self.csv else None,
                    kind=self.kind,
                    index=int(i),
                    record_id=rid if isinstance(rid, str) else None,
                    field=field,
                )
            )

    def column(self, field: str, expected: str, found: str) -> None:
        self.problems.append(Problem(expected, found, file=self.shown, kind=self.kind, field=field))


def _cell(values: pd.Series | np.ndarray, i: int) -> Any:
    """Row ``i`` of a column or an array."""
    return values.iloc[i] if isinstance(values, pd.Series) else values[i]


def _shown(value: Any) -> str:
    """A found value for a message: as plain Python (no ``np.float64(...)`` wrappers), dates as
    ISO days."""
    if isinstance(value, np.datetime64):
        return repr(str(np.datetime_as_string(value, unit="D")))
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _date_value(value: Any) -> Any:
    """A cell of a date column as PartialDate.parse takes it: a year read as a float (CSV columns
    of years with blanks) becomes an int, a Timestamp its day."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.date() if hasattr(value, "date") else value


# --- typed columns, built from distinct values rather than from a Python object per row -------


def _dates(col: pd.Series, chk: _Check, field: str) -> dict[str, Any]:
    """The ``_start``, ``_end`` (datetime64[ns]) and ``_precision`` (categorical) columns of a
    date column: each distinct value is parsed once and its span spread to its rows."""
    if pd.api.types.is_datetime64_any_dtype(col):
        days = col.dt.normalize()
        day = np.where(col.isna().to_numpy(), -1, 0)
        return {
            f"{field}_start": days.to_numpy("datetime64[ns]"),
            f"{field}_end": days.to_numpy("datetime64[ns]"),
            f"{field}_precision": coded_category(day, [Precision.DAY.value]),
        }
    codes, parsed, bad = parse_unique(col, lambda v: PartialDate.parse(_date_value(v)))
    chk.rows(bad, field, "a date like '2023-10-31', '2023-10', 'Q3 2023' or '2023'", col)
    nat = np.datetime64("NaT", "ns")
    spans = [p.sort_key() if p is not None else None for p in parsed]
    start = np.array([nat if s is None else np.datetime64(s[0], "ns") for s in spans] + [nat])
    end = np.array([nat if s is None else np.datetime64(s[1], "ns") for s in spans] + [nat])
    precision = [p.precision.value if p is not None else None for p in parsed]
    return {
        f"{field}_start": start[codes],
        f"{field}_end": end[codes],
        f"{field}_precision": coded_category(codes, precision),
    }


def _money(
    frame: pd.DataFrame, field: str, chk: _Check, rate: bool
) -> tuple[dict[str, Any], np.ndarray]:
    """The columns of a money (or rate) field: ``amount`` (float64), ``currency`` and ``per``
    (categoricals), and a mask of the rows without an amount."""
    col = frame[field]
    n = len(frame)
    if col.isna().all():
        return {
            "amount": np.full(n, np.nan),
            "currency": constant_category(None, n),
            "per": constant_category(None, n),
        }, np.ones(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(col):
        return _money_numbers(frame, field, chk, rate)
    parse = Rate.parse if rate else Money.parse
    codes, parsed, bad = parse_unique(col, parse)
    example = "a rate like '$99M/yr'" if rate else "money like '$7M'"
    chk.rows(bad, field, example, col)
    money = [(r.money if rate else r) if r is not None else None for r in parsed]
    amount = np.array([float(m.amount) if m is not None else np.nan for m in money] + [np.nan])
    currency = [m.currency if m is not None else None for m in money]
    per = [r.per if (rate and r is not None) else None for r in parsed]
    return {
        "amount": amount[codes],
        "currency": coded_category(codes, currency),
        "per": coded_category(codes, per),
    }, np.isnan(amount[codes])


def _money_numbers(
    frame: pd.DataFrame, field: str, chk: _Check, rate: bool
) -> tuple[dict[str, Any], np.ndarray]:
    """:func:`_money` of a numeric column, with its ``_currency`` (and ``_per``) columns."""
    amount = frame[field].to_numpy("float64")
    n = len(frame)
    has = ~np.isnan(amount)
    cur_col = f"{field}_currency"
    if cur_col not in frame:
        chk.column(
            field, f"money as text like '$7M', or numbers with a {cur_col} column", "numbers alone"
        )
        currency = constant_category(None, n)
    else:
        codes, uniques = pd.factorize(frame[cur_col], use_na_sentinel=True)
        iso = pd.Series(list(uniques), dtype=object).astype(str).isin(ISO_4217)
        ok = np.append(iso.to_numpy(dtype=bool), False)[codes]
        chk.rows(has & ~ok, cur_col, "an ISO 4217 currency code like 'USD'", frame[cur_col])
        currency = coded_category(np.where(has, codes, -1), uniques)
    per_col = f"{field}_per"
    if rate and per_col not in frame:
        chk.column(
            field,
            f"rates as text like '$99M/yr', or numbers with a {per_col} column",
            "numbers alone",
        )
    if rate and per_col in frame:
        per = _periods(frame[per_col], has, chk, per_col)
    else:
        per = constant_category(None, n)
    return {"amount": amount, "currency": currency, "per": per}, ~has


def _periods(col: pd.Series, has: np.ndarray, chk: _Check, name: str) -> pd.Categorical:
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
    chk.rows(has & (new < 0), name, "a period: day, week, month, quarter or year", col)
    return coded_category(np.where(has, new, -1), canonical)


def read_table(
    path: str | os.PathLike[str],
    kind: str,
    *,
    fx: Ledger | None = None,
) -> pd.DataFrame:
    """Read a CSV or Parquet table of one record ``kind`` (see :data:`TABLE_KINDS`), validate it
    column-wise and return the frame ``Ledger.frame(kind)`` would give for the same records.

    Raises :class:`LedgerError` listing every problem (up to 200) with its row.
    """
    if kind not in KINDS:
        raise LedgerError(
            [Problem(f"a record kind{suggest(kind, KINDS)}", repr(kind), file=str(path))]
        )
    if kind not in TABLE_KINDS:
        raise LedgerError(
            [
                Problem(
                    f"a kind a flat table can hold: {', '.join(TABLE_KINDS)}",
                    repr(kind),
                    file=str(path),
                )
            ]
        )
    p = Path(path)
    shown = str(path)
    csv = p.suffix.lower() in (".csv", ".tsv", ".txt")
    try:
        if p.suffix.lower() == ".parquet":
            raw = pd.read_parquet(p)
        elif csv:
            raw = pd.read_csv(
                p,
                sep="\t" if p.suffix.lower() == ".tsv" else ",",
                dtype={"id": "string"},
                keep_default_na=True,
            )
        else:
            raise LedgerError(
                [Problem("a .csv, .tsv or .parquet file", repr(p.suffix), file=shown)]
            )
    except FileNotFoundError:
        raise LedgerError([Problem("an existing table file", "no such file", file=shown)]) from None
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, LedgerError):
            raise
        raise LedgerError(
            [Problem("a readable CSV or Parquet table", str(exc).splitlines()[0], file=shown)]
        ) from None
    return _validate(raw, kind, shown, csv, fx)


def _validate(
    raw: pd.DataFrame, kind: str, shown: str, csv: bool, fx: Ledger | None
) -> pd.DataFrame:
    cls = KINDS[kind]
    refs = frozenset(p for p, _ in cls.REFS if "." not in p)
    cols = columns_of(cls, refs)
    fields = cls.model_fields
    n = len(raw)
    chk = _Check(shown, kind, raw.get("id"), csv)
    allowed = set(fields)
    for c in cols:
        if c.field in fields:
            inner = unwrap(fields[c.field].annotation)[0]
            if inner in (Money, Rate):
                allowed |= {f"{c.field}_currency", f"{c.field}_per"}
    for name in raw.columns:
        if name not in allowed:
            chk.column(
                str(name),
                f"a field of {kind}{suggest(str(name), fields)}",
                f"unknown column {name!r}",
            )
    for name, info in fields.items():
        if info.is_required() and name not in raw.columns:
            chk.column(name, "a column (this field is required)", "no such column")
    if chk.problems:
        raise LedgerError(chk.problems)

    out: dict[str, Any] = {}
    dtypes: dict[str, str] = {}
    present: dict[str, np.ndarray] = {}
    for c in cols:
        name = c.field
        dtypes.update(zip(c.names, c.dtypes, strict=True))
        info = fields[name]
        if name not in raw.columns:
            out.update(_absent(c, info, n))
            present[name] = np.zeros(n, dtype=bool)
            continue
        col = raw[name]
        missing = col.isna().to_numpy()
        present[name] = ~missing
        inner = unwrap(info.annotation)[0]
        if info.is_required():
            chk.rows(missing, name, "a value (this field is required)", None)
        if inner is Money or inner is Rate:
            out.update(_money_columns(raw, name, chk, cls, fx, rate=inner is Rate))
        elif inner is PartialDate:
            out.update(_dates(col, chk, name))
        elif isinstance(inner, type) and issubclass(inner, enum.Enum):
            default = info.default.value if isinstance(info.default, enum.Enum) else None
            out[name] = _enum(col, chk, name, [e.value for e in inner], default)
        elif name == "sources":
            out[name] = _sources(col)
        elif name == "id":
            out[name] = _ids(col, chk)
        elif c.dtypes == ["category"]:
            out[name] = to_category(col)
        elif c.dtypes == ["string"] and isinstance(col.dtype, pd.StringDtype):
            out[name] = col.astype("string").array
        else:
            values = col.astype("object").to_numpy()
            out[name] = np.where(missing, None, values)  # type: ignore[call-overload]
    _checks(kind, out, present, chk)
    if chk.problems:
        raise LedgerError(chk.problems)
    extras = _extras(kind, out, n)
    dtypes.update({k: v for k, (v, _) in extras.items()})
    out.update({k: col for k, (_, col) in extras.items()})
    # copy=False: the columns are new arrays, no need to copy them into blocks
    return pd.DataFrame(
        {name: _as(out[name], dtypes[name]) for name in dtypes},
        index=pd.RangeIndex(n),
        copy=False,
    )


def _absent(c: Column, info: FieldInfo, n: int) -> dict[str, Any]:
    """The columns of a field the table has no column for: missing values, or the field's
    default, as the record path gives them."""
    out: dict[str, Any] = {}
    for name, dtype in zip(c.names, c.dtypes, strict=True):
        if dtype == "float64":
            out[name] = np.full(n, np.nan)
        elif dtype.startswith("datetime64"):
            out[name] = np.full(n, np.datetime64("NaT", "ns"))
        elif dtype == "category":
            out[name] = constant_category(None, n)
        elif dtype == "string":
            out[name] = string_column(np.zeros(n, dtype=np.intp), [None])
        else:
            out[name] = np.full(n, None, dtype=object)
    if isinstance(info.default, enum.Enum):
        out[c.field] = constant_category(info.default.value, n)
    elif c.field == "sources":
        out[c.field] = string_column(np.zeros(n, dtype=np.intp), [""])
    return out


def _money_columns(
    raw: pd.DataFrame, name: str, chk: _Check, cls: Any, fx: Ledger | None, *, rate: bool
) -> dict[str, Any]:
    """The frame columns of a money or rate field (see :mod:`aicapex.frames`)."""
    m, _ = _money(raw, name, chk, rate=rate)
    usd = _usd(m["amount"], m["currency"], raw, fx, cls)
    if not rate:
        return {name: m["amount"], f"{name}_currency": m["currency"], f"{name}_usd": usd}
    per: pd.Categorical = m["per"]
    factors = [float(PER_MONTH[p]) if p in PER_MONTH else np.nan for p in per.categories]
    factor = np.array([*factors, np.nan], dtype="float64")[per.codes]
    return {
        name: m["amount"],
        f"{name}_per": per,
        f"{name}_currency": m["currency"],
        f"{name}_usd": usd,
        f"{name}_usd_per_month": usd * factor,
    }


def _enum(
    col: pd.Series, chk: _Check, name: str, allowed: list[str], default: str | None
) -> pd.Categorical:
    """An enum column, checked on its distinct values; missing cells take the ``default``."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    bad_u = np.array([u not in allowed for u in uniques] + [False], dtype=bool)
    chk.rows(bad_u[codes], name, f"one of {', '.join(allowed)}", col)
    labels = [*uniques, default]
    return coded_category(np.where(codes >= 0, codes, len(uniques)), labels)


def _sources(col: pd.Series) -> pd.api.extensions.ExtensionArray:
    """Cited source ids, comma-separated without blanks, cleaned once per distinct value."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    cleaned = [",".join(x.strip() for x in str(s).split(",") if x.strip()) for s in uniques]
    if cleaned == list(uniques) and (codes >= 0).all():  # clean already: the column as it is
        return col.astype("string").array
    return string_column(np.where(codes >= 0, codes, len(uniques)), [*cleaned, ""])


def _ids(col: pd.Series, chk: _Check) -> pd.Categorical:
    """The id column, checked: the pattern on the distinct ids, then uniqueness."""
    ids = to_category(col, distinct=True)
    pattern = r"[A-Za-z0-9][A-Za-z0-9._:+-]*"
    ok = pd.Series(ids.categories).astype(str).str.fullmatch(pattern).to_numpy(dtype=bool)
    missing = ids.codes < 0
    chk.rows(
        ~missing & ~np.append(ok, True)[ids.codes],
        "id",
        "an id of letters, digits and . _ : + -",
        col,
    )
    dup = pd.Series(ids.codes).duplicated(keep="first").to_numpy() & ~missing
    chk.rows(dup, "id", "a unique id", col)
    return ids


def _as(values: Any, dtype: str) -> pd.Series:
    """A column of the frame: arrays built typed pass as they are, copied only if read-only
    (views of the table read), so that the frame can be changed like any other."""
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return pd.Series(values, copy=False)
    if dtype.startswith("datetime64") or dtype == "float64":
        array = np.asarray(values, dtype="datetime64[ns]" if dtype != "float64" else dtype)
        return pd.Series(array if array.flags.writeable else array.copy(), copy=False)
    if dtype == "category":
        # built from a list, as frames.py does: an all-missing column then gets the same (empty)
        # categories dtype as Ledger.frame's, not object ones
        return pd.Series(list(values), dtype=dtype)
    return pd.Series(values, dtype=dtype)


def _usd(
    amount: np.ndarray, currency: pd.Categorical, raw: pd.DataFrame, fx: Ledger | None, cls: Any
) -> np.ndarray:
    """US dollars of each amount: as is in USD; in other currencies through ``fx`` (else NaN),
    at the first day of the record's date."""
    is_usd = np.asarray(currency == "USD", dtype=bool)
    usd = np.where(is_usd, amount, np.nan)
    other = ~is_usd & (np.asarray(currency.codes) >= 0)
    if other.any() and fx is not None:
        rows = np.flatnonzero(other)
        days = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
        if cls.DATE_FIELD in raw:
            codes, parsed, _ = parse_unique(
                raw[cls.DATE_FIELD].iloc[rows], lambda v: PartialDate.parse(_date_value(v))
            )
            firsts = [
                np.datetime64(p.sort_key()[0], "D") if p else np.datetime64("NaT") for p in parsed
            ]
            days = np.array([*firsts, np.datetime64("NaT")], dtype="datetime64[D]")[codes]
        names = np.asarray(currency.astype("object"))[rows]
        usd[rows] = amount[rows] * ledger_fx(fx).rates(names, days)
    return usd.astype("float64")


def _checks(kind: str, out: dict[str, Any], present: dict[str, np.ndarray], chk: _Check) -> None:
    """The records' consistency checks, as column operations."""
    for name in ("amount", "billed", "rate"):
        if name in out and name in present:
            values = np.asarray(out[name], dtype="float64")
            limit_zero = kind == "cash_balances"
            bad = present[name] & ((values < 0) if limit_zero else (values <= 0))
            chk.rows(
                bad,
                name,
                "an amount of zero or more" if limit_zero else "a positive amount",
                values,
            )
    if kind in ("expenses", "revenues"):
        both = present["amount"] == present["rate"]
        if both.any():
            chk.rows(
                both,
                "amount",
                "either an amount or a rate",
                np.where(present["amount"], "both", "neither"),
            )
        until = np.asarray(out["until_end"], dtype="datetime64[ns]")
        start = np.asarray(out["date_start"], dtype="datetime64[ns]")
        chk.rows(~np.isnat(until) & (until < start), "until", "a date on or after date", until)
    if kind == "cloud_bills":
        neither = ~present["billed"] & ~present["outstanding"]
        chk.rows(
            neither,
            "billed",
            "an amount billed (or, if only the unpaid part is known, outstanding)",
            None,
        )
        both = present["billed"] & present["outstanding"]
        differ = both & (
            np.asarray(out["billed"], dtype="float64")
            != np.asarray(out["outstanding"], dtype="float64")
        )
        chk.rows(
            differ,
            "outstanding",
            "billed minus payments (a table has no payments: equal to billed)",
            np.asarray(out["outstanding"]),
        )


def _extras(kind: str, out: dict[str, Any], n: int) -> dict[str, tuple[str, Any]]:
    if kind != "cloud_bills":
        return {}
    billed = np.asarray(out["billed_usd"], dtype="float64")
    outstanding = np.asarray(out["outstanding_usd"], dtype="float64")
    return {
        "paid_usd": ("float64", np.zeros(n)),
        "unpaid_usd": ("float64", np.where(np.isnan(billed), outstanding, billed)),
    }
