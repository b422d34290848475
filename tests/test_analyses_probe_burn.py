"""Burn's figures and words with planned spending asked for (analyses probe): the assumption
said "every basis but 'planned' (planned ones included)", which says both."""

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
entities:
- {id: a, name: A, type: company}
expenses:
- {id: e1, company: a, category: compute, rate: $1M to $3M a month, date: 2023-01,
   until: 2023-06, sources: [s1]}
- {id: e3, company: a, category: opex, amount: $6M, date: 2023-07, basis: planned, sources: [s1]}
"""


@pytest.mark.parametrize(
    ("planned", "said", "july"),
    [
        (False, "expenses and revenues of every basis but 'planned'", 0.0),
        (True, "expenses and revenues of every basis, 'planned' included", 6e6),
    ],
)
def test_planned_spending_is_said_as_counted(
    ledger_text: LedgerText, planned: bool, said: str, july: float
) -> None:
    led = ac.load(ledger_text(LEDGER))
    b = ac.burn(led, "a", "2023-01", "2023-07", include_planned=planned)
    assert b.assumptions[0] == said
    frame = b.frame.set_index("month")
    # January: $1M to $3M of compute, $2M at its midpoint; July: the planned $6M of opex
    january = frame.loc["2023-01-01", ["gross_burn_low", "gross_burn", "gross_burn_high"]]
    assert january.tolist() == [1e6, 2e6, 3e6]
    assert frame.loc["2023-07-01", "gross_burn"] == july
