"""Monte Carlo runways: how likely the cash runs out by a date, given the ranges of reported
figures and uncertain drivers.

:func:`simulate` draws ``n`` paths of one entity's monthly cash from its runway's inputs (after
a scenario's adjustments, if any): reported ranges are sampled (``ranges="sample"``: each
stream's figures, and the starting cash, uniform between their pessimistic and optimistic ends,
one draw per path and stream; ``"base"``: the base figures), and drivers change the months after
``as_of``. The base of a bound or a ceiling is one of its ends ('up to $3M' is $3M, with 0 at
the other), so the median path need not be the deterministic runway: a ledger whose payroll is
'up to €3M' has a median runway longer than its base one, which counts all of it.

- ``revenue_growth``: monthly growth of revenue: the ``k``-th month after ``as_of`` is
  ``(1 + g) ** k`` times its figure;
- ``compute``, ``payroll``, ``opex``, ``tax``, ``other``, ``revenue``: multipliers of that stream;
- ``disbursement_delay``: months (rounded, 0 or more) by which tranches arrive late: the
  tranches the runway counts before they are disbursed (policy ``committed``) and those a
  scenario disburses (``ac.disburse``).

A driver is a distribution of :mod:`aicapex.scenarios.dist` or a number (fixed). Paths are made
in blocks of ``block`` paths, one random stream per block
(``numpy.random.SeedSequence(seed).spawn``), vectorised over paths and months on the cash engine's
rule, and each block is reduced to a summary (:mod:`aicapex.scenarios.paths`): the results do
not depend on how blocks are spread over ``executor``'s workers, and memory is bounded by a
block. With ``ranges="base"`` and fixed drivers, every path is the deterministic runway.

>>> import aicapex as ac
>>> mc = simulate(ac.load(ac.bundled_data()), "stability-ai", n=2_000, horizon=24, seed=1,
...               as_of="2023-10", compute=ac.dist.lognormal(0, 0.2))
>>> mc.cash_out_probability(by="2023-11"), mc.cash_out_probability(by="2023-10")
(1.0, 0.0)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from aicapex.analysis.common import day_of
from aicapex.analysis.result import Result
from aicapex.analysis.runrate import BurnAfter
from aicapex.analysis.runway import Policy
from aicapex.dates import DateLike
from aicapex.errors import suggest
from aicapex.scenarios.context import as_adjustment, bind_scenario, prepare
from aicapex.scenarios.dist import Dist, as_dist
from aicapex.scenarios.engine import apply_ops
from aicapex.scenarios.paths import (
    CASH_BINS,
    DRIVER_LOWEST,
    MONTH_BINS,
    MULTIPLIERS,
    Model,
    Summary,
    block,
    kept_workspace,
    run_blocks,
)
from aicapex.table.conflicts import ConflictPolicy

if TYPE_CHECKING:
    from aicapex.analysis.runwaykit import RunwayInputs
    from aicapex.ledger import Ledger
    from aicapex.scenarios.context import Setting

__all__ = ["BLOCK", "DRIVERS", "Simulation", "simulate"]

#: Paths per block (fixed: the results of a seed depend on it, never on the workers).
BLOCK = 10_000
#: The fewest paths the cash bins are read from: a first block smaller than this (and than
#: ``n``) leaves them to paths of their own.
PILOT = 1_000

#: The drivers :func:`simulate` takes.
DRIVERS = ("revenue_growth", "disbursement_delay", *MULTIPLIERS)

Ranges = Literal["sample", "base"]


class CallableFrame(pd.DataFrame):
    """A DataFrame that also returns itself when called: ``mc.frame`` and ``mc.frame()``."""

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def __call__(self) -> pd.DataFrame:
        """The frame (a plain DataFrame)."""
        return pd.DataFrame(self)


def _label(q: float) -> str:
    """``p5`` for 0.05, ``p2.5`` for 0.025."""
    return f"p{100 * q:g}"


@dataclass(frozen=True, eq=False, repr=False)
class Simulation(Result):
    """The result of :func:`simulate`. ``.frame`` (also ``.frame()``) has one row per month
    after ``as_of`` to the horizon: ``month``, the cash at its end at the 5th, 50th and 95th
    percentiles (``p5``, ``p50``, ``p95``; negative: what is missing), ``cash_out_in_month``
    and ``cash_out_by_end`` (probabilities)."""

    NAME = "simulation"

    summary: Summary = field(default_factory=Summary, repr=False)
    months_index: pd.DatetimeIndex = field(default_factory=lambda: pd.DatetimeIndex([]))
    edges: tuple[np.ndarray, np.ndarray] = field(default=(np.zeros(0), np.zeros(0)), repr=False)
    balance_day: np.datetime64 = field(default=np.datetime64("NaT", "D"))
    horizon: int = 0
    #: Months from ``as_of`` to the end of the last month simulated: ``horizon``, and the rest
    #: of ``as_of``'s month when it falls within one (NaN: ``horizon``).
    reach: float = math.nan

    def cash_out_probability(self, by: DateLike) -> float:
        """The share of paths whose cash has run out by the end of ``by`` (a date)."""
        last = day_of(by, end=True).astype("datetime64[D]")
        return float(self._by_days(np.array([last]))[0])

    def _by_days(self, last: np.ndarray) -> np.ndarray:
        """The share of paths out of cash by the end of each day of ``last`` (datetime64[D])."""
        days = (last - self.balance_day).astype(np.int64)
        cum = np.cumsum(self.summary.days_hist)
        if not len(cum):
            return np.zeros(len(days))
        shares: np.ndarray = np.where(
            days < 0, 0.0, cum[np.clip(days, 0, len(cum) - 1)] / self.summary.paths
        )
        return shares

    def quantiles(self, q: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """The cash at the end of each month at quantiles ``q`` (columns ``p5``, ...), indexed
        by month: read from each month's histogram (interpolated within a bin)."""
        columns = self._quantiles(q)
        return pd.DataFrame(columns, index=pd.Index(self.months_index, name="month"))

    def _quantiles(self, q: Sequence[float]) -> dict[str, np.ndarray]:
        """:meth:`quantiles`' columns, by label."""
        s = self.summary
        lo, per = self.edges
        counts = s.cash_hist
        cum = np.cumsum(counts, axis=1)
        out = {}
        for level in q:
            if not 0 <= level <= 1:
                raise ValueError(f"expected quantiles between 0 and 1, got {level!r}")
            target = level * s.paths
            # the bin the target count falls in; of 0, the first bin with a path (the empty
            # bins below the lowest cash counted: quantile 0 was their lowest edge, a quarter
            # of the range below every path)
            below = (cum < target) if target > 0 else (cum <= 0)
            b = np.minimum(below.sum(axis=1), CASH_BINS - 1)
            before = np.where(
                b > 0, np.take_along_axis(cum, np.maximum(b - 1, 0)[:, None], 1)[:, 0], 0
            )
            inside = np.take_along_axis(counts, b[:, None], 1)[:, 0]
            with np.errstate(divide="ignore", invalid="ignore"):
                frac = np.nan_to_num(np.clip((target - before) / inside, 0.0, 1.0))
            out[_label(level)] = lo + (b + frac) / per
        return out

    def months(self, q: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.Series:
        """The runway in months after ``as_of`` at quantiles ``q`` (``inf``: past the horizon),
        read from a histogram of 0.01-month bins, clamped to the exact extremes."""
        s = self.summary
        cum = np.cumsum(s.months_hist)
        done = s.paths - s.never
        values = []
        for level in q:
            target = level * s.paths
            if done == 0 or target > done:
                values.append(math.inf)
                continue
            b = int(np.searchsorted(cum, max(target, 1e-12)))
            before = float(cum[b - 1]) if b else 0.0
            frac = (target - before) / max(float(s.months_hist[b]), 1.0)
            value = (b + min(max(frac, 0.0), 1.0)) / MONTH_BINS
            values.append(min(max(value, s.months_min), s.months_max))
        return pd.Series(values, index=[_label(x) for x in q], name="months", dtype="float64")

    def distribution(self, width: float = 1.0) -> pd.DataFrame:
        """The runway's distribution: the share of paths running out in each ``width`` months
        after ``as_of`` (``from``, ``to``, ``probability``), and a last row for the paths that
        last past the horizon (``from`` the end of the horizon's month, :attr:`reach`, ``to``
        inf); the probabilities sum to 1."""
        if not width > 0:
            raise ValueError(f"expected a width of more than 0 months, got {width!r}")
        s = self.summary
        step = max(round(width * MONTH_BINS), 1)
        counts = np.add.reduceat(s.months_hist, np.arange(0, len(s.months_hist), step))
        edges = np.arange(len(counts) + 1) * step / MONTH_BINS
        # the paths run to the end of the horizon's month: past `horizon` months when as_of
        # falls within a month (those running out there were in no row: the rows summed < 1)
        reach = self.reach if math.isfinite(self.reach) else float(self.horizon)
        keep = edges[:-1] < reach
        counts = counts[: max(int(keep.sum()), 1)].copy()
        counts[-1] += s.months_hist.sum() - counts.sum()  # (a path at the very end)
        n = len(counts)
        frame = pd.DataFrame(
            {
                "from": edges[:n],
                "to": np.minimum(edges[1 : n + 1], reach),
                "probability": counts / s.paths,
            }
        )
        tail = pd.DataFrame({"from": [reach], "to": [math.inf], "probability": [s.never / s.paths]})
        return pd.concat([frame, tail], ignore_index=True)

    def to_dict(self) -> dict[str, Any]:
        """:meth:`Result.to_dict` with ``paths``, the runway's ``months`` at the 5th, 50th and
        95th percentiles and ``cash_out_within_horizon``."""
        data = super().to_dict()
        months = self.months()
        data["paths"] = self.summary.paths
        data["months"] = {k: (None if math.isinf(v) else round(v, 2)) for k, v in months.items()}
        data["cash_out_within_horizon"] = 1.0 - self.summary.never / self.summary.paths
        return data


def _frame(result: Simulation) -> CallableFrame:
    """The per-month frame of a simulation."""
    cash = result._quantiles((0.05, 0.5, 0.95))  # the columns of quantiles(), not its frame
    months = result.months_index.to_numpy().astype("datetime64[M]")
    ends = (months + 1).astype("datetime64[D]") - 1  # each month's last day
    by_end = result._by_days(ends)
    before = float(result._by_days(months[:1].astype("datetime64[D]") - 1)[0]) if len(ends) else 0.0
    return CallableFrame(
        {
            "month": result.months_index,
            **cash,
            "cash_out_in_month": np.diff(np.concatenate([[before], by_end])),
            "cash_out_by_end": by_end,
        }
    )


def _kept_inputs(ledger: Ledger, setting: Setting, known_on: DateLike | None) -> RunwayInputs:
    """The runway's inputs of ``setting`` (one entity, the ledger's cash, no flows-table
    adjustment), computed once per ledger (:meth:`~aicapex.ledger.Ledger.memo`: ledgers are
    immutable) and kept read-only: simulations of the same entity and date with other
    drivers, seeds or factors skip their fixed cost (about one runway's)."""
    after = setting.burn_after
    key = (
        "simulate:runway_inputs",
        setting.entity,
        setting.as_of,
        setting.policy,
        tuple(sorted(after.items())) if isinstance(after, Mapping) else after,
        setting.horizon,
        setting.conflicts,
        None if known_on is None else str(known_on),
    )

    def build() -> RunwayInputs:
        inputs = setting.inputs(())
        for value in vars(inputs).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
        return inputs

    kept: RunwayInputs = ledger.memo(key, build)
    return kept


def _drivers(drivers: Mapping[str, object]) -> tuple[tuple[str, Dist], ...]:
    out = []
    for name, value in sorted(drivers.items()):
        if name not in DRIVERS:
            raise ValueError(
                f"expected drivers among {', '.join(DRIVERS)}, got {name!r}"
                + suggest(name, DRIVERS)
            )
        dist = as_dist(value, name)
        low = DRIVER_LOWEST.get(name, 0.0)
        fixed = float(dist.sample(np.random.default_rng(0), 1)[0]) if dist.fixed else None
        if fixed is not None and (fixed < low or (name == "revenue_growth" and fixed <= low)):
            # as scale(by=) and growth(rate=) refuse them (draws below are held at the lowest)
            what = {
                "revenue_growth": "a monthly rate above -1",
                "disbursement_delay": "months of 0 or more",
            }.get(name, "a multiplier of 0 or more (a stream never turns into its opposite)")
            raise ValueError(f"{name}: expected {what}, got {fixed:g}")
        out.append((name, dist))
    return tuple(out)


def simulate(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str,
    n: int = 10_000,
    horizon: int = 60,
    seed: int | None = None,
    ranges: Ranges = "sample",
    *,
    as_of: DateLike | None = None,
    policy: Policy = "disbursed",
    burn_after: BurnAfter = None,
    scenario: Any = None,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    cash: pd.DataFrame | Mapping[str, float] | None = None,
    executor: Executor | None = None,
    block_size: int = BLOCK,
    tasks: int | None = None,
    **drivers: object,
) -> Simulation:
    """``n`` paths of ``entity``'s cash over ``horizon`` months after ``as_of`` (see the module
    docs). ``scenario``: a :class:`~aicapex.scenarios.scenario.Scenario` (or a list of
    adjustments) applied first. ``seed``: an integer for reproducible paths (``None``: fresh
    entropy, reported in ``params``). ``executor`` runs the blocks after the first in ``tasks``
    groups (default: up to 64)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"expected a number of paths of 1 or more, got {n!r}")
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise ValueError(f"expected a block of 1 path or more, got {block_size!r}")
    if tasks is not None and (isinstance(tasks, bool) or not isinstance(tasks, int) or tasks < 1):
        # (tasks=-1 ran the first block alone: 1,000 paths of 3,000, without a word)
        raise ValueError(f"expected a number of tasks of 1 or more, got {tasks!r}")
    if ranges not in ("sample", "base"):
        raise ValueError(f"expected ranges 'sample' or 'base', got {ranges!r}")
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0
    ):
        raise ValueError(f"expected a seed that is a whole number of 0 or more, got {seed!r}")
    chosen = _drivers(drivers)
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
    adjustments = getattr(scenario, "adjustments", scenario) or ()
    bound = bind_scenario(
        getattr(scenario, "name", "simulated"), [as_adjustment(a) for a in adjustments], book
    )
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger) and cash is None and not bound.table:
        inputs = _kept_inputs(source, setting, known_on)
    else:
        inputs = setting.inputs(bound.table)
    flows, start = apply_ops(inputs, bound.ops)
    first = int(np.argmax(inputs.counted[0]))
    as_of_col = int(inputs.as_of_col[0])
    sub = flows[:, 0, :, first:]
    keep = [s for s in range(sub.shape[1]) if np.any(sub[:, s])]
    names = tuple(inputs.streams[s] for s in keep)
    columns = np.arange(first, len(inputs.months))
    window = (max(as_of_col + 1 - first, 0), as_of_col + horizon + 1 - first)
    model = Model(
        start=start[:, 0].copy(),
        streams=names,
        flows=np.ascontiguousarray(sub[:, keep]),
        after=columns > as_of_col,
        steps=np.maximum(columns - as_of_col, 0).astype(np.float64),
        as_of_pos=float(inputs.as_of_pos[0]) - first,
        first_month=inputs.months[first].to_datetime64().astype("datetime64[M]"),
        balance_day=inputs.balance_day[0].astype("datetime64[D]"),
        window=window,
        drivers=chosen,
        sample=ranges == "sample",
    )
    notes = []
    for name, dist in chosen:
        stream = {"revenue_growth": "revenue", "disbursement_delay": "tranches"}.get(name, name)
        if stream not in names:
            notes.append(
                f"{name} ({dist.describe()}) changes nothing: {entity} has no {stream} money "
                "to act on"
                + (
                    " (tranches count before they are disbursed under policy 'committed', or "
                    "when a scenario disburses them)"
                    if stream == "tranches"
                    else ""
                )
            )
    root = np.random.SeedSequence(seed)
    n_blocks = -(-n // block_size)
    seeds = root.spawn(n_blocks)
    sizes = [block_size] * (n_blocks - 1) + [n - block_size * (n_blocks - 1)]
    ws = kept_workspace(block_size if executor is None else sizes[0], model.months, model.window)
    edges = None
    pilot = min(n, PILOT)
    if sizes[0] < pilot:
        # the cash bins from paths of their own (counted in nothing): bins fixed by a first
        # block of 1 or 2 paths put every other path in the end bins (block_size=1 gave the
        # cash at the 5th, 50th and 95th percentiles all equal, one path's)
        _, edges = block(model, root.spawn(1)[0], pilot, 0, None)
    summary, edges = block(model, seeds[0], sizes[0], 0, edges, ws)
    if n_blocks > 1:
        groups = min(tasks or (64 if executor is not None else 1), n_blocks - 1)
        bounds = np.linspace(1, n_blocks, groups + 1).round().astype(int)
        jobs = [
            (model, seeds[a:b], sizes[a:b], int(a), edges)
            for a, b in itertools.pairwise(bounds)
            if b > a
        ]
        if executor is None:
            parts = [run_blocks(*job, ws=ws) for job in jobs]
        else:
            futures = [executor.submit(run_blocks, *job) for job in jobs]
            parts = [f.result() for f in futures]
        for part in parts:
            summary = summary.add(part)
    a, b = window
    assumptions = (
        *inputs.assumptions,
        *bound.texts,
        "ranges: "
        + (
            "each stream's figures and the starting cash drawn uniform between their "
            "pessimistic and optimistic ends, once per path"
            if ranges == "sample"
            else "the base figures"
        ),
        *(
            f"{name}: {dist.describe()}, from the month after as_of"
            + ("" if dist.fixed else f" (a draw below {DRIVER_LOWEST.get(name, 0):g} counts as it)")
            for name, dist in chosen
        ),
        f"{n:,} paths in blocks of {block_size:,} from seed {root.entropy}",
    )
    result = Simulation(
        frame=pd.DataFrame(),
        used_records=inputs.records,
        assumptions=assumptions,
        warnings=tuple(notes),
        params={
            "entity": entity,
            "as_of": setting.as_of,
            "policy": policy,
            "ranges": ranges,
            "seed": root.entropy,
            "horizon": horizon,
        },
        summary=summary,
        months_index=pd.DatetimeIndex(inputs.months[first + a : first + b]),
        edges=edges,
        balance_day=model.balance_day,
        horizon=horizon,
        reach=float(window[1] - model.as_of_pos),
    )
    object.__setattr__(result, "frame", _frame(result))
    return result
