"""A tranche named by ``disburse``, ``delay`` or ``cancel`` that the records have received on or
before the cash balance is refused: its money is in the balance. Disbursing it again on a later
date counted it twice (a $4M tranche received in February, in March's balance, 'received in
May': 4.52 months became 5.81), delaying it too, and cancelling it changed nothing while the
explanation said it was cancelled. A tranche received after the balance still moves.

Beta: $12M at the end of March 2024; payroll $1M and compute $2.6M a month, revenue $0.5M: a
net burn of $3.1M. Round A: $4M disbursed in February (in the balance), $6M committed for
December. Round B: $2M disbursed in May 2024. Policy disbursed: April closes at 8.9, May at
5.8 + 2 = 7.8, June 4.7, July 1.6, then 1.6 / 3.1: 4.516 months. Round B's tranche 4 months
late (end of September): July closes at -0.4: 3 + 2.7 / 3.1 = 3.871 months; 2 months late
(July): July closes at -0.4 + 2 = 1.6: 4.516.
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
- id: beta-b
  sources: [src-a]
  company: beta
  date: 2024-05
  status: committed
  amount: $2M
  investors: [{investor: inv-a}]
  tranches:
  - {amount: $2M, status: disbursed, date: 2024-05}
"""

BURN = 1 + 2.6 - 0.5


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51received") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def months(led: ac.Ledger, *adjustments: object) -> float:
    table = ac.compare(led, "beta", [ac.Scenario("x", adjustments)], as_of="2024-03")
    return float(table.frame.loc["x", "months"])


@pytest.mark.parametrize(
    "adjustment",
    [
        ac.disburse("beta-a", tranche=0, on="2024-05"),
        ac.delay("beta-a", tranche=0, months=3),
        ac.cancel("beta-a", tranche=0),
    ],
    ids=["disburse", "delay", "cancel"],
)
def test_a_tranche_in_the_balance_is_refused(led: ac.Ledger, adjustment: object) -> None:
    with pytest.raises(ac.AdjustmentError, match="not received by the cash balance") as caught:
        months(led, adjustment)
    assert caught.value.field == "tranche"
    assert "2024-02-29" in caught.value.found


def test_a_tranche_received_after_the_balance_moves(led: ac.Ledger) -> None:
    assert months(led) == pytest.approx(4 + 1.6 / BURN)  # 4.516
    assert months(led, ac.delay("beta-b", tranche=0, months=4)) == pytest.approx(3 + 2.7 / BURN)
    assert months(led, ac.delay("beta-b", tranche=0, months=2)) == pytest.approx(4 + 1.6 / BURN)
    # the committed $6M received in May instead of December: (12 + 6 + 2) / 3.1 = 6.45
    early = ac.disburse("beta-a", tranche=1, on="2024-05")
    assert months(led, early) == pytest.approx(20 / BURN)
    # every piece not yet received (round A's $6M) in May: the received $4M is left alone
    assert months(led, ac.disburse("beta-a", on="2024-05")) == pytest.approx(20 / BURN)
