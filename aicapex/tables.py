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

from aicapex.dates import PartialDate, Precision
from aicapex.errors import LedgerError, Problem, suggest
from aicapex.frames import _columns, _unwrap
from aicapex.money import Money, Rate
from aicapex.records import KINDS

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["TABLE_KINDS", "read_table"]

#: Kinds a bulk table can hold (kinds without nested lists).
TABLE_KINDS = ("expenses", "revenues", "cloud_bills", "cash_balances")

_MAX_PROBLEMS = 200


class _Check:
    """Collects problems with rows located in the file."""

    def __init__(self, shown: str, kind: str, ids: np.ndarray, csv: bool) -> None:
        self.shown, self.kind, self.ids, self.csv = shown, kind, ids, csv
        self.problems: list[Problem] = []

    def rows(self, mask: np.ndarray, field: str, expected: str, found: np.ndarray | None) -> None:
        for i in np.flatnonzero(mask)[: _MAX_PROBLEMS - len(self.problems)]:
            rid = self.ids[i] if i < len(self.ids) else None
            self.problems.append(
                Problem(
                    expected,
                    _shown(found[i]) if found is not None else "nothing",
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


def _parse_unique(values: pd.Series, parse: Any) -> tuple[pd.Series, np.ndarray]:
    """Parse each distinct value once: returns parsed objects (None where missing) and a mask of
    rows that failed."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    parsed: list[Any] = []
    bad_u = np.zeros(len(uniques), dtype=bool)
    for j, u in enumerate(uniques):
        try:
            parsed.append(parse(u))
        except (ValueError, TypeError, ArithmeticError):
            parsed.append(None)
            bad_u[j] = True
    objects = np.array([*parsed, None], dtype=object)[codes]
    bad = np.where(codes >= 0, np.append(bad_u, False)[codes], False)
    return pd.Series(objects, index=values.index), bad


def _dates(col: pd.Series, chk: _Check, field: str) -> dict[str, Any]:
    if pd.api.types.is_datetime64_any_dtype(col):
        days = col.dt.normalize()
        return {
            f"{field}_start": days.to_numpy("datetime64[ns]"),
            f"{field}_end": days.to_numpy("datetime64[ns]"),
            f"{field}_precision": np.where(col.isna(), None, Precision.DAY.value),  # type: ignore[call-overload]
        }
    values = col.astype("object").where(col.notna(), None)
    parsed, bad = _parse_unique(values, lambda v: PartialDate.parse(_date_value(v)))
    chk.rows(
        bad, field, "a date like '2023-10-31', '2023-10', 'Q3 2023' or '2023'", values.to_numpy()
    )
    codes, uniques = pd.factorize(parsed.map(lambda p: str(p) if p is not None else None))
    spans = [PartialDate.parse(u).sort_key() for u in uniques]
    precs = [PartialDate.parse(u).precision.value for u in uniques]
    start = np.array([np.datetime64(s, "ns") for s, _ in spans] + [np.datetime64("NaT", "ns")])
    end = np.array([np.datetime64(e, "ns") for _, e in spans] + [np.datetime64("NaT", "ns")])
    prec = np.array([*precs, None], dtype=object)
    return {
        f"{field}_start": start[codes],
        f"{field}_end": end[codes],
        f"{field}_precision": prec[codes],
    }


def _money(
    frame: pd.DataFrame, field: str, chk: _Check, rate: bool
) -> tuple[dict[str, Any], np.ndarray]:
    col = frame[field]
    n = len(frame)
    if col.isna().all():
        none = np.full(n, None, dtype=object)
        return {"amount": np.full(n, np.nan), "currency": none, "per": none}, np.ones(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(col):
        amount = col.to_numpy("float64")
        cur_col = f"{field}_currency"
        if cur_col not in frame:
            chk.column(
                field,
                f"money as text like '$7M', or numbers with a {cur_col} column",
                "numbers alone",
            )
            currency = np.full(n, None, dtype=object)
        else:
            currency = frame[cur_col].astype("object").to_numpy()
            bad = (
                ~pd.isna(col).to_numpy()
                & ~pd.Series(currency).astype(str).str.fullmatch(r"[A-Z]{3}").to_numpy()
            )
            chk.rows(bad, cur_col, "an ISO currency code like 'USD'", currency)
        per = (
            frame[f"{field}_per"].astype("object").to_numpy()
            if rate and f"{field}_per" in frame
            else np.full(n, None, dtype=object)
        )
        if rate and f"{field}_per" not in frame:
            chk.column(
                field,
                f"rates as text like '$99M/yr', or numbers with a {field}_per column",
                "numbers alone",
            )
        currency = np.where(np.isnan(amount), None, currency)  # type: ignore[call-overload]
        return {"amount": amount, "currency": currency, "per": per}, np.isnan(amount)
    values = col.astype("object").where(col.notna(), None)
    parse = Rate.parse if rate else Money.parse
    parsed, bad = _parse_unique(values, parse)
    example = "a rate like '$99M/yr'" if rate else "money like '$7M'"
    chk.rows(bad, field, example, values.to_numpy())
    money = parsed.map(lambda r: (r.money if rate else r) if r is not None else None)
    amount = money.map(lambda m: float(m.amount) if m is not None else np.nan).to_numpy("float64")
    currency = money.map(lambda m: m.currency if m is not None else None).to_numpy(object)
    per = parsed.map(lambda r: r.per if (rate and r is not None) else None).to_numpy(object)
    return {"amount": amount, "currency": currency, "per": per}, np.isnan(amount)


_PER_MONTH = {"day": 487 / 16, "week": 487 / 112, "month": 1.0, "quarter": 1 / 3, "year": 1 / 12}


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
    cols = _columns(cls, refs)
    fields = cls.model_fields
    n = len(raw)
    ids = raw["id"].astype("object").to_numpy() if "id" in raw else np.full(n, None, dtype=object)
    chk = _Check(shown, kind, ids, csv)
    allowed = set(fields)
    for c in cols:
        if c.field in fields:
            inner = _unwrap(fields[c.field].annotation)[0]
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
            for col_name, dtype in zip(c.names, c.dtypes, strict=True):
                out[col_name] = np.full(
                    n,
                    np.nan if dtype == "float64" else None,
                    dtype=object if dtype != "float64" else "float64",
                )
            # an absent column holds the field's default, as the record path gives it
            if isinstance(info.default, enum.Enum):
                out[name] = np.full(n, info.default.value, dtype=object)
            elif name == "sources":
                out[name] = np.full(n, "", dtype=object)
            present[name] = np.zeros(n, dtype=bool)
            continue
        col = raw[name]
        missing = col.isna().to_numpy()
        present[name] = ~missing
        inner = _unwrap(info.annotation)[0]
        if info.is_required():
            chk.rows(missing, name, "a value (this field is required)", None)
        if inner is Money or inner is Rate:
            m, _ = _money(raw, name, chk, rate=inner is Rate)
            usd = _usd(m["amount"], m["currency"], raw, fx, cls)
            if inner is Money:
                out.update(
                    {name: m["amount"], f"{name}_currency": m["currency"], f"{name}_usd": usd}
                )
            else:
                factor = np.array(
                    [_PER_MONTH.get(p, np.nan) if p is not None else np.nan for p in m["per"]]
                )
                out.update(
                    {
                        name: m["amount"],
                        f"{name}_per": m["per"],
                        f"{name}_currency": m["currency"],
                        f"{name}_usd": usd,
                        f"{name}_usd_per_month": usd * factor,
                    }
                )
        elif inner is PartialDate:
            out.update(_dates(col, chk, name))
        elif isinstance(inner, type) and issubclass(inner, enum.Enum):
            values = col.astype("object").to_numpy()
            allowed_values = [e.value for e in inner]
            bad = ~missing & ~np.isin(values, allowed_values)
            chk.rows(bad, name, f"one of {', '.join(allowed_values)}", values)
            default = info.default.value if isinstance(info.default, enum.Enum) else None
            out[name] = np.where(missing, default, values)  # type: ignore[arg-type]
        elif name == "sources":
            out[name] = (
                col.astype("object")
                .where(col.notna(), "")
                .map(lambda s: ",".join(x.strip() for x in str(s).split(",") if x.strip()))
                .to_numpy()
            )
        else:
            values = col.astype("object").to_numpy()
            out[name] = np.where(missing, None, values)  # type: ignore[call-overload]
            if name == "id":
                bad = (
                    ~missing
                    & ~pd.Series(values)
                    .astype(str)
                    .str.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:+-]*")
                    .to_numpy()
                )
                chk.rows(bad, "id", "an id of letters, digits and . _ : + -", values)
                dup = pd.Series(values).duplicated(keep="first").to_numpy() & ~missing
                chk.rows(dup, "id", "a unique id", values)
    _checks(kind, out, present, chk)
    if chk.problems:
        raise LedgerError(chk.problems)
    extras = _extras(kind, out, n)
    dtypes.update({k: v for k, (v, _) in extras.items()})
    out.update({k: col for k, (_, col) in extras.items()})
    return pd.DataFrame(
        {name: _as(out[name], dtypes[name]) for name in dtypes}, index=pd.RangeIndex(n)
    )


def _as(values: Any, dtype: str) -> pd.Series:
    if dtype.startswith("datetime64"):
        return pd.Series(np.asarray(values, dtype="datetime64[ns]"), dtype=dtype)
    if dtype == "float64":
        return pd.Series(np.asarray(values, dtype="float64"))
    if dtype == "category":
        # built from a list, as frames.py does: an all-missing column then gets the same (empty)
        # categories dtype as Ledger.frame's, not object ones
        return pd.Series(list(values), dtype=dtype)
    return pd.Series(values, dtype=dtype)


def _usd(
    amount: np.ndarray, currency: np.ndarray, raw: pd.DataFrame, fx: Ledger | None, cls: Any
) -> np.ndarray:
    usd = np.where(currency == "USD", amount, np.nan)
    other = np.flatnonzero((currency != "USD") & ~pd.isna(currency))
    if other.size and fx is not None:
        from aicapex.frames import _Fx

        table = _Fx(fx)
        dates = raw[cls.DATE_FIELD].astype("object").to_numpy() if cls.DATE_FIELD in raw else None
        for i in other:
            when = (
                PartialDate.parse(dates[i]).sort_key()[0]
                if dates is not None and dates[i] is not None
                else None
            )
            usd[i] = table.usd(
                Money(Money.parse(f"USD {amount[i]}").amount, str(currency[i])), when
            )
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
