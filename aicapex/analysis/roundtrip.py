"""Round trips: the share of a vendor's sales to a customer funded by its own investment in
that customer.

A vendor that invested $20 in a customer that bought $50 of its products over the same window
funded 40% of those purchases itself: ``funded = min(invested, purchases)`` and ``share =
funded / purchases`` (never above 1: investing more than the customer spent funds all of it).
Investments are the ``investment`` legs from vendor to customer; purchases every other leg from
customer to vendor (GPU orders, contracts, cloud bills, expenses; see
:mod:`aicapex.table.legs`), each window (a calendar year by default) and basis (disbursed,
committed, announced) apart. A vendor's total over its customers sums the funded and the
purchases of each (customers it did not invest in count with nothing funded); the window
``all`` is every window at once. Per unit and per GW where the data has them: GPUs the customer
ordered from the vendor (GPU movements) and GW of contracts between them starting in the window.

>>> import aicapex as ac
>>> rt = ac.round_trip(ac.load(ac.bundled_data()), "nvidia")
>>> float(rt.frame.query("customer == 'openai' and basis == 'announced'")["share"].iloc[0])
1.0
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.analysis.common import DateLike, as_known_on, require_usd
from aicapex.analysis.result import Result, record_index
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import as_flows
from aicapex.table.legs import BASES, money_legs, window_of

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["ALL", "ROUND_TRIP_COLUMNS", "RoundTrip", "round_trip"]

#: The customer (and the window) of a total row.
ALL = "(all)"

_DTYPES = {
    "vendor": "object",
    "customer": "object",
    "window": "object",
    "window_start": "datetime64[ns]",
    "window_end": "datetime64[ns]",
    "basis": "object",
    "invested_usd": "float64",
    "purchases_usd": "float64",
    "funded_usd": "float64",
    "share": "float64",
    "units": "float64",
    "funded_per_unit_usd": "float64",
    "gw": "float64",
    "funded_per_gw_usd": "float64",
}

#: Columns of :attr:`RoundTrip.frame`.
ROUND_TRIP_COLUMNS = tuple(_DTYPES)


class RoundTrip(Result):
    """The result of :func:`round_trip`: a row per vendor, customer (or :data:`ALL`), window
    and basis."""

    NAME = "round_trip"


def _label(start: np.ndarray, window: str) -> np.ndarray:
    s = pd.DatetimeIndex(start)
    if window == "year":
        return np.asarray(s.strftime("%Y"), dtype=object)
    if window == "month":
        return np.asarray(s.strftime("%Y-%m"), dtype=object)
    if window == "quarter":
        return np.asarray(s.year.astype(str) + "-Q" + s.quarter.astype(str), dtype=object)
    if window == "half":
        return np.asarray(
            s.year.astype(str) + "-H" + ((s.month - 1) // 6 + 1).astype(str), dtype=object
        )
    return np.full(len(s), "all", dtype=object)


def _no_extra() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer": pd.Series([], dtype=object),
            "vendor": pd.Series([], dtype=object),
            "start": pd.Series([], dtype="datetime64[ns]"),
            "units": pd.Series([], dtype="float64"),
            "gw": pd.Series([], dtype="float64"),
        }
    )


def _units_and_gw(source: object, conflicts: ConflictPolicy, window: str) -> pd.DataFrame:
    """GPUs ordered and GW contracted per (customer, vendor, window start)."""
    from aicapex.ledger import Ledger

    parts = []
    frames: Mapping[str, pd.DataFrame]
    if isinstance(source, Ledger):
        from aicapex.table.gpus import gpu_movements

        moves = gpu_movements(source, conflicts=conflicts)
        contracts = source.frame("compute_contracts")
    elif isinstance(source, Mapping):
        frames = source
        from aicapex.table.gpus import gpu_movements

        moves = gpu_movements(frames, conflicts=conflicts)
        contracts = frames.get("compute_contracts", pd.DataFrame())
    else:
        return _no_extra()
    ordered = moves[(moves["event"] == "ordered").to_numpy()]
    if not ordered.empty:
        start, _ = window_of(ordered["date"].to_numpy("datetime64[ns]"), window)
        parts.append(
            pd.DataFrame(
                {
                    "customer": ordered["entity"].astype("object").to_numpy(),
                    "vendor": ordered["counterparty"].astype("object").to_numpy(),
                    "start": start,
                    "units": ordered["units"].to_numpy("float64"),
                    "gw": 0.0,
                }
            )
        )
    if not contracts.empty:
        gw = contracts[(contracts["capacity_unit"].astype("object") == "GW").to_numpy()]
        if not gw.empty:
            start, _ = window_of(gw["start_start"].to_numpy("datetime64[ns]"), window)
            parts.append(
                pd.DataFrame(
                    {
                        "customer": gw["buyer"].astype("object").to_numpy(),
                        "vendor": gw["seller"].astype("object").to_numpy(),
                        "start": start,
                        "units": 0.0,
                        "gw": gw["capacity"].to_numpy("float64"),
                    }
                )
            )
    if not parts:
        return _no_extra()
    both = pd.concat(parts, ignore_index=True)
    return both.groupby(["customer", "vendor", "start"], as_index=False)[["units", "gw"]].sum()


def round_trip(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    vendor: str | None = None,
    *,
    window: str = "year",
    bases: Iterable[str] = BASES,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> RoundTrip:
    """The share of ``vendor``'s sales (every vendor that invested in one of its customers,
    when none is given) funded by its own investment in the buyer; see the module docs.

    Columns: ``vendor``, ``customer`` (:data:`ALL` for the vendor's total), ``window`` (with
    ``window_start``/``window_end``; ``all`` for every window at once), ``basis``,
    ``invested_usd``, ``purchases_usd``, ``funded_usd``, ``share`` (0 to 1; NaN without
    purchases), ``units`` and ``funded_per_unit_usd``, ``gw`` and ``funded_per_gw_usd``."""
    bases = [b for b in BASES if b in set(bases)]
    source = as_known_on(source, known_on)
    legs = money_legs(as_flows(source, conflicts))
    legs = legs[legs["basis"].isin(bases).to_numpy()]
    require_usd(legs, "round_trip")
    start, end = window_of(legs["date"].to_numpy("datetime64[ns]"), window)
    legs = legs.assign(start=start, end=end)
    invest = legs.loc[(legs["leg"] == "investment").to_numpy()]
    buy = legs.loc[(legs["leg"] != "investment").to_numpy()]
    keys = ["vendor", "customer", "start", "end", "basis"]
    inv = (
        invest.rename(columns={"payer": "vendor", "payee": "customer"})
        .groupby(keys, as_index=False)
        .agg(invested_usd=("amount_usd", "sum"))
    )
    pur = (
        buy.rename(columns={"payer": "customer", "payee": "vendor"})
        .groupby(keys, as_index=False)
        .agg(purchases_usd=("amount_usd", "sum"))
    )
    vendors = set(inv["vendor"].unique()) & set(pur["vendor"].unique())  # not row by row
    if vendor is not None:
        vendors &= {vendor}
    pur = pur[pur["vendor"].isin(vendors).to_numpy()]
    rows = pur.merge(inv, on=keys, how="left")
    rows["invested_usd"] = rows["invested_usd"].fillna(0.0)
    rows["funded_usd"] = np.minimum(rows["invested_usd"], rows["purchases_usd"])
    extra = _units_and_gw(source, conflicts, window)
    for name in ("customer", "vendor"):
        rows[name] = rows[name].astype(object)
        extra[name] = extra[name].astype(object)
    rows = rows.merge(extra, on=["customer", "vendor", "start"], how="left")
    per_window = rows.groupby(["vendor", "start", "end", "basis"], as_index=False)[
        ["invested_usd", "purchases_usd", "funded_usd", "units", "gw"]
    ].sum(min_count=1)
    per_window["customer"] = ALL
    everything = rows.groupby(["vendor", "customer", "basis"], as_index=False)[
        ["invested_usd", "purchases_usd", "funded_usd", "units", "gw"]
    ].sum(min_count=1)
    overall = rows.groupby(["vendor", "basis"], as_index=False)[
        ["invested_usd", "purchases_usd", "funded_usd", "units", "gw"]
    ].sum(min_count=1)
    overall["customer"] = ALL
    whole = pd.concat([everything, overall], ignore_index=True)
    if len(rows):
        whole["start"] = rows["start"].min()
        whole["end"] = rows["end"].max()
    out = pd.concat([rows, per_window], ignore_index=True)
    out["window"] = _label(out["start"].to_numpy("datetime64[ns]"), window)
    if len(whole):
        whole["window"] = "all"
        out = pd.concat([out, whole], ignore_index=True)
    purchases = out["purchases_usd"].to_numpy("float64")
    funded = out["funded_usd"].to_numpy("float64")
    units = out["units"].to_numpy("float64") if len(out) else np.array([])
    gw = out["gw"].to_numpy("float64") if len(out) else np.array([])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(purchases > 0, funded / purchases, np.nan)
        out["funded_per_unit_usd"] = np.where(units > 0, funded / units, np.nan)
        out["funded_per_gw_usd"] = np.where(gw > 0, funded / gw, np.nan)
    out = out.rename(columns={"start": "window_start", "end": "window_end"})
    for name in ("units", "gw"):
        if name not in out:
            out[name] = np.nan
    order = {b: i for i, b in enumerate(BASES)}
    out = out.assign(
        _all=(out["customer"] == ALL).to_numpy(),
        _b=pd.Categorical(out["basis"].to_numpy(object), categories=list(order)).codes,
        _w=(out["window"] == "all").to_numpy(),
    )
    out = out.sort_values(["vendor", "_w", "window_start", "_b", "_all", "customer"], kind="stable")
    frame = out[list(ROUND_TRIP_COLUMNS)].astype(_DTYPES).reset_index(drop=True)
    pairs = pd.MultiIndex.from_arrays([frame["vendor"], frame["customer"]])
    forth = pd.MultiIndex.from_arrays([legs["payer"], legs["payee"]]).isin(pairs)
    back = pd.MultiIndex.from_arrays([legs["payee"], legs["payer"]]).isin(pairs)
    used = legs["record"].to_numpy(object)[forth | back]
    return RoundTrip(
        frame=frame,
        used_records=functools.partial(record_index, used),
        assumptions=(
            f"windows: {window}; disbursed, committed and announced money apart; ceilings at "
            "their maximum",
            "funded = the smaller of the vendor's investment in the customer and the "
            "customer's purchases from it, in the same window",
        ),
        params={"vendor": vendor, "window": window, "known_on": known_on},
    )
