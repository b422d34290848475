"""Warnings: what is implausible but real. The ledger loads with them; ``Ledger.warnings`` keeps
them, ``aicapex validate`` and ``aicapex report`` show them, ``validate --strict`` refuses them.

- **tranche-before-round**: a tranche dated before its round (bridge financing exists);
- **payment-before-period**: a payment before the period it pays for (prepaid bills exist);
- **due-before-period-end**: a bill due before its period ends (upfront billing exists);
- **no-fx-rate**: money in a currency without an exchange rate at its date in the ledger's
  ``fx_rates`` (analyses refuse such amounts rather than guess): one warning per record naming
  its fields and currencies, at most :data:`MAX_FX_WARNINGS` per currency and then one that
  counts the rest.

- **implausible-figure**: a figure likely written wrong: a range of money whose high end is more
  than :data:`RANGE_RATIO` times its low end (``$3 to 5 million`` is $3 to $5M, each end of a
  ``to`` or ``between`` range having its own scale), an exchange rate of more than
  :data:`FX_PLAUSIBLE_USD` US dollars a unit of a currency other than the metals' (``JPY: 150``
  is yen per dollar, written the other way round).

- **repeated-investor**: an investor named twice among a round's ``investors`` (the flows read
  each participation: without amounts, two names are several investors and ``undisclosed``
  pays; with amounts, both count).

- **after-reported**: an actual figure dated after it was reported (a cash balance, a revenue
  or an expense of basis ``actual`` whose date starts after its ``reported`` date, else after
  the latest publication date of the sources it cites): a typo in the year, or a plan not
  marked ``basis: planned``; the report took a balance of 2025 from a source of 2023 as the
  company's cash.

GPU reallocations passing on units the ledger does not show held are warned of with the checks
of reallocations against their orders (**reallocated-beyond-held**, :mod:`aicapex.checks.gpus`).
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from aicapex.checks.common import LedgerLike
from aicapex.dates import PartialDate
from aicapex.errors import Problem
from aicapex.fx import FxTable
from aicapex.money import Money, Rate
from aicapex.records import KINDS, CloudBill, Fact, FundingRound, FxRate, Record, Source

__all__ = [
    "FX_PLAUSIBLE_USD",
    "MAX_FX_WARNINGS",
    "RANGE_RATIO",
    "date_warnings",
    "figure_warnings",
    "fx_warnings",
    "investor_warnings",
    "reported_warnings",
    "warning_problems",
]

#: The most ``no-fx-rate`` warnings of one currency before one that counts the rest.
MAX_FX_WARNINGS = 20


def warning_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Every warning of this module (see the module docs)."""
    yield from date_warnings(ledger)
    yield from fx_warnings(ledger)
    yield from figure_warnings(ledger)
    yield from investor_warnings(ledger)
    yield from reported_warnings(ledger)


def investor_warnings(ledger: LedgerLike) -> Iterator[Problem]:
    """An investor named twice among a round's ``investors``: one warning per repetition, at the
    repeated participation."""
    for rnd in ledger.records("funding_rounds"):
        assert isinstance(rnd, FundingRound)
        seen: dict[str, int] = {}
        for i, part in enumerate(rnd.investors):
            first = seen.setdefault(part.investor, i)
            if first != i:
                yield ledger.problem(
                    rnd,
                    f"investors.{i}.investor",
                    "each investor once among a round's investors (the flows read each "
                    "participation; this is a warning)",
                    f"{part.investor!r}, named too at investors.{first}",
                    "repeated-investor",
                )


def _before(a: PartialDate, b: PartialDate) -> bool:
    """Whether all of ``a`` is before all of ``b``."""
    return a.sort_key()[1] < b.sort_key()[0]


def date_warnings(ledger: LedgerLike) -> Iterator[Problem]:
    """Tranches before their round, payments before their period, bills due before theirs
    ends."""
    for funding in ledger.records("funding_rounds"):
        assert isinstance(funding, FundingRound)
        for i, t in enumerate(funding.tranches):
            if t.date is not None and _before(t.date, funding.date):
                yield ledger.problem(
                    funding,
                    f"tranches.{i}.date",
                    f"a tranche on or after the round's date {funding.date} (a bridge before "
                    "the round is possible: this is a warning)",
                    str(t.date),
                    "tranche-before-round",
                )
    for bill in ledger.records("cloud_bills"):
        assert isinstance(bill, CloudBill)
        for i, p in enumerate(bill.payments):
            if _before(p.date, bill.period):
                yield ledger.problem(
                    bill,
                    f"payments.{i}.date",
                    f"a payment on or after the period billed {bill.period} (a prepaid bill is "
                    "possible: this is a warning)",
                    str(p.date),
                    "payment-before-period",
                )
        if bill.due is not None and bill.due.sort_key()[1] < bill.period.sort_key()[1]:
            yield ledger.problem(
                bill,
                "due",
                f"a due date on or after the end of the period billed {bill.period} (upfront "
                "billing is possible: this is a warning)",
                str(bill.due),
                "due-before-period-end",
            )


# -- money without an exchange rate ----------------------------------------------------------


@functools.cache
def _money_fields(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel] | None], ...]:
    """The fields of ``model`` holding money or rates (``None``), or items with some (their
    model)."""
    out: list[tuple[str, type[BaseModel] | None]] = []
    for name, info in model.model_fields.items():
        types = _types(info.annotation)
        if Money in types or Rate in types:
            out.append((name, None))
            continue
        for t in types:
            if isinstance(t, type) and issubclass(t, BaseModel) and _money_fields(t):
                out.append((name, t))
                break
    return tuple(out)


def _types(annotation: Any) -> set[Any]:
    found = {annotation}
    for arg in typing.get_args(annotation):
        found |= _types(arg)
    return found


def _moneys(obj: Any, prefix: str = "", *, dollars: bool = False) -> Iterator[tuple[str, Any, Any]]:
    """``(field, money, item)`` for each amount of ``obj`` not in US dollars (``dollars``: every
    amount; ``item``: the list item holding it, whose own date applies, or ``None``)."""
    model: type[BaseModel] = type(obj)
    for name, item_model in _money_fields(model):
        value = getattr(obj, name)
        if value is None:
            continue
        if item_model is None:
            money = value.money if isinstance(value, Rate) else value
            if dollars or money.currency != "USD":
                yield f"{prefix}{name}", money, None
            continue
        for i, item in enumerate(value):
            for field, money, _ in _moneys(item, f"{prefix}{name}.{i}.", dollars=dollars):
                yield field, money, item


def fx_warnings(ledger: LedgerLike) -> Iterator[Problem]:
    """Money in a currency with no exchange rate at its date (see the module docs)."""
    rates = [r for r in ledger.records("fx_rates") if isinstance(r, FxRate)]
    fx = FxTable((r.currency, r.date.start(), float(r.usd)) for r in rates)
    firsts: dict[str, dt.date] = {}
    for r in rates:
        day = r.date.start()
        firsts[r.currency] = min(day, firsts.get(r.currency, day))
    counts: dict[str, list[str]] = {}
    for kind, cls in KINDS.items():
        if not _money_fields(cls):
            continue
        for record in ledger.records(kind):
            problem = _record_warning(ledger, record, fx, firsts, counts)
            if problem is not None:
                yield problem
    for currency, extra in counts.items():
        if len(extra) > MAX_FX_WARNINGS:
            rest = extra[MAX_FX_WARNINGS:]
            first = ledger.get(rest[0])
            assert first is not None
            shown = ", ".join(rest[:5]) + (f" and {len(rest) - 5} more" if len(rest) > 5 else "")
            yield ledger.problem(
                first,
                None,
                f"fx_rates for {currency} at the dates of its amounts",
                f"{len(rest)} more records with {currency} amounts without a rate ({shown})",
                "no-fx-rate",
            )


def _record_warning(
    ledger: LedgerLike,
    record: Record,
    fx: FxTable,
    firsts: dict[str, dt.date],
    counts: dict[str, list[str]],
) -> Problem | None:
    foreign = list(_moneys(record))
    if not foreign:
        return None  # the usual case: dollars only, no date to read
    cls = type(record)
    date_value = getattr(record, cls.DATE_FIELD) if cls.DATE_FIELD else None
    owner = record.fiscal_owner() if isinstance(record, Fact) else None
    fye = ledger.fiscal_year_end(owner) if owner else "12-31"
    day = date_value.start(fye) if isinstance(date_value, PartialDate) else None
    missing: dict[str, tuple[str, dt.date | None]] = {}
    for field, money, item in foreign:
        currency = money.currency
        if currency in missing:
            continue
        own = getattr(item, "date", None)
        when = own.start(fye) if isinstance(own, PartialDate) else day
        if fx.rate(currency, when) != fx.rate(currency, when):  # NaN: no rate applies
            missing[currency] = (field, when)
    if not missing:
        return None
    fields = sorted(missing.items())
    shown = []
    for currency, (field, when) in fields:
        counts.setdefault(currency, []).append(record.id)
        first = firsts.get(currency)
        if first is None:
            shown.append(f"{currency} ({field}), a currency without fx_rates")
        else:
            shown.append(f"{currency} ({field}) on {when}, before its first rate ({first})")
    if all(len(counts[c]) > MAX_FX_WARNINGS for c, _ in fields):
        return None  # counted in the currency's last warning
    currencies = ", ".join(c for c, _ in fields)
    return ledger.problem(
        record,
        fields[0][1][0],
        f"an exchange rate in fx_rates for {currencies} at the amount's date (without one, "
        "analyses refuse the amount)",
        "; ".join(shown),
        "no-fx-rate",
    )


# -- figures likely written wrong ------------------------------------------------------------

#: A range of money whose high end is more than this many times its low end is warned of.
RANGE_RATIO = 1000

#: An exchange rate of more US dollars than this for one unit of a currency (other than
#: :data:`_DEAR_UNITS`) is warned of: no currency is worth that much.
FX_PLAUSIBLE_USD = 10

#: Units worth more than :data:`FX_PLAUSIBLE_USD` dollars: a troy ounce of gold, silver,
#: platinum or palladium, Chile's unidad de fomento.
_DEAR_UNITS = frozenset({"XAU", "XAG", "XPT", "XPD", "CLF"})


def figure_warnings(ledger: LedgerLike) -> Iterator[Problem]:
    """Ranges of money whose ends are more than :data:`RANGE_RATIO` apart, exchange rates
    above :data:`FX_PLAUSIBLE_USD` (see the module docs)."""
    for rate in ledger.records("fx_rates"):
        assert isinstance(rate, FxRate)
        if rate.usd > FX_PLAUSIBLE_USD and rate.currency not in _DEAR_UNITS:
            inverse = f"{1 / float(rate.usd):.6g}"
            yield ledger.problem(
                rate,
                "usd",
                f"US dollars per one {rate.currency}, at most {FX_PLAUSIBLE_USD} (no currency "
                "but the metals is worth more a unit; this is a warning)",
                f"{rate.usd:,}: written the other way round, {rate.currency} per US dollar? "
                f"(one {rate.currency} would then be {inverse} US dollars)",
                "implausible-figure",
            )
    for kind, cls in KINDS.items():
        if not _money_fields(cls):
            continue
        for record in ledger.records(kind):
            for field, money, _ in _moneys(record, dollars=True):
                if money.span is None:
                    continue
                low, high = money.span
                if low > 0 and high > low * RANGE_RATIO:
                    yield ledger.problem(
                        record,
                        field,
                        f"a range whose high end is at most {RANGE_RATIO:,} times its low end "
                        "(each end of '$3 to $5M' or 'between $3 and $5 million' has its own "
                        "scale: '$3M to $5M' or '$3-5M' for millions; this is a warning)",
                        f"{money}, a high end {high / low:,.0f} times its low end",
                        "implausible-figure",
                    )


# -- actual figures dated after their report -------------------------------------------------


def reported_warnings(ledger: LedgerLike) -> Iterator[Problem]:
    """Cash balances, and revenues and expenses of basis ``actual``, dated after they were
    reported (see the module docs): at most :data:`MAX_FX_WARNINGS` of a kind, then one that
    counts the rest."""
    for kind in ("cash_balances", "revenues", "expenses"):
        found = list(_after_reported(ledger, kind))
        for record in found[:MAX_FX_WARNINGS]:
            date: PartialDate = getattr(record, "date")  # noqa: B009 (every kind here has one)
            reported = record.reported or _latest_source(ledger, record)
            yield ledger.problem(
                record,
                "date",
                f"a date on or before its report {reported} (an actual figure reported "
                "before it happened? a plan or a forecast is basis: planned or expected; "
                "this is a warning)",
                str(date),
                "after-reported",
            )
        rest = [r.id for r in found[MAX_FX_WARNINGS:]]
        if rest:
            shown = ", ".join(rest[:5]) + (f" and {len(rest) - 5} more" if len(rest) > 5 else "")
            yield ledger.problem(
                found[MAX_FX_WARNINGS],
                "date",
                f"{kind} dated on or before their reports",
                f"{len(rest)} more dated after their reports ({shown})",
                "after-reported",
            )


def _after_reported(ledger: LedgerLike, kind: str) -> Iterator[Fact]:
    """The records of ``kind`` dated after they were reported (actual figures only)."""
    ends: dict[str, dt.date] = {}  # the sources' last days, looked up once
    for record in ledger.records(kind):
        if getattr(record, "basis", "actual") != "actual":
            continue
        assert isinstance(record, Fact)
        date: PartialDate = getattr(record, "date")  # noqa: B009 (every kind here has one)
        if record.reported is not None:
            last = record.reported.end()
        else:
            days = [_source_end(ledger, c.source, ends) for c in record.sources]
            known = [d for d in days if d is not None]
            if not known:
                continue
            last = max(known)
        if date.sort_key()[1] <= last:
            continue  # the usual case, without the owner's fiscal year
        owner = record.fiscal_owner()
        if date.start(ledger.fiscal_year_end(owner) if owner else "12-31") > last:
            yield record


def _source_end(ledger: LedgerLike, source_id: str, ends: dict[str, dt.date]) -> dt.date | None:
    """The last day of a source's publication date (``None``: no such source)."""
    day = ends.get(source_id)
    if day is None:
        source = ledger.get(source_id)
        if not isinstance(source, Source):
            return None
        day = ends[source_id] = source.date.end()
    return day


def _latest_source(ledger: LedgerLike, record: Fact) -> PartialDate | None:
    """The latest publication date of the sources ``record`` cites."""
    dates = [s.date for c in record.sources if isinstance(s := ledger.get(c.source), Source)]
    return max(dates, key=lambda d: d.sort_key()[1]) if dates else None
