"""The revenue-vs-compute gap: how much of its compute spending a company's revenue covers."""

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
    burn_flows,
    check_entity,
    fiscal_year_number,
    in_calendar,
    month_of,
    require_usd,
    widths_param,
    year_end_of,
)
from aicapex.analysis.result import Result
from aicapex.dates import parse_fiscal_year_end
from aicapex.figures import Widths
from aicapex.table.columns import records_in
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import as_flows, is_ledger

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["ComputeGap", "compute_gap"]

_FREQ = {
    "M": "M",
    "month": "M",
    "Q": "Q",
    "quarter": "Q",
    "Y": "Y",
    "year": "Y",
    "FY": "FY",
    "fiscal year": "FY",
}


class ComputeGap(Result):
    """The result of :func:`compute_gap`: ``.frame`` has a row per entity and period."""

    NAME = "compute_gap"


def compute_gap(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    period: DateLike | None = None,
    *,
    freq: str | None = None,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    widths: Widths | None = None,
    include_planned: bool = False,
) -> ComputeGap:
    """Revenue against compute spending, per entity and period, in US dollars.

    ``period`` is a partial date (``"2023"``, ``"2023-Q3"``; default: every month with flows);
    ``freq`` splits it into months, quarters or calendar years (``"M"``, ``"Q"``, ``"Y"``), or
    the fiscal years of ``entity`` (``"FY"``: ``FY2024`` ..., a month in the fiscal year its
    first day falls in; the entity's fiscal year end read from a ledger, December 31 when it
    has none); default: one row for the whole period. Returns a :class:`ComputeGap` whose
    ``.frame`` has the columns ``entity``, ``period`` (text), ``revenue_usd``, ``compute_usd``,
    ``gap_usd`` (compute minus revenue), ``ratio`` (compute / revenue; inf with compute and no
    revenue, NaN with neither: a period of other spending only) and ``coverage`` (revenue /
    compute: the share of compute paid for by revenue; NaN without compute), then the ends of
    the ranges reported: ``revenue_low_usd``/``revenue_high_usd``,
    ``compute_low_usd``/``compute_high_usd``, ``ratio_low`` and ``ratio_high``.
    ``.records`` lists the ids of the records used; ``.reason`` says why there is no row
    ("no compute spending or revenue recorded of 'co' in 2025").

    >>> import aicapex as ac
    >>> g = ac.compute_gap(ac.load(ac.bundled_data()), "stability-ai", period="2023")
    >>> float(g.frame["ratio"].iloc[0])
    9.0
    """
    source = as_known_on(as_widened(source, widths), known_on)
    code = None
    if freq is not None:
        code = _FREQ.get(freq)
        if code is None:
            raise ValueError(f"expected freq one of {sorted(_FREQ)}, got {freq!r}")
    fiscal = None  # (month, day) an entity's fiscal years end on, for freq="FY"
    if code == "FY":
        fye = year_end_of(source, entity) if entity is not None else None
        if fye is None and entity is not None and is_ledger(source):
            fye = "12-31"  # an entity of the ledger without one: calendar years, named FY
        if fye is None:
            raise ValueError(
                f"freq={freq!r} splits by one entity's fiscal years: name an entity of a ledger "
                "whose fiscal_year_end it holds (freq='Y': calendar years)"
            )
        fiscal = parse_fiscal_year_end(fye)
    bounds = None
    if period is not None:  # a fiscal year of one entity: the months of its own fiscal year
        first, last = (
            in_calendar(period, source, entity),
            in_calendar(period, source, entity, end=True),
        )
        bounds = (month_of(first), month_of(last, end=True))
    flows = as_flows(source, conflicts)
    check_entity(source, entity, flows)
    rows = burn_flows(flows, include_planned=include_planned)
    if entity is not None:
        rows = rows[(rows["entity"].astype("object") == entity).to_numpy()]
    if bounds is not None:
        lo, hi = bounds
        rows = rows[((rows["month"] >= lo) & (rows["month"] <= hi)).to_numpy()]
    require_usd(rows, "compute_gap")
    kind = rows["kind"].astype("object").to_numpy()
    is_compute = (kind == "expenses") & (rows["category"].astype("object") == "compute").to_numpy()
    is_revenue = kind == "revenues"
    base = rows["amount_usd"]
    figures = {
        "revenue_usd": np.where(is_revenue, base, 0.0),
        "compute_usd": np.where(is_compute, base, 0.0),
    }
    for end in ("low", "high"):
        values = rows[f"{end}_usd"].fillna(base).to_numpy("float64")
        figures[f"revenue_{end}_usd"] = np.where(is_revenue, values, 0.0)
        figures[f"compute_{end}_usd"] = np.where(is_compute, values, 0.0)
    if code is None:
        label = str(period) if period is not None else "all"
        labels = np.full(len(rows), label, dtype=object)
    elif fiscal is not None:  # a month whose first day is after the year end: the next year
        month = rows["month"]
        years = fiscal_year_number(month.dt.year.to_numpy(), month.dt.month.to_numpy(), fiscal[0])
        labels = np.array([f"FY{y:04d}" for y in years], dtype=object)
    else:
        labels = rows["month"].dt.to_period(code).astype(str).to_numpy()
    frame = pd.DataFrame(
        {
            "entity": rows["entity"].astype("object").to_numpy(),
            "period": labels,
            **figures,
        }
    )
    out = frame.groupby(["entity", "period"], sort=True, as_index=False)[list(figures)].sum()
    out["gap_usd"] = out["compute_usd"] - out["revenue_usd"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = _ratio(out["compute_usd"], out["revenue_usd"])
        out["coverage"] = np.where(
            out["compute_usd"] > 0, out["revenue_usd"] / out["compute_usd"], np.nan
        )
        # the ratio's range: the least compute over the most revenue, and the reverse
        out["ratio_low"] = _ratio(out["compute_low_usd"], out["revenue_high_usd"])
        out["ratio_high"] = _ratio(out["compute_high_usd"], out["revenue_low_usd"])
    columns = ["entity", "period", "revenue_usd", "compute_usd", "gap_usd", "ratio", "coverage"]
    out = out[[*columns, *(c for c in out.columns if c not in columns)]]
    reason = None
    if out.empty:  # as the report says it: whose and when
        whose = f" of {entity!r}" if entity is not None else ""
        when = f" in {period}" if period is not None else ""
        reason = f"no compute spending or revenue recorded{whose}{when}"
    return ComputeGap(
        frame=out,
        reason=reason,
        used_records=functools.partial(records_in, rows),
        assumptions=(
            "revenue: every revenue record; compute: expenses of category 'compute' (cloud bills "
            "settle them and are not added again)",
        ),
        params={
            "entity": entity,
            "period": period,
            "freq": freq,
            "conflicts": conflicts,
            "known_on": known_on,
            "widths": widths_param(widths),
        },
    )


def _ratio(compute: pd.Series, revenue: pd.Series) -> np.ndarray:
    """compute / revenue: inf for compute without revenue, NaN for neither (0 / 0)."""
    c, r = compute.to_numpy("float64"), revenue.to_numpy("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r > 0, c / r, np.where(c > 0, np.inf, np.nan))
