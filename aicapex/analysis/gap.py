"""The revenue-vs-compute gap: how much of its compute spending a company's revenue covers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.analysis.burn import burn_flows
from aicapex.analysis.flows import ConflictPolicy, as_flows, month_of, records_in, require_usd

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["compute_gap"]

_FREQ = {"M": "M", "month": "M", "Q": "Q", "quarter": "Q", "Y": "Y", "year": "Y"}


def compute_gap(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    period: object = None,
    *,
    freq: str | None = None,
    conflicts: ConflictPolicy = "latest",
    include_planned: bool = False,
) -> pd.DataFrame:
    """Revenue against compute spending, per entity and period, in US dollars.

    ``period`` is a partial date (``"2023"``, ``"2023-Q3"``; default: every month with flows);
    ``freq`` splits it into months, quarters or years (``"M"``, ``"Q"``, ``"Y"``; default: one
    row for the whole period). Columns: ``entity``, ``period`` (text), ``revenue_usd``,
    ``compute_usd``, ``gap_usd`` (compute minus revenue), ``ratio`` (compute / revenue; inf with
    no revenue) and ``coverage`` (revenue / compute: the share of compute paid for by revenue).
    ``.attrs["records"]`` lists the ids of the records used.

    >>> import aicapex as ac
    >>> g = ac.compute_gap(ac.load(ac.bundled_data()), "stability-ai", period="2023")
    >>> float(g["ratio"].iloc[0])
    9.0
    """
    rows = burn_flows(as_flows(source, conflicts), include_planned=include_planned)
    if entity is not None:
        rows = rows[(rows["entity"].astype("object") == entity).to_numpy()]
    if period is not None:
        lo, hi = month_of(period), month_of(period, end=True)
        rows = rows[((rows["month"] >= lo) & (rows["month"] <= hi)).to_numpy()]
    require_usd(rows, "compute_gap")
    kind = rows["kind"].astype("object").to_numpy()
    compute = np.where(
        (kind == "expenses") & (rows["category"].astype("object") == "compute"),
        rows["amount_usd"],
        0.0,
    )
    revenue = np.where(kind == "revenues", rows["amount_usd"], 0.0)
    if freq is None:
        label = str(period) if period is not None else "all"
        labels = np.full(len(rows), label, dtype=object)
    else:
        code = _FREQ.get(freq)
        if code is None:
            raise ValueError(f"expected freq one of {sorted(_FREQ)}, got {freq!r}")
        labels = rows["month"].dt.to_period(code).astype(str).to_numpy()
    frame = pd.DataFrame(
        {
            "entity": rows["entity"].astype("object").to_numpy(),
            "period": labels,
            "revenue_usd": revenue,
            "compute_usd": compute,
        }
    )
    out = frame.groupby(["entity", "period"], sort=True, as_index=False)[
        ["revenue_usd", "compute_usd"]
    ].sum()
    out["gap_usd"] = out["compute_usd"] - out["revenue_usd"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = np.where(
            out["revenue_usd"] > 0, out["compute_usd"] / out["revenue_usd"], np.inf
        )
        out["coverage"] = np.where(
            out["compute_usd"] > 0, out["revenue_usd"] / out["compute_usd"], np.nan
        )
    out.attrs["records"] = records_in(rows)
    return out
