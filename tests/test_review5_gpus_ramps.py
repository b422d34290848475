"""A ramp step's rate counts over the step's own length: whole months from a month's first
day to a month's last, else its days (as a contract's term). A step from July 15 to the next
July 14 counted the 13 calendar months it touches. Figures worked by hand from the records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
compute_contracts:
- id: k1
  buyer: a
  seller: c
  start: 2024-07-15
  end: 2025-07-14
  total_value: $12M
  capacity: 100 H100
  arrangement: lease
  sources: [s]
  ramp:
  - {period: 2024-07-15..2025-07-14, rate: $1M/month}
- id: k2
  buyer: b
  seller: c
  start: 2024-01
  end: 2025-12
  sources: [s]
  ramp:
  - {period: 2024, amount: $10M}
  - {period: 2025, rate: $2.5M/month}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def test_a_step_of_days_counts_its_days(ledger: ac.Ledger) -> None:
    terms = ac.contract_terms(ledger).frame.set_index("contract")
    # k1: July 15, 2024 to July 14, 2025 is 365 days, 365 / (365.25 / 12) = 11.992 months of
    # $1M: $11.992M, within 1% of the stated $12M: no conflict. It was $13M (13 calendar
    # months) and a conflict 'stated total $12.00M vs $13.00M'
    assert terms.loc["k1", "implied_total_usd"] == pytest.approx(365 / (365.25 / 12) * 1e6)
    assert terms.loc["k1", "conflict"] is None
    assert terms.loc["k1", "run_rate_usd"] == pytest.approx(12e6)
    # k2: whole years as before: $10M + 12 x $2.5M = $40M, $20M a year
    assert terms.loc["k2", "implied_total_usd"] == pytest.approx(40e6)
    assert terms.loc["k2", "run_rate_usd"] == pytest.approx(20e6)
    assert not ac.contract_terms(ledger).warnings


def test_the_lease_price_of_such_a_step(ledger: ac.Ledger) -> None:
    # k1 has no rate: the ramp's yearly mean, $1M x 12 = $12M a year over 100 GPUs: $120,000
    # a unit-year (it was $13M over 13 months: the same mean; the total is the ramp's sum)
    row = ac.gpu_prices(ledger).frame.set_index("record").loc["k1"]
    assert row["per_unit_year_usd"] == pytest.approx(120_000)
    assert row["total_usd"] == pytest.approx(12e6)  # the stated total
