"""Text rendering: the report, a runway and a ledger's summary as people read them.

Renderers take the JSON-ready data the library computes (:func:`aicapex.report.report`,
:meth:`aicapex.analysis.runway.Runway.to_dict`, :meth:`aicapex.ledger.Ledger.summary`) and
return text; they compute nothing. Each report section has a renderer in :data:`RENDERERS`; a
section without one is shown generically, so a new analysis appears in the text report as soon as
it joins :data:`aicapex.report.SECTIONS`.

Ledger text is shown escaped (a line break as ``\\n``, an escape sequence's ESC as ``\\x1b``:
:mod:`aicapex.rendertext`), in every renderer of this module and its siblings; the CSV
renderers keep the exact text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aicapex.money import format_usd
from aicapex.renderdeals import DEAL_RENDERERS, raised, render_funding
from aicapex.rendergpus import GPU_RENDERERS
from aicapex.renderscenarios import SCENARIO_RENDERERS
from aicapex.rendertext import csv_value, terminal_data, terminal_text

__all__ = ["RENDERERS", "money", "months", "render_report", "render_summary"]

HORIZON_TEXT = "horizon (20 years)"
_BOUND = {"upper": "at most ", "lower": "at least "}
_LABEL = 15  # width of a line's label


def money(value: object) -> str:
    """US dollars in millions or billions (:func:`aicapex.money.format_usd`)."""
    return format_usd(None if value is None else float(value))  # type: ignore[arg-type]


def months(value: object) -> str:
    """``0.34 months``; ``n/a`` for none."""
    if value is None:
        return "n/a"
    return f"{float(value):.2f} months"  # type: ignore[arg-type]


def _line(label: str, text: str) -> str:
    return f"{label:<{_LABEL}}{text}"


def _cash(cash: dict[str, Any]) -> list[str]:
    word = _BOUND.get(cash["bound"] or "", "")
    # a range, an approximation or another currency: the figure as reported too ('$10M to
    # $12M' read '$11.00M', its midpoint, with no word of the range the runway's ends come from)
    written = cash.get("written")
    shown = written and (
        cash["bound"] in ("approx", "range", "ceiling") or cash.get("currency") not in (None, "USD")
    )
    reported = f" (reported as {written})" if shown else ""
    return [_line("cash", f"{word}{money(cash['amount'])} on {cash['date']}{reported}")]


def _burn(b: dict[str, Any]) -> list[str]:
    out = [
        _line(
            "burn",
            f"{money(b['monthly_net'])}/month net"
            f"{_span(b['monthly_net'], b.get('monthly_net_low'), b.get('monthly_net_high'), money)}"
            f" ({money(b['monthly_gross'])} spent, "
            f"{money(b['monthly_revenue'])} revenue; {_burn_months(b)})",
        )
    ]
    cats = ", ".join(f"{k} {money(v)}" for k, v in b["by_category"].items() if v)
    if cats:
        out.append(_line("  spending", f"{cats} a month"))
    return out


def _burn_months(b: dict[str, Any]) -> str:
    """The months a burn is the mean of: ``2023-01 to 2023-12``, or, when some months between
    have no records, how many do (``the 2 months with records from 2023-01 to 2023-10``): the
    mean is of those months alone, not of the span. One month: ``2023-03``."""
    span = f"{b['from']} to {b['to']}" if b["from"] != b["to"] else str(b["from"])
    try:
        (y0, m0), (y1, m1) = (map(int, str(b[k]).split("-")) for k in ("from", "to"))
    except ValueError:
        return span
    months = b.get("months")
    if not isinstance(months, int) or months >= (y1 - y0) * 12 + m1 - m0 + 1:
        return span
    noun = "month" if months == 1 else f"{months} months"
    return f"the {noun} with records from {span}"


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
                    f"{bound}{months(r['months'])}{_months_range(r)}, cash out {r['cash_out']}"
                    f"{_days_range(r)}  [{policy}]",
                )
            )
        else:
            out.append(_line("runway", f"beyond the {HORIZON_TEXT}  [{policy}]"))
    return out


def _assumptions(runways: dict[str, Any]) -> list[str]:
    """The runway's assumptions (of its first policy), which close a company's block."""
    notes = next((r["assumptions"] for r in runways.values() if "assumptions" in r), None)
    return [_line("assumptions", ("\n" + " " * _LABEL).join(notes))] if notes else []


def _months_range(r: dict[str, Any]) -> str:
    """`` (0.31 to 0.37)`` where the ranges widen the runway, else nothing."""
    low, high = r.get("months_low"), r.get("months_high")
    if low == high == r["months"]:
        return ""
    shown_low = "n/a" if low is None else f"{low:.2f}"
    shown_high = "beyond the horizon" if high is None else f"{high:.2f}"
    return f" ({shown_low} to {shown_high})"


def _days_range(r: dict[str, Any]) -> str:
    early, late = r.get("cash_out_earliest"), r.get("cash_out_latest")
    if early == late == r["cash_out"]:
        return ""
    return f" ({early} to {late or 'never'})"


def _span(value: Any, low: Any, high: Any, fmt: Callable[[Any], str]) -> str:
    """`` (low to high)`` when the range is wider than the figure, else nothing."""
    if low is None or high is None or low == high == value:
        return ""
    return f" ({fmt(low)} to {fmt(high)})"


def _gap(g: dict[str, Any]) -> list[str]:
    """``2024: compute $5.00M = 10.0x revenue; revenue covers 10% of compute``; one side alone:
    ``compute $4.00M, no revenue recorded``, ``no compute spending recorded; revenue $5.00M``."""
    if g["coverage"] is None:  # no compute ("compute $0.00M = 0.0x revenue" said it)
        said = f"no compute spending recorded; revenue {money(g['revenue'])}"
    elif g["ratio"] is None:  # compute without revenue (the ratio is infinite)
        said = f"compute {money(g['compute'])}, no revenue recorded"
    else:
        ratio = f"{g['ratio']:.1f}x revenue"
        ratio += _span(g["ratio"], g.get("ratio_low"), g.get("ratio_high"), lambda v: f"{v:.1f}x")
        cover = f"revenue covers {100 * g['coverage']:.0f}% of compute"
        said = f"compute {money(g['compute'])} = {ratio}; {cover}"
    return [_line("compute gap", f"{g['period']}: {said}")]


def _arrears(a: dict[str, Any]) -> list[str]:
    if not a["total"]:
        return []
    parts = ", ".join(f"{p} {money(v['outstanding'])}" for p, v in a["by_provider"].items())
    total = money(a["total"]) + _span(a["total"], a.get("total_low"), a.get("total_high"), money)
    return [_line("arrears", f"{total} unpaid at {a['as_of']}: {parts}")]


def _conflicts(conflicts: list[dict[str, Any]]) -> list[str]:
    out = []
    for conflict in conflicts:
        reports = "; ".join(
            f"{r['value']} ({r['id']}, {r['reported']})" for r in conflict["reports"]
        )
        out.append(_line("conflict", f"{conflict['kind']} {conflict['fact']}: {reports}"))
    return out


def _share(value: Any) -> str:
    """A fraction as a percentage: ``20.5%``."""
    return f"{100 * float(value):.4g}%"


def _holder(h: dict[str, Any]) -> str:
    if h["share"] is None:
        unknown = "unknown" if h["holder"] == "others" else f"(share not reported: {h['records']})"
        return f"{h['holder']} {unknown}"
    shown = _share(h["share"]) + _span(h["share"], h["share_low"], h["share_high"], _share)
    return f"{h['holder']} {shown}"


def _ownership(o: dict[str, Any]) -> list[str]:
    """Holders (the counted ones, then promises), then implied valuations."""
    out = []
    counted = [h for h in o["holders"] if h["counted"]]
    if counted:
        basis = "fully diluted" if counted[0]["basis"] == "diluted" else "outstanding"
        text = ", ".join(_holder(h) for h in counted)
        out.append(_line("ownership", f"{text} (of the shares {basis})"))
    for h in o["holders"]:
        if not h["counted"]:
            out.append(_line("  not counted", f"{_holder(h)}: {h['note']}"))
    for v in o["valuations"]:
        if v["post_money"] is None:
            out.append(_line("valuation", f"n/a: {v['missing']} is not reported ({v['record']})"))
            continue
        value = money(v["post_money"])
        value += _span(v["post_money"], v["post_money_low"], v["post_money_high"], money)
        agree = {True: "; agrees", False: "; DISAGREES"}.get(v["agrees"], "")
        scenario = " (assumed share)" if v["assumed"] else ""
        out.append(
            _line(
                "valuation",
                f"{value} post-money{scenario} on {v['date']} ({v['record']}: "
                f"{v['method']}{agree})",
            )
        )
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
    "funding": render_funding,
    "conflicts": _conflicts,
    "ownership": _ownership,
}

RENDERERS.update(GPU_RENDERERS)
RENDERERS.update(SCENARIO_RENDERERS)
RENDERERS.update(DEAL_RENDERERS)

#: Keys of a company's report that are not sections.
_HEAD = ("id", "name", "as_of", "reasons")


def render_report(data: dict[str, Any]) -> str:
    """The text of a report (:func:`aicapex.report.report`'s data): a block per company, its
    sections in the report's order, the runway's assumptions last; ledger text escaped
    (:func:`aicapex.rendertext.terminal_text`)."""
    data = terminal_data(data)
    if not data["companies"]:
        return (
            "no company to report: a company is reported when it has a cash balance, a flow "
            "(spending, revenue, funding, a bill), a stake or a deal record\n"
        )
    out: list[str] = []
    for c in data["companies"]:
        out.append(f"== {c['name']} ({c['id']})" + (f", as of {c['as_of']}" if c["as_of"] else ""))
        reasons = c.get("reasons") or {}
        for name, value in c.items():
            if name in _HEAD:
                continue
            if value is None and name in reasons:
                out.append(_line(name.replace("_", " "), f"n/a: {reasons[name]}"))
                continue
            if not value:
                continue
            render = RENDERERS.get(name)
            out.extend(render(value) if render else _generic(name, value))
        out.extend(_assumptions(c.get("runway") or {}))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_summary(s: dict[str, Any]) -> str:
    """The text of :meth:`aicapex.ledger.Ledger.summary`: span, entities, records by kind
    (names escaped: :func:`aicapex.rendertext.terminal_text`)."""
    s = terminal_data(s)
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


def _amount(value: object) -> str:
    """An amount in its own currency, to the cent: ``1,234.56``; ``n/a`` for none."""
    return "n/a" if value is None else f"{float(value):,.2f}"  # type: ignore[arg-type]


def render_focus(data: dict[str, Any]) -> str:
    """The text of a FOCUS import (:meth:`aicapex.table.focus.FocusImport.to_dict`): the monthly
    bills (amounts in the bill's currency, to the cent), then the reconciliation of the file's
    exact ``BilledCost`` total with the bills' per currency (texts escaped:
    :func:`aicapex.rendertext.terminal_text`)."""
    data = terminal_data(data)
    bills = data["bills"]
    head = f"{data['file']}: {data['rows']:,} rows, {len(bills)} bills billed to {data['payer']}"
    names = ["provider", "account", "month", "currency", "billed", "compute", "other"]
    names += ["credits", "adjustments", "effective", "billed_usd", "rows"]

    def cell(bill: dict[str, Any], key: str) -> str:
        if key in names[:4]:
            return str(bill[key])
        return f"{bill[key]:,}" if key == "rows" else _amount(bill[key])

    cells = [[cell(b, k) for k in names] for b in bills]
    widths = [max([len(n), *(len(row[i]) for row in cells)]) for i, n in enumerate(names)]
    lines = [head, ""] if bills else [head]
    for row in [names, *cells] if bills else []:
        pairs = enumerate(zip(row, widths, strict=True))
        text = [c.ljust(w) if i < 4 else c.rjust(w) for i, (c, w) in pairs]
        lines.append("  ".join(text).rstrip())
    lines += ["", "reconciliation of BilledCost, exact:"]
    for r in data["reconciliation"]:
        same = r["difference"] == 0
        verdict = "match" if r["match"] else "rows left out" if same else "MISMATCH"
        lines.append(
            f"  {r['currency'] or '(none)'}  file {r['file_total_exact']} {'=' if same else '!='} "
            f"bills {r['bills_total_exact']}  ({r['in_bills']:,} of {r['rows']:,} rows)  {verdict}"
            + ("" if same else f" (difference {r['difference_exact']})")
        )
    if data["left_out"]:
        rows = "1 row" if data["left_out"] == 1 else f"{data['left_out']:,} rows"
        lines.append(f"{rows} left out of the bills: see the problems")
    return "\n".join(lines) + "\n"


def render_focus_csv(data: dict[str, Any]) -> str:
    """The bills of a FOCUS import as CSV: a row per bill, every column (exact totals in
    ``billed_exact``; missing values empty)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=data["columns"], lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in b.items()} for b in data["bills"])
    return out.getvalue()


__all__ += ["render_focus", "render_focus_csv"]


def _cell(value: object) -> str:
    """A value of a JSON-ready row as table text: numbers as people read them (floats to the
    cent from 1 up), ``true``/``false``, nothing for none, lists and objects as JSON text
    (``[1, 2]``, ``{"a": 1}``, as CSV writes them); text escaped
    (:func:`aicapex.rendertext.terminal_text`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.4g}"
    if isinstance(value, list | dict):
        return terminal_text(json.dumps(value, ensure_ascii=False))
    return terminal_text(str(value))


def render_table(
    columns: list[str], rows: list[list[Any]], right: frozenset[str] = frozenset()
) -> str:
    """Rows of JSON-ready values (:func:`aicapex.export.jsonout.table_rows`) as a text table:
    a header, numbers (and the ``right`` columns) aligned right, text left, then the count of
    rows. Column names and text are escaped (:func:`aicapex.rendertext.terminal_text`)."""
    columns = [terminal_text(c) for c in columns]
    cells = [[_cell(v) for v in row] for row in rows]
    aligned = [
        c in right
        or (bool(rows) and all(isinstance(r[i], int | float) or r[i] is None for r in rows))
        for i, c in enumerate(columns)
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    lines = []
    for row in [columns, *cells]:
        parts = zip(row, widths, aligned, strict=True)
        lines.append("  ".join(c.rjust(w) if a else c.ljust(w) for c, w, a in parts).rstrip())
    lines.append(f"{len(rows):,} row{'s' if len(rows) != 1 else ''}")
    return "\n".join(lines) + "\n"


def render_flows(records: list[dict[str, Any]]) -> str:
    """Flow rows (:func:`aicapex.export.jsonout.flow_records`) as a text table: date, entity,
    the amount signed by direction in its currency and in US dollars, category, status, kind,
    record and the counterparty."""
    columns = ["date", "entity", "amount", "usd", "category", "status", "kind", "record", "with"]
    rows: list[list[Any]] = []
    for r in records:
        sign = -1 if r["direction"] < 0 else 1
        amount = f"{_amount(sign * r['amount'])} {r['currency'] or ''}".rstrip()
        usd = money(None if r["amount_usd"] is None else sign * r["amount_usd"])
        other = r["payer"] if sign > 0 else r["payee"]
        party = f"{'from' if sign > 0 else 'to'} {other or '(unknown)'}"
        row = [r["date"], r["entity"], amount, usd, r["category"], r["status"], r["kind"]]
        rows.append([*row, r["record"], party])
    return render_table(columns, rows, right=frozenset({"amount", "usd"}))


__all__ += ["render_flows", "render_table"]


#: The columns of the report as CSV (:func:`render_report_csv`), one row per company.
REPORT_CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "as_of",
    "cash_usd",
    "cash_bound",
    "cash_date",
    "burn_from",
    "burn_to",
    "monthly_net_burn_usd",
    "monthly_gross_burn_usd",
    "monthly_revenue_usd",
    "runway_months",
    "runway_months_low",
    "runway_months_high",
    "runs_out",
    "cash_out",
    "compute_period",
    "compute_usd",
    "revenue_usd",
    "compute_to_revenue",
    "arrears_usd",
    "funding_usd",
    "conflicts",
    "reason",
)


def _report_row(c: dict[str, Any]) -> dict[str, Any]:
    def part(name: str) -> dict[str, Any]:
        value = c.get(name)
        return value if isinstance(value, dict) else {}

    cash, burn, gap, arrears = part("cash"), part("burn"), part("compute_gap"), part("arrears")
    runway = part("runway").get("disbursed") or {}
    reasons = c.get("reasons") or {}
    reason = "; ".join(f"{k}: {v}" for k, v in reasons.items()) or None
    return {
        "id": c["id"],
        "name": c["name"],
        "as_of": c.get("as_of"),
        "cash_usd": cash.get("amount"),
        "cash_bound": cash.get("bound"),
        "cash_date": cash.get("date"),
        "burn_from": burn.get("from"),
        "burn_to": burn.get("to"),
        "monthly_net_burn_usd": burn.get("monthly_net"),
        "monthly_gross_burn_usd": burn.get("monthly_gross"),
        "monthly_revenue_usd": burn.get("monthly_revenue"),
        "runway_months": runway.get("months"),
        "runway_months_low": runway.get("months_low"),
        "runway_months_high": runway.get("months_high"),
        "runs_out": runway.get("runs_out"),
        "cash_out": runway.get("cash_out"),
        "compute_period": gap.get("period"),
        "compute_usd": gap.get("compute"),
        "revenue_usd": gap.get("revenue"),
        "compute_to_revenue": gap.get("ratio"),
        "arrears_usd": arrears.get("total"),
        "funding_usd": raised(part("funding")),
        "conflicts": len(c.get("conflicts") or []),
        "reason": reason,
    }


def render_frame_csv(frame: Any) -> str:
    """A command's table for programs (a DataFrame: the runway's path, ...) as CSV: days as
    ``YYYY-MM-DD``, booleans ``true``/``false`` and text by :func:`~aicapex.rendertext
    .csv_value`, as every other CSV output writes them; missing values empty."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype.kind in "bOU" or str(column.dtype) in ("str", "string"):
            out[name] = column.astype("object").map(csv_value, na_action="ignore")
    text: str = out.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return text


def render_report_csv(data: dict[str, Any]) -> str:
    """The report (:func:`aicapex.report.report`'s data) as CSV: one row per company, the
    columns of :data:`REPORT_CSV_COLUMNS` (US dollars; the runway under the ``disbursed``
    policy; ``compute_period`` the compute gap's year, ``2023``, or fiscal year, ``FY2024``,
    for a company whose fiscal year ends on another day than December 31; ``funding_usd`` the
    rounds in US dollars announced, committed or closed (not sought, rumoured, in talks,
    cancelled or failed), a ceiling ("up to $2B") counting only its tranches not cancelled
    (:func:`~aicapex.renderdeals.raised`); ``reason`` why figures are missing
    (``section: why``, joined by ``;``), such as amounts without an exchange rate; missing
    values empty)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REPORT_CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for c in data["companies"]:
        row = _report_row(c)
        writer.writerow({k: csv_value(v) for k, v in row.items()})
    return out.getvalue()


__all__ += ["REPORT_CSV_COLUMNS", "render_frame_csv", "render_report_csv"]
