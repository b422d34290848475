"""A month without records is not a month without spending (aicapex.analysis.runrate).

Each spending category, and revenue as one stream, continues past its own last record at its
own run rate. Expected figures are derived from the records written in each test.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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


SPARSE = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-08}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: beta, name: Beta, type: company}
cash_balances:
- {id: cash, company: acme, date: 2023-02, amount: $10M, sources: [s1]}
- {id: beta-cash, company: beta, date: 2023-12, amount: $20M, sources: [s1]}
expenses:
- {id: jan, company: acme, category: opex, amount: $1M, date: 2023-01, sources: [s1]}
- {id: mar, company: acme, category: opex, amount: $1M, date: 2023-03, sources: [s1]}
- {id: may, company: acme, category: opex, amount: $1M, date: 2023-05, sources: [s1]}
- {id: pay, company: acme, category: payroll, amount: $2M, date: 2023-04, sources: [s1]}
- {id: beta-opex, company: beta, category: opex, rate: $3M/month, date: 2023, sources: [s1]}
revenues:
- {id: beta-rev, company: beta, rate: $1M/month, date: 2023, sources: [s1]}
"""


def test_a_month_between_two_records_is_assumed_at_the_run_rate(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(SPARSE))
    r = ac.runway(led, "acme", as_of="2023-02")
    # opex: $1M in each of January, March and May: $1M a month (3 months with a record);
    # April, between March and May, is assumed at it; payroll: one record, $2M in April, then
    # $2M a month past April. From $10M at the end of February: March -1 (9), April -1
    # assumed opex -2 payroll (6), May -1 -2 (3), June -3 (0): out on 2023-07-01, 4 months
    assert r.months == pytest.approx(4.0)
    assert r.cash_out == pd.Timestamp("2023-07-01")
    path = r.explain().set_index("month")
    assert path.loc["2023-04-01", "assumed"] == "opex"  # the month between two records
    assert path.loc["2023-04-01", "net"] == pytest.approx(-3e6)
    assert path.loc["2023-03-01", "assumed"] == ""
    assert path.loc["2023-05-01", "assumed"] == "payroll"  # past its one record
    assert path.loc["2023-06-01", "assumed"] == "payroll,opex"  # in stream order


def test_every_entity_at_once_gives_each_its_own(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(SPARSE))
    both = ac.runways(led, as_of="2023-12")
    frame = both["disbursed"].frame.set_index("entity")
    # beta: net $2M a month past 2023 (no month without a record): $20M lasts 10 months
    assert frame.loc["beta", "months"] == pytest.approx(10.0)
    # acme ran out in 2023 (as above): nothing left at the end of December
    assert frame.loc["acme", "months"] == pytest.approx(0.0)


def test_a_later_revenue_record_above_the_rate_lengthens_the_runway(
    ledger_text: LedgerText,
) -> None:
    led = ac.load(ledger_text(SPARSE))
    base = ac.runway(led, "beta", as_of="2023-12")
    assert base.months == pytest.approx(10.0)
    more = SPARSE + "- {id: late, company: beta, amount: $1.5M, date: 2024-06, sources: [s1]}\n"
    r = ac.runway(ac.load(ledger_text(more)), "beta", as_of="2023-12")
    # revenue's run rate: the months with a record among July 2023..June 2024, July..December
    # at $1M and June 2024 at $1.5M: $7.5M / 7; January..May 2024, between its records, are
    # assumed at it. Net -(3 - 7.5/7) a month those five months, June -1.5, then -(3 - 7.5/7)
    rate = 7.5e6 / 7
    left = 20e6 - 5 * (3e6 - rate) - 1.5e6
    assert r.months == pytest.approx(6 + left / (3e6 - rate))
    assert r.months > base.months
    path = r.explain().set_index("month")
    assert path.loc["2024-03-01", "assumed"] == "opex,revenue"
    assert path.loc["2024-03-01", "inflows"] == pytest.approx(rate)


NO_SPENDING = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-08}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: beta, name: Beta, type: company}
- {id: fund, name: Fund, type: investor}
cash_balances:
- {id: acme-cash, company: acme, date: 2024-02, amount: $10M, sources: [s1]}
- {id: beta-cash, company: beta, date: 2024-02, amount: $20M, sources: [s1]}
expenses:
- {id: beta-opex, company: beta, category: opex, rate: $2M/month, date: 2023, sources: [s1]}
- {id: acme-plan, company: acme, category: opex, rate: $1M/month, date: 2024, basis: planned,
   sources: [s1]}
funding_rounds:
- {id: acme-seed, company: acme, date: 2024-03, amount: $5M, investors: [{investor: fund}],
   sources: [s1]}
"""


def test_no_runway_where_nothing_is_spent_on_record(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(NO_SPENDING))
    # acme has cash and a round, and only a planned expense: its burn is unknown, so it has no
    # runway (it never 'ran out' in 20 years); beta: $20M at $2M a month, 10 months
    every = ac.runways(led, as_of="2024-02")
    for policy, r in every.items():
        assert list(r.frame["entity"]) == ["beta"], policy
        assert r.frame["months"].iloc[0] == pytest.approx(10.0)
        assert any(
            a.startswith("no runway of acme: no expense, GPU order paid or") for a in r.assumptions
        )
    with pytest.raises(ValueError, match=r"no runway of 'acme'.*burn_after="):
        ac.runway(led, "acme", as_of="2024-02")
    # a burn given: a runway; $10M + $5M in March at $1M a month
    given = ac.runway(led, "acme", as_of="2024-02", burn_after=1e6)
    assert given.months == pytest.approx(15.0)
    # scenarios run on the same inputs: the same refusal, named
    with pytest.raises(ValueError, match="no runway of 'acme'"):
        ac.compare(led, "acme", [ac.Scenario("base")], as_of="2024-02")


def test_the_companies_left_out_are_named_briefly(ledger_text: LedgerText) -> None:
    # twelve companies with cash and nothing spent, and one that spends: one short sentence
    # (a report repeats the runway's general assumptions for every company)
    idle = "".join(f"- {{id: i{n:02d}, name: I{n}, type: company}}\n" for n in range(12))
    cash = "".join(
        f"- {{id: c{n:02d}, company: i{n:02d}, date: 2024-02, amount: $1M, sources: [s1]}}\n"
        for n in range(12)
    )
    text = (
        "sources:\n- {id: s1, outlet: Example, title: A report, date: 2024-08}\n"
        "entities:\n- {id: beta, name: Beta, type: company}\n"
        + idle
        + "cash_balances:\n- {id: bc, company: beta, date: 2024-02, amount: $20M,"
        " sources: [s1]}\n"
        + cash
        + "expenses:\n- {id: bo, company: beta, category: opex, rate: $2M/month, date: 2023,"
        " sources: [s1]}\n"
    )
    r = ac.runways(ac.load(ledger_text(text)), as_of="2024-02")["disbursed"]
    assert list(r.frame["entity"]) == ["beta"]
    (said,) = [a for a in r.assumptions if a.startswith("no runway of")]
    assert said.startswith("no runway of i00, i01, i02, i03, i04 and 7 more: ")


GIVEN = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-08}
entities:
- {id: co, name: Co, type: company}
cash_balances:
- {id: cash, company: co, date: 2024-02-29, amount: $7M, sources: [s1]}
expenses:
- {id: c-jan, company: co, category: compute, amount: $1M, date: 2024-01, sources: [s1]}
- {id: c-jun, company: co, category: compute, amount: $1M, date: 2024-06, sources: [s1]}
revenues:
- {id: r-jan, company: co, amount: $300K, date: 2024-01, sources: [s1]}
- {id: r-jun, company: co, amount: $300K, date: 2024-06, sources: [s1]}
"""


@pytest.mark.parametrize(
    ("burn_after", "months"),
    [
        # March..May between the records at the run rates (compute $1M, revenue $0.3M) and
        # June recorded: 4 x 0.7 of 7, leaving 4.2; then as given
        ({"compute": 5e6}, 4 + 4.2 / 4.7),  # compute 5 past June, revenue 0.3
        ({"revenue": 0.0}, 4 + 4.2 / 1.0),  # compute 1 past June, no revenue
        (2e6, 4 + 4.2 / 2.0),  # a net burn of 2 past June
        (None, 4 + 4.2 / 0.7),
    ],
)
def test_a_burn_given_applies_past_the_records_not_between_them(
    ledger_text: LedgerText, burn_after: Any, months: float
) -> None:
    led = ac.load(ledger_text(GIVEN))
    r = ac.runway(led, "co", as_of="2024-02", burn_after=burn_after)
    assert r.months == pytest.approx(months)
    path = r.explain().set_index("month")
    assert path.loc["2024-04-01", "net"] == pytest.approx(-0.7e6)
    # scenarios read the same inputs
    table = ac.compare(led, "co", [ac.Scenario("base")], as_of="2024-02", burn_after=burn_after)
    assert table.frame.loc["base", "months"] == pytest.approx(months)


@given(
    st.lists(st.integers(0, 5_000), max_size=300),
    st.sampled_from([5_001, 50_000_000]),  # a presence array, or a sort (too sparse for one)
)
def test_distinct_months_of_streams_are_sorted_and_unique(values: list[int], size: int) -> None:
    """The layout's distinct cells are numpy's unique values, whichever way they are found."""
    import numpy as np

    from aicapex.analysis.runrate import _distinct

    array = np.array(values, dtype=np.int64)
    found = _distinct(array, size)
    assert found.tolist() == np.unique(array).tolist()
    assert found.dtype.kind == "i"


def test_the_ends_of_exact_figures_share_one_extrapolation(ledger_text: LedgerText) -> None:
    """Exact figures: the three ends are one table of amounts, extrapolated once; a range
    ($1M to $3M a month) gives its ends their own (run rates 1M, 2M base, 3M)."""
    import numpy as np

    from aicapex.analysis.runrate import extrapolate_each, rate_layout
    from aicapex.analysis.runwaykit import ends_of_spend, spend_flows

    text = """
sources:
- {id: s, outlet: T, title: T, date: 2024-06-01}
entities:
- {id: co, name: Co, type: company}
expenses:
- {id: e, company: co, category: opex, rate: RATE, date: 2023, sources: [s]}
"""
    grid = np.array(["2024-01", "2024-02"], dtype="datetime64[M]").astype("datetime64[ns]")
    active = np.ones((1, 2), dtype=bool)
    for rate, same in (("$2M/month", True), ("$1M to $3M/month", False)):
        flows = ac.load(ledger_text(text.replace("RATE", rate))).flows()
        entities = pd.Index(["co"], dtype="object")
        spend = spend_flows(flows, entities)
        ends = ends_of_spend(spend)
        tables = [spend, ends["low"], ends["high"]]
        got = extrapolate_each(tables, entities, grid, active, None, rate_layout(spend, entities))
        assert (got[0] is got[1] is got[2]) is same
        assert [float(-g.net[0, 0]) for g in got] == ([2e6, 2e6, 2e6] if same else [2e6, 3e6, 1e6])
