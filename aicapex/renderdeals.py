"""Text renderers of the report's deal sections (:mod:`aicapex.reportdeals`):
:mod:`aicapex.render` registers them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aicapex.money import format_usd

__all__ = ["DEAL_RENDERERS", "raised", "render_funding"]

_LABEL = 15


def _money(value: object) -> str:
    return format_usd(None if value is None else float(value))  # type: ignore[arg-type]


def _per_share(value: object) -> str:
    """A price of one share: ``$10.00``, ``$0.01`` (not in millions: ``$0.00M``)."""
    return "n/a" if value is None else f"${float(value):,.2f}"  # type: ignore[arg-type]


def _line(label: str, text: str) -> str:
    return f"{label:<{_LABEL}}{text}"


def _shares(n: object) -> str:
    if n is None:
        return "n/a"
    value = float(n)  # type: ignore[arg-type]
    for suffix, scale in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(value) >= scale:
            return f"{value / scale:,.4g}{suffix}"
    return f"{value:,.0f}"


def _share(value: object) -> str:
    return "n/a" if value is None else f"{100 * float(value):.4g}%"  # type: ignore[arg-type]


def _warrants(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for w in items:
        whose = "to" if w["role"] == "issuer" else "from"
        price = (
            f"; at {_per_share(w['price'])} ({w['price_source']}) worth "
            f"{_money(w['intrinsic_value'])} vested"
            if w["price"] is not None
            else "; no share price"
        )
        price += "; expired" if w["expired"] else ""
        stake = f", {_share(w['stake'])} fully diluted" if w["stake"] is not None else ""
        out.append(
            _line(
                "warrant",
                f"{w['instrument']} {whose} {w['counterparty']} ({w['warrant']}, {w['status']}): "
                f"{_shares(w['shares'])} shares{stake}, {_shares(w['vested_shares'])} vested, "
                f"{_shares(w['pending_shares'])} pending{price}",
            )
        )
    return out


def _listings(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for x in items:
        out.append(
            _line(
                "listing",
                f"{x['kind'].replace('_', ' ')} {x['date'] or ''} ({x['listing']}, {x['status']}): "
                f"{_shares(x['shares_offered'])} shares at {_per_share(x['price'])}, gross "
                f"{_money(x['gross_proceeds'])} (primary {_money(x['primary_proceeds'])}, "
                f"secondary {_money(x['secondary_proceeds'])})",
            )
        )
        for b in x["buyers"]:
            out.append(
                _line(
                    "  buyer", f"{b['buyer']}: {_shares(b['shares'])} shares, {_money(b['amount'])}"
                )
            )
    return out


def _mergers(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for m in items:
        share = (
            f"its holders get {_share(m['holders_share'])} of {m['result']} ({m['method']})"
            if m["holders_share"] is not None
            else "its holders' share not reported"
        )
        value = f", combined {_money(m['combined_value'])}" * (m["combined_value"] is not None)
        deal = f", deal {_money(m['deal_value'])}" * (m["deal_value"] is not None)
        out.append(
            _line(
                "merger",
                f"{m['kind'].replace('_', ' ')} {'of' if m['side'] == 'acquirer' else 'by'} "
                f"{m['counterparty']} ({m['merger']}, {m['status']}, {m['date'] or 'no date'}): "
                f"{share}{value}{deal}",
            )
        )
    return out


def _vehicles(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for v in items:
        pieces = ", ".join(
            f"{p['participant']} {p['piece']} {_money(p['amount'])}"
            + (f" ({_share(p['share_of_total'])})" if p["share_of_total"] is not None else "")
            for p in v["pieces"]
        )
        lease = ""
        if v["lessee"]:
            lease = f"; leased to {v['lessee']}"
            if v["lease_annual"] is not None:
                lease += f" at {_money(v['lease_annual'])}/yr"
            if v["lease_months"] is not None:
                lease += f" for {v['lease_months']:.0f} months"
        buys = f", buys {v['buys']}" if v["buys"] else ""
        total = f", total {_money(v['total'])}" if v["total"] is not None else ""
        out.append(
            _line(
                "vehicle",
                f"{v['vehicle']} ({v['record']}, {v['kind']}, {v['status']}){buys}{total}: "
                f"{pieces or 'no pieces reported'}{lease}",
            )
        )
    return out


def _capex(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for c in items:
        # a ceiling's base is its top ('up to $12.6B' read '$0.00M to $12.60B (mid $12.60B)'),
        # a bound's its bound: 'base', the midpoint of a range only
        figure = (
            _money(c["midpoint"])
            if c["low"] == c["high"]
            else f"up to {_money(c['high'])}"
            if c["low"] == 0 and c["midpoint"] == c["high"]
            else f"{_money(c['low'])} to {_money(c['high'])} (base {_money(c['midpoint'])})"
        )
        what = c["basis"] + (f" #{c['revision']}" if c["basis"] == "guidance" else "")
        period = c["period"] or "no period"
        extra = []
        if c["basis"] != "actual" and c["actual"] is not None:
            extra.append(f"actual {_money(c['actual'])}")
        if c["growth"] is not None:
            extra.append(f"growth {_share(c['growth'])}")
        if c["progress"] is not None:
            extra.append(f"progress {_share(c['progress'])}")
        if c["scheduled"] is not None:
            extra.append(f"scheduled {_share(c['scheduled'])}")
        project = f" ({c['project']})" if c["project"] else ""
        reported = f", reported {c['reported']}" if c["reported"] else ""
        tail = f"; {', '.join(extra)}" if extra else ""
        out.append(_line("capex", f"{what}{project}, {period}: {figure}{reported}{tail}"))
    return out


def _customers(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for c in items:
        who = c["customer"] or ("the rest" if c["kind"] == "rest" else "unnamed customer")
        out.append(
            _line(
                "customer",
                f"{who} of {c['total']}: {_share(c['share'])}, {_money(c['amount'])} "
                f"({c['method']})",
            )
        )
    return out


#: Renderers of the deal sections.
DEAL_RENDERERS: dict[str, Callable[[Any], list[str]]] = {
    "warrants": _warrants,
    "listings": _listings,
    "mergers": _mergers,
    "vehicles": _vehicles,
    "capex": _capex,
    "customers": _customers,
}


# -- the funding section (:func:`aicapex.reportcash.funding_section`) ------------------------


def render_funding(f: dict[str, Any]) -> list[str]:
    """The report's funding section as text: totals by status, the rounds counted at a point of
    a span or from another currency as reported, rounds without dollars, rounds whose amount is
    a sum of their parts."""
    totals = f.get("by_status") or {}
    out = [_line("funding", ", ".join(_status_total(f, k, v) for k, v in totals.items()))]
    unpriced = [r for r in f.get("rounds", ()) if r["amount"] is None and r["written"]]
    if unpriced:
        shown = ", ".join(f"{r['written']} ({r['id']})" for r in unpriced)
        said = f"not in US dollars (no exchange rate): {shown}"
        # without a total in US dollars, on the section's own line (it was left blank)
        out = [*out, _line("", said)] if totals else [_line("funding", said)]
    loose = [  # a midpoint or another currency: the figure as reported too
        r
        for r in f.get("rounds", ())
        if r["amount"] is not None
        and r["written"]
        and r.get("amount_from") == "round"
        and (r.get("bound") in _LOOSE or r.get("currency") not in (None, "USD"))
    ]
    if loose:
        shown = ", ".join(f"{r['written']} ({r['id']})" for r in loose)
        out.append(_line("", f"as reported: {shown}"))
    summed = [r for r in f.get("rounds", ()) if r.get("amount_from") in _SUMMED]
    for r in summed:
        of = _SUMMED[r["amount_from"]]
        out.append(_line("", f"{r['id']}: no amount reported; {of} counted: {r['written']}"))
    return out if totals or unpriced else []


#: Kinds of amounts counted at a point of their span (a range's midpoint, an approximation or a
#: bound as written): the text says them as reported.
_LOOSE = ("range", "approx", "lower", "upper")

#: Rounds without an amount: what their amount is the sum of.
_SUMMED = {"participations": "its investors' amounts", "tranches": "its tranches"}


def _status_total(f: dict[str, Any], status: str, total: Any) -> str:
    """``announced $100.00B``, saying where ceilings are in it: ``announced up to $100.00B``
    (every round of the status a ceiling: none of it may come) or ``closed $1.10B (up to
    $100.00M of it)``."""
    ceilings = [
        r["amount"]
        for r in f.get("rounds", ())
        if r["status"] == status and r["amount"] is not None and r.get("bound") == "ceiling"
    ]
    if not ceilings:
        return f"{status} {_money(total)}"
    tranched = sum(
        r.get("tranched") or 0.0
        for r in f.get("rounds", ())
        if r["status"] == status and r["amount"] is not None and r.get("bound") == "ceiling"
    )
    of_it = f"{_money(tranched)} of it in tranches" if tranched else ""
    if len(ceilings) == sum(
        1 for r in f.get("rounds", ()) if r["status"] == status and r["amount"] is not None
    ):
        return f"{status} up to {_money(total)}" + (f" ({of_it})" if of_it else "")
    of_that = f", {_money(tranched)} of that in tranches" if tranched else ""
    return f"{status} {_money(total)} (up to {_money(sum(ceilings))} of it{of_that})"


#: Round statuses whose amounts count as raised in the CSV's ``funding_usd``.
_RAISED = ("announced", "committed", "closed")


def raised(funding: dict[str, Any]) -> float | None:
    """The CSV's ``funding_usd``: the rounds announced, committed or closed in US dollars, as
    the text counts them raised: a ceiling ("up to $2B", none of which may come) counts only
    its tranches not cancelled or failed (its ``tranched``), the rest of it not at all (the
    flows' ``conditional``); ``None`` without any round in US dollars."""
    by_status = funding.get("by_status") or {}
    if not by_status:
        return None
    total = 0.0
    for r in funding.get("rounds", ()):
        if r["status"] not in _RAISED or r["amount"] is None:
            continue
        total += (r.get("tranched") or 0.0) if r.get("bound") == "ceiling" else r["amount"]
    return round(total, 2)
