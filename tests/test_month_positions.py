"""``analysis.common.month_positions`` is ``months.get_indexer(values)``: each value's position
among a grid of first days of months, -1 where it is none of them (another day of a month, a
time that is not midnight, NaT, outside the grid), for grids of consecutive months or not,
before 1970 too, long columns (the day table) and short ones (pandas)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.analysis.common import grid_cells, month_positions


def _grid(start: str, n: int, step: int, unit: str = "ns") -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.date_range(start, periods=n, freq=f"{step}MS")).as_unit(unit)


def _values(rng: np.random.Generator, months: pd.DatetimeIndex, n: int) -> np.ndarray:
    lo = months.min() - pd.DateOffset(months=3)
    hi = months.max() + pd.DateOffset(months=3)
    around = pd.date_range(lo, hi, freq="MS").to_numpy()
    starts = rng.choice(around, n)
    days = starts + rng.integers(0, 3, n).astype("timedelta64[D]") * (rng.random(n) < 0.2)
    times = days + rng.integers(1, 10**9, n).astype("timedelta64[ns]") * (rng.random(n) < 0.05)
    times[rng.random(n) < 0.02] = np.datetime64("NaT")
    return times.astype("datetime64[ns]")


@pytest.mark.parametrize("n", [0, 10, 5000, 60000])
@pytest.mark.parametrize(("start", "step"), [("2019-01", 1), ("1955-07", 1), ("2020-03", 2)])
@pytest.mark.parametrize(("grid_unit", "unit"), [("ns", "ns"), ("us", "ns"), ("s", "us")])
@pytest.mark.parametrize("seed", range(3))
def test_month_positions_are_get_indexer(
    n: int, start: str, step: int, grid_unit: str, unit: str, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    months = _grid(start, int(rng.integers(1, 80)), step, grid_unit)
    values = _values(rng, months, n).astype(f"datetime64[{unit}]")
    want = months.get_indexer(values)
    assert month_positions(values, months).tolist() == want.tolist()
    assert month_positions(pd.Series(values), months).tolist() == want.tolist()
    entity = rng.integers(-1, 4, n)
    cells = grid_cells(entity, values, months)
    expected = np.where((entity >= 0) & (want >= 0), entity * len(months) + want, -1)
    assert cells.tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-400, 1300), st.sampled_from([0, 0, 0, 1, -1, 3_600 * 10**9])),
        min_size=1,
        max_size=60,
    ),
    st.integers(1, 30),
)
def test_any_nanosecond_times(days: list[tuple[int, int]], n: int) -> None:
    months = pd.DatetimeIndex(pd.date_range("1990-01", periods=n, freq="MS")[::-1]).as_unit("ns")
    base = pd.Timestamp("1990-01-01").value
    ns = np.array([base + d * 86_400 * 10**9 + k for d, k in days], dtype=np.int64)
    values = np.resize(ns, 4096).view("datetime64[ns]")  # (long enough for the day table)
    assert month_positions(values, months).tolist() == months.get_indexer(values).tolist()


def test_other_units_and_empty_grids_are_pandas_own() -> None:
    values = np.array(["2020-01-01", "2020-02-01"], dtype="datetime64[s]")
    months = _grid("2020-01", 2, 1)
    assert month_positions(np.resize(values, 5000), months).tolist() == (
        months.get_indexer(np.resize(values, 5000)).tolist()
    )
    empty = pd.DatetimeIndex([], dtype="datetime64[ns]")
    many = np.resize(values.astype("datetime64[ns]"), 5000)
    assert (month_positions(many, empty) == -1).all()


def test_grids_with_nat_times_or_zones_are_pandas_own() -> None:
    values = np.resize(np.array(["2020-01-01", "NaT"], dtype="datetime64[ns]"), 5000)
    for months in (
        pd.DatetimeIndex(["2020-01-01", "NaT"]).as_unit("ns"),
        pd.DatetimeIndex(["2020-01-01 12:00", "2020-02-01"]).as_unit("ns"),
        _grid("2020-01", 3, 1).tz_localize("UTC"),
    ):
        want = months.get_indexer(values)
        assert month_positions(values, months).tolist() == want.tolist()
