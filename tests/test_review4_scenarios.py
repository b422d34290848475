"""Hand-checked scenarios (review 4): a small ledger whose runway and what-ifs are worked out by
hand, and the rule that delaying a round's money never counts money the policy does not.

Acme: $12M of cash at the end of January 2024; payroll $1M a month (Nov 2023 - Jan 2024),
compute $4.5M over 2023-Q4 (a quarter's bill written over its quarter: $1.5M a month) and $1.5M
in January 2024 (its run rate: $6M over the 4 months with a record, $1.5M), revenue $0.6M a
month: a net burn of 1 + 1.5 - 0.6 = $1.9M a month, so 12 / 1.9 = 6.3158 months. A round of
$9M: $3M disbursed in December 2023 (in the balance), $6M committed for April 2024. An unpaid
$2M cloud bill due 2024-01-31. An announced facility of 'up to $20M' in March 2024 (a
ceiling: never counted as moved).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-02}
entities:
- {id: acme, name: Acme, type: company}
- {id: inv-a, name: Inv A, type: investor}
- {id: inv-b, name: Inv B, type: investor}
- {id: cloudco, name: CloudCo, type: cloud_provider}
cash_balances:
- {id: acme-cash, sources: [src-a], company: acme, date: 2024-01, amount: $12M}
expenses:
- {id: acme-payroll, sources: [src-a], company: acme, category: payroll, rate: $1M/month,
   date: 2023-11, until: 2024-01}
- {id: acme-compute-oct, sources: [src-a], company: acme, category: compute,
   counterparty: cloudco, amount: $4.5M, date: 2023-Q4}
- {id: acme-compute-jan, sources: [src-a], company: acme, category: compute,
   counterparty: cloudco, amount: $1.5M, date: 2024-01}
revenues:
- {id: acme-rev, sources: [src-a], company: acme, rate: $600K/month, date: 2023-12,
   until: 2024-01}
funding_rounds:
- id: acme-seed
  sources: [src-a]
  company: acme
  date: 2023-12
  status: committed
  amount: $9M
  investors: [{investor: inv-a, amount: $6M}, {investor: inv-b}]
  tranches:
  - {amount: $3M, status: disbursed, date: 2023-12}
  - {amount: $6M, status: committed, date: 2024-04}
- {id: acme-facility, sources: [src-a], company: acme, date: 2024-03, status: announced,
   instrument: debt, amount: up to $20M}
cloud_bills:
- {id: acme-bill, sources: [src-a], payer: acme, provider: cloudco, period: 2023-12,
   billed: $2M, due: 2024-01-31}
"""

BURN = 1.0e6 + 1.5e6 - 0.6e6
CASH = 12e6


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("rv4") / "acme.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def months(led: ac.Ledger, scenario: ac.Scenario, policy: str = "disbursed") -> float:
    table = ac.compare(led, "acme", [scenario], as_of="2024-01", policy=policy)  # type: ignore[arg-type]
    return float(table.frame.loc[scenario.name, "months"])


def test_the_hand_figures_of_each_adjustment(led: ac.Ledger) -> None:
    s = ac.Scenario
    assert months(led, s("base")) == pytest.approx(CASH / BURN)  # 6.3158
    # compute halved from March: February at 1.9, then 1 + 0.75 - 0.6 = 1.15
    half = s("half", [ac.scale(category="compute", by=0.5, start="2024-03")])
    assert months(led, half) == pytest.approx(1 + (CASH - BURN) / 1.15e6)  # 9.7826
    # payroll cut by 25% from February: 0.75 + 1.5 - 0.6 = 1.65
    assert months(led, s("cut", [ac.cut_headcount(share=0.25)])) == pytest.approx(CASH / 1.65e6)
    # revenue +10% a month Feb-Apr (1.1, 1.21, 1.331 times 0.6), then held
    burns = [2.5e6 - 0.6e6 * 1.1**k for k in (1, 2, 3)]
    grow = s("grow", [ac.growth(rate=0.1, end="2024-04")])
    assert months(led, grow) == pytest.approx(3 + (CASH - sum(burns)) / burns[-1])  # 6.9289
    # $5M of funding in March, and '$2M-$4M' (its midpoint, $3M; ends $2M and $4M)
    five = s("five", [ac.add_flow(amount="$5M", kind="funding", start="2024-03")])
    assert months(led, five) == pytest.approx((CASH + 5e6) / BURN)  # 8.9474
    ranged = ac.compare(
        led,
        "acme",
        [s("r", [ac.add_flow(amount="$2M-$4M", kind="funding", start="2024-03")])],
        as_of="2024-01",
    ).frame.loc["r"]
    assert ranged["months"] == pytest.approx((CASH + 3e6) / BURN)
    assert ranged["months_low"] == pytest.approx((CASH + 2e6) / BURN)
    assert ranged["months_high"] == pytest.approx((CASH + 4e6) / BURN)
    # the committed $6M received in February; the $2M bill paid in March
    disb = s("d", [ac.disburse("acme-seed", tranche=1, on="2024-02")])
    assert months(led, disb) == pytest.approx((CASH + 6e6) / BURN)  # 9.4737
    assert months(led, s("p", [ac.pay(on="2024-03")])) == pytest.approx((CASH - 2e6) / BURN)


@pytest.mark.parametrize("policy", ["disbursed", "arrears"])
def test_a_delayed_committed_tranche_is_still_committed(led: ac.Ledger, policy: str) -> None:
    """Delaying the committed $6M two months (to June) counted it as received under policies
    that do not count committed money: 6.32 months became 9.47, longer than with the money on
    time. Delayed, it is as uncounted as before."""
    base = months(led, ac.Scenario("base"), policy)
    late = months(led, ac.Scenario("late", [ac.delay("acme-seed", months=2)]), policy)
    assert late == pytest.approx(base)
    assert base == pytest.approx((CASH - (2e6 if policy == "arrears" else 0)) / BURN)


def test_a_delayed_tranche_under_policy_committed(led: ac.Ledger) -> None:
    # on time (April) or two months late (June) the $6M comes before the cash runs out
    # (August): 18 / 1.9 months; six months late (October) it comes after: 12 / 1.9
    s = ac.Scenario
    assert months(led, s("b"), "committed") == pytest.approx((CASH + 6e6) / BURN)
    two = s("two", [ac.delay("acme-seed", months=2)])
    six = s("six", [ac.delay("acme-seed", months=6)])
    assert months(led, two, "committed") == pytest.approx((CASH + 6e6) / BURN)
    assert months(led, six, "committed") == pytest.approx(CASH / BURN)
    # delayed, then received on its (new) date: counted under any policy
    both = s("both", [ac.delay("acme-seed", months=2), ac.disburse("acme-seed", tranche=1)])
    assert months(led, both, "disbursed") == pytest.approx((CASH + 6e6) / BURN)


@pytest.mark.parametrize("policy", ["disbursed", "committed"])
def test_a_delayed_ceiling_is_never_counted(led: ac.Ledger, policy: str) -> None:
    """'up to $20M', delayed a month, counted all $20M: 16.84 months instead of 6.32."""
    base = months(led, ac.Scenario("base"), policy)
    late = months(led, ac.Scenario("late", [ac.delay("acme-facility", months=1)]), policy)
    assert late == pytest.approx(base)


@settings(max_examples=25, deadline=None)
@given(
    amount=st.floats(min_value=1e3, max_value=5e7),
    month=st.sampled_from(["2023-12", "2024-01", "2024-02", "2024-05", "2024-09", "2026-01"]),
    policy=st.sampled_from(["disbursed", "committed", "arrears"]),
)
def test_money_in_never_shortens_the_runway(
    led: ac.Ledger, amount: float, month: str, policy: str
) -> None:
    more = [ac.add_flow(amount=amount, kind="funding", start=month)]
    table = ac.compare(
        led,
        "acme",
        [ac.Scenario("base"), ac.Scenario("more", more)],
        as_of="2024-01",
        policy=policy,  # type: ignore[arg-type]
    ).frame
    for column in ("months", "months_low", "months_high"):
        assert table.loc["more", column] >= table.loc["base", column] - 1e-9
    for name in ("base", "more"):
        row = table.loc[name]
        assert row["months_low"] <= row["months"] + 1e-9 <= row["months_high"] + 2e-9


def test_monte_carlo_by_hand(led: ac.Ledger) -> None:
    # fixed drivers and base ranges: every path is the runway
    fixed = ac.simulate(led, "acme", n=500, horizon=24, seed=3, as_of="2024-01", ranges="base")
    assert fixed.months().tolist() == pytest.approx([CASH / BURN] * 3)
    # compute x0.5 after as_of: 12 / (1 + 0.75 - 0.6)
    half = ac.simulate(led, "acme", n=500, horizon=24, seed=3, as_of="2024-01", compute=0.5)
    assert half.months().tolist() == pytest.approx([CASH / 1.15e6] * 3)
    # compute x U(0.5, 1.5): the burn is uniform on [1.15, 2.65], the runway 12 / burn; its
    # 5th and 95th percentiles 12 / 2.575 and 12 / 1.225; the same seed, the same figures
    a, b = (
        ac.simulate(
            led,
            "acme",
            n=8000,
            horizon=24,
            seed=7,
            as_of="2024-01",
            compute=ac.dist.uniform(0.5, 1.5),
        )
        for _ in range(2)
    )
    pd_a = a.months()
    assert pd_a.equals(b.months())
    assert pd_a["p5"] == pytest.approx(12 / 2.575, abs=0.08)
    assert pd_a["p95"] == pytest.approx(12 / 1.225, abs=0.08)
    assert pd_a["p5"] <= pd_a["p50"] <= pd_a["p95"]
    # out in 4 to 5 months: burn above 12 / 5 = 2.4, a share (2.65 - 2.4) / 1.5
    dist = a.distribution()
    assert float(dist.loc[dist["from"] == 4.0, "probability"].iloc[0]) == pytest.approx(
        0.25 / 1.5, abs=0.02
    )
