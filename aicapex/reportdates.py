"""The report's dates: each company's report date when none is asked, and the rule that says how
it was chosen (the report's ``as_of_rule``).

A company is reported as of what is known of it, not of what it was promised: its latest cash
balance, else the later of the last month of its flows that happened and the day of its latest
stake or priced round. Flows still to come (:data:`PROMISED`: contract payments scheduled,
tranches committed, ceilings, announcements) and planned spending or revenue date no report: a
compute contract paid through 2030 would date a 2025 ledger's company 2030-12, and its burn
and compute gap would read a year that no expense or revenue covers.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from aicapex.dates import MAX_YEAR, PartialDate, calendar_year
from aicapex.gpureport import gpu_companies
from aicapex.ledger import Ledger
from aicapex.records import Entity, EntityType
from aicapex.reportdeals import deal_companies
from aicapex.reportownership import owned_companies

__all__ = ["AS_OF_RULE", "BOOKS_KINDS", "PROMISED", "books_dates", "latest_date", "report_dates"]

#: Flow statuses of money still to come (promised, not moved): they date no report.
PROMISED: tuple[str, ...] = ("committed", "conditional", "scheduled", "announced")

#: The report's ``as_of_rule`` when no date is asked.
AS_OF_RULE = (
    "each company's latest cash balance, else the later of the last month of its flows that "
    "happened (not promised: scheduled, committed, conditional, announced; nor planned) and the "
    "day of its latest stake or priced round (without either: of its latest deal or GPU record, "
    "else of its last promised or planned flow); the report's as_of is the latest of them"
)


def _last_months(flows: pd.DataFrame) -> dict[str, str]:
    """Each entity's last month of ``flows`` (``YYYY-MM``), held at the last month one may
    write (a span may run past it)."""
    last = flows.groupby(flows["entity"].astype("object"))["month"].max().dropna()
    months = zip(last.index, last.dt.strftime("%Y-%m"), strict=True)
    return {c: min(m, f"{MAX_YEAR}-12") for c, m in months}


def report_dates(
    ledger: Ledger, flows: pd.DataFrame, balances: pd.DataFrame, as_of: object
) -> dict[str, str | None]:
    """Each company's report date: ``as_of``, else its latest cash balance's day, else the later
    of the last month of its flows that happened (statuses other than :data:`PROMISED`, basis
    other than ``planned``) and its latest stake's or priced round's last day (a stake sold
    after its last flow is in its ownership), else the last day of its latest deal (capex,
    mergers, listings, warrants, share counts, vehicles) or GPU record (orders, targets...),
    else the last month of its flows promised or planned."""
    holders = set(flows["entity"].astype("object")) | set(balances["company"].astype("object"))
    owned = owned_companies(ledger)  # stakes, priced rounds: the ownership section reads them
    other = dict(owned)
    for company, day in [*deal_companies(ledger).items(), *gpu_companies(ledger)]:
        other[company] = max(other.get(company, day), day)  # deals, GPUs without money
    holders |= set(other)
    companies = [
        e.id for e in ledger.of_type(Entity) if e.type is EntityType.company and e.id in holders
    ]
    if as_of is not None:
        return {company: str(as_of) for company in companies}
    # dicts, not Series: a lookup per company in a Series cost more than the groupings
    latest = balances.groupby(balances["company"].astype("object"))["date_end"].max().dropna()
    latest_day = dict(zip(latest.index, latest.dt.strftime("%Y-%m-%d"), strict=True))
    promised = flows["status"].isin(PROMISED).to_numpy() | (flows["basis"] == "planned").to_numpy()
    last_month = _last_months(flows[~promised])
    to_come = _last_months(flows[promised]) if promised.any() else {}
    when: dict[str, str | None] = {}
    for company in companies:
        if company in latest_day:
            when[company] = latest_day[company]
            continue
        # a stake or priced round after the flows' last month: its day (else the month)
        month, stake = last_month.get(company), owned.get(company)
        later = month is not None and (stake or "") > f"{month}-31"  # days: "YYYY-MM-DD"
        when[company] = stake if later else month or other.get(company) or to_come.get(company)
    return when


def latest_date(dates: list[str]) -> str | None:
    """The latest of partial dates, by the last day each covers (``None`` for none)."""
    return max(dates, key=lambda d: PartialDate.parse(d).sort_key()[1]) if dates else None


#: The kinds of flows a company's books are: what burn and the compute gap read.
BOOKS_KINDS: tuple[str, ...] = ("expenses", "revenues")


def _month_number(day: str) -> int:
    """The months since year 0 of an ISO day (``2024-06-30``: 2024 * 12 + 5)."""
    return int(day[:4]) * 12 + int(day[5:7]) - 1


def books_dates(
    flows: pd.DataFrame,
    when: Mapping[str, str | None],
    years: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, str | None]:
    """Each company's date for the sections that read a year of its books (burn, the compute
    gap): its report date when its year has expenses or revenues (not planned ones), else the
    last month of those before that year, else its report date. Its year: the calendar year
    of its report date, or its span in ``years`` (first and last day, ISO: a fiscal year, as
    the compute gap reads it: ``("2023-07-01", "2024-06-30")``).

    A report date can come from a cash balance in January, a stake bought after the books'
    last year, or ``as_of``; burn and compute gap then read the last year with books up to it
    (their ``from``/``to`` and ``period`` say which) rather than a year without any."""
    spans: dict[str, tuple[int, int]] = {}
    for company, w in when.items():
        if w is None:
            continue
        year = calendar_year(w)
        first_day, last_day = (years or {}).get(company, (f"{year}-01-01", f"{year}-12-31"))
        spans[company] = (_month_number(first_day), _month_number(last_day))
    out: dict[str, str | None] = dict(when)
    if not spans:
        return out
    books = flows["kind"].isin(BOOKS_KINDS).to_numpy() & (flows["basis"] != "planned").to_numpy()
    rows = flows[books]
    codes, names = pd.factorize(rows["entity"])
    bounds = [spans.get(str(n), (-1, -1)) for n in names] + [(-1, -1)]  # [-1]: no entity
    lo, hi = (np.array(b, dtype=np.int64)[codes] for b in zip(*bounds, strict=True))
    month = rows["month"]
    number = month.dt.year.to_numpy() * 12 + month.dt.month.to_numpy() - 1
    inside = (number >= lo) & (number <= hi) & (lo >= 0)
    has_year = {str(names[i]) for i in np.unique(codes[inside])}
    before = rows[(number < lo) & (lo >= 0)]
    last = _last_months(before) if len(before) else {}
    for company in spans:
        if company not in has_year and company in last:
            out[company] = last[company]
    return out
