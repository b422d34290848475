"""The report: per company, the answers users come for, as plain data.

:func:`report` gives, for every company with a cash balance or money flows: the latest cash
balance, burn over the calendar year of the report's date, runway under each policy, the
revenue-vs-compute gap, arrears, funding by status and conflicting reports.

A report is a list of :class:`Section`\\ s. Each section runs its analysis once for all the
companies that share a report date (vectorised), and turns the :class:`~aicapex.analysis.result
.Result` into JSON-ready data per company. A new analysis joins the report by adding a section to
:data:`SECTIONS` (and, for the text output, a renderer in :mod:`aicapex.render`); the CLI only
renders the data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aicapex.analysis.arrears import arrears
from aicapex.analysis.burn import BURN_CATEGORIES, burn
from aicapex.analysis.gap import compute_gap
from aicapex.analysis.result import jsonable
from aicapex.analysis.runway import POLICIES, runway
from aicapex.ledger import Ledger
from aicapex.records import Entity, EntityType, FundingRound
from aicapex.table.conflicts import resolve as resolve_conflicts

__all__ = ["SECTIONS", "STAGES", "Context", "Section", "report"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Context:
    """What every section gets: the ledger, its flows and cash balances, and the report date of
    each company (``None`` for companies without one)."""

    ledger: Ledger
    flows: pd.DataFrame
    balances: pd.DataFrame
    when: Mapping[str, str | None]
    computed: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per report (sections that read the same analysis)."""
        if key not in self.computed:
            self.computed[key] = build()
        return self.computed[key]

    def by(self, key: Callable[[str], str | None]) -> dict[str, list[str]]:
        """Companies grouped by ``key(report date)`` (companies without a date left out)."""
        out: dict[str, list[str]] = {}
        for company, when in self.when.items():
            if when is not None and (k := key(when)) is not None:
                out.setdefault(k, []).append(company)
        return out

    def dates(self) -> dict[str, list[str]]:
        """Companies by report date."""
        return self.by(lambda w: w)

    def years(self) -> dict[str, list[str]]:
        """Companies by the calendar year of their report date."""
        return self.by(lambda w: w[:4])


@dataclass(frozen=True)
class Section:
    """One part of every company's report: ``build(context)`` returns company id -> data."""

    name: str
    build: Callable[[Context], dict[str, Any]]


def _num(value: Any) -> float | None:
    """A JSON-ready number rounded to cents (``None`` for NaN and infinities)."""
    v = jsonable(value)
    return None if v is None else round(float(v), 2)


def _runways(ctx: Context) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for date, companies in ctx.dates().items():
        cash = ctx.balances[ctx.balances["company"].astype("object").isin(companies).to_numpy()]
        if cash.empty:
            continue
        for policy in POLICIES:
            r = runway(ctx.flows, as_of=date, policy=policy, cash=cash)  # type: ignore[arg-type]
            general = [
                a for a in r.assumptions if not any(a.startswith(f"{c}:") for c in companies)
            ]
            for row in r.rows():
                c = str(row["entity"])
                own = [a for a in r.assumptions if a.startswith(f"{c}:")]
                out.setdefault(c, {})[policy] = {
                    "months": row["months"],
                    "runs_out": row["runs_out"],
                    "cash_out": row["cash_out"],
                    "bound": row["bound"],
                    "balance": _num(row["balance_usd"]),
                    "balance_date": row["balance_date"],
                    "balance_record": row["balance_record"],
                    "start_cash": _num(row["start_cash"]),
                    "burn_after": _num(row["burn_after"]),
                    "assumptions": general + own,
                    "records": r.records_of(c),
                }
    return out


def _cash(ctx: Context) -> dict[str, Any]:
    out = {}
    for c, policies in _runway_cache(ctx).items():
        r = policies.get("disbursed")
        if r:
            out[c] = {
                "amount": r["balance"],
                "bound": r["bound"],
                "date": r["balance_date"],
                "record": r["balance_record"],
            }
    return out


def _runway_cache(ctx: Context) -> dict[str, dict[str, Any]]:
    """The runways, computed once per report (the cash section reads them too)."""
    runways: dict[str, dict[str, Any]] = ctx.once("runways", lambda: _runways(ctx))
    return runways


def _burns(ctx: Context) -> dict[str, Any]:
    """Mean monthly burn over the months of the year with recorded expenses or revenues (months
    with nothing recorded are unknown, not zero)."""
    out: dict[str, Any] = {}
    for year, companies in ctx.years().items():
        b = burn(ctx.flows, None, f"{year}-01", f"{year}-12").frame
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


def _gaps(ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for year, companies in ctx.years().items():
        for row in compute_gap(ctx.flows, None, period=year).rows():
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


def _arrears(ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for date, companies in ctx.dates().items():
        a = arrears(ctx.flows, as_of=date).frame
        for c in companies:
            mine = a[(a["payer"].astype("object") == c).to_numpy()]
            out[c] = {
                "as_of": date,
                "total": _num(mine["outstanding_usd"].sum()),
                "by_provider": {
                    str(r["provider"]): {
                        "outstanding": _num(r["outstanding_usd"]),
                        "bills": int(r["bills"]),
                        "oldest": jsonable(r["oldest"]),
                    }
                    for r in mine.to_dict("records")
                },
            }
    return out


def _funding(ctx: Context) -> dict[str, Any]:
    """Round amounts in US dollars by company and round status, conflicting reports of one round
    resolved as the flows resolve them (other currencies left out)."""
    rounds, _ = resolve_conflicts(ctx.ledger.frame("funding_rounds"), "funding_rounds")
    kept = set(rounds["id"].astype("object"))
    totals: dict[str, dict[str, float]] = {}
    for f in ctx.ledger.of_type(FundingRound):
        if f.id in kept and f.amount is not None and f.amount.currency == "USD":
            mine = totals.setdefault(f.company, {})
            mine[f.status.value] = mine.get(f.status.value, 0.0) + float(f.amount.amount)
    return {c: {k: _num(v) for k, v in sorted(t.items())} for c, t in totals.items()}


def _conflicts(ctx: Context) -> dict[str, Any]:
    conflicts = ctx.ledger.conflicts()
    out: dict[str, Any] = {}
    for company in ctx.when:
        ids = {
            r.id
            for r in ctx.ledger
            if company in (getattr(r, "company", None), getattr(r, "payer", None))
        }
        mine = conflicts[conflicts["id"].astype("object").isin(ids).to_numpy()]
        out[company] = [
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
    return out


#: The sections of every company's report, in order.
SECTIONS: tuple[Section, ...] = (
    Section("cash", _cash),
    Section("burn", _burns),
    Section("runway", _runway_cache),
    Section("compute_gap", _gaps),
    Section("arrears", _arrears),
    Section("funding", _funding),
    Section("conflicts", _conflicts),
)

#: The stages :func:`report` goes through, in order (for a progress bar).
STAGES: tuple[str, ...] = ("flows", *(s.name for s in SECTIONS))

#: What a section gives a company it has nothing for.
_NOTHING: dict[str, Any] = {"runway": {}, "funding": {}, "conflicts": []}


def _report_dates(
    ledger: Ledger, flows: pd.DataFrame, balances: pd.DataFrame, as_of: object
) -> dict[str, str | None]:
    """Each company's report date: ``as_of``, else its latest cash balance's day, else the
    last month of its flows."""
    holders = set(flows["entity"].astype("object")) | set(balances["company"].astype("object"))
    companies = [
        e.id for e in ledger.of_type(Entity) if e.type is EntityType.company and e.id in holders
    ]
    latest = balances.groupby(balances["company"].astype("object"))["date_end"].max()
    last_flow = flows.groupby(flows["entity"].astype("object"))["month"].max()
    when: dict[str, str | None] = {}
    for company in companies:
        if as_of is not None:
            when[company] = str(as_of)
        elif company in latest.index and not pd.isna(latest[company]):
            when[company] = jsonable(latest[company])
        elif company in last_flow.index:
            when[company] = pd.Timestamp(last_flow[company]).strftime("%Y-%m")
        else:
            when[company] = None
    return when


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
    ctx = Context(ledger, flows, balances, _report_dates(ledger, flows, balances, as_of))
    built: dict[str, dict[str, Any]] = {}
    for i, section in enumerate(SECTIONS, start=1):
        step(section.name, i, len(STAGES))
        built[section.name] = section.build(ctx)
    names = {e.id: e.name for e in ledger.of_type(Entity)}
    companies = [
        {
            "id": c,
            "name": names[c],
            "as_of": when,
            **{s.name: built[s.name].get(c, _NOTHING.get(s.name)) for s in SECTIONS},
        }
        for c, when in ctx.when.items()
    ]
    step("done", len(STAGES), len(STAGES))
    return {
        "as_of": None if as_of is None else str(as_of),
        "companies": companies,
        "records": {k: n for k, n in ledger.counts().items() if n},
    }
