"""What scenario adjustments are checked against (:class:`Book`), what they become once
checked (:class:`Bound`), their base class and error, and the checks of their arguments."""

from __future__ import annotations

import functools
import math
import reprlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import day_of, in_calendar, month_of
from aicapex.analysis.runrate import REVENUE, STREAMS
from aicapex.dates import DateLike, PartialDate, Precision
from aicapex.errors import suggest
from aicapex.table.adjust import Adjustment
from aicapex.table.columns import positions
from aicapex.table.conflicts import ConflictPolicy

__all__ = [
    "MAX_FACTOR",
    "AdjustmentError",
    "Book",
    "Bound",
    "Frozen",
    "ScenarioAdjustment",
    "date_arg",
    "date_error",
    "end_arg",
    "in_months",
    "month_text",
    "number_arg",
]

#: The largest factor a stream is multiplied by (a trillionfold), by a scenario's change or a
#: simulation's draw (:mod:`~aicapex.scenarios.dist` names it too): larger ones
#: (``by=1e308``, ``normal(1e308, 1)``, growth compounded past it) are held there, so that
#: money stays finite (spending and revenue both infinite would leave the cash undefined,
#: and the runway would never end).
MAX_FACTOR = 1e12


class AdjustmentError(ValueError):
    """An adjustment that does not fit: an unknown entity, record or category, or a value it
    cannot take. ``field`` names the argument at fault; ``code`` is the problem's code in a
    scenarios file (``unknown-reference`` or ``invalid-value``)."""

    def __init__(self, message: str, field: str | None = None, code: str = "invalid-value"):
        super().__init__(message)
        self.field = field
        self.code = code

    @property
    def expected(self) -> str:
        """What was expected (the message's ``expected ...`` part)."""
        return self._parts()[0]

    @property
    def found(self) -> str:
        """What was found (the message's ``got ...`` part; empty when it has none)."""
        return self._parts()[1]

    def _parts(self) -> tuple[str, str]:
        text = str(self)
        if self.field and text.startswith(f"{self.field}: "):
            text = text[len(self.field) + 2 :]
        text = text.removeprefix("expected ")
        head, _, tail = text.partition(", got ")  # the first: a found may say got too
        return (head, tail) if head else (text, "")


def month_text(value: DateLike, *, end: bool = False) -> str:
    """``'2024-01'``: the (first, or with ``end`` last) month of a date argument."""
    return str(month_of(value, end=end))[:7]


def day_text(value: DateLike) -> str:
    """``'2024-01-31'``: the last day of a date argument."""
    return str(day_of(value, end=True))[:10]


def date_error(name: str, value: object, exc: Exception) -> AdjustmentError:
    """The :class:`AdjustmentError` of a bad date argument: ``expected ..., got ...`` (a date
    that is no calendar day, or not a date at all, said so), naming the argument."""
    text = str(exc)
    if not text.startswith("expected "):  # 'no such day: '2024-02-30''
        text = f"expected a calendar date, got {value!r} ({text})"
    return AdjustmentError(f"{name}: {text}", name)


def date_arg(name: str, value: DateLike | None, *, end: bool = False) -> str | None:
    """A date argument as its month (``None`` stays ``None``); a bad date fails here. A fiscal
    year (``FY2025``) is kept as written: its months are its entity's, found when the
    adjustment is bound to a ledger (:func:`in_months`)."""
    if value is None:
        return None
    try:
        date = PartialDate.parse(value) if isinstance(value, str | int | PartialDate) else None
        if date is not None and date.precision is Precision.FISCAL_YEAR:
            return str(date)
        return month_text(value, end=end)
    except (TypeError, ValueError) as exc:  # a mapping or list, as a file may give
        raise date_error(name, value, exc) from None


def _fiscal(value: object) -> bool:
    return isinstance(value, str) and value[:2].upper() == "FY"


def in_months(adjustment: Any, book: Book) -> Any:
    """``adjustment`` with its fiscal-year dates (``start``, ``end``, ``on``: ``FY2025``) as
    the months of its entity's fiscal year (its first month, or for ``end`` its last), read
    from ``book``'s source; as it is without any. A fiscal year without one entity whose year
    end the source gives is refused (:class:`AdjustmentError`)."""
    names = [n for n in ("start", "end", "on") if _fiscal(getattr(adjustment, n, None))]
    if not names:
        return adjustment
    entity = book.entity_of(getattr(adjustment, "entity", None))  # known, or refused so
    changes: dict[str, str] = {}
    for name in names:
        value = getattr(adjustment, name)
        days = in_calendar(value, book.source, entity, end=name == "end")
        if entity is None or _fiscal(days):
            raise AdjustmentError(
                f"{name}: expected a month, or a fiscal year of one entity whose year end the "
                f"ledger gives, got {value!r}",
                name,
            )
        changes[name] = month_text(str(days), end=name == "end")
    start = changes.get("start", getattr(adjustment, "start", None))
    end = changes.get("end", getattr(adjustment, "end", None))
    if start is not None and end is not None and end < start:
        raise AdjustmentError(
            f"end: expected a month on or after the start ({start}), got {adjustment.end!r}",
            "end",
        )
    return replace(adjustment, **changes)


def end_arg(end: DateLike | None, start: str | None) -> str | None:
    """The ``end`` argument as its month (:func:`date_arg`), refused when it comes before the
    ``start`` month given (an adjustment between them would change nothing, silently)."""
    month = date_arg("end", end, end=True)
    months = month is not None and start is not None and not (_fiscal(month) or _fiscal(start))
    if months and month < start:  # type: ignore[operator]
        raise AdjustmentError(
            f"end: expected a month on or after the start ({start}), got {end!r}", "end"
        )
    return month


def number_arg(name: str, value: object, *, low: float | None = None) -> float | None:
    """A finite number argument (``None`` stays ``None``: a sweep gives it)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        try:
            value = float(str(value))
        except ValueError:
            raise AdjustmentError(f"{name}: expected a number, got {value!r}", name) from None
    number = float(value)
    if not math.isfinite(number) or (low is not None and number < low):
        bound = "" if low is None else f" of {low:g} or more"
        raise AdjustmentError(f"{name}: expected a finite number{bound}, got {value!r}", name)
    return number


# -- the context adjustments are checked and bound against ----------------------------------


@dataclass(eq=False)
class Book:
    """What adjustments are checked against: the source (a ledger, record frames or a flows
    table), its flows, the scenario's entity (``None``: every entity, as a sweep of all runs
    them; then only names are checked), ``as_of`` (a month), the policy and the conflict
    policy."""

    source: Any
    flows: pd.DataFrame
    entity: str | None
    as_of: str
    policy: str = "disbursed"
    conflicts: ConflictPolicy = "latest"
    known: frozenset[str] = field(default_factory=frozenset)
    as_of_day: str = ""  # as_of's last day (``as_of`` is its month)

    def frame(self, kind: str) -> pd.DataFrame | None:
        """A record frame of the source (``None`` for a flows table)."""
        frame = getattr(self.source, "frame", None)
        if callable(frame):
            result: pd.DataFrame = frame(kind)
            return result
        if isinstance(self.source, dict):
            return self.source.get(kind)
        return None

    def entity_of(self, entity: str | None, name: str = "entity", *, one: bool = False) -> Any:
        """``entity`` (the scenario's when ``None``), which must be known; with ``one``, it
        must be given when the scenario has none (a sweep of every entity, for an adjustment
        of one entity's records)."""
        if entity is None:
            if one and self.entity is None:
                raise AdjustmentError(
                    f"{name}: expected the entity whose records it changes (a sweep of every "
                    f"entity runs it for each: name one, {name}='...'), got None",
                    name,
                )
            return self.entity
        if entity not in self.known:
            raise AdjustmentError(
                f"{name}: expected an entity of the ledger{suggest(entity, sorted(self.known))}, "
                f"got {entity!r}",
                name,
                "unknown-reference",
            )
        if self.entity is not None and entity != self.entity:
            # only the scenario's entity's runway is run: another's change would be silent
            raise AdjustmentError(
                f"{name}: expected {self.entity} (the entity the scenarios run for: a change of "
                f"another entity changes nothing in its runway), got {entity!r}",
                name,
                "unknown-reference",
            )
        return entity

    @functools.cached_property
    def _categories(self) -> dict[str, list[str]]:
        return {}  # each entity's, found once per book (a file's checks and runs share it)

    def categories(self, entity: str | None) -> list[str]:
        """The streams ``entity`` has counted expenses or revenues in, in stream order (every
        stream for every entity, ``None``)."""
        if entity is None:
            return list(STREAMS)
        if entity not in self._categories:
            self._categories[entity] = _streams_of(self.flows, entity)
        return list(self._categories[entity])

    def check_streams(
        self, entity: str | None, wanted: Sequence[str], name: str = "category"
    ) -> None:
        """Refuse a stream ``entity`` has no flows in, naming those it has."""
        has = self.categories(entity)
        for stream in wanted:
            if stream not in STREAMS:
                raise AdjustmentError(
                    f"{name}: expected a category among {', '.join(STREAMS)}"
                    f"{suggest(stream, STREAMS)}, got {stream!r}",
                    name,
                )
            if stream not in has:
                raise AdjustmentError(
                    f"{name}: expected a category {entity} has flows in "
                    f"({', '.join(has) or 'none'}){suggest(stream, has)}, got {stream!r}",
                    name,
                    "unknown-reference",
                )

    def next_month(self) -> str:
        """The month after ``as_of``."""
        month = np.datetime64(self.as_of, "M") + 1
        return str(month)

    def balance_day(self, entity: str) -> np.datetime64 | None:
        """The day of ``entity``'s latest cash balance at or before ``as_of`` (its last day:
        ``as_of_day``, else the end of ``as_of``'s month), where the runway starts; ``None``
        without a dated one (or without record frames)."""
        cash = self.frame("cash_balances")
        if cash is None or "date_end" not in cash:
            return None
        last = np.datetime64(self.as_of_day or day_text(self.as_of), "D")
        days = cash["date_end"].to_numpy("datetime64[D]")
        mine = (cash["company"].astype("object") == entity).to_numpy() & (days <= last)
        found = days[mine & ~np.isnat(days)]
        return found.max() if len(found) else None


class Frozen:
    """Equality, hash and repr as ``@dataclass(frozen=True)`` generates them (fields compared,
    hashed and shown, in order; a recursion-guarded repr), written here once for the frozen
    dataclasses made with ``eq=False, repr=False`` that subclass it: python 3.11 compiles each
    generated method apart (0.25 ms a class: the adjustments, plans, scenarios, files and what
    binding makes, 4.5 ms of the package's import)."""

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return _values(self, "compare") == _values(other, "compare")
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_values(self, "hash"))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{self.__class__.__qualname__}({', '.join(shown)})"


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class Bound(Frozen):
    """An adjustment checked against a :class:`Book`: its sentence, the flows-table changes
    (:class:`~aicapex.table.adjust.Adjustment`), the change of the streams (``op``: a
    :class:`~aicapex.scenarios.adjust.Factor` or an :class:`~aicapex.scenarios.adjust.Addition`),
    the money in it brings (``arrivals``: month and US dollars) and what to say about it
    (``notes``). ``round`` and ``change``: the funding round whose tranches it moves, and how."""

    text: str
    table: tuple[Adjustment, ...] = ()
    op: Any = None
    arrivals: tuple[tuple[str, float], ...] = ()
    notes: tuple[str, ...] = ()
    round: str | None = None
    change: Any = None


class ScenarioAdjustment(Frozen):
    """The base of scenario adjustments (frozen dataclasses, their equality, hash and repr
    :class:`Frozen`'s): :meth:`describe`, :meth:`bind`; ``SWEEP`` names the numeric argument a
    sweep varies all at once (vectorised), if any."""

    #: The adjustment's name (its maker's, and in scenario files).
    NAME = "adjustment"
    #: The numeric argument a sweep varies all at once, if any.
    SWEEP: str | None = None

    def describe(self) -> str:  # pragma: no cover - every adjustment says what it does
        """One sentence saying what the adjustment does."""
        raise NotImplementedError

    def bind(self, book: Book) -> Bound:  # pragma: no cover
        """The adjustment checked against ``book``."""
        raise NotImplementedError


def _values(adjustment: object, what: str) -> tuple[Any, ...]:
    """The values of the fields a dataclass compares (``what`` ``"compare"``), or hashes
    (``"hash"``: those compared, unless a field says otherwise), in order."""
    if what == "hash":
        chosen = [f for f in fields(adjustment) if (f.compare if f.hash is None else f.hash)]  # type: ignore[arg-type]
    else:
        chosen = [f for f in fields(adjustment) if f.compare]  # type: ignore[arg-type]
    return tuple(getattr(adjustment, f.name) for f in chosen)


_SPENDING = pd.Index(["expenses", "revenues"])
_PLANNED = pd.Index(["planned"])


def _streams_of(flows: pd.DataFrame, entity: str) -> list[str]:
    """The streams of :data:`STREAMS` ``entity`` has counted expenses or revenues in (the rows
    :func:`~aicapex.analysis.common.burn_flows` keeps): each column's categories looked up
    once, no frame of the rows made (Book.categories 1.3 ms a report, now 0.5)."""
    kind = positions(flows["kind"], _SPENDING)
    mine = (kind >= 0) & (positions(flows["basis"], _PLANNED) < 0)
    mine &= positions(flows["entity"], pd.Index([entity], dtype=object)) >= 0
    category = flows["category"]
    if isinstance(category.dtype, pd.CategoricalDtype):
        names = category.cat.categories
        codes = np.unique(category.cat.codes.to_numpy()[mine])
        found = {names[c] for c in codes.tolist() if c >= 0}
    else:
        found = set(category.to_numpy(object)[mine].tolist())
    if (kind[mine] == 1).any():
        found.add(REVENUE)
    return [s for s in STREAMS if s in found]
