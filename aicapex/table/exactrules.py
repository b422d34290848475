"""Record rules of bulk tables read on the exact figures, at the rows that need them.

Some rules of a record hold on its figures as written, not on their floats: a round's
``pre_money + amount = post_money`` is checked within 1% or the rounding of the figures as
written (``$1B`` may be anything from $0.5B to $1.5B), ranges on their ends, bounds as the
open ranges they claim (:func:`aicapex.records.ownership.adds_up`). A table settles the rows a
float comparison can (exact figures adding up within half the tolerance) as a column
operation, and reads the others' cells as the records would hold them (:class:`Money`), once per
distinct set of figures, with the record's own check: the same rows refused, with the same
message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from aicapex.money import Money
from aicapex.table.bulkcols import MAX_PROBLEMS, Located, Said

__all__ = ["money_cell", "valuations"]

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


def valuations(out: dict[str, Any], raw: pd.DataFrame, chk: Located) -> None:
    """A round's ``pre_money + amount = post_money`` (problem at ``post_money``, code
    ``inconsistent``, the record's message), unless the round has ``secondary`` parts or a
    figure is missing, not positive or in another currency than the post-money's."""
    names = ("pre_money", "amount", "post_money")
    if not all(n in raw.columns for n in names):
        return
    pre, amount, post = (np.asarray(out[n], dtype="float64") for n in names)
    secondary = pd.array(out["secondary"], dtype="boolean").to_numpy(bool, na_value=False)
    checked = (pre > 0) & (amount > 0) & (post > 0) & ~secondary
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
