"""The report: per company, the answers users come for, as plain data.

:func:`report` (``aicapex.report(ledger)`` too) gives, for every company with a cash balance or
money flows: the latest cash balance, burn over the calendar year of the report's date (or,
when that year has no expenses or revenues, the last year that has), runway under each policy,
the revenue-vs-compute gap, arrears, funding by status and conflicts.

A report is a list of :class:`Section`\\ s. Each section runs its analysis once for all the
companies that share a report date (vectorised), and turns the :class:`~aicapex.analysis.result
.Result` into JSON-ready data per company. A new analysis joins the report by adding a section to
:data:`SECTIONS` (and, for the text output, a renderer in :mod:`aicapex.render`); the CLI only
renders the data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.gap import compute_gap
from aicapex.analysis.result import cents as _num
from aicapex.analysis.result import jsonable
from aicapex.callmodule import make_callable
from aicapex.dates import calendar_year
from aicapex.gpureport import fleets, loops, realloc_section, related, round_trips
from aicapex.ledger import Ledger
from aicapex.records import Entity
from aicapex.reportcash import (
    arrears_at,
    burn_section,
    cash_section,
    fiscal_gap_spans,
    funding_section,
    gap_calls,
    in_report_months,
    report_gap_years,
    runway_section,
    unrated_cash,
    unrated_flows,
)
from aicapex.reportdates import AS_OF_RULE, books_dates, latest_date, report_dates
from aicapex.reportdeals import DEAL_BUILDERS
from aicapex.reportownership import ownership_section
from aicapex.reportscenarios import (
    Unanswered,
    scenario_files_of,
    scenarios_by_company,
    scenarios_section,
)
from aicapex.table.pages import small_pages

__all__ = [
    "DOLLAR_KINDS",
    "DOLLAR_MONTHS",
    "REPORT_VERSION",
    "SECTIONS",
    "STAGES",
    "Context",
    "Section",
    "report",
]

Progress = Callable[[str, int, int], None]

#: The sections that need amounts in US dollars, and the kinds of flows whose dollars their
#: analyses read: a company with money of those kinds lacking an exchange rate gets ``null``
#: for that section, and the reason; its other sections stand. Burn sums expenses, revenues
#: and GPU orders' capital spending, the compute gap expenses and revenues, arrears the cloud
#: bills. The cash section reads no flows, only the balance the runway starts from
#: (:func:`~aicapex.reportcash.unrated_cash`); the runway (``None``: every kind) counts
#: funding, stakes, GPU orders and, under policy ``arrears``, the bills too.
DOLLAR_KINDS: dict[str, frozenset[str] | None] = {
    "burn": frozenset({"expenses", "revenues", "gpu_orders"}),
    "compute_gap": frozenset({"expenses", "revenues"}),
    "arrears": frozenset({"cloud_bills"}),
    "cash": frozenset(),
    "runway": None,
}

#: The months of those flows each section reads, per company (:func:`~aicapex.reportcash
#: .in_report_months`): ``"year"`` the calendar year of its books' date (burn: its report date,
#: or the last month of its expenses and revenues when that date's year has none:
#: :func:`~aicapex.reportdates.books_dates`), ``"gap year"`` that year or a company's fiscal
#: year (compute gap: :func:`~aicapex.reportcash.gap_years`),
#: ``"to date"`` up to its report date (arrears: the bills due by then). A section not named
#: reads every month: the runway's run rates look back before its cash balance.
DOLLAR_MONTHS: dict[str, str] = {"burn": "year", "compute_gap": "gap year", "arrears": "to date"}


@dataclass(frozen=True)
class Context:
    """What every section gets: the ledger, its flows and cash balances, and the report date of
    each company (``None`` for companies without one)."""

    ledger: Ledger
    flows: pd.DataFrame
    balances: pd.DataFrame
    when: Mapping[str, str | None]
    computed: dict[str, Any] = field(default_factory=dict)
    #: each company's scenario files (:mod:`aicapex.reportscenarios`)
    scenarios: Mapping[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def books(self) -> dict[str, str | None]:
        """Each company's date for burn and the compute gap: its report date, or the last month
        of its expenses and revenues when its report date's year has none
        (:func:`~aicapex.reportdates.books_dates`)."""
        return books_dates(self.flows, self.when)

    @functools.cached_property
    def gap_books(self) -> dict[str, str | None]:
        """:attr:`books` for the compute gap: a company whose fiscal year ends on another day
        than December 31 has its books tested in the fiscal year of its report date."""
        return books_dates(self.flows, self.when, fiscal_gap_spans(self.ledger, self.when))

    def when_for(self, span: str | None) -> Mapping[str, str | None]:
        """The dates the months of ``span`` (:data:`DOLLAR_MONTHS`) count from: a year of the
        books from :attr:`books` (``"year"``) or :attr:`gap_books` (``"gap year"``), else the
        report dates."""
        if span == "year":
            return self.books
        return self.gap_books if span == "gap year" else self.when

    @functools.cached_property
    def priced(self) -> pd.DataFrame:
        """The flows of the companies whose money all has US dollars (see :attr:`unpriced`)."""
        return self._without(self.unpriced)

    @functools.cached_property
    def unpriced(self) -> dict[str, str]:
        """Companies with money (or the cash a runway starts from: :func:`unrated_cash`) in a
        currency without an exchange rate at its date, and why: their analyses are refused."""
        return {**unrated_cash(self.balances, self.when), **self._unpriced(None)}

    def priced_in(self, section: str) -> pd.DataFrame:
        """The flows of the companies whose money of the kinds ``section`` reads (see
        :data:`DOLLAR_KINDS`) all has US dollars."""
        if DOLLAR_KINDS.get(section) is None:
            return self.priced

        def build() -> pd.DataFrame:
            flows = self._without(self.unpriced_in(section))
            span = DOLLAR_MONTHS.get(section)
            if span is None or not flows["amount_usd"].isna().any():
                return flows
            # each company's months the section reads (the others may lack a rate)
            return flows[in_report_months(flows, self.when_for(span), span, self.ledger)]

        found: pd.DataFrame = self.once(f"priced {section}", build)
        return found

    def unpriced_in(self, section: str) -> dict[str, str]:
        """:attr:`unpriced` for the kinds of flows ``section`` reads (:data:`DOLLAR_KINDS`) in
        the months it reads (:data:`DOLLAR_MONTHS`): a bill without an exchange rate refuses a
        company's arrears, not its burn; an expense of last year without one, not this year's
        burn; the cash section only its balance."""
        kinds = DOLLAR_KINDS.get(section)
        if kinds is None:
            return self.unpriced
        found: dict[str, str] = self.once(
            f"unpriced {section}", lambda: self._unpriced(kinds, DOLLAR_MONTHS.get(section))
        )
        if section == "cash":
            return {**unrated_cash(self.balances, self.when), **found}
        return found

    def _without(self, companies: Mapping[str, str]) -> pd.DataFrame:
        if not companies:
            return self.flows
        entity = self.flows["entity"].astype("object")
        return self.flows[~entity.isin(list(companies)).to_numpy()]

    def _unpriced(self, kinds: frozenset[str] | None, span: str | None = None) -> dict[str, str]:
        flows = self.flows
        missing = flows["amount_usd"].isna().to_numpy()
        if kinds is not None:
            missing = missing & flows["kind"].isin(list(kinds)).to_numpy()
        if span is not None and missing.any():
            missing = missing & in_report_months(flows, self.when_for(span), span, self.ledger)
        if not missing.any():  # (most often: no rows to take, 0.25 ms a section)
            return {}
        # the runway reads every month: its reason says so
        return unrated_flows(flows[missing], every_month=span is None and kinds is None)

    def once(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per report (sections that read the same analysis)."""
        if key not in self.computed:
            self.computed[key] = build()
        return self.computed[key]

    def by(
        self, key: Callable[[str], str | None], dates: Mapping[str, str | None] | None = None
    ) -> dict[str, list[str]]:
        """Companies grouped by ``key(report date)`` (or of their date in ``dates``; companies
        without a date left out)."""
        out: dict[str, list[str]] = {}
        for company, when in (self.when if dates is None else dates).items():
            if when is not None and (k := key(when)) is not None:
                out.setdefault(k, []).append(company)
        return out

    def dates(self) -> dict[str, list[str]]:
        """Companies by report date."""
        return self.by(lambda w: w)

    def years(self) -> dict[str, list[str]]:
        """Companies by the calendar year of their books' date (:attr:`books`: the report
        date's, 'Q3 2023': 2023, unless that year has no expenses or revenues)."""
        return self.by(calendar_year, self.books)


@dataclass(frozen=True)
class Section:
    """One part of every company's report: ``build(context)`` returns company id -> data.

    A company ``build`` gives nothing gets ``empty`` when the section has one (an empty list
    of conflicts is an answer), else ``null`` and, in the company's ``reasons``, why:
    ``why(context, company)``."""

    name: str
    build: Callable[[Context], dict[str, Any]]
    why: Callable[[Context, str], str] | None = None
    empty: Callable[[], Any] | None = None

    def reason(self, ctx: Context, company: str) -> str:
        """Why ``company`` has nothing in this section."""
        if self.why is not None:
            return self.why(ctx, company)
        return f"no records for {self.name.replace('_', ' ')}"


def _gaps(ctx: Context) -> dict[str, Any]:
    """Each company's compute gap over its year (:func:`~aicapex.reportcash.gap_years`): one
    :func:`compute_gap` by calendar year for all (a year's figures are the sums of its own rows,
    so they equal a call for that year alone), one per fiscal year's days."""
    out: dict[str, Any] = {}
    for period, wanted in gap_calls(report_gap_years(ctx)):
        freq = "Y" if period is None else None  # calendar years, else one fiscal year's days
        g = compute_gap(ctx.priced_in("compute_gap"), None, period=period, freq=freq)
        frame = g.frame
        labels = frame["period"].to_numpy(object)
        if period is not None:
            labels = np.full(len(frame), next(iter(wanted)), dtype=object)
        owner = {(c, y): True for y, companies in wanted.items() for c in companies}
        entities = frame["entity"].to_numpy(object)
        keep = np.fromiter(
            (owner.get((e, y), False) for e, y in zip(entities, labels, strict=True)),
            dtype=bool,
            count=len(frame),
        )
        # a year of neither compute nor revenue (other spending only) has no gap to show
        some = (frame["compute_high_usd"] > 0) | (frame["revenue_high_usd"] > 0)
        keep &= some.to_numpy(dtype=bool)
        for row, year in zip(replace(g, frame=frame[keep]).rows(), labels[keep], strict=True):
            out[str(row["entity"])] = {
                "period": str(year),
                "revenue": _num(row["revenue_usd"]),
                "compute": _num(row["compute_usd"]),
                "gap": _num(row["gap_usd"]),
                "ratio": _num(row["ratio"]),
                "ratio_low": _num(row["ratio_low"]),
                "ratio_high": _num(row["ratio_high"]),
                "coverage": _num(row["coverage"]),
            }
    return out


def _arrears(ctx: Context) -> dict[str, Any]:
    """Every company's unpaid bills at its own report date: one call for all."""
    unpriced = ctx.unpriced_in("arrears")
    dated = {c: w for c, w in ctx.when.items() if w is not None and c not in unpriced}
    a = arrears_at(ctx, ctx.priced_in("arrears"), dated)  # shared with the runway's policy
    out: dict[str, Any] = {
        c: {"as_of": d, "total": 0.0, "total_low": 0.0, "total_high": 0.0, "by_provider": {}}
        for c, d in dated.items()
    }
    columns = (
        "payer",
        "provider",
        "outstanding_usd",
        "bills",
        "oldest",
        "outstanding_low_usd",
        "outstanding_high_usd",
    )
    for payer, provider, owed, bills, oldest, low, high in a[list(columns)].itertuples(index=False):
        mine = out.get(str(payer))
        if mine is None:
            continue
        mine["total"] += float(owed)
        mine["total_low"] += float(low)
        mine["total_high"] += float(high)
        mine["by_provider"][str(provider)] = {
            "outstanding": _num(owed),
            "bills": int(bills),
            "oldest": jsonable(oldest),
        }
    for mine in out.values():
        for key in ("total", "total_low", "total_high"):
            mine[key] = _num(mine[key])
    return out


def _conflicts(ctx: Context) -> dict[str, Any]:
    """Each company's conflicting reports (the conflicts of records whose first party it is
    among the companies reported: company, payer, buyer of GPUs or of a contract...): groups of
    reports in the order of their group, reports in the table's order."""
    conflicts = ctx.ledger.conflicts()
    if conflicts.empty:
        return {}
    owner: dict[str, str] = {}
    for rid in set(conflicts["id"].astype("object")):
        parties: tuple[str, ...] = getattr(ctx.ledger.get(str(rid)), "parties", tuple)()
        if (first := next((p for p in parties if p in ctx.when), None)) is not None:
            owner[str(rid)] = first
    conflicts = conflicts.assign(owner=conflicts["id"].astype("object").map(owner))
    columns = ["owner", "group", "kind", "key", "id", "value", "sources", "reported"]
    groups: dict[str, dict[Any, dict[str, Any]]] = {}  # company -> group -> its conflict
    for r in conflicts.dropna(subset=["owner", "group"])[columns].to_dict("records"):
        mine = groups.setdefault(str(r["owner"]), {})
        conflict = mine.get(r["group"])
        if conflict is None:
            conflict = mine[r["group"]] = {
                "kind": str(r["kind"]),
                "fact": str(r["key"]),
                "reports": [],
            }
        conflict["reports"].append(
            {
                "id": str(r["id"]),
                "value": str(r["value"]),
                "sources": str(r["sources"]),
                "reported": None if pd.isna(r["reported"]) else str(r["reported"]),
            }
        )
    return {company: [mine[g] for g in sorted(mine)] for company, mine in groups.items()}


def _no_cash(ctx: Context, company: str) -> str:
    return f"no cash balance at or before {ctx.when.get(company)}"


def _no_runway(ctx: Context, company: str) -> str:
    if company in cash_section(ctx):  # a balance, nothing spent (computed once: its section)
        return "no expense, GPU order paid or investment recorded: its burn is unknown"
    return _no_cash(ctx, company)


def _no_year(what: str, gap: bool = False) -> Callable[[Context, str], str]:
    def why(ctx: Context, company: str) -> str:
        when = ctx.books.get(company)
        year = report_gap_years(ctx)[company][0] if gap and when else when and calendar_year(when)
        return f"no {what} recorded in {year or 'any year'}"

    return why


#: The sections of every company's report, in order.
SECTIONS: tuple[Section, ...] = (
    Section("cash", cash_section, _no_cash),
    Section("burn", burn_section, _no_year("expenses or revenues")),
    Section("runway", runway_section, _no_runway),
    Section("compute_gap", _gaps, _no_year("compute spending or revenue", gap=True)),
    Section("arrears", _arrears, lambda ctx, c: "no report date: no cash balance and no flows"),
    Section("funding", funding_section, empty=lambda: {"by_status": {}, "rounds": []}),
    Section("conflicts", _conflicts, empty=list),
    Section("ownership", lambda ctx: ownership_section(ctx.ledger, ctx.when)),
    Section(
        "scenarios",
        lambda ctx: scenarios_section(ctx.ledger, ctx.when, ctx.scenarios, ctx.unpriced),
        empty=list,
    ),
)

#: GPUs and money that goes round (:mod:`aicapex.gpureport`): an empty list is an answer.
SECTIONS += (
    Section("fleet", fleets, empty=lambda: {"skus": {}, "targets": []}),
    Section("reallocations", realloc_section, empty=list),
    Section("loops", loops, empty=list),
    Section("round_trip", round_trips, empty=list),
    Section("related_parties", related, empty=list),
)

#: Deal structures (:mod:`aicapex.reportdeals`): an empty list is an answer.
SECTIONS += tuple(Section(name, build, empty=list) for name, build in DEAL_BUILDERS.items())

#: The stages :func:`report` goes through, in order (for a progress bar).
STAGES: tuple[str, ...] = ("flows", *(s.name for s in SECTIONS))

#: The report's JSON layout version (its schema: ``aicapex.outputs.schema("report")``).
REPORT_VERSION = 2


@small_pages()
def report(
    ledger: Ledger,
    as_of: object = None,
    *,
    progress: Progress | None = None,
    scenarios: Any = None,
) -> dict[str, Any]:
    """The report of ``ledger`` as JSON-ready data with stable keys (amounts in US dollars)::

        {"report_version": 2, "as_of": ..., "as_of_rule": ..., "records": {kind: count},
         "companies": [{"id", "name", "as_of", "reasons", "cash", "burn", "runway",
                        "compute_gap", "arrears", "funding", "conflicts"}, ...]}

    Amounts are US dollars rounded to the cent; a figure taken from one record also has it
    ``"written"`` as reported (``"less than $4M"``) with its ``"currency"``. Months are rounded to
    two decimals. A section with no answer for a company is ``null`` and the company's
    ``"reasons"`` say why (``{"runway": "no cash balance at or before 2023-06"}``). A runway
    that outlasts the horizon has ``"months": null`` and ``"runs_out": false``; a compute gap
    without revenue has ``"ratio": null``. Money without an exchange rate at its date refuses
    only the sections that read its kind (:data:`DOLLAR_KINDS`: a bill in euros without a rate
    refuses arrears and runway, not burn nor cash) in the months they read
    (:data:`DOLLAR_MONTHS`: burn the calendar year of the report date, compute gap that year
    or, for a company whose fiscal year ends on another day than December 31, its fiscal year;
    a report date whose year has no expenses or revenues reads the last year that has, up to
    it: :func:`~aicapex.reportdates.books_dates`), with the records to add rates for.

    ``as_of`` (a partial date) defaults, per company, to the date of its latest cash balance,
    else to the later of the last month of its flows that happened (money promised, such as a
    contract's scheduled payments, or planned dates no report) and the day of its latest stake
    or priced round (without either: of its latest deal or GPU record, else of its last flow
    promised or planned: :func:`~aicapex.reportdates.report_dates`); the report's own
    ``as_of`` is then the latest of them (``as_of_rule`` says which rule applied).
    ``progress(stage, done, total)`` is called as each of :data:`STAGES` starts. The layout is
    versioned (:data:`REPORT_VERSION`) and described by a JSON Schema
    (:func:`aicapex.outputs.schema`).

    ``scenarios``: scenario files (:class:`~aicapex.scenarios.files.ScenarioFile`) whose
    companies get a ``scenarios`` section (their what-ifs compared from the company's report
    date); ``None``: the ``*.scenarios.yaml`` files beside the ledger's files.
    """
    step = progress or (lambda _stage, _done, _total: None)
    step(STAGES[0], 0, len(STAGES))
    flows = ledger.flows()
    balances = ledger.frame("cash_balances")
    files = scenario_files_of(ledger) if scenarios is None else list(scenarios)
    ctx = Context(
        ledger,
        flows,
        balances,
        report_dates(ledger, flows, balances, as_of),
        scenarios=scenarios_by_company(files),
    )
    built: dict[str, dict[str, Any]] = {}
    for i, section in enumerate(SECTIONS, start=1):
        step(section.name, i, len(STAGES))
        built[section.name] = section.build(ctx)
    names = {e.id: e.name for e in ledger.of_type(Entity)}
    companies = []
    parts = [
        (s, built[s.name], ctx.unpriced_in(s.name) if s.name in DOLLAR_KINDS else {})
        for s in SECTIONS
    ]
    for c, when in ctx.when.items():
        reasons: dict[str, str] = {}
        company: dict[str, Any] = {"id": c, "name": names[c], "as_of": when, "reasons": reasons}
        for section, answers, unpriced in parts:
            value: Any = answers.get(c)
            if c in unpriced:
                value, reasons[section.name] = None, unpriced[c]
            elif isinstance(value, Unanswered):
                value, reasons[section.name] = None, value.why
            elif value is None and section.empty is not None:
                value = section.empty()
            elif value is None:
                reasons[section.name] = section.reason(ctx, c)
            company[section.name] = value
        companies.append(company)
    step("done", len(STAGES), len(STAGES))
    dates = [w for w in ctx.when.values() if w is not None]
    return {
        "report_version": REPORT_VERSION,
        "as_of": str(as_of) if as_of is not None else latest_date(dates),
        "as_of_rule": "as asked"
        if as_of is not None
        else AS_OF_RULE
        + ("" if dates else "; null: no company has a dated record (a cash balance, a flow)"),
        "companies": companies,
        "records": {k: n for k, n in ledger.counts().items() if n},
    }


make_callable(__name__, report)  # aicapex.report(ledger) is report(ledger), however imported
