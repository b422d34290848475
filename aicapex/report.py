"""The report: per company, the answers users come for, as plain data.

:func:`report` computes, for every company with a cash balance or money flows: the latest cash
balance, burn over the year up to it, runway under each policy, the revenue-vs-compute gap,
arrears, funding by status and conflicting reports. All analyses run once, vectorised over the
companies; the CLI only renders the result.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd

from aicapex.analysis.arrears import arrears
from aicapex.analysis.burn import BURN_CATEGORIES, burn
from aicapex.analysis.gap import compute_gap
from aicapex.analysis.runway import POLICIES, runway
from aicapex.ledger import Ledger
from aicapex.records import Entity, EntityType, FundingRound

__all__ = ["report"]


def _num(value: Any) -> float | str | None:
    if value is None:
        return None
    v = float(value)
    if math.isnan(v):
        return None
    return "inf" if math.isinf(v) else round(v, 2)


def _day(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def report(
    ledger: Ledger,
    as_of: object = None,
    *,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The report of ``ledger`` as JSON-ready data with stable keys.

    ``{"as_of": ..., "companies": [{"id", "name", "cash", "burn", "runway", "compute_gap",
    "arrears", "funding", "conflicts"}, ...], "records": {kind: count}}``; amounts in US dollars.
    ``as_of`` defaults, per company, to the date of its latest cash balance. ``progress`` is
    called with the name of each stage (for a progress bar).
    """
    step = progress or (lambda _name: None)
    step("flows")
    flows = ledger.flows()
    balances = ledger.frame("cash_balances")
    companies = [e for e in ledger.of_type(Entity) if e.type is EntityType.company]
    with_money = set(flows["entity"].astype("object")) | set(balances["company"].astype("object"))
    companies = [e for e in companies if e.id in with_money]
    conflicts = ledger.conflicts()
    out: list[dict[str, Any]] = []
    for entity in companies:
        step(entity.id)
        out.append(_company(ledger, flows, balances, conflicts, entity, as_of))
    return {
        "as_of": None if as_of is None else str(as_of),
        "companies": out,
        "records": {k: n for k, n in ledger.counts().items() if n},
    }


def _company(
    ledger: Ledger,
    flows: pd.DataFrame,
    balances: pd.DataFrame,
    conflicts: pd.DataFrame,
    entity: Entity,
    as_of: object,
) -> dict[str, Any]:
    mine = balances[(balances["company"].astype("object") == entity.id).to_numpy()]
    when: object = as_of
    if when is None and not mine.empty:
        when = _day(mine["date_end"].max())
    item: dict[str, Any] = {"id": entity.id, "name": entity.name, "as_of": when}
    runways: dict[str, Any] = {}
    if when is not None and not mine.empty:
        for policy in POLICIES:
            try:
                r = runway(ledger, entity.id, as_of=when, policy=policy)  # type: ignore[arg-type]
            except ValueError as exc:
                runways[policy] = {"error": str(exc)}
                continue
            row = r.table.iloc[0]
            runways[policy] = {
                "months": _num(row["months"]),
                "cash_out": _day(row["cash_out"]),
                "bound": row["bound"],
                "start_cash": _num(row["start_cash"]),
                "burn_after": _num(row["burn_after"]),
                "assumptions": list(r.assumptions),
                "records": list(r.records),
            }
        d = runways.get("disbursed", {})
        item["cash"] = {
            "amount": _num(mine.sort_values("date_end")["amount_usd"].iloc[-1]),
            "record": runways.get("disbursed", {}).get("records", [None])[0] if d else None,
            "bound": d.get("bound"),
            "date": _day(mine["date_end"].max()),
        }
    else:
        item["cash"] = None
    item["runway"] = runways
    # burn over the calendar year of as_of (or of the last month with flows)
    mine_flows = flows[(flows["entity"].astype("object") == entity.id).to_numpy()]
    if when is not None:
        end = pd.Timestamp(pd.Period(str(when)[:7], "M").start_time)
    elif not mine_flows.empty:
        end = pd.Timestamp(mine_flows["month"].max())
    else:
        end = None
    if end is not None:
        start, end = (
            pd.Timestamp(year=end.year, month=1, day=1),
            pd.Timestamp(year=end.year, month=12, day=1),
        )
        b = burn(flows, entity.id, start.strftime("%Y-%m"), end.strftime("%Y-%m"))
        item["burn"] = {
            "from": start.strftime("%Y-%m"),
            "to": end.strftime("%Y-%m"),
            "monthly_gross": _num(b["gross_burn"].mean()),
            "monthly_revenue": _num(b["revenue"].mean()),
            "monthly_net": _num(b["net_burn"].mean()),
            "by_category": {c: _num(b[c].mean()) for c in BURN_CATEGORIES},
        }
        year = str(end.year)
        g = compute_gap(flows, entity.id, period=year)
        item["compute_gap"] = (
            {
                "period": year,
                "revenue": _num(g["revenue_usd"].iloc[0]),
                "compute": _num(g["compute_usd"].iloc[0]),
                "gap": _num(g["gap_usd"].iloc[0]),
                "ratio": _num(g["ratio"].iloc[0]),
                "coverage": _num(g["coverage"].iloc[0]),
            }
            if not g.empty
            else None
        )
    else:
        item["burn"] = item["compute_gap"] = None
    if when is not None:
        a = arrears(flows, as_of=when, payer=entity.id)
        item["arrears"] = {
            "as_of": str(when),
            "total": _num(a["outstanding_usd"].sum()),
            "by_provider": {
                str(r["provider"]): {
                    "outstanding": _num(r["outstanding_usd"]),
                    "bills": int(r["bills"]),
                    "oldest": _day(r["oldest"]),
                }
                for r in a.to_dict("records")
            },
        }
    else:
        item["arrears"] = None
    rounds = [f for f in ledger.of_type(FundingRound) if f.company == entity.id]
    funding: dict[str, float] = {}
    for f in rounds:
        if f.amount is not None and f.amount.currency == "USD":
            funding[f.status.value] = funding.get(f.status.value, 0.0) + float(f.amount.amount)
    item["funding"] = {k: _num(v) for k, v in sorted(funding.items())}
    ids = {
        rec.id
        for rec in ledger
        if getattr(rec, "company", getattr(rec, "payer", None)) == entity.id
    }
    c = conflicts[conflicts["id"].astype("object").isin(ids).to_numpy()]
    item["conflicts"] = [
        {
            "kind": str(g["kind"].iloc[0]),
            "fact": str(g["key"].iloc[0]),
            "reports": [
                {
                    "id": str(r["id"]),
                    "value": str(r["value"]),
                    "sources": str(r["sources"]),
                    "reported": None if pd.isna(r["reported"]) else str(r["reported"]),
                }
                for r in g.to_dict("records")
            ],
        }
        for _, g in c.groupby("group", sort=True)
    ]
    return item
