"""An effort (a round sought) and the rounds that came of it are not reports of one fact (review
5, cash): figures worked out by hand from the records written in each test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac
from aicapex.analysis.fundgap import funding_gap

LedgerText = Callable[..., Path]

EFFORT = """
sources:
- {id: s1, outlet: Early, title: Early, date: 2023-11}
- {id: s2, outlet: Late, title: Late, date: 2024-02}
entities:
- {id: a, name: A, type: company}
funding_rounds:
- {id: eff, company: a, date: 2023-Q2, status: sought, amount: %s, sources: [%s]}
- {id: ra, company: a, date: 2023-05, status: committed, amount: $30M, effort: eff,
   tranches: [{amount: $30M, status: disbursed, date: 2023-06}], sources: [%s]}
cash_balances:
- {id: c, company: a, date: 2023-03, amount: $5M, sources: [s1]}
expenses:
- {id: e, company: a, category: payroll, rate: $1M/month, date: 2023-01, until: 2023-12,
   sources: [s1]}
"""


@pytest.mark.parametrize(("effort_source", "round_source"), [("s1", "s2"), ("s2", "s1")])
def test_a_round_is_no_report_of_its_effort(
    ledger_text: LedgerText, effort_source: str, round_source: str
) -> None:
    led = ac.load(ledger_text(EFFORT % ("$100M", effort_source, round_source)))
    assert led.conflicts().empty  # they were one fact: the later report set the other aside
    # sought $100M; $30M committed and disbursed: $70M short
    gap = funding_gap(led).frame.iloc[0]
    assert (gap["sought_usd"], gap["committed_usd"], gap["disbursed_usd"]) == (100e6, 30e6, 30e6)
    assert gap["shortfall_usd"] == 70e6
    # the runway counts the $30M in June: $5M at the end of March, $1M a month: 5 - 3 + 30 = 32
    # at the end of June, then 6 months of 2023 and $1M a month after: 32 months
    assert ac.runway(led, "a", as_of="2023-06").months == pytest.approx(32.0)


def test_one_source_citing_an_effort_as_a_range_and_its_round(ledger_text: LedgerText) -> None:
    # one source: '$90M to $110M' sought, $30M committed of it; two facts, not a contradiction
    led = ac.load(ledger_text(EFFORT % ("$90M to $110M", "s1", "s1")))
    gap = funding_gap(led).frame.iloc[0]
    assert (gap["sought_low_usd"], gap["sought_high_usd"]) == (90e6, 110e6)
    assert gap["shortfall_usd"] == 100e6 - 30e6


def test_two_reports_of_one_effort_still_conflict(ledger_text: LedgerText) -> None:
    text = EFFORT % ("$100M", "s1", "s1")
    second = "- {id: eff2, company: a, date: 2023-06, status: sought, amount: $120M, sources: [s2]}"
    text = text.replace("cash_balances:", second + "\ncash_balances:")
    led = ac.load(ledger_text(text))
    # two sources on the effort ($100M and $120M): one fact; the round that came of it: none
    assert sorted(led.conflicts()["id"]) == ["eff", "eff2"]
