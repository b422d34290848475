"""No entity may be called ``undisclosed``: the flows name so the payer of a round's money no
participation accounts for. An investor of that id putting in $4M had no outflow on its own
books, and the company's funding from it was lumped with the rest (found by the exports
review)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac
from aicapex.records.parties import RESERVED_ID
from aicapex.table.funding import UNDISCLOSED

LedgerText = Callable[..., Path]


def test_the_reserved_id_is_the_flows_payer() -> None:
    assert RESERVED_ID == UNDISCLOSED


def test_an_entity_of_the_reserved_id_is_refused(ledger_text: LedgerText) -> None:
    path = ledger_text("""
        entities:
        - {id: a, name: A, type: company}
        - {id: undisclosed, name: Undisclosed Capital, type: investor}
        funding_rounds:
        - {id: r, company: a, date: 2024-01, amount: $10M, status: closed,
           investors: [{investor: undisclosed, amount: $4M}]}
        """)
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    found = [(p.record_id, p.field, p.code) for p in caught.value.problems]
    assert ("undisclosed", "id", "invalid-value") in found
    assert "an id other than 'undisclosed'" in str(caught.value)
