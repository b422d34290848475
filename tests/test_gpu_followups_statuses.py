"""``gpu_fleet`` and ``gpu_targets`` count a reallocation when they count its order
(``statuses=``; committed and delivered by default) or when it names no order: a reallocation
of an announced or cancelled order used to take its units out of the buyer's position (a
negative position, no word). Left out, the result's assumptions name it. Figures worked by hand
from the records here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
- {id: v, name: Vendor, type: chip_vendor}
"""

# a's committed 100 H100 (40 to c); b's announced 50 H100 (20 to c)
TWO_ORDERS = """
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, order_date: 2024-01, sources: [s]}
- {id: o2, buyer: b, vendor: v, sku: H100, quantity: 50, order_date: 2024-02, status: announced,
   sources: [s]}
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: c, quantity: 40, date: 2024-03, sources: [s]}
- {id: r2, order: o2, from_entity: b, to_entity: c, quantity: 20, date: 2024-04, sources: [s]}
"""

# a's committed 100 H100; a's cancelled 1,000 H100 with 400 scheduled, 300 of them passed to b,
# who passes 100 on to c; a move of no order from c to a of 10
CANCELLED = """
gpu_orders:
- {id: kept, buyer: a, vendor: v, sku: H100, quantity: 100, order_date: 2024-01, sources: [s]}
- id: gone
  buyer: a
  vendor: v
  sku: H100
  quantity: 1000
  order_date: 2024-02
  status: cancelled
  scheduled: [{date: 2024-06, quantity: 400}]
  sources: [s]
gpu_reallocations:
- {id: m1, order: gone, from_entity: a, to_entity: b, quantity: 300, date: 2024-03, sources: [s]}
- {id: m2, order: gone, from_entity: b, to_entity: c, quantity: 100, date: 2024-04, sources: [s]}
- {id: m3, sku: H100, from_entity: c, to_entity: a, quantity: 10, date: 2024-05, sources: [s]}
gpu_targets:
- {id: t, entity: b, units: 100, by: 2024-12, set_by: b, sources: [s]}
"""


def _load(ledger_text: LedgerText, body: str) -> ac.Ledger:
    return ac.load(ledger_text(HEAD.lstrip("\n") + body.lstrip("\n")))


def _last(result: ac.Result, column: str = "position") -> dict[str, int]:
    """Each entity's last ``column`` (one SKU in these ledgers)."""
    frame = result.frame.groupby("entity").tail(1)
    return {str(e): int(p) for e, p in zip(frame["entity"], frame[column], strict=True)}


def test_a_move_of_an_announced_order_is_left_out_by_default(ledger_text: LedgerText) -> None:
    ledger = _load(ledger_text, TWO_ORDERS)
    fleet = ac.gpu_fleet(ledger, freq="Y")
    # a: 100 - 40 = 60; c: 40 (r1 only). b's order and r2 are not counted: b has no rows (it
    # had -20 when r2 was counted), c not 60
    assert _last(fleet) == {"a": 60, "c": 40}
    assert (fleet.frame["position"] >= 0).all()
    said = " | ".join(fleet.assumptions)
    assert "orders of status committed, delivered and the reallocations of them" in said
    assert "1 reallocation of orders of other statuses left out (r2)" in said
    assert "r2" not in fleet.records
    assert "r1" in fleet.records


def test_a_move_of_an_order_counted_counts(ledger_text: LedgerText) -> None:
    ledger = _load(ledger_text, TWO_ORDERS)
    fleet = ac.gpu_fleet(ledger, freq="Y", statuses=("committed", "announced"))
    # a 60; b 50 - 20 = 30; c 40 + 20 = 60
    assert _last(fleet) == {"a": 60, "b": 30, "c": 60}
    assert "left out" not in " | ".join(fleet.assumptions)
    # only delivered orders: neither order nor its move
    fleet = ac.gpu_fleet(ledger, freq="Y", statuses=("delivered",))
    assert fleet.frame.empty
    assert "2 reallocations of orders of other statuses left out (r1, r2)" in " | ".join(
        fleet.assumptions
    )


def test_an_entity_alone_still_reads_its_orders_status(ledger_text: LedgerText) -> None:
    """c's rows hold no order: the status of r2's order comes from b's row of the table."""
    ledger = _load(ledger_text, TWO_ORDERS)
    fleet = ac.gpu_fleet(ledger, "c", freq="Y")
    assert _last(fleet) == {"c": 40}
    assert "left out (r2)" in " | ".join(fleet.assumptions)
    assert _last(ac.gpu_fleet(ledger, "a", freq="Y")) == {"a": 60}
    assert "left out" not in " | ".join(ac.gpu_fleet(ledger, "a", freq="Y").assumptions)


def test_a_partial_move_of_a_cancelled_order(ledger_text: LedgerText) -> None:
    ledger = _load(ledger_text, CANCELLED)
    fleet = ac.gpu_fleet(ledger, freq="Y")
    # counted: kept (a +100) and m3, of no order (c -10, a +10); m1 and m2 left out:
    # a 110, c -10 (m3 moves units c is not shown holding: a move of no order always counts)
    assert _last(fleet) == {"a": 110, "c": -10}
    assert "2 reallocations of orders of other statuses left out (m1, m2)" in " | ".join(
        fleet.assumptions
    )
    # counting cancelled orders too: a 100 + 1,000 - 300 + 10 = 810, b 300 - 100 = 200,
    # c 100 - 10 = 90; the 400 scheduled: the first 300 b's (m1), of those 100 c's (m2)
    every = ac.gpu_fleet(ledger, freq="Y", statuses=("committed", "cancelled"))
    assert _last(every) == {"a": 810, "b": 200, "c": 90}
    assert _last(every, "on_hand") == {"a": 0, "b": 0, "c": 0}  # scheduled, none delivered
    scheduled = every.frame.groupby("entity")["scheduled"].sum().to_dict()
    assert scheduled == {"a": 100, "b": 200, "c": 100}


def test_targets_count_moves_as_the_fleet_does(ledger_text: LedgerText) -> None:
    ledger = _load(ledger_text, CANCELLED)
    row = ac.gpu_targets(ledger).frame.set_index("target").loc["t"]
    # b's position: m1 and m2 are of a cancelled order: 0 (it was 300 - 100 = 200 counting
    # the moves alone, of units b's position never held by the statuses counted)
    assert int(row["position"]) == 0
    assert int(row["expected"]) == 0
    row = ac.gpu_targets(ledger, statuses=("committed", "cancelled")).frame.iloc[0]
    # b: 300 in, 100 out; expected: the 200 scheduled units b holds
    assert (int(row["position"]), int(row["expected"])) == (200, 200)


@pytest.mark.parametrize("body", [TWO_ORDERS, CANCELLED])
def test_record_frames_give_the_ledgers_fleet(ledger_text: LedgerText, body: str) -> None:
    ledger = _load(ledger_text, body)
    kinds = ("gpu_orders", "deliveries", "gpu_reallocations")
    frames = {k: ledger.frame(k) for k in kinds}
    for statuses in (("committed", "delivered"), ("committed", "announced", "cancelled")):
        got = ac.gpu_fleet(frames, freq="Q", statuses=statuses)
        want = ac.gpu_fleet(ledger, freq="Q", statuses=statuses)
        assert got.frame.equals(want.frame)
        assert got.assumptions == want.assumptions
