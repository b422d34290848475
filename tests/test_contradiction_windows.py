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


def test_a_fiscal_year_round_starts_in_its_owners_year(ledger_text: Any) -> None:
    """Zeta's fiscal year ends June 30: FY2024 is 2023-07-01..2024-06-30. A round of FY2024 and
    one of March 2024 start 244 days apart (2023-07-01, 2024-03-01): two rounds, as conflicts()
    matches them, so one source's '$10M' and 'at least $50M' contradict nothing. (Under a
    December year FY2024 would start 2024-01-01, 60 days before March: it was refused.) A round
    of August 2023, 31 days into the fiscal year, is the FY2024 round's fact: contradicted."""
    head = HEAD.replace(
        "{id: zeta, name: Zeta, type: company}",
        ("{id: zeta, name: Zeta, type: company, fiscal_year_end: '06-30'}"),
    )
    text = head + _round("z1", "FY2024", "$10M") + _round("z2", "2024-03", "at least $50M")
    led = ac.load(ledger_text(text))
    assert sorted(r.id for r in led.records("funding_rounds")) == ["z1", "z2"]
    text = head + _round("z1", "FY2024", "$10M") + _round("z2", "2023-08", "at least $50M")
    with pytest.raises(LedgerError) as info:
        ac.load(ledger_text(text))
    assert [(p.code, p.record_id) for p in info.value.problems] == [("contradiction", "z2")]


def test_a_chain_through_a_report_citing_no_source(ledger_text: Any) -> None:
    """As conflicts() clusters dates, every report of the company's rounds chains, cited or not:
    2023-01-01, 2023-04-11 (100 days, no source) and 2023-07-20 (100 days): one round, so s1's
    '$10M' in January and 'at least $50M' in July contradict. (Without the uncited report the
    two are 200 days apart: two rounds; the chain was missed.)"""
    text = (
        HEAD
        + _round("z1", "2023-01-01", "$10M")
        + "- {id: z2, company: zeta, date: 2023-04-11, amount: $10M, status: closed}\n"
        + _round("z3", "2023-07-20", "at least $50M")
    )
    with pytest.raises(LedgerError) as info:
        ac.load(ledger_text(text))
    assert [(p.code, p.record_id) for p in info.value.problems] == [("contradiction", "z3")]
    alone = HEAD + _round("z1", "2023-01-01", "$10M") + _round("z3", "2023-07-20", "at least $50M")
    assert len(ac.load(ledger_text(alone)).records("funding_rounds")) == 2


def test_the_contradiction_says_how_two_rounds_are_told_apart(ledger_text: Any) -> None:
    """A source reporting a round and, 59 days later, a credit line, neither with an instrument:
    one fact to the ledger, so the error says why and what tells them apart."""
    text = HEAD + _round("z1", "2023-01", "$10M") + _round("z2", "2023-03", "$20M to $30M")
    with pytest.raises(LedgerError) as info:
        ac.load(ledger_text(text))
    (problem,) = info.value.problems
    assert "within 120 days of each other are read as reports of one fact" in problem.found
    assert "told apart by their instrument" in problem.found
    told = text.replace("status: closed, sources", "instrument: debt, status: closed, sources", 1)
    assert len(ac.load(ledger_text(told)).records("funding_rounds")) == 2
