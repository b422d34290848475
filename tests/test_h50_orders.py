"""A GPU order's unit price and total must multiply out (helper-50's bad-input review): 100 H100
at $30K with a total of $30M loaded, the flows paying the total ($30M) and the prices reading
the unit price ($30K): two orders in one record. Now refused at ``total`` as a stake's price x
shares = paid is (the same tolerance: 1% or the rounding of the figures as written)."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

HEAD = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
- {id: nv, name: NV, type: chip_vendor}
gpu_orders:
"""


def order(tmp_path: Path, quantity: str, unit_price: str, total: str) -> Path:
    path = tmp_path / "l.yaml"
    path.write_text(
        HEAD + f"- {{id: g1, buyer: co, vendor: nv, sku: H100, quantity: '{quantity}', "
        f"unit_price: '{unit_price}', total: '{total}', order_date: 2023, sources: [s1]}}\n"
    )
    return path


@pytest.mark.parametrize(
    ("quantity", "unit_price", "total", "product"),
    [
        # 100 x $30K = $3M, 1% of $30M is $300K: $30M is ten times that
        ("100", "$30K", "$30M", "$30K x 100 = $3M"),
        # 12,000 x $30K = $360M; $500M is $140M off, past 1% ($5M) and the roundings
        ("12,000", "$30K", "$500M", "$30K x 12K = $360M"),
        # at most 12,000 x $30K = $360M: $400M is past it
        ("10,000 to 12,000", "$30K", "$400M", "$30K x 10K to 12K = $330M"),
        # a total of less than $2M: 100 x $30K is $3M at least
        ("100", "$30K", "less than $2M", "$30K x 100 = $3M"),
    ],
)
def test_a_total_the_unit_price_cannot_make_is_refused(
    tmp_path: Path, quantity: str, unit_price: str, total: str, product: str
) -> None:
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(order(tmp_path, quantity, unit_price, total))
    (p,) = caught.value.problems
    assert (p.code, p.record_id, p.field, p.line) == ("inconsistent", "g1", "total", 8)
    assert p.expected.startswith(
        "unit_price x quantity within 1% or the rounding of the figures as written "
        f"({product}, give or take "
    )
    assert p.found == total


@pytest.mark.parametrize(
    ("quantity", "unit_price", "total"),
    [
        ("100", "$30K", "$3M"),  # exactly
        ("100", "$30K", "$3.02M"),  # within 1%
        ("12,000", "$30,123", "$361.476M"),  # 12,000 x $30,123 = $361,476,000
        ("10,000 to 12,000", "$30K", "$330M"),  # within $300M to $360M
        ("12,000", "$30K", "more than $300M"),  # $360M is more than $300M
        ("100", "$30K", "up to $30M"),  # a ceiling: $3M is within it
        ("about 12,000", "$25K to $30K", "$300M"),  # about: no hard limit on the count
        ("100", "€30K", "$3M"),  # two currencies: no rate at load, not compared
    ],
)
def test_totals_the_unit_price_can_make_load(
    tmp_path: Path, quantity: str, unit_price: str, total: str
) -> None:
    led = ac.load(order(tmp_path, quantity, unit_price, total))
    assert [r.id for r in led.records("gpu_orders")] == ["g1"]
