"""The HTML report: one self-contained page a person can open, keep and send.

:func:`render_html` turns the report's data (:func:`aicapex.report.report`) and its ledger into
one HTML file: a section per company with the report's figures (those of the text report, and
the main ones as a table), its plots as inline SVG (:mod:`aicapex.plot`), the assumptions, the
conflicting reports side by side, and the records it rests on with their sources, the sentence
each quotes and a link to each article; then every source.

The page needs no network: no script, no remote style, font or image; its Content Security
Policy forbids them, so a browser would refuse one even if it were there. Ledgers come from
other people, so every piece of their text is escaped (ids, names, notes, quotes, titles); a
source's address is a link only when it is ``http`` or ``https``.
"""

from __future__ import annotations

import html
import itertools
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicapex.ledger import Ledger
from aicapex.records import Citation, Entity, Fact, Record, Source
from aicapex.render import money, months, render_report
from aicapex.safewrite import atomic_write, make_folder

if TYPE_CHECKING:
    from aicapex.plot.pictures import Picture

__all__ = ["CONTENT_SECURITY_POLICY", "link", "render_html", "write_report"]

#: The page's Content Security Policy: nothing loads from anywhere, no script runs.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 68rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
h1 { font-size: 1.6rem; } h2 { border-top: 2px solid #ccc; padding-top: 1rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin-top: 1.6rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f5f5f5; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f7f7f7; padding: .6rem; overflow-x: auto; font-size: 13px; }
figure { margin: 1rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption, .muted { color: #555; font-size: .9rem; }
blockquote { margin: .3rem 0 .3rem 1rem; padding-left: .6rem; border-left: 3px solid #bbb; }
.translation { color: #444; font-style: italic; margin: 0 0 .4rem 1.6rem; }
.warning { color: #8a4b00; } ul.citations { padding-left: 1.2rem; }
table.conflict td { min-width: 14rem; }
"""


def e(text: object) -> str:
    """``text`` escaped for HTML text and quoted attributes (``None`` as nothing).

    >>> e('<script>"x" & y</script>')
    '&lt;script&gt;&quot;x&quot; &amp; y&lt;/script&gt;'
    """
    return "" if text is None else html.escape(str(text), quote=True)


def link(url: object, text: object) -> str:
    """A link to ``url`` when it is ``http(s)://``; else ``text`` alone (no ``javascript:`` or
    other schemes from a ledger become links)."""
    address = str(url or "").strip()
    if address.lower().startswith(("http://", "https://")):
        return f'<a href="{e(address)}" rel="noopener noreferrer">{e(text)}</a>'
    return e(text)


def _key_figures(c: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The main figures of a company's report as (label, text) rows (missing ones left out)."""
    rows: list[tuple[str, str]] = []
    cash = c.get("cash")
    if isinstance(cash, Mapping) and cash.get("amount") is not None:
        word = {"upper": "at most ", "lower": "at least "}.get(str(cash.get("bound")), "")
        rows.append(("Cash", f"{word}{money(cash['amount'])} on {cash.get('date')}"))
    b = c.get("burn")
    if isinstance(b, Mapping) and b.get("monthly_net") is not None:
        rows.append(
            (
                "Net burn",
                f"{money(b['monthly_net'])} a month ({money(b.get('monthly_gross'))} spent, "
                f"{money(b.get('monthly_revenue'))} revenue; {b.get('from')} to {b.get('to')})",
            )
        )
    runway = c.get("runway")
    r = runway.get("disbursed") if isinstance(runway, Mapping) else None
    if isinstance(r, Mapping) and "runs_out" in r:
        if r["runs_out"]:
            low, high = r.get("months_low"), r.get("months_high")
            span = "" if low == high == r.get("months") else f" ({_m(low)} to {_m(high)})"
            text = f"{months(r['months'])}{span}; cash out {r.get('cash_out')}"
        else:
            text = "beyond the horizon (20 years)"
        rows.append(("Runway (disbursed funding)", text))
    gap = c.get("compute_gap")
    if isinstance(gap, Mapping) and "compute" in gap:
        ratio, period = gap.get("ratio"), gap.get("period")
        if gap.get("coverage") is None:  # revenue alone ("$0.00M = 0.0x revenue" said it)
            shown = f"none recorded in {period}; revenue {money(gap.get('revenue'))}"
        elif ratio is None:
            shown = f"{money(gap['compute'])} in {period}, no revenue recorded"
        else:
            shown = f"{money(gap['compute'])} in {period} = {ratio:.1f}x revenue"
        rows.append(("Compute spending", shown))
    arrears = c.get("arrears")
    if isinstance(arrears, Mapping) and arrears.get("total"):
        rows.append(("Unpaid bills", f"{money(arrears['total'])} at {arrears.get('as_of')}"))
    return rows


def _m(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.2f}"


class _Page:
    """What the page needs from the ledger, indexed once: records by company, sources."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.sources = {s.id: s for s in ledger.of_type(Source)}
        self.anchor = {sid: f"source-{i}" for i, sid in enumerate(self.sources, start=1)}
        self.by_company: dict[str, list[Record]] = {}
        for record in ledger:
            if isinstance(record, Fact) and not isinstance(record, Entity):
                for party in dict.fromkeys(record.parties()):
                    self.by_company.setdefault(party, []).append(record)

    def citation(self, c: Citation) -> str:
        source = self.sources.get(c.source)
        if source is None:
            head = e(c.source)
        else:
            head = (
                f'<a href="#{self.anchor[c.source]}">{e(source.outlet)}, '
                f"“{e(source.title)}” ({e(source.date)})</a>"
            )
            if source.url:
                head += " · " + link(source.url, "article")
        out = [f"<li>{head}"]
        lang = source.language if source is not None else ""
        if c.quote:
            out.append(f'<blockquote lang="{e(lang)}">{e(c.quote)}</blockquote>')
        if c.translation:
            out.append(f'<p class="translation" lang="en">{e(c.translation)}</p>')
        out.append("</li>")
        return "".join(out)

    def citations(self, record: Record | None) -> str:
        cited = getattr(record, "sources", ()) or ()
        if not cited:
            return '<p class="muted">No source cited.</p>'
        return '<ul class="citations">' + "".join(self.citation(c) for c in cited) + "</ul>"

    def record(self, record: Record) -> str:
        data = record.model_dump(mode="json", exclude_none=True, exclude={"id", "sources", "note"})
        fields = "; ".join(f"{k}: {_text(v)}" for k, v in data.items() if v not in ([], {}, ""))
        note = f'<p class="muted">{e(record.note)}</p>' if record.note else ""
        return (
            f'<tr><td><code>{e(record.id)}</code><br><span class="muted">{e(record.KIND)}'
            f"</span></td><td>{e(fields)}{note}</td><td>{self.citations(record)}</td></tr>"
        )


def _text(value: Any) -> str:
    """A record's field value as one line of text (nested items in brackets)."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + "; ".join(_text(v) for v in value) + "]"
    return str(value)


def _table(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return f'<table class="figures">{body}</table>' if body else ""


def _conflicts(page: _Page, conflicts: Any) -> str:
    if not conflicts:
        return ""
    out = ["<h3>Conflicting reports</h3>"]
    for conflict in conflicts:
        reports = conflict.get("reports", [])
        head = "".join(f"<th><code>{e(r.get('id'))}</code></th>" for r in reports)
        out.append(
            f'<table class="conflict"><caption>{e(conflict.get("kind"))}: '
            f"{e(conflict.get('fact'))}</caption><tr><th></th>{head}</tr>"
        )
        for label, key in (("value", "value"), ("reported", "reported"), ("sources", "sources")):
            cells = "".join(f"<td>{e(r.get(key))}</td>" for r in reports)
            out.append(f"<tr><th>{label}</th>{cells}</tr>")
        quotes = "".join(
            f"<td>{page.citations(page.ledger.get(str(r.get('id'))))}</td>" for r in reports
        )
        out.append(f"<tr><th>quotes</th>{quotes}</tr></table>")
    return "".join(out)


def _assumptions(c: Mapping[str, Any]) -> str:
    runway = c.get("runway")
    r = runway.get("disbursed") if isinstance(runway, Mapping) else None
    if not isinstance(r, Mapping) or not r.get("assumptions"):
        return ""
    items = "".join(f"<li>{e(a)}</li>" for a in r["assumptions"])
    used = ", ".join(f"<code>{e(x)}</code>" for x in r.get("records", []))
    return f"<h3>Assumptions (runway, disbursed funding)</h3><ul>{items}</ul>" + (
        f'<p class="muted">Records used: {used}</p>' if used else ""
    )


def _figures(pictures: list[Picture], counter: Iterable[int]) -> str:
    from aicapex.plot.base import to_svg

    out = []
    for picture, n in zip(pictures, counter, strict=False):
        if picture.figure is None:
            out.append(f'<p class="muted">No {e(picture.name)} plot: {e(picture.reason)}</p>')
            continue
        svg = to_svg(picture.figure, prefix=f"p{n}-")
        out.append(
            f'<figure id="plot-{n}" class="plot plot-{e(picture.name)}">{svg}'
            f"<figcaption>{e(picture.caption)}</figcaption></figure>"
        )
    return "".join(out)


def _pictures(
    ledger: Ledger, data: Mapping[str, Any]
) -> tuple[dict[str | None, list[Picture]], str]:
    """The plots of every company (and, under ``None``, of the whole ledger), or none and why
    (matplotlib missing)."""
    try:
        from aicapex.plot.pictures import company_pictures, ledger_pictures

        out: dict[str | None, list[Picture]] = {}
        for picture in itertools.chain(ledger_pictures(ledger), company_pictures(ledger, data)):
            out.setdefault(picture.company, []).append(picture)
        return out, ""
    except ImportError as exc:
        return {}, str(exc)


def render_html(
    ledger: Ledger, data: Mapping[str, Any], *, plots: bool = True, title: str = "aicapex report"
) -> str:
    """The HTML page of a report: ``data`` from :func:`aicapex.report.report` of ``ledger``.
    ``plots=False`` leaves the plots out (they also are when matplotlib is not installed; the
    page says so). Returns the page's text (UTF-8)."""
    page = _Page(ledger)
    pictures, missing = _pictures(ledger, data) if plots else ({}, "")
    counter = itertools.count(1)
    companies = list(data.get("companies", []))
    toc = "".join(
        f'<li><a href="#company-{i}">{e(c.get("name"))}</a> <span class="muted">'
        f"({e(c.get('id'))})</span></li>"
        for i, c in enumerate(companies, start=1)
    )
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in data.get("records", {}).items())
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(CONTENT_SECURITY_POLICY)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="muted">Records: {e(counts)}. Amounts in US dollars.'
        + (f" Report date: {e(data['as_of'])}." if data.get("as_of") else "")
        + "</p>",
    ]
    if missing:
        head.append(f'<p class="warning">No plots: {e(missing)}</p>')
    warnings = getattr(ledger, "warnings", ())
    if warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in warnings)
        head.append(f'<h3>Warnings about the ledger</h3><ul class="warning">{items}</ul>')
    head.append(f"<nav><h3>Companies</h3><ul>{toc}</ul></nav>")
    if pictures.get(None):
        head.append('<section id="ledger"><h2>The whole ledger</h2>')
        head.append(_figures(pictures[None], counter) + "</section>")
    body: list[str] = []
    for i, c in enumerate(companies, start=1):
        cid = str(c.get("id"))
        entity = ledger.get(cid)
        body.append(
            f'<section class="company" id="company-{i}"><h2>{e(c.get("name"))} '
            f'<span class="muted">({e(cid)})</span></h2>'
        )
        if c.get("as_of"):
            body.append(f'<p class="muted">As of {e(c["as_of"])}.</p>')
        if entity is not None and entity.note:
            body.append(f"<p>{e(entity.note)}</p>")
        body.append(_table(_key_figures(c)))
        text = render_report({"companies": [c]})
        body.append(f"<h3>The report</h3><pre>{e(text)}</pre>")
        body.append(_figures(pictures.get(cid, []), counter))
        body.append(_assumptions(c))
        body.append(_conflicts(page, c.get("conflicts")))
        records = page.by_company.get(cid, [])
        if records:
            rows = "".join(page.record(r) for r in records)
            body.append(
                f'<h3>Records ({len(records)})</h3><table class="records"><tr><th>record</th>'
                f"<th>what it says</th><th>sources</th></tr>{rows}</table>"
            )
        body.append("</section>")
    sources = "".join(
        f'<li id="{page.anchor[s.id]}"><code>{e(s.id)}</code>: {e(s.outlet)}, '
        f"“{link(s.url, s.title)}” ({e(s.date)}; {e(s.language)})"
        + (f", a translation of <code>{e(s.translation_of)}</code>" if s.translation_of else "")
        + (f'<br><span class="muted">{e(s.note)}</span>' if s.note else "")
        + "</li>"
        for s in page.sources.values()
    )
    tail = [f'<section id="sources"><h2>Sources</h2><ol>{sources}</ol></section>', "</body></html>"]
    return "\n".join([*head, *body, *tail]) + "\n"


def write_report(
    ledger: Ledger,
    data: Mapping[str, Any],
    *,
    html: str | os.PathLike[str] | None = None,
    plots: str | os.PathLike[str] | None = None,
) -> tuple[list[Path], list[tuple[str, str, str]]]:
    """Write a report's HTML page to ``html`` (atomically) and its plots as PNG files to the
    folder ``plots`` (:func:`aicapex.plot.pictures.write_pictures`), each when given. Returns
    the paths written and, for each plot that could not be drawn, ``(plot, company, reason)``.
    Everything is drawn before anything is written, and the plots' folder made first: a page or
    picture that cannot be drawn (matplotlib missing), or a plots path that is a file, writes
    nothing.
    """
    written: list[Path] = []
    skipped: list[tuple[str, str, str]] = []
    page = render_html(ledger, data) if html is not None else None
    pngs: list[tuple[str, bytes]] = []
    if plots is not None:
        from aicapex.plot.pictures import draw_pictures, write_pngs

        pngs, missed = draw_pictures(ledger, data)
        skipped += [(p.name, p.company or "the ledger", str(p.reason)) for p in missed]
        make_folder(plots)
    if html is not None and page is not None:
        atomic_write(html, page)
        written.append(Path(html))
    if plots is not None:
        written[:0] = write_pngs(plots, pngs)
    return written, skipped
