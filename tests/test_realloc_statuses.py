"""``reallocations`` counts a move as ``gpu_fleet`` does: when its order is of ``statuses``
(committed and delivered by default) or it names no order. A move of a cancelled order used to
be listed and valued at another order's price (the SKU's implied price): its own order's price
was left out of the prices (cancelled), so the fallback took the other order's. Figures worked
by hand from the records here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# a's committed 100 H100 for $3M ($30,000 a unit), 40 of them to c;
# b's cancelled 50 H100 for $2M ($40,000 a unit), 20 of them to c;
# d's announced 10 H100 for $500,000 ($50,000 a unit), 5 of them to c;
# a move of 3 H100 of no order from c to a
LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
- {id: d, name: D, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, total: $3M, order_date: 2024-01,
   sources: [s]}
- {id: o2, buyer: b, vendor: v, sku: H100, quantity: 50, total: $2M, order_date: 2024-02,
   status: cancelled, sources: [s]}
- {id: o3, buyer: d, vendor: v, sku: H100, quantity: 10, total: $500K, order_date: 2024-02,
   status: announced, sources: [s]}
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: c, quantity: 40, date: 2024-03, sources: [s]}
- {id: r2, order: o2, from_entity: b, to_entity: c, quantity: 20, date: 2024-04, sources: [s]}
- {id: r3, order: o3, from_entity: d, to_entity: c, quantity: 5, date: 2024-05, sources: [s]}
- {id: r4, sku: H100, from_entity: c, to_entity: a, quantity: 3, date: 2024-06, sources: [s]}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def _values(result: ac.Result) -> dict[str, float]:
    frame = result.frame
    return dict(zip(frame["reallocation"], frame["value_usd"], strict=True))


def test_moves_of_orders_not_counted_are_left_out_and_named(ledger: ac.Ledger) -> None:
    r = ac.reallocations(ledger)
    # r1: 40 x $30,000 = $1.2M (its order's price); r4 names no order: the SKU's latest
    # counted price, o1's $30,000: 3 x 30,000 = $90,000. r2 (cancelled) and r3 (announced)
    # are not counted, as gpu_fleet does not count them
    assert _values(r) == pytest.approx({"r1": 1_200_000.0, "r4": 90_000.0})
    said = " | ".join(r.assumptions)
    assert "2 reallocations of orders of other statuses left out (r2, r3)" in said
    assert r.params["statuses"] == ("committed", "delivered")


def test_the_same_moves_as_the_fleet_counts(ledger: ac.Ledger) -> None:
    fleet = ac.gpu_fleet(ledger, freq="Y").frame
    moved_in = fleet.groupby("entity")["moved_in"].sum()
    # c got 40 (r1) in the fleet; the reallocations table lists r1 into c, r4 out of it
    frame = ac.reallocations(ledger).frame
    into_c = frame.loc[frame["to_entity"] == "c", "units"].sum()
    assert into_c == moved_in["c"] == 40


def test_a_cancelled_move_is_valued_at_its_own_orders_price_when_asked(
    ledger: ac.Ledger,
) -> None:
    r = ac.reallocations(ledger, statuses=["committed", "delivered", "cancelled", "announced"])
    # every order counted: r2 at o2's own $40,000 (20 x 40,000 = $800,000), not o1's $30,000;
    # r3 at o3's $50,000 (5 x 50,000 = $250,000); r4 (no order, 2024-06) at the SKU's latest
    # price dated on or before it: o2 and o3 are both of 2024-02, listed after o1
    values = _values(r)
    assert values["r1"] == pytest.approx(1_200_000.0)
    assert values["r2"] == pytest.approx(800_000.0)
    assert values["r3"] == pytest.approx(250_000.0)
    basis = dict(zip(r.frame["reallocation"], r.frame["price_basis"], strict=True))
    assert basis["r2"] == basis["r3"] == "the order's total"
    assert not any("left out" in a for a in r.assumptions)


def test_one_entity_is_the_same_rows_as_all(ledger: ac.Ledger) -> None:
    whole = ac.reallocations(ledger).frame
    for who in ("a", "b", "c", "d"):
        mine = ac.reallocations(ledger, who).frame
        expect = whole[(whole["from_entity"] == who) | (whole["to_entity"] == who)]
        assert list(mine["reallocation"]) == list(expect["reallocation"])
    assert ac.reallocations(ledger, "b").frame.empty  # b's only move is of its cancelled order
