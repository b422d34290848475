"""Adjustments of records and bills: remove a record's flows (or a cash balance), pay or forgive
unpaid cloud bills.

- ``remove(record)``: the record's flows of the entity (in a window of months) are left out;
  past its records, a stream continues at the run rate of what is left. A record reporting a
  fact another record reports too, removed whole, is left out before the conflicts are
  resolved, as ``ac.Exclude`` leaves it out: the other report stands.
- ``pay(entity, bills=, on=)``: unpaid cloud bills are paid in the month of ``on`` (default:
  ``as_of``'s), and leave what policy ``arrears`` pays at ``as_of``;
  ``forgive(entity, bills=)``: they are never paid (only policy ``arrears`` pays bills at all).
  A bill is paid or forgiven once in a scenario: a later ``pay()`` or ``forgive()`` takes the
  bills left, and naming a bill settled earlier is an error.

>>> remove("stability-revenue-2023").describe()
'each entity: records left out: stability-revenue-2023'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from aicapex.dates import DateLike
from aicapex.errors import suggest
from aicapex.scenarios.adjust import Addition
from aicapex.scenarios.book import (
    AdjustmentError,
    Book,
    Bound,
    Frozen,
    ScenarioAdjustment,
    date_arg,
    end_arg,
    in_months,
)
from aicapex.table.adjust import Exclude as TableExclude
from aicapex.table.adjust import conflict_reports
from aicapex.values import format_usd

__all__ = [
    "BILL_ADJUSTMENTS",
    "DropRecords",
    "Forgive",
    "Pay",
    "Remove",
    "bind_settling",
    "forgive",
    "pay",
    "remove",
]


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class DropRecords(Frozen):
    """Leave out ``entity``'s flows of ``records`` (in the months ``start`` to ``end``), and
    those records' cash balances."""

    entity: str
    records: tuple[str, ...]
    start: str | None = None
    end: str | None = None

    def flows(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows without the records' rows of ``entity`` in the window."""
        return flows[~self.dropped(flows)]

    def dropped(self, flows: pd.DataFrame) -> np.ndarray:
        """Which rows of ``flows`` are left out: the records' rows of ``entity`` in the window."""
        drop: np.ndarray = (
            flows["record"].astype("object").isin(list(self.records)).to_numpy()
            & (flows["entity"].astype("object") == self.entity).to_numpy()
        )
        month = flows["month"].to_numpy("datetime64[ns]")
        if self.start:
            drop = drop & (month >= np.datetime64(self.start, "ns"))
        if self.end:
            drop = drop & (month <= np.datetime64(self.end, "ns"))
        return drop

    def balances(self, balances: pd.DataFrame) -> pd.DataFrame:
        """The balances without the records (a removed cash balance)."""
        if self.start or self.end:
            return balances
        return balances[~balances["id"].astype("object").isin(list(self.records)).to_numpy()]

    def describe(self) -> str:
        """``records left out: a, b``."""
        window = "".join(
            part
            for part in (
                f" from {self.start[:7]}" if self.start else "",
                f" to {self.end[:7]}" if self.end else "",
            )
        )
        return f"{self.entity}: records left out{window}: {', '.join(self.records)}"


# -- records and bills ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class Remove(ScenarioAdjustment):
    """A record's flows left out (from ``start`` to ``end``), or a cash balance. A record
    reporting a fact another record reports too, removed whole, is left out before the
    conflicts are resolved, as ``ac.Exclude`` does: the other report stands (see
    :meth:`_reported`)."""

    NAME = "remove"

    record: str
    entity: str | None = None
    start: str | None = None
    end: str | None = None

    def describe(self) -> str:
        """``stability-ai: records left out: stability-revenue-2023``."""
        return DropRecords(
            self.entity or "each entity", (self.record,), self.start, self.end
        ).describe()

    def bind(self, book: Book) -> Bound:
        """Check the record is one of the entity's flows or cash balances."""
        entity = book.entity_of(self.entity, one=True)
        flows = book.flows
        own = set(flows["record"][(flows["entity"].astype("object") == entity).to_numpy()])
        cash = book.frame("cash_balances")
        balances: set[str] = set()
        if cash is not None:
            balances = set(cash["id"][(cash["company"].astype("object") == entity).to_numpy()])
        if self.record in balances - own and (self.start or self.end):
            # a balance is left out whole (DropRecords.balances): in a window it stayed
            key = "start" if self.start else "end"
            raise AdjustmentError(
                f"{key}: expected no start or end for a cash balance (left out whole: it has no "
                f"months), got {self.record!r} from {self.start or '...'} to {self.end or '...'}",
                key,
            )
        own |= balances
        reported = self._reported(book, own)
        if reported is not None:
            return reported
        if self.record not in own:
            raise AdjustmentError(
                f"record: expected a record with flows of {entity}, or a cash balance"
                f"{suggest(self.record, sorted(str(r) for r in own))}, got {self.record!r}",
                "record",
                "unknown-reference",
            )
        start = f"{self.start}-01" if self.start else None
        end = f"{self.end}-01" if self.end else None
        table = DropRecords(entity, (self.record,), start, end)
        notes: tuple[str, ...] = ()
        if (start or end) and len(table.flows(flows)) == len(flows):
            # (the explanation said it was left out, and the runway went on as before)
            notes = (
                f"{self.record} has no flows of {entity} in those months: nothing is left out "
                "(past its records a stream goes on at its run rate: scale(category=..., by=0, "
                "start=...) stops it)",
            )
        elif start or end:
            notes = _refilled(self.record, entity, flows, table)
        return Bound(table.describe(), table=(table,), notes=notes)

    def _reported(self, book: Book, own: set[str]) -> Bound | None:
        """A record reporting a fact another record reports too (conflicts resolved by
        ``book.conflicts``), of the entity (a report of its fact has flows of it): left out
        whole, it is left out before the conflicts are resolved, as :class:`ac.Exclude
        <aicapex.table.adjust.Exclude>` does (:func:`~aicapex.table.adjust.refiled`), so another
        report of the fact stands; the report set aside is accepted (nothing changes: said).
        In a window, the kept report's flows there are left out, as any record's (the other
        report does not stand in for them); the report set aside has no flows to leave out
        there (an error saying so).
        ``None``: not such a record (or a flows table, or ``conflicts="all"``)."""
        reports = conflict_reports(book.source, book.conflicts)
        if reports is None or self.record not in reports.group:
            return None
        fact = reports.group[self.record]
        others = sorted(r for r, f in reports.group.items() if f == fact and r != self.record)
        kept = [r for r in others if r in own and r not in reports.aside]
        if not kept and self.record not in own:
            return None  # another entity's fact: the usual error
        policy = f"conflicts={book.conflicts!r}"
        entity = str(book.entity_of(self.entity, one=True))
        text = DropRecords(entity, (self.record,)).describe()
        if self.start or self.end:
            if self.record in reports.aside:
                key = "start" if self.start else "end"
                raise AdjustmentError(
                    f"{key}: expected no start or end for {self.record!r}, set aside by {policy} "
                    f"({', '.join(kept)} reports the same fact and is counted: it has no flows "
                    f"to leave out in those months; remove it whole, or remove {kept[0]!r} in "
                    f"those months), got {self.record!r} from {self.start or '...'} to "
                    f"{self.end or '...'}",
                    key,
                )
            return None  # the kept report's flows in the window: as any record's
        if self.record in reports.aside:
            note = (
                f"{self.record} was set aside by {policy} already ({', '.join(kept)} reports the "
                "same fact and is counted): removing it changes nothing"
            )
        else:
            note = (
                f"{self.record} left out before conflicts were resolved ({policy}): another "
                f"report of the same fact ({', '.join(others)}) counts instead, as with "
                "ac.Exclude"
            )
        return Bound(text, table=(TableExclude((self.record,)),), notes=(note,))


def _refilled(record: str, entity: str, flows: pd.DataFrame, table: DropRecords) -> tuple[str, ...]:
    """A note for each stream (a spending category, revenue) whose months in the window are left
    with no record once ``record``'s flows there are out, after a month with one: the runway
    fills such months at the stream's run rate, so leaving the flows out changes nothing there
    (the explanation said they were left out, and the runway went on as before)."""
    own = (flows["entity"].astype("object") == entity).to_numpy() & flows["kind"].astype(
        "object"
    ).isin(["expenses", "revenues"]).to_numpy()
    drop = table.dropped(flows) & own
    month = flows["month"].to_numpy("datetime64[ns]")
    category = flows["category"].to_numpy(object)
    notes = []
    for stream in sorted(set(category[drop])):
        left = month[own & ~drop & (category == stream)]
        gone = np.unique(month[drop & (category == stream)])
        filled = gone[~np.isin(gone, left) & (gone > left.min())] if len(left) else gone[:0]
        if len(filled):
            first, last = (pd.Timestamp(m).strftime("%Y-%m") for m in (filled[0], filled[-1]))
            notes.append(
                f"{record}'s {stream} of {entity} from {first} to {last} is left out, but no other "
                f"record of its {stream} is there: those months go on at its run rate, as months "
                f"without a record do (scale(category={stream!r}, by=0, start=..., end=...) "
                "stops it)"
            )
    return tuple(notes)


def remove(
    record: str,
    *,
    entity: str | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
) -> Remove:
    """Leave out ``record``'s flows of ``entity`` (the scenario's by default) in the months
    from ``start`` to ``end`` (all when ``None``), or the cash balance ``record``.

    A record reporting a fact another record reports too (two reports of one funding round,
    say): removed whole, it is left out before the conflicts are resolved, as ``ac.Exclude``
    leaves it out, so the other report stands (removing the report the conflicts policy set
    aside changes nothing, and the explanation says so). With ``start`` or ``end``, the kept
    report's flows in those months are left out and the other report does not stand in; the
    report set aside has no flows in any month, and a window of it is an error saying so."""
    if not isinstance(record, str) or not record:
        raise AdjustmentError(f"record: expected a record's id, got {record!r}", "record")
    s = date_arg("start", start)
    return Remove(record, entity, s, end_arg(end, s))


def _owed(book: Book, entity: str, bills: Sequence[str] | None) -> pd.DataFrame:
    """What each of ``entity``'s bills (those named, or all unpaid) owes: ``owed``, ``low``,
    ``high`` (US dollars), by bill id."""
    flows = book.flows
    rows = flows[
        (flows["kind"].astype("object") == "cloud_bills").to_numpy()
        & (flows["entity"].astype("object") == entity).to_numpy()
    ]
    paid = (rows["status"].astype("object") == "paid").to_numpy()
    base = rows["amount_usd"].to_numpy("float64")
    low = rows["low_usd"].fillna(rows["amount_usd"]).to_numpy("float64")
    high = rows["high_usd"].fillna(rows["amount_usd"]).to_numpy("float64")
    table = (
        pd.DataFrame(
            {
                "bill": rows["record"].to_numpy(object),
                "owed": np.where(paid, -base, base),
                "low": np.where(paid, -high, low),
                "high": np.where(paid, -low, high),
            }
        )
        .groupby("bill", sort=True)
        .sum()
    )
    if bills is None:
        unpaid = table[table["owed"] > 0.005]
        if unpaid.empty:
            raise AdjustmentError(
                f"bills: expected unpaid bills of {entity}, got none", "bills", "unknown-reference"
            )
        return unpaid
    for bill in bills:
        if bill not in table.index:
            raise AdjustmentError(
                f"bills: expected a cloud bill of {entity}"
                f"{suggest(str(bill), [str(b) for b in table.index])}, got {bill!r}",
                "bills",
                "unknown-reference",
            )
    return table.loc[list(bills)]


def _bills(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return tuple(dict.fromkeys(value))  # each once: a bill named twice was paid twice
    raise AdjustmentError(f"bills: expected bill ids, got {value!r}", "bills")


def bind_settling(
    adjustment: ScenarioAdjustment, book: Book, settled: set[tuple[str, str]]
) -> Bound:
    """``adjustment`` bound, for :class:`Pay` and :class:`Forgive` against the bills paid or
    forgiven earlier in the scenario (``settled``: entity and bill, updated): all unpaid bills
    are those left, and a bill named again is refused (paid twice, its money left twice)."""
    adjustment = in_months(adjustment, book)  # its fiscal years as its entity's months
    bound = adjustment.bind(book)
    if not isinstance(adjustment, Pay | Forgive):
        return bound
    drop = next(t for t in bound.table if isinstance(t, DropRecords))
    again = [b for b in drop.records if (drop.entity, b) in settled]
    if again and adjustment.bills is not None:
        raise AdjustmentError(
            f"bills: expected bills not paid or forgiven earlier in the scenario, got {again[0]!r}",
            "bills",
        )
    if again:
        rest = tuple(b for b in drop.records if (drop.entity, b) not in settled)
        if not rest:
            raise AdjustmentError(
                f"bills: expected unpaid bills of {drop.entity} not paid or forgiven earlier in "
                "the scenario, got none",
                "bills",
                "unknown-reference",
            )
        bound = replace(adjustment, bills=rest).bind(book)
        drop = next(t for t in bound.table if isinstance(t, DropRecords))
    settled.update((drop.entity, b) for b in drop.records)
    return bound


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class Pay(ScenarioAdjustment):
    """Unpaid bills paid on ``on`` (default: ``as_of``'s month)."""

    NAME = "pay"

    entity: str | None = None
    bills: tuple[str, ...] | None = None
    on: str | None = None

    def describe(self) -> str:
        """``stability-ai: unpaid bills paid in 2023-10``."""
        which = "unpaid bills" if self.bills is None else f"bills {', '.join(self.bills)}"
        when = f" in {self.on}" if self.on else " in as_of's month"
        return f"{self.entity or 'each entity'}: {which} paid{when}"

    def bind(self, book: Book) -> Bound:
        """Check the bills; leave them out of the flows, and pay what they owe."""
        entity = book.entity_of(self.entity, one=True)
        owed = _owed(book, entity, self.bills)
        on = self.on or book.as_of
        total = -float(owed["owed"].sum()), -float(owed["high"].sum()), -float(owed["low"].sum())
        op = Addition(entity, "arrears", total, on, None, False, -1.0)
        table = DropRecords(entity, tuple(owed.index))
        text = (
            f"{entity}: bills {', '.join(owed.index)} ({format_usd(-total[0])} unpaid) paid in {on}"
        )
        return Bound(text, table=(table,), op=op)


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class Forgive(ScenarioAdjustment):
    """Unpaid bills forgiven: never paid."""

    NAME = "forgive"

    entity: str | None = None
    bills: tuple[str, ...] | None = None

    def describe(self) -> str:
        """``stability-ai: unpaid bills forgiven``."""
        which = "unpaid bills" if self.bills is None else f"bills {', '.join(self.bills)}"
        return f"{self.entity or 'each entity'}: {which} forgiven"

    def bind(self, book: Book) -> Bound:
        """Check the bills; leave them out of the flows."""
        entity = book.entity_of(self.entity, one=True)
        owed = _owed(book, entity, self.bills)
        table = DropRecords(entity, tuple(owed.index))
        text = (
            f"{entity}: bills {', '.join(owed.index)} ({format_usd(owed['owed'].sum())}) forgiven"
        )
        notes: tuple[str, ...] = ()
        if book.policy != "arrears":
            notes = (
                f"forgiving bills changes nothing under policy {book.policy!r}: only policy "
                "'arrears' pays unpaid bills",
            )
        return Bound(text, table=(table,), notes=notes)


def pay(
    entity: str | None = None,
    *,
    bills: Sequence[str] | str | None = None,
    on: DateLike | None = None,
) -> Pay:
    """Pay ``entity``'s unpaid cloud bills (``bills``: ids; all when ``None``) in the month of
    ``on`` (default: ``as_of``'s): what they owe leaves then, and the arrears policy no longer
    pays them."""
    return Pay(entity, _bills(bills), date_arg("on", on))


def forgive(entity: str | None = None, *, bills: Sequence[str] | str | None = None) -> Forgive:
    """Forgive ``entity``'s unpaid cloud bills (``bills``: ids; all when ``None``): the arrears
    policy no longer pays them."""
    return Forgive(entity, _bills(bills))


#: The adjustments of this module by name (scenario files name them).
BILL_ADJUSTMENTS: dict[str, Callable[..., ScenarioAdjustment]] = {
    "remove": remove,
    "pay": pay,
    "forgive": forgive,
}
