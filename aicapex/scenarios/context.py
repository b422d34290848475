"""What a scenario run needs: adjustments bound to a ledger, the run's shared setting, and
one scenario rolled forward (a function of plain data, so that executors can run it)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import (
    as_known_on,
    check_entity,
    day_of,
    in_calendar,
    with_spending,
)
from aicapex.analysis.reconcile import cash_reports
from aicapex.analysis.runrate import BurnAfter, check_burn_after
from aicapex.analysis.runway import (
    HORIZON,
    POLICIES,
    Policy,
    check_horizon,
    inputs_after,
    runway_inputs,
)
from aicapex.analysis.runwaykit import RunwayInputs, path_frame
from aicapex.dates import DateLike
from aicapex.scenarios.adjust import Addition, Factor
from aicapex.scenarios.bills import bind_settling
from aicapex.scenarios.book import (
    AdjustmentError,
    Book,
    Bound,
    Frozen,
    ScenarioAdjustment,
    day_text,
    month_text,
)
from aicapex.scenarios.engine import Grid, apply_ops, outcome, outcome_columns, path_money
from aicapex.scenarios.rounds import Plan, RoundRows, kept_plan
from aicapex.table.adjust import AddFlow as TableAddFlow
from aicapex.table.adjust import Adjustment, Reports, conflict_reports, excluded
from aicapex.table.adjust import Exclude as TableExclude
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import as_flows, is_ledger
from aicapex.values import format_usd

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "BoundScenario",
    "Evaluated",
    "NoBalance",
    "Setting",
    "TableAdjustment",
    "as_adjustment",
    "bind_scenario",
    "evaluate",
    "prepare",
]

Source = Any  # a Ledger, record frames by kind, or a flows table


class NoBalance(ValueError):
    """The scenarios' entity has no cash balance to start from (``as_of`` not given)."""


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: ScenarioAdjustment's)
class TableAdjustment(ScenarioAdjustment):
    """A flows-table adjustment (:class:`~aicapex.table.adjust.Adjustment`) in a scenario."""

    adjustment: Adjustment

    def describe(self) -> str:
        """The adjustment's own sentence."""
        return self.adjustment.describe()

    def bind(self, book: Book) -> Bound:
        """As it is (money in it adds is checked against the cash-out), refused when it is of
        another entity than the scenarios' (it would change nothing, silently)."""
        arrivals: tuple[tuple[str, float], ...] = ()
        added = self.adjustment
        if isinstance(added, TableAddFlow):
            book.entity_of(added.entity)
        elif isinstance(added, TableExclude) and book.entity is not None:
            _check_own(book, added.records)
        if isinstance(added, TableAddFlow) and added.amount_usd > 0:
            arrivals = ((month_text(added.date), float(added.amount_usd)),)
        return Bound(self.describe(), table=(added,), arrivals=arrivals)


def _check_own(book: Book, records: Sequence[str]) -> None:
    """Refuse records with no flows of the book's entity and none of its cash balances (an
    id naming nothing at all is the runway's error, at the run)."""
    flows = book.flows
    ids = flows["record"].astype("object")
    cash = book.frame("cash_balances")
    for record in records:
        rows = (ids == record).to_numpy()
        if not rows.any() and (cash is None or not (cash["id"] == record).any()):
            continue
        mine = (flows["entity"].astype("object")[rows] == book.entity).any()
        if cash is not None:
            mine = mine or (cash["company"][(cash["id"] == record).to_numpy()] == book.entity).any()
        if not mine:
            raise AdjustmentError(
                f"records: expected records of {book.entity} (the entity the scenarios run for: "
                f"leaving out another's changes nothing in its runway), got {record!r}",
                "records",
                "unknown-reference",
            )


def as_adjustment(value: object) -> ScenarioAdjustment:
    """``value`` as a scenario adjustment (a flows-table adjustment is wrapped)."""
    if isinstance(value, ScenarioAdjustment):
        return value
    if isinstance(value, Adjustment):
        return TableAdjustment(value)
    raise TypeError(
        "expected an adjustment (ac.scale, ac.add_flow, ac.disburse, ... or ac.Exclude, "
        f"ac.AddFlow), got {value!r}"
    )


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class BoundScenario(Frozen):
    """A scenario checked against a ledger: its flows-table changes, its stream changes, its
    sentences, the money in it brings (sentence, month, US dollars), its notes, and the first
    month of each change of a stream (sentence, month)."""

    name: str
    table: tuple[Adjustment, ...] = ()
    ops: tuple[Factor | Addition, ...] = ()
    texts: tuple[str, ...] = ()
    arrivals: tuple[tuple[str, str, float], ...] = ()
    notes: tuple[str, ...] = ()
    starts: tuple[tuple[str, str], ...] = ()


def bind_scenario(
    name: str, adjustments: Iterable[ScenarioAdjustment], book: Book
) -> BoundScenario:
    """Check every adjustment of scenario ``name`` against ``book`` (the first that does not fit
    raises :class:`~aicapex.scenarios.adjust.AdjustmentError`) and gather what they do; the
    adjustments of one round make one plan of its pieces, which takes the place of the round's
    last adjustment among the flows-table changes (they apply in order: a round's records left
    out after its tranches moved stay out)."""
    table: list[Adjustment | str] = []  # (a round's id: where its plan goes)
    ops: list[Factor | Addition] = []
    texts: list[str] = []
    arrivals: list[tuple[str, str, float]] = []
    notes: list[str] = []
    starts: list[tuple[str, str]] = []
    plans: dict[str, Plan] = {}
    said: dict[str, list[str]] = {}
    settled: set[tuple[str, str]] = set()  # bills paid or forgiven so far
    for adjustment in adjustments:
        bound = bind_settling(adjustment, book, settled)
        texts.append(bound.text)
        table.extend(bound.table)
        if bound.op is not None:
            ops.append(bound.op)
        if bound.round is not None:
            plan = plans.get(bound.round) or kept_plan(book, bound.round)
            plans[bound.round], what = bound.change.change(plan)
            said.setdefault(bound.round, []).append(what)
            texts[-1] = f"{bound.round}: {what}"
            table = [t for t in table if t != bound.round]
            table.append(bound.round)
        arrivals.extend((bound.text, month, usd) for month, usd in bound.arrivals)
        if isinstance(bound.op, Factor) and bound.op.start:
            starts.append((bound.text, bound.op.start))
        notes.extend(bound.notes)
    rows: dict[str, Adjustment] = {}
    for round_id, plan in plans.items():
        text = f"{round_id}: " + "; ".join(said[round_id])
        rows[round_id] = RoundRows(plan, text)
        arrivals.extend((text, month, usd) for month, usd in plan.arrivals(book.policy))
    return BoundScenario(
        name,
        tuple(rows[t] if isinstance(t, str) else t for t in table),
        tuple(ops),
        tuple(texts),
        tuple(arrivals),
        tuple(notes),
        tuple(starts),
    )


# repr=False: frames and arrays, never shown (a generated __repr__: 0.05 ms of the import)
@dataclass(frozen=True, eq=False, repr=False)
class Setting:
    """What every scenario of a run shares: the flows, the cash balances, the entity (``None``:
    every entity with a balance), ``as_of`` and the runway's arguments. ``aside``: when
    ``cash`` is a frame, the reports its conflicts resolution set aside (``cash`` holds the
    reports kept: resolved once per run, or per ledger, not once per scenario); ``None`` when
    ``cash`` is not resolved yet (dollars by entity). ``reports``: the cash reports before
    resolution (``None`` with dollars by entity): a scenario that leaves a report out resolves
    them again without it, so another report of the same fact stands, as in
    :func:`~aicapex.analysis.runway.runway` with ``exclude=``. ``conflicting``: the records of
    kinds with flows in conflict, with the frames they came from, or where to find them (a
    ledger, searched once per ledger; record frames by kind; both only by a scenario that
    leaves records out; ``None``: a flows table): a scenario that leaves one out compiles the
    flows without it, for the same reason."""

    flows: pd.DataFrame
    cash: pd.DataFrame | Mapping[str, float]
    entity: str | None
    as_of: str
    policy: Policy = "disbursed"
    burn_after: BurnAfter = None
    horizon: int = HORIZON
    conflicts: ConflictPolicy = "latest"
    aside: tuple[str, ...] | None = None
    reports: pd.DataFrame | None = None
    conflicting: Reports | Mapping[str, pd.DataFrame] | Ledger | None = None

    def inputs(self, table: Sequence[Adjustment] = ()) -> RunwayInputs:
        """The runway's inputs with the flows-table adjustments ``table`` applied. Those
        without any (the scenarios that only change streams) are built once per setting and
        shared: their arrays are only read (:func:`~aicapex.scenarios.engine.apply_ops` copies
        what it changes)."""
        if table:
            return self._build(table)
        plain: RunwayInputs | None = self.__dict__.get("_plain")
        if plain is None:
            plain = self._build(())
            object.__setattr__(self, "_plain", plain)  # a cache, not a field
        return plain

    def __getstate__(self) -> dict[str, Any]:
        """The fields without the shared inputs (an executor's copy builds its own), and the
        ledger's records in conflict found (not the ledger)."""
        state = dict(self.__dict__)
        state.pop("_plain", None)
        state.pop("_spent", None)
        state.pop("_shared_inputs", None)
        if is_ledger(self.conflicting):
            state["conflicting"] = conflict_reports(self.conflicting, self.conflicts)
        return state

    def _build(self, table: Sequence[Adjustment]) -> RunwayInputs:
        found = conflict_reports(self.conflicting, self.conflicts, table)  # (None: no Exclude)
        if self.aside is not None and isinstance(self.cash, pd.DataFrame):
            # runway_inputs without what prepare did once: the checks and the cash resolved
            # (the entity was checked against the source by prepare: one without a balance
            # is 'no cash balance', not the flows' 'unknown entity' it was)
            balances, aside = self._balances(self.cash, self.aside, table)
            # the balances of companies with spending on record, and what is said of those
            # without: the same for every what-if leaving no record nor cash report out
            spending = self._spending(balances) if found is None and balances is self.cash else None
            return inputs_after(
                self.flows,
                balances,
                aside,
                table,
                self.entity,
                self.as_of,
                self.policy,
                self.burn_after,
                self.horizon,
                self.conflicts,
                found,
                spending,
                self._shared(),
            )
        # cash in dollars: the run compiles the flows again from the frames
        again = found is not None and any(i in found.group for i in excluded(table))
        return runway_inputs(
            dict(found.frames) if found is not None and again else self.flows,
            self.entity,
            self.as_of,
            policy=self.policy,
            burn_after=self.burn_after,
            adjust=table,
            cash=self.cash,
            horizon=self.horizon,
            conflicts=self.conflicts,
        )

    def _shared(self) -> dict[str, Any]:
        """What :func:`~aicapex.analysis.runwaykit.collect_inputs` keeps between the setting's
        builds (the balances' grid, for the same balances frame): one per setting."""
        shared: dict[str, Any] | None = self.__dict__.get("_shared_inputs")
        if shared is None:
            shared = {}
            object.__setattr__(self, "_shared_inputs", shared)  # a cache, not a field
        return shared

    def _spending(self, cash: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
        """:func:`~aicapex.analysis.common.with_spending` of the flows and ``cash`` (the
        setting's), found once per setting (a cache, not a field)."""
        found: tuple[pd.DataFrame, tuple[str, ...]] | None = self.__dict__.get("_spent")
        if found is None:
            found = with_spending(self.flows, cash, self.burn_after, self.entity)
            object.__setattr__(self, "_spent", found)
        return found

    def _balances(
        self, cash: pd.DataFrame, aside: tuple[str, ...], table: Sequence[Adjustment]
    ) -> tuple[pd.DataFrame, tuple[str, ...]]:
        """The balances resolved once (``cash``, ``aside``), or, when ``table`` leaves cash
        reports out, the reports resolved again without them (another report of the same
        fact, set aside before, then stands): the reports left out are kept in the frame for
        the adjustments that name them to leave out (and to find: an id naming nothing is an
        error)."""
        gone = left_out_reports(table, self.reports)
        if not gone or self.reports is None:
            return cash, aside
        kept, set_aside = cash_reports(None, self.reports, self.conflicts, gone)
        ids = self.reports["id"].astype("object")
        left = self.reports[ids.isin(gone).to_numpy()]
        return pd.concat([kept, left], ignore_index=True), tuple(set_aside)


def left_out_reports(table: Sequence[Adjustment], reports: pd.DataFrame | None) -> list[str]:
    """The ids of the cash ``reports`` the flows-table adjustments ``table`` leave out (each
    adjustment's ``balances``, applied in order to every report, resolved or set aside)."""
    if reports is None or not table or reports.empty:
        return []
    left = reports
    for adjustment in table:
        left = adjustment.balances(left)
    if len(left) == len(reports):
        return []
    kept = set(left["id"].astype("object"))
    return sorted({str(i) for i in reports["id"].astype("object")} - kept)


def prepare(
    source: Source,
    entity: str | None,
    as_of: DateLike | None,
    *,
    policy: Policy = "disbursed",
    burn_after: BurnAfter = None,
    horizon: int = HORIZON,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    cash: pd.DataFrame | Mapping[str, float] | None = None,
) -> tuple[Setting, Book]:
    """Check the arguments once and build the :class:`Setting` and the :class:`Book` the
    adjustments are checked against (``as_of`` ``None``: the latest cash balance's day)."""
    from aicapex.ledger import Ledger

    source = as_known_on(source, known_on)
    if policy not in POLICIES:
        raise ValueError(f"expected a policy among {POLICIES}, got {policy!r}")
    check_horizon(horizon)
    check_burn_after(burn_after)
    flows = as_flows(source, conflicts)
    aside: tuple[str, ...] | None = None
    reports: pd.DataFrame | None = None  # before conflicts are resolved
    if cash is None:
        if isinstance(source, Ledger):
            cash, aside = _ledger_cash(source, conflicts)
            reports = source.frame("cash_balances")
        elif isinstance(source, Mapping) and "cash_balances" in source:
            cash = source["cash_balances"]
        else:
            raise ValueError(
                "scenarios need cash balances: pass cash=ledger.frame('cash_balances') "
                "or cash={'entity-id': dollars} with a flows table"
            )
    elif known_on is not None and isinstance(cash, pd.DataFrame):
        cash = as_known_on({"cash_balances": cash}, known_on)["cash_balances"]
    if aside is None and isinstance(cash, pd.DataFrame):
        reports = cash
        cash, set_aside = cash_reports(None, cash, conflicts)
        aside = tuple(set_aside)
    companies = pd.Series(list(cash) if isinstance(cash, Mapping) else cash["company"])
    check_entity(source, entity, flows, companies)
    if isinstance(source, Ledger):
        known = {e.id for e in source.records("entities")}
    else:
        known = {str(v) for c in ("entity", "payer", "payee") for v in flows[c].dropna().unique()}
        known |= {str(v) for v in companies.dropna()}
    if as_of is None:
        as_of = _latest(cash, entity)
    # a fiscal year of the entity (as_of='FY2024'): the day it ends, as the runway reads it
    as_of = in_calendar(as_of, source, entity, end=True)  # type: ignore[assignment]
    day_of(as_of)
    setting = Setting(
        flows, cash, entity, str(as_of), policy, burn_after, horizon, conflicts, aside, reports,
        source if isinstance(source, Ledger) else _frames(source),  # (searched when needed)
    )  # fmt: skip
    month, day = month_text(as_of, end=True), day_text(as_of)

    def book() -> Book:
        return Book(source, flows, entity, month, policy, conflicts, frozenset(known), day)

    if not isinstance(source, Ledger):
        return setting, book()
    # one per ledger and month: what a file's check finds of the ledger its comparison reads
    return setting, source.memo(("scenario-book", entity, month, day, policy, conflicts), book)


def _frames(source: Source) -> Mapping[str, pd.DataFrame] | None:
    """Record frames by kind, searched for reports in conflict only by a scenario that leaves
    records out (``None``: a flows table)."""
    return source if isinstance(source, Mapping) else None


def _ledger_cash(ledger: Any, conflicts: ConflictPolicy) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The ledger's cash balances with conflicts resolved, and the reports set aside: once per
    ledger and policy (:meth:`~aicapex.ledger.Ledger.memo`), a new frame sharing the data each
    call (copy-on-write)."""
    kept, aside = ledger.memo(
        ("scenarios:cash", conflicts),
        lambda: cash_reports(ledger, None, conflicts),
    )
    return kept.copy(deep=False), tuple(aside)


def _latest(balances: pd.DataFrame | Mapping[str, float], entity: str | None) -> str:
    """The day of the latest cash balance (of ``entity``; conflicts resolved already), as
    runway's default ``as_of``."""
    if isinstance(balances, Mapping):
        raise ValueError("scenarios need as_of when the cash balances have no dates")
    if entity is not None:
        balances = balances[(balances["company"].astype("object") == entity).to_numpy()]
    if not balances["date_end"].notna().any():
        if entity is not None:  # (it said 'scenarios need as_of when the cash balances have
            # no dates' of an entity without any)
            raise NoBalance(
                f"no cash balance of {entity!r} to start the scenarios from (without as_of they "
                "start from the latest)"
            )
        raise ValueError("scenarios need as_of when the cash balances have no dates")
    return pd.Timestamp(balances["date_end"].max()).date().isoformat()


# repr=False: frames and arrays, never shown (a generated __repr__: 0.05 ms of the import)
@dataclass(frozen=True, eq=False, repr=False)
class Evaluated:
    """One scenario's figures (a row per entity: ``columns``, arrays by name, made a frame
    when read: a comparison makes one frame of its scenarios'), explanation, path (built when
    read: a comparison's paths are read one by one, a report reads none), assumptions,
    records."""

    columns: Mapping[str, np.ndarray]
    explanation: tuple[str, ...]
    path_of: Callable[[], pd.DataFrame]
    assumptions: tuple[str, ...]
    records: pd.Index

    @property
    def frame(self) -> pd.DataFrame:
        """The figures, a row per entity: ``entity`` and
        :data:`~aicapex.scenarios.engine.OUTCOME_COLUMNS`."""
        return pd.DataFrame(self.columns)

    @property
    def path(self) -> pd.DataFrame:
        """The month-by-month cash (:func:`~aicapex.analysis.runwaykit.path_frame`)."""
        return self.path_of()


def _late(
    arrivals: Sequence[tuple[str, str, float]],
    starts: Sequence[tuple[str, str]],
    cash_out: Any,
) -> list[str]:
    """Money in, and changes, that come in a month after the cash-out: they do not extend the
    runway (it ends at the first cash-out)."""
    if pd.isna(cash_out):
        return []
    out_month = str(np.datetime64(cash_out, "M"))
    day = pd.Timestamp(cash_out).date().isoformat()
    money = [
        f"{text}: the {format_usd(usd)} in {month} arrives after the cash runs out ({day}), so it "
        "does not extend the runway"
        for text, month, usd in arrivals
        if month > out_month
    ]
    changes = [
        f"{text}: it starts in {month}, after the cash runs out ({day}), so it does not change "
        "the runway"
        for text, month in starts
        if month > out_month
    ]
    return money + changes


def evaluate(setting: Setting, bound: BoundScenario) -> Evaluated:
    """Roll one bound scenario forward (a function of plain data: executors run it)."""
    inputs = setting.inputs(bound.table)
    flows, start = apply_ops(inputs, bound.ops)
    net = flows.sum(axis=2)
    figures = outcome(Grid.of(inputs), start, net)
    columns = outcome_columns(inputs.entities, figures)
    lines = list(bound.texts) or ["no adjustment: the ledger as reported"]
    lines += bound.notes
    if len(columns["entity"]) == 1:
        lines += _late(bound.arrivals, bound.starts, columns["cash_out"][0])
    path = functools.partial(
        path_frame,
        inputs.entities,
        inputs.months,
        inputs.counted,
        figures.path[0],
        net[0],
        inputs.assumed,
        inputs.as_of_col,
        functools.partial(path_money, inputs, bound.ops),  # money in and out, as the runway's
    )
    return Evaluated(columns, tuple(lines), path, inputs.assumptions, inputs.records)
