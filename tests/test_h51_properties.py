"""Properties of scenarios and simulations on generated ledgers (hypothesis): small companies
with cash in dollars or euros (exact, a range or approximate), payroll, compute (exact or a
range), revenue and a committed tranche, from a date at a month's end or within a month.

- a scenario without adjustments is the plain runway, to the bit (months, both ends, cash-out);
- more money in never shortens the runway, a larger factor on spending never lengthens it, at
  the base figures and at both ends; ``months_low <= months <= months_high``;
- a sweep gives what a comparison of the same values gives;
- a simulation with a fixed seed is reproducible; with ``ranges="base"`` and fixed drivers every
  path is the deterministic runway; its percentiles are ordered, its cumulative cash-out
  probability never falls and ends at ``cash_out_within_horizon``, its distribution sums to 1.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac


@st.composite
def ledgers(draw: st.DrawFn) -> dict[str, Any]:
    euro = draw(st.booleans())
    sign = "€" if euro else "$"
    cash = draw(st.integers(2, 40))
    cash_text = draw(
        st.sampled_from(
            [f"{sign}{cash}M", f"{sign}{cash}M to {sign}{cash + 3}M", f"about {sign}{cash}M"]
        )
    )
    payroll = draw(st.integers(1, 20)) / 10
    compute = draw(st.integers(1, 30)) / 10
    spread = draw(st.sampled_from(["", " to $%sM"]))
    compute_text = f"${compute}M" + (spread % (compute + 1) if spread else "")
    revenue = draw(st.integers(1, 15)) / 10
    tranche = draw(st.integers(1, 20))
    month = draw(st.sampled_from(["2024-05", "2024-08", "2025-01"]))
    as_of = draw(st.sampled_from(["2024-03", "2024-04-10", "2024-06"]))
    text = f"""\
aicapex: 1
sources:
- {{id: src-a, outlet: Test, title: A, date: 2024-04}}
entities:
- {{id: co, name: Co, type: company}}
- {{id: inv, name: Inv, type: investor}}
fx_rates:
- {{id: fx-1, sources: [src-a], currency: EUR, date: 2023-12, usd: 1.1}}
- {{id: fx-2, sources: [src-a], currency: EUR, date: 2024-03, usd: 1.25}}
cash_balances:
- {{id: co-cash, sources: [src-a], company: co, date: 2024-03, amount: {cash_text}}}
expenses:
- {{id: co-payroll, sources: [src-a], company: co, category: payroll, rate: {sign}{payroll}M/month,
   date: 2024-01, until: 2024-03}}
- {{id: co-compute, sources: [src-a], company: co, category: compute, amount: {compute_text},
   date: 2024-02}}
revenues:
- {{id: co-rev, sources: [src-a], company: co, rate: ${revenue}M/month, date: 2024-01,
   until: 2024-03}}
funding_rounds:
- id: co-round
  sources: [src-a]
  company: co
  date: 2024-02
  status: committed
  amount: {sign}{tranche + 1}M
  investors: [{{investor: inv}}]
  tranches:
  - {{amount: {sign}1M, status: disbursed, date: 2024-02}}
  - {{amount: {sign}{tranche}M, status: committed, date: {month}}}
"""
    return {
        "text": text,
        "as_of": as_of,
        "policy": draw(st.sampled_from(["disbursed", "committed"])),
    }


SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ENDS = ("months", "months_low", "months_high")


def load(tmp_path: Path, case: dict[str, Any]) -> ac.Ledger:
    path = tmp_path / "co.yaml"
    path.write_text(case["text"])
    return ac.load(path)


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@SETTINGS
@given(case=ledgers())
def test_no_adjustment_is_the_runway_and_money_is_monotonic(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    led = load(tmp_path, case)
    kw: dict[str, Any] = {"as_of": case["as_of"], "policy": case["policy"]}
    plain = ac.runway(led, "co", **kw).frame.iloc[0]
    s = ac.Scenario
    table = ac.compare(
        led,
        "co",
        [
            s("base"),
            *(
                s(f"in{k}", [ac.add_flow(amount=k * 1e6, kind="funding", start="2024-07")])
                for k in (1, 5)
            ),
            *(
                s(f"x{b}", [ac.scale(category="payroll", by=b, start="2024-07")])
                for b in (0.5, 1.5)
            ),
        ],
        **kw,
    ).frame
    for column in ENDS:
        assert same(float(table.loc["base", column]), float(plain[column]))
    assert table.loc["base", "cash_out"] == plain["cash_out"] or (
        pd_isna(table.loc["base", "cash_out"]) and pd_isna(plain["cash_out"])
    )
    assert (table["months_low"] <= table["months"]).all()
    assert (table["months"] <= table["months_high"]).all()
    for column in ENDS:
        got = table[column]
        assert got["base"] <= got["in1"] <= got["in5"]
        assert got["x0.5"] >= got["base"] >= got["x1.5"]


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


@SETTINGS
@given(case=ledgers(), factors=st.lists(st.integers(0, 30), min_size=1, max_size=4))
def test_a_sweep_is_a_comparison(tmp_path: Path, case: dict[str, Any], factors: list[int]) -> None:
    led = load(tmp_path, case)
    kw: dict[str, Any] = {"as_of": case["as_of"], "policy": case["policy"]}
    values = sorted({f / 10 for f in factors})
    swept = ac.sweep(led, "co", ac.scale(category="payroll", by=1.0), by=values, **kw).frame
    table = ac.compare(
        led,
        "co",
        [ac.Scenario(f"v{v}", [ac.scale(category="payroll", by=v)]) for v in values],
        **kw,
    ).frame
    for column in (*ENDS, "min_cash", "cash_at_horizon"):
        np.testing.assert_allclose(
            swept[column].to_numpy(float), table[column].to_numpy(float), rtol=1e-12
        )
    months = swept["months"].to_numpy()
    assert np.all(months[:-1] >= months[1:])  # more spending, never longer


@SETTINGS
@given(case=ledgers(), seed=st.integers(0, 2**32 - 1))
def test_simulations(tmp_path: Path, case: dict[str, Any], seed: int) -> None:
    led = load(tmp_path, case)
    kw: dict[str, Any] = {"as_of": case["as_of"], "policy": case["policy"], "horizon": 36}
    fixed = ac.simulate(led, "co", n=30, seed=seed, ranges="base", payroll=1.0, **kw)
    runway = ac.compare(led, "co", [ac.Scenario("b")], **kw).frame["months"].iloc[0]
    for value in fixed.months():
        assert value == pytest.approx(runway) or (math.isinf(value) and math.isinf(runway))
    drawn = {"compute": ac.dist.lognormal(0, 0.3), "disbursement_delay": ac.dist.choice([0, 3])}
    one = ac.simulate(led, "co", n=700, seed=seed, block_size=300, **drawn, **kw)
    two = ac.simulate(led, "co", n=700, seed=seed, block_size=300, **drawn, **kw)
    assert one.months().equals(two.months())
    assert one.frame().equals(two.frame())
    q = one.months((0.05, 0.25, 0.5, 0.75, 0.95)).to_numpy()
    assert all(a <= b for a, b in itertools.pairwise(q))
    frame = one.frame()
    assert (frame["p5"] <= frame["p50"]).all()
    assert (frame["p50"] <= frame["p95"]).all()
    assert np.all(np.diff(frame["cash_out_by_end"].to_numpy()) >= 0)
    within = one.to_dict()["cash_out_within_horizon"]
    assert frame["cash_out_by_end"].iloc[-1] == pytest.approx(within)
    assert one.distribution()["probability"].sum() == pytest.approx(1.0)
