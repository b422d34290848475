"""An unknown field's hint comes from the model the field is in: a contract's ``amount`` (a
field of its ramp's steps, not of the contract) read "did you mean 'amount'?", the very word
written, because the hint was taken from the fields of every nested model too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

LEDGER = """
entities:
- {id: a, name: A, type: company}
- {id: p, name: P, type: cloud_provider}
compute_contracts:
- id: c1
  buyer: a
  seller: p
  start: 2024-07
  amount: $5M
  ramp:
  - {period: 2024, amout: $10M}
funding_rounds:
- {id: r, company: a, date: 2024-01, ammount: $3M}
"""


def test_hints_name_the_right_level(ledger_text: LedgerText) -> None:
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(ledger_text(LEDGER))
    said = {p.field: p.expected for p in caught.value.problems}
    assert said == {
        "amount": "a field of compute_contracts ('amount' goes in ramp)",
        "ramp.0.amout": "a field of RampStep (period, amount, rate) in compute_contracts "
        "(did you mean 'amount'?)",
        "ammount": "a field of funding_rounds (did you mean 'amount'?)",
    }
    for problem in caught.value.problems:  # never the word itself
        assert f"did you mean {problem.found.removeprefix('unknown field ')}" not in str(problem)
