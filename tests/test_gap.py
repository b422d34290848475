"""Tests for aicapex.analysis.gap: revenue against compute spending.

The 2023 figures are derived from the bundled ledger's records: compute at $99M a year against
$11M of revenue, a ratio of 9.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.gap import compute_gap

COLUMNS = [
    "entity",
    "period",
    "revenue_usd",
    "compute_usd",
    "gap_usd",
    "ratio",
    "coverage",
    "revenue_low_usd",
    "compute_low_usd",
    "revenue_high_usd",
    "compute_high_usd",
    "ratio_low",
    "ratio_high",
]


@pytest.fixture(scope="module")
def figures(bundled: ac.Ledger) -> tuple[Fraction, Fraction]:
    """(compute, revenue) of 2023 in USD, exactly, from the records."""
    compute = bundled["stability-compute-2023"].rate.per_year().amount  # type: ignore[attr-defined]
    revenue = bundled["stability-revenue-2023"].amount.amount  # type: ignore[attr-defined]
    return Fraction(compute), Fraction(revenue)


@pytest.fixture(scope="module")
def year(bundled: ac.Ledger) -> pd.DataFrame:
    return compute_gap(bundled, "stability-ai", period="2023").frame


def test_the_2023_ratio(year: pd.DataFrame, figures: tuple[Fraction, Fraction]) -> None:
    compute, revenue = figures
    assert compute / revenue == 9
    assert list(year.columns) == COLUMNS
    assert len(year) == 1
    row = year.iloc[0]
    assert (row["entity"], row["period"]) == ("stability-ai", "2023")
    assert row["ratio"] == pytest.approx(float(compute / revenue), rel=1e-12)
    assert row["compute_usd"] == pytest.approx(float(compute), abs=0.01)
    assert row["revenue_usd"] == pytest.approx(float(revenue), abs=0.01)
    assert row["gap_usd"] == pytest.approx(float(compute - revenue), abs=0.01)


def test_coverage_is_the_inverse_of_the_ratio(bundled: ac.Ledger, year: pd.DataFrame) -> None:
    quarters = compute_gap(bundled, "stability-ai", period="2023", freq="Q").frame
    for frame in (year, quarters):
        np.testing.assert_allclose(frame["coverage"], 1 / frame["ratio"], rtol=1e-12)


@pytest.mark.parametrize(
    ("freq", "periods"),
    [
        ("Q", ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]),
        ("quarter", ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]),
        ("M", [f"2023-{m:02d}" for m in range(1, 13)]),
        ("Y", ["2023"]),
    ],
)
def test_splits_sum_to_the_whole_period(
    bundled: ac.Ledger, year: pd.DataFrame, freq: str, periods: list[str]
) -> None:
    split = compute_gap(bundled, "stability-ai", period="2023", freq=freq).frame
    assert list(split.columns) == COLUMNS
    assert split["period"].tolist() == periods
    for column in ("revenue_usd", "compute_usd", "gap_usd"):
        assert split[column].sum() == pytest.approx(year[column].item(), rel=1e-12), column


def test_a_flows_table_gives_the_same_rows(bundled: ac.Ledger, year: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(compute_gap(bundled.flows(), "stability-ai", "2023").frame, year)


def test_without_a_period_every_month_counts(bundled: ac.Ledger, year: pd.DataFrame) -> None:
    # the only actual and forecast flows are 2023's; the 2024 resale plan is planned
    whole = compute_gap(bundled, "stability-ai").frame
    assert whole["period"].tolist() == ["all"]
    for column in ("revenue_usd", "compute_usd", "ratio"):
        assert whole[column].item() == pytest.approx(year[column].item())


def test_planned_revenue_only_when_asked(bundled: ac.Ledger) -> None:
    plan = bundled["stability-gpu-resale-plan-2024"]
    assert compute_gap(bundled, "stability-ai", period="2024").frame.empty
    asked = compute_gap(bundled, "stability-ai", period="2024", include_planned=True).frame
    assert asked["revenue_usd"].item() == pytest.approx(float(plan.amount.amount))  # type: ignore[attr-defined]
    assert asked["compute_usd"].item() == 0
    assert asked["ratio"].item() == 0
    assert np.isnan(asked["coverage"].item())


def test_compute_without_revenue_has_an_infinite_ratio(bundled: ac.Ledger) -> None:
    table = bundled.flows()
    no_revenue = table[(table["kind"] != "revenues").to_numpy()]
    gap = compute_gap(no_revenue, "stability-ai", period="2023").frame
    assert gap["ratio"].item() == np.inf
    assert gap["coverage"].item() == 0


def test_other_entities_and_all_entities(bundled: ac.Ledger, year: pd.DataFrame) -> None:
    assert compute_gap(bundled, "aws", period="2023").frame.empty
    assert list(compute_gap(bundled, "aws", period="2023").frame.columns) == COLUMNS
    pd.testing.assert_frame_equal(compute_gap(bundled, period="2023").frame, year)


def test_an_unknown_frequency_is_an_error(bundled: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="freq"):
        compute_gap(bundled, "stability-ai", period="2023", freq="W")
