"""Adjustments: what-ifs as transformations of the flows table (the scenario seam).

An adjustment never changes a ledger: it takes the flows table (and the cash balances frame)
an analysis is about to use and returns changed copies, and says in a sentence what it did.
Analyses take a list of them (``adjust=[...]``); the runway's ``exclude=`` and ``extra_flows=``
are sugar for :class:`Exclude` and :class:`AddFlow`. Scenarios (:mod:`aicapex.scenarios`) name
and compose them.

Rows an adjustment adds have ``kind`` ``"adjustment"``, status ``"disbursed"`` and the
adjustment's label as ``record``: analyses that count moved money (the runway) count them; burn
and the compute gap, which count expenses and revenues, do not.

>>> import aicapex as ac
>>> led = ac.load(ac.bundled_data())
>>> r = ac.runway(led, "stability-ai", as_of="2023-10",
...               adjust=[Exclude(["stability-2023-intel"]),
...                       AddFlow("stability-ai", "2023-10", 20e6, "Intel tranche")])
>>> round(r.months, 2)
2.03
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from aicapex.dates import DateLike, PartialDate, Precision
from aicapex.errors import closest
from aicapex.limits import MAX_AMOUNT
from aicapex.table.conflicts import ConflictPolicy, fact_groups
from aicapex.table.conflicts import resolve as resolve_conflicts
from aicapex.table.flowrows import concat_flows, flow_rows
from aicapex.table.flows import FLOW_KINDS, is_ledger
from aicapex.table.flows import flows as compile_flows

if TYPE_CHECKING:
    from aicapex.money import Money

__all__ = [
    "ADJUSTMENT_KIND",
    "AddFlow",
    "Adjustment",
    "Exclude",
    "ExtraFlow",
    "Reports",
    "apply",
    "conflict_reports",
    "excluded",
    "refiled",
    "reported_later",
    "what_ifs",
]

#: The ``kind`` of flows rows added by an adjustment.
ADJUSTMENT_KIND = "adjustment"

#: One of the runway's ``extra_flows``: (month, US dollars, label); the dollars a number or
#: exact US-dollar money (``"$20M"``, a ``Money``).
ExtraFlow = tuple[DateLike, "float | str | Money", str]


@runtime_checkable
class Adjustment(Protocol):
    """What an adjustment does: change the flows table and the cash balances, and say so."""

    def flows(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows table with the adjustment applied (a new frame)."""
        ...

    def balances(self, balances: pd.DataFrame) -> pd.DataFrame:
        """The cash balances frame with the adjustment applied (a new frame, or the same)."""
        ...

    def describe(self) -> str:
        """One sentence saying what the adjustment does."""
        ...


@dataclass(frozen=True)
class Exclude:
    """Leave records out (by id): their flows and their cash balances. Applied (:func:`apply`),
    an id naming no flows and no cash balance is a ValueError (see :meth:`checked`). The runway
    and the scenarios leave a report of a fact in conflict out before the conflicts are
    resolved (:func:`refiled`): another report of the fact stands."""

    records: Sequence[str]

    def __post_init__(self) -> None:
        """One id may be given as text; anything but ids is a TypeError naming it."""
        records: object = self.records
        if isinstance(records, str):
            records = (records,)  # not its characters
        ids = tuple(records) if isinstance(records, Iterable) else None
        if ids is None or not all(isinstance(r, str) for r in ids):
            raise TypeError(f"Exclude: expected record ids (text), got {self.records!r}")
        object.__setattr__(self, "records", ids)

    def flows(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows rows of other records."""
        return flows[~self._rows(flows, "record")]

    def balances(self, balances: pd.DataFrame) -> pd.DataFrame:
        """The balances of other records."""
        return balances[~self._rows(balances, "id")]

    def _rows(self, frame: pd.DataFrame, column: str) -> np.ndarray:
        """The rows of ``frame`` whose ``column`` is one of the ids (none without it)."""
        if column not in frame:  # a flows table of one's own may have no record ids
            return np.zeros(len(frame), dtype=bool)
        out: np.ndarray = frame[column].astype("object").isin(list(self.records)).to_numpy()
        return out

    def checked(
        self,
        flows: pd.DataFrame,
        balances: pd.DataFrame,
        known: Container[str] = (),
        later: Iterable[str] = (),
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """:meth:`flows` and :meth:`balances`, after checking that every id names a record
        with flows or a cash balance (or is in ``known``): an id that names neither would be
        left out of nothing, so it is a ValueError naming it, with the closest id there is (a
        typo), among them and ``later`` (records reported after ``known_on``: said so; read
        only for the error); :func:`apply` checks so."""
        in_flows, in_cash = self._rows(flows, "record"), self._rows(balances, "id")
        found = set(flows["record"][in_flows].astype("object")) if in_flows.any() else set()
        found |= set(balances["id"][in_cash].astype("object"))
        missing = [r for r in dict.fromkeys(self.records) if r not in found and r not in known]
        if missing:
            ids = set(balances["id"].astype("object"))
            if "record" in flows:
                ids |= set(flows["record"].astype("object").unique())
            choices = sorted(str(i) for i in ids if isinstance(i, str))
            late = {str(i) for i in later} - set(choices)
            meant = closest(missing[0], [*choices, *sorted(late)])
            unknown = " It was reported after known_on: not in the data read."
            unknown = unknown if meant in late else ""
            hint = f" (did you mean {meant!r}?{unknown})" if meant is not None else ""
            raise ValueError(
                "exclude: expected ids of records with money flows or of cash balances (what "
                f"is left out), got {', '.join(map(repr, missing))}: no flows or cash balance "
                f"with {'that id' if len(missing) == 1 else 'those ids'}{hint}"
            )
        return flows[~in_flows], balances[~in_cash]

    def describe(self) -> str:
        """``records left out: a, b``."""
        return f"records left out: {', '.join(sorted(self.records))}"


@dataclass(frozen=True)
class AddFlow:
    """Add one movement of US dollars for ``entity`` in the month of ``date`` (positive in,
    negative out). A movement dated in or before the month of the entity's cash balance is
    added to the starting cash by the runway."""

    entity: str
    date: DateLike
    amount_usd: float
    label: str = "added flow"
    category: str = "other"

    def __post_init__(self) -> None:
        """Check the texts, the date and the amount up front (a wrong type is a TypeError
        naming the argument, not an error from inside the flows table)."""
        for name in ("entity", "label", "category"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(f"AddFlow: expected {name} as text, got {value!r}")
        date = PartialDate.parse(self.date)
        if date.precision is Precision.FISCAL_YEAR:
            # as an analysis's dates: a fiscal year's months depend on whose year it is
            raise ValueError(
                f"AddFlow: expected a calendar date, got the fiscal year {str(date)!r}: its "
                "months depend on the entity's fiscal year end (give a month: '2024-06')"
            )
        amount = self.amount_usd
        if isinstance(amount, bool) or not isinstance(amount, numbers.Real | Decimal):
            raise TypeError(
                f"AddFlow: expected amount_usd as a number of US dollars, got {amount!r}"
            )
        # as a record's amounts: larger ones overflow the exact cents of the flows
        if not math.isfinite(amount) or abs(float(amount)) > MAX_AMOUNT:
            raise ValueError(
                "expected a finite amount of US dollars, at most "
                f"{MAX_AMOUNT:.0e} either way, got {self.amount_usd!r}"
            )

    def flows(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows table with one more row (the movement, on the first day of its month)."""
        start = PartialDate.parse(self.date).sort_key()[0]
        cents = round(abs(float(self.amount_usd)) * 100)
        added = flow_rows(
            date=np.array([np.datetime64(start.replace(day=1), "D")]),
            entity=self.entity,
            direction=1 if self.amount_usd >= 0 else -1,
            payer=np.array([None], dtype=object),
            payee=np.array([None], dtype=object),
            cents=np.array([cents], dtype=np.int64),
            currency="USD",
            rate_usd=np.ones(1),
            category=self.category,
            status="disbursed",
            basis="actual",
            kind=ADJUSTMENT_KIND,
            record=self.label,
            source=np.array([None], dtype=object),
        )
        return concat_flows([flows, added])

    def balances(self, balances: pd.DataFrame) -> pd.DataFrame:
        """The balances, unchanged."""
        return balances

    def describe(self) -> str:
        """``added flow 'label': 20,000,000 USD in 2023-10``."""
        month = str(PartialDate.parse(self.date).sort_key()[0])[:7]
        return f"added flow {self.label!r}: {self.amount_usd:,.0f} USD in {month} ({self.entity})"


def apply(
    adjustments: Iterable[Adjustment],
    flows: pd.DataFrame,
    balances: pd.DataFrame,
    known: Iterable[str] = (),
    later: Iterable[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Apply ``adjustments`` in order; returns the flows, the balances and their descriptions.
    An :class:`Exclude` of an id that names no flows and no cash balance (at its turn, nor
    left out before) is a ValueError (:meth:`Exclude.checked`); ``known``: ids it may name
    anyway (the cash reports set aside as conflicting: there, but out already); ``later``:
    ids of records reported after ``known_on`` (:func:`reported_later`), suggested for a
    typo with that said."""
    described = []
    left_out = set(known)
    for adjustment in adjustments:
        if not isinstance(adjustment, Adjustment):
            hint = ""
            if type(adjustment).__module__.startswith("aicapex.scenarios"):
                hint = (
                    " (a scenario's adjustment, such as ac.scale or ac.disburse, is compared "
                    "with ac.compare(ledger, entity, [ac.Scenario(name, [adjustments])]))"
                )
            raise TypeError(
                f"expected an adjustment (flows, balances, describe), got {adjustment!r}{hint}"
            )
        if isinstance(adjustment, Exclude):
            flows, balances = adjustment.checked(flows, balances, left_out, later)
            left_out.update(adjustment.records)  # leaving a record out twice is no typo
        else:
            flows = adjustment.flows(flows)
            balances = adjustment.balances(balances)
        described.append(adjustment.describe())
    return flows, balances, described


@dataclass(frozen=True, eq=False)
class Reports:
    """The records of kinds with flows that report a fact another source reports too, and
    the record frames the flows are compiled from: a what-if leaving out one of them leaves it
    out before the conflicts are resolved (:func:`refiled`), so another report of the fact
    stands, as cash reports do. ``group``: each such record's fact (a number); ``aside``: the
    records ``conflicts`` sets aside."""

    frames: Mapping[str, pd.DataFrame]
    conflicts: ConflictPolicy
    group: Mapping[str, int]
    aside: frozenset[str]


def reported_later(reported: object, source: object) -> Iterator[str]:
    """The ids of the records of ``reported`` (a ledger as given) that ``source`` (the ledger
    as known on a date, :meth:`~aicapex.ledger.Ledger.known_on`) does not hold: reported after
    that date. Lazy: read only to word an error (:meth:`Exclude.checked`). Record frames:
    none."""
    if source is reported or not is_ledger(reported) or not is_ledger(source):
        return iter(())
    return (r.id for r in reported if r.id not in source)


def excluded(adjustments: Iterable[Adjustment]) -> list[str]:
    """The ids the :class:`Exclude` adjustments among ``adjustments`` leave out, in order."""
    return [i for a in adjustments if isinstance(a, Exclude) for i in a.records]


def conflict_reports(
    source: object, conflicts: ConflictPolicy, adjustments: Iterable[Adjustment] | None = None
) -> Reports | None:
    """The :class:`Reports` of ``source`` (a ledger, once per ledger and policy; record frames
    by kind; or the reports found already), ``None`` where there is nothing to resolve again:
    a flows table, the
    policy ``"all"`` (every report counts: leaving one out leaves it out of the flows), no
    records in conflict, or ``adjustments`` given that leave nothing out (not even looked at:
    the usual run pays nothing)."""
    if conflicts == "all" or (adjustments is not None and not excluded(adjustments)):
        return None
    if isinstance(source, Reports):
        return source
    if is_ledger(source):
        ledger = source
        kinds = (*FLOW_KINDS, "fx_rates")
        return ledger.memo(
            ("exclude:reports", conflicts),
            lambda: _reports({k: ledger.frame(k) for k in kinds}, conflicts),
        )
    if not isinstance(source, Mapping):
        return None  # a flows table: no records to compile again
    frames = {k: v for k, v in source.items() if k in FLOW_KINDS or k == "fx_rates"}
    return _reports(frames, conflicts)


def _reports(frames: Mapping[str, pd.DataFrame], conflicts: ConflictPolicy) -> Reports | None:
    group: dict[str, int] = {}
    aside: set[str] = set()
    for kind, frame in frames.items():
        if kind not in FLOW_KINDS or "id" not in frame or len(frame) < 2:
            continue  # (nested lists conflict with their parents)
        groups = fact_groups(frame, kind)
        if groups.empty:
            continue
        ids = frame["id"].to_numpy(object)[groups["row"].to_numpy()]
        facts = groups["group"].to_numpy() + (max(group.values()) + 1 if group else 0)
        group.update(zip((str(i) for i in ids), (int(f) for f in facts), strict=True))
        aside.update(resolve_conflicts(frame, kind, conflicts)[1])
    return Reports(frames, conflicts, group, frozenset(aside)) if group else None


def refiled(
    flows: pd.DataFrame, reports: Reports | None, adjustments: Iterable[Adjustment]
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """``flows`` compiled again without the records the :class:`Exclude` adjustments among
    ``adjustments`` leave out that report a fact in conflict (``reports``), so that another
    report of the fact stands; ``flows`` as it is when they leave none out. Returns the flows,
    those ids (there no more: the exclusions may name them) and a sentence per id (set aside
    by the policy already: leaving it out changes nothing; or what stands in its place)."""
    if reports is None:
        return flows, [], []
    named = [i for i in dict.fromkeys(excluded(adjustments)) if i in reports.group]
    if not named:
        return flows, [], []
    from aicapex.table.frames import SUBFRAMES  # (only here: it loads the record models)

    gone = set(named)
    frames = {}
    for kind, frame in reports.frames.items():
        column = SUBFRAMES[kind][2] if kind in SUBFRAMES else "id"
        if kind != "fx_rates" and column in frame:
            frame = frame[~frame[column].astype("object").isin(gone).to_numpy()]
        frames[kind] = frame
    out = compile_flows(frames, conflicts=reports.conflicts)
    policy = f"conflicts={reports.conflicts!r}"
    facts = {reports.group[i] for i in named}
    others = [r for r in reports.aside - gone if reports.group[r] in facts]  # counted now?
    records = out["record"].astype("object")
    stand = set(records[records.isin(others).to_numpy()])
    notes = []
    for record in named:
        if record in reports.aside:
            notes.append(f"{record} left out: it was set aside by {policy} already")
            continue
        fact = reports.group[record]
        instead = sorted(r for r in stand if reports.group[r] == fact)
        if instead:
            notes.append(
                f"{record} left out before conflicts were resolved ({policy}): "
                f"{', '.join(instead)}, another report of the same fact, counted instead"
            )
    return out, named, notes


def what_ifs(
    adjust: Iterable[Adjustment],
    exclude: str | Iterable[str],
    extra_flows: Iterable[ExtraFlow],
    entity: str | None,
) -> list[Adjustment]:
    """``adjust`` with the runway's sugar arguments turned into adjustments (exclusions first):
    ``exclude`` is read as :class:`Exclude` reads it (one id as text, not its characters, or
    any iterable of ids), each id once; ``extra_flows`` as :class:`AddFlow` for ``entity``."""
    out: list[Adjustment] = []
    try:
        ids = Exclude(exclude).records  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"exclude: expected a record id or a list of record ids (text), got {exclude!r}"
        ) from None
    if ids:
        out.append(Exclude(sorted(set(ids))))
    extras = _extras(extra_flows)
    if extras and entity is None:
        raise ValueError("extra_flows apply to one entity: pass entity=")
    for date, amount, label in extras:
        try:
            out.append(AddFlow(str(entity), date, _usd(amount), label))
        except (TypeError, ValueError) as exc:
            said = str(exc).removeprefix("AddFlow: ")
            raise type(exc)(f"extra_flows: {(date, amount, label)!r}: {said}") from None
    if isinstance(adjust, (Adjustment, str, bytes)):
        raise TypeError(
            f"adjust: expected a list of adjustments, got {adjust!r}"
            + (f" (put it in a list: [{adjust!r}])" if isinstance(adjust, Adjustment) else "")
        )
    if not isinstance(adjust, Iterable):
        raise TypeError(f"adjust: expected a list of adjustments, got {adjust!r}")
    out.extend(adjust)
    return out


_SHAPE = "a list of (month, amount in US dollars, label) tuples, such as [('2023-10', 20e6, 'x')]"


def _extras(extra_flows: object) -> list[tuple[DateLike, object, str]]:
    """``extra_flows`` as a list of (month, amount, label) triples, each label text; any other
    shape (one flow not in a list, a flow of two items ...) a TypeError naming it."""
    if isinstance(extra_flows, str | bytes) or not isinstance(extra_flows, Iterable):
        raise TypeError(f"extra_flows: expected {_SHAPE}, got {extra_flows!r}")
    items = list(extra_flows)
    flat = not any(isinstance(item, tuple | list) for item in items)
    if len(items) == 3 and flat and isinstance(items[2], str):
        raise TypeError(  # one flow, not in a list: it would unpack its month's characters
            f"extra_flows: expected {_SHAPE}, got one flow {extra_flows!r} (put it in a list: "
            f"[{extra_flows!r}])"
        )
    out = []
    for item in items:
        if not isinstance(item, tuple | list) or len(item) != 3:
            raise TypeError(f"extra_flows: expected {_SHAPE}, got the item {item!r}")
        date, amount, label = item
        if not isinstance(label, str):
            raise TypeError(f"extra_flows: expected a label as text, got {label!r} in {item!r}")
        out.append((date, amount, label))
    return out


def _usd(amount: object) -> float:
    """An extra flow's amount in US dollars: a number, or exact US-dollar money (``"$20M"``,
    ``"-$5M"``, a ``Money``); money in another currency, or a bound or a range, is a
    ValueError (the flow added is one exact US-dollar figure: convert it first)."""
    if isinstance(amount, numbers.Real | Decimal) and not isinstance(amount, bool):
        return float(amount)
    from aicapex.money import Money  # the money model only for money given as such

    if not isinstance(amount, str | Money):
        raise TypeError(
            "expected the amount as a number of US dollars or as US-dollar money ('$20M'), "
            f"got {amount!r}"
        )
    money = Money.parse(amount)
    if money.currency != "USD":
        raise ValueError(
            f"expected an amount in US dollars, got {str(money)!r} ({money.currency}): give "
            "its US dollars (no exchange rate is applied here)"
        )
    if money.kind != "exact":
        raise ValueError(
            f"expected an exact amount of US dollars (the flow added is one figure), got "
            f"{str(money)!r} ({money.kind})"
        )
    return float(money.amount)
