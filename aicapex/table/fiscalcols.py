"""Fiscal years in bulk tables: whose year a row's ``FY2025`` is, and its span then.

``Ledger.frame`` dates a fiscal year by its owner's fiscal year end: a record's
``fiscal_year_of``, else its first party (:meth:`aicapex.records.base.Fact.fiscal_owner`). A
table holds no entities: with a ledger (``read_table(..., fx=ledger)``) each row's owner is found
the same way, column-wise (:data:`PARTIES`), and its year end looked up once per distinct owner;
the spans of the fiscal-year cells are recomputed once per distinct (date, year end). A table of
nested items (tranches, payments, a ramp) read alone cannot know its parent's
``fiscal_year_of``: its owner is the parent's first party, the head column naming it
(:data:`ITEM_OWNERS`); read with its parents' table, its record's (:func:`parent_owners`).
Without a ledger every fiscal year is a calendar year (its year ends on 12-31).

The loader's rule on two-party records (a fiscal-year date without ``fiscal_year_of`` where the
parties' years end on different days: ``fiscal-year-owner``) holds at each row, with the
loader's texts; without a ledger there are no year ends to compare.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from aicapex.dates import PartialDate, Precision
from aicapex.table.bulkcols import MAX_PROBLEMS, Located, Said, parse_money_column
from aicapex.table.datecols import date_value, first_days, fiscal_spans
from aicapex.table.tablespec import DATE, PARENT_DATES, PARTIES, SPECS
from aicapex.units import PER_MONTH

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "ITEM_OWNERS",
    "PARTIES",
    "Dating",
    "dating",
    "fiscal_dates",
    "money_columns",
    "money_ends",
    "parent_owners",
    "usd_values",
]

#: The head column of a table of nested items naming its parent's first party: the owner of
#: the items' fiscal years (the parent's ``fiscal_year_of`` is not in the items' table).
ITEM_OWNERS: dict[str, str] = {
    "tranches": "company",
    "investments": "company",
    "deliveries": "buyer",
    "payments": "payer",
    "ramps": "buyer",
    "order_payments": "buyer",
}

_CALENDAR = "12-31"
_FISCAL = Precision.FISCAL_YEAR.value


class Dating(NamedTuple):
    """How a table's rows are dated: the columns dating a row's money, in order (see
    :func:`dating`), and each row's fiscal year end (``None`` without a ledger)."""

    columns: tuple[str, ...]
    year_ends: np.ndarray | None


def dating(
    kind: str, raw: pd.DataFrame, ledger: Ledger | None, owners: pd.Series | None = None
) -> Dating:
    """The columns dating a row's money, as ``Ledger.frame`` dates it (a record's date field; a
    nested item's own ``date``, else its parent's date: the optional column of
    :data:`PARENT_DATES`), and each row's fiscal year end under ``ledger``'s entities: its
    owner's (``owners``, by row, when given: :func:`parent_owners`)."""
    spec = SPECS[kind]
    if spec.date_field is not None:
        columns: tuple[str, ...] = (spec.date_field,)
    else:
        own = ("date",) if any(f.name == "date" for f in spec.fields) else ()
        columns = own + ((PARENT_DATES[kind],) if kind in PARENT_DATES else ())
    if ledger is None:
        return Dating(columns, None)
    return Dating(columns, _year_ends(owners if owners is not None else _owners(kind, raw), ledger))


def parent_owners(
    kind: str, raw: pd.DataFrame, praw: pd.DataFrame, column: str
) -> pd.Series | None:
    """Each item's owner of its fiscal years, its record's as ``Ledger.frame`` has it: the
    ``fiscal_year_of`` of the record its ``column`` names in the parents' table ``praw``, else
    the head column naming the record's first party (None: the items' own, see
    :data:`ITEM_OWNERS`; a record's ``fiscal_year_of`` naming its other party dated its items
    by the first party's years)."""
    head = ITEM_OWNERS.get(kind)
    if head not in raw or column not in raw or "fiscal_year_of" not in praw or "id" not in praw:
        return None
    ids = pd.Index(praw["id"].astype(object))
    given = praw["fiscal_year_of"].astype(object).to_numpy()
    at = ids.get_indexer(raw[column].astype(object)) if ids.is_unique else None
    if at is None:  # ids repeated: refused in the parents' table
        return None
    said = np.array([*given, None], dtype=object)[at]  # -1: no such record (refused there)
    theirs = pd.Series(said, index=raw.index, dtype=object)
    return theirs.where(theirs.notna(), raw[head].astype(object))


def _owners(kind: str, raw: pd.DataFrame) -> pd.Series:
    """Each row's owner of its fiscal years (missing where none): ``fiscal_year_of``, else the
    first party given (an item's table: the head column naming its parent's first party)."""
    n = len(raw)
    names = (ITEM_OWNERS[kind],) if kind in ITEM_OWNERS else PARTIES.get(kind, ())
    if kind in PARTIES:
        names = ("fiscal_year_of", *names)
    owners = pd.Series(np.full(n, None, dtype=object), index=raw.index, dtype=object)
    for name in names:
        if name in raw:
            owners = owners.where(owners.notna(), raw[name].astype(object))
    return owners


def _year_ends(owned: pd.Series, ledger: Ledger) -> np.ndarray:
    """Each row's fiscal year end (``MM-DD`` text): its owner's, looked up once per owner."""
    codes, owners = pd.factorize(owned, use_na_sentinel=True)
    ends = [ledger.fiscal_year_end(str(o)) for o in owners]
    return np.array([*ends, _CALENDAR], dtype=object)[codes]


def fiscal_dates(
    kind: str,
    raw: pd.DataFrame,
    out: dict[str, Any],
    chk: Located,
    dated: Dating,
    ledger: Ledger | None,
) -> None:
    """The spans of the fiscal-year cells of each date column of ``out`` under their rows' year
    ends (``dated.year_ends``; none: calendar years, as read), and the loader's
    ``fiscal-year-owner`` problems on two-party kinds (their parties' year ends ``ledger``'s)."""
    year_ends = dated.year_ends
    if year_ends is None or ledger is None:
        return
    dates = [f.name for f in SPECS[kind].fields if f.type == DATE and f.name in raw]
    fiscal: dict[str, np.ndarray] = {}
    for name in dates:
        rows = np.flatnonzero(np.asarray(out[f"{name}_precision"] == _FISCAL, dtype=bool))
        if not len(rows):
            continue
        fiscal[name] = rows
        start, end = fiscal_spans(raw[name].iloc[rows], year_ends[rows])
        for side, days in (("start", start), ("end", end)):
            column = np.array(out[f"{name}_{side}"], dtype="datetime64[ns]")  # a copy
            column[rows] = days
            out[f"{name}_{side}"] = column
    if len(PARTIES.get(kind, ())) >= 2 and fiscal:
        _owner_problems(kind, raw, chk, fiscal, ledger)


def _owner_problems(
    kind: str, raw: pd.DataFrame, chk: Located, fiscal: dict[str, np.ndarray], ledger: Ledger
) -> None:
    """A problem at each fiscal-year cell of a row without ``fiscal_year_of`` whose parties'
    fiscal years end on different days, with the loader's texts (each party's year end)."""
    n = len(raw)
    blank = pd.Series(np.full(n, None, dtype=object), dtype=object)
    given = [
        raw[p].astype(object).reset_index(drop=True) if p in raw else blank for p in PARTIES[kind]
    ]
    unowned = (
        raw["fiscal_year_of"].isna().to_numpy() if "fiscal_year_of" in raw else np.ones(n, bool)
    )
    # each distinct party's year end looked up once; "" where a row names no such party
    codes, names = pd.factorize(pd.concat(given, ignore_index=True), use_na_sentinel=True)
    known = [ledger.fiscal_year_end(str(name)) for name in names]
    ends = np.array([*known, ""], dtype=object)[codes].reshape(len(given), n)
    differ = np.zeros(n, dtype=bool)
    for i, first in enumerate(ends):
        for other in ends[i + 1 :]:
            differ |= (first != "") & (other != "") & (first != other)
    for name, rows in fiscal.items():
        bad = np.zeros(n, dtype=bool)
        bad[rows] = True
        bad &= unowned & differ
        expected = np.full(n, None, dtype=object)
        found = np.full(n, None, dtype=object)
        for i in np.flatnonzero(bad)[:MAX_PROBLEMS]:
            date = PartialDate.parse(date_value(raw[name].iloc[i]))
            said = dict.fromkeys(
                (str(g.iloc[i]), ends[k][i]) for k, g in enumerate(given) if ends[k][i] != ""
            )
            years = ", ".join(f"{party}'s ends on {end}" for party, end in said)
            expected[i] = f"fiscal_year_of: the entity whose fiscal year {date} is ({years})"
            found[i] = Said(f"{date} without fiscal_year_of")
        chk.rows(bad, name, expected, found, "fiscal-year-owner")


def usd_values(
    amount: np.ndarray,
    currency: pd.Categorical,
    raw: pd.DataFrame,
    fx: Ledger | None,
    dated: Dating,
) -> np.ndarray:
    """US dollars of each amount: as is in USD; in other currencies through ``fx`` (else NaN),
    at the first day of the row's date (under its fiscal year end): the first of the columns
    ``dated.columns`` that has one (see :func:`dating`)."""
    is_usd = np.asarray(currency == "USD", dtype=bool)
    usd = np.where(is_usd, amount, np.nan)
    other = ~is_usd & (np.asarray(currency.codes) >= 0)
    if other.any() and fx is not None:
        from aicapex.table.frames import ledger_fx  # a ledger given: its models are loaded

        rows = np.flatnonzero(other)
        names = np.asarray(currency.astype("object"))[rows]
        days = first_days(raw, rows, dated.columns, dated.year_ends)
        usd[rows] = amount[rows] * ledger_fx(fx).rates(names, days)
    return usd.astype("float64")


def money_columns(
    raw: pd.DataFrame,
    name: str,
    chk: Located,
    dated: Dating,
    fx: Ledger | None,
    *,
    rate: bool,
) -> dict[str, Any]:
    """The frame columns of a money or rate field (see :mod:`aicapex.frames`)."""
    m, _ = parse_money_column(raw, name, chk, rate=rate)
    usd = usd_values(m["amount"], m["currency"], raw, fx, dated)
    if not rate:
        low, high = money_ends(usd, m["low"], m["high"])
        return {
            name: m["amount"],
            f"{name}_currency": m["currency"],
            f"{name}_usd": low if isinstance(low, pd.Series) else usd,
            f"{name}_kind": m["kind"],
            f"{name}_low_usd": low,
            f"{name}_high_usd": high,
        }
    per: pd.Categorical = m["per"]
    factors = [float(PER_MONTH[p]) if p in PER_MONTH else np.nan for p in per.categories]
    factor = np.array([*factors, np.nan], dtype="float64")[per.codes]
    monthly = usd * factor
    low, high = money_ends(monthly, m["low"], m["high"])
    return {
        name: m["amount"],
        f"{name}_per": per,
        f"{name}_currency": m["currency"],
        f"{name}_usd": usd,
        f"{name}_usd_per_month": low if isinstance(low, pd.Series) else monthly,
        f"{name}_kind": m["kind"],
        f"{name}_low_usd_per_month": low,
        f"{name}_high_usd_per_month": high,
    }


def money_ends(
    dollars: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[pd.Series | np.ndarray, pd.Series | np.ndarray]:
    """The low and high ends of ``dollars`` (``dollars * low``, ``dollars * high``). Exact
    figures (every factor 1) have both ends at the figure itself: one Series shared by the
    figure and its ends (copy-on-write tracks the references: writing one copies it)."""
    if (low == 1.0).all() and (high == 1.0).all():  # x * 1.0 is x, to the bit
        shared = pd.Series(dollars, copy=False)
        return shared, shared
    return dollars * low, dollars * high
