"""Scenarios: named, composable lists of adjustments, compared side by side and swept.

A :class:`Scenario` is a name and a list of adjustments (:mod:`aicapex.scenarios.adjust`,
:mod:`aicapex.scenarios.moves`, or the flows-table adjustments of :mod:`aicapex.table.adjust`)
applied to the runway's flows, never to the ledger. :func:`compare` runs several for one
entity: one row per scenario (the first is the reference), with the months of cash after
``as_of`` (and the ends of the ranges), the cash-out day, the lowest cash from ``as_of`` to the
horizon, the cash at the horizon and the months gained or lost against the first scenario.
Each scenario's explanation lists its adjustments, and says when money in arrives only after
the cash has run out (it does not rescue the runway: the runway ends at the first cash-out).

>>> import aicapex as ac
>>> led = ac.load(ac.bundled_data())
>>> table = compare(led, "stability-ai", [
...     Scenario("base"),
...     Scenario("intel-50-in-oct", [ac.disburse("stability-2023-intel", on="2023-10")]),
... ], as_of="2023-10")
>>> table.frame["months"].round(2).tolist()
[0.34, 4.56]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import month_of
from aicapex.analysis.result import Result
from aicapex.analysis.runrate import BurnAfter
from aicapex.analysis.runway import HORIZON, Policy
from aicapex.dates import DateLike
from aicapex.errors import suggest
from aicapex.scenarios.adjust import GRID_ADJUSTMENTS, AddFlow
from aicapex.scenarios.bills import BILL_ADJUSTMENTS
from aicapex.scenarios.book import Frozen, ScenarioAdjustment, in_months
from aicapex.scenarios.context import (
    Evaluated,
    TableAdjustment,
    as_adjustment,
    bind_scenario,
    evaluate,
    prepare,
)
from aicapex.scenarios.engine import Grid, apply_ops, outcome, stream_positions, transform
from aicapex.scenarios.rounds import ROUND_ADJUSTMENTS
from aicapex.table.conflicts import ConflictPolicy

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "COMPARE_COLUMNS",
    "Comparison",
    "Scenario",
    "Sweep",
    "compare",
    "sweep",
]

#: The columns of :attr:`Comparison.frame` (indexed by scenario name).
COMPARE_COLUMNS = (
    "months",
    "months_low",
    "months_high",
    "cash_out",
    "min_cash",
    "cash_at_horizon",
    "months_vs_first",
)


@dataclass(frozen=True, init=False, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class Scenario(Frozen):
    """A named list of adjustments, applied in order (``Scenario("base")``: none, the ledger as
    reported). Scenarios compose: ``a + b`` applies ``a``'s adjustments then ``b``'s."""

    name: str
    adjustments: tuple[ScenarioAdjustment, ...]
    note: str | None

    def __init__(
        self, name: str, adjustments: Iterable[object] = (), note: str | None = None
    ) -> None:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"expected a scenario name (text), got {name!r}")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "adjustments", tuple(as_adjustment(a) for a in adjustments))
        object.__setattr__(self, "note", note)

    def __add__(self, other: Scenario) -> Scenario:
        """Both scenarios' adjustments, in order, as ``a+b``."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return Scenario(f"{self.name}+{other.name}", [*self.adjustments, *other.adjustments])

    def plus(self, *adjustments: object, name: str | None = None) -> Scenario:
        """This scenario with more adjustments after its own."""
        return Scenario(name or self.name, [*self.adjustments, *adjustments], self.note)

    def describe(self) -> list[str]:
        """Its adjustments, one sentence each."""
        return [a.describe() for a in self.adjustments] or ["no adjustment: the ledger as reported"]

    def run(self, source: Any, entity: str, as_of: DateLike | None = None, **kw: Any) -> Comparison:
        """:func:`compare` of this scenario alone."""
        return compare(source, entity, [self], as_of, **kw)


@dataclass(frozen=True, eq=False, repr=False)
class Comparison(Result):
    """The result of :func:`compare`: ``.frame`` has one row per scenario (indexed by name) with
    :data:`COMPARE_COLUMNS`; :meth:`explain` gives a scenario's sentences, :meth:`path` its
    month-by-month cash."""

    NAME = "scenarios"
    MONEY = frozenset({"min_cash", "cash_at_horizon"})

    explanations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    paths: Mapping[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def explain(self, scenario: str | None = None) -> list[str]:
        """The sentences of ``scenario`` (the first when ``None``): its adjustments, what they
        change nothing about, and money in that comes too late."""
        name = scenario if scenario is not None else next(iter(self.explanations))
        if name not in self.explanations:
            raise KeyError(f"no scenario {name!r} in this comparison")
        return list(self.explanations[name])

    def path(self, scenario: str) -> pd.DataFrame:
        """The month-by-month cash of ``scenario`` (as :meth:`Runway.explain
        <aicapex.analysis.runway.Runway.explain>`): ``inflows`` and ``outflows`` are the
        month's money in and money out as the runway's path has them, with the scenario's
        adjustments (money added in or out by its sign, records left out, streams as scaled);
        a scenario without adjustments has the runway's path."""
        if scenario not in self.paths:
            raise KeyError(f"no scenario {scenario!r} in this comparison")
        return self.paths[scenario]

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per scenario: ``scenario`` first, the figures (months rounded to
        two decimals, dollars to the cent) and ``runs_out``."""
        return [
            {"scenario": str(name), **row, "runs_out": row["months"] is not None}
            for name, row in zip(self.frame.index, super().rows(), strict=True)
        ]

    def to_dict(self) -> dict[str, Any]:
        """:meth:`Result.to_dict` with each scenario's ``explanations``."""
        data = super().to_dict()
        data["explanations"] = {k: list(v) for k, v in self.explanations.items()}
        return data


def _run(executor: Executor | None, fn: Any, jobs: Sequence[tuple[Any, ...]]) -> list[Any]:
    """``fn(*job)`` for each job, on ``executor`` when given, results in order."""
    if executor is None:
        return [fn(*job) for job in jobs]
    futures = [executor.submit(fn, *job) for job in jobs]
    return [f.result() for f in futures]


def compare(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str,
    scenarios: Sequence[Scenario],
    as_of: DateLike | None = None,
    *,
    policy: Policy = "disbursed",
    burn_after: BurnAfter = None,
    horizon: int = HORIZON,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    cash: pd.DataFrame | Mapping[str, float] | None = None,
    executor: Executor | None = None,
) -> Comparison:
    """Run ``scenarios`` for ``entity`` from ``as_of`` (default: its latest cash balance) and
    compare them (see the module docs). Every adjustment is checked before anything runs.
    ``executor`` (any :class:`concurrent.futures.Executor`, a Dask client's
    ``get_executor()`` included) runs the scenarios; the results are the same."""
    scenarios = list(scenarios)
    if not scenarios or not all(isinstance(s, Scenario) for s in scenarios):
        raise ValueError(f"expected a list of Scenario, got {scenarios!r}")
    names = [s.name for s in scenarios]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"expected scenarios with distinct names, got {', '.join(twice)} twice")
    if not isinstance(entity, str):
        raise ValueError(f"expected one entity's id, got {entity!r}")
    setting, book = prepare(
        source,
        entity,
        as_of,
        policy=policy,
        burn_after=burn_after,
        horizon=horizon,
        conflicts=conflicts,
        known_on=known_on,
        cash=cash,
    )
    bound = [bind_scenario(s.name, s.adjustments, book) for s in scenarios]
    results: list[Evaluated] = _run(executor, evaluate, [(setting, b) for b in bound])
    # one frame of every scenario's columns (a row each: one entity), not a frame per
    # scenario concatenated; the records as a set of ids (1.5 ms less for a report's five)
    columns = {c: np.concatenate([r.columns[c] for r in results]) for c in COMPARE_COLUMNS[:-1]}
    with np.errstate(invalid="ignore"):  # (inf - inf: NaN, as pandas subtracts)
        columns["months_vs_first"] = columns["months"] - columns["months"][0]
    frame = pd.DataFrame(columns, index=pd.Index(names, name="scenario"))
    records = sorted(set().union(*(r.records for r in results)))
    first = results[0]
    return Comparison(
        frame=frame,
        used_records=pd.Index(records, dtype=object, name="record"),
        assumptions=(*first.assumptions, _horizon_words(setting.as_of, horizon)),
        params={"entity": entity, "as_of": setting.as_of, "policy": policy, "known_on": known_on},
        explanations={n: r.explanation for n, r in zip(names, results, strict=True)},
        paths=_Paths({n: r.path_of for n, r in zip(names, results, strict=True)}),
    )


class _Paths(Mapping[str, pd.DataFrame]):
    """Each scenario's month-by-month cash, built when first read (a report reads none)."""

    def __init__(self, builds: Mapping[str, Callable[[], pd.DataFrame]]) -> None:
        self._builds = dict(builds)
        self._built: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._built:
            self._built[name] = self._builds[name]()
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._builds)

    def __len__(self) -> int:
        return len(self._builds)


def _horizon_words(as_of: str, horizon: int) -> str:
    """What ``min_cash`` and ``cash_at_horizon`` are read over, in words."""
    # the month of as_of's end, as the runway counts ('late 2023': 2023-12), not its text's start
    end = (month_of(as_of, end=True).astype("datetime64[M]") + int(horizon)).astype(str)
    return (
        f"lowest cash and cash at the horizon: the cash at the end of each month from {as_of} "
        f"to {end} ({horizon} months), going on below zero after the cash runs out"
    )


@dataclass(frozen=True, eq=False, repr=False)
class Sweep(Result):
    """The result of :func:`sweep`: ``.frame`` has one row per entity and value: ``entity``, the
    swept argument (named as it; ``delay_months`` for ``delay``'s ``months``, and so for any
    argument named as a figure), then ``months``, ``months_low``, ``months_high``,
    ``cash_out``, ``min_cash``, ``cash_at_horizon``. ``parameter``: the swept column's name."""

    NAME = "sweep"
    MONEY = frozenset({"min_cash", "cash_at_horizon"})

    parameter: str = ""


#: Every adjustment's maker, by the name its spec carries.
MAKERS = {**GRID_ADJUSTMENTS, **ROUND_ADJUSTMENTS, **BILL_ADJUSTMENTS}

#: The memory a sweep's block of entities may take for its arrays (bytes, about).
SWEEP_BLOCK_BYTES = 1 << 26


def respecify(adjustment: ScenarioAdjustment, parameter: str, value: Any) -> ScenarioAdjustment:
    """``adjustment`` with ``parameter`` set to ``value``, checked as its maker checks it."""
    if isinstance(adjustment, TableAdjustment):
        raise ValueError("a sweep varies an argument of ac.scale, ac.add_flow, ...")
    fields = dict(vars(adjustment))
    if parameter not in fields:
        raise ValueError(
            f"{type(adjustment).__name__} has no argument {parameter!r}"
            + suggest(parameter, list(fields))
        )
    fields[parameter] = value
    maker = MAKERS[type(adjustment).NAME]
    first = next(iter(fields))  # the maker's positional argument
    return maker(fields.pop(first), **fields)


def _sweep_block(
    grid: Grid,
    entities: pd.Index,
    op: Any,
    part: np.ndarray,
    start: np.ndarray,
    rest: np.ndarray,
    values: np.ndarray,
) -> pd.DataFrame:
    """The figures of a block of entities for every value at once (vectorised)."""
    new_part, new_start = transform(grid, entities, op, part, start, values)
    net = rest[None] + new_part.sum(axis=3)  # (K, 3, E, M)
    figures = outcome(grid, new_start, net)
    months = figures.months  # (K, 3, E)
    k, n = len(values), len(entities)

    def flat(a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.swapaxes(a, 0, 1)).reshape(n * k)  # entity-major

    return pd.DataFrame(
        {
            "entity": np.repeat(entities.to_numpy(object), k),
            "value": np.tile(values, n),
            "months": flat(months[:, 0]),
            "months_low": flat(np.minimum(months[:, 1], months[:, 0])),
            "months_high": flat(np.maximum(months[:, 2], months[:, 0])),
            "cash_out": flat(figures.cash_out[:, 0]),
            "min_cash": flat(figures.min_cash[:, 0]),
            "cash_at_horizon": flat(figures.cash_at_horizon[:, 0]),
        }
    )


def sweep(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None,
    adjustment: ScenarioAdjustment,
    *,
    as_of: DateLike | None = None,
    base: Scenario | Sequence[object] = (),
    policy: Policy = "disbursed",
    burn_after: BurnAfter = None,
    horizon: int = HORIZON,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    cash: pd.DataFrame | Mapping[str, float] | None = None,
    executor: Executor | None = None,
    **values: Any,
) -> Sweep:
    """The runway of ``entity`` (every entity with a cash balance when ``None``) for each value
    of one argument of ``adjustment``, given as a keyword (``by=np.linspace(0.5, 1, 11)``), after
    the adjustments of ``base``. The numeric argument an adjustment declares (``scale``'s
    ``by``, ``cut_headcount``'s ``share``, ``growth``'s ``rate``, ``add_flow``'s ``amount``) is
    swept for all values and a block of entities at once, in blocks of entities; any other
    argument (``disburse``'s ``on`` ...) runs one scenario per value. ``executor`` runs the
    blocks (or the scenarios)."""
    if len(values) != 1:
        raise ValueError(
            f"expected one argument to sweep, as by=[0.5, 0.75, 1], got {sorted(values) or 'none'}"
        )
    ((parameter, given),) = values.items()
    adjustment = as_adjustment(adjustment)
    swept = list(np.asarray(given).tolist()) if not isinstance(given, str) else [given]
    if not swept:
        raise ValueError(f"expected values to sweep {parameter} over, got none")
    extra = base.adjustments if isinstance(base, Scenario) else [as_adjustment(a) for a in base]
    setting, book = prepare(
        source,
        entity,
        as_of,
        policy=policy,
        burn_after=burn_after,
        horizon=horizon,
        conflicts=conflicts,
        known_on=known_on,
        cash=cash,
    )
    numbers = [v for v in swept if isinstance(v, int | float) and not isinstance(v, bool)]
    if isinstance(adjustment, AddFlow) and parameter == "amount" and adjustment.is_rate and numbers:
        # a number is a one-off amount: the sweep of a rate of $1M a month by 1e6 added $1M once
        raise ValueError(
            f"amount: expected rates (as '$2M/month') to sweep the rate {adjustment.amount!r} "
            f"over (a number is money once, not a month), got {numbers[0]!r}"
        )
    first = respecify(adjustment, parameter, swept[0])
    bound_base = bind_scenario("base", extra, book)
    probe = in_months(first, book).bind(book)
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in swept)
    params = {"entity": entity, "as_of": setting.as_of, "policy": policy, "parameter": parameter}
    if parameter == adjustment.SWEEP and numeric and probe.op is not None and not probe.table:
        for v in swept[1:]:
            respecify(adjustment, parameter, v)  # each value checked as its maker checks it
        inputs = setting.inputs(bound_base.table)
        flows, start = apply_ops(inputs, bound_base.ops)
        touched = stream_positions(inputs, probe.op)
        rest = flows.sum(axis=2) - flows[:, :, touched].sum(axis=2)
        n_m, k = len(inputs.months), len(swept)
        size = max(1, SWEEP_BLOCK_BYTES // (k * 3 * (len(touched) + 4) * n_m * 8))
        grid_values = np.asarray(swept, dtype=np.float64)
        jobs = [
            (
                Grid.of(inputs, slice(i, i + size)),
                inputs.entities[i : i + size],
                probe.op,
                flows[:, i : i + size][:, :, touched],
                start[:, i : i + size],
                rest[:, i : i + size],
                grid_values,
            )
            for i in range(0, len(inputs.entities), size)
        ]
        parts = _run(executor, _sweep_block, jobs)
        if len(parts) > 1 or len(inputs.entities) > 1:  # by entity, as the other way orders
            parts = [pd.concat(parts, ignore_index=True).sort_values("entity", kind="stable")]
        assumptions = (*inputs.assumptions, *bound_base.texts)
        records = inputs.records
    else:
        bound = [
            bind_scenario(f"{parameter}={v}", [*extra, respecify(adjustment, parameter, v)], book)
            for v in swept
        ]
        results: list[Evaluated] = _run(executor, evaluate, [(setting, b) for b in bound])
        parts = [
            r.frame.assign(value=[v] * len(r.frame)) for r, v in zip(results, swept, strict=True)
        ]
        assumptions = (*results[0].assumptions, *bound_base.texts)
        records = results[0].records
        if parts:
            order = pd.concat(parts, ignore_index=True)
            parts = [order.sort_values("entity", kind="stable")]
    # the swept values' column, named as the argument unless a figure's column has its name
    # (delay's months: the frame had two 'months' columns, the values and the runway's)
    column = parameter
    if parameter in ("entity", *COMPARE_COLUMNS):
        column = f"{type(adjustment).NAME}_{parameter}"
    frame = pd.concat(parts, ignore_index=True).rename(columns={"value": column})
    columns = ["entity", column, *COMPARE_COLUMNS[:-1]]
    return Sweep(
        frame=frame[columns].reset_index(drop=True),
        used_records=records,
        assumptions=(*assumptions, f"swept: {adjustment.describe()}"),
        params=params,
        parameter=column,
    )
