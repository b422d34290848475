"""Money legs: the flows table as movements between two known parties, for the graph analyses
(money loops, round trips, related parties).

Each movement of money appears once, from its payer to its payee: the investor's mirror rows of
funding (category ``investment``, the same money seen from the investor) are left out, as are
rows whose payer or payee is missing or :data:`~aicapex.table.funding.UNDISCLOSED` (money from
no one in particular is never part of a loop), rows of one entity to itself and adjustments.
A GPU order's ``scheduled`` payments are left out too: its commitment row counts that money.

Each leg has a **kind** (``investment``, ``purchase``, ``lease``, ``contract``, ``cloud``,
``expense``, ``sale``) and a **basis**, the firmness of the money, counted apart:

==========  =====================================================
basis       flows statuses
==========  =====================================================
disbursed   disbursed, paid (money that moved)
committed   committed, scheduled, billed, unpaid (money promised)
announced   announced, conditional, estimated (money talked of)
==========  =====================================================

A revenue of one entity and the expense of its customer may report the same money twice; the
legs keep both (the records say nothing that would match them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicapex.table.funding import UNDISCLOSED

__all__ = ["BASES", "LEG_COLUMNS", "basis_of", "leg_kind", "money_legs", "window_of"]

#: The bases of legs, firmest first.
BASES = ("disbursed", "committed", "announced")

_BASIS = {
    "disbursed": "disbursed",
    "paid": "disbursed",
    "committed": "committed",
    "scheduled": "committed",
    "billed": "committed",
    "unpaid": "committed",
    "announced": "announced",
    "conditional": "announced",
    "estimated": "announced",
}

#: Columns of :func:`money_legs`.
LEG_COLUMNS = (
    "date",
    "payer",
    "payee",
    "amount_usd",
    "low_usd",
    "high_usd",
    "currency",
    "leg",
    "basis",
    "status",
    "kind",
    "record",
)


def basis_of(status: pd.Series) -> np.ndarray:
    """The basis of each flows status (``committed`` for statuses the table does not list)."""
    codes, uniques = pd.factorize(status.astype("object"), use_na_sentinel=True)
    lookup = np.array([_BASIS.get(str(u), "committed") for u in uniques] + ["committed"], object)
    out: np.ndarray = lookup[codes]
    return out


def leg_kind(kind: pd.Series, category: pd.Series) -> np.ndarray:
    """The kind of each leg from its flows ``kind`` and ``category``."""
    k = kind.astype("object").to_numpy()
    c = category.astype("object").to_numpy()
    out = np.full(len(k), "contract", dtype=object)
    out[k == "funding_rounds"] = "investment"
    out[k == "stakes"] = "investment"
    out[k == "gpu_orders"] = "purchase"
    contract = k == "compute_contracts"
    out[contract & (c == "lease")] = "lease"
    out[contract & (c == "purchase")] = "purchase"
    out[k == "cloud_bills"] = "cloud"
    out[k == "expenses"] = "expense"
    out[k == "revenues"] = "sale"
    return out


def money_legs(flows: pd.DataFrame) -> pd.DataFrame:
    """The legs of a flows table (see the module docs): columns :data:`LEG_COLUMNS`, payer and
    payee as text."""
    payer = flows["payer"].astype("object")
    payee = flows["payee"].astype("object")
    keep = payer.notna().to_numpy() & payee.notna().to_numpy()
    keep &= (payer != UNDISCLOSED).to_numpy() & (payee != UNDISCLOSED).to_numpy()
    keep &= (payer != payee).to_numpy()
    keep &= ~((flows["category"] == "investment") & (flows["direction"] < 0)).to_numpy()
    kind = flows["kind"]
    keep &= kind.isin(["funding_rounds", "stakes", "gpu_orders", "compute_contracts",
                       "cloud_bills", "expenses", "revenues"]).to_numpy()  # fmt: skip
    keep &= ~((kind == "gpu_orders") & (flows["status"] == "scheduled")).to_numpy()
    rows = flows[keep]
    return pd.DataFrame(
        {
            "date": rows["date"].to_numpy("datetime64[ns]"),
            "payer": payer[keep].to_numpy(),
            "payee": payee[keep].to_numpy(),
            "amount_usd": rows["amount_usd"].to_numpy("float64"),
            "low_usd": rows["low_usd"].fillna(rows["amount_usd"]).to_numpy("float64"),
            "high_usd": rows["high_usd"].fillna(rows["amount_usd"]).to_numpy("float64"),
            "currency": rows["currency"].astype("object").to_numpy(),
            "leg": leg_kind(rows["kind"], rows["category"]),
            "basis": basis_of(rows["status"]),
            "status": rows["status"].astype("object").to_numpy(),
            "kind": rows["kind"].astype("object").to_numpy(),
            "record": rows["record"].astype("object").to_numpy(),
        }
    )


def window_of(dates: np.ndarray, window: str) -> tuple[np.ndarray, np.ndarray]:
    """Each date's window: its first day and its last day (datetime64[ns]). ``window`` is
    ``"year"`` (calendar years, the default of the analyses), ``"half"``, ``"quarter"``,
    ``"month"`` or ``"all"`` (one window from the first date to the last)."""
    day = np.asarray(dates, dtype="datetime64[ns]")
    if window == "all":
        valid = day[~np.isnat(day)]
        first = valid.min() if len(valid) else np.datetime64("NaT", "ns")
        last = valid.max() if len(valid) else np.datetime64("NaT", "ns")
        lo = np.full(len(day), first.astype("datetime64[D]"), dtype="datetime64[D]")
        hi = np.full(len(day), last.astype("datetime64[D]"), dtype="datetime64[D]")
        return lo.astype("datetime64[ns]"), hi.astype("datetime64[ns]")
    months = {"year": 12, "half": 6, "quarter": 3, "month": 1}.get(window)
    if months is None:
        raise ValueError(f"expected a window among year, half, quarter, month, all; got {window!r}")
    month = day.astype("datetime64[M]").astype(np.int64)
    first = month - month % months
    start = first.astype("datetime64[M]")
    end = (first + months).astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")
    return start.astype("datetime64[ns]"), end.astype("datetime64[ns]")
