"""What a GPU order's deliveries tell of it: an order that ended (``cancelled`` or ``failed``)
keeps what happened before it ended, and an order counts at least the units it delivers.

An order cancelled after some of its units arrived leaves those units with its buyer and the
money paid for them spent. So, in the GPU movements table (:mod:`aicapex.table.gpus`), the
units actually delivered of an ended order are a firm order of their own: an ``ordered`` row
of that many units and their ``delivered`` rows, of status ``delivered`` (counted by default,
as delivered orders are); the rest of the order (its other units ordered, its schedule) keeps
the order's status. In the flows (:mod:`aicapex.table.orderrows`), an ended order makes no
commitment and no scheduled payments, but its payments are paid, or, without payments, its
actual deliveries are paid on their dates at the order's value per unit.

An order reported as a range or approximately ('10,000 to 12,000', 'about 12,000') counts its
base figure (:mod:`aicapex.table.gpus`), but never fewer units than its deliveries, actual or
scheduled, show (:func:`at_least_delivered`): 11,500 delivered of '10,000 to 12,000' is an
order of 11,500, not 11,000 with 11,500 on hand.

>>> ENDED
('cancelled', 'failed')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicapex.table.columns import as_category, is_in

__all__ = [
    "ENDED",
    "at_least_delivered",
    "counted_status",
    "ended_orders",
    "keep_what_happened",
]

#: Order statuses of orders that ended before all their units came.
ENDED = ("cancelled", "failed")


def ended_orders(status: np.ndarray) -> np.ndarray:
    """Which of the orders of ``status`` (their statuses, as objects) ended."""
    out: np.ndarray = np.isin(status, ENDED)
    return out


def keep_what_happened(moves: pd.DataFrame) -> pd.DataFrame:
    """``moves`` (a GPU movements table) with the delivered units of ended orders firm: their
    ``delivered`` rows of status ``delivered``, and each such order's ``ordered`` row split in
    two, right after each other: the units delivered (status ``delivered``) and the rest, if
    any (the order's status)."""
    status = moves["status"].to_numpy(object)
    ended = ended_orders(status)
    if not ended.any():
        return moves
    event = moves["event"].to_numpy(object)
    got = ended & (event == "delivered")
    if not got.any():
        return moves
    order = moves["order"].to_numpy(object)
    units = moves["units"].to_numpy("int64")
    delivered = pd.Series(units[got]).groupby(order[got]).sum()
    split = ended & (event == "ordered") & np.isin(order, delivered.index)
    of_split = delivered.reindex(order[split]).to_numpy("int64")
    rest = np.maximum(units[split] - of_split, 0)
    # the firm row first (a reallocation of the order reads its status from the first), the
    # rest after it when any is left
    copies = np.ones(len(moves), dtype=np.int64)
    copies[split] = 1 + (rest > 0)
    rows = np.repeat(np.arange(len(moves)), copies)
    out = moves.take(rows).reset_index(drop=True)
    first = np.concatenate([[True], rows[1:] != rows[:-1]])
    new_status = status[rows]
    new_units = units[rows]
    is_split = split[rows]
    firm = is_split & first
    new_units[firm] = of_split
    second = is_split & ~first
    new_units[second] = rest[rest > 0]
    new_status[firm | got[rows]] = "delivered"
    out["units"] = new_units
    out["status"] = as_category(new_status, len(out))
    return out


def counted_status(orders: pd.DataFrame, deliveries: pd.DataFrame | None) -> np.ndarray:
    """Each order's status as the GPU analyses count it and the reallocations of it: its own,
    but ``delivered`` for an ended order with actual deliveries (``deliveries``: the frame of
    that name, a row per scheduled or actual delivery)."""
    status: np.ndarray = orders["status"].to_numpy(object)
    ended = ended_orders(status)
    if deliveries is None or deliveries.empty or not ended.any():
        return status
    actual = is_in(deliveries["status"], ("delivered",)) & (
        deliveries["quantity"].to_numpy("float64", na_value=0.0) > 0
    )
    came = np.isin(orders["id"].to_numpy(object), deliveries["order"].to_numpy()[actual])
    out: np.ndarray = np.where(ended & came, "delivered", status)
    return out


def at_least_delivered(moves: pd.DataFrame) -> pd.DataFrame:
    """``moves`` (a GPU movements table) with each order's ``ordered`` row at least the units
    its deliveries show: the larger of its actual and its scheduled deliveries' totals (a load
    refuses more than an exact quantity, or than a range's high end)."""
    event = moves["event"].to_numpy(object)
    ordered = event == "ordered"
    if not ordered.any():
        return moves
    units = moves["units"].to_numpy("int64")
    # each order's units per event summed on its codes (-1: no order, never summed), not a
    # groupby and reindex per event (~0.5 ms)
    code, uniques = pd.factorize(moves["order"].to_numpy(object))
    most = np.zeros(len(moves), dtype=np.int64)
    for name in ("delivered", "scheduled"):
        mine = (event == name) & (code >= 0)
        if mine.any():
            total = np.zeros(len(uniques) + 1, dtype=np.int64)  # the last: no order's, 0
            np.add.at(total, code[mine], units[mine])
            most[ordered] = np.maximum(most[ordered], total[code[ordered]])
    raised = ordered & (most > units)
    if not raised.any():
        return moves
    out = moves.copy()
    out["units"] = np.where(raised, most, units)
    return out
