"""Scenario adjustments: what-ifs checked against a ledger, then applied to a runway's inputs.

An adjustment is a small frozen value (``ac.scale("stability-ai", category="compute", by=0.7,
start="2024-01")``): it checks its own values when made, and checks itself against the ledger
when a scenario runs (:meth:`bind`): an unknown entity or record, or a category the entity has no
flows in, is an :class:`AdjustmentError` with a suggestion. Bound, it changes the flows table
(records removed, tranches moved: :mod:`aicapex.scenarios.moves`), the runway's streams month by
month (this module: :class:`Factor` multiplies a stream, :class:`Addition` adds money), or both.
Nothing changes a ledger.

Streams are those of :data:`~aicapex.analysis.runwaykit.INPUT_STREAMS`: each spending category
(``compute``, ``payroll``, ``opex``, ``tax``, ``other``), ``revenue``, and the money that is
not spending nor revenue. A factor applies to a stream as the runway sees it: recorded months and
the months past the records, at the stream's run rate, alike; money an adjustment adds to a
stream is scaled with it when the factor comes later in the scenario.

>>> scale("stability-ai", category="compute", by=0.7, start="2024-01").describe()
'stability-ai: compute x0.7 from 2024-01'
>>> add_flow("stability-ai", "$139M/yr", kind="revenues", category="compute_resale",
...          start="2024-01", end="2024-12").describe()
"stability-ai: revenue 'compute_resale' of $139M/year from 2024-01 to 2024-12"
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from aicapex.analysis.burn import BURN_CATEGORIES
from aicapex.analysis.runrate import REVENUE, STREAMS
from aicapex.dates import DateLike
from aicapex.errors import suggest
from aicapex.limits import MAX_AMOUNT
from aicapex.money import Money, Rate
from aicapex.records import RevenueCategory
from aicapex.scenarios.book import (
    MAX_FACTOR,
    AdjustmentError,
    Book,
    Bound,
    Frozen,
    ScenarioAdjustment,
    date_arg,
    end_arg,
    number_arg,
)

__all__ = [
    "GRID_ADJUSTMENTS",
    "AddFlow",
    "Addition",
    "CutHeadcount",
    "Factor",
    "Growth",
    "Scale",
    "add_flow",
    "cut_headcount",
    "growth",
    "scale",
]

#: Revenue categories ``add_flow(kind="revenues")`` takes: the ``revenues`` records' (it took
#: others, refusing the records' 'subscription').
REVENUE_CATEGORIES = tuple(c.value for c in RevenueCategory)

#: What ``add_flow`` adds, by ``kind``: the stream and the direction of the money.
FLOW_KINDS = ("revenues", "expenses", "funding", None)


# -- changes of the streams ----------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class Factor(Frozen):
    """Multiply streams month by month: by ``value`` in ``[start, end]`` (``kind`` ``scale``), by
    ``1 - value`` (``cut``), or by ``(1 + value) ** k`` in the ``k``-th month from ``start``,
    held past ``end`` (``growth``). ``entity`` ``None``: every entity."""

    entity: str | None
    streams: tuple[str, ...]
    value: float
    start: str | None = None
    end: str | None = None
    kind: str = "scale"

    def factors(self, months: np.ndarray, values: np.ndarray) -> np.ndarray:
        """``(K, M)``: the factor of each of ``values`` in each month of ``months``."""
        m = np.asarray(months).astype("datetime64[M]").astype(np.int64)
        lo = np.datetime64(self.start, "M").astype(np.int64) if self.start else m.min(initial=0)
        hi = np.datetime64(self.end, "M").astype(np.int64) if self.end else None
        v = np.asarray(values, dtype=np.float64)[:, None]
        if self.kind == "growth":
            k = np.clip(m - lo + 1, 0, None if hi is None else max(hi - lo + 1, 0))
            with np.errstate(over="ignore"):  # past MAX_FACTOR: held there
                out: np.ndarray = np.minimum((1.0 + v) ** k[None, :], MAX_FACTOR)
            return out
        window = (m >= lo) & (m <= hi if hi is not None else True)
        factor = 1.0 - v if self.kind == "cut" else np.minimum(v, MAX_FACTOR)
        return np.where(window[None, :], factor, 1.0)


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class Addition(Frozen):
    """Add money to a stream: ``amount`` (signed US dollars: base, pessimistic and optimistic
    ends) each month from ``start`` to ``end`` when ``monthly``, else in all, spread evenly over
    those months (one-off: ``end`` ``None``). ``end`` ``None`` with ``monthly``: every month on.
    Money in or before an entity's balance month goes to its starting cash."""

    entity: str | None
    stream: str
    amount: tuple[float, float, float]
    start: str
    end: str | None = None
    monthly: bool = False
    sign: float = 1.0

    def weights(self, months: np.ndarray) -> tuple[np.ndarray, float]:
        """The share of ``amount`` in each month of the grid ``months`` (``(M,)``), and in all
        the months before the grid."""
        m = np.asarray(months).astype("datetime64[M]").astype(np.int64)
        lo = int(np.datetime64(self.start, "M").astype(np.int64))
        hi = int(np.datetime64(self.end, "M").astype(np.int64)) if self.end else None
        first = int(m[0]) if len(m) else lo
        if self.monthly:
            last, each = (hi if hi is not None else max(int(m[-1]) if len(m) else lo, lo)), 1.0
        else:
            last = hi if hi is not None else lo
            each = 1.0 / (last - lo + 1)
        grid = np.where((m >= lo) & (m <= last), each, 0.0)
        before = max(min(last, first - 1) - lo + 1, 0) * each
        return grid, before

    def values(self, swept: np.ndarray | None = None) -> np.ndarray:
        """``(K, 3)``: the signed amounts (base, pessimistic, optimistic); ``swept`` (``K``
        unsigned amounts, a sweep's) replace them."""
        if swept is None:
            return np.asarray(self.amount, dtype=np.float64)[None, :]
        return np.repeat(np.asarray(swept, dtype=np.float64)[:, None] * self.sign, 3, axis=1)


def _sentence_window(start: str | None, end: str | None) -> str:
    if start and end:
        return f" from {start} to {end}"
    if start:
        return f" from {start}"
    return f" to {end}" if end else ""


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class Scale(ScenarioAdjustment):
    """Multiply a category (every category when ``None``) by ``by`` from ``start`` to ``end``."""

    NAME = "scale"

    SWEEP = "by"
    entity: str | None = None
    category: str | None = None
    by: float | None = None
    start: str | None = None
    end: str | None = None

    def describe(self) -> str:
        """``stability-ai: compute x0.7 from 2024-01``."""
        what = self.category or "every category"
        by = "by a swept factor" if self.by is None else f"x{self.by:g}"
        return (
            f"{self.entity or 'each entity'}: {what} {by}{_sentence_window(self.start, self.end)}"
        )

    def bind(self, book: Book) -> Bound:
        """Check the entity and category; a :class:`Factor`."""
        if self.by is None:
            raise AdjustmentError("by: expected a factor (or a sweep giving it), got nothing", "by")
        entity = book.entity_of(self.entity)
        if self.category is None:
            streams = tuple(book.categories(entity))
        else:
            book.check_streams(entity, [self.category])
            streams = (self.category,)
        op = Factor(entity, streams, self.by, self.start, self.end, "scale")
        text = Scale(entity, self.category, self.by, self.start, self.end).describe()
        balance = book.balance_day(entity) if self.end and entity is not None else None
        notes: tuple[str, ...] = ()
        last = None if balance is None else (np.datetime64(self.end, "M") + 1).astype("M8[D]") - 1
        if balance is not None and last is not None and last <= balance:
            # (its months are the balance's: the explanation said it applied)
            notes = (
                f"{text}: it ends by the cash balance ({balance}), whose cash already holds "
                "those months, so it changes nothing",
            )
        return Bound(text, op=op, notes=notes)


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class CutHeadcount(ScenarioAdjustment):
    """Cut payroll by ``share`` (0.1: a tenth) from ``start`` (default: the month after
    ``as_of``)."""

    NAME = "cut_headcount"

    SWEEP = "share"
    entity: str | None = None
    share: float | None = None
    start: str | None = None

    def describe(self) -> str:
        """``acme: payroll cut by 10% from 2024-01``."""
        share = "a swept share" if self.share is None else f"{100 * self.share:g}%"
        when = f" from {self.start}" if self.start else " from the month after as_of"
        return f"{self.entity or 'each entity'}: payroll cut by {share}{when}"

    def bind(self, book: Book) -> Bound:
        """Check the entity has payroll; a :class:`Factor`."""
        if self.share is None:
            raise AdjustmentError(
                "share: expected a share of payroll (or a sweep giving it), got nothing", "share"
            )
        entity = book.entity_of(self.entity)
        has = book.categories(entity)
        if "payroll" not in has:
            raise AdjustmentError(
                f"entity: expected an entity with payroll flows ({entity} has "
                f"{', '.join(has) or 'none'}), got {entity!r}",
                "entity",
                "unknown-reference",
            )
        start = self.start or book.next_month()
        op = Factor(entity, ("payroll",), self.share, start, None, "cut")
        return Bound(CutHeadcount(entity, self.share, start).describe(), op=op)


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class Growth(ScenarioAdjustment):
    """Grow a category (revenue by default) by ``rate`` a month from ``start`` (default: the
    month after ``as_of``) to ``end`` (held there after)."""

    NAME = "growth"

    SWEEP = "rate"
    entity: str | None = None
    rate: float | None = None
    start: str | None = None
    end: str | None = None
    category: str = REVENUE

    def describe(self) -> str:
        """``stability-ai: revenue grows 10% a month from 2023-11``."""
        rate = "a swept rate" if self.rate is None else f"{100 * self.rate:g}%"
        when = _sentence_window(self.start, self.end) or " from the month after as_of"
        return f"{self.entity or 'each entity'}: {self.category} grows {rate} a month{when}"

    def bind(self, book: Book) -> Bound:
        """Check the entity and category; a :class:`Factor` of kind ``growth``."""
        if self.rate is None:
            raise AdjustmentError(
                "rate: expected a monthly rate (or a sweep giving it), got nothing", "rate"
            )
        entity = book.entity_of(self.entity)
        book.check_streams(entity, [self.category])
        start = self.start or book.next_month()
        if self.end is not None and self.end < start:
            # (k counted from start to an end before it went below 0: growth shrank the stream)
            raise AdjustmentError(
                f"end: expected a month on or after the start ({start}, the month after as_of), "
                f"got {self.end!r}",
                "end",
            )
        op = Factor(entity, (self.category,), self.rate, start, self.end, "growth")
        text = Growth(entity, self.rate, start, self.end, self.category).describe()
        return Bound(text, op=op)


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class AddFlow(ScenarioAdjustment):
    """Add money: a one-off amount, an amount spread over ``start`` to ``end``, or a rate
    (``"$139M/yr"``) each month from ``start`` to ``end`` (every month on without ``end``).
    ``kind``: ``revenues`` (money in, stream ``revenue``), ``expenses`` (money out, in its
    ``category``'s stream), ``funding`` (money in) or ``None`` (the amount's sign says)."""

    NAME = "add_flow"

    SWEEP = "amount"
    entity: str | None = None
    amount: str | float | None = None
    kind: str | None = None
    category: str | None = None
    start: str | None = None
    end: str | None = None
    label: str | None = None

    def _figure(self) -> tuple[Money | None, bool]:
        """The amount as money (``None``: a plain number) and whether it is a rate."""
        if isinstance(self.amount, str):
            text = self.amount
            try:
                return Rate.parse(text).per_month(), True
            except ValueError:
                pass
            try:
                return Money.parse(text), False
            except ValueError:
                raise AdjustmentError(
                    f"amount: expected money like '$20M' or a rate like '$139M/yr', got {text!r}",
                    "amount",
                ) from None
        return None, False

    @property
    def is_rate(self) -> bool:
        """Whether the amount is a rate (``'$139M/yr'``: money each month), not a sum."""
        return isinstance(self.amount, str) and self._figure()[1]

    def describe(self) -> str:
        """``stability-ai: revenue 'compute_resale' of $139M/year from 2024-01 to 2024-12``."""
        what = {"revenues": "revenue", "expenses": "expense", "funding": "funding"}.get(
            self.kind or "", "money"
        )
        label = self.label or self.category
        named = f" {label!r}" if label else ""
        amount = self.amount
        if isinstance(amount, str):
            try:
                shown = str(Rate.parse(amount))
            except ValueError:
                shown = amount
        else:
            shown = "a swept amount" if amount is None else f"{float(amount):,.0f} USD"
        window = _sentence_window(self.start, self.end) if self.end else f" in {self.start}"
        if self.end is None and self._figure()[1]:
            window = f" from {self.start}"
        return f"{self.entity or 'each entity'}: {what}{named} of {shown}{window}"

    def bind(self, book: Book) -> Bound:
        """Check the entity, kind and category; an :class:`Addition`."""
        entity = book.entity_of(self.entity)
        if self.amount is None:
            raise AdjustmentError(
                "amount: expected an amount (or a sweep giving it), got nothing", "amount"
            )
        money, monthly = self._figure()
        if money is not None and money.currency != "USD":
            raise AdjustmentError(
                f"amount: expected US dollars (scenarios add money in USD), got {self.amount!r}",
                "amount",
            )
        if money is not None:
            # the ledger's widths of open ends (Ledger.with_widths), as its records have them
            low, high = money.bounds(_widths(book))
            ends = [float(money.amount), float(low.amount), float(high.amount)]
        else:
            ends = [float(self.amount)] * 3
        stream, sign = {
            "revenues": (REVENUE, 1.0),
            "expenses": (self.category or "other", -1.0),
            "funding": ("funding", 1.0),
        }.get(self.kind or "", ("other_flows", 1.0))
        signed = [sign * v for v in ends]
        ends_in_order = (signed[0], min(signed[1], signed[2]), max(signed[1], signed[2]))
        start = str(self.start)
        op = Addition(entity, stream, ends_in_order, start, self.end, monthly, sign)
        bound = AddFlow(
            entity, self.amount, self.kind, self.category, self.start, self.end, self.label
        )
        arrivals = ((start, signed[0]),) if signed[0] > 0 else ()
        return Bound(bound.describe(), op=op, arrivals=arrivals)


def _widths(book: Book) -> Any:
    """The widths of open ends of the book's ledger (``None``: the defaults)."""
    from aicapex.ledger import Ledger

    return book.source.widths if isinstance(book.source, Ledger) else None


def scale(
    entity: str | None = None,
    *,
    category: str | None = None,
    by: float | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
) -> Scale:
    """Multiply ``entity``'s ``category`` (a spending category or ``revenue``; every category
    when ``None``) by ``by`` in the months from ``start`` to ``end`` (inclusive; open when
    ``None``), recorded and assumed months alike. ``entity`` ``None``: the scenario's."""
    first = date_arg("start", start)
    return Scale(entity, category, number_arg("by", by, low=0.0), first, end_arg(end, first))


def cut_headcount(
    entity: str | None = None, *, share: float | None = None, start: DateLike | None = None
) -> CutHeadcount:
    """Cut ``entity``'s payroll by ``share`` (between 0 and 1) from ``start`` (default: the
    month after ``as_of``)."""
    value = number_arg("share", share, low=0.0)
    if value is not None and value > 1:
        raise AdjustmentError(f"share: expected a share between 0 and 1, got {share!r}", "share")
    return CutHeadcount(entity, value, date_arg("start", start))


def growth(
    entity: str | None = None,
    *,
    rate: float | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    category: str = REVENUE,
) -> Growth:
    """Grow ``entity``'s ``category`` (revenue by default) by ``rate`` a month (0.1: 10%) from
    ``start`` (default: the month after ``as_of``): the ``k``-th month from ``start`` is
    ``(1 + rate) ** k`` times its figure (``start`` itself is ``k = 1``: already grown once);
    past ``end`` the factor stays where it got."""
    value = number_arg("rate", rate)
    if value is not None and value <= -1:
        raise AdjustmentError(f"rate: expected a monthly rate above -1, got {rate!r}", "rate")
    if category not in STREAMS:
        raise AdjustmentError(
            f"category: expected one of {', '.join(STREAMS)}"
            f"{suggest(str(category), STREAMS)}, got {category!r}",
            "category",
        )
    first = date_arg("start", start)
    return Growth(entity, value, first, end_arg(end, first), category)


def add_flow(
    entity: str | None = None,
    amount: str | float | None = None,
    *,
    kind: str | None = None,
    category: str | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    label: str | None = None,
) -> AddFlow:
    """Add money to ``entity``'s runway (see :class:`AddFlow`): ``amount`` is US dollars
    (a number, signed when ``kind`` is ``None``), money (``"$20M"``, ranges allowed) or a rate
    (``"$139M/yr"``); ``start`` is required; ``kind`` is ``revenues``, ``expenses`` or
    ``funding``; ``category`` a revenue category for revenues (``compute_resale``), a spending
    category for expenses. A range counts at its midpoint, its ends giving ``months_low`` and
    ``months_high``; ``"up to $5M"`` counts all $5M (0 at its pessimistic end), unlike a round's
    ceiling in the ledger, which the runway never counts as received."""
    if kind not in FLOW_KINDS:
        raise AdjustmentError(
            f"kind: expected revenues, expenses or funding"
            f"{suggest(str(kind), [k for k in FLOW_KINDS if k])}, got {kind!r}",
            "kind",
        )
    if label is not None and not isinstance(label, str):
        raise AdjustmentError(f"label: expected text, got {label!r}", "label")
    choices = {"revenues": REVENUE_CATEGORIES, "expenses": BURN_CATEGORIES}.get(kind or "")
    if category is not None and choices is not None and category not in choices:
        raise AdjustmentError(
            f"category: expected a category of {kind} among {', '.join(choices)}"
            f"{suggest(category, choices)}, got {category!r}",
            "category",
        )
    if isinstance(amount, int | float | np.number) and not isinstance(amount, bool):
        amount = number_arg("amount", amount)
        if amount is not None and abs(amount) > MAX_AMOUNT:
            # as a record's amounts and the runway's extra flows (1e300 made a runway of inf)
            raise AdjustmentError(
                f"amount: expected at most {MAX_AMOUNT:.0e} US dollars either way, got {amount!r}",
                "amount",
            )
    elif amount is not None and not isinstance(amount, str):
        raise AdjustmentError(f"amount: expected money or a number, got {amount!r}", "amount")
    first = date_arg("start", start)
    spec = AddFlow(entity, amount, kind, category, first, end_arg(end, first), label)
    money, _ = spec._figure()  # a bad amount fails here
    lowest = float(amount) if money is None and amount is not None else None
    if money is not None:
        lowest = float(min(money.amount, money.low.amount))
    if kind is not None and lowest is not None and lowest < 0:
        # the kind gives the direction: '-$5M' of expenses was money in, of funding money out
        raise AdjustmentError(
            f"amount: expected a positive amount for {kind} (the kind gives the direction), "
            f"got {amount!r}",
            "amount",
        )
    if start is None:  # (last: a file's start refused stands in as None, the rest checked)
        raise AdjustmentError("start: expected the flow's first month, got nothing", "start")
    return spec


#: The adjustments of this module by name (scenario files name them).
GRID_ADJUSTMENTS: dict[str, Callable[..., ScenarioAdjustment]] = {
    "scale": scale,
    "cut_headcount": cut_headcount,
    "growth": growth,
    "add_flow": add_flow,
}
