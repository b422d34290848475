"""A SKU no GPU record names is an error, as an unknown entity is: ``gpu_fleet(led, sku="H10")``
and ``gpu_prices(led, "H10")`` returned an empty result, read as "no H100s"; a SKU that is not
text (5) did the same."""

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
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, total: $3M, order_date: 2024-01,
   sources: [s]}
- {id: o2, buyer: a, vendor: v, sku: B200, quantity: 10, total: $400K, order_date: 2024-09,
   status: cancelled, sources: [s], reported: 2024-10}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


@pytest.mark.parametrize("analysis", [ac.gpu_fleet, ac.gpu_prices])
def test_a_misspelt_sku_is_a_key_error_naming_the_skus(
    ledger: ac.Ledger, analysis: Callable[..., ac.Result]
) -> None:
    with pytest.raises(KeyError, match=r"'H10' \(did you mean 'H100'\?\) \(SKUs recorded: B200"):
        analysis(ledger, sku="H10")
    with pytest.raises(TypeError, match="expected a GPU SKU"):
        analysis(ledger, sku=5)


def test_a_known_sku_counted_by_no_status_is_an_empty_answer(ledger: ac.Ledger) -> None:
    # o2 (B200) is cancelled: recorded, so no error; not counted by default, so no rows
    assert ac.gpu_fleet(ledger, sku="B200").frame.empty
    assert ac.gpu_prices(ledger, "B200").frame.empty
    # counted when asked: $400,000 / 10 = $40,000 a unit
    prices = ac.gpu_prices(ledger, "B200", statuses=["cancelled"]).frame
    assert prices["unit_usd"].tolist() == [40_000.0]


def test_a_sku_known_only_later_is_not_an_error(ledger: ac.Ledger) -> None:
    # o2 was reported in 2024-10: known_on 2024-07 sees no B200, which is an answer, not a typo
    fleet = ac.gpu_fleet(ledger, sku="B200", known_on="2024-07", statuses=["cancelled"])
    assert fleet.frame.empty
    assert ac.gpu_fleet(ledger, sku="H100").frame["ordered"].sum() == 100
