"""The deterministic roll of what-ifs: a runway's inputs changed stream by stream, rolled forward
by the cash engine (:func:`aicapex.analysis.cash.run_cash`) and read as months of cash, the
cash-out day, the lowest cash and the cash at the horizon.

Everything broadcasts over leading axes: one scenario is ``(3, E, M)`` (base figures and both
ends of the ranges, entities, months), a sweep of ``K`` values ``(K, 3, E, M)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.cash import CashPath, run_cash
from aicapex.analysis.common import date_at
from aicapex.analysis.runwaykit import RunwayInputs
from aicapex.scenarios.adjust import Addition, Factor

__all__ = [
    "OUTCOME_COLUMNS",
    "Grid",
    "Outcome",
    "apply_ops",
    "outcome",
    "outcome_columns",
    "path_money",
    "transform",
]

#: The columns of a scenario's figures, after ``entity`` (and a sweep's value).
OUTCOME_COLUMNS = ("months", "months_low", "months_high", "cash_out", "min_cash", "cash_at_horizon")


# eq=False, repr=False: arrays (== on them raises), never compared nor shown; the generated
# __eq__, __hash__ and __repr__ cost 0.15 ms of the package's import
@dataclass(frozen=True, eq=False, repr=False)
class Grid:
    """What reading a cash path needs of :class:`RunwayInputs`, for some of its entities."""

    months: np.ndarray  # (M,) datetime64[ns]
    counted: np.ndarray  # (E, M)
    as_of_col: np.ndarray  # (E,)
    as_of_pos: np.ndarray  # (E,)
    start_pos: np.ndarray  # (E,)
    balance_day: np.ndarray  # (E,) datetime64[ns]
    horizon: int

    @classmethod
    def of(cls, inputs: RunwayInputs, rows: Any = slice(None)) -> Grid:
        """The grid of ``inputs``, for the entities at ``rows``."""
        n_m = len(inputs.months)
        horizon = n_m - max(int(inputs.as_of_col.max(initial=-1)) + 1, 0)
        return cls(
            inputs.months.to_numpy(),
            inputs.counted[rows],
            inputs.as_of_col[rows],
            inputs.as_of_pos[rows],
            inputs.start_pos[rows],
            inputs.balance_day[rows],
            horizon,
        )


# eq=False, repr=False: arrays (== on them raises), never compared nor shown; the generated
# __eq__, __hash__ and __repr__ cost 0.15 ms of the package's import
@dataclass(frozen=True, eq=False, repr=False)
class Outcome:
    """Figures of cash paths (each of shape ``start``'s: ``(..., 3, E)``)."""

    months: np.ndarray
    cash_out: np.ndarray
    min_cash: np.ndarray
    cash_at_horizon: np.ndarray
    path: CashPath


def transform(
    grid: Grid,
    entities: pd.Index,
    op: Factor | Addition,
    part: np.ndarray,
    start: np.ndarray,
    values: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``op`` applied to ``part`` (``(3, E, T, M)``: the streams it touches) and ``start``
    (``(3, E)``), for its own value or each of ``values`` (a sweep's): ``(K, 3, E, T, M)`` and
    ``(K, 3, E)``."""
    rows = _rows(entities, op)
    if isinstance(op, Factor):
        factor = op.factors(grid.months, np.array([op.value]) if values is None else values)
        scaled = np.where(rows[None, :, None], factor[:, None, :], 1.0)  # (K, E, M)
        k = len(factor)
        return part[None] * scaled[:, None, :, None, :], np.broadcast_to(start, (k, *start.shape))
    weights, before = op.weights(grid.months)
    amounts = op.values(values)  # (K, 3)
    to_grid = np.where(grid.counted, weights[None, :], 0.0) * rows[:, None]  # (E, M)
    to_start = (before + np.where(grid.counted, 0.0, weights[None, :]).sum(axis=1)) * rows
    added = amounts[:, :, None, None] * to_grid[None, None]  # (K, 3, E, M)
    new_part = part[None] + added[:, :, :, None, :]
    new_start = start[None] + amounts[:, :, None] * to_start[None, None]
    return new_part, new_start


def _rows(entities: pd.Index, op: Factor | Addition) -> np.ndarray:
    """Which of ``entities`` ``op`` changes (``(E,)``)."""
    if op.entity is None:
        return np.ones(len(entities), dtype=bool)
    out: np.ndarray = entities.to_numpy(object) == op.entity
    return out


def stream_positions(inputs: RunwayInputs, op: Factor | Addition) -> list[int]:
    """The positions of the streams ``op`` touches."""
    names = op.streams if isinstance(op, Factor) else (op.stream,)
    return [inputs.streams.index(n) for n in names]


def apply_ops(
    inputs: RunwayInputs, ops: tuple[Factor | Addition, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """The streams ``(3, E, S, M)`` and starting cash ``(3, E)`` of ``inputs`` with ``ops``
    applied in order."""
    flows, start = inputs.flows.copy(), inputs.start.copy()
    grid = Grid.of(inputs)
    for op in ops:
        touched = stream_positions(inputs, op)
        if not touched:
            continue
        part, new_start = transform(grid, inputs.entities, op, flows[:, :, touched], start)
        flows[:, :, touched] = part[0]
        start = np.array(new_start[0])
    return flows, start


def path_money(
    inputs: RunwayInputs, ops: tuple[Factor | Addition, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """The money in and the money out of each entity and month at the base figures (``(E,
    M)`` each, both positive; their difference the net of :func:`apply_ops`' streams) with
    ``ops`` applied in order, stream by stream: a factor multiplies a stream's money in and its
    money out (a negative one would turn the one into the other), an addition adds money in
    when positive and money out when negative. Without an op that changes a stream, the
    runway's own (the same sums as :func:`~aicapex.analysis.runway.runway`'s path)."""
    gross = inputs.gross
    if gross is None:
        raise ValueError("these runway inputs do not keep what their money in and out come from")
    changing = [op for op in ops if stream_positions(inputs, op)]
    if not changing:
        return gross.totals()
    money_in, money_out = gross.by_stream()  # (E, S, M)
    grid = Grid.of(inputs)
    for op in changing:
        at = stream_positions(inputs, op)
        rows = _rows(inputs.entities, op)
        if isinstance(op, Factor):
            factor = op.factors(grid.months, np.array([op.value]))[0]
            scaled = np.where(rows[:, None], factor[None, :], 1.0)[:, None, :]  # (E, 1, M)
            up, down = np.maximum(scaled, 0.0), np.maximum(-scaled, 0.0)
            part_in, part_out = money_in[:, at], money_out[:, at]
            money_in[:, at] = part_in * up + part_out * down
            money_out[:, at] = part_out * up + part_in * down
        else:
            weights, _ = op.weights(grid.months)  # (money before the grid: the start's)
            amount = float(op.values()[0, 0])
            to_grid = (np.where(grid.counted, weights[None, :], 0.0) * rows[:, None])[:, None, :]
            money_in[:, at] += max(amount, 0.0) * to_grid
            money_out[:, at] += max(-amount, 0.0) * to_grid
    return money_in.sum(axis=1), money_out.sum(axis=1)


def outcome(grid: Grid, start: np.ndarray, net: np.ndarray) -> Outcome:
    """Roll ``start`` (``(..., E)``) forward by ``net`` (``(..., E, M)``) and read the paths as
    :func:`~aicapex.analysis.runway.runway` does: months after ``as_of`` (0 if the cash ran
    out before it, inf past the horizon), the cash-out day (NaT: never), the lowest cash from
    ``as_of`` to the horizon and the cash at the horizon."""
    path = run_cash(start, net, grid.counted)
    broke = start < 0
    out_pos = np.where(broke, grid.start_pos, path.position)
    runs_out = path.hit | broke
    months = np.where(runs_out, np.maximum(out_pos - grid.as_of_pos, 0.0), np.inf)
    day = date_at(grid.months[0], np.where(runs_out, out_pos, 0.0))  # as runway's
    day = np.where(broke, grid.balance_day.astype("datetime64[D]"), day)
    cash_out = np.where(runs_out, day, np.datetime64("NaT")).astype("datetime64[ns]")
    n_m = net.shape[-1]
    end = np.minimum(grid.as_of_col + grid.horizon, n_m - 1)  # (E,)
    columns = np.arange(n_m)
    window = (columns[None, :] > grid.as_of_col[:, None]) & (columns[None, :] <= end[:, None])
    closing = path.closing
    lowest = np.where(window, closing, np.inf).min(axis=-1)
    at_as_of = np.where(grid.as_of_col >= 0, _column(closing, grid.as_of_col), start)
    at_end = _column(closing, end)
    return Outcome(months, cash_out, np.minimum(at_as_of, lowest), at_end, path)


def _column(values: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """``values[..., e, columns[e]]`` for each entity ``e`` (columns below 0 read column 0)."""
    at = np.broadcast_to(np.maximum(columns, 0)[:, None], (*values.shape[:-1], 1))
    out: np.ndarray = np.take_along_axis(values, at, axis=-1)[..., 0]
    return out


def outcome_columns(entities: pd.Index, figures: Outcome) -> dict[str, np.ndarray]:
    """One row per entity of ``figures`` (``(3, E)``) as columns: ``entity`` and
    :data:`OUTCOME_COLUMNS` (the lowest cash and the cash at the horizon at the base figures).
    Arrays, not a frame: a comparison makes one frame of every scenario's (a frame per
    scenario and their concatenation cost 1.5 ms of a report's five what-ifs)."""
    months = figures.months
    return {
        "entity": entities.to_numpy(object),
        "months": months[0],
        "months_low": np.minimum(months[1], months[0]),
        "months_high": np.maximum(months[2], months[0]),
        "cash_out": figures.cash_out[0],
        "min_cash": figures.min_cash[0],
        "cash_at_horizon": figures.cash_at_horizon[0],
    }
