"""Tests for aicapex.analysis.burn: monthly spending and earning per company, in US dollars.

Expected figures are derived from the bundled ledger's records (the $99M/yr compute rate, the
$54M/yr payroll and opex rate, the $11M of 2023 revenue) or from inline ledgers.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.burn import BURN_CATEGORIES, burn

LedgerText = Callable[..., Path]

COLUMNS = [
    "entity",
    "month",
    *BURN_CATEGORIES,
    "gross_burn",
    "revenue",
    "net_burn",
    "net_burn_3m",
    "net_burn_6m",
    "net_burn_12m",
    "gross_burn_low",
    "gross_burn_high",
    "revenue_low",
    "revenue_high",
    "net_burn_low",
    "net_burn_high",
    "capex",
    "capex_low",
    "capex_high",
    "cash_burn",
]

TWO_COMPANIES = """
sources:
- id: s1
  outlet: Example
  title: A report
  date: 2024-04
entities:
- id: acme
  name: Acme AI
  type: company
- id: bolt
  name: Bolt AI
  type: company
expenses:
- {id: acme-jan, company: acme, category: payroll, amount: $1M, date: 2024-01, sources: [s1]}
- {id: acme-feb, company: acme, category: payroll, amount: $2M, date: 2024-02, sources: [s1]}
- {id: acme-mar, company: acme, category: tax, amount: $3M, date: 2024-03, sources: [s1]}
- {id: acme-apr, company: acme, category: other, amount: $4M, date: 2024-04, sources: [s1]}
- {id: bolt-opex, company: bolt, category: opex, rate: $120K/year, date: 2024-02,
   until: 2024-05, sources: [s1]}
revenues:
- {id: acme-sales, company: acme, amount: $0.5M, date: 2024-02, sources: [s1]}
"""


def yearly(led: ac.Ledger, record_id: str) -> float:
    """The yearly US-dollar figure of a 2023 expense or revenue record of the bundled ledger."""
    record = led[record_id]
    if record.rate is not None:  # type: ignore[attr-defined]
        return float(record.rate.per_year().amount)  # type: ignore[attr-defined]
    assert str(record.date) == "2023"  # type: ignore[attr-defined]
    return float(record.amount.amount)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def year(bundled: ac.Ledger) -> pd.DataFrame:
    return burn(bundled, "stability-ai", start="2023-01", end="2023-12").frame


@pytest.fixture
def two(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(TWO_COMPANIES))


# --- the bundled ledger, 2023 --------------------------------------------------------------


def test_one_row_per_month_with_the_documented_columns(year: pd.DataFrame) -> None:
    assert list(year.columns) == COLUMNS
    assert len(year) == 12
    assert list(year["month"]) == list(pd.date_range("2023-01-01", "2023-12-01", freq="MS"))
    assert set(year["entity"].astype(object)) == {"stability-ai"}


def test_mean_net_burn_is_spending_minus_revenue_over_twelve(
    bundled: ac.Ledger, year: pd.DataFrame
) -> None:
    compute = yearly(bundled, "stability-compute-2023")
    opex = yearly(bundled, "stability-payroll-opex-2023")
    revenue = yearly(bundled, "stability-revenue-2023")
    assert (compute, opex, revenue) == (99e6, 54e6, 11e6)
    assert year["net_burn"].mean() == pytest.approx((compute + opex - revenue) / 12, abs=1.0)
    assert year["revenue"].sum() == pytest.approx(revenue, abs=0.005)


def test_category_columns(bundled: ac.Ledger, year: pd.DataFrame) -> None:
    compute = yearly(bundled, "stability-compute-2023")
    opex = yearly(bundled, "stability-payroll-opex-2023")
    np.testing.assert_allclose(year["compute"], compute / 12, atol=0.005)
    np.testing.assert_allclose(year["opex"], opex / 12, atol=0.005)
    for empty in ("payroll", "tax", "other"):
        assert (year[empty] == 0).all(), empty
    np.testing.assert_allclose(year["gross_burn"], year[list(BURN_CATEGORIES)].sum(axis=1))
    np.testing.assert_allclose(year["net_burn"], year["gross_burn"] - year["revenue"])


def test_compute_counts_once(bundled: ac.Ledger, year: pd.DataFrame) -> None:
    # the $2.5M outside project is included in the $99M; the cloud bills settle compute expenses
    part = bundled["stability-external-project-compute"]
    assert part.included_in == "stability-compute-2023"  # type: ignore[attr-defined]
    assert year["compute"].sum() == pytest.approx(yearly(bundled, part.included_in), abs=0.01)  # type: ignore[attr-defined]


@pytest.mark.parametrize("window", [3, 6, 12])
def test_trailing_means_over_the_months_available(year: pd.DataFrame, window: int) -> None:
    expected = year["net_burn"].rolling(window, min_periods=1).mean()
    np.testing.assert_allclose(year[f"net_burn_{window}m"], expected, rtol=1e-12)


def test_a_flows_table_or_record_frames_give_the_same_frame(
    bundled: ac.Ledger, year: pd.DataFrame
) -> None:
    from_flows = burn(bundled.flows(), "stability-ai", start="2023-01", end="2023-12").frame
    pd.testing.assert_frame_equal(from_flows, year)
    frames = {k: bundled.frame(k) for k in ("expenses", "revenues")}
    pd.testing.assert_frame_equal(burn(frames, "stability-ai", "2023-01", "2023-12").frame, year)


def test_planned_figures_only_when_asked(bundled: ac.Ledger) -> None:
    plan = bundled["stability-gpu-resale-plan-2024"]
    assert plan.basis is ac.Basis.planned  # type: ignore[attr-defined]
    default = burn(bundled, "stability-ai", "2024-01", "2024-12").frame
    assert len(default) == 12
    assert (default["revenue"] == 0).all()
    with_plans = burn(bundled, "stability-ai", "2024-01", "2024-12", include_planned=True).frame
    assert with_plans["revenue"].sum() == pytest.approx(float(plan.amount.amount), abs=0.01)  # type: ignore[attr-defined]


def test_default_range_is_the_months_with_flows(bundled: ac.Ledger, year: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(burn(bundled, "stability-ai").frame, year)
    pd.testing.assert_frame_equal(burn(bundled, "stability-ai", start="2023").frame, year)
    pd.testing.assert_frame_equal(burn(bundled, "stability-ai", end="2023-Q4").frame, year)


def test_an_entity_with_no_flows(bundled: ac.Ledger) -> None:
    out = burn(bundled, "emad-mostaque", start="2023-01", end="2023-03").frame
    assert list(out.columns) == COLUMNS
    assert len(out) == 3
    assert (out.drop(columns=["entity", "month"]) == 0).all().all()
    empty = burn(bundled, "emad-mostaque").frame
    assert empty.empty
    assert list(empty.columns) == COLUMNS


# --- inline ledgers ------------------------------------------------------------------------


def test_trailing_means_of_a_changing_burn(two: ac.Ledger) -> None:
    out = burn(two, "acme", "2024-01", "2024-04").frame
    m = 1e6
    assert out["net_burn"].tolist() == pytest.approx([1 * m, 1.5 * m, 3 * m, 4 * m])
    assert out["net_burn_3m"].tolist() == pytest.approx([1 * m, 1.25 * m, 5.5 * m / 3, 8.5 * m / 3])
    assert out["net_burn_12m"].tolist() == pytest.approx(
        [1 * m, 1.25 * m, 5.5 * m / 3, 9.5 * m / 4]
    )
    assert out["payroll"].tolist() == [1 * m, 2 * m, 0, 0]
    assert out["tax"].tolist() == [0, 0, 3 * m, 0]
    assert out["other"].tolist() == [0, 0, 0, 4 * m]


def test_all_entities_at_once_equal_each_entity_concatenated(two: ac.Ledger) -> None:
    everyone = burn(two, start="2024-01", end="2024-06").frame
    assert set(everyone["entity"].astype(object)) == {"acme", "bolt"}
    each = pd.concat(
        [burn(two, e, start="2024-01", end="2024-06").frame for e in ("acme", "bolt")],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(
        everyone.astype({"entity": object}), each.astype({"entity": object})
    )
    # bolt's $120K a year from February through May: $10K a month
    bolt = everyone[(everyone["entity"] == "bolt").to_numpy()]
    assert bolt["opex"].tolist() == pytest.approx([0, 10e3, 10e3, 10e3, 10e3, 0])


def test_default_range_covers_every_entity(two: ac.Ledger) -> None:
    out = burn(two).frame
    assert out["month"].min() == pd.Timestamp("2024-01-01")
    assert out["month"].max() == pd.Timestamp("2024-05-01")
    assert len(out) == 2 * 5


def test_amounts_without_an_exchange_rate_are_never_dropped(ledger_text: LedgerText) -> None:
    text = """
        entities:
        - {id: eu, name: EU Co, type: company}
        expenses:
        - {id: pay, company: eu, category: payroll, rate: €1M/month, date: 2023}
        cash_balances:
        - {id: c, company: eu, date: 2022-12, amount: $10M}
        """
    led = ac.load(ledger_text(text))
    for call in (
        lambda: ac.burn(led, "eu", "2023-01", "2023-12").frame,
        lambda: ac.compute_gap(led, "eu", period="2023").frame,
        lambda: ac.runway(led, "eu", as_of="2022-12"),
    ):
        with pytest.raises(ValueError, match=r"EUR have no exchange rate.*records pay"):
            call()
    rated = ac.load(
        ledger_text(
            textwrap.dedent(text)
            + "fx_rates:\n- {id: eur, currency: EUR, date: 2022-01-01, usd: 1.1}\n"
        )
    )
    b = ac.burn(rated, "eu", "2023-01", "2023-12").frame
    assert b["payroll"].iloc[0] == pytest.approx(1.1e6)
    assert ac.runway(rated, "eu", as_of="2022-12").months == pytest.approx(10 / 1.1)


def test_a_range_without_records_is_float_zeros(bundled: ac.Ledger) -> None:
    """Months after every record: zero dollars of every column, as floats (a bincount of no
    rows gave integer zeros in some columns)."""
    frame = ac.burn(bundled, "stability-ai", "2030-01", "2030-03").frame
    numbers = frame.drop(columns=["entity", "month"])
    assert (numbers.dtypes == "float64").all(), numbers.dtypes[numbers.dtypes != "float64"]
    assert len(frame) == 3
    assert (numbers.fillna(0.0) == 0.0).all().all()


@pytest.mark.parametrize("seed", range(6))
def test_the_ends_are_the_sums_of_each_end(bundled: ac.Ledger, seed: int) -> None:
    """The low and high ends of spending and revenue are the sums of each end's figures by
    kind and month (planned rows left out): found once when the ends are one figure (exact
    amounts), twice when a single row's high end differs."""
    rng = np.random.default_rng(seed)
    flows = bundled.flows()
    counted = flows["kind"].isin(["expenses", "revenues"]) & (flows["basis"] != "planned")
    spend = flows[counted.to_numpy()].reset_index(drop=True)
    usd = spend["amount_usd"].to_numpy()
    exact = spend.assign(low_usd=usd, high_usd=usd)
    high = usd.copy()
    high[rng.integers(len(high))] *= 1.5
    ranged = spend.assign(low_usd=usd, high_usd=high)
    for frame in (exact, ranged):
        got = burn(frame).frame
        month = frame["month"].to_numpy("datetime64[ns]")
        for column, end in (("gross_burn", "high_usd"), ("revenue", "high_usd")):
            mine = frame["kind"].astype("object") == (
                "expenses" if column == "gross_burn" else "revenues"
            )
            for row in got.itertuples():
                at = mine.to_numpy() & (frame["entity"].astype("object") == row.entity).to_numpy()
                at &= month == np.datetime64(row.month, "ns")
                want = frame[end].to_numpy()[at].sum()
                assert getattr(row, f"{column}_high") == pytest.approx(want, rel=1e-12, abs=1e-6)
