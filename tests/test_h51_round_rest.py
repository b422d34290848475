"""A round in another currency whose tranches are dated at another exchange rate: the part of
the round no tranche accounts for (the rest) is the round's amount less its tranches in the
round's currency, at the round's rate, as the flows count it. The scenarios' plan of the round
took the tranches at their own rates, so moving any piece changed the rest too.

Delta: $20M of cash at the end of December 2023, payroll $2M a month (its run rate). A committed
round of EUR 10M to 12M (EUR 11M, its midpoint) dated February 2024 (EUR at $1.00 then), with a
committed tranche of EUR 4M dated May 2024 (EUR at $1.50 then): the tranche is $6M in May, the
rest EUR 7M at $1.00 = $7M in February (its ends EUR 10M - 4M = $6M and 12M - 4M = $8M). Under
policy committed: (20 + 6 + 7) / 2 = 16.5 months (16 to 17).
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
- {id: delta, name: Delta, type: company}
- {id: inv-a, name: Inv A, type: investor}
fx_rates:
- {id: fx-eur-1, sources: [src-a], currency: EUR, date: 2023-10, usd: 1.0}
- {id: fx-eur-2, sources: [src-a], currency: EUR, date: 2024-04, usd: 1.5}
cash_balances:
- {id: delta-cash, sources: [src-a], company: delta, date: 2023-12, amount: $20M}
expenses:
- {id: delta-payroll, sources: [src-a], company: delta, category: payroll, rate: $2M/month,
   date: 2023-10, until: 2023-12}
funding_rounds:
- id: delta-b
  sources: [src-a]
  company: delta
  date: 2024-02
  status: committed
  amount: €10M to €12M
  investors: [{investor: inv-a}]
  tranches:
  - {amount: €4M, status: committed, date: 2024-05}
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51rest") / "delta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def test_moving_a_tranche_leaves_the_rest_as_the_flows_count_it(led: ac.Ledger) -> None:
    """Got 12.5 and 15.5 months (the rest taken as 11 x 1.00 - 4 x 1.50 = $5M): by hand,
    cancelling the $6M tranche leaves 20 + 7 = $27M, 13.5 months (13 to 14 with the rest's
    ends $6M and $8M); delaying it by 0 months changes nothing: 16.5 months (16 to 17)."""
    s = ac.Scenario
    table = ac.compare(
        led,
        "delta",
        [
            s("base"),
            s("cancel", [ac.cancel("delta-b", tranche=0)]),
            s("same", [ac.delay("delta-b", tranche=0, months=0)]),
        ],
        as_of="2023-12",
        policy="committed",
    ).frame
    plain = ac.runway(led, "delta", as_of="2023-12", policy="committed")
    assert float(plain.months) == pytest.approx(16.5)
    assert table.loc["base", "months"] == pytest.approx(16.5)
    assert table.loc["cancel", "months"] == pytest.approx(13.5)
    assert table.loc["cancel", "months_low"] == pytest.approx(13.0)
    assert table.loc["cancel", "months_high"] == pytest.approx(14.0)
    assert table.loc["same", "months"] == pytest.approx(16.5)
    assert table.loc["same", "months_low"] == pytest.approx(16.0)
    assert table.loc["same", "months_high"] == pytest.approx(17.0)


def test_disbursing_the_rest_counts_it_at_the_rounds_rate(led: ac.Ledger) -> None:
    """Under policy disbursed, every piece received in January: the tranche ($6M) and the
    rest (EUR 7M at $1.00): (20 + 6 + 7) / 2 = 16.5 months (got 15.5: a rest of $5M); the
    tranche cancelled and the rest received: 27 / 2 = 13.5 (got 12.5)."""
    table = ac.compare(
        led,
        "delta",
        [ac.Scenario("rest", [ac.disburse("delta-b", on="2024-01")])],
        as_of="2023-12",
    ).frame
    assert table.loc["rest", "months"] == pytest.approx(16.5)
    only = ac.compare(
        led,
        "delta",
        [ac.Scenario("t", [ac.cancel("delta-b", tranche=0), ac.disburse("delta-b", on="2024-01")])],
        as_of="2023-12",
    ).frame
    assert only.loc["t", "months"] == pytest.approx(13.5)
