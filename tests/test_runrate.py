"""A month without records is not a month without spending (aicapex.analysis.runrate).

Each spending category, and revenue as one stream, continues past its own last record at its
own run rate. Expected figures are derived from the records written in each test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis.runrate import STREAMS

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme, name: Acme AI, type: company}
cash_balances:
- {id: cash, company: acme, date: 2023-10, amount: $4M, sources: [s1]}
"""


def test_a_late_revenue_record_does_not_make_months_free(ledger_text: LedgerText) -> None:
    opex = (
        HEAD
        + """
expenses:
- {id: opex, company: acme, category: opex, rate: $12M/yr, date: 2023, sources: [s1]}
"""
    )
    alone = ac.runway(ac.load(ledger_text(opex)), "acme", as_of="2023-10")
    assert alone.months == pytest.approx(4.0)
    late = (
        opex
        + """
revenues:
- {id: tiny, company: acme, amount: $1, date: 2024-06, sources: [s1]}
"""
    )
    r = ac.runway(ac.load(ledger_text(late)), "acme", as_of="2023-10")
    # opex goes on at $1M a month past December, whatever revenue does later
    assert r.months == pytest.approx(4.0)
    path = r.explain().set_index("month")
    assert path.loc["2024-01-01", "net"] == pytest.approx(-1e6)
    assert path.loc["2024-01-01", "assumed"] == "opex"
    assert path.loc["2024-01-01", "basis"] == "assumed"
    assert path.loc["2023-11-01", "assumed"] == ""  # opex recorded until December
    assert path.loc["2023-11-01", "basis"] == "recorded"
    # with a longer horizon of cash, revenue past June 2024 goes on at its own (tiny) rate
    richer = ac.runway(ac.load(ledger_text(late)), "acme", as_of="2023-10", burn_after={"opex": 0})
    later = richer.explain().set_index("month")
    assert later.loc["2024-07-01", "net"] == pytest.approx(1.0)
    assert set(later.loc["2024-07-01", "assumed"].split(",")) == {"opex", "revenue"}


def test_each_category_continues_at_its_own_rate(ledger_text: LedgerText) -> None:
    text = (
        HEAD
        + """
expenses:
- {id: compute, company: acme, category: compute, rate: $2M/month, date: 2023-07, until: 2023-10,
   sources: [s1]}
- {id: payroll, company: acme, category: payroll, rate: $1M/month, date: 2023-01, until: 2023-12,
   sources: [s1]}
revenues:
- {id: sales, company: acme, rate: $0.5M/month, date: 2023-01, until: 2023-11, sources: [s1]}
"""
    )
    r = ac.runway(ac.load(ledger_text(text)), "acme", as_of="2023-10")
    path = r.explain().set_index("month")
    # November: compute assumed (its records end in October), payroll and sales recorded
    assert path.loc["2023-11-01", "net"] == pytest.approx(-2e6 - 1e6 + 0.5e6)
    assert path.loc["2023-11-01", "assumed"] == "compute"
    row = r.frame.iloc[0]
    assert row["burn_after"] == pytest.approx(2e6 + 1e6 - 0.5e6)
    assert row["last_recorded_month"] == pd.Timestamp("2023-12-01")
    # $4M at 2.5M a month: November leaves 1.5M, December ends below zero
    assert r.months == pytest.approx(1 + 1.5 / 2.5)


def test_run_rates_count_only_months_since_the_first_record(ledger_text: LedgerText) -> None:
    text = (
        HEAD
        + """
expenses:
- {id: a, company: acme, category: opex, amount: $3M, date: 2023-08, sources: [s1]}
- {id: b, company: acme, category: opex, amount: $1M, date: 2023-09, sources: [s1]}
"""
    )
    r = ac.runway(ac.load(ledger_text(text)), "acme", as_of="2023-10", horizon=12)
    # two months of records: a rate of $2M a month, not $4M spread over twelve
    assert r.frame.iloc[0]["burn_after"] == pytest.approx(2e6)


def test_burn_after_as_a_number_or_by_stream(ledger_text: LedgerText) -> None:
    text = (
        HEAD
        + """
expenses:
- {id: opex, company: acme, category: opex, rate: $12M/yr, date: 2023, sources: [s1]}
- {id: compute, company: acme, category: compute, rate: $6M/yr, date: 2023-01, until: 2023-06,
   sources: [s1]}
"""
    )
    led = ac.load(ledger_text(text))
    default = ac.runway(led, "acme", as_of="2023-10")
    # compute ended in June: it goes on at $0.5M a month besides opex's $1M
    assert default.months == pytest.approx(4 / 1.5)
    number = ac.runway(led, "acme", as_of="2023-10", burn_after=0.25e6)
    # a number is the whole net burn past the last record of any category (December); before
    # it, compute still goes on at its run rate: $1.5M in November and December, then $0.25M
    # (compute left out of November and December, as it once was, made this 10 months)
    assert number.months == pytest.approx(2 + (4e6 - 2 * 1.5e6) / 0.25e6)
    path = number.explain()
    assumed = dict(zip(path["month"].dt.strftime("%Y-%m"), path["assumed"], strict=False))
    assert assumed["2023-11"] == "compute"
    assert set(assumed["2024-01"].split(",")) == {*ac.BURN_CATEGORIES, "revenue"}
    by_stream = ac.runway(led, "acme", as_of="2023-10", burn_after={"compute": 0})
    assert by_stream.months == pytest.approx(4.0)
    assert any("compute 0 USD a month" in a for a in by_stream.assumptions)
    with pytest.raises(ValueError, match="did you mean 'compute'"):
        ac.runway(led, "acme", as_of="2023-10", burn_after={"compte": 1.0})
    for bad in (float("nan"), float("inf"), {"opex": -1.0}):
        with pytest.raises(ValueError, match="finite"):
            ac.runway(led, "acme", as_of="2023-10", burn_after=bad)


def test_the_streams_are_documented() -> None:
    assert (*ac.BURN_CATEGORIES, "revenue") == STREAMS


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    month=st.integers(1, 12),
    amount=st.integers(1, 10**7),
)
def test_a_record_anywhere_later_never_shortens_a_runway_by_revenue(
    ledger_text: LedgerText, month: int, amount: int
) -> None:
    """Adding revenue, in any month, never shortens the runway (monotonic in inflows)."""
    opex = (
        HEAD
        + """
expenses:
- {id: opex, company: acme, category: opex, rate: $12M/yr, date: 2023, sources: [s1]}
"""
    )
    base = ac.runway(ac.load(ledger_text(opex)), "acme", as_of="2023-10").months
    more = (
        opex
        + f"""
revenues:
- {{id: r, company: acme, amount: ${amount}, date: 2024-{month:02d}, sources: [s1]}}
"""
    )
    assert ac.runway(ac.load(ledger_text(more)), "acme", as_of="2023-10").months >= base - 1e-9
