"""What the deal analyses share: the ledger they read (as known on a date), the records an id
names (a record of the kind, or an entity's; the other reports of a fact in conflict set aside
as the flows set them aside), dollars of a figure at a date with its ends, and frames built from
rows with a stable set of typed columns."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import as_known_on
from aicapex.analysis.stakeskit import typed_rows
from aicapex.dates import DateLike, PartialDate
from aicapex.errors import suggest
from aicapex.money import Money, Rate
from aicapex.records import Entity, Fact, Record
from aicapex.table.conflicts import ConflictPolicy, resolved_frame
from aicapex.table.conflicts import resolve as resolve_conflicts
from aicapex.table.frames import ledger_fx

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "Dollars",
    "aside_warning",
    "deal_ledger",
    "dollars",
    "kept_frame",
    "kept_records",
    "masked",
    "named_and_kept",
    "records_named",
    "shares_text",
    "typed_frame",
    "yearly",
]

#: A figure in US dollars: its base figure and its low and high ends (NaN when none).
Dollars = tuple[float, float, float]

NO_DOLLARS: Dollars = (math.nan, math.nan, math.nan)


def deal_ledger(source: Any, known_on: DateLike | None, analysis: str) -> Ledger:
    """The ledger an analysis of nested deal records reads (as it could be read on
    ``known_on``); record frames do not hold the nested lists (tranches, pieces, buyers):
    refused with a TypeError saying so."""
    from aicapex.ledger import Ledger

    if not isinstance(source, Ledger):
        raise TypeError(
            f"{analysis} needs a Ledger (its records' nested lists are not in record frames), "
            f"got {type(source).__name__}"
        )
    ledger: Ledger = as_known_on(source, known_on)
    return ledger


def records_named(ledger: Ledger, kind: str, name: str | None, fields: Iterable[str]) -> list[Any]:
    """The records of ``kind`` that ``name`` names: all of them (``None``), the record with that
    id, or those whose ``fields`` name that entity. Raises KeyError (with a suggestion) for an id
    that is neither."""
    records = list(ledger.records(kind))
    if name is None:
        return records
    found = ledger.get(name)
    if found is not None and kind == type(found).KIND:
        return [found]
    if isinstance(found, Entity):
        fields = tuple(fields)
        return [r for r in records if any(getattr(r, f, None) == name for f in fields)]
    known = [r.id for r in records] + [e.id for e in ledger.records("entities")]
    raise KeyError(f"no {kind} record or entity {name!r}{suggest(name, known)}")


def kept_frame(source: Any, kind: str, conflicts: ConflictPolicy, frame: pd.DataFrame) -> Any:
    """``resolve(frame, kind, conflicts)[0]``; of a ledger (``frame``: its frame of ``kind``),
    the resolved frame kept with it (:func:`aicapex.table.conflicts.resolved_frame`: found
    once per ledger, kind and policy for every analysis reading it; itself, not a copy: its
    callers only read it, and a copy cost ~100 us)."""
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger):
        return resolved_frame(source, kind, conflicts)[0]
    return resolve_conflicts(frame, kind, conflicts)[0]


def kept_records(
    ledger: Ledger, kind: str, records: list[Any], conflicts: ConflictPolicy = "latest"
) -> tuple[list[Any], list[str]]:
    """``records`` (of ``kind``) less the other reports of the facts in conflict under
    ``conflicts`` (:func:`aicapex.table.conflicts.resolve`: the latest reported by default;
    ``"all"`` keeps every report), and the ids of those set aside."""
    aside = resolved_frame(ledger, kind, conflicts)[1]  # found once per ledger, not each call
    drop = set(aside)
    kept = [r for r in records if r.id not in drop]
    return kept, sorted(r.id for r in records if r.id in drop)


def named_and_kept(
    ledger: Ledger,
    kind: str,
    name: str | None,
    fields: Iterable[str],
    conflicts: ConflictPolicy = "latest",
) -> tuple[list[Any], list[str]]:
    """:func:`records_named`, the other reports of facts in conflict set aside
    (:func:`kept_records`) unless ``name`` is the id of a record of ``kind`` (that record is
    what was asked for); and the ids set aside."""
    records = records_named(ledger, kind, name, fields)
    found = ledger.get(name) if name is not None else None
    if found is not None and kind == type(found).KIND:
        resolve_conflicts(ledger.frame(kind).iloc[:0], kind, conflicts)  # the policy checked
        return records, []
    return kept_records(ledger, kind, records, conflicts)


def aside_warning(aside: list[str], conflicts: ConflictPolicy) -> list[str]:
    """The warning naming the reports set aside (none when none were)."""
    if not aside:
        return []
    return [
        f"reports set aside (the same facts reported differently; conflicts={conflicts!r}): "
        + ", ".join(aside)
    ]


def _day(ledger: Ledger, record: Record, date: PartialDate | None) -> dt.date | None:
    if date is None:
        return None
    owner = record.fiscal_owner() if isinstance(record, Fact) else None
    return date.start(ledger.fiscal_year_end(owner) if owner else "12-31")


def dollars(
    ledger: Ledger, record: Record, money: Money | None, date: PartialDate | None
) -> Dollars:
    """``money`` in US dollars at the first day of ``date`` (the ledger's FX rates): its base
    figure and ends; NaNs for no money, or a currency without a rate then."""
    if money is None:
        return NO_DOLLARS
    rate = ledger_fx(ledger).rate(money.currency, _day(ledger, record, date))
    low, high = money.bounds()
    return (float(money.amount) * rate, float(low.amount) * rate, float(high.amount) * rate)


def yearly(ledger: Ledger, record: Record, rate: Rate | None, date: PartialDate | None) -> Dollars:
    """A rate's US dollars per year (and its ends)."""
    if rate is None:
        return NO_DOLLARS
    return dollars(ledger, record, rate.to("year").money, date)


def shares_text(value: float) -> str:
    """A number of shares for sentences: ``12.5M``, ``950``; ``n/a`` for NaN."""
    if value != value:
        return "n/a"
    for suffix, scale in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(value) >= scale:
            return f"{value / scale:,.4g}{suffix}"
    return f"{value:,.0f}"


def typed_frame(
    rows: list[dict[str, Any]] | pd.DataFrame, columns: Mapping[str, str]
) -> pd.DataFrame:
    """A frame of ``rows`` (dicts, or a frame holding the columns) with exactly ``columns``
    (name -> dtype), even when empty."""
    if not isinstance(rows, pd.DataFrame):  # dicts: built a column at a time
        return typed_rows(rows, columns)
    frame = rows[list(columns)].reset_index(drop=True)
    dates = [c for c, t in columns.items() if t.startswith("datetime")]
    frame = frame.astype({c: t for c, t in columns.items() if c not in dates})
    for c in dates:
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    return frame


def masked(frame: pd.DataFrame, name: str, keep: np.ndarray, dtype: str) -> np.ndarray:
    """Column ``name``'s rows ``keep`` as ``dtype``, cast after the rows are taken (as the
    column of ``frame[keep]`` is): the few columns read, not a wide frame's rows taken
    (~0.3 ms each)."""
    out: np.ndarray = frame[name].array[keep].to_numpy(dtype)
    return out
