"""Record rules of bulk tables read on the exact figures, at the rows that need them.

Some rules of a record hold on its figures as written, not on their floats: a round's
``pre_money + amount = post_money`` is checked within 1% or the rounding of the figures as
written (``$1B`` may be anything from $0.5B to $1.5B), ranges on their ends, bounds as the
open ranges they claim (:func:`aicapex.records.ownership.adds_up`). A table settles the rows a
float comparison can (exact figures adding up within half the tolerance) as a column
operation, and reads the others' cells as the records would hold them (:class:`Money`), once per
distinct set of figures, with the record's own check: the same rows refused, with the same
message.

The rows a rule refuses show their figures as the records' checks show them (``-$5M``,
``2024-06``, ``0 H100``, ``140%``: :func:`written`), their cells read again as the records would
hold them, for the rows reported only; a rate adding up past the limit gets the record's own
message (:func:`rate_totals`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from aicapex.capacity import Capacity
from aicapex.dates import PartialDate
from aicapex.limits import MAX_AMOUNT
from aicapex.money import Money, Rate
from aicapex.shares import Share
from aicapex.table.bulkcols import BIG, MAX_PROBLEMS, Located, Said
from aicapex.table.datecols import date_value
from aicapex.units import PER_MONTH

__all__ = [
    "capacity_cell",
    "date_cell",
    "money_cell",
    "rate_cell",
    "rate_totals",
    "share_cell",
    "valuations",
    "written",
]

#: Exact figures whose parts and total differ by at most this share of the total add up:
#: half the 1% a record's check allows at least (floats cannot be off by so much).
_SURE = 0.005


def money_cell(raw: pd.DataFrame, name: str, i: int) -> Money:
    """The money of row ``i`` of the money column ``name`` as a record holds it: text as
    written (``$7M``, ``about $4M``), a number with its ``<name>_currency`` column (a float as
    its shortest decimal form, an exact decimal as it is)."""
    value = raw[name].iloc[i]
    if isinstance(value, str):
        return Money.parse(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | np.integer):
        number = Decimal(int(value))
    else:
        number = Decimal(repr(float(value)))
    return Money(number, str(raw[f"{name}_currency"].iloc[i]))


def rate_cell(raw: pd.DataFrame, name: str, i: int) -> Rate:
    """The rate of row ``i`` of the rate column ``name`` as a record holds it: text as written
    (``$99M/yr``), a number with its ``_currency`` and ``_per`` columns."""
    value = raw[name].iloc[i]
    if isinstance(value, str):
        return Rate.parse(value)
    return Rate(money_cell(raw, name, i), str(raw[f"{name}_per"].iloc[i]))


def date_cell(raw: pd.DataFrame, name: str, i: int) -> PartialDate:
    """The date of row ``i`` of the date column ``name`` (text as written, or a date)."""
    return PartialDate.parse(date_value(raw[name].iloc[i]))


def capacity_cell(raw: pd.DataFrame, name: str, i: int) -> Capacity:
    """The capacity of row ``i`` of ``name``: text as written, or a number with its ``_unit``
    (and ``_sku``) column."""
    value = raw[name].iloc[i]
    if isinstance(value, str):
        return Capacity.parse(value)
    number = int(value) if float(value).is_integer() else value
    sku = raw[f"{name}_sku"].iloc[i] if f"{name}_sku" in raw.columns else None
    unit = str(raw[f"{name}_unit"].iloc[i])
    return Capacity(Decimal(str(number)), unit, None if pd.isna(sku) else str(sku))


def share_cell(raw: pd.DataFrame, name: str, i: int) -> Share:
    """The share of row ``i`` of ``name`` (text as written)."""
    return Share.parse(raw[name].iloc[i])


def written(
    raw: pd.DataFrame,
    name: str,
    mask: np.ndarray,
    read: Callable[[pd.DataFrame, str, int], Any],
) -> np.ndarray:
    """The value of ``name`` at each reported row of ``mask`` as the records' checks show it
    (``str`` of what ``read`` gives: ``-$5M``, ``2024-06``), the cell as found if it cannot be
    read so; ``None`` at the other rows (no text made for them)."""
    col = raw[name]
    out = np.full(len(mask), None, dtype=object)
    for i in np.flatnonzero(mask)[:MAX_PROBLEMS].tolist():
        try:
            out[i] = Said(str(read(raw, name, i)))
        except (ValueError, TypeError, ArithmeticError, KeyError):
            out[i] = col.iloc[i]
    return out


def rate_totals(
    raw: pd.DataFrame,
    out: dict[str, Any],
    first: np.ndarray,
    last: np.ndarray,
    chk: Located,
    field: str = "rate",
) -> None:
    """Report rates adding up to more than :data:`~aicapex.limits.MAX_AMOUNT` over the months
    from ``first`` to ``last`` (datetime64; the flows spread them over those months in exact
    cents, which a larger total would overflow), found on floats and told by the record's own
    check (:func:`aicapex.records.base.rate_total`) at the rows reported."""
    rate = np.asarray(out[field], dtype="float64")
    has = np.flatnonzero(~np.isnan(rate))  # rows without a rate add up to nothing (NaN)
    if not len(has):
        return
    per: pd.Categorical = out[f"{field}_per"]
    factor = np.array([*(float(PER_MONTH.get(p, np.nan)) for p in per.categories), np.nan])
    first, last = first[has], last[has]
    months = (last.astype("datetime64[M]") - first.astype("datetime64[M]")).astype(np.int64) + 1
    total = np.abs(rate[has]) * factor[np.asarray(per.codes)[has]] * np.maximum(months, 1)
    over = (np.nan_to_num(total) > MAX_AMOUNT) & ~np.isnat(first) & ~np.isnat(last)
    if not over.any():
        return
    from aicapex.records.base import rate_total  # the record's check, for these rows only

    huge = np.zeros(len(rate), dtype=bool)
    expected = np.full(len(rate), None, dtype=object)
    found = np.full(len(rate), None, dtype=object)
    for j in np.flatnonzero(over)[:MAX_PROBLEMS].tolist():
        i = int(has[j])
        days = (_day(first[j]), _day(last[j]))
        try:
            check = next(rate_total(field, rate_cell(raw, field, i), *days), None)
        except (ValueError, TypeError, ArithmeticError, KeyError):
            check = None
        if check is not None:
            huge[i] = True
            expected[i], found[i] = check.expected, Said(check.found)
    huge[has[np.flatnonzero(over)[MAX_PROBLEMS:]]] = True  # beyond those reported
    chk.rows(huge, field, expected, found, BIG)


def _day(value: np.datetime64) -> dt.date:
    """A datetime64 as a date."""
    day: dt.date = value.astype("datetime64[D]").item()
    return day


def valuations(out: dict[str, Any], raw: pd.DataFrame, chk: Located) -> None:
    """A round's post-money of at least its amount, and ``pre_money + amount = post_money``
    (problems at ``post_money``, code ``inconsistent``, the record's messages), unless the
    round has ``secondary`` parts or a figure is missing, not positive or in another currency
    than the post-money's."""
    names = ("pre_money", "amount", "post_money")
    if not all(n in raw.columns for n in names[1:]):
        return
    pre, amount, post = (np.asarray(out[n], dtype="float64") for n in names)
    secondary = pd.array(out["secondary"], dtype="boolean").to_numpy(bool, na_value=False)
    # a post-money below the amount (the record's first check: it stops there)
    below = (amount > 0) & (post > 0) & (post < amount) & ~secondary
    below &= _same(out, ("amount", "post_money"))
    if below.any():
        expected = np.full(len(pre), None, dtype=object)
        found = np.full(len(pre), None, dtype=object)
        from aicapex.records.funding import post_money_below  # the record's words

        for i in np.flatnonzero(below)[:MAX_PROBLEMS].tolist():
            words = post_money_below(money_cell(raw, "amount", i), money_cell(raw, "post_money", i))
            expected[i], found[i] = words[0], Said(words[1])
        chk.rows(below, "post_money", expected, found, "inconsistent")
    if "pre_money" not in raw.columns:
        return
    checked = (pre > 0) & (amount > 0) & (post > 0) & ~secondary & ~below
    if not checked.any():
        return
    exact = np.ones(len(pre), dtype=bool)
    for n in names:
        exact &= np.asarray(pd.Categorical(out[f"{n}_kind"]) == "exact", dtype=bool)
    sure = exact & (np.abs(pre + amount - post) <= _SURE * post)
    rows = np.flatnonzero(checked & ~sure & _same(out, names))
    if not len(rows):
        return
    from aicapex.records.ownership import adds_up  # the record's check, for these rows only

    bad = np.zeros(len(pre), dtype=bool)
    expected = np.full(len(pre), None, dtype=object)
    found = np.full(len(pre), None, dtype=object)
    seen: dict[tuple[Any, ...], tuple[str, str] | None] = {}
    reported = 0
    for i in rows.tolist():
        key = tuple(_key(raw, n, i) for n in names)
        if key not in seen:
            parts = [money_cell(raw, n, i) for n in names]
            check = next(adds_up("post_money", parts[:2], parts[2], _LABEL), None)
            seen[key] = (check.expected, check.found) if check is not None else None
        said = seen[key]
        if said is not None:
            bad[i] = True
            reported += 1
            if reported <= MAX_PROBLEMS:
                expected[i], found[i] = said[0], Said(said[1])
    chk.rows(bad, "post_money", expected, found, "inconsistent")


_LABEL = "pre_money + amount = post_money"


def _same(out: dict[str, Any], names: tuple[str, ...]) -> np.ndarray:
    """The rows whose figures of ``names`` are all in one currency (compared by label)."""
    labels = [np.asarray(pd.Categorical(out[f"{n}_currency"]).astype(object)) for n in names]
    same = np.ones(len(labels[0]), dtype=bool)
    for other in labels[:-1]:
        same &= other == labels[-1]
    return same


def _key(raw: pd.DataFrame, name: str, i: int) -> tuple[Any, ...]:
    """What row ``i`` of a money column says: its cell (and currency, for numbers)."""
    value = raw[name].iloc[i]
    currency = raw[f"{name}_currency"].iloc[i] if f"{name}_currency" in raw.columns else None
    return (repr(value), repr(currency))
