"""A scenario's adjustments apply in order, a round's tranches moved included: the plan of a
round's pieces was added after every other change of the flows table, so leaving the round's
record out after moving its tranches (``disburse`` then ``remove`` or ``Exclude``) left it in.

Beta: $12M at the end of March 2024; payroll $1M and compute $2.6M a month, revenue $0.5M: a
net burn of $3.1M, 12 / 3.1 = 3.871 months. Round A: $4M disbursed in February (in the
balance), $6M committed for December (after the cash runs out).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-06}
entities:
- {id: beta, name: Beta, type: company}
- {id: inv-a, name: Inv A, type: investor}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: $1M/month,
   date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-a], company: beta, category: compute, rate: $2.6M/month,
   date: 2024-01, until: 2024-03}
revenues:
- {id: beta-rev, sources: [src-a], company: beta, rate: $500K/month, date: 2024-01, until: 2024-03}
funding_rounds:
- id: beta-a
  sources: [src-a]
  company: beta
  date: 2024-02
  status: committed
  amount: $10M
  investors: [{investor: inv-a}]
  tranches:
  - {amount: $4M, status: disbursed, date: 2024-02}
  - {amount: $6M, status: committed, date: 2024-12}
"""

BURN = 1 + 2.6 - 0.5


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51order") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def months(led: ac.Ledger, *adjustments: object) -> float:
    table = ac.compare(led, "beta", [ac.Scenario("x", adjustments)], as_of="2024-03")
    return float(table.frame.loc["x", "months"])


def test_a_round_left_out_after_its_tranche_moved_is_out(led: ac.Ledger) -> None:
    early = ac.disburse("beta-a", tranche=1, on="2024-04")
    assert months(led) == pytest.approx(12 / BURN)  # 3.871
    assert months(led, early) == pytest.approx(18 / BURN)  # the $6M in April: 5.806
    # then the round left out: its $6M with it (got 5.806)
    assert months(led, early, ac.remove("beta-a")) == pytest.approx(12 / BURN)
    assert months(led, early, ac.Exclude(["beta-a"])) == pytest.approx(12 / BURN)
    # left out, then its tranche received in April: the later change brings it back
    assert months(led, ac.remove("beta-a"), early) == pytest.approx(18 / BURN)


def test_the_same_in_a_simulation(led: ac.Ledger) -> None:
    scenario = [ac.disburse("beta-a", tranche=1, on="2024-04"), ac.remove("beta-a")]
    mc = ac.simulate(led, "beta", n=10, ranges="base", as_of="2024-03", scenario=scenario)
    assert mc.months().tolist() == pytest.approx([12 / BURN] * 3)
