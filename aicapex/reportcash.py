"""The report's cash and runway sections: each company's runway under every policy, from its
own report date (one :func:`~aicapex.analysis.runway.runway` per policy for all companies at
once), and the cash balance the runways start from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aicapex.analysis.result import cents as _num
from aicapex.analysis.result import jsonable
from aicapex.analysis.runway import POLICIES, runways
from aicapex.analysis.runwaykit import latest_balances
from aicapex.reportdeals import known_by_participations
from aicapex.table.conflicts import resolve as resolve_conflicts

if TYPE_CHECKING:
    import pandas as pd

    from aicapex.ledger import Ledger

__all__ = [
    "cash_section",
    "funding_section",
    "known_by_tranches",
    "runway_section",
    "unrated_cash",
    "written_as",
]


def _months(value: Any) -> float | None:
    """Months rounded to two decimals (``None``: beyond the horizon), as the table shows them."""
    v = jsonable(value)
    return None if v is None else round(float(v), 2)


def _heads(text: str, companies: set[str]) -> list[str]:
    """The companies ``text`` starts with, each followed by ``":"`` (ids may hold ``":"``)."""
    heads = []
    i = text.find(":")
    while i != -1:
        if text[:i] in companies:
            heads.append(text[:i])
        i = text.find(":", i + 1)
    return heads


def unrated_cash(balances: pd.DataFrame, when: Mapping[str, str | None]) -> dict[str, str]:
    """The companies whose runway would start from a cash balance (their last at or before
    their report date ``when``) in a currency without an exchange rate at its date, and why:
    their cash and runway are refused, the rest of their report stands."""
    dated = {c: w for c, w in when.items() if w is not None}
    cash = balances[balances["company"].astype("object").isin(list(dated)).to_numpy()]
    lacking = cash["amount_usd"].isna()
    if not lacking.any():
        return {}
    # the balance each runway starts from, chosen as runway chooses it (without refusing)
    chosen = latest_balances(cash.assign(amount_usd=cash["amount_usd"].fillna(0.0)), dated)
    unrated = chosen[chosen["id"].isin(cash["id"][lacking.to_numpy()]).to_numpy()]
    return {
        str(company): f"its cash balance {row.id} is in {row.amount_currency}, which has no "
        f"exchange rate at its date: add fx_rates records for {row.amount_currency}"
        for company, row in zip(unrated.index, unrated.itertuples(index=False), strict=True)
    }


def _runways(ctx: Any) -> dict[str, dict[str, Any]]:
    """Every company's runway under each policy, each from its own report date: the three
    policies for all companies at once (:func:`~aicapex.analysis.runway.runways`)."""
    dated = {c: w for c, w in ctx.when.items() if w is not None and c not in ctx.unpriced}
    cash = ctx.balances[ctx.balances["company"].astype("object").isin(list(dated)).to_numpy()]
    out: dict[str, dict[str, Any]] = {}
    if cash.empty:
        return out
    every = runways(ctx.priced, as_of=dated, policies=POLICIES, cash=cash)  # type: ignore[arg-type]
    for policy, r in every.items():
        companies = set(r.frame["entity"].astype("object"))
        # an entity's own assumptions start "<entity>:" (ids may hold ":")
        general: list[str] = []
        owned: dict[str, list[str]] = {}
        for a in r.assumptions:
            heads = _heads(a, companies)
            for head in heads:
                owned.setdefault(head, []).append(a)
            if not heads:
                general.append(a)
        by_entity = r.records_by_entity()
        for row in r.rows():
            c = str(row["entity"])
            own = owned.get(c, [])
            out.setdefault(c, {})[policy] = {
                "months": row["months"],
                "months_low": _months(row["months_low"]),
                "months_high": _months(row["months_high"]),
                "runs_out": row["runs_out"],
                "cash_out": row["cash_out"],
                "cash_out_earliest": row["cash_out_earliest"],
                "cash_out_latest": row["cash_out_latest"],
                "bound": row["bound"],
                "balance": _num(row["balance_usd"]),
                "balance_date": row["balance_date"],
                "balance_record": row["balance_record"],
                "start_cash": _num(row["start_cash"]),
                "burn_after": _num(row["burn_after"]),
                "assumptions": [a.replace("each entity's date", dated[c]) for a in general] + own,
                "records": by_entity[c],
            }
    return out


def cash_section(ctx: Any) -> dict[str, Any]:
    """The cash balance each runway starts from: US dollars, and the figure as written."""
    out = {}
    for c, policies in runway_section(ctx).items():
        r = policies.get("disbursed")
        if r:
            written, currency = written_as(ctx.ledger, r["balance_record"], "amount")
            out[c] = {
                "amount": r["balance"],
                "written": written,
                "currency": currency,
                "bound": r["bound"],
                "date": r["balance_date"],
                "record": r["balance_record"],
            }
    return out


def written_as(ledger: Ledger, record_id: str | None, name: str) -> tuple[str | None, str | None]:
    """The money field ``name`` of a record as written (``"less than $4M"``) and its currency
    (``None``, ``None`` for no such record or field)."""
    record = ledger.get(record_id) if record_id else None
    value = getattr(record, name, None)
    if value is None:
        return None, None
    return str(value), str(value.currency)


def runway_section(ctx: Any) -> dict[str, dict[str, Any]]:
    """The runways, computed once per report (the cash section reads them too)."""
    runways: dict[str, dict[str, Any]] = ctx.once("runways", lambda: _runways(ctx))
    return runways


#: Tranche statuses that move no money (their part of the round is accounted for, not paid).
_ENDED = ("cancelled", "failed")


def _tranched(ledger: Ledger) -> dict[str, float]:
    """Each round's tranches not cancelled or failed, in US dollars at their own dates (as the
    flows price them; NaN when one has no rate): rounds with such tranches only."""
    tranches = ledger.frame("tranches")
    live = tranches[~tranches["status"].astype("object").isin(_ENDED).to_numpy()]
    usd = live["amount_usd"]
    rounds = live["round"].astype("object").to_numpy()
    missing = usd.isna().groupby(rounds, sort=False).any()
    sums = usd.groupby(rounds, sort=False).sum().where(~missing)
    return {str(r): float(v) for r, v in sums.items()}


def known_by_tranches(ledger: Ledger) -> dict[str, tuple[float, str, str | None]]:
    """Rounds without an amount, nor participations with amounts, whose tranches not cancelled
    or failed give one (the money the flows move for them): their sum in US dollars (NaN
    without a rate for one of them), the amounts as written joined by `` + `` and their
    currency (``None`` when they are in several)."""
    tranched = _tranched(ledger)
    out: dict[str, tuple[float, str, str | None]] = {}
    for rid, usd in tranched.items():
        record = ledger.get(rid)
        if getattr(record, "amount", None) is not None:
            continue
        parts = [t.amount for t in getattr(record, "tranches", ()) if t.status not in _ENDED]
        if not parts:
            continue
        currencies = {str(money.currency) for money in parts}
        one = currencies.pop() if len(currencies) == 1 else None
        out[rid] = (usd, " + ".join(str(money) for money in parts), one)
    return out


def funding_section(ctx: Any) -> dict[str, Any]:
    """Each company's rounds (conflicting reports resolved as the flows resolve them): a row per
    round with its amount in US dollars and as written, and the totals in US dollars by status
    (rounds without an amount or a rate at their date are listed with ``"amount": null``, out
    of the totals). A round without an amount counts, as the flows do, its participations'
    amounts, else its tranches not cancelled or failed: ``"amount_from"`` says which
    (``round``, ``participations``, ``tranches``). ``"bound"``: the kind of figure (``exact``,
    ``approx``, ``lower``, ``upper``, ``range`` or ``ceiling``: "up to $100B", none of which
    may come); ``"tranched"``: the round's tranches not cancelled or failed, in US dollars
    (``null`` without any): of a ceiling, the part the flows move (the rest is conditional)."""
    rounds, _ = resolve_conflicts(ctx.ledger.frame("funding_rounds"), "funding_rounds")
    out: dict[str, Any] = {}
    rounds = rounds.sort_values(["date_start", "id"], kind="stable")
    columns = ["id", "company", "status", "date_start", "amount_usd"]
    known = {
        **{r: (v, "tranches") for r, v in known_by_tranches(ctx.ledger).items()},
        **{r: (v, "participations") for r, v in known_by_participations(ctx.ledger).items()},
    }
    tranched = _tranched(ctx.ledger)
    for rid, company, status, start, usd in rounds[columns].itertuples(index=False):
        mine = out.setdefault(str(company), {"by_status": {}, "rounds": []})
        parts, origin = known.get(rid) or (None, "round")
        usd, written, currency = parts or (usd, *written_as(ctx.ledger, rid, "amount"))
        value = getattr(record := ctx.ledger.get(str(rid)), "amount", None)
        amount = _num(usd) if written is not None else None
        mine["rounds"].append(
            {
                "id": str(rid),
                "status": str(status),
                "date": str(getattr(record, "date", "")) or jsonable(start),
                "amount": amount,
                "written": written,
                "currency": currency,
                "bound": value.kind if value is not None else None,
                "amount_from": origin if written is not None else None,
                "tranched": _num(tranched[rid]) if rid in tranched else None,
            }
        )
        if amount is not None:
            totals = mine["by_status"]
            totals[str(status)] = _num(totals.get(str(status), 0.0) + amount)
    for mine in out.values():
        mine["by_status"] = dict(sorted(mine["by_status"].items()))
    return out
