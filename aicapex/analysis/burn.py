"""Burn: what a company spends and earns each month, in US dollars.

Burn counts expenses and revenues (the ``expenses`` and ``revenues`` rows of the flows table,
actual and forecast alike; ``planned`` ones only if asked). Cloud bills and payments are the
settlement of compute expenses, so they show in :func:`aicapex.analysis.arrears`, not again here.

Capital spending is shown apart from operating burn: the cash paid for GPU orders (category
``capex`` of the flows table: ``paid`` on the orders' payments or delivery dates, and
``scheduled`` for units still to arrive; see :mod:`aicapex.table.orderrows`) is the ``capex``
column, never part of ``gross_burn`` or ``net_burn``; ``cash_burn`` is net burn plus capex.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.analysis.common import (
    DateLike,
    as_known_on,
    as_widened,
    check_entity,
    filled,
    in_calendar,
    month_of,
    require_usd,
    same_figures,
    trailing,
    widths_param,
)
from aicapex.analysis.result import Result
from aicapex.analysis.runwayrows import select_rows
from aicapex.figures import Widths
from aicapex.table.columns import positions, records_in
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import as_flows, concat_flows
from aicapex.table.pages import small_pages

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["BURN_CATEGORIES", "CAPEX_STATUSES", "Burn", "burn", "capex_flows"]

#: Spending categories, each a column of :func:`burn`.
BURN_CATEGORIES = ("compute", "payroll", "opex", "tax", "other")

#: The statuses of GPU-order rows that are cash out (the commitment is not).
CAPEX_STATUSES = ("paid", "scheduled")


def capex_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """The rows of a flows table that are capital spending paid (or to be paid): GPU orders'
    ``paid`` and ``scheduled`` rows of category ``capex``."""
    keep = (flows["kind"] == "gpu_orders").to_numpy() & (flows["category"] == "capex").to_numpy()
    keep &= flows["status"].isin(CAPEX_STATUSES).to_numpy()
    return flows[keep]


#: The kinds of flows burn sums, by position (spending, revenue, capex).
_KINDS = pd.Index(["expenses", "revenues", "gpu_orders"])


class Burn(Result):
    """The result of :func:`burn`: ``.frame`` has a row per entity and month."""

    NAME = "burn"
    ALL_MONEY = True


#: The columns of the flows :func:`burn` reads (``require_usd`` names currency and record).
_READS = (
    "entity", "month", "kind", "category", "record", "currency", "amount_usd", "low_usd",
    "high_usd",
)  # fmt: skip


def _burn_rows(flows: pd.DataFrame, include_planned: bool) -> pd.DataFrame:
    """The rows :func:`burn` sums, :data:`_READS` only: those of
    :func:`~aicapex.analysis.common.burn_flows`, then those of :func:`capex_flows` (when there
    are some), each kind looked up once per category and the columns taken at the rows (not
    two frames of every column: 2.3 ms of the bundled flows, now 0.5)."""
    kind = positions(flows["kind"], _KINDS, narrow=True)
    spend = (kind >= 0) & (kind <= 1)
    if not include_planned:
        spend &= (flows["basis"] != "planned").to_numpy()
    capex = (kind == 2) & (flows["category"] == "capex").to_numpy()
    read = tuple(c for c in _READS if c in flows)
    rows = select_rows(flows, spend, read)
    if capex.any():
        capex &= flows["status"].isin(CAPEX_STATUSES).to_numpy()
        if capex.any():
            rows = concat_flows([rows, select_rows(flows, capex, read)])
    return rows


@small_pages()
def burn(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    *,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    widths: Widths | None = None,
    include_planned: bool = False,
) -> Burn:
    """Monthly burn per entity, in US dollars per month.

    ``source`` is a Ledger, record frames or a flows table; ``entity`` one company id (``None``:
    every entity with expenses or revenues); ``start``/``end`` months or partial dates
    (``"2023-01"``, ``"2023"``; default: the months with flows); an end before the start is a
    ``ValueError``, and so is an amount without US dollars (no exchange rate at its date) in
    the months asked (other months are not read).

    Returns a :class:`Burn` whose ``.frame`` has one row per entity and month (every month in
    range, zeros included) with columns
    ``entity``, ``month``, one column per spending category (:data:`BURN_CATEGORIES`),
    ``gross_burn`` (their sum), ``revenue``, ``net_burn`` (gross burn minus revenue; positive
    when losing money), and ``net_burn_3m``, ``net_burn_6m``, ``net_burn_12m`` (trailing means,
    over the months available at the start of the range), and the ends of the ranges reported:
    ``gross_burn_low``/``_high``, ``revenue_low``/``_high``, ``net_burn_low`` (the least
    spending and the most revenue) and ``net_burn_high`` (the reverse); exact figures give equal
    ends; then capital spending apart: ``capex`` (GPU orders paid or scheduled that month, see
    :func:`capex_flows`), ``capex_low``/``_high`` and ``cash_burn`` (net burn plus capex).
    ``.records`` lists the ids of the records counted.

    >>> import aicapex as ac
    >>> b = ac.burn(ac.load(ac.bundled_data()), "stability-ai", "2023-01", "2023-12")
    >>> round(float(b.frame["net_burn"].mean()) / 1e6, 2)
    11.83
    """
    source = as_known_on(as_widened(source, widths), known_on)
    # fiscal years ('FY2024') of one entity: the months of its own fiscal years
    first, last = in_calendar(start, source, entity), in_calendar(end, source, entity, end=True)
    lo = month_of(first) if first is not None else None
    hi = month_of(last, end=True) if last is not None else None
    if lo is not None and hi is not None and hi < lo:
        raise ValueError(f"expected an end on or after the start ({start!r}), got end={end!r}")
    flows = as_flows(source, conflicts)
    check_entity(source, entity, flows)
    rows = _burn_rows(flows, include_planned)
    if entity is not None:
        rows = rows[(rows["entity"] == entity).to_numpy()]
    entities = pd.Index(
        [entity] if entity is not None else sorted(np.asarray(rows["entity"].unique(), object)),
        dtype="object",
    )
    if start is None and end is None and rows.empty:
        months = pd.DatetimeIndex([], dtype="datetime64[ns]")
    else:
        lo = lo if lo is not None else rows["month"].min()
        hi = hi if hi is not None else rows["month"].max()
        if pd.isna(lo) or pd.isna(hi):
            lo = hi = lo if not pd.isna(lo) else hi
        months = pd.date_range(lo, hi, freq="MS") if not pd.isna(lo) else pd.DatetimeIndex([])
    m = months.get_indexer(rows["month"])  # type: ignore[arg-type]
    # only the months asked need dollars (a rate missing in other months refuses nothing)
    require_usd(rows if (m >= 0).all() else rows[m >= 0], "burn")
    base = rows["amount_usd"]
    columns = {
        "signed": base.to_numpy("float64"),
        "low_usd": filled(rows["low_usd"], base),
        "high_usd": filled(rows["high_usd"], base),
    }
    # each row's cell of the entities x months grid, found once
    size = len(entities) * len(months)
    e = positions(rows["entity"], entities)
    ok = (e >= 0) & (m >= 0)
    cell = e * len(months) + m
    kind = positions(rows["kind"], _KINDS, narrow=True)  # expenses, revenues, GPU orders
    category = positions(rows["category"], pd.Index(BURN_CATEGORIES), narrow=True)

    def sums(group: np.ndarray, groups: int, column: str) -> np.ndarray:
        """Sum ``column`` of the rows into the grid of each of their ``group`` (-1: none), in
        one pass: each cell of each group adds its rows in row order, as a sum of that
        group's rows alone does (bincount)."""
        keep = ok & (group >= 0)
        total = np.bincount(
            group[keep] * size + cell[keep],
            weights=columns[column][keep],
            minlength=groups * size,
        )
        # bincount of no rows gives integer zeros: dollars are floats whatever the rows
        return total.astype(np.float64, copy=False).reshape(groups, len(entities), len(months))

    # spending by category (0-4), revenue (5), capex (6); the ends by kind only
    n_cat = len(BURN_CATEGORIES)
    by_category = np.where(kind == 0, category, np.where(kind > 0, n_cat - 1 + kind, -1))
    base_sums = sums(by_category.astype(np.int64), n_cat + 2, "signed")
    data: dict[str, np.ndarray] = {cat: base_sums[i] for i, cat in enumerate(BURN_CATEGORIES)}
    gross = sum(data.values(), np.zeros((len(entities), len(months))))
    revenue = base_sums[n_cat]
    net = gross - revenue
    by_kind = kind.astype(np.int64)
    low = sums(by_kind, 3, "low_usd")
    # exact figures only (ends of one figure): the high sums are the low ones (~12 ms at 1M rows)
    same = same_figures(columns["low_usd"], columns["high_usd"])
    high = low if same else sums(by_kind, 3, "high_usd")
    ends = {
        "gross_low": low[0],
        "gross_high": high[0],
        "revenue_low": low[1],
        "revenue_high": high[1],
        "capex": base_sums[n_cat + 1],
        "capex_low": low[2],
        "capex_high": high[2],
    }
    out = pd.DataFrame(
        {
            "entity": pd.Categorical(np.repeat(entities.to_numpy(), len(months))),
            "month": np.tile(months.to_numpy(), len(entities)).astype("datetime64[ns]"),
            **{c: v.ravel() for c, v in data.items()},
            "gross_burn": gross.ravel(),
            "revenue": revenue.ravel(),
            "net_burn": net.ravel(),
            "net_burn_3m": trailing(net, 3).ravel(),
            "net_burn_6m": trailing(net, 6).ravel(),
            "net_burn_12m": trailing(net, 12).ravel(),
            "gross_burn_low": ends["gross_low"].ravel(),
            "gross_burn_high": ends["gross_high"].ravel(),
            "revenue_low": ends["revenue_low"].ravel(),
            "revenue_high": ends["revenue_high"].ravel(),
            "net_burn_low": (ends["gross_low"] - ends["revenue_high"]).ravel(),
            "net_burn_high": (ends["gross_high"] - ends["revenue_low"]).ravel(),
            "capex": ends["capex"].ravel(),
            "capex_low": ends["capex_low"].ravel(),
            "capex_high": ends["capex_high"].ravel(),
            "cash_burn": (net + ends["capex"]).ravel(),
        }
    )
    in_range = m >= 0  # (rows["month"].isin(months))
    return Burn(
        frame=out,
        used_records=functools.partial(records_in, rows, in_range),
        assumptions=(
            "expenses and revenues of every basis"
            + (", 'planned' included" if include_planned else " but 'planned'"),
            "recurring rates and amounts over a span are split evenly over their months",
            "capex apart from operating burn: GPU orders paid on their payment dates, else on "
            "their delivery dates in proportion to the units (scheduled units on their dates)",
        ),
        params={
            "entity": entity,
            "start": start,
            "end": end,
            "conflicts": conflicts,
            "known_on": known_on,
            "widths": widths_param(widths),
        },
    )
