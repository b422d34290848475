"""Contract terms: per compute contract, its total, annual run rate, term, capacity and unit
economics, with ceilings, ramps and conflicting figures shown.

- **total**: the stated total value; ``implied_total_usd`` is what the rest gives: the ramp's
  sum, else the rate times the term.
- **run rate**: US dollars a year: the stated rate, else the ramp's yearly mean, else the total
  over the term.
- **term**: years from the start's first day to the end's last (NaN without an end).
- **capacity**: GW, or a number of GPUs. ``usd_per_gw`` is the total per GW and
  ``usd_per_gw_year`` the run rate per GW; ``usd_per_gpu_hour`` the run rate per GPU and hour
  (8,766 hours a year). A capacity in GW has a GPU count only through an ``assumptions`` record
  (``gpus_per_gw``), named in ``conversion``; never silently.
- **ceiling**: a total or rate written ``up to $X`` is a contractual maximum (``ceiling``
  true; the figures are the maximum).
- **conflict**: two figures of one contract that cannot both hold: a stated total against the
  rate over the term or the ramp's sum (of one record, or of two reports of one contract: same
  buyer, seller and start), beyond the ranges the figures allow. Both figures are shown, with
  the records.

>>> import aicapex as ac
>>> t = ac.contract_terms(ac.load(ac.bundled_data()))
>>> "run_rate_usd" in t.frame.columns
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import DateLike, as_known_on
from aicapex.analysis.fleet import check_party
from aicapex.analysis.result import Result, record_index
from aicapex.analysis.unitprices import HOURS_PER_YEAR, annual_run_rate, ramp_totals
from aicapex.analysis.unitprices import conversions as factors_of
from aicapex.money import format_usd
from aicapex.table.conflicts import fact_groups

if TYPE_CHECKING:
    from aicapex.ledger import Ledger


__all__ = ["CONTRACT_COLUMNS", "ContractTerms", "contract_terms"]

_DTYPES = {
    "contract": "object",
    "buyer": "object",
    "seller": "object",
    "status": "object",
    "arrangement": "object",
    "start": "datetime64[ns]",
    "end": "datetime64[ns]",
    "term_years": "float64",
    "total_usd": "float64",
    "total_low_usd": "float64",
    "total_high_usd": "float64",
    "total_figure": "object",
    "rate_per_year_usd": "float64",
    "implied_total_usd": "float64",
    "run_rate_usd": "float64",
    "ceiling": "bool",
    "ramp": "object",
    "capacity": "float64",
    "capacity_unit": "object",
    "sku": "object",
    "usd_per_gw": "float64",
    "usd_per_gw_year": "float64",
    "gpus": "float64",
    "conversion": "object",
    "usd_per_gpu_hour": "float64",
    "conflict": "object",
    "conflict_records": "object",
}

#: Columns of :attr:`ContractTerms.frame`.
CONTRACT_COLUMNS = tuple(_DTYPES)

#: Relative slack allowed between two figures of one contract before they conflict.
TOLERANCE = 0.01


class ContractTerms(Result):
    """The result of :func:`contract_terms`: a row per compute contract."""

    NAME = "contract_terms"


def _figure(total: float, low: float, high: float) -> str:
    if np.isnan(low) or np.isnan(high) or low == high:
        return format_usd(total)
    return f"{format_usd(low)} to {format_usd(high)}"


def _conflicts(out: pd.DataFrame, contracts: pd.DataFrame) -> tuple[list[Any], list[Any]]:
    """The conflict text and records of each contract (None where none)."""
    n = len(out)
    texts: list[Any] = [None] * n
    records: list[Any] = [None] * n
    total = out["total_usd"].to_numpy("float64")
    low = out["total_low_usd"].to_numpy("float64")
    high = out["total_high_usd"].to_numpy("float64")
    implied = out["implied_total_usd"].to_numpy("float64")
    ids = out["contract"].to_numpy(object)
    ceiling = out["ceiling"].to_numpy(bool)
    for i in range(n):  # within one record: a stated total against rate x term or the ramp
        if np.isnan(total[i]) or np.isnan(implied[i]):
            continue
        lo, hi = (0.0, high[i]) if ceiling[i] else (low[i], high[i])
        if implied[i] < lo * (1 - TOLERANCE) or implied[i] > hi * (1 + TOLERANCE):
            texts[i] = (
                f"stated total {_figure(total[i], low[i], high[i])} vs "
                f"{format_usd(implied[i])} from its rate over the term or its ramp"
            )
            records[i] = ids[i]
    groups = fact_groups(contracts, "compute_contracts")
    best = np.where(np.isnan(total), implied, total)
    best_low = np.where(np.isnan(total), implied, low)
    best_high = np.where(np.isnan(total), implied, high)
    for _, members in groups.groupby("group"):
        rows = members["row"].to_numpy()
        rows = rows[~np.isnan(best[rows])]
        if len(rows) < 2:
            continue
        disjoint = best_low[rows].max() > best_high[rows].min() * (1 + TOLERANCE)
        if not disjoint:
            continue
        text = "; ".join(
            f"{ids[r]}: {_figure(best[r], best_low[r], best_high[r])}"
            + ("" if not np.isnan(total[r]) else " (rate over the term)")
            for r in rows
        )
        for r in rows:
            texts[r] = "reports differ: " + text + ("; " + texts[r] if texts[r] else "")
            records[r] = ",".join(str(ids[x]) for x in rows)
    return texts, records


def contract_terms(
    source: Ledger | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    *,
    known_on: DateLike | None = None,
) -> ContractTerms:
    """Per compute contract (those of ``entity`` as buyer or seller when given): its terms and
    unit economics; see the module docs. Every contract is listed, whatever its status, with
    the figures it has (NaN where the records say nothing)."""
    from aicapex.ledger import Ledger

    # an unknown id: KeyError, as gpu_fleet
    check_party(source, entity, "compute_contracts.buyer", "compute_contracts.seller")
    source = as_known_on(source, known_on)
    if isinstance(source, Ledger):
        contracts = source.frame("compute_contracts")
        ramps = source.frame("ramps")
        assumptions = source.frame("assumptions")
    else:
        contracts = source.get("compute_contracts", pd.DataFrame())
        ramps = source.get("ramps", pd.DataFrame())
        assumptions = source.get("assumptions", pd.DataFrame())
    params = {"entity": entity, "known_on": known_on}
    if contracts.empty:
        empty = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in _DTYPES.items()})
        return ContractTerms(frame=empty, params=params)
    contracts = contracts.reset_index(drop=True)
    yearly, term = annual_run_rate(contracts)
    stated_rate = contracts["rate_usd_per_month"].to_numpy("float64") * 12.0
    ramp = ramp_totals(ramps).reindex(contracts["id"].to_numpy(object))
    has_ramp = ramp["sum"].notna().to_numpy()
    implied = np.where(has_ramp, ramp["sum"].to_numpy("float64"), stated_rate * term)
    run_rate = np.where(
        ~np.isnan(stated_rate),
        stated_rate,
        np.where(has_ramp, ramp["yearly"].to_numpy("float64"), yearly),
    )
    total = contracts["total_value_usd"].to_numpy("float64")
    capacity = contracts["capacity"].to_numpy("float64")
    unit = contracts["capacity_unit"].to_numpy(object)
    gw = np.where(unit == "GW", capacity, np.nan)
    gpus = np.where(unit == "gpu", capacity, np.nan)
    conversions = np.full(len(contracts), None, dtype=object)
    in_gw = np.flatnonzero(unit == "GW")  # capacities in GW: all looked up at once
    found_all = factors_of(
        assumptions,
        "gpus_per_gw",
        contracts["start_start"].to_numpy("datetime64[ns]")[in_gw],
        contracts["capacity_sku"].to_numpy(object)[in_gw],
        contracts["buyer"].to_numpy(object)[in_gw],
    )
    for i, found in zip(in_gw, found_all, strict=True):
        if found is not None:
            gpus[i] = gw[i] * found[0]
            conversions[i] = found[1]
    best_total = np.where(np.isnan(total), implied, total)
    kinds = [contracts[f"{n}_kind"].astype("object") for n in ("total_value", "rate")]
    out = pd.DataFrame(
        {
            "contract": contracts["id"].to_numpy(object),
            "buyer": contracts["buyer"].to_numpy(object),
            "seller": contracts["seller"].to_numpy(object),
            "status": contracts["status"].to_numpy(object),
            "arrangement": contracts["arrangement"].to_numpy(object),
            "start": contracts["start_start"].to_numpy("datetime64[ns]"),
            "end": contracts["end_end"].to_numpy("datetime64[ns]"),
            "term_years": term,
            "total_usd": total,
            "total_low_usd": contracts["total_value_low_usd"].to_numpy("float64"),
            "total_high_usd": contracts["total_value_high_usd"].to_numpy("float64"),
            "total_figure": kinds[0].to_numpy(),
            "rate_per_year_usd": stated_rate,
            "implied_total_usd": implied,
            "run_rate_usd": run_rate,
            "ceiling": ((kinds[0] == "ceiling") | (kinds[1] == "ceiling")).to_numpy(),
            "ramp": ramp["text"].to_numpy(object),
            "capacity": capacity,
            "capacity_unit": unit,
            "sku": contracts["capacity_sku"].to_numpy(object),
            "usd_per_gw": best_total / gw,
            "usd_per_gw_year": run_rate / gw,
            "gpus": gpus,
            "conversion": conversions,
            "usd_per_gpu_hour": run_rate / gpus / HOURS_PER_YEAR,
        }
    )
    # object columns: None where no conflict (a list of text and None is str with NaN in pandas 3)
    texts = _conflicts(out, contracts)
    for column, values in zip(("conflict", "conflict_records"), texts, strict=True):
        out[column] = pd.Series(values, index=out.index, dtype=object)
    out = out.astype(_DTYPES)
    if entity is not None:
        mine = (out["buyer"] == entity) | (out["seller"] == entity)
        out = out[mine.to_numpy()].reset_index(drop=True)
    used = [*out["contract"], *out["conversion"].dropna()]
    return ContractTerms(
        frame=out,
        used_records=record_index(used),
        assumptions=(
            "run rate: the stated rate, else the ramp's yearly mean, else the total over the "
            "term; implied total: the ramp's sum, else the rate over the term",
            "GPUs from GW only through an assumptions record (conversion names it); "
            f"{HOURS_PER_YEAR:,.0f} hours a year",
            f"figures conflict when they differ beyond their ranges by more than {TOLERANCE:.0%}",
        ),
        warnings=tuple(
            f"{c}: {t}" for c, t in zip(out["contract"], out["conflict"], strict=True) if t
        ),
        params=params,
    )
