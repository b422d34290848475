"""Tests for aicapex.scenarios: scenarios, their adjustments, compare and sweep.

Expected figures are derived from the records the tests read or write: the bundled Stability AI
ledger (about $4M in October 2023 against ($99M + $54M - $11M) / 12 a month, Intel's $50M of
which $20M was disbursed) and the three companies of tests/conftest.py (fixture ``companies``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis.cash import run_cash
from aicapex.analysis.runway import POLICIES, runway, runway_inputs
from aicapex.report import report
from aicapex.scenarios import scenario_files
from aicapex.scenarios.scenario import COMPARE_COLUMNS

LedgerText = Callable[..., Path]

ENTITY = "stability-ai"
AS_OF = "2023-10"
INTEL = "stability-2023-intel"


def usd(money: ac.Money) -> float:
    return float(money.amount)


@pytest.fixture(scope="module")
def burn(bundled: ac.Ledger) -> float:
    """Stability AI's net burn a month in 2023, from the records."""
    compute = usd(bundled["stability-compute-2023"].rate.per_month())  # type: ignore[attr-defined]
    opex = usd(bundled["stability-payroll-opex-2023"].rate.per_month())  # type: ignore[attr-defined]
    revenue = usd(bundled["stability-revenue-2023"].amount) / 12  # type: ignore[attr-defined]
    return compute + opex - revenue


@pytest.fixture(scope="module")
def cash(bundled: ac.Ledger) -> float:
    return usd(bundled["stability-cash-2023-10"].amount)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def tranches(bundled: ac.Ledger) -> list[float]:
    return [usd(t.amount) for t in bundled[INTEL].tranches]  # type: ignore[attr-defined]


def months_of(table: ac.Comparison, name: str) -> float:
    return float(table.frame.loc[name, "months"])


# -- the issue's scenarios --------------------------------------------------------------------


def test_intel_20_and_50_in_october(
    bundled: ac.Ledger, burn: float, cash: float, tranches: list[float]
) -> None:
    intel20 = ac.Scenario("intel-20-in-oct", [ac.disburse(INTEL, tranche=0, on="2023-10")])
    intel50 = ac.Scenario("intel-50-in-oct", [ac.disburse(INTEL, on="2023-10")])
    table = ac.compare(bundled, ENTITY, [ac.Scenario("base"), intel20, intel50], as_of=AS_OF)
    assert months_of(table, "intel-20-in-oct") == pytest.approx((cash + tranches[0]) / burn)
    assert months_of(table, "intel-50-in-oct") == pytest.approx((cash + sum(tranches)) / burn)
    assert round(months_of(table, "intel-20-in-oct"), 2) == 2.03
    assert round(months_of(table, "intel-50-in-oct"), 2) == 4.56
    gained = months_of(table, "intel-50-in-oct") - months_of(table, "intel-20-in-oct")
    assert gained == pytest.approx(tranches[1] / burn)  # about 2.5 months
    assert 2.4 < gained < 2.6
    assert table.frame["months_vs_first"].iloc[0] == 0
    assert table.frame.loc["intel-20-in-oct", "months_vs_first"] == pytest.approx(
        months_of(table, "intel-20-in-oct") - months_of(table, "base")
    )


def test_the_issue_s_five_scenarios(bundled: ac.Ledger, burn: float) -> None:
    scenarios = [
        ac.Scenario("base"),
        ac.Scenario("intel-20-in-oct", [ac.disburse(INTEL, tranche=0, on="2023-10")]),
        ac.Scenario("intel-50-in-oct", [ac.disburse(INTEL, on="2023-10")]),
        ac.Scenario(
            "cut-compute",
            [
                ac.scale(ENTITY, category="compute", by=0.7, start="2024-01"),
                ac.scale(ENTITY, category="opex", by=0.9, start="2024-04"),
            ],
        ),
        ac.Scenario(
            "gpu-resale",
            [
                ac.add_flow(
                    ENTITY,
                    "$139M/yr",
                    kind="revenues",
                    category="compute_resale",
                    start="2024-01",
                    end="2024-12",
                )
            ],
        ),
    ]
    table = ac.compare(bundled, ENTITY, scenarios, as_of=AS_OF)
    assert list(table.frame.index) == [s.name for s in scenarios]
    assert table.frame.index.name == "scenario"
    assert list(table.frame.columns) == list(COMPARE_COLUMNS)
    base = runway(bundled, ENTITY, as_of=AS_OF)
    # the cuts and the resale start in 2024, after the cash ran out in November 2023
    for name in ("cut-compute", "gpu-resale"):
        assert months_of(table, name) == pytest.approx(base.months)
    assert any("does not change the runway" in s for s in table.explain("cut-compute"))
    late = [s for s in table.explain("gpu-resale") if "arrives after the cash runs out" in s]
    assert late
    assert "2024-01" in late[0]
    assert "2023-11-11" in late[0]
    # ... yet they show in the cash at the horizon: $139M more, less spending
    base_end = table.frame.loc["base", "cash_at_horizon"]
    assert table.frame.loc["gpu-resale", "cash_at_horizon"] - base_end == pytest.approx(139e6)
    assert table.frame.loc["cut-compute", "cash_at_horizon"] > base_end
    data = json.loads(table.to_json())
    assert [r["scenario"] for r in data["rows"]] == [s.name for s in scenarios]
    assert data["explanations"]["intel-20-in-oct"] == table.explain("intel-20-in-oct")
    assert data["rows"][1]["months"] == 2.03


def test_combined_scenarios_gain_more(bundled: ac.Ledger) -> None:
    intel50 = ac.Scenario("intel", [ac.disburse(INTEL, on="2023-10")])
    cuts = ac.Scenario("cuts", [ac.scale(ENTITY, category="compute", by=0.7, start="2023-11")])
    both = intel50 + cuts
    assert both.name == "intel+cuts"
    assert len(both.adjustments) == 2
    table = ac.compare(bundled, ENTITY, [intel50, cuts, both], as_of=AS_OF)
    assert months_of(table, "intel+cuts") > max(months_of(table, "intel"), months_of(table, "cuts"))


# -- the base scenario is the runway -----------------------------------------------------------


@pytest.mark.parametrize("policy", POLICIES)
def test_base_is_the_runway(bundled: ac.Ledger, policy: str) -> None:
    table = ac.compare(bundled, ENTITY, [ac.Scenario("base")], as_of=AS_OF, policy=policy)  # type: ignore[arg-type]
    r = runway(bundled, ENTITY, as_of=AS_OF, policy=policy)  # type: ignore[arg-type]
    row, expected = table.frame.iloc[0], r.frame.iloc[0]
    for column in ("months", "months_low", "months_high"):
        assert row[column] == pytest.approx(expected[column], rel=1e-12, abs=1e-12)
    assert row["cash_out"] == expected["cash_out"]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("burn_after", [None, 2e6, {"opex": 3e6, "tax": 1e5}])
@pytest.mark.parametrize("as_of", ["2023-10", "2023-12", "2024-02"])
def test_runway_inputs_give_the_runway(
    companies: ac.Ledger, policy: str, burn_after: object, as_of: str
) -> None:
    """Every entity at once: the streams' sum, rolled forward, gives runway's months."""
    inputs = runway_inputs(companies, None, as_of, policy=policy, burn_after=burn_after)  # type: ignore[arg-type]
    r = runway(companies, None, as_of, policy=policy, burn_after=burn_after)  # type: ignore[arg-type]
    assert list(inputs.entities) == list(r.frame["entity"])
    path = run_cash(inputs.start, inputs.flows.sum(axis=2), inputs.counted)
    broke = inputs.start < 0
    position = np.where(broke, inputs.start_pos, path.position)
    left = np.where(path.hit | broke, np.maximum(position - inputs.as_of_pos, 0.0), np.inf)
    np.testing.assert_allclose(left[0], r.frame["months"], rtol=1e-12)
    np.testing.assert_allclose(np.minimum(left[1], left[0]), r.frame["months_low"], rtol=1e-12)
    np.testing.assert_allclose(np.maximum(left[2], left[0]), r.frame["months_high"], rtol=1e-12)
    assert set(inputs.records) == set(r.records)


def test_scaling_every_category_by_one_changes_nothing(
    bundled: ac.Ledger, companies: ac.Ledger
) -> None:
    for led, entity, as_of in ((bundled, ENTITY, AS_OF), (companies, "acme", "2023-10")):
        ones = ac.Scenario("ones", [ac.scale(by=1), ac.scale(by=1, start="2023-12")])
        table = ac.compare(led, entity, [ac.Scenario("base"), ones], as_of=as_of)
        pd.testing.assert_series_equal(
            table.frame.iloc[0], table.frame.iloc[1], check_names=False, rtol=1e-12
        )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.floats(min_value=1.0, max_value=5e8),
    month=st.integers(min_value=0, max_value=40),
    kind=st.sampled_from(["revenues", "funding", None]),
    months_long=st.integers(min_value=0, max_value=12),
    entity=st.sampled_from(["acme", "bolt", "cole"]),
)
def test_an_inflow_never_shortens_the_runway(
    companies: ac.Ledger,
    amount: float,
    month: int,
    kind: str | None,
    months_long: int,
    entity: str,
) -> None:
    start = str(np.datetime64("2023-06", "M") + month)
    end = str(np.datetime64(start, "M") + months_long) if months_long else None
    added = ac.add_flow(entity, amount, kind=kind, start=start, end=end)
    table = ac.compare(companies, entity, [ac.Scenario("base"), ac.Scenario("more", [added])])
    before, after = table.frame["months"]
    assert after >= before - 1e-9
    assert table.frame["months_high"].iloc[1] >= table.frame["months_high"].iloc[0] - 1e-9
    assert table.frame["cash_at_horizon"].iloc[1] >= table.frame["cash_at_horizon"].iloc[0]


# -- each adjustment, with figures from the records ---------------------------------------------


def test_add_flow_once_in_the_balance_month_is_starting_cash(
    bundled: ac.Ledger, burn: float, cash: float, tranches: list[float]
) -> None:
    added = ac.add_flow(ENTITY, tranches[0], kind="funding", start="2023-10", label="Intel")
    table = ac.compare(bundled, ENTITY, [ac.Scenario("x", [added])], as_of=AS_OF)
    # in the starting cash; the tranche the records date to Q4 still comes at its end, when
    # the cash lasts until then: (cash + added) / burn > 2 months
    assert months_of(table, "x") == pytest.approx((cash + 2 * tranches[0]) / burn)
    # the same through the flows table's AddFlow (the runway's extra_flows)
    plain = ac.Scenario("y", [ac.Exclude([INTEL]), ac.AddFlow(ENTITY, "2023-10", 20e6, "Intel")])
    table = ac.compare(bundled, ENTITY, [plain], as_of=AS_OF)
    assert months_of(table, "y") == pytest.approx((cash + 20e6) / burn)


def test_remove_a_record(bundled: ac.Ledger, burn: float, cash: float) -> None:
    revenue = usd(bundled["stability-revenue-2023"].amount) / 12  # type: ignore[attr-defined]
    table = ac.compare(
        bundled, ENTITY, [ac.Scenario("no-sales", [ac.remove("stability-revenue-2023")])], AS_OF
    )
    assert months_of(table, "no-sales") == pytest.approx(cash / (burn + revenue))


def test_cancel_and_delay_tranches(companies: ac.Ledger) -> None:
    """Acme's committed $3M tranche (2023-12-15) counts under policy 'committed'."""
    base, cancel, delay, received = (
        ac.Scenario("base"),
        ac.Scenario("cancel", [ac.cancel("acme-round")]),
        ac.Scenario("delay", [ac.delay("acme-round", months=3)]),
        ac.Scenario("received", [ac.disburse("acme-round", tranche=1)]),
    )
    table = ac.compare(
        companies, "acme", [base, cancel, delay, received], "2023-10", policy="committed"
    )
    alone = ac.compare(companies, "acme", [base], "2023-10", policy="disbursed")
    # cancelled, the tranche never comes: the runway is the disbursed policy's
    assert months_of(table, "cancel") == pytest.approx(months_of(alone, "base"))
    assert months_of(table, "base") > months_of(table, "cancel")
    # disbursed on its own date, it counts under any policy
    assert months_of(table, "received") == pytest.approx(months_of(table, "base"))
    # acme burns $1.9M a month from $6M: out in 2024-02 without the tranche; three months
    # late, the tranche comes in March, after the cash-out, and is said so
    assert months_of(table, "delay") == pytest.approx(months_of(alone, "base"))
    assert any("arrives after the cash runs out" in s for s in table.explain("delay"))
    assert "tranche 1 ($3.00M) 3 months later" in " ".join(table.explain("delay"))


def test_disburse_all_excepts_tranches_received_on_their_dates(companies: ac.Ledger) -> None:
    """Acme's first tranche was received on 2023-08-15 (in the balance): it stays."""
    table = ac.compare(
        companies,
        "acme",
        [ac.Scenario("b"), ac.Scenario("all", [ac.disburse("acme-round", on="2023-11")])],
        "2023-10",
    )
    text = " ".join(table.explain("all"))
    assert "tranche 1 ($3.00M)" in text
    assert "tranche 0" not in text
    start_cash, burn = 6e6, 1.0e6 + 0.5e6 + 0.6e6 - 0.2e6
    # $3M more in November: the cash lasts (6 + 3) / 1.9 months from the end of October
    assert months_of(table, "all") == pytest.approx((start_cash + 3e6) / burn)
    assert months_of(table, "b") == pytest.approx(start_cash / burn)


def test_pay_and_forgive_bills(companies: ac.Ledger) -> None:
    billed = 1.5e6
    pay = ac.Scenario("pay", [ac.pay("bolt", on="2023-11")])
    forgive = ac.Scenario("forgive", [ac.forgive("bolt")])
    base = ac.Scenario("base")
    plain = ac.compare(companies, "bolt", [base, pay, forgive], "2023-10")
    arrears = ac.compare(companies, "bolt", [base, pay, forgive], "2023-10", policy="arrears")
    # bolt burns $2M a month from $5M; paying the bill in November takes $1.5M more
    assert months_of(plain, "base") == pytest.approx(5e6 / 2e6)
    assert months_of(plain, "pay") == pytest.approx((5e6 - billed) / 2e6)
    # the arrears policy pays the bill at once (from the starting cash): paying it in
    # November is the same here; forgiven, it is never paid
    assert months_of(arrears, "base") == pytest.approx((5e6 - billed) / 2e6)
    assert months_of(arrears, "pay") == pytest.approx((5e6 - billed) / 2e6)
    assert months_of(arrears, "forgive") == pytest.approx(5e6 / 2e6)
    assert any("changes nothing under policy 'disbursed'" in s for s in plain.explain("forgive"))


def test_cut_headcount_and_scale(companies: ac.Ledger) -> None:
    """Acme: $6M, spending opex $1M, payroll $0.5M, compute about $0.6M, sales $0.2M a month."""
    cut = ac.Scenario("cut", [ac.cut_headcount("acme", share=0.4, start="2023-11")])
    cheap = ac.Scenario("cheap", [ac.scale("acme", category="compute", by=0.5)])
    table = ac.compare(companies, "acme", [ac.Scenario("base"), cut, cheap], "2023-10")
    assert months_of(table, "cut") == pytest.approx(6e6 / (1.9e6 - 0.4 * 0.5e6))
    assert months_of(table, "cheap") == pytest.approx(6e6 / (1.9e6 - 0.5 * 0.6e6))
    # the compute range ('about'): the low end spends more
    assert table.frame.loc["cheap", "months_low"] < months_of(table, "cheap")


def test_revenue_growth(companies: ac.Ledger) -> None:
    """Cole: $1M, opex $1M and sales $3M a month, from its September balance."""
    grows = ac.Scenario("grows", [ac.growth("cole", rate=0.1, start="2023-11", end="2023-12")])
    table = ac.compare(companies, "cole", [ac.Scenario("base"), grows], "2023-10")
    path, base = table.path("grows"), table.path("base")
    net = path.set_index("month")["net"] - base.set_index("month")["net"]
    assert net[pd.Timestamp("2023-10-01")] == pytest.approx(0)
    assert net[pd.Timestamp("2023-11-01")] == pytest.approx(3e6 * 0.1)
    assert net[pd.Timestamp("2023-12-01")] == pytest.approx(3e6 * (1.1**2 - 1))
    assert net[pd.Timestamp("2024-06-01")] == pytest.approx(3e6 * (1.1**2 - 1))  # held
    assert math.isinf(months_of(table, "grows"))


# -- checks, with suggestions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adjustment", "field", "words"),
    [
        (
            lambda: ac.scale("stabilty-ai", category="compute", by=0.5),
            "entity",
            "did you mean 'stability-ai'",
        ),
        (lambda: ac.scale(category="computer", by=0.5), "category", "did you mean 'compute'"),
        (
            lambda: ac.scale(category="payroll", by=0.5),
            "category",
            "has flows in (compute, opex, revenue)",
        ),
        (lambda: ac.cut_headcount(share=0.1), "entity", "with payroll flows"),
        (
            lambda: ac.disburse("stability-2023-intell"),
            "round",
            "did you mean 'stability-2023-intel'",
        ),
        (lambda: ac.disburse(INTEL, tranche=2), "tranche", "(0, 1; counted from 0)"),
        (
            lambda: ac.remove("stability-revenue-2024"),
            "record",
            "did you mean 'stability-revenue-2023'",
        ),
        (
            lambda: ac.pay(bills=["stability-aws-2023-09"]),
            "bills",
            "did you mean 'stability-aws-2023-08'",
        ),
        (
            lambda: ac.disburse("stability-2022-roun"),
            "round",
            "did you mean 'stability-2022-round'",
        ),
    ],
)
def test_adjustments_are_checked_against_the_ledger(
    bundled: ac.Ledger, adjustment: Callable[[], object], field: str, words: str
) -> None:
    with pytest.raises(ac.AdjustmentError) as info:
        ac.compare(bundled, ENTITY, [ac.Scenario("x", [adjustment()])], as_of=AS_OF)
    assert info.value.field == field
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: ac.scale(by=-1), "of 0 or more"),
        (lambda: ac.scale(by=float("nan")), "finite"),
        (lambda: ac.scale(by=1, start="Octobre 2023"), "start"),
        (lambda: ac.cut_headcount(share=1.5), "between 0 and 1"),
        (lambda: ac.growth(rate=-1), "above -1"),
        (lambda: ac.add_flow(amount=5, start=None), "first month"),
        (lambda: ac.add_flow(amount="seven", start="2024-01"), "money like '$20M'"),
        (lambda: ac.add_flow(amount=5, kind="revenu", start="2024-01"), "did you mean 'revenues'"),
        (lambda: ac.add_flow(amount=5, kind="revenues", category="sale", start="2024"), "'sales'"),
        (lambda: ac.add_flow(amount=-5, kind="revenues", start="2024-01"), "positive"),
        # negative money as text, as numbers are: '-$5M' of expenses was money in
        (lambda: ac.add_flow(amount="-$5M", kind="expenses", start="2024-01"), "positive"),
        (lambda: ac.add_flow(amount="-$5M", kind="funding", start="2024-01"), "positive"),
        (lambda: ac.add_flow(amount="-$1M/month", kind="revenues", start="2024"), "positive"),
        (lambda: ac.add_flow(amount="-$1M to $1M", kind="funding", start="2024"), "positive"),
        # past a record's limit (1e300 made a runway of inf)
        (lambda: ac.add_flow(amount=1e300, start="2024-01"), "at most 1e+15"),
        (lambda: ac.add_flow(amount=-2e15, start="2024-01"), "at most 1e+15"),
        (lambda: ac.disburse(INTEL, tranche=-1), "index of 0 or more"),
        (lambda: ac.delay(INTEL, months=1.5), "whole months"),
    ],
)
def test_adjustments_check_their_values_when_made(make: Callable[[], object], words: str) -> None:
    with pytest.raises(ac.AdjustmentError) as info:
        make()
    assert words in str(info.value)


def test_compare_checks_its_arguments(bundled: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="distinct names"):
        ac.compare(bundled, ENTITY, [ac.Scenario("a"), ac.Scenario("a")])
    with pytest.raises(ValueError, match="list of Scenario"):
        ac.compare(bundled, ENTITY, [])
    with pytest.raises(KeyError, match="did you mean 'stability-ai'"):
        ac.compare(bundled, "stabilty-ai", [ac.Scenario("a")])
    with pytest.raises(TypeError, match="expected an adjustment"):
        ac.Scenario("a", ["scale compute"])
    with pytest.raises(ValueError, match="scenario name"):
        ac.Scenario("")


def test_a_scenario_never_changes_the_ledger(bundled: ac.Ledger) -> None:
    before = bundled.flows().copy()
    ac.compare(
        bundled,
        ENTITY,
        [ac.Scenario("x", [ac.disburse(INTEL, on="2023-10"), ac.remove("stability-revenue-2023")])],
    )
    pd.testing.assert_frame_equal(bundled.flows(), before)


# -- sweeps ------------------------------------------------------------------------------------


def test_sweep_a_scale(bundled: ac.Ledger) -> None:
    intel50 = ac.Scenario("intel", [ac.disburse(INTEL, on="2023-10")])
    values = np.linspace(0.5, 1, 11)
    swept = ac.sweep(
        bundled,
        ENTITY,
        ac.scale(category="compute", start="2024-01"),
        base=intel50,
        by=values,
        as_of=AS_OF,
    )
    frame = swept.frame
    assert list(frame.columns) == ["entity", "by", *COMPARE_COLUMNS[:-1]]
    assert list(frame["by"]) == pytest.approx(list(values))
    assert (np.diff(frame["months"]) <= 1e-12).all(), "cheaper compute, longer runway"
    for value in (0.5, 0.7, 1.0):
        one = intel50.plus(ac.scale(category="compute", start="2024-01", by=value), name="one")
        table = ac.compare(bundled, ENTITY, [one], as_of=AS_OF)
        row = frame[np.isclose(frame["by"], value)].iloc[0]
        for column in ("months", "months_low", "months_high", "min_cash", "cash_at_horizon"):
            assert row[column] == pytest.approx(table.frame[column].iloc[0], rel=1e-12)
        assert row["cash_out"] == table.frame["cash_out"].iloc[0]


def test_sweep_every_entity_in_blocks(
    companies: ac.Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aicapex.scenarios.scenario as module

    monkeypatch.setattr(module, "SWEEP_BLOCK_BYTES", 1)  # one entity a block
    values = [0.0, 0.5, 1.0, 2.0]
    swept = ac.sweep(companies, None, ac.scale(category="opex"), by=values, as_of="2023-10")
    assert len(swept.frame) == 3 * len(values)
    with ThreadPoolExecutor(2) as pool:
        threaded = ac.sweep(
            companies, None, ac.scale(category="opex"), by=values, as_of="2023-10", executor=pool
        )
    pd.testing.assert_frame_equal(swept.frame, threaded.frame)
    for entity in ("acme", "bolt", "cole"):
        mine = swept.frame[swept.frame["entity"] == entity]
        for value, months in zip(mine["by"], mine["months"], strict=True):
            if entity == "bolt":  # no opex: nothing scaled (checked only for one entity)
                pass
            one = (
                ac.Scenario("one", [ac.scale(category="opex", by=value)])
                if entity != "bolt"
                else ac.Scenario("one")
            )
            expected = ac.compare(companies, entity, [one], "2023-10").frame["months"].iloc[0]
            assert months == pytest.approx(expected, rel=1e-12)


def test_sweep_any_argument_one_scenario_each(bundled: ac.Ledger, burn: float, cash: float) -> None:
    months = ["2023-10", "2023-11", "2023-12", "2024-01"]
    swept = ac.sweep(bundled, ENTITY, ac.disburse(INTEL), on=months, as_of=AS_OF)
    assert list(swept.frame["on"]) == months
    assert swept.frame["months"].iloc[0] == pytest.approx((cash + 50e6) / burn)
    # arriving after the cash ran out (November 11), the money changes nothing
    assert swept.frame["months"].iloc[2] == pytest.approx(swept.frame["months"].iloc[3])
    with ThreadPoolExecutor(2) as pool:
        threaded = ac.sweep(
            bundled, ENTITY, ac.disburse(INTEL), on=months, executor=pool, as_of=AS_OF
        )
    pd.testing.assert_frame_equal(swept.frame, threaded.frame)


def test_sweep_checks_its_arguments(bundled: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="one argument to sweep"):
        ac.sweep(bundled, ENTITY, ac.scale(category="compute"))
    with pytest.raises(ValueError, match="did you mean 'by'"):
        ac.sweep(bundled, ENTITY, ac.scale(category="compute"), bye=[1.0])
    with pytest.raises(ac.AdjustmentError, match="of 0 or more"):
        ac.sweep(bundled, ENTITY, ac.scale(category="compute"), by=[1.0, -1.0])


def test_compare_on_an_executor(bundled: ac.Ledger) -> None:
    scenarios = [
        ac.Scenario("base"),
        ac.Scenario("intel", [ac.disburse(INTEL, on="2023-10")]),
        ac.Scenario("cuts", [ac.scale(category="compute", by=0.5)]),
    ]
    local = ac.compare(bundled, ENTITY, scenarios, as_of=AS_OF)
    with ThreadPoolExecutor(3) as pool:
        threaded = ac.compare(bundled, ENTITY, scenarios, as_of=AS_OF, executor=pool)
    pd.testing.assert_frame_equal(local.frame, threaded.frame)
    assert local.explanations == threaded.explanations


# --- scenario files ------------------------------------------------------------------------------

SCENARIO_FILE_ERRORS = [
    # (text, code, line, field)
    ("[1, 2]\n", "not-scenarios", 1, None),
    ("entity: acme\nscenarios: 3\n", "not-scenarios", 1, None),
    (
        "entity: acme\nscenarios:\n- name: x\n  adjustments:\n  - do: explode\n    by: 2\n",
        "unknown-adjustment",
        5,
        "adjustments.0.do",
    ),
    # an empty file was said to be no ledger (a mapping of record kinds)
    ("", "empty-file", 1, None),
    # months past what pandas can date were a bare OutOfBoundsDatetime of the runway
    ("entity: acme\nhorizon: 1000000000\nscenarios:\n- name: x\n", "invalid-value", 2, "horizon"),
]


@pytest.mark.parametrize(("text", "code", "line", "field"), SCENARIO_FILE_ERRORS)
def test_bad_scenario_files_are_located(
    tmp_path: Path, text: str, code: str, line: int, field: str | None
) -> None:
    path = tmp_path / "bad.scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ac.LedgerError) as info:
        ac.read_scenarios(path)
    (problem,) = info.value.problems
    assert (problem.code, problem.file, problem.line, problem.field) == (
        code,
        str(path),
        line,
        field,
    )
    assert "ledger" not in problem.expected


def test_the_bundled_scenarios_file_reads(bundled: ac.Ledger) -> None:
    (path,) = scenario_files([ac.bundled_data()])
    read = ac.read_scenarios(path, bundled)
    names = [s.name for s in read.scenarios]
    assert names == ["base", "intel-20-in-oct", "intel-50-in-oct", "cut-compute", "gpu-resale"]
    assert read.entity == ENTITY


def test_huge_factors_are_held_finite(bundled: ac.Ledger) -> None:
    """Scaling every category by 1e308, or growing revenue 10,000% a month, overflowed to
    infinite spending and revenue: their difference was NaN and the runway never ended (with
    NumPy's RuntimeWarnings on standard error). Factors are held at MAX_FACTOR."""
    import warnings

    scenarios = [
        ac.Scenario("base"),
        ac.Scenario("all-x1e308", [ac.scale(by=1e308)]),
        ac.Scenario("spend-x1e308", [ac.scale(category="compute", by=1e308)]),
        ac.Scenario("revenue-growth", [ac.growth(rate=100)]),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = ac.compare(bundled, ENTITY, scenarios, as_of=AS_OF).frame
    assert frame.loc["all-x1e308", "months"] < 1e-6  # spending dwarfs the cash at once
    assert frame.loc["spend-x1e308", "months"] < 1e-6
    assert math.isinf(frame.loc["revenue-growth", "months"])  # revenue outgrows it all
    assert np.isfinite(frame.loc["revenue-growth", "cash_at_horizon"])


def test_added_revenue_takes_the_categories_of_revenue_records(bundled: ac.Ledger) -> None:
    """add_flow took revenue categories of its own (subscriptions, api, grants) and refused the
    records' 'subscription'."""
    from aicapex.records import RevenueCategory

    def added(category: str) -> ac.Scenario:
        flow = ac.add_flow(amount="$1M/month", kind="revenues", category=category, start="2024")
        return ac.Scenario("x", [flow])

    for category in RevenueCategory:
        ac.compare(bundled, ENTITY, [ac.Scenario("base"), added(category.value)], as_of=AS_OF)
    with pytest.raises(ac.AdjustmentError, match="did you mean 'subscription'"):
        added("subscriptions")


def test_the_scenarios_of_another_ledger_file_beside_are_not_taken(tmp_path: Path) -> None:
    """Beside musk.yaml, stability_ai.scenarios.yaml (Stability's, its ledger not read) was
    taken and checked against Musk's ledger: 'aicapex report data/musk.yaml' failed (exit 1,
    "entity: expected an entity of the ledger, not 'stability-ai'")."""
    for name in ("a.yaml", "a.scenarios.yaml", "b.yaml", "what-ifs.scenarios.yaml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    a, a_scenarios, b, free = (
        tmp_path / n for n in ("a.yaml", "a.scenarios.yaml", "b.yaml", "what-ifs.scenarios.yaml")
    )
    assert scenario_files([b]) == [free]  # a file of no ledger's is b's too
    assert scenario_files([a]) == [a_scenarios, free]
    assert scenario_files([a, b]) == [a_scenarios, free]
    assert scenario_files([tmp_path]) == [a_scenarios, free]
    assert scenario_files([b, a_scenarios]) == [a_scenarios, free]  # named: taken


def test_a_report_of_one_bundled_file_ignores_the_others_scenarios() -> None:
    musk = ac.bundled_data() / "musk.yaml"
    data = report(ac.load(musk))
    assert all(not c.get("scenarios") for c in data["companies"])
