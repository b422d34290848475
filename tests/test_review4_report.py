"""The report's text of a company whose figures are ranges, in two currencies (review 4).

Beta: cash '$10M to $12M' (the latest report; an earlier one said €10M), compute '$6M to $18M'
over Q1 2024, payroll 'up to €3M' in March, revenue €1M a month, at $1.1 per euro: a net burn of
4 + 3.3 - 1.1 = $6.2M a month past March (ends 6 + 3.3 - 1.1 = 8.2 and 2 + 0 - 1.1 = 0.9), a
runway of 11 / 6.2 = 1.77 months (10 / 8.2 = 1.22 to 12 / 0.9 = 13.33).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-early, outlet: Early, title: E, date: 2024-04}
- {id: src-late, outlet: Late, title: L, date: 2024-05}
entities:
- {id: beta, name: Beta GmbH, type: company}
fx_rates:
- {id: eur-2023-12, sources: [src-early], currency: EUR, date: 2023-12, usd: 1.1}
cash_balances:
- {id: beta-cash-a, sources: [src-early], company: beta, date: 2024-03, amount: €10M}
- {id: beta-cash-b, sources: [src-late], company: beta, date: 2024-03, amount: $10M to $12M}
expenses:
- {id: beta-compute, sources: [src-early], company: beta, category: compute,
   amount: $6M to $18M, date: 2024-Q1}
- {id: beta-payroll, sources: [src-early], company: beta, category: payroll,
   amount: up to €3M, date: 2024-03}
revenues:
- {id: beta-rev, sources: [src-early], company: beta, rate: €1M/month, date: 2024-01,
   until: 2024-03}
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("rv4") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def test_the_runway_of_ranges_by_hand(led: ac.Ledger) -> None:
    row = ac.runway(led, "beta", as_of="2024-03").frame.iloc[0]
    assert row["balance_record"] == "beta-cash-b"  # the latest report
    assert row["months"] == pytest.approx(11 / 6.2)
    assert row["months_low"] == pytest.approx(10 / 8.2)
    assert row["months_high"] == pytest.approx(12 / 0.9)
    half = ac.compare(
        led,
        "beta",
        [ac.Scenario("half", [ac.scale(category="compute", by=0.5, start="2024-04")])],
        as_of="2024-03",
    ).frame.loc["half"]
    # compute 2 (1 to 3): 11 / 4.2; 10 / 5.2; 1 + 0 - 1.1 < 0: never out
    assert half["months"] == pytest.approx(11 / 4.2)
    assert half["months_low"] == pytest.approx(10 / 5.2)
    assert half["months_high"] == float("inf")


def test_the_cash_line_says_the_figure_as_reported(led: ac.Ledger) -> None:
    """The cash line read '$11.00M on 2024-03-31': the midpoint of a range, not said."""
    from aicapex.render import render_report
    from aicapex.report import report

    text = render_report(report(led, as_of="2024-03"))
    assert "$11.00M on 2024-03-31 (reported as $10M to $12M)" in text
    assert "runway         1.77 months (1.22 to 13.33)" in text
