"""Facts that cannot be: one entity on both sides of a record, one source contradicting itself
about one fact, an exchange rate that is no exchange.

- **same-party**: a bill whose payer is its provider, revenue or an expense whose counterparty is
  the company itself, a contract or an order with one entity as buyer and seller, a company
  investing in its own round. (A reallocation from an entity to itself is its record's check.)
- **contradiction**: records of one fact (same kind and :attr:`~aicapex.records.Record.FACT_KEY`,
  same currency) citing one source, whose figures cannot all hold: "at most $3M" and "at least
  $5M" of cash on one date. Each figure gives the range it claims (:func:`claimed_range`): an
  exact figure itself, a lower bound everything above it, an upper bound or a ceiling everything
  below it, a range its two ends; approximations claim no hard range. Two exact figures that
  differ are a conflict between reports (``Ledger.conflicts()``), not this. Kinds whose
  facts are matched within a date window (``FACT_WINDOW``: a round's reports within 120 days)
  are matched so here too: two rounds a year apart are two facts, whatever their figures.
- **distinct-investors** (a warning): reports of one funding round from different sources (one
  company and instrument, dated within 120 days, no different ``series``) that name investors
  and none in common: likely two rounds (Amazon's $1.25B and Google's $500M in Anthropic, a
  month apart), of which the flows would keep one. A ``series`` on each tells them apart.
- an exchange rate from US dollars to US dollars, or one whose size no float can hold.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from aicapex.checks.common import LedgerLike
from aicapex.dates import PartialDate
from aicapex.errors import Problem, folded
from aicapex.records import KINDS, Fact, FundingRound, FxRate, Record

__all__ = ["FIGURES", "claimed_range", "fact_problems", "raw_same_party_problems"]

#: The field holding each kind's main figure (what two reports of one fact may contradict on).
FIGURES: dict[str, str] = {
    "cash_balances": "amount",
    "funding_rounds": "amount",
    "revenues": "amount",
    "expenses": "amount",
    "cloud_bills": "billed",
    "compute_contracts": "total_value",
    "gpu_orders": "total",
}

#: Kinds whose own checks already refuse one entity on both sides.
_CHECKED_BY_RECORD = frozenset({"gpu_reallocations"})

Range = tuple[Decimal | None, Decimal | None]


def fact_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Every problem of this module (see the module docs)."""
    yield from same_party_problems(ledger)
    yield from contradiction_problems(ledger)
    yield from distinct_investor_problems(ledger)
    yield from fx_problems(ledger)


def same_party_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """One entity on both sides of a record."""
    for kind, cls in KINDS.items():
        if not issubclass(cls, Fact) or kind in _CHECKED_BY_RECORD:
            continue
        if len(cls.PARTIES) == 2:
            first, second = cls.PARTIES
            for record in ledger.records(kind):
                one = getattr(record, first)
                if one is not None and one == getattr(record, second):
                    yield ledger.problem(
                        record,
                        second,
                        f"an entity other than the {first} {one!r}",
                        repr(one),
                        "same-party",
                    )
    for funding in ledger.records("funding_rounds"):
        assert isinstance(funding, FundingRound)
        for i, part in enumerate(funding.investors):
            if part.investor == funding.company:
                yield ledger.problem(
                    funding,
                    f"investors.{i}.investor",
                    f"an investor other than the company {funding.company!r} raising the money",
                    repr(part.investor),
                    "same-party",
                )


def raw_same_party_problems(
    failed: Iterable[tuple[str, dict[str, Any]]],
) -> Iterator[tuple[int, str, str, str, str]]:
    """One entity on both sides of records that failed to load (``failed``: each one's kind and
    mapping of fields as written), as :func:`same_party_problems` says them, as ``(position in
    failed, field, expected, found, code)``: so that a load lists them with the records' own
    problems (a bill's refused amount) rather than after those are fixed. Parties that are not
    text are the records' own problems already."""

    def party(item: dict[str, Any], name: str) -> str | None:
        value = item.get(name)
        return value.strip() or None if isinstance(value, str) else None

    for n, (kind, item) in enumerate(failed):
        cls = KINDS[kind]
        if not issubclass(cls, Fact) or kind in _CHECKED_BY_RECORD:
            continue
        if len(cls.PARTIES) == 2:
            first, second = cls.PARTIES
            one = party(item, first)
            if one is not None and one == party(item, second):
                yield (
                    n,
                    second,
                    f"an entity other than the {first} {one!r}",
                    repr(one),
                    "same-party",
                )
        if kind == "funding_rounds" and isinstance(item.get("investors"), list):
            company = party(item, "company")
            for i, part in enumerate(item["investors"]):
                if (
                    company is not None
                    and isinstance(part, dict)
                    and party(part, "investor") == company
                ):
                    yield (
                        n,
                        f"investors.{i}.investor",
                        f"an investor other than the company {company!r} raising the money",
                        repr(company),
                        "same-party",
                    )


def claimed_range(record: Record, field: str) -> tuple[str, Range] | None:
    """The figure kind (``exact``, ``lower``, ``upper``, ``ceiling``, ``range``) and the hard
    range ``(low, high)`` (``None``: open) a record's figure claims, or ``None`` for no figure or
    an approximation. Reads a cash balance's ``bound`` field, and the kind of figures that carry
    their own (``more than $5M``)."""
    money = getattr(record, field, None)
    if money is None:
        return None
    kind = str(getattr(money, "kind", "exact"))
    bound = getattr(record, "bound", None) if "bound" in type(record).model_fields else None
    bound_kind = getattr(bound, "value", "exact")
    if bound_kind != "exact":
        kind = str(bound_kind)
    amount: Decimal = money.amount
    if kind == "exact":
        return kind, (amount, amount)
    if kind == "lower":
        return kind, (amount, None)
    if kind in ("upper", "ceiling"):
        return kind, (None, amount)
    if kind == "range":
        low, high = money.span
        return kind, (low, high)
    return None


def _is_bounded(record: Record, field: str) -> bool:
    """Whether a record's figure is not a plain exact one (cheap: no range computed)."""
    money = getattr(record, field)
    if money is None:
        return False
    if getattr(money, "qualifier", ""):
        return True
    bound = getattr(record, "bound", None) if "bound" in type(record).model_fields else None
    return getattr(bound, "value", "exact") != "exact"


def _shown(record: Record, field: str, kind: str) -> str:
    words = {"lower": "at least ", "upper": "at most "}
    money = getattr(record, field)
    bound = "exact"
    if "bound" in type(record).model_fields:
        bound = getattr(getattr(record, "bound", None), "value", "exact")
    prefix = words.get(kind, "") if bound != "exact" else ""
    return f"{prefix}{money} ({record.id})"


def contradiction_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Figures of one fact from one source that cannot all hold (parts of another record,
    ``included_in`` it, are no other report of its fact, as in :mod:`aicapex.table.conflicts`)."""
    for kind, field in FIGURES.items():
        cls = KINDS[kind]
        records = ledger.records(kind)
        bounded = [r for r in records if _is_bounded(r, field)]
        if not bounded:
            continue  # the usual case: exact figures only, which conflicts() shows

        # an effort (a round sought) and the rounds that came of it are never one fact
        linked = {r.company for r in records if getattr(r, "effort", None)}  # type: ignore[attr-defined]

        def key_of(
            record: Record, cls: Any = cls, field: str = field, linked: set[Any] = linked
        ) -> tuple[Any, ...]:
            side = (
                str(record.status) == "sought"  # type: ignore[attr-defined]
                if getattr(record, "company", None) in linked
                else None
            )
            return (
                *(getattr(record, k) for k in cls.FACT_KEY),
                side,
                getattr(record, field).currency,
            )

        keys = {key_of(r) for r in bounded}
        rivals = [
            (record, key)
            for record in records
            if getattr(record, field) is not None
            and getattr(record, "sources", None)
            and not getattr(record, "included_in", None)  # a part of another record: no rival
            and (key := key_of(record)) in keys
        ]
        groups: dict[tuple[Any, ...], list[tuple[Record, str, Range]]] = {}
        for record, key in _in_windows(ledger, records, rivals, cls):
            claim = claimed_range(record, field)
            if claim is None:
                continue
            for source in dict.fromkeys(c.source for c in record.sources):  # type: ignore[attr-defined]
                groups.setdefault((*key, source), []).append((record, *claim))
        hint = _two_facts_hint(cls)
        for key, members in groups.items():
            if len(members) > 1 and any(what != "exact" for _, what, _ in members):
                yield from _contradictions(ledger, field, str(key[-1]), members, hint)


def distinct_investor_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Reports of one round from different sources naming no investor in common (see the
    module docs): a warning at each later report, naming the first."""
    records = ledger.records("funding_rounds")
    if len(records) < 2:
        return
    linked = {r.company for r in records if getattr(r, "effort", None)}  # type: ignore[attr-defined]
    rivals: list[tuple[Record, tuple[Any, ...]]] = []
    for record in records:
        assert isinstance(record, FundingRound)
        if record.sources and record.investors and not getattr(record, "included_in", None):
            side = str(record.status) == "sought" if record.company in linked else None
            rivals.append((record, (record.company, record.instrument, side)))
    if len(rivals) < 2:
        return
    groups: dict[tuple[Any, ...], list[Record]] = {}
    for record, key in _in_windows(ledger, records, rivals, FundingRound):
        groups.setdefault(key, []).append(record)
    for members in groups.values():
        for i, record in enumerate(members[1:], 1):
            names = {p.investor for p in record.investors}  # type: ignore[attr-defined]
            cited = {c.source for c in record.sources}  # type: ignore[attr-defined]
            for first in members[:i]:
                theirs = [p.investor for p in first.investors]  # type: ignore[attr-defined]
                if names & set(theirs) or cited & {c.source for c in first.sources}:  # type: ignore[attr-defined]
                    continue
                yield ledger.problem(
                    record,
                    "investors",
                    f"an investor of {first.id} ({', '.join(dict.fromkeys(theirs))}), as another "
                    "report of its round (one company and instrument, dated within 120 days): "
                    "the flows keep one report of a round; if these are two rounds, give each "
                    "its series",
                    f"{', '.join(dict.fromkeys(p.investor for p in record.investors))} "  # type: ignore[attr-defined]
                    "(none of them)",
                    "distinct-investors",
                )
                break


def _in_windows(
    ledger: LedgerLike,
    records: tuple[Record, ...],
    rivals: list[tuple[Record, tuple[Any, ...]]],
    cls: Any,
) -> list[tuple[Record, tuple[Any, ...]]]:
    """The records with their fact keys, for a kind of ``FACT_WINDOW`` the key extended by the
    cluster of dates its record belongs to, as :mod:`aicapex.table.conflicts` clusters them:
    among every record of one ``FACT_KEY`` (citing sources or not, parts of others too: a
    report can chain two others), dates starting within the window's days of the previous one,
    in date order, each date starting as its owner's fiscal year has it (``FY2024`` of a year
    ending June 30 starts 2023-07-01). A source citing a round of January 2023 and one of June
    2024 cites two rounds. A cluster naming several ``FACT_SPLIT`` values (series) is split by
    them, a record naming none joining the one named nearest in date; naming one, it stays
    whole."""
    window = cls.FACT_WINDOW
    if window is None:
        return rivals
    field, days = window

    def fact(record: Record) -> tuple[Any, ...]:
        return tuple(getattr(record, k) for k in cls.FACT_KEY)

    def start(record: Record) -> dt.date:
        date: PartialDate | None = getattr(record, field, None)
        if date is None:
            return dt.date.min
        owner = record.fiscal_owner() if isinstance(record, Fact) else None
        return date.start(ledger.fiscal_year_end(owner)) if owner else date.sort_key()[0]

    facts = {fact(record) for record, _ in rivals}
    by_fact: dict[tuple[Any, ...], list[tuple[dt.date, int]]] = {}
    for i, record in enumerate(records):
        if (key := fact(record)) in facts:
            by_fact.setdefault(key, []).append((start(record), i))
    cluster_of: dict[int, int] = {}
    names: dict[int, set[Any]] = {}  # each cluster's FACT_SPLIT values named (a round's series)
    members: dict[int, list[tuple[int, dt.date]]] = {}  # each cluster's records and starts
    cluster = 0
    for starts in by_fact.values():
        previous: dt.date | None = None
        for day, i in sorted(starts):
            if previous is None or (day - previous).days > days:
                cluster += 1
            previous = day
            cluster_of[id(records[i])] = cluster
            members.setdefault(cluster, []).append((i, day))
            if cls.FACT_SPLIT is not None:
                name = _name(records[i], cls.FACT_SPLIT)
                names.setdefault(cluster, set()).update([name] if name is not None else [])

    def split(record: Record) -> Any:
        """The name telling the record's fact apart when its cluster names several: its own,
        else that of the record naming one nearest in date (the first in order of a tie)."""
        cluster_id = cluster_of[id(record)]
        if len(names.get(cluster_id, ())) < 2:
            return None
        own = _name(record, cls.FACT_SPLIT)
        if own is not None:
            return own
        day = start(record)
        named = sorted((i, d) for i, d in members[cluster_id] if _name(records[i], cls.FACT_SPLIT))
        nearest = min(named, key=lambda item: abs((item[1] - day).days))
        return _name(records[nearest[0]], cls.FACT_SPLIT)

    # a cluster split by name: each name's dates clustered again (a Series B in January and
    # one in July, joined only through a Series C in April, are two rounds)
    again: dict[int, int] = {}
    for cluster_id, mine in members.items():
        if len(names.get(cluster_id, ())) < 2:
            continue
        by_name: dict[Any, list[tuple[dt.date, int]]] = {}
        for i, day in mine:
            by_name.setdefault(split(records[i]), []).append((day, i))
        for dated in by_name.values():
            part, previous = 0, None
            for day, i in sorted(dated):
                part += previous is not None and (day - previous).days > days
                previous = day
                again[id(records[i])] = part
    return [
        (
            record,
            (*key[:-1], cluster_of[id(record)], split(record), again.get(id(record)), key[-1]),
        )
        for record, key in rivals
    ]


def _name(record: Record, field: str) -> str | None:
    """A record's ``FACT_SPLIT`` value as compared: case, spaces, hyphens and underscores aside
    (``Series C``, ``series-c``)."""
    value = getattr(record, field)
    return None if value is None else folded(str(value))


def _two_facts_hint(cls: Any) -> str:
    """What makes records of a kind matched within a date window two facts, for a
    contradiction's message (empty for kinds matched by their key alone)."""
    window = getattr(cls, "FACT_WINDOW", None)
    if window is None:
        return ""
    keys = " and ".join(k for k in cls.FACT_KEY)
    told = (
        f" (two of them are told apart by their instrument: equity, debt, ..., or their "
        f"{cls.FACT_SPLIT}: 'Series B', 'Series C')"
        if cls.FACT_SPLIT is not None
        else ""
    )
    return (
        f"; records of one {keys} dated within {window[1]} days of each other are read as "
        f"reports of one fact, and so are chains of them (each within {window[1]} days of the "
        f"one before){told}"
    )


def _contradictions(
    ledger: LedgerLike,
    field: str,
    source: str,
    members: list[tuple[Record, str, Range]],
    hint: str = "",
) -> Iterator[Problem]:
    """The first record whose figure leaves no value possible with the ones before it."""
    low: Decimal | None = None
    high: Decimal | None = None
    seen: list[tuple[Record, str]] = []
    for record, what, (lo, hi) in members:
        new_low = lo if low is None or (lo is not None and lo > low) else low
        new_high = hi if high is None or (hi is not None and hi < high) else high
        if new_low is not None and new_high is not None and new_low > new_high:
            before = ", ".join(_shown(r, field, w) for r, w in seen)
            yield ledger.problem(
                record,
                field,
                f"a figure the source {source!r} can also mean by {before}",
                f"{_shown(record, field, what)}: no amount is both{hint}",
                "contradiction",
            )
            return
        low, high = new_low, new_high
        seen.append((record, what))


def fx_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Exchange rates from US dollars (to US dollars), and rates no float can hold."""
    for rate in ledger.records("fx_rates"):
        assert isinstance(rate, FxRate)
        if rate.currency == "USD":
            yield ledger.problem(
                rate,
                "currency",
                "a currency other than USD (a rate says how many US dollars one unit of "
                "another currency buys)",
                "'USD'",
                "invalid-value",
            )
        value = float(rate.usd)
        if not math.isfinite(value) or value <= 0:
            yield ledger.problem(
                rate,
                "usd",
                "a positive number of US dollars that a float can hold (below 1e300)",
                str(rate.usd),
                "out-of-range",
            )
