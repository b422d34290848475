"""The pieces of a runway: each entity's date and balance, the flows it counts (with their
pessimistic and optimistic ends), the arrears it pays, the month-by-month path it shows."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from aicapex.analysis.cash import CashPath
from aicapex.analysis.common import day_of, month_of, require_usd, signed
from aicapex.analysis.runrate import stream_labels
from aicapex.dates import DateLike
from aicapex.table.adjust import ADJUSTMENT_KIND
from aicapex.table.columns import positions

__all__ = [
    "as_of_of",
    "as_of_words",
    "counted_flows",
    "ends_of_spend",
    "latest_balances",
    "path_frame",
    "pay_arrears",
]


def as_of_of(
    as_of: DateLike | Mapping[str, DateLike], entities: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    """Each entity's ``as_of``: its last day and its (last) month, datetime64[ns] arrays."""
    if isinstance(as_of, Mapping):
        days = [day_of(as_of[str(e)], end=True) for e in entities]
        months = [month_of(as_of[str(e)], end=True) for e in entities]
        return np.array(days, dtype="datetime64[ns]"), np.array(months, dtype="datetime64[ns]")
    n = len(entities)
    return (
        np.full(n, day_of(as_of, end=True), dtype="datetime64[ns]"),
        np.full(n, month_of(as_of, end=True), dtype="datetime64[ns]"),
    )


def as_of_words(as_of: DateLike | Mapping[str, DateLike]) -> str:
    return "each entity's date" if isinstance(as_of, Mapping) else str(as_of)


def latest_balances(
    balances: pd.DataFrame, as_of: DateLike | Mapping[str, DateLike]
) -> pd.DataFrame:
    """Each entity's last balance at or before its ``as_of`` (balances without a date count as
    at ``as_of``), indexed by entity; refuses balances without US dollars."""
    dated = balances["date_end"]
    if isinstance(as_of, Mapping):
        ends = {k: day_of(v, end=True) for k, v in as_of.items()}
        end = balances["company"].astype("object").map(ends).to_numpy("datetime64[ns]")
    else:
        end = np.full(len(balances), day_of(as_of, end=True), dtype="datetime64[ns]")
    known = balances[(dated.isna().to_numpy() | (dated.to_numpy("datetime64[ns]") <= end))]
    known = known.sort_values(["date_end", "reported_start"], na_position="first", kind="stable")
    chosen = known.groupby(known["company"].astype("object"), sort=True).tail(1)
    chosen = chosen.set_index(chosen["company"].astype("object"))
    no_rate = chosen["amount_usd"].isna().to_numpy()
    if no_rate.any():
        raise ValueError(
            "runway needs US-dollar cash balances, but "
            f"{', '.join(chosen['id'].astype('object')[no_rate])} have no exchange rate at their "
            "date: add fx_rates records for them"
        )
    return chosen


def pay_arrears(
    flows: pd.DataFrame,
    as_of: DateLike | Mapping[str, DateLike],
    entities: pd.Index,
    balance_month: np.ndarray,
    as_of_month: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Policy ``arrears``: every bill unpaid at ``as_of`` is paid then. Returns what each
    entity pays out of its starting cash, what it pays in ``as_of``'s month, and the
    assumption's sentence."""
    from aicapex.analysis.arrears import arrears

    owed_table = arrears(flows, as_of=as_of).frame
    owed = owed_table.groupby("payer", observed=True)["outstanding_usd"].sum()
    owed_v = owed.reindex(entities).fillna(0.0).to_numpy()
    due_now = as_of_month > balance_month
    bills = ", ".join(owed_table["records"]) or "none"
    return (
        np.where(due_now, 0.0, owed_v),
        np.where(due_now, owed_v, 0.0),
        f"policy 'arrears': bills unpaid at {as_of_words(as_of)} are paid at once ({bills})",
    )


def counted_flows(flows: pd.DataFrame, policy: str, entities: pd.Index) -> pd.DataFrame:
    """The flows the runway counts, with a ``signed`` USD column (+ in, - out): expenses and
    revenues (not planned ones), funding by policy, adjustments, and capex when paid (GPU
    orders' ``paid`` and ``scheduled`` rows)."""
    statuses = ["disbursed"] + (["committed"] if policy == "committed" else [])
    kind = flows["kind"]
    keep = kind.isin(["expenses", "revenues"]).to_numpy() & (flows["basis"] != "planned").to_numpy()
    keep |= ((kind == "funding_rounds") & flows["status"].isin(statuses)).to_numpy()
    keep |= (kind == ADJUSTMENT_KIND).to_numpy()
    # capex: GPU orders' cash, when paid (payments, else deliveries; scheduled units to come)
    keep |= ((kind == "gpu_orders") & flows["status"].isin(["paid", "scheduled"])).to_numpy()
    counted = flows[keep]
    counted = counted[positions(counted["entity"], entities) >= 0]
    require_usd(counted, "runway")
    return signed(counted)


def ends_of_spend(spend: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The expenses and revenues rows with ``amount_usd`` at their pessimistic end (the most
    spending, the least revenue: ``low``) and at their optimistic end (``high``)."""
    revenue = (spend["kind"] == "revenues").to_numpy()
    base = spend["amount_usd"]
    low, high = spend["low_usd"].fillna(base).to_numpy(), spend["high_usd"].fillna(base).to_numpy()
    return {
        "low": spend.assign(amount_usd=np.where(revenue, low, high)),
        "high": spend.assign(amount_usd=np.where(revenue, high, low)),
    }


def path_frame(
    entities: pd.Index,
    months: pd.DatetimeIndex,
    active: np.ndarray,
    path: CashPath,
    net: np.ndarray,
    assumed: np.ndarray,
    as_of_col: np.ndarray,
) -> pd.DataFrame:
    """The month-by-month path of each entity, from the month after its balance to the month
    its cash runs out (or the horizon)."""
    n = len(months)
    last = np.where(path.hit, path.first, n - 1)
    keep = active & (np.arange(n)[None, :] <= last[:, None])
    e_rep = np.repeat(entities.to_numpy(), n).reshape(len(entities), n)
    m_rep = np.broadcast_to(months.to_numpy(), (len(entities), n))
    after = np.arange(n)[None, :] > np.asarray(as_of_col)[:, None]
    return pd.DataFrame(
        {
            "entity": e_rep[keep],
            "month": m_rep[keep],
            "opening": path.opening[keep],
            "inflows": np.where(net > 0, net, 0.0)[keep],
            "outflows": np.where(net < 0, -net, 0.0)[keep],
            "net": net[keep],
            "closing": path.closing[keep],
            "basis": np.where(assumed > 0, "assumed", "recorded")[keep],
            "after_as_of": after[keep],
            "assumed": stream_labels(assumed[keep]),
        }
    )
