"""The rules between a record and its nested items, held across two bulk tables.

A round's tranches and investors' amounts, a bill's payments and an order's payments are tables
of their own (:data:`aicapex.table.tablespec.NESTED_TABLES`), each row naming its record in a
column (:data:`PARENTS`). Read with the table of their records
(``read_table(path, kind, parents=...)``), the items are matched to their record by that column
and the records' own checks across a record and its items hold as ``ac.load`` holds them on
records (``FundingRound.checks``, ``CloudBill.checks``, ``GpuOrder.checks``): amounts in one
currency, totalling at most the record's amount (a bill's outstanding amount its billed amount
minus its payments). Sums are exact: each distinct figure read once as the record holds it
(:func:`~aicapex.table.exactrules.money_cell`), as integers of one decimal scale, added per record
with one ``reduceat`` over the items sorted by record (no loop over rows). A problem is located
as the loader locates it: at the record (the parents' table, its row and id), the field naming
its items (``tranches``, ``investors``, ``payments``) or ``outstanding``, with the loader's
message; an item naming no record of the parents' table is a problem at its own row.
"""

from __future__ import annotations

from decimal import MAX_PREC, Context, Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from aicapex.money import Money
from aicapex.table.bulkcols import MAX_PROBLEMS, Located, Said
from aicapex.table.exactrules import money_cell

__all__ = ["PARENTS", "PARENTS_EXPECTED", "Parent", "parent_rules"]


class Parent(NamedTuple):
    """The records a table of items belongs to: their ``kind``, the items' ``column`` naming
    one, the record's ``field`` holding the items, and the record's money ``amount`` they add
    up to."""

    kind: str
    column: str
    field: str
    amount: str


PARENTS: dict[str, Parent] = {
    "tranches": Parent("funding_rounds", "round", "tranches", "amount"),
    "investments": Parent("funding_rounds", "round", "investors", "amount"),
    "payments": Parent("cloud_bills", "bill", "payments", "billed"),
    "order_payments": Parent("gpu_orders", "order", "payments", "total"),
}
"""Tables of items checked against their records' table (``read_table(..., parents=)``)."""

PARENTS_EXPECTED = "parents only for a table of " + ", ".join(
    f"{k} (of {p.kind})" for k, p in PARENTS.items()
)

Frames = tuple[pd.DataFrame, pd.DataFrame]  # a table as read and the frame made of it


def parent_rules(kind: str, items: Frames, parents: Frames, chk: Located, own: Located) -> None:
    """The rules between each record of ``parents`` and its items (a table of ``kind``): their
    problems at the records' rows (``chk``); items naming no record at their rows (``own``)."""
    spec = PARENTS[kind]
    raw, frame = items
    praw, pframe = parents
    names = raw[spec.column].astype("object").to_numpy()
    pos = pd.Index(pframe["id"].astype("object")).get_indexer(names)
    unknown = pos < 0
    if unknown.any():
        named = f"the id of one of the {spec.kind} of {chk.shown}"
        own.rows(unknown, spec.column, named, raw[spec.column], "unknown-reference")
    has = ~unknown & ~np.isnan(np.asarray(frame["amount"], dtype="float64"))
    total = np.asarray(pframe[spec.amount], dtype="float64")
    checked = np.nan_to_num(total) > 0  # a sum is not checked against an amount refused
    has[has] = checked[pos[has]]
    if not has.any():
        return
    rows = np.flatnonzero(has)
    rows = rows[np.argsort(pos[rows], kind="stable")]  # the items, by record
    by = pos[rows]
    starts = np.flatnonzero(np.r_[True, by[1:] != by[:-1]])
    parent = by[starts]  # the records with items, one per group
    counts = np.diff(np.r_[starts, len(rows)])
    labels = np.concatenate(
        [_labels(frame["amount_currency"])[rows], _labels(pframe[f"{spec.amount}_currency"])]
    )
    codes = pd.factorize(labels)[0]
    mine, theirs = codes[: len(rows)], codes[len(rows) :]
    several = np.minimum.reduceat(mine, starts) != np.maximum.reduceat(mine, starts)
    other = np.logical_or.reduceat(mine != theirs[by], starts)  # any, the record's currency
    prows = np.flatnonzero(checked)
    mine_exact = _amounts(raw, frame, "amount", rows)
    theirs_exact = _amounts(praw, pframe, spec.amount, prows)
    scale = max(_decimals(d) for d in pd.unique(np.r_[mine_exact, theirs_exact]))
    item_ints = _ints(mine_exact, scale)
    parent_ints = np.full(len(total), None, dtype=object)
    parent_ints[prows] = _ints(theirs_exact, scale)
    sums = np.add.reduceat(item_ints, starts)
    over = np.array(sums > parent_ints[parent], dtype=bool)
    field = np.full(len(parent), spec.field, dtype=object)
    if spec.kind == "cloud_bills":  # CloudBill.checks: any other currency; the sum; outstanding
        bad, over = other, ~other & over
        owed = ~bad & ~over & pframe["outstanding"].notna().to_numpy()[parent]
        owing = _owing(praw, parent, owed, sums, parent_ints, scale)
        field[owing] = "outstanding"
        bad = bad | over | owing
    elif spec.kind == "funding_rounds":  # FundingRound.checks: several currencies; the sum
        over &= ~several & ~other
        bad = several | over
    else:  # GpuOrder.checks: one currency, the order's, and a total exact or approximate
        kinds = _labels(pframe[f"{spec.amount}_kind"])[parent]
        bad = over & ~several & ~other & ((kinds == "exact") | (kinds == "approx"))
    if not bad.any():
        return
    mask = np.zeros(len(pframe), dtype=bool)
    expected = np.full(len(pframe), None, dtype=object)
    found = np.full(len(pframe), None, dtype=object)
    where = np.full(len(pframe), None, dtype=object)
    for g in np.flatnonzero(bad)[:MAX_PROBLEMS].tolist():
        i = int(parent[g])
        whole = money_cell(praw, spec.amount, i)
        one = money_cell(raw, "amount", int(rows[starts[g]])) if counts[g] == 1 else None
        paid = Money(_unscaled(sums[g], scale), whole.currency)
        said = _said(spec.kind, whole, paid, one, bool(several[g]), bool(over[g]))
        if field[g] == "outstanding":
            left = Money(_unscaled(parent_ints[i] - sums[g], scale), whole.currency)
            said = (f"billed minus payments = {left}", str(money_cell(praw, "outstanding", i)))
        mask[i] = True  # the first records refused: a table refused reports at most 200
        expected[i], found[i], where[i] = said[0], Said(said[1]), field[g]
    for name in dict.fromkeys(field[bad].tolist()):
        chk.rows(mask & (where == name), name, expected, found, "inconsistent")


def _said(
    kind: str, whole: Money, paid: Money, one: Money | None, several: bool, over: bool
) -> tuple[str, str]:
    """What the record's check says of a record and its items' total (``one``: the only item,
    which ``same_currency_total`` gives as it is, qualifier and all)."""
    total = one if one is not None else paid
    if kind == "funding_rounds":
        if several:
            return f"amounts in one currency like the round's {whole}", "several"
        return f"a total at most the round's {whole}", f"a total of {total}"
    if kind == "cloud_bills":
        if not over:
            return f"payments in the bill's currency {whole.currency}", "another"
        return f"payments totalling at most the bill's {whole}", str(paid)
    return f"payments totalling at most the order's {whole}", str(total)


def _owing(
    praw: pd.DataFrame,
    parent: np.ndarray,
    owed: np.ndarray,
    sums: np.ndarray,
    billed: np.ndarray,
    scale: int,
) -> np.ndarray:
    """The bills (of ``owed``) whose outstanding amount is not billed minus payments."""
    bad = np.zeros(len(parent), dtype=bool)
    for g in np.flatnonzero(owed).tolist():  # bills with payments and an outstanding amount
        i = int(parent[g])
        left = Money(_unscaled(billed[i] - sums[g], scale), money_cell(praw, "billed", i).currency)
        bad[g] = money_cell(praw, "outstanding", i) != left
    return bad


def _labels(values: pd.Series | pd.Categorical) -> np.ndarray:
    """A categorical column's labels, missing as None."""
    return np.asarray(pd.Categorical(values).astype("object"), dtype=object)


def _amounts(raw: pd.DataFrame, frame: pd.DataFrame, name: str, rows: np.ndarray) -> np.ndarray:
    """The exact base figure (Decimal) of the money ``name`` at ``rows``, as records hold it.
    A float read from a single figure of at most 15 digits (text) or from a number (the record
    reads a number as its shortest decimal form) is that figure's shortest decimal form, each
    distinct float converted once; other cells (ranges, long figures, exact decimals) are read
    as records read them, each distinct cell once."""
    col = raw[name].iloc[rows]
    floats = np.asarray(frame[name], dtype="float64")[rows]
    texts = col.dtype == object and bool(col.map(lambda v: isinstance(v, str)).all())
    if texts or isinstance(col.dtype, pd.StringDtype):
        digits = col.astype("string").str.count(r"\d").to_numpy(dtype="int64", na_value=99)
        fast = (_labels(frame[f"{name}_kind"])[rows] != "range") & (digits <= _DIGITS)
    else:
        fast = np.full(len(rows), pd.api.types.is_numeric_dtype(col.dtype))
    out = np.full(len(rows), None, dtype=object)
    if fast.any():
        distinct, codes = np.unique(floats[fast], return_inverse=True)
        out[fast] = np.array([Decimal(repr(float(x))) for x in distinct.tolist()], dtype=object)[
            codes.ravel()
        ]
    slow = np.flatnonzero(~fast)
    if len(slow):
        keys = col.iloc[slow].astype("object").map(repr).to_numpy(dtype=object)
        if f"{name}_currency" in raw.columns:
            currency = raw[f"{name}_currency"].iloc[rows[slow]].astype("object").map(repr)
            keys = keys + "\x1f" + currency.to_numpy(dtype=object)
        codes = pd.factorize(keys)[0]
        _, first = np.unique(codes, return_index=True)
        read = [money_cell(raw, name, int(rows[slow[j]])).amount for j in first.tolist()]
        out[slow] = np.array(read, dtype=object)[codes]
    return out


#: The most digits a written figure has for its float's shortest form to be the figure itself.
_DIGITS = 15


def _ints(values: np.ndarray, scale: int) -> np.ndarray:
    """Decimals (an object array) times 10**scale as integers, each distinct value once."""
    codes, distinct = pd.factorize(values)
    ints: np.ndarray = np.array([_scaled(d, scale) for d in distinct], dtype=object)
    return ints[codes]


def _decimals(value: Decimal) -> int:
    """The decimal places of ``value`` (0 for a whole number)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _scaled(value: Decimal, scale: int) -> int:
    """``value`` times 10**scale, exactly (``scale`` at least its decimal places)."""
    return int(_EXACT.scaleb(value, scale))


#: A context rounding nothing: a power of ten's product is exact.
_EXACT = Context(prec=MAX_PREC)


def _unscaled(value: int, scale: int) -> Decimal:
    """``value`` divided by 10**scale, exactly."""
    return Decimal(f"{value}e-{scale}")
