"""An order of status 'delivered' (all of it) that records no actual delivery: its units were
delivered, as scheduled, else at its order date. The fleet and targets showed none on hand.
Figures worked by hand from the records here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# d1: a's 100 H100, delivered, nothing else said. d2: b's 60 H100, delivered, scheduled 20 in
# April and 30 in June (10 not scheduled); r1 moves 10 of d2 from b to c in May. d3: c's 40,
# delivered, its actual delivery recorded (May) as well as its schedule (April).
LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-01}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: d1, buyer: a, vendor: v, sku: H100, quantity: 100, order_date: 2024-01,
   status: delivered, sources: [s]}
- id: d2
  buyer: b
  vendor: v
  sku: H100
  quantity: 60
  order_date: 2024-02
  status: delivered
  sources: [s]
  scheduled:
  - {date: 2024-04, quantity: 20}
  - {date: 2024-06, quantity: 30}
- id: d3
  buyer: c
  vendor: v
  sku: H100
  quantity: 40
  order_date: 2024-02
  status: delivered
  sources: [s]
  scheduled:
  - {date: 2024-04, quantity: 40}
  delivered:
  - {date: 2024-05, quantity: 40}
gpu_reallocations:
- {id: r1, order: d2, from_entity: b, to_entity: c, quantity: 10, date: 2024-05, sources: [s]}
gpu_targets:
- {id: ta, entity: a, units: 100, by: 2024-03, sources: [s]}
- {id: tb, entity: b, units: 50, by: 2024-05, sources: [s]}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def test_a_delivered_order_without_deliveries_is_on_hand(ledger: ac.Ledger) -> None:
    fleet = ac.gpu_fleet(ledger, freq="M").frame
    fleet = fleet.set_index(["entity", "period"])
    # d1: 100 delivered at its order date (January 2024, its last day): on hand 100 from then
    assert fleet.loc[("a", pd_month("2024-01")), ["delivered", "on_hand"]].tolist() == [100, 100]
    # d2: April's 20, then June's 30 and the 10 not scheduled (at the schedule's last date);
    # r1 (May) takes 10 of June's: b has 20 in April, 20 + 20 + 10 = 50 by June; c 10 of
    # d2 in June and its own 40 (d3, May)
    assert fleet.loc[("b", pd_month("2024-04")), "on_hand"] == 20
    assert fleet.loc[("b", pd_month("2024-06")), ["on_hand", "position"]].tolist() == [50, 50]
    assert fleet.loc[("c", pd_month("2024-05")), "on_hand"] == 40
    assert fleet.loc[("c", pd_month("2024-06")), ["on_hand", "position"]].tolist() == [50, 50]
    # it was 0 on hand for a and b (no delivery rows), 40 for c


def test_targets_count_them(ledger: ac.Ledger) -> None:
    t = ac.gpu_targets(ledger).frame.set_index("target")
    # ta: 100 by March (January's): met; tb: 20 by May (April's): short by 30
    assert t.loc["ta", ["delivered", "met"]].tolist() == [100, True]
    assert t.loc["tb", ["delivered", "gap"]].tolist() == [20, 30]


def pd_month(text: str) -> object:
    import pandas as pd

    return pd.Timestamp(text + "-01")


def test_the_flows_pay_a_delivered_order_in_full(ledger_text: LedgerText) -> None:
    # d2 for $6M ($100,000 a unit): paid as delivered, $2M (20 units) in April and $4M (30 +
    # the 10 not scheduled) in June, all 'paid': it was $2M and $3M 'scheduled' (a delivered
    # order's money still to pay) and $1M never paid. d1 ($3M, no schedule): paid at its
    # order date, as before
    text = LEDGER.replace("quantity: 60\n", "quantity: 60\n  total: $6M\n").replace(
        "quantity: 100, order_date", "quantity: 100, total: $3M, order_date"
    )
    flows = ac.load(ledger_text(text)).flows()
    money = flows[(flows["kind"] == "gpu_orders") & (flows["status"] != "committed")]
    got = money.groupby(["record", "status", "month"], observed=True)["amount_usd"].sum()
    assert {(r, s, str(m.date())): v for (r, s, m), v in got.items()} == {
        ("d1", "paid", "2024-01-01"): 3e6,
        ("d2", "paid", "2024-04-01"): 2e6,
        ("d2", "paid", "2024-06-01"): 4e6,
    }
