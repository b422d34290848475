"""Each entity's runway is cut at its own horizon (``horizon`` months past its ``as_of``), as a
call for it alone cuts it: the grid of a call for several entities runs to the latest as_of
plus the horizon, and an early entity ran out past its own horizon there (242 months where
alone it was beyond the horizon of 240)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# early: CASH at 2020-12-31 and $1M of opex a month from 2020 on (its run rate past 2020);
# late: $10M at 2024-12-31 and $1M a month from 2024: 10 months (November 2025).
LEDGER = """
sources:
- {id: s, outlet: A, title: A, date: 2025-01-01}
entities:
- {id: early, name: Early, type: company}
- {id: late, name: Late, type: company}
expenses:
- {id: e-ops, company: early, category: opex, rate: $1M/month, date: 2020, sources: [s]}
- {id: l-ops, company: late, category: opex, rate: $1M/month, date: 2024, sources: [s]}
cash_balances:
- {id: e-cash, company: early, date: 2020-12-31, amount: CASH, sources: [s]}
- {id: l-cash, company: late, date: 2024-12-31, amount: $10M, sources: [s]}
"""


def _ledger(ledger_text: LedgerText, cash: str) -> ac.Ledger:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ac.load(ledger_text(LEDGER.replace("CASH", cash)))


@pytest.mark.parametrize("millions", [239.0, 239.5, 240.0, 242.0])
@pytest.mark.parametrize("early_as_of", ["2020-12-31", "2022-12"])
def test_an_entity_alone_and_beside_a_later_one_agree(
    ledger_text: LedgerText, millions: float, early_as_of: str
) -> None:
    ledger = _ledger(ledger_text, f"${millions}M")
    # $1M a month: out `millions` months after the balance; from a later as_of (2022-12) 24 of
    # them are spent; beyond the 240 months past as_of: never within the horizon
    left = millions - (24 if early_as_of == "2022-12" else 0)
    expected = left if left < 240 else np.inf
    alone = ac.runway(ledger, "early", as_of=early_as_of).frame.iloc[0]
    both = ac.runway(ledger, as_of={"early": early_as_of, "late": "2024-12-31"}).frame
    beside = both.set_index("entity").loc["early"]
    assert alone["months"] == pytest.approx(expected)
    assert beside["months"] == pytest.approx(expected)
    assert str(beside["cash_out"]) == str(alone["cash_out"])
    assert both.set_index("entity").loc["late", "months"] == pytest.approx(10.0)
