"""Adjustments of funding rounds: disburse, cancel or delay a round's tranches.

Tranches are named by their index in the round's record (``tranche=0`` is the first listed);
the part of a round's amount no tranche accounts for is one more piece, ``the rest``. A round's
adjustments in one scenario apply in order to one :class:`Plan` of its pieces, which then
replaces the round's money in the flows table: pieces received in the records as funding, pieces
a what-if disburses as money the runway counts whenever it is dated (in or before the balance's
month: in the starting cash), as :class:`~aicapex.table.adjust.AddFlow`'s.

- ``disburse(round, on=)``: every tranche of the round not already received on a date the
  records give (a disbursed tranche with its own date, the disbursed rest of a closed round)
  arrives on ``on`` (default: its own date); ``tranche=i``: that tranche only.
- ``cancel(round)``: every piece not yet received is called off; ``tranche=i``: that one.
- ``delay(round, months=)``: every piece not yet received arrives ``months`` later (at the end of
  its month); ``tranche=i``: that one. A delayed piece keeps its status: a committed tranche
  counts only under policy ``committed``, a ceiling ('up to $20M') never; to count one as
  received, ``disburse`` it too.

A tranche named (``tranche=i``) that the records received on or before the cash balance is
refused: its money is in the balance (moved, it would count twice; cancelled, nothing changes).

>>> disburse("stability-2023-intel", tranche=0, on="2023-10").describe()
'stability-2023-intel: tranche 0 received in 2023-10'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import day_of
from aicapex.dates import DateLike
from aicapex.errors import suggest
from aicapex.scenarios.book import (
    AdjustmentError,
    Book,
    Bound,
    Frozen,
    ScenarioAdjustment,
    date_error,
)
from aicapex.table.adjust import ADJUSTMENT_KIND
from aicapex.table.columns import coded_category
from aicapex.table.conflicts import resolved
from aicapex.table.flowrows import concat_flows, flow_columns
from aicapex.table.flows import resolve
from aicapex.values import format_usd

__all__ = [
    "ROUND_ADJUSTMENTS",
    "Cancel",
    "Delay",
    "Disburse",
    "Piece",
    "Plan",
    "RoundRows",
    "cancel",
    "delay",
    "disburse",
    "kept_plan",
    "plan_of",
]

_LIVE = ("closed", "committed", "announced")
_RECEIVED = "disbursed"


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class Piece(Frozen):
    """A piece of a round's money: a tranche (``index``) or the rest (``index`` ``None``), in
    US dollars (base and ends), its status, its day, whether the records date it as received
    (``dated``) and whether a what-if moved it (``moved``)."""

    index: int | None
    usd: float
    low: float
    high: float
    status: str
    day: str
    dated: bool = False
    moved: bool = False

    @property
    def name(self) -> str:
        """``tranche 0`` or ``the rest``."""
        return "the rest" if self.index is None else f"tranche {self.index}"

    @property
    def received(self) -> bool:
        """Received in the records (and not moved since)."""
        return self.status == _RECEIVED and not self.moved


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class Plan(Frozen):
    """The pieces of one round of ``entity``."""

    round: str
    entity: str
    pieces: tuple[Piece, ...]

    def arrivals(self, policy: str) -> tuple[tuple[str, float], ...]:
        """The money in of moved pieces (and of committed ones the policy counts)."""
        counted = ("disbursed", "committed") if policy == "committed" else ("disbursed",)
        return tuple((p.day[:7], p.usd) for p in self.pieces if p.moved and p.status in counted)


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class RoundRows(Frozen):
    """The round's money in the flows replaced by its :class:`Plan`'s pieces."""

    plan: Plan
    text: str = ""

    def flows(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows with the round's money (for its company) as the plan has it."""
        plan = self.plan
        # (compared as they are typed: no copy of the columns as objects; missing: no match)
        mine: np.ndarray = (
            _equal(flows["record"], plan.round)
            & _equal(flows["entity"], plan.entity)
            & _equal(flows["kind"], "funding_rounds")
            & (flows["direction"].to_numpy() > 0)
        )
        shown = [p for p in plan.pieces if p.status in ("disbursed", "committed", "conditional")]
        if not shown:
            return flows[~mine]
        # the other rows as their columns' arrays, not a frame of them (concat_flows reads a
        # piece's columns alike: 0.45 ms less per what-if)
        others = np.flatnonzero(~mine)
        kept = {name: flows[name].array.take(others) for name in flows.columns}
        usd = np.array([p.usd for p in shown])
        with np.errstate(invalid="ignore", divide="ignore"):
            low = np.where(usd > 0, np.array([p.low for p in shown]) / usd, 1.0)
            high = np.where(usd > 0, np.array([p.high for p in shown]) / usd, 1.0)
        # a piece a what-if disburses is money the runway counts under any policy (an
        # adjustment); one it only delays keeps its status (committed: counted under policy
        # 'committed' alone; conditional: never), as the records' pieces do
        moved = np.array([p.moved and p.status == _RECEIVED for p in shown])
        # the plan's rows as columns too (concat_flows makes the one frame: 0.2 ms less)
        rows = flow_columns(
            date=np.array([p.day for p in shown], dtype="datetime64[D]"),
            entity=plan.entity,
            direction=1,
            payer=np.array([None] * len(shown), dtype=object),
            payee=plan.entity,
            cents=np.rint(usd * 100).astype(np.int64),
            currency="USD",
            rate_usd=np.ones(len(shown)),
            ends=(low, high),
            category=np.where(moved, "tranches", "funding").astype(object),
            status=np.array([p.status for p in shown], dtype=object),
            basis="actual",
            kind="funding_rounds",
            record=plan.round,
            source=np.array([None] * len(shown), dtype=object),
        )
        # (by codes: pd.Categorical of the texts cost 0.1 ms; concat_flows sorts the union)
        rows["kind"] = coded_category(moved.astype(np.int8), ["funding_rounds", ADJUSTMENT_KIND])
        return concat_flows([kept, rows])

    def balances(self, balances: pd.DataFrame) -> pd.DataFrame:
        """The balances, unchanged."""
        return balances

    def describe(self) -> str:
        """The round's pieces as the plan has them."""
        return self.text or f"{self.plan.round}: its tranches as the scenario moves them"


def _equal(column: pd.Series, value: str) -> np.ndarray:
    """Where ``column`` is ``value`` (``False`` where it is missing); a categorical's compared
    as a Categorical (a Series of the comparison cost 40 us more)."""
    array = column.array
    if isinstance(array, pd.Categorical):
        return np.asarray(array == value, dtype=bool)
    out: np.ndarray = (column == value).to_numpy(dtype=bool, na_value=False)
    return out


# -- the round's pieces, from the record frames ---------------------------------------------


def plan_of(book: Book, round_id: str, name: str = "round") -> Plan:
    """The pieces of ``round_id`` as the records give them (checked: a funding round of the
    scenario's entity, among those the flows use)."""
    rounds = book.frame("funding_rounds")
    tranches = book.frame("tranches")
    if rounds is None or tranches is None:
        raise AdjustmentError(
            f"{name}: expected a ledger or record frames to move tranches in, got a flows table",
            name,
        )
    rounds = _resolved_rounds(book, rounds)
    ids = rounds["id"].astype("object")
    found = np.flatnonzero((ids == round_id).to_numpy())
    if not len(found):
        if book.entity is None:  # a sweep of every entity: any entity's round
            own = sorted(ids)
            whose = "a funding round"
        else:
            own = sorted(ids[(rounds["company"].astype("object") == book.entity).to_numpy()])
            whose = f"a funding round of {book.entity} ({', '.join(own) or 'none'})"
        raise AdjustmentError(
            f"{name}: expected {whose}{suggest(round_id, own or sorted(ids))}, got {round_id!r}",
            name,
            "unknown-reference",
        )
    # the round's fields read one by one (a row of every column costs 0.5 ms: a common type)
    row = {c: rounds[c].iloc[found[0]] for c in _ROUND_FIELDS if c in rounds}
    entity = str(row["company"]) if book.entity is None else book.entity
    if str(row["company"]) != entity:
        raise AdjustmentError(
            f"{name}: expected a round of {book.entity}, got {round_id!r} (of {row['company']})",
            name,
            "unknown-reference",
        )
    status = str(row["status"])
    live = status in _LIVE
    round_day = pd.Timestamp(row["date_end"]).date().isoformat()
    # the round's tranches, their columns read at their positions (no frame of them made)
    mine = np.flatnonzero((tranches["round"].astype("object") == round_id).to_numpy())
    pieces = []
    usd = tranches["amount_usd"].to_numpy("float64")[mine]
    lows = tranches.get("amount_low_usd", tranches["amount_usd"]).to_numpy("float64")[mine]
    highs = tranches.get("amount_high_usd", tranches["amount_usd"]).to_numpy("float64")[mine]
    days = tranches["date_end"].to_numpy("datetime64[D]")[mine]
    statuses = tranches["status"].to_numpy(object)[mine]
    for i in range(len(mine)):
        has_date = not np.isnat(days[i])
        its = str(statuses[i])  # the tranche's (the round's status stays the round's)
        pieces.append(
            Piece(
                i,
                float(usd[i]),
                float(lows[i]),
                float(highs[i]),
                its if live else "none",
                str(days[i]) if has_date else round_day,
                dated=has_date and its == _RECEIVED,
            )
        )
    total = float(row["amount_usd"]) if not pd.isna(row["amount_usd"]) else 0.0
    # the rest as the flows count it (table/funding): the round's amount less its tranches in
    # the round's currency, at the round's rate (a tranche of €4M at another date's rate is
    # not the rest's: at the tranches' own rates the rest was $2M short, or over)
    rate = _round_rate(row, total)
    if rate is not None and "amount" in tranches:
        rest = total - float(np.nansum(tranches["amount"].to_numpy("float64")[mine])) * rate
    else:
        rest = total - sum(p.usd for p in pieces)
    if rest > 0.005:
        ceiling = str(row.get("amount_kind", "exact")) == "ceiling"
        rest_status = (
            "none"
            if not live
            else "conditional"
            if ceiling
            else "disbursed"
            if status == "closed"
            else "committed"
        )
        # the rest's ends: the round's ends less the tranches, as the flows count them
        tranched = total - rest
        low = max(float(row.get("amount_low_usd", total)) - tranched, 0.0)
        high = max(float(row.get("amount_high_usd", total)) - tranched, 0.0)
        pieces.append(
            Piece(
                None,
                rest,
                low,
                high,
                rest_status,
                round_day,
                dated=rest_status == _RECEIVED,
            )
        )
    if not pieces:
        raise AdjustmentError(f"{name}: expected a round with an amount, got {round_id!r}", name)
    return Plan(round_id, entity, tuple(pieces))


def _resolved_rounds(book: Book, rounds: pd.DataFrame) -> pd.DataFrame:
    """``resolve(rounds, "funding_rounds", book.conflicts)``: of a ledger, its rounds resolved
    once for every reader (the flows resolved them: plan_of 1.7 ms, now 1.1)."""
    from aicapex.ledger import Ledger

    if isinstance(book.source, Ledger):
        return resolved(book.source, "funding_rounds", book.conflicts)[0]
    return resolve(rounds, "funding_rounds", book.conflicts)


def kept_plan(book: Book, round_id: str) -> Plan:
    """:func:`plan_of`, kept with a ledger (plans are immutable: the scenarios of a file, the
    checks of its adjustments and their binding in each scenario read the same rounds); of
    record frames, found each time."""
    from aicapex.ledger import Ledger

    if not isinstance(book.source, Ledger):
        return plan_of(book, round_id)
    key = ("scenario-plan", round_id, book.entity, book.conflicts)
    return book.source.memo(key, lambda: plan_of(book, round_id))


#: The fields of a round :func:`plan_of` reads.
_ROUND_FIELDS = (
    "company", "status", "date_end", "amount", "amount_usd", "amount_kind", "amount_low_usd",
    "amount_high_usd",
)  # fmt: skip


def _round_rate(row: Mapping[str, Any], total: float) -> float | None:
    """US dollars per unit of the round's currency (``None``: no amount to read it from)."""
    amount = float(row["amount"]) if "amount" in row and not pd.isna(row["amount"]) else 0.0
    return total / amount if amount and total else None


def _chosen(plan: Plan, tranche: int | None, keep: Callable[[Piece], bool]) -> list[int]:
    """Positions in ``plan.pieces`` of the tranche asked for, or of every piece ``keep``s."""
    if tranche is None:
        return [i for i, p in enumerate(plan.pieces) if keep(p)]
    indices = [p.index for p in plan.pieces if p.index is not None]
    if tranche not in indices:
        listed = ", ".join(str(i) for i in indices) or "none"
        raise AdjustmentError(
            f"tranche: expected a tranche of {plan.round} ({listed}; counted from 0), "
            f"got {tranche!r}",
            "tranche",
        )
    return [i for i, p in enumerate(plan.pieces) if p.index == tranche]


def _named(plan: Plan, chosen: Sequence[int]) -> str:
    parts = [f"{plan.pieces[i].name} ({format_usd(plan.pieces[i].usd)})" for i in chosen]
    return ", ".join(parts) or "nothing (every piece is already received)"


def _tranche(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise AdjustmentError(f"tranche: expected an index of 0 or more, got {value!r}", "tranche")
    return int(value)


def _round_id(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise AdjustmentError(f"round: expected a funding round's id, got {value!r}", "round")
    return value


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class Disburse(ScenarioAdjustment):
    """A round's tranches received (see the module docs)."""

    NAME = "disburse"

    round: str
    tranche: int | None = None
    on: str | None = None

    def describe(self) -> str:
        """``stability-2023-intel: tranche 0 received in 2023-10``."""
        which = (
            "every tranche not yet received"
            if self.tranche is None
            else (f"tranche {self.tranche}")
        )
        when = f" in {self.on[:7]}" if self.on else " on its own date"
        return f"{self.round}: {which} received{when}"

    def change(self, plan: Plan) -> tuple[Plan, str]:
        """The plan with the pieces received, and what moved."""
        chosen = _chosen(plan, self.tranche, lambda p: p.status != "cancelled" and not p.dated)
        pieces = list(plan.pieces)
        for i in chosen:
            pieces[i] = replace(
                pieces[i], status=_RECEIVED, moved=True, day=self.on or pieces[i].day
            )
        when = f"in {self.on[:7]}" if self.on else "on their dates"
        return replace(plan, pieces=tuple(pieces)), f"{_named(plan, chosen)} received {when}"

    def bind(self, book: Book) -> Bound:
        """Check the round and tranche (through its plan)."""
        _not_in_cash(book, kept_plan(book, self.round), self.tranche, _TWICE)
        return Bound(self.describe(), round=self.round, change=self)


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class Cancel(ScenarioAdjustment):
    """A round's pieces not yet received called off (see the module docs)."""

    NAME = "cancel"

    round: str
    tranche: int | None = None

    def describe(self) -> str:
        """``stability-2023-intel: tranche 1 cancelled``."""
        which = (
            "every piece not yet received" if self.tranche is None else (f"tranche {self.tranche}")
        )
        return f"{self.round}: {which} cancelled"

    def change(self, plan: Plan) -> tuple[Plan, str]:
        """The plan with the pieces cancelled."""
        chosen = _chosen(plan, self.tranche, lambda p: not p.received and p.status != "cancelled")
        pieces = list(plan.pieces)
        for i in chosen:
            pieces[i] = replace(pieces[i], status="cancelled", moved=False)
        return replace(plan, pieces=tuple(pieces)), f"{_named(plan, chosen)} cancelled"

    def bind(self, book: Book) -> Bound:
        """Check the round and tranche."""
        _not_in_cash(
            book, kept_plan(book, self.round), self.tranche, "cancelling it would change nothing"
        )
        return Bound(self.describe(), round=self.round, change=self)


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class Delay(ScenarioAdjustment):
    """A round's pieces not yet received arrive ``months`` later (see the module docs)."""

    NAME = "delay"

    round: str
    months: int | None = None
    tranche: int | None = None

    def describe(self) -> str:
        """``stability-2023-intel: every piece not yet received 3 months later``."""
        which = (
            "every piece not yet received" if self.tranche is None else (f"tranche {self.tranche}")
        )
        return f"{self.round}: {which} {self.months} months later"

    def change(self, plan: Plan) -> tuple[Plan, str]:
        """The plan with the pieces later."""
        chosen = _chosen(plan, self.tranche, lambda p: not p.received and p.status != "cancelled")
        pieces = list(plan.pieces)
        for i in chosen:
            month = np.datetime64(pieces[i].day, "M") + int(self.months or 0) + 1
            day = (month.astype("datetime64[D]") - 1).astype(str)
            pieces[i] = replace(pieces[i], day=str(day), moved=True)
        return replace(
            plan, pieces=tuple(pieces)
        ), f"{_named(plan, chosen)} {self.months} months later"

    def bind(self, book: Book) -> Bound:
        """Check the round, tranche and months."""
        if self.months is None:
            raise AdjustmentError(
                "months: expected whole months (or a sweep giving them), got nothing", "months"
            )
        _not_in_cash(book, kept_plan(book, self.round), self.tranche, _TWICE)
        return Bound(self.describe(), round=self.round, change=self)


#: Why moving a tranche received by the balance is refused.
_TWICE = "moving it would count its money twice"


def _not_in_cash(book: Book, plan: Plan, tranche: int | None, doing: str) -> None:
    """Refuse a tranche named (``tranche=i``) that the records have received on or before the
    entity's cash balance: its money is in the balance, so moving it counted it twice (a
    tranche received in February, in March's balance, disbursed again in May) and cancelling
    it changed nothing."""
    if tranche is None:
        return
    positions = _chosen(plan, tranche, lambda _: True)  # (an unknown tranche fails here)
    piece = plan.pieces[positions[0]]
    if not piece.received or not piece.dated:
        return  # (the balance's day not looked for: a tranche not received by then)
    balance = book.balance_day(plan.entity)
    if balance is None:
        return
    if np.datetime64(piece.day, "D") <= balance:
        raise AdjustmentError(
            f"tranche: expected a tranche of {plan.round} not received by the cash balance "
            f"({balance}: {doing}, its money is in the cash), got {tranche!r} (received on "
            f"{piece.day[:10]}, {format_usd(piece.usd)})",
            "tranche",
        )


def _day(name: str, value: DateLike | None) -> str | None:
    """The last day of a date argument (money in arrives at the end of a span)."""
    if value is None:
        return None
    try:
        return str(day_of(value, end=True))[:10]
    except (TypeError, ValueError) as exc:
        raise date_error(name, value, exc) from None


def disburse(round: str, *, tranche: int | None = None, on: DateLike | None = None) -> Disburse:
    """``round``'s tranches received on ``on`` (see the module docs)."""
    return Disburse(_round_id(round), _tranche(tranche), _day("on", on))


def cancel(round: str, *, tranche: int | None = None) -> Cancel:
    """``round``'s pieces not yet received called off (see the module docs)."""
    return Cancel(_round_id(round), _tranche(tranche))


def delay(round: str, *, months: int | None = None, tranche: int | None = None) -> Delay:
    """``round``'s pieces not yet received ``months`` later (see the module docs)."""
    if months is not None and (
        isinstance(months, bool) or not isinstance(months, int | np.integer) or months < 0
    ):
        raise AdjustmentError(f"months: expected whole months, 0 or more, got {months!r}", "months")
    return Delay(_round_id(round), None if months is None else int(months), _tranche(tranche))


#: The adjustments of this module by name (scenario files name them).
ROUND_ADJUSTMENTS: dict[str, Callable[..., ScenarioAdjustment]] = {
    "disburse": disburse,
    "cancel": cancel,
    "delay": delay,
}
