"""The report's dates: each company's report date when none is asked, and the rule that says how
it was chosen (the report's ``as_of_rule``).

A company is reported as of what is known of it, not of what it was promised: its latest cash
balance, else the latest of the last month of its flows that happened, the day of its latest
stake or priced round, and the day each promise it has was made. Money still to come
(:data:`PROMISED`: contract payments scheduled, tranches committed, ceilings, announcements)
and planned spending or revenue date a company by their record's own date, held at the day
the record was reported, not by the months the money is promised for: a compute contract
signed in 2025 and paid through 2030 dated a 2025 ledger's company 2030-12, and its burn and
compute gap read a year that no expense or revenue covers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from aicapex.dates import MAX_YEAR, PartialDate, calendar_year
from aicapex.gpureport import gpu_companies
from aicapex.ledger import Ledger
from aicapex.records import KINDS, Entity, EntityType
from aicapex.reportdeals import deal_companies
from aicapex.reportownership import owned_companies

__all__ = ["AS_OF_RULE", "BOOKS_KINDS", "PROMISED", "books_dates", "latest_date", "report_dates"]

#: Flow statuses of money still to come (promised, not moved): their months date no report
#: (their records' own dates do: :func:`_promise_days`).
PROMISED: tuple[str, ...] = ("committed", "conditional", "scheduled", "announced")

#: The report's ``as_of_rule`` when no date is asked.
AS_OF_RULE = (
    "each company's latest cash balance, else the latest of the last month of its flows that "
    "happened, the day of its latest stake or priced round and the day of each record of money "
    "promised or planned (its own date, held at the day it was reported: not the months the "
    "money is promised for), else of its latest deal or GPU record; the report's as_of is the "
    "latest of them"
)


def _latest(keys: pd.Series | np.ndarray, days: np.ndarray) -> dict[str, np.datetime64]:
    """Each key's latest of ``days`` (datetime64[ns]; NaT skipped, a key without any day and
    missing keys left out), as ``groupby(keys).max().dropna()`` finds them: by NumPy, the rows
    are few (a groupby of a few rows, and the frames filtered for it, cost ~0.3 ms each)."""
    codes, names = pd.factorize(keys)  # -1: a missing key
    none = np.iinfo(np.int64).min  # NaT's number: below every day
    latest = np.full(len(names), none, dtype=np.int64)
    ok = codes >= 0
    np.maximum.at(latest, codes[ok], np.asarray(days, dtype="datetime64[ns]").view(np.int64)[ok])
    found = latest != none
    at = latest[found].view("datetime64[ns]")
    return dict(zip(np.asarray(names, dtype=object)[found].tolist(), at, strict=True))


def _text(latest: dict[str, np.datetime64], unit: Literal["D", "M"]) -> dict[str, str]:
    """The days of ``latest`` as ISO text to ``unit`` (``D``: ``YYYY-MM-DD``, ``M``: a month)."""
    text = np.datetime_as_string(np.array(list(latest.values()), "datetime64[ns]"), unit=unit)
    return dict(zip(latest, text.tolist(), strict=True))


def _last_months(entities: pd.Series | np.ndarray, months: np.ndarray) -> dict[str, str]:
    """Each entity's last month of the flows of ``entities`` and ``months`` (``YYYY-MM``), held
    at the last month one may write (a span may run past it)."""
    last = _text(_latest(entities, months), "M")
    return {c: min(m, f"{MAX_YEAR}-12") for c, m in last.items()}


def _promise_days(ledger: Ledger, flows: pd.DataFrame, rows: np.ndarray) -> dict[str, str]:
    """Each entity's latest day of a record of money promised or planned among the ``rows`` of
    ``flows``: the last day of the record's own date (a round's, a contract's start, an
    order's), held at the last day of its report date (what was known then: a contract
    reported in 2025 that starts in 2027 dates 2025), as ``YYYY-MM-DD``."""
    days: dict[str, np.datetime64] = {}
    for kind in pd.unique(flows["kind"].to_numpy(object)[rows]):
        cls = KINDS.get(str(kind))
        field = getattr(cls, "DATE_FIELD", None)
        frame = ledger.frame(str(kind)) if field else None
        if frame is None or f"{field}_end" not in frame:
            continue
        own = frame[f"{field}_end"].to_numpy("datetime64[ns]")
        known = frame["reported_end"].to_numpy("datetime64[ns]")
        day = np.where(np.isnat(known) | (~np.isnat(own) & (own < known)), own, known)
        days.update(zip(frame["id"].to_numpy(object), day, strict=True))
    nat = np.datetime64("NaT", "ns")
    records = flows["record"].to_numpy(object)[rows]
    when = np.array([days.get(r, nat) for r in records], dtype="datetime64[ns]")
    return _text(_latest(flows["entity"].to_numpy()[rows], when), "D")


def _month_end(date: str) -> str:
    """A month (``YYYY-MM``) or a day as a key that orders it by its last day."""
    return f"{date}-31" if len(date) == 7 else date


def report_dates(
    ledger: Ledger, flows: pd.DataFrame, balances: pd.DataFrame, as_of: object
) -> dict[str, str | None]:
    """Each company's report date: ``as_of``, else its latest cash balance's day, else the
    latest of the last month of its flows that happened (statuses other than
    :data:`PROMISED`, basis other than ``planned``), its latest stake's or priced round's last
    day (a stake sold after its last flow is in its ownership; without flows that happened,
    the last day of its latest deal, such as capex, mergers, listings, warrants, share counts,
    vehicles, or GPU record, such as orders and targets, too) and the day of each of its
    records of money promised or planned (:func:`_promise_days`). A month and a day ending
    together: the month."""
    holders = set(flows["entity"].to_numpy(object)) | set(balances["company"].to_numpy(object))
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
    balance_days = balances["date_end"].to_numpy("datetime64[ns]")
    latest_day = _text(_latest(balances["company"].to_numpy(), balance_days), "D")
    promised = flows["status"].isin(PROMISED).to_numpy() | (flows["basis"] == "planned").to_numpy()
    entities, months = flows["entity"].to_numpy(), flows["month"].to_numpy("datetime64[ns]")
    last_month = _last_months(entities[~promised], months[~promised])
    promises = _promise_days(ledger, flows, np.flatnonzero(promised)) if promised.any() else {}
    when: dict[str, str | None] = {}
    for company in companies:
        if company in latest_day:
            when[company] = latest_day[company]
            continue
        # without flows that happened: its latest stake, priced round, deal or GPU record
        month = last_month.get(company)
        first = month if month is not None else other.get(company)
        found = [d for d in (first, owned.get(company), promises.get(company)) if d is not None]
        # the latest by its last day; on a tie the first (the month, then the stake's day)
        when[company] = max(found, key=_month_end) if found else None
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
    before = (number < lo) & (lo >= 0)
    months = month.to_numpy("datetime64[ns]")
    last = _last_months(rows["entity"].to_numpy()[before], months[before]) if before.any() else {}
    for company in spans:
        if company not in has_year and company in last:
            out[company] = last[company]
    return out
