"""``date_at``: the day at a fractional position in months from a grid's first month. It holds
the tolerance for binary rounding itself (its callers, the runway, the scenarios' outcome and the
Monte Carlo paths, added 1e-9 month to every position first): a position a hair short of a
day's start, as positions found by subtraction are, reads as that day."""

from __future__ import annotations

import numpy as np
import pytest

from aicapex.analysis.common import date_at


def _days(values: np.ndarray) -> list[str]:
    return [str(v) for v in np.asarray(values).ravel()]


def test_a_third_of_a_30_day_month_is_the_11th() -> None:
    # November 2023 has 30 days: a third of it is 10 whole days, so the day is November 1 + 10.
    # 16 + 1/3 months is 16.333333333333332 in binary, and less its 16 months 0.33333333333333215:
    # 30 of it is 9.99999999999996, whose floor (9) said November 10 without the tolerance
    third = (16 + 1 / 3) - 16
    assert third < 1 / 3
    november = np.datetime64("2023-11-01T00:00:00", "ns")  # a grid's months are datetime64[ns]
    assert _days(date_at(november, np.array([third, 1 / 3]))) == ["2023-11-11", "2023-11-11"]
    # 16 + 1/3 months from July 2022: November 2023 (16 months on), 10 days in
    assert _days(date_at(np.datetime64("2022-07"), np.array([16 + 1 / 3]))) == ["2023-11-11"]


def test_whole_positions_are_the_first_of_their_months() -> None:
    # 2024 is a leap year: the months from January 2024, 0 to 13 of them, start on the 1st
    positions = np.arange(14, dtype=float)
    expected = [f"2024-{m:02d}-01" for m in range(1, 13)] + ["2025-01-01", "2025-02-01"]
    assert _days(date_at(np.datetime64("2024-01-01"), positions)) == expected


def test_a_hair_below_a_boundary_reads_as_the_boundary() -> None:
    start = np.datetime64("2024-01-01")
    # 2 - 1e-12 months: 1e-12 of February's 29 days short of March 1 (2.5 microseconds):
    # March 1 (it was February 29); 1 + 10/29 - 1e-12: that short of 10 of February's 29 days,
    # February 11 (it was the 10th)
    hair = np.array([2 - 1e-12, 1 + 10 / 29 - 1e-12])
    assert _days(date_at(start, hair)) == ["2024-03-01", "2024-02-11"]
    # beyond the tolerance (1e-9 month): 1e-6 month short of March is 29e-6 days (2.5 s)
    # before midnight: still February 29; 1e-6 short of February 11's start: the 10th
    clearly = np.array([2 - 1e-6, 1 + 10 / 29 - 1e-6])
    assert _days(date_at(start, clearly)) == ["2024-02-29", "2024-02-10"]


def test_the_last_day_of_a_month_at_most() -> None:
    # 0.9999 of January's 31 days is 30.9969: 30 whole days, January 31 (the month's last day)
    start = np.datetime64("2023-01-01")
    assert _days(date_at(start, np.array([0.9999, 0.5]))) == [
        "2023-01-31",
        "2023-01-16",  # half of 31 days: 15.5, 15 whole days, the 16th
    ]


@pytest.mark.parametrize("shape", [(3, 2), (6,)])
def test_shapes_are_kept(shape: tuple[int, ...]) -> None:
    # base, low and high ends by entity, as the runway passes them: (3, E); 1/6 of a 30-day
    # month is 5 days (the 6th), 1/3 of it 10 (the 11th: (16 + 1/3) - 16 falls short), 1/2 of
    # it 15 (the 16th)
    positions = np.array([(16 + k) - 16 for k in (1 / 6, 1 / 3, 1 / 2)] * 2).reshape(shape)
    out = date_at(np.datetime64("2023-11"), positions)
    assert out.shape == shape
    assert out.dtype == np.dtype("datetime64[D]")
    assert _days(out) == ["2023-11-06", "2023-11-11", "2023-11-16"] * 2
