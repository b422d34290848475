"""The report's deal sections: warrants, listings, mergers, vehicles, capex and customers, per
company (see :mod:`aicapex.report`), where the data has them.

Each builder takes the report's context (the ledger and each company's report date) and returns
company id -> a JSON-ready list (companies with nothing to show are left out: the report gives
them an empty list). Analyses run once per report date (warrants, capex) or once for the whole
ledger. Amounts are US dollars rounded to the cent, shares fractions (``0.62``), numbers of
shares plain numbers. :func:`section_schemas` gives the JSON Schema of each section.
"""

from __future__ import annotations

from typing import Any

from aicapex.analysis.capex import capex_at
from aicapex.analysis.common import day_of
from aicapex.analysis.customers import customers
from aicapex.analysis.deals import listing, merger
from aicapex.analysis.dealskit import dollars, kept_records, typed_frame
from aicapex.analysis.result import Result, jsonable, record_index
from aicapex.analysis.result import cents as _num
from aicapex.analysis.vehicles import capital_stack
from aicapex.analysis.warrants import WARRANT_COLUMNS, WarrantValue, value_rows
from aicapex.records import Warrant
from aicapex.schemaparts import BOOL, DAY, INT, MAYBE_TEXT, NUMBER, SHARE, TEXT, USD, obj
from aicapex.table.frames import ledger_frame

__all__ = [
    "DEAL_BUILDERS",
    "DEAL_KINDS",
    "capex_section",
    "customers_section",
    "deal_companies",
    "known_by_participations",
    "listings_section",
    "mergers_section",
    "section_schemas",
    "vehicles_section",
    "warrants_section",
]


def _plain(value: Any) -> float | None:
    """A JSON-ready number (``None`` for NaN)."""
    v = jsonable(value)
    return None if v is None else float(v)


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def known_by_participations(ledger: Any) -> dict[str, tuple[float, str, str | None]]:
    """Rounds without an amount whose participations give amounts (the money the flows move
    for them): their sum in US dollars (NaN without a rate for one of them), the amounts as
    written joined by `` + `` (then ``(no amount for fund-c)``: investors without one, whose
    part is not counted) and their currency (``None`` when they are in several)."""
    out: dict[str, tuple[float, str, str | None]] = {}
    for r in ledger.records("funding_rounds"):
        parts = [p.amount for p in r.investors if p.amount is not None]
        if r.amount is not None or not parts:
            continue
        usd = sum(dollars(ledger, r, money, r.date)[0] for money in parts)
        currencies = {str(money.currency) for money in parts}
        one = currencies.pop() if len(currencies) == 1 else None
        unknown = [p.investor for p in r.investors if p.amount is None]
        left = f" (no amount for {', '.join(unknown)})" if unknown else ""
        out[r.id] = (usd, " + ".join(str(money) for money in parts) + left, one)
    return out


#: The deal kinds the report's deal sections read.
DEAL_KINDS = ("warrants", "share_counts", "listings", "mergers", "vehicles", "capex")


def _dates(ctx: Any, kinds: tuple[str, ...] = DEAL_KINDS) -> dict[str, list[str]]:
    """Report dates of the companies that are parties to records of ``kinds`` (one analysis
    per date: the others' dates cost nothing)."""
    parties = {
        str(getattr(r, name))
        for kind in kinds
        for r in ctx.ledger.records(kind)
        for name in type(r).PARTIES
        if getattr(r, name, None)
    }
    out: dict[str, list[str]] = {}
    for day, members in ctx.dates().items():
        mine = [c for c in members if c in parties]
        if mine:
            out[day] = mine
    return out


def deal_companies(ledger: Any) -> dict[str, str]:
    """Companies that are parties to deal records (:data:`DEAL_KINDS`) and the last day of the
    latest of those records (their report date when they have no cash, flows or stakes; a
    fiscal year's by its owner's year end)."""
    companies = {e.id for e in ledger.records("entities") if e.type.value == "company"}
    out: dict[str, str] = {}
    for kind in DEAL_KINDS:
        for r in ledger.records(kind):
            # a plan without a period: when it was reported
            date = getattr(r, type(r).DATE_FIELD or "", None) or ledger.reported(r)
            if date is None:
                continue
            # a fiscal year ends on its owner's year end ("FY2025" of June 30: 2025-06-30)
            owner = getattr(r, "fiscal_owner", lambda: None)() or ""
            day = date.end(ledger.fiscal_year_end(owner) or "12-31").isoformat()
            for name in type(r).PARTIES:
                party = str(getattr(r, name, None) or "")
                if party in companies:
                    out[party] = max(out.get(party, day), day)
    return out


def warrants_section(ctx: Any) -> dict[str, Any]:
    """Per company: the warrants and options it issued or holds at its report date (granted by
    then; each warrant valued once per date of its parties: one pass over the ledger for all of
    them)."""
    out: dict[str, list[dict[str, Any]]] = {}
    warrants = [w for w in ctx.ledger.records("warrants") if isinstance(w, Warrant)]
    warrants = kept_records(ctx.ledger, "warrants", warrants)[0]  # each warrant once
    if not warrants:
        return out
    day_of_company = {
        company: day for day, members in _dates(ctx, ("warrants",)).items() for company in members
    }
    asked: dict[tuple[str, str], int] = {}  # (warrant id, day) -> its row
    queries: list[tuple[Warrant, Any]] = []
    wanted: list[tuple[Warrant, str, str]] = []  # warrant, role, day
    for w in warrants:
        granted = day_of(w.date)
        for role in ("issuer", "holder"):
            day = day_of_company.get(getattr(w, role))
            if day is None or granted > day_of(day, end=True):
                continue  # not a party, or granted after the company's report date
            wanted.append((w, role, day))
            if (w.id, day) not in asked:
                asked[w.id, day] = len(queries)
                queries.append((w, day_of(day, end=True).astype("datetime64[D]").item()))
    rows = value_rows(ctx.ledger, queries)
    for row in rows:
        row.pop("records")
    frame = typed_frame(rows, WARRANT_COLUMNS)
    valued = WarrantValue(frame, record_index([]), (), (), None).rows()
    for w, role, day in wanted:
        row = valued[asked[w.id, day]]
        other = "holder" if role == "issuer" else "issuer"
        company = row[role]
        out.setdefault(company, []).append(
            {
                "warrant": row["warrant"],
                "role": role,
                "counterparty": row[other],
                "instrument": row["instrument"],
                "status": row["status"],
                "shares": _plain(row["shares"]),
                "vested_shares": _plain(row["vested_shares"]),
                "pending_shares": _plain(row["pending_shares"]),
                "lapsed_shares": _plain(row["lapsed_shares"]),
                "exercise_price": _num(row["exercise_price_usd"]),
                "price": _num(row["price_usd"]),
                "price_source": _text(row["price_source"]),
                "intrinsic_value": _num(row["intrinsic_value_usd"]),
                "stake": _plain(row["stake"]),
                "expired": row["expired"],
            }
        )
    return out


def listings_section(ctx: Any) -> dict[str, Any]:
    """Per company: its listings (proceeds, primary and secondary, named buyers)."""
    out: dict[str, list[dict[str, Any]]] = {}
    if not ctx.ledger.records("listings"):
        return out
    result = listing(ctx.ledger)
    buyers: dict[str, list[dict[str, Any]]] = {}
    for b in Result(result.buyers).rows():
        buyers.setdefault(str(b["listing"]), []).append(
            {"buyer": b["buyer"], "shares": _plain(b["shares"]), "amount": _num(b["amount_usd"])}
        )
    for row in result.rows():
        if row["company"] not in ctx.when:
            continue
        out.setdefault(row["company"], []).append(
            {
                "listing": row["listing"],
                "kind": row["kind"],
                "status": row["status"],
                "date": row["date"],
                "price": _num(row["price_usd"]),
                "shares_offered": _plain(row["shares_offered"]),
                "gross_proceeds": _num(row["gross_proceeds_usd"]),
                "primary_proceeds": _num(row["primary_proceeds_usd"]),
                "secondary_proceeds": _num(row["secondary_proceeds_usd"]),
                "buyers": buyers.get(str(row["listing"]), []),
            }
        )
    return out


def mergers_section(ctx: Any) -> dict[str, Any]:
    """Per company: the mergers it was a side of (its side's holders' share of the result)."""
    out: dict[str, list[dict[str, Any]]] = {}
    if not ctx.ledger.records("mergers"):
        return out
    rows = merger(ctx.ledger).rows()
    by_merger: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_merger.setdefault(str(row["merger"]), []).append(row)
    for sides in by_merger.values():
        for row in sides:
            company = row["entity"]
            if company not in ctx.when:
                continue
            other = next((s["entity"] for s in sides if s is not row), None)
            out.setdefault(company, []).append(
                {
                    "merger": row["merger"],
                    "kind": row["kind"],
                    "status": row["status"],
                    "date": row["date"],
                    "side": row["side"],
                    "counterparty": other,
                    "result": row["result"],
                    "holders_share": _plain(row["holders_share"]),
                    "method": _text(row["method"]),
                    "combined_value": _num(row["combined_value_usd"]),
                    "implied_value": _num(row["implied_value_usd"]),
                    "deal_value": _num(row["deal_value_usd"]),
                }
            )
    return out


def vehicles_section(ctx: Any) -> dict[str, Any]:
    """Per company: the vehicles it is, leases from, sells to or puts money in."""
    out: dict[str, list[dict[str, Any]]] = {}
    if not ctx.ledger.records("vehicles"):
        return out
    by_record: dict[str, list[dict[str, Any]]] = {}
    for row in capital_stack(ctx.ledger).rows():
        by_record.setdefault(str(row["record"]), []).append(row)
    for record, pieces in by_record.items():
        head = pieces[0]
        involved = {head["vehicle"], head["lessee"], head["seller"]}
        involved |= {p["participant"] for p in pieces}
        entry = {
            "record": record,
            "vehicle": head["vehicle"],
            "kind": head["kind"],
            "status": head["status"],
            "buys": _text(head["buys"]),
            "seller": _text(head["seller"]),
            "lessee": _text(head["lessee"]),
            "total": _num(head["total_usd"]),
            "pieces": [
                {
                    "participant": p["participant"],
                    "piece": p["piece"],
                    "amount": _num(p["amount_usd"]),
                    "share_of_total": _plain(p["share_of_total"]),
                }
                for p in pieces
                if p["piece"]
            ],
            "lease_months": _plain(head["lease_months"]),
            "lease_annual": _num(head["lease_annual_usd"]),
        }
        for company in sorted(c for c in involved if c in ctx.when):
            out.setdefault(company, []).append(entry)
    return out


def capex_section(ctx: Any) -> dict[str, Any]:
    """Per company: its capex figures reported by its report date (guidance revisions, plans,
    actuals)."""
    out: dict[str, list[dict[str, Any]]] = {}
    if not ctx.ledger.records("capex"):
        return out
    dates = {c: day for day, members in _dates(ctx, ("capex",)).items() for c in members}
    for row in capex_at(ctx.ledger, dates).rows():  # each company as of its date
        out.setdefault(row["company"], []).append(
            {
                "record": row["record"],
                "basis": row["basis"],
                "period": _text(row["period"]),
                "project": _text(row["project"]),
                "reported": row["reported"],
                "revision": row["revision"],
                "low": _num(row["low_usd"]),
                "high": _num(row["high_usd"]),
                "midpoint": _num(row["midpoint_usd"]),
                "actual": _num(row["actual_usd"]),
                "growth": _plain(row["growth"]),
                "progress": _plain(row["progress"]),
                "scheduled": _plain(row["scheduled"]),
            }
        )
    return out


def customers_section(ctx: Any) -> dict[str, Any]:
    """Per company: its customers' amounts and shares of each revenue total, and the rest."""
    out: dict[str, list[dict[str, Any]]] = {}
    revenues = ledger_frame(ctx.ledger, "revenues")  # read only
    if not revenues["included_in"].notna().any():
        return out
    for row in customers(ctx.ledger).rows():
        if row["company"] not in ctx.when:
            continue
        out.setdefault(row["company"], []).append(
            {
                "total": row["total"],
                "from": row["period_start"],
                "to": row["period_end"],
                "kind": row["kind"],
                "customer": _text(row["customer"]),
                "record": _text(row["record"]),
                "share": _plain(row["share"]),
                "amount": _num(row["amount_usd"]),
                "derived": row["derived"],
                "method": row["method"],
            }
        )
    return out


#: The report's deal sections, in order: name -> builder.
DEAL_BUILDERS = {
    "warrants": warrants_section,
    "listings": listings_section,
    "mergers": mergers_section,
    "vehicles": vehicles_section,
    "capex": capex_section,
    "customers": customers_section,
}


# -- the sections' JSON Schemas --------------------------------------------------------------


def _list(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": obj(properties)}


def section_schemas() -> dict[str, Any]:
    """The JSON Schema of each deal section of a report company (a list, empty when the data
    has nothing for the company)."""
    return {
        "warrants": _list(
            {
                "warrant": TEXT,
                "role": {"enum": ["issuer", "holder"]},
                "counterparty": TEXT,
                "instrument": TEXT,
                "status": TEXT,
                "shares": NUMBER,
                "vested_shares": NUMBER,
                "pending_shares": NUMBER,
                "lapsed_shares": NUMBER,
                "exercise_price": USD,
                "price": USD,
                "price_source": MAYBE_TEXT,
                "intrinsic_value": USD,
                "stake": SHARE,
                "expired": BOOL,
            }
        ),
        "listings": _list(
            {
                "listing": TEXT,
                "kind": TEXT,
                "status": TEXT,
                "date": DAY,
                "price": USD,
                "shares_offered": NUMBER,
                "gross_proceeds": USD,
                "primary_proceeds": USD,
                "secondary_proceeds": USD,
                "buyers": _list({"buyer": TEXT, "shares": NUMBER, "amount": USD}),
            }
        ),
        "mergers": _list(
            {
                "merger": TEXT,
                "kind": TEXT,
                "status": TEXT,
                "date": DAY,
                "side": {"enum": ["acquirer", "target"]},
                "counterparty": MAYBE_TEXT,
                "result": TEXT,
                "holders_share": SHARE,
                "method": MAYBE_TEXT,
                "combined_value": USD,
                "implied_value": USD,
                "deal_value": USD,
            }
        ),
        "vehicles": _list(
            {
                "record": TEXT,
                "vehicle": TEXT,
                "kind": TEXT,
                "status": TEXT,
                "buys": MAYBE_TEXT,
                "seller": MAYBE_TEXT,
                "lessee": MAYBE_TEXT,
                "total": USD,
                "pieces": _list(
                    {
                        "participant": TEXT,
                        "piece": TEXT,
                        "amount": USD,
                        "share_of_total": SHARE,
                    }
                ),
                "lease_months": NUMBER,
                "lease_annual": USD,
            }
        ),
        "capex": _list(
            {
                "record": TEXT,
                "basis": {"enum": ["guidance", "plan", "actual"]},
                "period": MAYBE_TEXT,
                "project": MAYBE_TEXT,
                "reported": DAY,
                "revision": INT,
                "low": USD,
                "high": USD,
                "midpoint": USD,
                "actual": USD,
                "growth": SHARE,
                "progress": SHARE,
                "scheduled": SHARE,
            }
        ),
        "customers": _list(
            {
                "total": TEXT,
                "from": DAY,
                "to": DAY,
                "kind": {"enum": ["customer", "rest"]},
                "customer": MAYBE_TEXT,
                "record": MAYBE_TEXT,
                "share": SHARE,
                "amount": USD,
                "derived": BOOL,
                "method": TEXT,
            }
        ),
    }
