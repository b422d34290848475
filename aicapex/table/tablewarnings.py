"""The loader's warnings on the rows of a bulk table: implausible but real, so the table is read.

:func:`aicapex.table.bulk.read_table` gives them as Python warnings (:class:`TableWarning`, a
``UserWarning``), each carrying its located :class:`~aicapex.errors.Problem` (``.problem``: the
table, the row's line or number, the record's id, the field, the expected and found texts, the
loader's code), once the table is read without errors (a table refused gives its errors only,
as a ledger does). ``warnings.simplefilter("error", TableWarning)`` refuses them, as
``aicapex validate --strict`` refuses a ledger's. The loader's rules
(:mod:`aicapex.checks.plausible`), as column operations:

- **implausible-figure**: money or a rate written as a range whose high end is more than
  :data:`RANGE_RATIO` times its low end (``$3 to 5 million`` is $3 to $5M: each end of a range
  has its own scale). Only the cells of ranges near or past it (by their ends in dollars, or
  without dollars) are read again, each distinct one once. In a
  table of items (tranches, payments ...) the field is the item's column (``amount``), the
  record its head column's (the loader says ``tranches.1.amount`` of the round).
- **after-reported**: a cash balance, or a revenue or an expense of basis ``actual``, dated
  after it was reported (its ``reported`` date, else, with ``fx``, the latest publication date
  of the sources of the ledger it cites), its date's first day (a fiscal year in its owner's
  years, with ``fx``) after the report's last (a fiscal year as a calendar year, as the
  loader reads a report's date): at most :data:`MAX_REPORTED` rows of a table, then one
  warning counting the rest.
"""

from __future__ import annotations

import warnings
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.errors import Problem
from aicapex.money import Money, Rate
from aicapex.table.bulkcols import MAX_PROBLEMS, Located, Said
from aicapex.table.columns import parse_unique
from aicapex.table.ramprules import calendar_days, date_text
from aicapex.table.tablespec import MONEY, RATE, SPECS

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["MAX_REPORTED", "RANGE_RATIO", "TableWarning", "table_warnings", "warn"]

#: A range of money whose high end is more than this many times its low end is warned of (the
#: loader's :data:`aicapex.checks.plausible.RANGE_RATIO`).
RANGE_RATIO = 1000

#: The most ``after-reported`` warnings of one table before one that counts the rest (the
#: loader's :data:`aicapex.checks.plausible.MAX_FX_WARNINGS`, per kind).
MAX_REPORTED = 20

#: The kinds of actual figures that cannot be dated after their report.
_REPORTED_KINDS = ("cash_balances", "revenues", "expenses")


class TableWarning(UserWarning):
    """A warning of a bulk table (see the module docs): ``problem`` is the located
    :class:`~aicapex.errors.Problem`, its text the warning's message."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def table_warnings(
    kind: str, raw: pd.DataFrame, frame: pd.DataFrame, chk: Located, fx: Ledger | None
) -> list[Problem]:
    """The warnings of a table of ``kind`` (its cells ``raw``, its ``frame`` as read), located
    by ``chk``; ``fx``: the ledger it was read with (the sources it cites). Each kind of
    warning has its own :data:`~aicapex.table.bulkcols.MAX_PROBLEMS`, then one saying how many
    more: many of one never hide the other."""
    ranges = Located(chk.shown, chk.kind, chk.ids, chk.csv)
    _ranges(kind, raw, frame, ranges)
    out = [*chk.problems, *ranges.problems]
    if kind in _REPORTED_KINDS:
        late = Located(chk.shown, chk.kind, chk.ids, chk.csv)
        _after_reported(kind, raw, frame, late, fx)
        out += late.problems
    return out


def warn(problems: list[Problem], stacklevel: int = 3) -> None:
    """Each of ``problems`` as a :class:`TableWarning` (by default at the caller's caller: the
    code calling ``read_table``)."""
    for problem in problems:
        warnings.warn(TableWarning(problem), stacklevel=stacklevel)


def _ranges(kind: str, raw: pd.DataFrame, frame: pd.DataFrame, chk: Located) -> None:
    """Ranges of money and rates whose ends are more than :data:`RANGE_RATIO` apart: found on
    the frame's ends in dollars (both at one rate: their ratio is the ends'), told by the cells
    of the rows near or past the ratio (or without dollars) read again, each distinct one once.
    Past :data:`~aicapex.table.bulkcols.MAX_PROBLEMS` of them, one more says how many more."""
    told_rows = 0
    for field in SPECS[kind].fields:
        name = field.name
        if field.type not in (MONEY, RATE) or name not in raw.columns:
            continue
        rate = field.type == RATE
        low, high = (
            np.asarray(frame[f"{name}_{end}_usd{'_per_month' if rate else ''}"], dtype="float64")
            for end in ("low", "high")
        )
        wide = ~(high <= low * (RANGE_RATIO * _NEAR))  # NaN (no rate to dollars): read again
        wide &= np.asarray(frame[f"{name}_kind"] == "range", dtype=bool)
        rows = np.flatnonzero(wide)
        if not len(rows):
            continue
        codes, parsed, _ = parse_unique(raw[name].iloc[rows], Rate.parse if rate else Money.parse)
        said = [_ratio(p.money if isinstance(p, Rate) else p) for p in parsed]
        found = np.array([*said, None], dtype=object)[codes]
        told = np.array([s is not None for s in said] + [False], dtype=bool)[codes]
        mask = np.zeros(len(raw), dtype=bool)
        mask[rows] = told
        texts = np.full(len(raw), None, dtype=object)
        texts[rows] = found
        chk.rows(mask, name, _RANGE_EXPECTED, texts, "implausible-figure")
        told_rows += int(mask.sum())
    if told_rows > MAX_PROBLEMS:
        chk.problems.append(
            Problem(
                _RANGE_EXPECTED,
                f"{told_rows - MAX_PROBLEMS:,} more ranges as wide in the table",
                file=chk.shown,
                kind=chk.kind,
                code="implausible-figure",
            )
        )


#: Ranges whose ends in dollars are less than this share of :data:`RANGE_RATIO` apart are
#: within it (floats are not off by so much); the others are read again.
_NEAR = 0.99


_RANGE_EXPECTED = (
    f"a range whose high end is at most {RANGE_RATIO:,} times its low end (each end of "
    "'$3 to $5M' or 'between $3 and $5 million' has its own scale: '$3M to $5M' or '$3-5M' "
    "for millions; this is a warning)"
)


def _ratio(money: Money | None) -> Said | None:
    """What the loader says of a range of money more than :data:`RANGE_RATIO` wide, or
    ``None``."""
    if money is None or money.span is None:
        return None
    low, high = money.span
    if low > 0 and high > low * RANGE_RATIO:
        return Said(f"{money}, a high end {Decimal(high) / Decimal(low):,.0f} times its low end")
    return None


def _after_reported(
    kind: str, raw: pd.DataFrame, frame: pd.DataFrame, chk: Located, fx: Ledger | None
) -> None:
    """Actual figures dated after their report (see the module docs)."""
    own = raw["reported"].notna().to_numpy(dtype=bool) if "reported" in raw else None
    if own is None and (fx is None or "sources" not in raw):
        return  # no row has a report: its own reported date, or its sources' (_cited)
    start = np.asarray(frame["date_start"], dtype="datetime64[ns]")
    ends, texts = _cited(raw, fx)  # the rows without a reported date: their sources'
    last = ends if own is None else np.where(own, calendar_days(raw, frame, "reported", 1), ends)
    late = ~np.isnat(start) & ~np.isnat(last) & (start > last)
    if "basis" in frame.columns:
        late &= np.asarray(frame["basis"] == "actual", dtype=bool)
    rows = np.flatnonzero(late)
    if not len(rows):
        return
    shown = rows[:MAX_REPORTED]
    expected = np.full(len(raw), None, dtype=object)
    found = np.full(len(raw), None, dtype=object)
    for i in shown.tolist():
        report = date_text(raw, "reported", i) if own is not None and own[i] else texts[i]
        expected[i] = (
            f"a date on or before its report {report} (an actual figure reported before it "
            "happened? a plan or a forecast is basis: planned or expected; this is a warning)"
        )
        found[i] = Said(date_text(raw, "date", i))
    mask = np.zeros(len(raw), dtype=bool)
    mask[shown] = True
    chk.rows(mask, "date", expected, found, "after-reported")
    rest = rows[MAX_REPORTED:]
    if not len(rest):
        return
    ids = [_id(raw, i) for i in rest[:5].tolist()]
    more = f" and {len(rest) - 5} more" if len(rest) > 5 else ""
    first = np.zeros(len(raw), dtype=bool)
    first[rest[0]] = True
    text = np.full(len(raw), None, dtype=object)
    text[rest[0]] = Said(f"{len(rest)} more dated after their reports ({', '.join(ids)}{more})")
    chk.rows(first, "date", f"{kind} dated on or before their reports", text, "after-reported")


def _cited(raw: pd.DataFrame, fx: Ledger | None) -> tuple[np.ndarray, np.ndarray]:
    """The last day of the latest publication date of the sources each row cites that ``fx``
    holds (NaT: none), a fiscal year as a calendar year as the loader reads it, and that
    date as the source writes it; each distinct ``sources`` cell read once."""
    n = len(raw)
    ends = np.full(n, np.datetime64("NaT", "ns"))
    texts = np.full(n, None, dtype=object)
    if fx is None or "sources" not in raw:
        return ends, texts
    held = ((s.id, getattr(s, "date", None)) for s in fx.records("sources"))
    dates = {i: d for i, d in held if d is not None}
    if not dates:
        return ends, texts
    codes, uniques = pd.factorize(raw["sources"].astype("object"), use_na_sentinel=True)
    days: list[np.datetime64] = []
    said: list[str | None] = []
    for cell in uniques:
        known = [dates[c] for c in (x.strip() for x in str(cell).split(",")) if c in dates]
        latest = max(known, key=lambda d: d.sort_key()[1]) if known else None
        days.append(np.datetime64(latest.sort_key()[1] if latest else "NaT", "ns"))
        said.append(str(latest) if latest is not None else None)
    ends = np.array([*days, np.datetime64("NaT", "ns")], dtype="datetime64[ns]")[codes]
    return ends, np.array([*said, None], dtype=object)[codes]


def _id(raw: pd.DataFrame, i: int) -> str:
    """The id of row ``i`` as text."""
    value: Any = raw["id"].iloc[i]
    return str(value)
