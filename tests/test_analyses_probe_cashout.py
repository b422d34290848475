"""The cash-out day of a runway and of a scenario, checked by hand (analyses probe).

The day is the first of the cash-out month plus the whole days the remaining cash lasts at that
month's burn (0.34 of a 30-day month: 10.2 days, the 11th). A third of a 30-day month is 10 days
exactly: the 11th. The position ``10 + 1/3`` months less its ``10`` is 0.3333333333333321 in
binary, whose 30 days floored to 9: the 10th, and a day that depended on where the grid started
(an entity alone, or beside one whose balance is earlier).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

#: A: $10.4M at June 30, 2023, $2.4M a month of payroll (its run rate after June): July to
#: October leave 10.4 - 4 x 2.4 = $0.8M, a third of November's $2.4M: 10 of its 30 days, cash out
#: on November 11, 4 + 1/3 months after June. C's balance in January starts the grid of every
#: entity five months before A's.
TWO = """
aicapex: 1
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-01}
entities:
- {id: a, name: A, type: company}
- {id: c, name: C, type: company}
expenses:
- {id: a-pay, company: a, category: payroll, rate: $2.4M/month, date: 2023-01, until: 2023-06,
   sources: [s1]}
- {id: c-pay, company: c, category: payroll, rate: $1M/month, date: 2023-01, until: 2023-06,
   sources: [s1]}
cash_balances:
- {id: a-cash, company: a, date: 2023-06-30, amount: $10.4M, sources: [s1]}
- {id: c-cash, company: c, date: 2023-01-31, amount: $40M, sources: [s1]}
"""


@pytest.mark.parametrize(
    ("amount", "day", "months"),
    # $10.4M: $0.8M left for November, 1/3 of its $2.4M: 10 days, the 11th (it said the 10th);
    # $10M: $0.4M left, 1/6: 5 days, the 6th (it said the 5th beside C)
    [("$10.4M", "2023-11-11", 4 + 1 / 3), ("$10M", "2023-11-06", 4 + 1 / 6)],
)
def test_cash_out_day_is_the_days_the_cash_lasts(
    ledger_text: LedgerText, amount: str, day: str, months: float
) -> None:
    led = ac.load(ledger_text(TWO.replace("$10.4M", amount)))
    one = ac.runway(led, "a", as_of="2023-06")
    assert one.months == pytest.approx(months)
    assert one.cash_out == pd.Timestamp(day)
    every = ac.runway(led, as_of="2023-06").frame.set_index("entity")
    assert every.loc["a", "cash_out"] == pd.Timestamp(day)
    assert every.loc["a", "months"] == pytest.approx(months)
    # C: $40M less February to June's $5M, then $1M a month: 35 months, out on June 1, 2026
    assert every.loc["c", "months"] == pytest.approx(35.0)
    assert every.loc["c", "cash_out"] == pd.Timestamp("2026-06-01")
    base = ac.compare(led, "a", [ac.Scenario("base")], as_of="2023-06").frame.iloc[0]
    assert base["cash_out"] == pd.Timestamp(day)
    assert base["months"] == pytest.approx(months)


def test_cash_out_at_a_month_end_stays_on_the_first(ledger_text: LedgerText) -> None:
    # $9.6M: July to October spend it all, nothing left for November: out on November 1
    led = ac.load(ledger_text(TWO.replace("$10.4M", "$9.6M")))
    one = ac.runway(led, "a", as_of="2023-06")
    assert one.months == pytest.approx(4.0)
    assert one.cash_out == pd.Timestamp("2023-11-01")


@pytest.mark.parametrize(("amount", "day"), [("$10.4M", "2023-11-11"), ("$10M", "2023-11-06")])
def test_monte_carlo_paths_run_out_on_the_runway_s_day(
    ledger_text: LedgerText, amount: str, day: str
) -> None:
    # ranges at their base, no driver: every path is the runway, out on the day above; by the
    # end of the day before, none had run out (it said all had, by November 10 and 5)
    led = ac.load(ledger_text(TWO.replace("$10.4M", amount)))
    mc = ac.simulate(led, "a", n=50, horizon=24, seed=1, ranges="base", as_of="2023-06")
    before = (pd.Timestamp(day) - pd.Timedelta(days=1)).date().isoformat()
    assert mc.cash_out_probability(by=before) == 0.0
    assert mc.cash_out_probability(by=day) == 1.0
