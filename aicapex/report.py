"""The report: per company, the answers users come for, as plain data.

:func:`report` gives, for every company with a cash balance or money flows: the latest cash
balance, burn over the calendar year of the report's date, runway under each policy, the
revenue-vs-compute gap, arrears, funding by status and conflicting reports. Each analysis runs
once per distinct report date (vectorised over the companies sharing it), not once per company;
the CLI only renders the result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from aicapex.analysis.arrears import arrears
from aicapex.analysis.burn import BURN_CATEGORIES, burn
from aicapex.analysis.gap import compute_gap
from aicapex.analysis.runway import POLICIES, runway
from aicapex.ledger import Ledger
from aicapex.records import Entity, EntityType, FundingRound

__all__ = ["STAGES", "report"]

#: The stages :func:`report` goes through, in order (for a progress bar).
STAGES = ("flows", "runway", "burn", "compute gap", "arrears", "companies")

Progress = Callable[[str, int, int], None]


def _num(value: Any) -> float | None:
    """A JSON-ready number rounded to cents; ``None`` for NaN and infinities (JSON has neither:
    the fields beside say why, e.g. ``runs_out``)."""
    if value is None:
        return None
    v = float(value)
    return None if math.isnan(v) or math.isinf(v) else round(v, 2)


def _day(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _groups(dates: dict[str, str | None]) -> dict[str, list[str]]:
    """Companies by report date (companies without one are left out)."""
    out: dict[str, list[str]] = {}
    for company, when in dates.items():
        if when is not None:
            out.setdefault(when, []).append(company)
    return out


def report(
    ledger: Ledger,
    as_of: object = None,
    *,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The report of ``ledger`` as JSON-ready data with stable keys (amounts in US dollars)::

        {"as_of": ..., "records": {kind: count},
         "companies": [{"id", "name", "as_of", "cash", "burn", "runway", "compute_gap",
                        "arrears", "funding", "conflicts"}, ...]}

    Numbers are numbers or ``null``: a runway that outlasts the horizon has ``"months": null``
    and ``"runs_out": false``; a compute gap without revenue has ``"ratio": null``.
    ``as_of`` (a partial date) defaults, per company, to the date of its latest cash balance,
    else to the last month of its flows. ``progress(stage, done, total)`` is called as each of
    :data:`STAGES` starts.
    """
    step = progress or (lambda _stage, _done, _total: None)
    step(STAGES[0], 0, len(STAGES))
    flows = ledger.flows()
    balances = ledger.frame("cash_balances")
    money_holders = set(flows["entity"].astype("object")) | set(
        balances["company"].astype("object")
    )
    companies = [
        e for e in ledger.of_type(Entity) if e.type is EntityType.company and e.id in money_holders
    ]
    ids = [e.id for e in companies]
    latest_balance = balances.groupby(balances["company"].astype("object"))["date_end"].max()
    last_flow = flows.groupby(flows["entity"].astype("object"))["month"].max()
    when: dict[str, str | None] = {}
    for company in ids:
        if as_of is not None:
            when[company] = str(as_of)
        elif company in latest_balance.index:
            when[company] = _day(latest_balance[company])
        elif company in last_flow.index:
            when[company] = pd.Timestamp(last_flow[company]).strftime("%Y-%m")
        else:
            when[company] = None
    by_date = _groups(when)

    step(STAGES[1], 1, len(STAGES))
    runways = _runways(flows, balances, by_date)
    step(STAGES[2], 2, len(STAGES))
    years = {c: (w[:4] if w else None) for c, w in when.items()}
    burns = _burns(flows, _groups(years))
    step(STAGES[3], 3, len(STAGES))
    gaps = _gaps(flows, _groups(years))
    step(STAGES[4], 4, len(STAGES))
    owed = _arrears(flows, by_date)
    step(STAGES[5], 5, len(STAGES))
    conflicts = ledger.conflicts()
    funding = _funding(ledger.of_type(FundingRound))
    out = []
    for entity in companies:
        c = entity.id
        cash = runways.get(c, {}).get("disbursed")
        out.append(
            {
                "id": c,
                "name": entity.name,
                "as_of": when[c],
                "cash": (
                    {
                        "amount": cash["balance"],
                        "bound": cash["bound"],
                        "date": cash["balance_date"],
                        "record": cash["balance_record"],
                    }
                    if cash
                    else None
                ),
                "burn": burns.get(c),
                "runway": runways.get(c, {}),
                "compute_gap": gaps.get(c),
                "arrears": owed.get(c),
                "funding": funding.get(c, {}),
                "conflicts": _conflicts_of(ledger, conflicts, c),
            }
        )
    step("done", len(STAGES), len(STAGES))
    return {
        "as_of": None if as_of is None else str(as_of),
        "companies": out,
        "records": {k: n for k, n in ledger.counts().items() if n},
    }


def _runways(
    flows: pd.DataFrame, balances: pd.DataFrame, by_date: dict[str, list[str]]
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for date, companies in by_date.items():
        cash = balances[balances["company"].astype("object").isin(companies).to_numpy()]
        if cash.empty:
            continue
        for policy in POLICIES:
            r = runway(flows, as_of=date, policy=policy, cash=cash)  # type: ignore[arg-type]
            general = [
                a for a in r.assumptions if not any(a.startswith(f"{c}:") for c in companies)
            ]
            for row in r.table.to_dict("records"):
                c = str(row["entity"])
                own = [a for a in r.assumptions if a.startswith(f"{c}:")]
                out.setdefault(c, {})[policy] = {
                    "months": _num(row["months"]),
                    "runs_out": bool(math.isfinite(row["months"])),
                    "cash_out": _day(row["cash_out"]),
                    "bound": str(row["bound"]),
                    "balance": _num(row["balance_usd"]),
                    "balance_date": _day(row["balance_date"]),
                    "balance_record": str(row["balance_record"]),
                    "start_cash": _num(row["start_cash"]),
                    "burn_after": _num(row["burn_after"]),
                    "assumptions": general + own,
                    "records": r.records_of(c),
                }
    return out


def _burns(flows: pd.DataFrame, by_year: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Mean monthly burn over the months of the year with recorded expenses or revenues (months
    with nothing recorded are unknown, not zero)."""
    out: dict[str, dict[str, Any]] = {}
    for year, companies in by_year.items():
        b = burn(flows, None, f"{year}-01", f"{year}-12")
        recorded = ((b["gross_burn"] != 0) | (b["revenue"] != 0)).to_numpy()
        b = b[b["entity"].astype("object").isin(companies).to_numpy() & recorded]
        for c, rows in b.groupby(b["entity"].astype("object"), sort=True):
            means = rows.mean(numeric_only=True)
            out[str(c)] = {
                "from": rows["month"].min().strftime("%Y-%m"),
                "to": rows["month"].max().strftime("%Y-%m"),
                "months": len(rows),
                "monthly_gross": _num(means["gross_burn"]),
                "monthly_revenue": _num(means["revenue"]),
                "monthly_net": _num(means["net_burn"]),
                "by_category": {k: _num(means[k]) for k in BURN_CATEGORIES},
            }
    return out


def _gaps(flows: pd.DataFrame, by_year: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for year, companies in by_year.items():
        g = compute_gap(flows, None, period=year)
        for row in g.to_dict("records"):
            c = str(row["entity"])
            if c in companies:
                out[c] = {
                    "period": year,
                    "revenue": _num(row["revenue_usd"]),
                    "compute": _num(row["compute_usd"]),
                    "gap": _num(row["gap_usd"]),
                    "ratio": _num(row["ratio"]),
                    "coverage": _num(row["coverage"]),
                }
    return out


def _arrears(flows: pd.DataFrame, by_date: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for date, companies in by_date.items():
        a = arrears(flows, as_of=date)
        a = a[a["payer"].astype("object").isin(companies).to_numpy()]
        for c in companies:
            mine = a[(a["payer"].astype("object") == c).to_numpy()]
            out[c] = {
                "as_of": date,
                "total": _num(mine["outstanding_usd"].sum()),
                "by_provider": {
                    str(r["provider"]): {
                        "outstanding": _num(r["outstanding_usd"]),
                        "bills": int(r["bills"]),
                        "oldest": _day(r["oldest"]),
                    }
                    for r in mine.to_dict("records")
                },
            }
    return out


def _funding(rounds: Iterable[FundingRound]) -> dict[str, dict[str, Any]]:
    """Round amounts in US dollars by company and round status (other currencies left out)."""
    totals: dict[str, dict[str, float]] = {}
    for f in rounds:
        if f.amount is not None and f.amount.currency == "USD":
            mine = totals.setdefault(f.company, {})
            mine[f.status.value] = mine.get(f.status.value, 0.0) + float(f.amount.amount)
    return {c: {k: _num(v) for k, v in sorted(t.items())} for c, t in totals.items()}


def _conflicts_of(ledger: Ledger, conflicts: pd.DataFrame, company: str) -> list[dict[str, Any]]:
    ids = {
        r.id for r in ledger if company in (getattr(r, "company", None), getattr(r, "payer", None))
    }
    mine = conflicts[conflicts["id"].astype("object").isin(ids).to_numpy()]
    return [
        {
            "kind": str(group["kind"].iloc[0]),
            "fact": str(group["key"].iloc[0]),
            "reports": [
                {
                    "id": str(r["id"]),
                    "value": str(r["value"]),
                    "sources": str(r["sources"]),
                    "reported": None if pd.isna(r["reported"]) else str(r["reported"]),
                }
                for r in group.to_dict("records")
            ],
        }
        for _, group in mine.groupby("group", sort=True)
    ]
