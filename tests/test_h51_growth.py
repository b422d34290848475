"""growth() with an end before its start (the month after as_of, when start is not given)
shrank the stream instead: its month count from start to end went below zero, so the factor
was (1 + rate) ** -k. Revenue 'growing' 50% a month to January, from April, shortened the
runway (3.30 months to 3.07); compute 'growing' lengthened it (3.30 to 4.56). Refused now.

Beta: $12M at the end of March 2024, payroll $1M, compute $3M and revenue $0.5M a month: a net
burn of $3.5M, 12 / 3.5 = 3.43 months.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
entities:
- {id: beta, name: Beta, type: company}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: $1M/month,
   date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-a], company: beta, category: compute, rate: $3M/month,
   date: 2024-01, until: 2024-03}
revenues:
- {id: beta-rev, sources: [src-a], company: beta, rate: $500K/month, date: 2024-01, until: 2024-03}
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51growth") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def months(led: ac.Ledger, *adjustments: object) -> float:
    table = ac.compare(led, "beta", [ac.Scenario("x", adjustments)], as_of="2024-03")
    return float(table.frame.loc["x", "months"])


@pytest.mark.parametrize("category", ["revenue", "compute"])
def test_an_end_before_the_default_start_is_refused(led: ac.Ledger, category: str) -> None:
    with pytest.raises(ac.AdjustmentError, match=r"on or after the start \(2024-04") as caught:
        months(led, ac.growth(rate=0.5, category=category, end="2024-01"))
    assert caught.value.field == "end"


def test_growth_by_hand(led: ac.Ledger) -> None:
    assert months(led) == pytest.approx(12 / 3.5)
    # compute x1.5 in April, held there: 1 + 4.5 - 0.5 = 5, 12 / 5 = 2.4
    assert months(led, ac.growth(rate=0.5, category="compute", end="2024-04")) == pytest.approx(2.4)
    # from January to February (k = 1, 2), held at 1.5 ** 2 from April: 1 + 6.75 - 0.5 = 7.25
    grown = ac.growth(rate=0.5, category="compute", start="2024-01", end="2024-02")
    assert months(led, grown) == pytest.approx(12 / 7.25)
