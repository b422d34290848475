"""Burn: what a company spends and earns each month, in US dollars.

Burn counts expenses and revenues (the ``expenses`` and ``revenues`` rows of the flows table,
actual and forecast alike; ``planned`` ones only if asked). Cloud bills and payments are the
settlement of compute expenses, so they show in :func:`aicapex.analysis.arrears`, not again here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.analysis.flows import ConflictPolicy, as_flows, month_of, records_in, require_usd

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["BURN_CATEGORIES", "burn", "burn_flows", "positions", "trailing"]

#: Spending categories, each a column of :func:`burn`.
BURN_CATEGORIES = ("compute", "payroll", "opex", "tax", "other")


def burn_flows(flows: pd.DataFrame, *, include_planned: bool = False) -> pd.DataFrame:
    """The rows of a flows table that burn counts: expenses and revenues (not planned ones)."""
    keep = flows["kind"].isin(["expenses", "revenues"]).to_numpy().copy()
    if not include_planned:
        keep &= (flows["basis"] != "planned").to_numpy()
    return flows[keep]


def trailing(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over the last ``window`` columns of a 2-D array (entities x months), using
    the months available at the start (the first month is its own average)."""
    csum = np.cumsum(values, axis=1)
    shifted = np.zeros_like(csum)
    if values.shape[1] > window:
        shifted[:, window:] = csum[:, :-window]
    counts = np.minimum(np.arange(1, values.shape[1] + 1), window)
    out: np.ndarray = (csum - shifted) / counts
    return out


def positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """The position in ``index`` of each value (-1 where it is not there). A categorical column
    is looked up once per category, not once per row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(values.cat.categories)
        return np.append(lookup, -1)[values.cat.codes.to_numpy()]
    return index.get_indexer(values.astype("object"))  # type: ignore[arg-type]


def monthly_matrix(
    rows: pd.DataFrame, entities: pd.Index, months: pd.DatetimeIndex, column: str = "signed"
) -> np.ndarray:
    """Sum ``column`` of flow rows into an (entities x months) array (zeros where nothing)."""
    if rows.empty:
        return np.zeros((len(entities), len(months)))
    e = positions(rows["entity"], entities)
    m = months.get_indexer(rows["month"])  # type: ignore[arg-type]
    ok = (e >= 0) & (m >= 0)
    # bincount adds the values in row order, as np.add.at does, only faster
    cell = e[ok] * len(months) + m[ok]
    sums = np.bincount(
        cell, weights=rows[column].to_numpy("float64")[ok], minlength=len(entities) * len(months)
    )
    return sums.reshape(len(entities), len(months))


def burn(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    start: object = None,
    end: object = None,
    *,
    conflicts: ConflictPolicy = "latest",
    include_planned: bool = False,
) -> pd.DataFrame:
    """Monthly burn per entity, in US dollars per month.

    ``source`` is a Ledger, record frames or a flows table; ``entity`` one company id (``None``:
    every entity with expenses or revenues); ``start``/``end`` months or partial dates
    (``"2023-01"``, ``"2023"``; default: the months with flows).

    Returns one row per entity and month (every month in range, zeros included) with columns
    ``entity``, ``month``, one column per spending category (:data:`BURN_CATEGORIES`),
    ``gross_burn`` (their sum), ``revenue``, ``net_burn`` (gross burn minus revenue; positive
    when losing money), and ``net_burn_3m``, ``net_burn_6m``, ``net_burn_12m`` (trailing means,
    over the months available at the start of the range). ``.attrs["records"]`` lists the
    ids of the records counted.

    >>> import aicapex as ac
    >>> b = ac.burn(ac.load(ac.bundled_data()), "stability-ai", "2023-01", "2023-12")
    >>> round(b["net_burn"].mean() / 1e6, 2)
    11.83
    """
    rows = burn_flows(as_flows(source, conflicts), include_planned=include_planned)
    if entity is not None:
        rows = rows[(rows["entity"] == entity).to_numpy()]
    require_usd(rows, "burn")
    entities = pd.Index(
        [entity] if entity is not None else sorted(np.asarray(rows["entity"].unique(), object)),
        dtype="object",
    )
    if start is None and end is None and rows.empty:
        months = pd.DatetimeIndex([], dtype="datetime64[ns]")
    else:
        lo = month_of(start) if start is not None else rows["month"].min()
        hi = month_of(end, end=True) if end is not None else rows["month"].max()
        if pd.isna(lo) or pd.isna(hi):
            lo = hi = lo if not pd.isna(lo) else hi
        months = pd.date_range(lo, hi, freq="MS") if not pd.isna(lo) else pd.DatetimeIndex([])
    rows = rows.assign(signed=rows["amount_usd"].to_numpy("float64"))
    spend = rows[(rows["kind"] == "expenses").to_numpy()]
    income = rows[(rows["kind"] == "revenues").to_numpy()]
    data: dict[str, np.ndarray] = {}
    for cat in BURN_CATEGORIES:
        data[cat] = monthly_matrix(spend[(spend["category"] == cat).to_numpy()], entities, months)
    gross = sum(data.values(), np.zeros((len(entities), len(months))))
    revenue = monthly_matrix(income, entities, months)
    net = gross - revenue
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
        }
    )
    in_range = rows["month"].isin(months).to_numpy()
    out.attrs["records"] = records_in(rows, in_range)
    return out
