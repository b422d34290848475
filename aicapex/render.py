"""Text rendering: the report, a runway and a ledger's summary as people read them.

Renderers take the JSON-ready data the library computes (:func:`aicapex.report.report`,
:meth:`aicapex.analysis.runway.Runway.to_dict`, :meth:`aicapex.ledger.Ledger.summary`) and
return text; they compute nothing. Each report section has a renderer in :data:`RENDERERS`; a
section without one is shown generically, so a new analysis appears in the text report as soon as
it joins :data:`aicapex.report.SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["RENDERERS", "money", "months", "render_report", "render_summary"]

HORIZON_TEXT = "horizon (20 years)"
_BOUND = {"upper": "at most ", "lower": "at least "}
_LABEL = 15  # width of a line's label


def money(value: object) -> str:
    """US dollars in millions or billions: ``$11.83M``, ``-$1.20B``; ``n/a`` for none."""
    if value is None:
        return "n/a"
    v = float(value)  # type: ignore[arg-type]
    sign = "-" if v < 0 else ""
    v = abs(v)
    return f"{sign}${v / 1e9:,.2f}B" if v >= 1e9 else f"{sign}${v / 1e6:,.2f}M"


def months(value: object) -> str:
    """``0.34 months``; ``n/a`` for none."""
    if value is None:
        return "n/a"
    return f"{float(value):.2f} months"  # type: ignore[arg-type]


def _line(label: str, text: str) -> str:
    return f"{label:<{_LABEL}}{text}"


def _cash(cash: dict[str, Any]) -> list[str]:
    word = _BOUND.get(cash["bound"] or "", "")
    return [_line("cash", f"{word}{money(cash['amount'])} on {cash['date']}")]


def _burn(b: dict[str, Any]) -> list[str]:
    out = [
        _line(
            "burn",
            f"{money(b['monthly_net'])}/month net ({money(b['monthly_gross'])} spent, "
            f"{money(b['monthly_revenue'])} revenue; {b['from']} to {b['to']})",
        )
    ]
    cats = ", ".join(f"{k} {money(v)}" for k, v in b["by_category"].items() if v)
    if cats:
        out.append(_line("  spending", f"{cats} a month"))
    return out


def _runway(runways: dict[str, Any]) -> list[str]:
    out = []
    for policy, r in runways.items():
        if "error" in r:
            out.append(_line(f"runway ({policy})", f"n/a: {r['error']}"))
        elif r["runs_out"]:
            bound = _BOUND.get(r["bound"], "")
            out.append(
                _line(
                    "runway",
                    f"{bound}{months(r['months'])}, cash out {r['cash_out']}  [{policy}]",
                )
            )
        else:
            out.append(_line("runway", f"beyond the {HORIZON_TEXT}  [{policy}]"))
    return out


def _assumptions(runways: dict[str, Any]) -> list[str]:
    """The runway's assumptions (of its first policy), which close a company's block."""
    notes = next((r["assumptions"] for r in runways.values() if "assumptions" in r), None)
    return [_line("assumptions", ("\n" + " " * _LABEL).join(notes))] if notes else []


def _gap(g: dict[str, Any]) -> list[str]:
    ratio = "no revenue" if g["ratio"] is None else f"{g['ratio']:.1f}x revenue"
    cover = (
        f"revenue covers {100 * g['coverage']:.0f}% of compute"
        if g["coverage"] is not None
        else "no compute spending recorded"
    )
    return [
        _line("compute gap", f"{g['period']}: compute {money(g['compute'])} = {ratio}; {cover}")
    ]


def _arrears(a: dict[str, Any]) -> list[str]:
    if not a["total"]:
        return []
    parts = ", ".join(f"{p} {money(v['outstanding'])}" for p, v in a["by_provider"].items())
    return [_line("arrears", f"{money(a['total'])} unpaid at {a['as_of']}: {parts}")]


def _funding(f: dict[str, Any]) -> list[str]:
    return [_line("funding", ", ".join(f"{k} {money(v)}" for k, v in f.items()))] if f else []


def _conflicts(conflicts: list[dict[str, Any]]) -> list[str]:
    out = []
    for conflict in conflicts:
        reports = "; ".join(
            f"{r['value']} ({r['id']}, {r['reported']})" for r in conflict["reports"]
        )
        out.append(_line("conflict", f"{conflict['kind']} {conflict['fact']}: {reports}"))
    return out


def _generic(name: str, value: Any) -> list[str]:
    """A section without a renderer: its data as ``key value`` lines."""
    if isinstance(value, dict):
        return [_line(name.replace("_", " "), ", ".join(f"{k} {v}" for k, v in value.items()))]
    if isinstance(value, list):
        return [_line(name.replace("_", " "), str(item)) for item in value]
    return [_line(name.replace("_", " "), str(value))]


#: Text renderers of report sections: section name -> function of its data -> lines.
RENDERERS: dict[str, Callable[[Any], list[str]]] = {
    "cash": _cash,
    "burn": _burn,
    "runway": _runway,
    "compute_gap": _gap,
    "arrears": _arrears,
    "funding": _funding,
    "conflicts": _conflicts,
}

#: Keys of a company's report that are not sections.
_HEAD = ("id", "name", "as_of")


def render_report(data: dict[str, Any]) -> str:
    """The text of a report (:func:`aicapex.report.report`'s data): a block per company, its
    sections in the report's order, the runway's assumptions last."""
    out: list[str] = []
    for c in data["companies"]:
        out.append(f"== {c['name']} ({c['id']})" + (f", as of {c['as_of']}" if c["as_of"] else ""))
        for name, value in c.items():
            if name in _HEAD or not value:
                continue
            render = RENDERERS.get(name)
            out.extend(render(value) if render else _generic(name, value))
        out.extend(_assumptions(c.get("runway") or {}))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_summary(s: dict[str, Any]) -> str:
    """The text of :meth:`aicapex.ledger.Ledger.summary`: span, entities, records by kind."""
    lines = [
        f"{s['total']} records, covering {s['span'][0]} to {s['span'][1]}"
        if s["span"]
        else f"{s['total']} records"
    ]
    companies = s["entities"].get("company", {})
    if companies:
        lines.append(f"companies ({len(companies)}): " + ", ".join(sorted(companies.values())))
    others = {t: v for t, v in s["entities"].items() if t != "company"}
    for kind, names in sorted(others.items()):
        lines.append(
            f"{kind.replace('_', ' ')}s ({len(names)}): " + ", ".join(sorted(names.values()))
        )
    lines.append("records by kind:")
    width = max((len(k) for k in s["records"]), default=0)
    lines.extend(f"  {k:<{width}}  {n:>6}" for k, n in s["records"].items())
    return "\n".join(lines)
