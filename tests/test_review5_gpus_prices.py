"""GPU prices from leases priced by a ramp: gpu_prices takes a lease's run rate as
contract_terms does (its rate, else its ramp's yearly mean, else its total over its term).
A lease priced only by its ramp had no price. Figures worked by hand from the records here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-01}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
compute_contracts:
- id: k1
  buyer: a
  seller: c
  start: 2024-01
  end: 2025-12
  capacity: 1000 H100
  arrangement: lease
  sources: [s]
  ramp:
  - {period: 2024, amount: $10M}
  - {period: 2025, rate: $2.5M/month}
- id: k2
  buyer: b
  seller: c
  start: 2024-07
  capacity: 500 H100
  arrangement: lease
  sources: [s]
  ramp:
  - {period: 2024-H2, amount: $3M}
  - {period: 2025, amount: about $8M}
- id: k3
  buyer: b
  seller: a
  start: 2024-01
  end: 2026-12
  total_value: $72M
  capacity: 1000 H100
  arrangement: lease
  sources: [s]
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def test_a_lease_priced_by_its_ramp(ledger: ac.Ledger) -> None:
    prices = ac.gpu_prices(ledger, "H100").frame.set_index("record")
    assert sorted(prices.index) == ["k1", "k2", "k3"]
    # k1: $10M in 2024 and $2.5M a month in 2025 ($30M): $40M over 24 months, $20M a year;
    # over 1,000 GPUs $20,000 a unit-year, / 8,766 hours = $2.2815 a unit-hour
    k1 = prices.loc["k1"]
    assert k1["per_unit_year_usd"] == pytest.approx(20_000)
    assert k1["per_unit_hour_usd"] == pytest.approx(20_000 / 8_766)
    assert k1["total_usd"] == pytest.approx(40e6)
    assert k1["figure"] == "exact"
    # k2 (no end): $3M over July-December 2024 and about $8M over 2025: $11M over 18 months,
    # $7.333M a year; over 500 GPUs $14,667 a unit-year; steps of two kinds: 'mixed'
    k2 = prices.loc["k2"]
    assert k2["per_unit_year_usd"] == pytest.approx(11e6 / 18 * 12 / 500)
    assert k2["total_usd"] == pytest.approx(11e6)
    assert k2["figure"] == "mixed"
    # k3 (a total, no ramp) as before: $72M over 3 years, $24,000 a unit-year
    assert prices.loc["k3", "per_unit_year_usd"] == pytest.approx(24_000)


def test_the_same_run_rate_as_contract_terms(ledger: ac.Ledger) -> None:
    terms = ac.contract_terms(ledger).frame.set_index("contract")
    prices = ac.gpu_prices(ledger).frame.set_index("record")
    for k in ("k1", "k2", "k3"):
        assert prices.loc[k, "per_unit_hour_usd"] == pytest.approx(terms.loc[k, "usd_per_gpu_hour"])


def test_record_frames_give_the_ledgers_prices(ledger: ac.Ledger) -> None:
    kinds = ("gpu_orders", "prices", "compute_contracts", "ramps")
    frames = {k: ledger.frame(k) for k in kinds}
    got = ac.gpu_prices(frames).frame
    assert (
        got["per_unit_year_usd"].tolist()
        == ac.gpu_prices(ledger).frame["per_unit_year_usd"].tolist()
    )


def test_a_sku_known_by_leases_and_priced_quantities_alone(ledger_text: LedgerText) -> None:
    # no GPU order: H100 only in leases, B200 only in a price of '10,000 B200' ($500M:
    # $50,000 a unit). gpu_prices(led, 'H100') was a KeyError 'no GPU record of SKU' because
    # only orders' SKUs were looked at
    led = ac.load(
        ledger_text(
            LEDGER
            + """
prices:
- {id: p, company: c, product: a B200 system, one_off: $500M, quantity: 10k B200,
   effective: 2024-06, sources: [s]}
"""
        )
    )
    assert sorted(ac.gpu_prices(led, "H100").frame["record"]) == ["k1", "k2", "k3"]
    assert ac.gpu_prices(led, "B200").frame["unit_usd"].tolist() == [50_000]
    with pytest.raises(KeyError, match=r"'H10' \(did you mean 'H100'\?\).*B200, H100"):
        ac.gpu_prices(led, "H10")


def test_a_move_of_a_count_range_is_valued_over_its_ends(ledger_text: LedgerText) -> None:
    # o1: 20,000 H100 for $600M, $30,000 a unit (exact); r1 moves '10,000 to 12,000' of them:
    # 11,000 x 30,000 = $330M, 10,000 x 30,000 = $300M to 12,000 x 30,000 = $360M, a range.
    # It was $330M to $330M, 'exact'.
    led = ac.load(
        ledger_text(
            """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: "20,000", total: $600M,
   order_date: 2024-01, sources: [s]}
- {id: o2, buyer: b, vendor: v, sku: H100, quantity: "about 1,000", total: more than $40M,
   order_date: 2024-01, sources: [s]}
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: "10,000 to 12,000",
   date: 2024-04, sources: [s]}
- {id: r2, order: o2, from_entity: b, to_entity: a, quantity: "500", date: 2024-04,
   sources: [s]}
"""
        )
    )
    frame = ac.reallocations(led).frame.set_index("reallocation")
    r1 = frame.loc["r1"]
    assert [r1["value_usd"], r1["value_low_usd"], r1["value_high_usd"]] == [330e6, 300e6, 360e6]
    assert r1["value_figure"] == "range"
    # r2: an exact count of a bound price keeps the price's ends: at least $40,000 a unit
    # ($40M over 1,000), 500 x 40,000 = $20M, a lower bound
    r2 = frame.loc["r2"]
    assert r2["value_usd"] == pytest.approx(20e6)
    assert r2["value_figure"] == "lower"
