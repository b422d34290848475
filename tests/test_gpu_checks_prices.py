"""Unit prices of GPUs (``aicapex.gpu_prices``): orders count as prices paid only when of the
statuses counted (committed and delivered by default, as ``gpu_fleet`` counts them), and a GPU
count given as a range prices at its base figure, its ends at the count's ends.
Figures worked by hand from the records here."""

from __future__ import annotations

import textwrap
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
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: paid, buyer: a, vendor: v, sku: H100, quantity: 1000, total: $40M, order_date: 2024-01,
   sources: [s]}
- {id: dropped, buyer: b, vendor: v, sku: H100, quantity: 1000, total: $50M,
   order_date: 2024-02, status: cancelled, sources: [s]}
- {id: talked, buyer: b, vendor: v, sku: H100, quantity: 500, unit_price: '$60,000',
   order_date: 2024-02, status: rumoured, sources: [s]}
- {id: ranged, buyer: c, vendor: v, sku: H100, quantity: '10,000 to 12,000', total: $330M,
   order_date: 2024-01, sources: [s]}
- {id: unpriced, buyer: c, vendor: v, sku: H100, quantity: 300, order_date: 2024-02,
   sources: [s]}
gpu_reallocations:
- {id: move, order: unpriced, from_entity: c, to_entity: a, quantity: 200, date: 2024-03,
   sources: [s]}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(textwrap.dedent(LEDGER).lstrip("\n")))


def test_cancelled_and_rumoured_orders_are_no_price_paid(ledger: ac.Ledger) -> None:
    result = ac.gpu_prices(ledger, "H100")
    frame = result.frame.set_index("record")
    # $40M / 1,000 = $40,000; $330M over the midpoint 11,000 = $30,000
    assert sorted(frame.index) == ["paid", "ranged"]
    assert frame.loc["paid", "unit_usd"] == pytest.approx(40_000)
    assert "orders of status committed, delivered" in " ".join(result.assumptions)
    assert result.params["statuses"] == ("committed", "delivered")
    assert "dropped" not in result.records


def test_statuses_asked_for_are_counted(ledger: ac.Ledger) -> None:
    every = ("committed", "delivered", "cancelled", "rumoured")
    frame = ac.gpu_prices(ledger, statuses=every).frame.set_index("record")
    assert sorted(frame.index) == ["dropped", "paid", "ranged", "talked"]
    # $50M / 1,000 = $50,000; the rumoured order's own unit price, $60,000 (500 units: $30M)
    assert frame.loc["dropped", "unit_usd"] == pytest.approx(50_000)
    assert frame.loc["talked", ["unit_usd", "total_usd"]].tolist() == pytest.approx([60e3, 30e6])


def test_a_reallocation_is_valued_at_a_price_paid(ledger: ac.Ledger) -> None:
    # the move's order has no price: it takes the H100's last price paid on or before March
    # 2024, in the price table's order (by date, then record). Counting every status that was
    # the rumoured order's $60,000 (February, after the cancelled one's $50,000); of the prices
    # paid it is January's last, the ranged order's $30,000: 200 units, $6M
    row = ac.reallocations(ledger).frame.set_index("reallocation").loc["move"]
    assert row["price_record"] == "ranged"
    assert row["value_usd"] == pytest.approx(200 * 30_000)


def test_a_count_range_prices_at_its_midpoint(ledger: ac.Ledger) -> None:
    """Documented (aicapex.analysis.unitprices): $330M for 10,000 to 12,000 GPUs is $30,000 a
    unit at the midpoint, and $330M / 12,000 = $27,500 to $330M / 10,000 = $33,000 at the
    count's ends (the order frame's quantity_low/high), a range figure."""
    row = ac.gpu_prices(ledger).frame.set_index("record").loc["ranged"]
    assert row["units"] == 11_000
    assert [row["unit_usd"], row["unit_low_usd"], row["unit_high_usd"]] == pytest.approx(
        [30_000, 27_500, 33_000]
    )
    assert row["figure"] == "range"
