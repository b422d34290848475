"""One source's figures contradict each other only about one fact: funding rounds are matched
within their date window (120 days, as ``Ledger.conflicts()`` matches them), so one source citing
a round of January 2023 and another of June 2024 cites two rounds, whatever their figures."""

from __future__ import annotations

from typing import Any

import pytest

import aicapex as ac
from aicapex.errors import LedgerError

HEAD = """
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-07}
entities:
- {id: zeta, name: Zeta, type: company}
- {id: eta, name: Eta, type: company}
funding_rounds:
"""


def _round(rid: str, date: str, amount: str, company: str = "zeta", src: str = "s1") -> str:
    return (
        f"- {{id: {rid}, company: {company}, date: {date}, amount: {amount}, status: closed,"
        f" sources: [{{source: {src}, quote: q}}]}}\n"
    )


@pytest.mark.parametrize(
    ("second_date", "contradicts"),
    [
        ("2024-06", False),  # 17 months later: another round
        ("2023-05-31", False),  # 150 days after 2023-01-01: beyond the 120 days, another
        ("2023-03", True),  # 59 days after the first's start: one round, cannot be both
    ],
)
def test_one_source_two_rounds_apart_are_no_contradiction(
    ledger_text: Any, second_date: str, contradicts: bool
) -> None:
    text = HEAD + _round("z1", "2023-01", "$10M") + _round("z2", second_date, "$20M to $30M")
    path = ledger_text(text)
    if not contradicts:
        led = ac.load(path)
        assert sorted(r.id for r in led.records("funding_rounds")) == ["z1", "z2"]
        return
    with pytest.raises(LedgerError) as info:
        ac.load(path)
    (problem,) = info.value.problems
    assert (problem.code, problem.record_id, problem.field) == ("contradiction", "z2", "amount")
    assert "$10M (z1)" in problem.expected


def test_a_chain_of_reports_is_one_fact_as_conflicts_match_it(ledger_text: Any) -> None:
    """Reports 100 days apart chain (Jan, mid-April, late July): one fact, as conflicts() sees
    it, so 'at least $50M' in July contradicts '$10M' in January from the same source."""
    text = (
        HEAD
        + _round("z1", "2023-01-01", "$10M")
        + _round("z2", "2023-04-11", "$10M", src="s2")
        + _round("z3", "2023-07-20", "at least $50M")
    ).replace(
        "- {id: s1, outlet: Test, title: Test, date: 2024-07}",
        "- {id: s1, outlet: Test, title: Test, date: 2024-07}\n"
        "- {id: s2, outlet: Other, title: Other, date: 2024-07}",
    )
    with pytest.raises(LedgerError) as info:
        ac.load(ledger_text(text))
    assert [(p.code, p.record_id) for p in info.value.problems] == [("contradiction", "z3")]


def test_other_companies_and_far_rounds_do_not_mix(ledger_text: Any) -> None:
    """Two companies' rounds from one source on one date, and a company's rounds years apart:
    no contradiction; the same company's two figures on one date: one."""
    text = (
        HEAD
        + _round("z1", "2023-01", "at most $5M")
        + _round("e1", "2023-01", "$50M", company="eta")
        + _round("z2", "2025-01", "$50M")
    )
    led = ac.load(ledger_text(text))
    assert len(led.records("funding_rounds")) == 3
    with pytest.raises(LedgerError) as info:
        ac.load(ledger_text(text + _round("z3", "2023-02", "$8M")))
    assert [(p.code, p.record_id) for p in info.value.problems] == [("contradiction", "z3")]
