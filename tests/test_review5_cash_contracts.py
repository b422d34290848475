"""Compute contracts' money in the flows over spans that are not whole months (review 5, cash):
figures worked out by hand from the records written in each test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

CONTRACTS = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: o, name: O, type: cloud_provider}
compute_contracts:
- {id: open, buyer: a, seller: o, start: 2024-07-15, rate: $1M/month, sources: [s1]}
- {id: days, buyer: a, seller: o, start: 2024-07-15, end: 2025-07-14, rate: $1M/month,
   sources: [s1]}
- {id: months, buyer: a, seller: o, start: 2024-07, end: 2025-06, rate: $12M/yr, sources: [s1]}
- id: ramped
  buyer: a
  seller: o
  start: 2024-07-15
  end: 2025-07-14
  total_value: $12M
  ramp: [{period: 2024-07-15..2025-07-14, rate: $1M/month}]
  sources: [s1]
"""


def test_contract_rates_over_days_and_open_ends(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(CONTRACTS))
    flows = led.flows()
    total = flows.groupby(flows["record"].astype("object"))["amount_usd"].sum()
    months = flows.groupby(flows["record"].astype("object"))["month"].nunique()
    # no end: one year of $1M a month, July 2024 to June 2025 ($13M over the 13 months a year
    # from July 15 touches, before)
    assert total["open"] == pytest.approx(12e6)
    assert months["open"] == 12
    # July 15 to the next July 14: 365 days, 365 / (365.25 / 12) = 11.9918 months ($13M before)
    by_days = 365 / (365.25 / 12) * 1e6
    assert total["days"] == pytest.approx(by_days, abs=0.01)
    assert months["days"] == 13  # spread over the months it touches
    assert total["ramped"] == pytest.approx(by_days, abs=0.01)
    # whole months as before: July 2024 to June 2025
    assert total["months"] == pytest.approx(12e6)
    # contract_terms says the same of the ramp
    from aicapex.analysis.contracts import contract_terms

    terms = contract_terms(led).frame.set_index("contract")
    assert terms.loc["ramped", "implied_total_usd"] == pytest.approx(by_days, abs=0.01)
