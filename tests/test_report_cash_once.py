"""The report's cash section is computed once: a company with a cash balance and no runway
(nothing spent) had it computed a second time for the runway's reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac
import aicapex.reportcash as reportcash

LedgerText = Callable[..., Path]

# idle-co: $5M of cash on 2024-03-31 and no expense, order or investment: no runway (its
# burn is unknown), the cash section's balance chosen apart from the runways'.
LEDGER = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-07-01}
entities:
- {id: idle-co, name: Idle Co, type: company}
cash_balances:
- {id: idle-cash, company: idle-co, date: 2024-03-31, amount: $5M, sources: [s]}
"""


def test_the_cash_section_is_computed_once(
    ledger_text: LedgerText, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = ac.load(ledger_text(LEDGER))
    calls: list[Any] = []
    chosen = reportcash.latest_balances

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return chosen(*args, **kwargs)

    monkeypatch.setattr(reportcash, "latest_balances", counted)
    (idle,) = ac.report(ledger)["companies"]
    assert (idle["cash"]["amount"], idle["cash"]["record"]) == (5e6, "idle-cash")
    assert idle["runway"] is None
    assert idle["reasons"]["runway"].startswith("no expense, GPU order paid or investment")
    assert len(calls) == 1  # the cash section's choice of balance, once (it was twice)
