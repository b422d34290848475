"""Contract terms with one contract in conflict and one not (analyses probe): the warnings name
the conflict only (they said 'c2: nan' for the contract without one: pandas 3 made the column of
texts and None a str column with NaN, and NaN is true)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

LEDGER = """
aicapex: 1
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-01}
- {id: s2, outlet: Example, title: B report, date: 2024-05}
entities:
- {id: a, name: A, type: company}
- {id: cw, name: CW, type: cloud_provider}
compute_contracts:
- {id: c1, buyer: a, seller: cw, start: 2024-01, end: 2026-12, total_value: $30B, sources: [s1]}
- {id: c1x, buyer: a, seller: cw, start: 2024-01, end: 2026-12, total_value: $36B, sources: [s2]}
- {id: c2, buyer: a, seller: cw, start: 2024-07, end: 2025-06, rate: $12M/month, sources: [s1]}
"""


def test_only_contracts_in_conflict_are_warned_of(ledger_text: LedgerText) -> None:
    terms = ac.contract_terms(ac.load(ledger_text(LEDGER)))
    # c1 and c1x: $30B and $36B over 2024-2026, more than 1% apart; c2 reported once
    said = "reports differ: c1: $30.00B; c1x: $36.00B"
    assert terms.warnings == (f"c1: {said}", f"c1x: {said}")
    frame = terms.frame.set_index("contract")
    assert frame.loc["c1", "conflict"] == said
    assert frame.loc["c1x", "conflict_records"] == "c1,c1x"
    assert frame.loc["c2", "conflict"] is None
    assert frame.loc["c2", "conflict_records"] is None
    # c2: $12M a month over the 12 months from July 2024: $144M a year
    assert frame.loc["c2", "run_rate_usd"] == pytest.approx(144e6)
    assert frame.loc["c2", "implied_total_usd"] == pytest.approx(144e6)
    rows = {row["contract"]: row for row in terms.to_dict()["rows"]}
    assert rows["c2"]["conflict"] is None
