"""GPU prices in a currency without an exchange rate are unknown in dollars: named in the
warnings, never replaced by another record's price, never summed as if they were 0.
Figures worked by hand from the records here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# a's o1: 100 H100 for EUR 2.5M (no EUR rate in the ledger); c's o2: 100 H100 for $5M
# ($50,000 a unit); r1 moves 10 of o1 from a to b. Lease k1 of 100 H100, 2024-2025: $10M in
# 2024 and EUR 30M in 2025.
LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, total: €2.5M, order_date: 2024-02,
   sources: [s]}
- {id: o2, buyer: c, vendor: v, sku: H100, quantity: 100, total: $5M, order_date: 2024-01,
   sources: [s]}
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 10, date: 2024-04, sources: [s]}
compute_contracts:
- id: k1
  buyer: a
  seller: c
  start: 2024-01
  end: 2025-12
  capacity: 100 H100
  arrangement: lease
  sources: [s]
  ramp:
  - {period: 2024, amount: $10M}
  - {period: 2025, amount: €30M}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def test_a_move_of_an_order_priced_without_a_rate_has_no_value(ledger: ac.Ledger) -> None:
    # r1's order costs EUR 25,000 a unit, unknown in dollars: no value, and a warning. It was
    # valued at o2's $50,000 a unit ('implied price of H100'): $500,000
    r = ac.reallocations(ledger)
    row = r.frame.iloc[0]
    assert np.isnan(row["value_usd"])
    assert row["price_basis"] == "the order's total in EUR: no exchange rate"
    assert row["price_record"] == "o1"
    assert r.warnings == (
        "r1: no value in US dollars (the order's total in EUR: no exchange rate)",
    )


def test_gpu_prices_names_the_order_without_a_rate(ledger: ac.Ledger) -> None:
    p = ac.gpu_prices(ledger)
    assert p.frame["record"].tolist() == ["o2"]  # the lease: no dollar figure for 2025
    assert p.warnings == (
        "o1: no price in US dollars (its total in EUR has no exchange rate at its date)",
    )


def test_a_ramp_with_a_step_without_a_rate_has_no_sum(ledger: ac.Ledger) -> None:
    # k1's 2025 step is EUR 30M without a rate: the ramp's sum is unknown, not $10M; its run
    # rate unknown, not $10M / 24 months x 12 = $5M a year
    row = ac.contract_terms(ledger).frame.iloc[0]
    assert np.isnan(row["implied_total_usd"])
    assert np.isnan(row["run_rate_usd"])


def test_with_a_rate_the_figures_are_back(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(LEDGER + "fx_rates:\n- {id: fx, currency: EUR, usd: 1.2, date: 2023-01}\n")
    )
    # o1: EUR 2.5M x 1.2 = $3M over 100: $30,000; r1 10 x 30,000 = $300,000
    assert ac.reallocations(led).frame["value_usd"].tolist() == [pytest.approx(300_000)]
    assert not ac.reallocations(led).warnings
    # k1: $10M + EUR 30M x 1.2 = $46M over 24 months: $23M a year, $230,000 a unit-year
    row = ac.gpu_prices(led).frame.set_index("record").loc["k1"]
    assert row["per_unit_year_usd"] == pytest.approx(230_000)
